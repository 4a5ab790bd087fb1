"""Anonymisation marks (``*``, ``**``, ``****年``, ``xx``, ``x.xx万元``, ``×××``, ``XX``).

They stay in the text exactly as written; this module finds them so the page can show them as
masks, count the masked passages, and keep them out of keywords.
"""
from __future__ import annotations

import re

_MARK = r"(?:[*＊×╳]+|(?<![A-Za-zＡ-Ｚａ-ｚ])[xXＸｘ]+(?![A-Za-zＡ-Ｚａ-ｚ]))"
# A masked passage: marks, possibly joined by a decimal point (x.xx, **.*).
MASK = re.compile(rf"{_MARK}(?:[.．]{_MARK})*")


def split(text: str) -> list[tuple[str, bool]]:
    """The text as (piece, is_mask) pairs, in order; joining the pieces gives the text back."""
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in MASK.finditer(text):
        if m.start() > pos:
            out.append((text[pos:m.start()], False))
        out.append((m.group(0), True))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], False))
    return out


def count(text: str) -> int:
    """How many masked passages ``text`` holds (a passage is on one line: several texts joined by
    line breaks count as their sum)."""
    return len(MASK.findall(text))


def is_mask(token: str) -> bool:
    return bool(MASK.fullmatch(token))
