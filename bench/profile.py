#!/usr/bin/env python3
"""Where a cold build's time goes, step by step: ``python bench/profile.py [--speeches 1000]``.

For the real archive (tests/corpus-real) and, with ``--speeches N``, a synthetic archive of N
speeches (bench/synthetic.py), it prints:

- start-up: a fresh ``python build.py --help`` and the import of wenji's build modules
  (median of ``--runs`` fresh processes);
- the cold build as a user runs it: ``python build.py`` in a fresh process, empty cache, every
  core (median of ``--runs``);
- the same build on every core in a fresh process: its wall time, and the CPU time of the
  build's own process and of the processes it started (how the work was split);
- the same build on one core, in this process, with every step timed: reading and sectioning,
  loading the dictionary, cutting and counting, the term matrix, the theme step, related passages, comparison
  data, trend counts, speech pages, theme pages, home pages, archive downloads, search files, feeds, static
  files, the swap. On one core the steps
  run one after the other, so they add up to the build and show what each one costs; on two
  cores the build loads numpy, pypinyin and jieba's dictionary while worker processes read the
  speeches, runs the files that need no themes (search, downloads, home pages, feeds) in a
  second process beside the cutting and the theme step, the comparison data and the trend
  counts in a third beside the theme step, and the theme pages in a fourth beside the related
  passages and the speech pages.
- the rebuild after editing one speech, on one core, step by step as above (in the process
  that made the first build, so its imports are done);
- with ``--top K``: the K functions where the one-core build spends most of its own CPU time
  (cProfile, which slows Python code down about 1.5 times: a pointer, not a measurement).

Step times are CPU seconds of the one process (``time.process_time``), which a busy machine
changes far less than wall time; the fresh-process figures are wall times.

Steps are found by name in wenji's modules and timed by wrapping them, so wenji itself is not
changed; a step that is not found (renamed) is reported as such.
"""
from __future__ import annotations

import argparse
import functools
import inspect
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This file has the name of the standard library's profile module, which cProfile imports.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
import cProfile  # noqa: E402
import pstats  # noqa: E402

sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
from synthetic import make_archive  # noqa: E402

REAL = (ROOT / "tests" / "corpus-real" / "seeds", ROOT / "tests" / "corpus-real" / "content")

# (label, module, attribute): the steps of a build, in the order the build meets them.
STEPS = [
    ("read, clean, structure", "wenji.site", "load_speeches"),
    ("load the dictionary", "wenji.segment", "Segmenter.start"),
    ("cut and count terms", "wenji.termcounts", "count"),
    ("the sections' term matrix", "wenji.themes", "join_counts"),
    ("theme step (themes, keywords)", "wenji.themes", "analyse"),
    ("related passages", "wenji.related", "find_again"),
    ("comparison data (compare/)", "wenji.comparison", "files"),
    ("trend counts (trends/)", "wenji.trend_counts", "files"),
    ("speech pages, .txt, .json", "wenji.site", "produce"),
    ("theme pages, keywords.html", "wenji.theme_pages", "outputs"),
    ("home pages", "wenji.render", "home_pages"),
    ("archive.json, zip", "wenji.downloads", "archive_outputs"),
    ("search files", "wenji.site", "search_files"),
    ("feeds", "wenji.feeds", "outputs"),
    ("static files", "wenji.site", "_copy_static"),
    ("swap the site in", "wenji.site", "_swap"),
]


class Timer:
    """CPU seconds spent inside each wrapped step (the outermost call only: a step that calls
    itself, or a generator step, is counted once). CPU time, not wall time: on a machine
    shared with other work it stays what the step costs."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.depth: dict[str, int] = {}

    def wrap(self, label: str, fn):
        self.seconds.setdefault(label, 0.0)
        self.depth.setdefault(label, 0)
        if inspect.isgeneratorfunction(fn):
            @functools.wraps(fn)
            def gen(*args, **kwargs):
                it = fn(*args, **kwargs)
                while True:
                    with self.timing(label):
                        try:
                            item = next(it)
                        except StopIteration:
                            return
                    yield item
            return gen

        @functools.wraps(fn)
        def call(*args, **kwargs):
            with self.timing(label):
                return fn(*args, **kwargs)
        return call

    def timing(self, label: str):
        timer = self

        class _Span:
            def __enter__(self):
                timer.depth[label] += 1
                self.start = time.process_time()

            def __exit__(self, *exc):
                timer.depth[label] -= 1
                if timer.depth[label] == 0:
                    timer.seconds[label] += time.process_time() - self.start
                return False
        return _Span()


def install(timer: Timer) -> list[str]:
    """Wrap every step found; return the labels of those not found."""
    missing = []
    for label, module_name, attr in STEPS:
        try:
            module = __import__(module_name, fromlist=["_"])
            owner, name = module, attr
            if "." in attr:
                cls, name = attr.split(".")
                owner = getattr(module, cls)
            setattr(owner, name, timer.wrap(label, getattr(owner, name)))
        except (ImportError, AttributeError):
            missing.append(label)
    return missing


def fresh(cmd: list[str], env: dict | None = None) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env={**os.environ, **(env or {})}, capture_output=True, text=True)
    if proc.returncode:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stderr[-3000:]}")
    return time.perf_counter() - start


def start_up(runs: int) -> dict[str, float]:
    imports = "import wenji.cli, wenji.site"
    return {
        "python alone": statistics.median(fresh([sys.executable, "-c", "pass"]) for _ in range(runs)),
        "python build.py --help": statistics.median(fresh([sys.executable, "build.py", "--help"])
                                                    for _ in range(runs)),
        f"python -c '{imports}'": statistics.median(fresh([sys.executable, "-c", imports]) for _ in range(runs)),
    }


def cold_cli(seeds: Path, content: Path, work: Path, runs: int) -> list[float]:
    times = []
    for i in range(runs):
        cache, out = work / f"cli-cache-{i}", work / f"cli-site-{i}"
        times.append(fresh([sys.executable, "build.py", "-q", "--seeds", str(seeds), "--content", str(content),
                            "--out", str(out)], {"WENJI_CACHE": str(cache)}))
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
    return times


def one_core_steps(seeds: Path, content: Path, work: Path, top: int,
                   edit: bool = False) -> tuple[float, float, dict[str, float], list, str]:
    """A cold build on one core in a child process (so that the wrapped steps and the loaded
    modules do not outlive it): (CPU seconds, wall seconds, CPU seconds per step, missing
    steps, cProfile lines). ``edit``: the rebuild after one speech is edited, not the cold build."""
    cmd = [sys.executable, __file__, "--child", str(seeds), str(content), str(work), str(top), "edit" if edit else "cold"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "WENJI_CACHE": str(work / "steps-cache")})
    if proc.returncode:
        sys.exit(f"one-core build failed:\n{proc.stderr[-3000:]}")
    lines = proc.stdout.splitlines()
    marker = lines.index("--")
    cpu, wall = map(float, lines[0].split())
    steps = {}
    for line in lines[1:marker]:
        label, seconds = line.rsplit("\t", 1)
        steps[label] = float(seconds)
    missing = [line[len("missing "):] for line in lines[marker + 1:] if line.startswith("missing ")]
    prof = "\n".join(line for line in lines[marker + 1:] if not line.startswith("missing "))
    return cpu, wall, steps, missing, prof


def two_cores(seeds: Path, content: Path, work: Path) -> tuple[float, float, float]:
    """A cold build on every core in a fresh process: (wall seconds, CPU seconds of the build's
    own process, CPU seconds of the processes it started). On a quiet machine the wall time
    is about the longer of two chains of work, so the split shows how well the two overlap."""
    cmd = [sys.executable, __file__, "--child-cores", str(seeds), str(content), str(work)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "WENJI_CACHE": str(work / "cores-cache")})
    shutil.rmtree(work / "cores-cache", ignore_errors=True)
    if proc.returncode:
        sys.exit(f"two-core build failed:\n{proc.stderr[-3000:]}")
    wall, own, others = map(float, proc.stdout.split())
    return wall, own, others


def child_cores(seeds: str, content: str, work: str) -> None:
    from wenji import parallel, site
    from wenji.cache import Cache

    out = Path(work) / "cores-site"
    shutil.rmtree(out, ignore_errors=True)
    start, cpu = time.perf_counter(), time.process_time()
    site.build(Path(seeds), Path(content), out, cache=Cache(Path(os.environ["WENJI_CACHE"])),
               workers=parallel.cores())
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"{time.perf_counter() - start:.4f} {time.process_time() - cpu:.4f} {used.ru_utime + used.ru_stime:.4f}")


def child(seeds: str, content: str, work: str, top: int, mode: str) -> None:
    """Run one cold build (or a rebuild after one edit) on one core with the steps wrapped;
    print the figures."""
    timer = Timer()
    missing = install(timer)
    from wenji import site
    from wenji.cache import Cache

    out = Path(work) / "steps-site"
    shutil.rmtree(out, ignore_errors=True)
    if mode == "edit":
        copy = Path(work) / "edited-seeds"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(seeds, copy)
        seeds = str(copy)
        site.build(Path(seeds), Path(content), out, cache=Cache(Path(os.environ["WENJI_CACHE"])), workers=1)
        edit_one(Path(seeds))
        timer.seconds = dict.fromkeys(timer.seconds, 0.0)
    profiler = cProfile.Profile(time.process_time) if top else None
    start, cpu = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    site.build(Path(seeds), Path(content), out, cache=Cache(Path(os.environ["WENJI_CACHE"])), workers=1)
    if profiler:
        profiler.disable()
    print(f"{time.process_time() - cpu:.4f} {time.perf_counter() - start:.4f}")
    for label, _, _ in STEPS:
        if label in timer.seconds:
            print(f"{label}\t{timer.seconds[label]:.4f}")
    print("--")
    for label in missing:
        print(f"missing {label}")
    if profiler:
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.sort_stats("tottime").print_stats(top)


def edit_one(seeds: Path) -> None:
    """Add a sentence to the third line of the middle speech (as bench/scale.py does)."""
    files = sorted(seeds.glob("*.txt"))
    victim = files[len(files) // 2]
    lines = victim.read_text(encoding="utf-8").split("\n")
    lines[2] = "这是修改后新加的一句话。" + lines[2]
    victim.write_text("\n".join(lines), encoding="utf-8")


def report(name: str, seeds: Path, content: Path, work: Path, runs: int, top: int) -> None:
    text_mb = sum(p.stat().st_size for p in seeds.glob("*.txt")) / 1e6
    speeches = len(list(seeds.glob("*.txt")))
    print(f"\n{name}: {speeches} speeches, {text_mb:.2f} MB of text")
    cli = cold_cli(seeds, content, work, runs)
    print(f"  cold build, python build.py, {os.cpu_count()} cores: median {statistics.median(cli):.2f} s "
          f"(runs: {' '.join(f'{t:.2f}' for t in cli)})")
    wall, own, others = two_cores(seeds, content, work)
    print(f"  cold build on {os.cpu_count()} cores, in a fresh process: {wall:.2f} s wall; CPU {own:.2f} s in the "
          f"build's process, {others:.2f} s in the processes it started")
    cpu, wall, steps, missing, prof = one_core_steps(seeds, content, work, top)
    print(f"  cold build on one core, in process: {cpu:.2f} s of CPU ({wall:.2f} s wall), of which:")
    for label, seconds in sorted(steps.items(), key=lambda kv: -kv[1]):
        print(f"    {label:<40} {seconds:7.2f} s  {seconds / cpu:5.1%}")
    rest = cpu - sum(steps.values())
    print(f"    {'(the rest: fingerprint, page signatures, writing)':<40} {rest:7.2f} s  {rest / cpu:5.1%}")
    if missing:
        print(f"  steps not found in wenji (renamed?): {', '.join(missing)}")
    if top:
        print(f"  the {top} functions with the most own time (cProfile):")
        print("\n".join("    " + line for line in prof.splitlines() if line.strip()))
    shutil.rmtree(work / "steps-cache", ignore_errors=True)
    cpu, wall, steps, missing, _ = one_core_steps(seeds, content, work, 0, edit=True)
    print(f"  rebuild after editing one speech, one core, in process: {cpu:.2f} s of CPU ({wall:.2f} s wall), of which:")
    for label, seconds in sorted(steps.items(), key=lambda kv: -kv[1]):
        if seconds >= 0.005:
            print(f"    {label:<40} {seconds:7.2f} s  {seconds / cpu:5.1%}")
    rest = cpu - sum(steps.values())
    print(f"    {'(the rest: fingerprint, loading the cache, signatures)':<40} {rest:7.2f} s  {rest / cpu:5.1%}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child-cores":
        child_cores(sys.argv[2], sys.argv[3], sys.argv[4])
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6])
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--speeches", type=int, nargs="*", default=[], help="synthetic archives of these sizes too")
    ap.add_argument("--runs", type=int, default=3, help="fresh processes per figure (median)")
    ap.add_argument("--top", type=int, default=0, help="list the K functions with the most own time")
    ap.add_argument("--no-real", action="store_true", help="skip the real archive")
    args = ap.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} "
          f"{platform.python_version()}; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("start-up, fresh processes (median):")
    for label, seconds in start_up(max(args.runs, 5)).items():
        print(f"  {label:<45} {seconds:6.3f} s")
    with tempfile.TemporaryDirectory(prefix="wenji-profile-") as tmp:
        work = Path(tmp)
        if not args.no_real:
            report("real archive (tests/corpus-real)", *REAL, work, args.runs, args.top)
        for n in args.speeches:
            seeds, content = make_archive(work / f"n{n}", n)
            report(f"synthetic archive of {n}", seeds, content, work, args.runs, args.top)
    print(f"\nload average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
