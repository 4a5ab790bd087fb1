#!/usr/bin/env python3
"""Time a full build of the bundled seeds: ``python bench/build.py [--runs N]``.

Each run is a fresh process (``python build.py``), as a user runs it, so jieba's start-up and
imports count. Prints every run, the median, and the per-step times of one in-process build.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def time_cli(out: Path) -> float:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "build.py", "--out", str(out), "-q"], cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode:
        sys.exit(f"build failed:\n{proc.stderr}")
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        times = [time_cli(Path(tmp) / f"site{i}") for i in range(args.runs)]
        size = sum(p.stat().st_size for p in (Path(tmp) / "site0").rglob("*") if p.is_file())
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    text_bytes = sum(p.stat().st_size for p in seeds)
    print(f"seeds: {len(seeds)} speeches, {text_bytes / 1024:.1f} KB of text")
    print("runs (s): " + " ".join(f"{t:.3f}" for t in times))
    print(f"median full build (fresh process): {statistics.median(times):.3f} s")
    print(f"output size: {size / 1024:.1f} KB ({size / text_bytes:.1f}x the text)")

    sys.path.insert(0, str(ROOT))
    from wenji import site
    from wenji.render import environment

    t0 = time.perf_counter()
    archive = site.load_archive(ROOT / "seeds", ROOT / "content")
    t1 = time.perf_counter()
    from wenji import themes as themes_mod

    themes = themes_mod.analyse(archive, archive.content)
    t2 = time.perf_counter()
    env = environment(site.TEMPLATES)
    files = list(site.all_outputs(archive, env, themes))
    t3 = time.perf_counter()
    print(f"in process: read+clean+structure {t1 - t0:.3f} s; themes {t2 - t1:.3f} s; "
          f"render+search {t3 - t2:.3f} s ({len(files)} files)")


if __name__ == "__main__":
    main()
