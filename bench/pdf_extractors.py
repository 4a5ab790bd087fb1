#!/usr/bin/env python3
"""PDF text extractors against each other: ``python bench/pdf_extractors.py [--runs N] [--reports NAME ...]``.

What the .pdf reader's choice of library rests on. For reports of tests/corpus-real of every era
(1921–2022: traditional characters, 1950s–70s styles, today's), a gazette-style PDF is made as
the tests make theirs (tests/sourcefiles.make_pdf: reportlab, the CJK CID font STSong-Light,
not embedded, encoded UniGB-UCS2-H, as iText and OFD converters write Chinese PDFs), and every
extractor reads it: the characters of the text it misses (running heads and page numbers it
adds are not counted) and its CPU time, median of N runs after a warm-up. Beside them, the
same text read as .txt by wenji (``site.load_speech``), the yardstick of the 2× target.

Extractors: pypdf (wenji's reader, and extract_text in its plain and layout modes), pdfminer.six
(LAParams as default, without boxes flow, and no layout analysis) and pypdfium2 (get_text_range,
get_text_bounded, and char by char). pdfminer.six and pypdfium2 are no wenji dependencies:
``pip install pdfminer.six==20260107 pypdfium2==5.15.2`` to measure them, else they are
reported as not installed.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import pypdf  # noqa: E402

from sourcefiles import blocks_of, make_pdf, speech_text  # noqa: E402
from wenji.readers import pdf as wenji_pdf  # noqa: E402
from wenji.site import load_speech  # noqa: E402

REAL = ROOT / "tests" / "corpus-real" / "seeds"
ERAS = ["cpc-01-1.txt", "cpc-03-0.txt", "gwr-1954.txt", "gwr-1964.txt", "gwr-1978.txt", "cpc-12-0.txt",
        "gwr-2010.txt", "cpc-19-0.txt", "gwr-2019.txt", "cpc-20-0.txt"]


def pypdf_plain(path: Path) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def pypdf_layout(path: Path) -> str:
    return "".join(page.extract_text(extraction_mode="layout") for page in pypdf.PdfReader(path).pages)


def wenji_reader(path: Path) -> str:
    return wenji_pdf.read(path).text


def pdfminer_extractors() -> dict:
    try:
        from pdfminer.converter import PDFPageAggregator
        from pdfminer.high_level import extract_text
        from pdfminer.layout import LAParams, LTChar
        from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
        from pdfminer.pdfpage import PDFPage
    except ImportError:
        return {}

    def chars_only(path: Path) -> str:
        manager = PDFResourceManager(caching=True)
        device = PDFPageAggregator(manager, laparams=None)
        interpreter = PDFPageInterpreter(manager, device)
        out = []
        with open(path, "rb") as f:
            for page in PDFPage.get_pages(f):
                interpreter.process_page(page)
                out += [item.get_text() for item in device.get_result() if isinstance(item, LTChar)]
        return "".join(out)

    return {
        "pdfminer.six extract_text, LAParams()": lambda p: extract_text(p, laparams=LAParams()),
        "pdfminer.six extract_text, boxes_flow=None": lambda p: extract_text(p, laparams=LAParams(boxes_flow=None)),
        "pdfminer.six characters, no layout analysis": chars_only,
    }


def pdfium_extractors() -> dict:
    try:
        import pypdfium2 as pdfium
        import pypdfium2.raw as pdfium_raw
    except ImportError:
        return {}

    def pages(path: Path):
        for page in pdfium.PdfDocument(path):
            yield page.get_textpage()

    def by_char(path: Path) -> str:
        return "".join(chr(pdfium_raw.FPDFText_GetUnicode(tp, k)) for tp in pages(path) for k in range(tp.count_chars()))

    return {
        "pypdfium2 get_text_range": lambda p: "".join(tp.get_text_range() for tp in pages(p)),
        "pypdfium2 get_text_bounded": lambda p: "".join(tp.get_text_bounded() for tp in pages(p)),
        "pypdfium2 char by char (FPDFText_GetUnicode)": by_char,
    }


def cpu(fn, path: Path, runs: int) -> tuple[float, str]:
    text = fn(path)  # warm-up
    times = []
    for _ in range(runs):
        start = time.process_time()
        fn(path)
        times.append(time.process_time() - start)
    return statistics.median(times), text


def missing(text: str, got: str) -> Counter:
    return Counter(c for c in text if not c.isspace()) - Counter(c for c in got if not c.isspace())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--reports", nargs="+", default=ERAS)
    args = ap.parse_args()
    extractors = {"wenji .pdf reader (pypdf, positions)": wenji_reader, "pypdf extract_text": pypdf_plain,
                  "pypdf extract_text, layout mode": pypdf_layout, **pdfminer_extractors(), **pdfium_extractors()}
    if len(extractors) < 9:
        print("pdfminer.six or pypdfium2 not installed: measuring what is (see the docstring)\n")
    totals = {name: [0.0, Counter()] for name in extractors}
    txt_total = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for report in args.reports:
            blocks = blocks_of((REAL / report).read_text(encoding="utf-8"))
            text = speech_text(blocks)
            pdf = make_pdf(blocks, Path(tmp) / f"{Path(report).stem}.pdf")
            txt = Path(tmp) / report
            txt.write_text(text, encoding="utf-8")
            txt_seconds, _ = cpu(lambda p: load_speech(p, {}), txt, args.runs)
            txt_total += txt_seconds
            pages = len(pypdf.PdfReader(pdf).pages)
            print(f"{report} ({len(text):,} characters, {pages} pages): .txt read by wenji {txt_seconds * 1000:.1f} ms")
            for name, fn in extractors.items():
                seconds, got = cpu(fn, pdf, args.runs)
                lost = missing(text, got)
                totals[name][0] += seconds
                totals[name][1] += lost
                shown = " ".join(f"{c}×{n}" for c, n in lost.most_common(8))
                print(f"  {name:46} {seconds * 1000:8.1f} ms {seconds / txt_seconds:6.1f}x  "
                      f"missing {sum(lost.values())} {shown}")
    print(f"\nall {len(args.reports)} reports: .txt {txt_total * 1000:.0f} ms")
    for name, (seconds, lost) in totals.items():
        print(f"  {name:46} {seconds * 1000:8.0f} ms {seconds / txt_total:6.1f}x  missing {sum(lost.values())}")


if __name__ == "__main__":
    main()
