#!/usr/bin/env python3
"""Peak memory and time of large builds: ``python bench/memory.py [--speeches 500] [--mb 2]``.

Builds, each in a fresh ``python build.py`` process as a user runs it:
- the bundled seeds (for comparison);
- one speech of about 2 MB (UTF-8), sectioned like a long work report (seed paragraphs under
  一、/（一）/1. headings, chosen with a fixed random seed);
- an archive of 500 speeches of about 30 KB each (``bench/synthetic.py``, also seeded).
Each case is built twice: cold (an empty build cache, ``WENJI_CACHE``) and warm (the same
cache again). Peak memory is that of the build and the workers it forks together (the sum of
their PSS, sampled every 50 ms from /proc), beside the largest single process's maximum RSS
(``os.wait4``); time is wall-clock. Prints the figures and whether each build stays within the memory of a 2-core,
4 GB machine; exits 1 if a build fails.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_MB = 4096  # the whole machine; the build should leave room for the system
CN = "一二三四五六七八九十"


def seed_paragraphs() -> list[str]:
    """Body paragraphs of the seeds, without their heading lines."""
    paras = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if len(line) > 30 and not line.startswith(("（", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十")):
                paras.append(line)
    return paras


def cn(n: int) -> str:
    """1..99 as Chinese numerals (一, 十二, 二十三)."""
    if n <= 10:
        return CN[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN[tens - 1]) + "十" + (CN[ones - 1] if ones else "")


def speech(rng: random.Random, paras: list[str], target_bytes: int, title: str) -> str:
    """A speech of about ``target_bytes``: title, date line, salutation, then 一、/（一）/1. sections."""
    out = [title, f"（{rng.randint(2015, 2024)}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日）", "各位代表："]
    size = sum(len(x.encode("utf-8")) for x in out)
    part = sub = item = 0
    while size < target_bytes:
        r = rng.random()
        if r < 0.04 or part == 0:
            part, sub, item = part % 99 + 1, 0, 0
            line = f"{cn(part)}、{rng.choice(paras)[:14]}"
        elif r < 0.15:
            sub, item = sub % 99 + 1, 0
            line = f"（{cn(sub)}）{rng.choice(paras)}"
        elif r < 0.25 and sub:
            item = item % 99 + 1
            line = f"{item}.{rng.choice(paras)}"
        else:
            line = rng.choice(paras)
        out.append(line)
        size += len(line.encode("utf-8")) + 1
    return "\n".join(out) + "\n"


def make_cases(tmp: Path, speeches: int, mb: float) -> dict[str, tuple[Path, Path]]:
    """case name -> (seeds folder, content folder)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from synthetic import make_archive

    rng = random.Random(20240108)
    big = tmp / "big"
    big.mkdir()
    (big / "big.txt").write_text(speech(rng, seed_paragraphs(), int(mb * 1024 * 1024), "长篇工作报告"),
                                 encoding="utf-8")
    return {"seeds": (ROOT / "seeds", ROOT / "content"),
            f"one speech of {mb:g} MB": (big, tmp / "no-content"),
            f"{speeches} speeches": make_archive(tmp / "many", speeches)}


def _tree(pid: int) -> list[int]:
    """The process and all its descendants (the build forks workers)."""
    pids, out = [pid], []
    while pids:
        p = pids.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    pids += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return out


def _pss_kb(pid: int) -> int:
    """Proportional set size: a forked worker's pages shared with its parent count once."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def measure(cmd: list[str], cwd: Path, env: dict | None = None,
            sample: bool = True) -> tuple[float, int, int, int, str]:
    """Run a command; (seconds, peak memory of its whole process tree in KB, peak RSS of its
    largest single process in KB, exit status, stderr). The tree's memory is the sum of PSS
    over the process and its workers, sampled every 50 ms; with ``sample`` false, only the
    largest process's peak RSS, which the kernel keeps. Reading PSS costs the kernel a walk of
    every process's pages, on the cores the command runs on: at 1,000 synthetic speeches,
    sampling every 20 ms used 2.2-2.4 s of CPU during a one-edit rebuild, which took 5.9-6.7 s
    sampled and 4.9-5.2 s not. Time a command unsampled."""
    start = time.perf_counter()
    tree_peak = 0
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err, env={**os.environ, **(env or {})})
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG if sample else 0)
            if pid:
                break
            tree_peak = max(tree_peak, sum(_pss_kb(p) for p in _tree(proc.pid)))
            time.sleep(0.05)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    return elapsed, max(tree_peak, usage.ru_maxrss), usage.ru_maxrss, proc.returncode, stderr


def run_build(seeds: Path, content: Path, out: Path, cache: Path) -> tuple[float, int, int, int, str]:
    """One build in a fresh process, with its own build cache: see measure()."""
    cmd = [sys.executable, "build.py", "--seeds", str(seeds), "--content", str(content), "--out", str(out), "-q"]
    return measure(cmd, ROOT, {"WENJI_CACHE": str(cache)})


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--speeches", type=int, default=500, help="speeches in the archive case (default 500)")
    ap.add_argument("--mb", type=float, default=2.0, help="size of the single long speech in MB (default 2)")
    args = ap.parse_args()
    failed = False
    rows = []
    with tempfile.TemporaryDirectory(prefix="wenji-bench-memory-") as tmp_name:
        tmp = Path(tmp_name)
        cases = make_cases(tmp, args.speeches, args.mb)
        for name, (seeds, content) in cases.items():
            cache = tmp / "cache" / name.replace(" ", "-")
            files = sorted(seeds.glob("*.txt"))
            text = sum(p.stat().st_size for p in files)
            for state in ("cold", "warm"):
                out = tmp / "out" / name.replace(" ", "-")
                seconds, peak_kb, largest_kb, status, stderr = run_build(seeds, content, out, cache)
                label = f"{name}, {state}"
                if status:
                    failed = True
                    print(f"{label}: build FAILED (exit {status})\n{stderr[-3000:]}", file=sys.stderr)
                    rows.append((label, len(files), text, seconds, peak_kb, largest_kb, 0, "failed"))
                    break
                ok = "yes" if peak_kb / 1024 < BUDGET_MB * 0.75 else "NO"
                rows.append((label, len(files), text, seconds, peak_kb, largest_kb, folder_bytes(out), ok))
                shutil.rmtree(out, ignore_errors=True)  # free the disk before the next build
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; one fresh `python build.py` process per build; "
          "peak MB = the build and its workers together (PSS, sampled every 50 ms), largest = its largest process")
    print(f"{'case':<28} {'speeches':>8} {'text MB':>8} {'time s':>8} {'peak MB':>8} {'largest':>8} {'site MB':>8}"
          "  fits 4 GB (peak < 3 GB)")
    for name, n, text, seconds, peak_kb, largest_kb, site, ok in rows:
        print(f"{name:<28} {n:>8} {text / 2**20:>8.2f} {seconds:>8.2f} {peak_kb / 1024:>8.0f} {largest_kb / 1024:>8.0f} "
              f"{site / 2**20:>8.1f}  {ok}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
