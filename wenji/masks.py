"""Anonymisation marks (``*``, ``**``, ``****年``, ``xx``, ``x.xx万元``, ``×××``, ``XX``).

They stay in the text exactly as written; this module finds them so the page can show them as
masks, count the masked passages, and keep them out of keywords.
"""
from __future__ import annotations

import re

_LETTER = "A-Za-zＡ-Ｚａ-ｚ"
_STARS, _XS = "*＊×╳", "xXＸｘ"
# A mark: a run of *, ＊, ×, ╳; or a run of x, X, Ｘ, ｘ not inside a Latin word. Written to begin
# with the class of the characters a mark can begin with, so that a search skips to those in C:
# as ``[*＊×╳]+|(?<![letter])[xXＸｘ]+(?![letter])`` (the same matches, tests/test_masks.py)
# every character was tried, 0.17 s of CPU for the text of 150 synthetic speeches, this 0.035 s.
_MARK = rf"[{_STARS}{_XS}](?:(?<=[{_STARS}])[{_STARS}]*|(?<=[{_XS}])(?<![{_LETTER}].)[{_XS}]*(?![{_LETTER}]))"
# A masked passage: marks, possibly joined by a decimal point (x.xx, **.*).
MASK = re.compile(rf"{_MARK}(?:[.．]{_MARK})*")
MARK_START = re.compile(f"[{_STARS}{_XS}]")  # every character a mark can begin with
_PIECES = re.compile(f"({MASK.pattern})")


def pieces(text: str) -> list[str]:
    """The text split by its anonymisation marks: text, mark, text, ..., text."""
    return _PIECES.split(text)


def count(text: str) -> int:
    """How many masked passages ``text`` holds (a passage is on one line: several texts joined by
    line breaks count as their sum)."""
    return len(MASK.findall(text))


def is_mask(token: str) -> bool:
    return bool(MASK.fullmatch(token))
