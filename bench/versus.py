#!/usr/bin/env python3
"""Run a benchmark with the code of a git revision and of the working tree, turn about, in one run.

    python bench/versus.py REV [--rounds N] -- bench/build.py --runs 7
    python bench/versus.py main -- bench/search.py --no-browser

The machine is shared, so timings drift from minute to minute: running the same benchmark
before and after in alternation (before, after, before, after, ...) puts both under the same
load. REV is checked out with ``git worktree add`` into a temporary folder; each run is the
benchmark script of its own tree, with this Python, its output printed as it comes, then its
wall time and the CPU time of it and every process it waited for (less sensitive to the load
than wall time, though not immune to it).
"""
from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 usage="%(prog)s REV [--rounds N] -- BENCHMARK [OPTIONS]")
    ap.add_argument("rev")
    ap.add_argument("--rounds", type=int, default=2, help="before-and-after pairs (default 2)")
    argv = sys.argv[1:]
    cut = argv.index("--") if "--" in argv else len(argv)
    args, command = ap.parse_args(argv[:cut]), argv[cut + 1:]
    if not command:
        ap.error("give the benchmark after --")
    commit = git("rev-parse", "--verify", args.rev + "^{commit}")
    with tempfile.TemporaryDirectory(prefix="wenji-versus-") as tmp:
        checkout = Path(tmp) / "rev"
        git("worktree", "add", "--detach", str(checkout), commit)
        try:
            for r in range(args.rounds):
                for side, tree in (("before", checkout), ("after", ROOT)):
                    label = f"{args.rev} ({commit[:12]})" if side == "before" else "the working tree"
                    print(f"\n===== round {r + 1}, {side}: {label}: {' '.join(command)}", flush=True)
                    start, cpu = time.perf_counter(), _children_cpu()
                    subprocess.run([sys.executable, *command], cwd=tree, check=True)
                    print(f"===== {side}: {time.perf_counter() - start:.1f} s, CPU {_children_cpu() - cpu:.1f} s "
                          "(the benchmark and every process it waited for)", flush=True)
        finally:
            git("worktree", "remove", "--force", str(checkout))
    return 0


if __name__ == "__main__":
    sys.exit(main())
