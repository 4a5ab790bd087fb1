#!/usr/bin/env python3
"""How wenji scales: ``python bench/scale.py [--speeches 100 300 1000]``.

For each archive size N (a synthetic archive from bench/synthetic.py, ~30 KB a speech) it
prints: cold build time (empty cache, fresh output), rebuild with nothing changed, rebuild
after editing one speech, peak memory of the build (the process and its workers together, in
a build of its own: sampling it slows a build down),
output size, search files size (raw and gzip), bytes the browser loads before the first
results of a two-character query and the time to them in headless Chromium from file://
(cold page and warm), and the floor: the time jieba needs, on one core in this same run, to
segment the same text, with the ratio of the cold build to it. Last, the per-speech cost at
each N and the ratio of the largest N's to the smallest's. ``--runs K`` measures the cold
build with its floor, and the one-edit rebuild, K times and shows medians (see ``run``).
"""
from __future__ import annotations

import argparse
import gzip
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from synthetic import make_archive  # noqa: E402

CPU: list[float] = []  # CPU seconds of each timed build, in order


def _tree_memory(pid: int) -> tuple[int, int]:
    """(PSS, RSS) of a process and all its descendants, in bytes. PSS counts a page shared by
    k processes (forked workers share the parent's pages until they write them) 1/k in each,
    so the sum is the physical memory the build holds; the RSS sum counts it k times."""
    pss = rss = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1]) * 1024
                elif line.startswith("Rss:"):
                    rss += int(line.split()[1]) * 1024
            for task in Path(f"/proc/{p}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            pass
    return pss, rss


def timed_build(seeds: Path, content: Path, out: Path, cache: Path, sample: bool = False) -> tuple[float, int, int]:
    """Wall time of ``python build.py`` and, with ``sample``, its peak memory (PSS and RSS of
    the process tree, sampled every 20 ms; else 0, 0); its CPU seconds (the process and its
    workers, user + system: what a busy machine changes far less than the wall time) are added
    to ``CPU``. The sampler reads every process's pages on the build's cores: it used 2.2-2.4 s
    of CPU during a one-edit rebuild of 1,000 speeches, which took 5.9-6.7 s sampled and 4.9-5.2 s
    not. So the times come from builds not sampled, and the memory from one more build of each."""
    env = dict(os.environ, WENJI_CACHE=str(cache))
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "build.py", "-q", "--seeds", str(seeds), "--content", str(content),
                             "--out", str(out)], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    peak = peak_rss = 0
    while sample and proc.poll() is None:
        pss, rss = _tree_memory(proc.pid)
        peak, peak_rss = max(peak, pss), max(peak_rss, rss)
        time.sleep(0.02)
    errors = proc.communicate()[1]
    elapsed = time.perf_counter() - start
    done = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(done.ru_utime + done.ru_stime - used.ru_utime - used.ru_stime)
    if proc.returncode:
        sys.exit(f"build failed: {errors}")
    return elapsed, peak, peak_rss


def jieba_floor(seeds: Path) -> tuple[float, float]:
    """(start-up, segmentation) seconds of one jieba Tokenizer over the archive's text, one core."""
    import jieba
    import logging

    logging.getLogger("jieba").setLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    t0 = time.perf_counter()
    tok.initialize()
    t1 = time.perf_counter()
    for path in sorted(seeds.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            tok.lcut(line)
    return t1 - t0, time.perf_counter() - t1


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def search_sizes(site: Path) -> tuple[int, int]:
    scripts = ["fold.js", "search-engine.js", "search-page.js"]
    files = [p for p in (site / "search").rglob("*") if p.is_file()] + [site / "static" / n for n in scripts]
    raw = sum(p.stat().st_size for p in files)
    gz = sum(len(gzip.compress(p.read_bytes(), 6)) for p in files)
    return raw, gz


def _edit(speech: Path) -> None:
    """One sentence added to the speech's third line."""
    lines = speech.read_text(encoding="utf-8").split("\n")
    lines[2] = "这是修改后新加的一句话。" + lines[2]
    speech.write_text("\n".join(lines), encoding="utf-8")


def _cold_folders(folder: Path, k: int) -> tuple[Path, Path]:
    """The cache and output folder of this benchmark's ``k``-th cold build (see ``run``)."""
    own = folder / f"cold-{os.getpid()}-{k}"
    return own / "cache", own / "site"


def run(n: int, work: Path, browser: bool, runs: int = 1) -> dict:
    """The figures for an archive of ``n`` speeches. With ``runs`` > 1 the cold build and the
    jieba floor are measured that many times, each floor right after its build, and the
    one-edit rebuild that many times: the medians are reported, and each pair's ratio. On a
    shared machine of 2 cores the floor measured 48 s in one run and 61-72 s in others, the
    cold build 33-39 s: one pair alone can put the ratio anywhere from 0.5 to 0.7.

    Each cold build has a cache and an output folder of its own, named for this benchmark's
    process and never deleted while it runs (a temporary ``work`` goes when it ends; ``--work``
    keeps them). A build right after deleting the last one's 5,600 files paid for the
    deletion: on a file system without a journal (this machine's ext4) a new file does not take
    an inode freed in the last minute or so, and the kernel reads each such inode in turn
    before it finds one, holding the folder's lock. perf, cold builds at 1,000 speeches: 8.5%
    of all samples in ext4's find_inode_bit and recently_deleted right after deleting, 3.3% 32 s
    after, none 35 s after; the ratio below was 0.57 and 0.59 deleting first, 0.48 and 0.49 not."""
    folder = work / f"n{n}"
    seeds, content = make_archive(folder, n)
    text_bytes = sum(p.stat().st_size for p in seeds.glob("*.txt"))
    cache, out = _cold_folders(folder, 0)
    r: dict = {"n": n, "text_mb": text_bytes / 1e6}
    _, r["peak_cold"], r["rss_cold"] = timed_build(seeds, content, out, cache, sample=True)
    colds, cold_cpu, floors, starts = [], [], [], []
    for i in range(runs):
        cache, out = _cold_folders(folder, i + 1)
        colds.append(timed_build(seeds, content, out, cache)[0])
        cold_cpu.append(CPU[-1])
        start, cut = jieba_floor(seeds)
        starts.append(start)
        floors.append(cut)
    r["cold"], r["cold_cpu"] = statistics.median(colds), statistics.median(cold_cpu)
    r["jieba_start"], r["jieba_cut"] = statistics.median(starts), statistics.median(floors)
    r["ratios"] = [c / f for c, f in zip(colds, floors)]
    r["nothing"], _, _ = timed_build(seeds, content, out, cache)
    victim = sorted(seeds.glob("*.txt"))[n // 2]
    edits, edit_cpu = [], []
    for _ in range(runs):
        _edit(victim)
        edits.append(timed_build(seeds, content, out, cache)[0])
        edit_cpu.append(CPU[-1])
    r["one_edit"], r["one_edit_cpu"] = statistics.median(edits), statistics.median(edit_cpu)
    r["one_edits"] = edits
    _edit(victim)
    _, r["peak_edit"], _ = timed_build(seeds, content, out, cache, sample=True)
    r["out_mb"] = folder_size(out) / 1e6
    r["search_raw"], r["search_gz"] = search_sizes(out)
    if browser:
        try:
            from search import browser_timings  # bench/search.py
        except ImportError:
            browser_timings = None
        if browser_timings:
            r["browser"] = browser_timings(out, ["发展", "营商环境", "乡村振兴"])
    return r


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--speeches", type=int, nargs="+", default=[100, 300, 1000])
    ap.add_argument("--no-browser", action="store_true", help="skip the Chromium timings")
    ap.add_argument("--work", type=Path,
                    help="keep the archives and sites here, every cold build's too (default: a temporary folder)")
    ap.add_argument("--runs", type=int, default=1,
                    help="cold builds (each with a jieba floor) and one-edit rebuilds measured; medians shown")
    args = ap.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} "
          f"{platform.python_version()}, {platform.platform()}; load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        for n in args.speeches:
            r = run(n, work, not args.no_browser, args.runs)
            rows.append(r)
            print(f"\nN = {n} speeches, {r['text_mb']:.1f} MB of text")
            print(f"  cold build            {r['cold']:7.2f} s   ({r['cold'] / n * 1000:.1f} ms a speech, "
                  f"{r['cold_cpu']:.2f} s of CPU)"
                  f"   peak memory {r['peak_cold'] / 2**20:.0f} MB PSS ({r['rss_cold'] / 2**20:.0f} MB RSS summed)")
            print(f"  rebuild, no change    {r['nothing']:7.2f} s   (cold / this = {r['cold'] / r['nothing']:.1f}x)")
            print(f"  rebuild, one edited   {r['one_edit']:7.2f} s   ({r['one_edit_cpu']:.2f} s of CPU)   "
                  f"peak memory {r['peak_edit'] / 2**20:.0f} MB"
                  + (f"   (each: {', '.join(f'{x:.2f}' for x in r['one_edits'])})" if args.runs > 1 else ""))
            print(f"  jieba floor           {r['jieba_cut']:7.2f} s   segmentation on one core "
                  f"(+{r['jieba_start']:.2f} s start-up); cold build / floor = {r['cold'] / r['jieba_cut']:.2f}"
                  + (f"   (each pair: {', '.join(f'{x:.2f}' for x in r['ratios'])})" if args.runs > 1 else ""))
            print(f"  output                {r['out_mb']:7.1f} MB; search files {r['search_raw'] / 1e6:.2f} MB raw, "
                  f"{r['search_gz'] / 1e6:.2f} MB gzip")
            for q, b in (r.get("browser") or {}).items():
                print(f"  query {q!r}: {b}")
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        a, b = first["cold"] / first["n"], last["cold"] / last["n"]
        print("\nper-speech cold cost: " + ", ".join(f"N={r['n']}: {r['cold'] / r['n'] * 1000:.1f} ms" for r in rows)
              + f"; N={last['n']} / N={first['n']} = {b / a:.2f} (target <= 1.3)")
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
