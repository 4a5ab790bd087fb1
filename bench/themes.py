#!/usr/bin/env python3
"""Benchmark of the theme and keyword step, on the seeds and on a synthetic archive.

The synthetic archive comes from bench/synthetic.py: the seeds' own paragraphs, sentences
reshuffled with a fixed random seed, in speeches of about 30 KB with the genre's structure.

For each archive it prints the theme step split into its parts, cold (an empty build cache:
every speech is cut by jieba, on every core) and warm (a rebuild: the cache holds every cut), then a
full build, cold and warm, and the theme step's share of it. Times are wall-clock seconds with
the CPU seconds of the process and its children beside them (on a shared machine the CPU time
is the steadier one).

    python bench/themes.py                 # seeds and 100 synthetic speeches
    python bench/themes.py --speeches 300  # a larger archive
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

sys.path.insert(0, str(REPO / "bench"))

from synthetic import make_archive  # noqa: E402
from wenji import render, taxonomy as taxonomy_mod, termcounts, theme_pages, themes  # noqa: E402
from wenji.cache import Cache  # noqa: E402
from wenji.site import TEMPLATES, build, load_archive  # noqa: E402


def cpu_time() -> float:
    """CPU seconds of this process and of the child processes it has waited for."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class Clock:
    """Wall and CPU seconds of the parts of a run."""

    def __init__(self) -> None:
        self.parts: list[tuple[str, float, float]] = []
        self._wall, self._cpu = time.perf_counter(), cpu_time()

    def lap(self, name: str) -> None:
        wall, cpu = time.perf_counter(), cpu_time()
        self.parts.append((name, wall - self._wall, cpu - self._cpu))
        self._wall, self._cpu = wall, cpu

    def total(self) -> tuple[float, float]:
        return sum(p[1] for p in self.parts), sum(p[2] for p in self.parts)


def theme_step(seeds: Path, content: Path, cache: Cache) -> tuple[Clock, dict]:
    """The theme step as the build runs it, in parts (loading the archive is not timed)."""
    archive = load_archive(seeds, content)
    env = render.environment(TEMPLATES)
    clock = Clock()
    taxonomy, settings = taxonomy_mod.load_taxonomy(taxonomy_mod.content_file(content, "themes.toml"))
    seg = taxonomy_mod.make_segmenter(content, taxonomy)
    counts = termcounts.count_archive(seg, archive.speeches, cache)
    clock.lap("cutting and counting every section (one core, the dictionary's loading included)")
    result = themes.analyse(archive, content, segmenter=seg, cache=cache, counts=counts)
    clock.lap("scoring, expansion, keywords, pinyin index")
    pages = list(theme_pages.outputs(archive, result, env))
    clock.lap("rendering themes/ and keywords.html")
    facts = {"sections": sum(1 for s in archive.speeches for _ in s.sections()),
             "hits": sum(len(h) for h in result.hits.values()),
             "terms": len(result.keywords.index), "pages": len(pages)}
    return clock, facts


def full_build(seeds: Path, content: Path, cache: Cache) -> tuple[float, float]:
    out = Path(tempfile.mkdtemp(prefix="wenji-bench-")) / "site"  # a new site: nothing reused
    try:
        wall, cpu = time.perf_counter(), cpu_time()
        build(seeds, content, out, cache=cache)
        return time.perf_counter() - wall, cpu_time() - cpu
    finally:
        shutil.rmtree(out.parent, ignore_errors=True)


def report(name: str, seeds: Path, content: Path, size_bytes: int, tmp: Path, full: bool) -> None:
    print(f"\n== {name}: {len(list(seeds.glob('*.txt')))} speeches, {size_bytes / 1024:.0f} KB")
    steps = {}
    cache = Cache(tmp / f"cache-{name}")
    for state in ("cold", "warm"):
        if state == "cold":
            shutil.rmtree(cache.folder, ignore_errors=True)
        clock, facts = theme_step(seeds, content, cache)
        steps[state] = clock.total()
        if state == "cold":
            print(f"   {facts['sections']} sections, {facts['hits']} theme assignments, "
                  f"{facts['terms']} index terms, {facts['pages']} pages")
        print(f"   theme step, {state} ({'no cut cache' if state == 'cold' else 'rebuild, cut cache full'}):")
        for part, wall, cpu in clock.parts:
            print(f"     {part:<52} {wall:6.2f} s  (cpu {cpu:5.2f} s)")
        print(f"     {'in all':<52} {steps[state][0]:6.2f} s  (cpu {steps[state][1]:5.2f} s)")
    if not full:
        return
    for state in ("cold", "warm"):
        if state == "cold":
            shutil.rmtree(cache.folder, ignore_errors=True)
        wall, cpu = full_build(seeds, content, cache)
        step_wall, step_cpu = steps[state]
        print(f"   full build, {state}: {wall:6.2f} s (cpu {cpu:5.2f} s); theme step share "
              f"{100 * step_wall / wall:4.1f} % of wall, {100 * step_cpu / cpu:4.1f} % of cpu")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--speeches", type=int, default=100, help="synthetic speeches (default: 100)")
    p.add_argument("--size", type=int, default=30_000, help="bytes per synthetic speech (default: 30000)")
    p.add_argument("--seed", type=int, default=20261122, help="random seed of the synthetic archive")
    p.add_argument("--no-build", action="store_true", help="time the theme step only, not full builds")
    args = p.parse_args()
    content = REPO / "content"
    with tempfile.TemporaryDirectory(prefix="wenji-bench-") as tmp:
        tmp = Path(tmp)
        seeds = REPO / "seeds"
        report("seeds", seeds, content, sum(f.stat().st_size for f in seeds.glob("*.txt")), tmp,
               not args.no_build)
        syn_seeds, syn_content = make_archive(tmp / "synthetic", args.speeches, args.size, args.seed)
        size = sum(f.stat().st_size for f in syn_seeds.glob("*.txt"))
        report(f"synthetic (seed {args.seed})", syn_seeds, syn_content, size, tmp, not args.no_build)
    return 0


if __name__ == "__main__":
    sys.exit(main())
