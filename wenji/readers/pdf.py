"""PDF (.pdf) with a text layer, read with pypdf.

The library was chosen by bench/pdf_extractors.py: gazette-style PDFs of ten reports of
1921–2022 (reportlab, the CJK CID font STSong-Light not embedded, encoded UniGB-UCS2-H as iText
and OFD converters write Chinese), 221,000 characters in all. pypdf's reads missed none of
them; pdfminer.six missed none either but was slower whatever its LAParams (CPU for all ten:
7.2 s with the defaults, 5.5 s with boxes_flow=None, 4.5 s for its characters without layout
analysis, against 2.1 s for this reader and 1.7 s for pypdf's plain extract_text);
pypdfium2 (PDFium, C) took 0.36 s but lost 82 characters, every string of
one glyph drawn on its own (a ``。`` or ``据`` wrapped onto a line alone, the ``↑`` of a web
page's notes): PDFium gives such a text object the character U+0000 and leaves it out of its
text page, so get_text_range, get_text_bounded and the per-character calls all lack it.

Each page's lines are taken with their position, sorted top to bottom; running heads and
footers (a line at the top or bottom of a page that recurs, digits aside, on half the pages or
more) and page numbers (``- 3 -``, ``第 3 页``, ``3 / 10``, ``3``) are removed; lines broken at
the page width are rejoined (see _text). Pages follow one another without a break, so a
paragraph running over a page end stays one paragraph.
"""
from __future__ import annotations

import re
import statistics
from collections import Counter
from pathlib import Path

import pypdf
from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

from ..errors import InputError
from ..model import Source
from ..structure_patterns import starts_block

PAGE_NUMBER = re.compile(r"^[-—–－\s]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*[/／]\s*\d{1,4}|\s*共\s*\d{1,4}\s*页)?[-—–－\s]*$")
EDGE_LINES = 2  # lines at the top and at the bottom of a page that may be running heads or footers


def read(path: Path, encoding: str = "") -> Source | InputError:
    try:
        pdf = pypdf.PdfReader(str(path))
        if pdf.is_encrypted and not _opens_without_password(pdf):
            return InputError(path, "encrypted PDF: it opens only with a password; save a copy without one")
        pages = [_lines(page) for page in pdf.pages]
    except (FileNotDecryptedError, DependencyError) as e:
        return InputError(path, f"encrypted PDF that cannot be read ({e})")
    except PdfReadError as e:
        return InputError(path, f"corrupt or not a PDF ({e})")
    if not pages:
        return InputError(path, "a PDF without pages")
    if not any(text.strip() for page in pages for *_, text in page):
        return InputError(path, "no text layer; run OCR first")
    return Source(text=_text(_without_running_heads(pages)))


def _opens_without_password(pdf) -> bool:
    """A PDF encrypted only to restrict printing or copying opens with the empty password."""
    try:
        return bool(pdf.decrypt(""))
    except (DependencyError, NotImplementedError, PdfReadError):
        return False


Line = tuple[float, float, float, str]  # (y, x, font size, text)


def _lines(page) -> list[Line]:
    """The page's text lines with the position where each starts, top to bottom."""
    pieces: list[tuple[str, list, list, float]] = []
    page.extract_text(visitor_text=lambda text, cm, tm, font, size: pieces.append((text, cm, tm, size)))
    lines: list[Line] = []
    current, where = "", None
    for text, cm, tm, size in pieces:
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = abs(tm[0] * cm[0]) or abs(tm[1] * cm[1]) or 1.0
        parts = text.split("\n")
        for k, part in enumerate(parts):
            if where is None and part.strip():
                where = (y, x, size * scale)
            current += part
            if k < len(parts) - 1:
                if current.strip() and where:
                    lines.append((*where, current.strip()))
                current, where = "", None
    if current.strip() and where:
        lines.append((*where, current.strip()))
    return _merge_same_row(sorted(lines, key=lambda l: (-round(l[0]), l[1])))


def _merge_same_row(lines: list[Line]) -> list[Line]:
    out: list[Line] = []
    for line in lines:
        if out and abs(out[-1][0] - line[0]) < 1 and out[-1][1] < line[1]:
            y, x, size, text = out[-1]
            sep = " " if text[-1].isascii() and text[-1].isalnum() and line[3][0].isascii() else ""
            out[-1] = (y, x, size, text + sep + line[3])
        else:
            out.append(line)
    return out


def _without_running_heads(pages: list[list[Line]]) -> list[list[Line]]:
    def edges(page: list[Line]) -> list[Line]:
        return page[:EDGE_LINES] + page[-EDGE_LINES:]

    def shape(text: str) -> str:
        return re.sub(r"\d+", "#", re.sub(r"\s", "", text))

    recurring = Counter(s for page in pages for s in {shape(line[3]) for line in edges(page)})
    often = {s for s, n in recurring.items() if n >= 2 and n >= len(pages) / 2}
    out = []
    for page in pages:
        edge = {id(line) for line in edges(page)}
        out.append([line for line in page if id(line) not in edge or not (
            shape(line[3]) in often or PAGE_NUMBER.match(line[3]))])
    return out


def _text(pages: list[list[Line]]) -> str:
    """The text, one paragraph a line. Where the layout marks paragraphs (first lines indented
    from the left margin, or gaps wider than the line spacing), a paragraph is the lines from one
    mark to the next (or to a line opening with a heading or list marker), joined here: the
    positions are surer than the widths the text reader would guess from (a line of full-width
    quotes counts short there). Otherwise the lines go as they are and the hard-wrap rule
    rejoins them."""
    body = [line for page in pages for line in page]
    margin = Counter(round(x) for _, x, _, _ in body).most_common(1)[0][0]
    starts: list[bool] = []
    for page in pages:
        gaps = [a[0] - b[0] for a, b in zip(page, page[1:]) if a[0] > b[0]]
        pitch = statistics.median(gaps) if gaps else 0
        for i, (y, x, size, text) in enumerate(page):
            gap = bool(i and pitch and page[i - 1][0] - y > 1.6 * pitch)
            starts.append(gap or x - margin > 0.8 * size)
    if not any(starts[1:]):
        return "\n".join(text for *_, text in body) + "\n"
    paragraphs: list[str] = []
    for start, (_, _, _, text) in zip(starts, body):
        if paragraphs and not start and not starts_block(text):
            paragraphs[-1] = _join(paragraphs[-1], text)
        else:
            paragraphs.append(text)
    return "\n\n".join(paragraphs) + "\n"


def _join(a: str, b: str) -> str:
    """Lines of one paragraph: nothing between them, but a space between two Latin words."""
    return a + " " + b if a[-1].isascii() and a[-1].isalpha() and b[0].isascii() and b[0].isalpha() else a + b
