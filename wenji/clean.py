"""Clean: decoded text -> paragraphs (Line objects), nothing of the text lost or altered.

It removes BOMs, zero-width characters, indentation and trailing blanks, and the line breaks
of hard-wrapped text (lines broken at a fixed width, as copied out of a PDF). Every other
character is kept exactly. Paragraphs may be separated by blank lines, be one per line, or
start with an indent (full-width spaces ``　　``).
"""
from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from pathlib import Path

from . import segment
from .model import Line
from .structure_patterns import SENTENCE_END, ends_sentence, has_marker, starts_block

INVISIBLE_CHARS = "\ufeff\u200b\u200c\u200d\u2060"
INVISIBLE = dict.fromkeys(map(ord, INVISIBLE_CHARS))
INVISIBLE_RUN = re.compile(f"[{INVISIBLE_CHARS}]+")
BLANK = " \t\u3000\u00a0\f\v"


def width(s: str) -> int:
    """Display width: CJK and full-width characters count two, the rest one (as in a PDF line).

    The narrow characters of the Basic Multilingual Plane are deleted by one regex in C and
    what is left counted (a character beyond it is asked of unicodedata): exactly
    ``sum(2 if east_asian_width(c) in "WF" else 1 for c in s)``. On tests/corpus-real's
    828,000 characters that generator took 45 ms of CPU, a str.translate with a memoizing
    table 41 ms (a dict lookup per character), the regex 16 ms."""
    rest = _narrow_bmp().sub("", s)
    extra = len(rest)
    if rest and ASTRAL.search(rest):
        extra -= sum(1 for c in ASTRAL.findall(rest) if unicodedata.east_asian_width(c) not in "WF")
    return len(s) + extra


ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@functools.cache
def _narrow_bmp() -> re.Pattern[str]:
    """A run of characters of the Basic Multilingual Plane whose east Asian width is neither W
    nor F (``narrow_ranges``)."""
    return re.compile("[" + _shipped_narrow_ranges() + "]+")


# ``narrow_ranges`` of the Unicode version on the first line, shipped with wenji.
NARROW_RANGES = Path(__file__).resolve().parent / "data" / "narrow-bmp.txt"


def _shipped_narrow_ranges() -> str:
    """``narrow_ranges``, read from the file shipped with wenji when it was made from this
    Python's Unicode version (tests/test_clean.py compares them): made here, they took 14 ms
    of every build's process."""
    try:
        version, ranges = NARROW_RANGES.read_text("ascii").split("\n")[:2]
    except (OSError, ValueError):
        return narrow_ranges()
    return ranges if version == unicodedata.unidata_version else narrow_ranges()


def narrow_ranges() -> str:
    """The code points of the Basic Multilingual Plane whose east Asian width is neither W nor
    F, from unicodedata's own answer for each, as the ranges of a character class (to ship
    them after a change of Python's Unicode version: ``wenji/data/narrow-bmp.txt`` holds
    ``unicodedata.unidata_version``, a line break, and these)."""
    narrow = [c for c in range(0x10000) if unicodedata.east_asian_width(chr(c)) not in "WF"]
    ranges, first = [], narrow[0]
    for a, b in zip(narrow, narrow[1:] + [-1]):
        if b != a + 1:
            ranges.append(f"\\U{first:08x}" + (f"-\\U{a:08x}" if a > first else ""))
            first = b
    return "".join(ranges)


def wrap_width(lines: list[tuple[str, int]]) -> int | None:
    """The fixed width a text was hard-wrapped at, or None when its lines were not wrapped.

    ``lines`` are (text, display width) pairs. Wrapped text has most lines at (nearly) one
    maximal width, almost none wider, and most of those full lines end mid-sentence; a text
    with one paragraph per line has widths scattered over a wide range and ends lines with 。.
    """
    widths = [w for _, w in lines]
    if len(widths) < 6:
        return None
    counts = Counter(widths)
    # The candidate is the width with the most lines within one of it (kinsoku shifts a char).
    cand = max(counts, key=lambda w: (counts[w] + counts.get(w - 1, 0) + counts.get(w - 2, 0), w))
    full = sum(n for w, n in counts.items() if cand - 3 <= w <= cand + 2)
    wider = sum(n for w, n in counts.items() if w > cand + 2)
    if not (cand >= 16 and full >= 3 and full >= 0.5 * len(widths) and wider <= 0.05 * len(widths)):
        return None
    ends = [t[-1] in SENTENCE_END for t, w in lines if w >= cand - 2]
    return cand if sum(ends) < 0.5 * len(ends) else None


def _join(a: str, b: str, fixed_width: bool) -> str:
    """Rejoin a wrapped line: nothing between Chinese characters, digits, or anything cut at a
    fixed width; one space between two Latin letters of ragged, word-wrapped text."""
    if not fixed_width and a[-1].isascii() and a[-1].isalpha() and b[0].isascii() and b[0].isalpha():
        return a + " " + b
    return a + b


def _standalone_heading(text: str) -> bool:
    """A heading on a line of its own: a marker and no sentence-final punctuation at its end."""
    return has_marker(text) and text[-1] not in SENTENCE_END


def _bracketed(text: str) -> bool:
    """A line wholly in brackets, such as a date line （2023年3月15日） or （掌声）, stands alone."""
    return text[0] in "（(" and text[-1] in "）)" and len(text) <= 40


def _invisible_only(line: str) -> bool:
    """A line holding nothing but zero-width characters (and blanks): debris of a web page."""
    return any(c in INVISIBLE_CHARS for c in line) and not line.translate(INVISIBLE).strip(BLANK)


def _mark_piece(text: str) -> bool:
    """A piece of a reference mark a web page broke over lines: ``[`` ``1`` ``]`` ``[注1]``."""
    return bool(MARK_PIECE.match(text))


MARK_PIECE = re.compile(r"^(\[|\]|\[?(注|CPC|注释)?\s?\d{1,3}\]?)$")


def paragraphs(text: str, stats: dict | None = None) -> list[Line]:
    """Split decoded text into paragraphs, each with the 1-based line it starts on.

    ``stats`` counts the repairs: lines joined across a line of invisible characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks: list[list[tuple[int, str, int, bool]]] = [[]]  # (line no, text, raw width, indented)
    soft: set[int] = set()  # blocks that follow a gap holding a line of invisible characters only
    raws = text.split("\n")
    # Zero-width characters taken out of the whole text at once, when it holds any: a
    # str.translate of every line took 0.3 s of CPU at 1,000 synthetic speeches (none there).
    visible = INVISIBLE_RUN.sub("", text).split("\n") if INVISIBLE_RUN.search(text) else raws
    for n, (raw, line) in enumerate(zip(raws, visible), 1):
        stripped = line.strip(BLANK)
        if not stripped or stripped.isspace():  # only other blanks (U+2028, U+2003…): a blank line
            if blocks[-1]:
                blocks.append([])
            if _invisible_only(raw):
                soft.add(len(blocks) - 1)
            continue
        blocks[-1].append((n, stripped, width(line.rstrip(BLANK)), line[:1] in BLANK))
    soft_firsts = {blocks[k][0][0] for k in soft if k < len(blocks) and blocks[k]}
    blocks = [b for b in blocks if b]
    lines = [item for block in blocks for item in block]
    wrap = wrap_width([(t, w) for _, t, w, _ in lines])
    indents = sum(ind for *_, ind in lines)
    indent_marks = 0 < indents < len(lines)  # only some lines indented: indents start paragraphs
    # Lines inside a block that end mid-sentence mean the text was wrapped raggedly (at word
    # or window width) with blank lines between paragraphs; lines ending in 。 mean one per line.
    inner = [t for b in blocks for _, t, _, _ in b[:-1] if not _standalone_heading(t)]
    ragged = len(blocks) > 1 and bool(inner) and sum(t[-1] not in SENTENCE_END for t in inner) >= len(inner) / 2

    def continues(prev: tuple[int, str, int, bool], cur: tuple[int, str, int, bool], acc: str) -> bool:
        """Whether ``cur`` goes on the paragraph ``acc`` that ``prev`` ends."""
        _, ptext, pwidth, _ = prev
        _, ctext, _, cindent = cur
        if indent_marks and cindent:
            return False
        if wrap is not None:
            # A short line ended its paragraph. A full one goes on, unless it ends a sentence
            # and the next line starts with a marker (a heading after a paragraph that happened
            # to fill its last line); a marker after a cut mid-sentence is only wrapped text.
            if pwidth < wrap - 2:
                return False
            return not (starts_block(ctext) and ptext[-1] in SENTENCE_END)
        if ptext.endswith("[") or ctext.startswith("]") or (_mark_piece(ctext) and not ends_sentence(ptext)):
            return True  # a reference mark broken over lines: 会议 / [ / 1 / ]
        if ragged and not starts_block(ctext) and (
                (_bracketed(ctext) and not ends_sentence(ptext))
                or (_bracketed(ptext) and len(acc) > len(ptext) and not ends_sentence(acc[:-len(ptext)]))):
            return True  # a bracketed insertion inside a sentence: 毛主席说：“她 / （指江青） / 算上海帮
        if starts_block(ctext) or _standalone_heading(ptext) or _bracketed(ptext) or _bracketed(ctext):
            return False
        if indent_marks:  # flush continuation lines under indented first lines (回行顶格)
            return ptext[-1] not in SENTENCE_END
        return ragged

    out: list[Line] = []
    for block in blocks:
        start, acc = block[0][0], block[0][1]
        if out and (block[0][0] in soft_firsts and not ends_sentence(out[-1].text) and not starts_block(acc)
                    or _cut_mid_word(out[-1].text, acc)):
            # a sentence cut by a line of invisible characters (a web page's debris), or a word
            # cut by a blank line (适当控 / 制信贷): one paragraph
            start, acc = out[-1].line, _join(out.pop().text, acc, False)
            if stats is not None:
                stats["joined"] = stats.get("joined", 0) + 1
        for prev, cur in zip(block, block[1:]):
            if continues(prev, cur, acc):
                acc = _join(acc, cur[1], wrap is not None)
            else:
                out.append(Line(acc, start))
                start, acc = cur[0], cur[1]
        out.append(Line(acc, start))
    return out


_HAN_AT = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _cut_mid_word(before: str, after: str) -> bool:
    """Whether a blank line cut a word in two: a paragraph of 40 characters or more ends on a
    Chinese character with no punctuation, the next starts on one and with no marker, and
    jieba's dictionary has a word across the cut. Measured on tests/corpus-real and the seeds:
    11 paragraphs end so before another; 10 are the source's own paragraph ends (境地 | 周总理,
    a 1964 report that drops the 。), 1 is a cut word (适当控 | 制信贷)."""
    if len(before) < 40 or starts_block(before) or not (_HAN_AT.fullmatch(before[-1]) and _HAN_AT.match(after) and not starts_block(after)):
        return False
    return segment.word_spans(before[-6:], after[:6]) is not None
