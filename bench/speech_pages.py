#!/usr/bin/env python3
"""CPU time of one build step alone: each speech's page, .txt and .json (``site._render_speeches``).

    python bench/speech_pages.py                               # tests/corpus-real
    python bench/speech_pages.py --seeds /tmp/s/seeds --content /tmp/s/content --runs 3
    python bench/speech_pages.py --tree /tmp/main-code         # the same, with another tree's wenji

A build on one core runs every step before the speech pages (cache off), then this process times,
``--runs`` times over, what the step does per speech: the signatures the build compares with the
last build's (``site.speech_outputs``) and the making of every page, .txt and .json
(``site.produce``), nothing written. CPU seconds (``time.process_time``), the least of the runs,
garbage collection paused as in a build: load on a shared machine changes them far less than wall
time. ``--tree`` imports wenji (and its templates) from another checkout, e.g. ``git archive main``
unpacked, so before and after are measured by the same script in one run.
"""
from __future__ import annotations

import argparse
import hashlib
import importlib
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# bench/profile.py has the name of the standard library's profile module, which cProfile imports.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
import cProfile  # noqa: E402
import pstats  # noqa: E402

REAL = ROOT / "tests" / "corpus-real"


def prepared(seeds: Path, content: Path, work: Path):
    """Every step of a one-core build before the speech pages: the build's state (site._Build)."""
    from wenji import site
    from wenji.cache import Cache
    from wenji.report import Quiet

    b = site._Build(seeds, content, work / "site", Quiet(), None, Cache(work / "cache"), 1)
    for _, step in site.STEPS:
        if step is site._render_speeches:
            return site, b
        step(b)
    raise SystemExit("no step _render_speeches in wenji.site.STEPS")


def timed(site, b, runs: int, dump: Path | None = None) -> tuple[dict[str, float], str]:
    """The least CPU seconds of ``runs`` per part, and a digest of the files made (written,
    with their signatures, into ``dump`` when given; the signatures differ from one version of
    wenji's code to another)."""
    from wenji import parallel, render

    best: dict[str, float] = {}
    digest = ""
    with parallel.gc_paused():
        for _ in range(runs):
            for memo in ("_NAMES", "_MEMOS"):  # what render keeps per archive: made again, as by each worker of a build
                getattr(render, memo, {}).clear()
            spent = {"signatures": 0.0, "page": 0.0, "text": 0.0, "json": 0.0, "original": 0.0}
            h = hashlib.sha256()
            start = time.process_time()
            items = list(site.speech_outputs(b.archive, b.themes, b.related))
            spent["signatures"] = time.process_time() - start
            for rel, item in items:
                start = time.process_time()
                data = site.produce(b.archive, b.themes, b.env, item, b.related)
                spent[item.kind] += time.process_time() - start
                h.update(rel.encode() + b"\0" + (data.encode() if isinstance(data, str) else data) + b"\0")
                if dump is not None:
                    (dump / rel).parent.mkdir(parents=True, exist_ok=True)
                    (dump / rel).write_bytes(data.encode() if isinstance(data, str) else data)
                    (dump / (rel + ".signature")).write_text(item.signature)
            digest = h.hexdigest()
            for k, v in spent.items():
                best[k] = min(best.get(k, v), v)
    return best, digest


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=Path, default=REAL / "seeds")
    ap.add_argument("--content", type=Path, default=REAL / "content")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--tree", type=Path, default=ROOT, help="the checkout whose wenji is measured")
    ap.add_argument("--dump", type=Path, help="write every output (and its signature) into this folder")
    ap.add_argument("--top", type=int, default=0, help="then one more run under cProfile: its K costliest functions")
    args = ap.parse_args()
    sys.path.insert(0, str(args.tree.resolve()))
    wenji = importlib.import_module("wenji")
    with tempfile.TemporaryDirectory(prefix="wenji-speech-pages-") as tmp:
        site, b = prepared(args.seeds.resolve(), args.content.resolve(), Path(tmp))
        try:
            best, digest = timed(site, b, args.runs, args.dump)
            if args.top:
                profiler = cProfile.Profile()
                profiler.runcall(timed, site, b, 1)
                pstats.Stats(profiler).sort_stats("tottime").print_stats(args.top)
        finally:
            b.discard()
    s = b.stats
    print(f"wenji from {Path(wenji.__file__).parent}")
    print(f"{s.speeches} speeches, {s.sections:,} sections, {s.paragraphs:,} paragraphs; least of {args.runs} runs, "
          "CPU seconds")
    for k, v in best.items():
        if v:
            print(f"  {k:<11} {v:7.3f}")
    print(f"  {'step':<11} {sum(best.values()):7.3f}")
    print(f"digest of the files made {digest[:16]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
