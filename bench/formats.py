#!/usr/bin/env python3
"""Reading a speech in each seed format against reading the same text as .txt:
``python bench/formats.py [--runs N] [--reports NAME ...]``.

For real reports of tests/corpus-real (short to long), the same text is written as .txt, .docx
(python-docx), .pdf (reportlab, CJK CID font, a gazette's page), .html (a government portal's
page) and .md. Each is read the way a build reads a speech (``site.load_speech``: read, clean,
header, structure), in one process after a warm-up, median of N runs of the process's CPU time
(on a machine shared with other work, wall time swung 2x between runs; CPU time far less). The
library's start-up
(its import, in a fresh process) is measured apart. Target: a .docx or .pdf costs at most
2x the .txt plus that start-up. Also: the start-up of a build of .txt seeds, and which reader
libraries it imports (none).
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
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from sourcefiles import blocks_of, make_docx, make_html, make_md, make_pdf, speech_text  # noqa: E402
from wenji.site import load_speech  # noqa: E402

REAL = ROOT / "tests" / "corpus-real" / "seeds"
FORMATS = {".txt": None, ".docx": "wenji.readers.word", ".pdf": "wenji.readers.pdf",
           ".html": "wenji.readers.webpage", ".md": "wenji.readers.markdown_text"}
READER_LIBRARIES = ("docx", "pypdf", "trafilatura", "lxml")


def write_all(name: str, folder: Path) -> dict[str, Path]:
    text = (REAL / name).read_text(encoding="utf-8")
    blocks = blocks_of(text)
    stem = folder / Path(name).stem
    paths = {s: stem.with_suffix(s) for s in FORMATS}
    paths[".txt"].write_text(speech_text(blocks), encoding="utf-8")
    make_docx(blocks, paths[".docx"])
    make_pdf(blocks, paths[".pdf"])
    paths[".html"].write_bytes(make_html(blocks, Path(name).stem, "2019-03-16"))
    paths[".md"].write_text(make_md(blocks), encoding="utf-8")
    return paths


def time_read(path: Path, runs: int) -> float:
    load_speech(path, {})  # warm-up: the reader's module imported, its caches filled
    times = []
    for _ in range(runs):
        start = time.process_time()
        load_speech(path, {})
        times.append(time.process_time() - start)
    return statistics.median(times)


def start_up(module: str, runs: int) -> float:
    """The import of a reader module (and its library) in a fresh process, wenji already loaded."""
    code = ("import time, wenji.site; t = time.process_time(); import {m}; print(time.process_time() - t)")
    out = [float(subprocess.run([sys.executable, "-c", code.format(m=module)], cwd=ROOT, capture_output=True,
                                text=True, check=True).stdout) for _ in range(runs)]
    return statistics.median(out)


def txt_build(runs: int) -> tuple[float, list[str]]:
    """A build of the bundled .txt seeds in a fresh process (empty cache), and the reader libraries it loaded."""
    code = ("import sys, tempfile, pathlib; from wenji.site import build; from wenji.cache import Cache; "
            "t = tempfile.mkdtemp(); build(pathlib.Path('seeds'), pathlib.Path('content'), pathlib.Path(t) / 'site', "
            "cache=Cache(enabled=False)); print(' '.join(m for m in {libs} if m in sys.modules))")
    times, loaded = [], ""
    for _ in range(runs):
        start = time.perf_counter()
        loaded = subprocess.run([sys.executable, "-c", code.format(libs=READER_LIBRARIES)], cwd=ROOT,
                                capture_output=True, text=True, check=True).stdout.split()
        times.append(time.perf_counter() - start)
    return statistics.median(times), loaded


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--reports", nargs="+", default=["cpc-01-1.txt", "gwr-2019.txt", "cpc-19-0.txt"])
    args = ap.parse_args()
    print(f"{'report':16} {'chars':>7} " + " ".join(f"{s:>14}" for s in FORMATS))
    ratios: dict[str, list[float]] = {s: [] for s in FORMATS}
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.reports:
            paths = write_all(name, Path(tmp))
            times = {s: time_read(p, args.runs) for s, p in paths.items()}
            chars = len((REAL / name).read_text(encoding="utf-8"))
            cells = []
            for s, t in times.items():
                ratios[s].append(t / times[".txt"])
                cells.append(f"{t * 1000:6.1f} ms {t / times['.txt']:4.1f}x")
            print(f"{name:16} {chars:7,} " + " ".join(f"{c:>14}" for c in cells))
    print("\nstart-up of each reader (import in a fresh process, median):")
    for s, module in FORMATS.items():
        if module:
            print(f"  {s:6} {start_up(module, max(3, args.runs // 2)) * 1000:6.0f} ms")
    seconds, loaded = txt_build(max(3, args.runs // 2))
    print(f"\nbuild of the bundled .txt seeds, fresh process, no cache: {seconds:.2f} s (median); "
          f"reader libraries loaded: {', '.join(loaded) or 'none'}")


if __name__ == "__main__":
    main()
