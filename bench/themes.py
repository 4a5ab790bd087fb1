#!/usr/bin/env python3
"""Benchmark of the theme and keyword step, on the seeds and on a synthetic archive.

The synthetic archive is made of the seeds' own paragraphs, shuffled with a fixed random seed
into speeches of about 30 KB each (the sentences inside a paragraph shuffled too, so no two
paragraphs are the same text), so its vocabulary and structure are those of the genre.

For each archive it prints the theme step split into its parts, cold (no cut cache: every
paragraph is cut by jieba) and warm (a rebuild: the cut cache holds every paragraph), then a
full build, cold and warm, and the theme step's share of it. Times are wall-clock seconds with
the CPU seconds of the process and its children beside them (on a shared machine the CPU time
is the steadier one).

    python bench/themes.py                 # seeds and 100 synthetic speeches
    python bench/themes.py --speeches 300  # a larger archive
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from wenji import render, segment, themes  # noqa: E402
from wenji.keywords import build_corpus  # noqa: E402
from wenji.site import TEMPLATES, build, load_archive  # noqa: E402


def reshuffle(line: str, rng: random.Random) -> str:
    """The line's sentences in another order, so synthetic paragraphs are not verbatim repeats
    (which would flatter the cut cache)."""
    sentences = [s + "。" for s in line.split("。") if s]
    if len(sentences) < 3:
        return line
    head, rest = sentences[0], sentences[1:]
    rng.shuffle(rest)
    return head + "".join(rest)


def synthetic_seeds(folder: Path, speeches: int, size: int, seed: int) -> int:
    """Write ``speeches`` texts of about ``size`` UTF-8 bytes from shuffled seed paragraphs."""
    lines = [line for path in sorted((REPO / "seeds").glob("*.txt"))
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for i in range(speeches):
        pool = lines[:]
        rng.shuffle(pool)
        out, n = [], 0
        while n < size:
            if not pool:
                pool = lines[:]
                rng.shuffle(pool)
            line = reshuffle(pool.pop(), rng)
            out.append(line)
            n += len(line.encode("utf-8")) + 1
        text = "\n".join(out) + "\n"
        (folder / f"synthetic_{i:04d}.txt").write_text(text, encoding="utf-8")
        total += len(text.encode("utf-8"))
    return total


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


def theme_step(seeds: Path, content: Path) -> tuple[Clock, dict]:
    """The theme step as the build runs it, in parts (loading the archive is not timed)."""
    archive = load_archive(seeds, content)
    env = render.environment(TEMPLATES)
    clock = Clock()
    taxonomy, settings = themes.load_taxonomy(themes.content_file(content, "themes.toml"))
    seg = themes.make_segmenter(content, taxonomy)
    build_corpus(archive, seg, settings.heading_boost)  # fills the segmenter's cuts
    clock.lap("cutting every section (jieba start-up included)")
    result = themes.analyse(archive, content, segmenter=seg)
    clock.lap("scoring, expansion, keywords, pinyin index")
    pages = list(themes.outputs(archive, result, env))
    clock.lap("rendering themes/ and keywords.html")
    facts = {"sections": sum(1 for s in archive.speeches for _ in s.sections()),
             "hits": sum(len(h) for h in result.hits.values()),
             "terms": len(result.keywords.index), "pages": len(pages)}
    return clock, facts


def full_build(seeds: Path, content: Path) -> tuple[float, float]:
    out = Path(tempfile.mkdtemp(prefix="wenji-bench-")) / "site"
    try:
        wall, cpu = time.perf_counter(), cpu_time()
        build(seeds, content, out)
        return time.perf_counter() - wall, cpu_time() - cpu
    finally:
        shutil.rmtree(out.parent, ignore_errors=True)


def forget_cuts(cache: Path) -> None:
    for f in cache.glob("wenji-cuts-*"):
        f.unlink()


def report(name: str, seeds: Path, content: Path, size_bytes: int, cache: Path, full: bool) -> None:
    print(f"\n== {name}: {len(list(seeds.glob('*.txt')))} speeches, {size_bytes / 1024:.0f} KB")
    steps = {}
    for state in ("cold", "warm"):
        if state == "cold":
            forget_cuts(cache)
        clock, facts = theme_step(seeds, content)
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
            forget_cuts(cache)
        wall, cpu = full_build(seeds, content)
        step_wall, step_cpu = steps[state]
        print(f"   full build, {state}: {wall:6.2f} s (cpu {cpu:5.2f} s); theme step share "
              f"{100 * step_wall / wall:4.1f} % of wall, {100 * step_cpu / cpu:4.1f} % of cpu")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--speeches", type=int, default=100, help="synthetic speeches (default: 100)")
    p.add_argument("--size", type=int, default=30_000, help="bytes per synthetic speech (default: 30000)")
    p.add_argument("--seed", type=int, default=20240601, help="random seed of the shuffle")
    p.add_argument("--no-build", action="store_true", help="time the theme step only, not full builds")
    args = p.parse_args()
    content = REPO / "content"
    with tempfile.TemporaryDirectory(prefix="wenji-bench-") as tmp:
        tmp = Path(tmp)
        # A cache folder of the bench's own, with jieba's dictionary cache and wenji's word
        # lists copied in (a machine that has built before) but no cut cache.
        cache = tmp / "cache"
        cache.mkdir()
        for f in segment.DEFAULT_CACHE.glob("*"):
            if f.is_file() and not f.name.startswith("wenji-cuts-"):
                shutil.copy(f, cache / f.name)
        segment.DEFAULT_CACHE = cache  # every Segmenter of this process, the builds' included
        seeds = REPO / "seeds"
        report("seeds", seeds, content, sum(f.stat().st_size for f in seeds.glob("*.txt")), cache,
               not args.no_build)
        size = synthetic_seeds(tmp / "seeds", args.speeches, args.size, args.seed)
        synthetic_content = tmp / "content"  # the archive's settings, without per-speech files
        synthetic_content.mkdir()
        for f in content.iterdir():
            if f.is_file():
                shutil.copy(f, synthetic_content / f.name)
        report(f"synthetic (seed {args.seed})", tmp / "seeds", synthetic_content, size, cache,
               not args.no_build)
    return 0


if __name__ == "__main__":
    sys.exit(main())
