"""Lookup tables in numpy: when one is worth its memory, and tables by code point that grow as
characters are first seen.

A table finds a key in one step where a sorted array of keys takes a binary search, but each of
its pages is memory touched for the first time, which on the machine the benchmarks run on
costs 2-10 µs a 4 KB page (more where the kernel compacts memory for a huge page first). On
the five seeds (48,000 characters) the trend counts' tables came to 10 M entries, 40 MB, for
4,262 terms: counting took 31-54 ms, and 158-170 ms in two runs of four; with no table over
8 entries a character looked up, 22-38 ms. On tests/corpus-real (819,000 characters) the
same rule made no difference (medians of six, 150 and 142 ms), and at 1,000 synthetic
speeches (11.6 M characters) every table is still made.
"""
from __future__ import annotations

from typing import Callable

from . import lazy

np = lazy.module("numpy")

TABLE_SIZE = 1 << 23  # entries (4 bytes each) of the largest table made
ENTRIES_PER_LOOKUP = 8  # a table at most this many times the keys looked up in it
UNSEEN = -2  # in a CodeTable: a code point not yet seen
_STEP = 0x10000  # a CodeTable grows by planes: a text of the BMP takes 256 KB, not 4.4 MB


def worth_a_table(entries: int, lookups: int) -> bool:
    """Whether a table of ``entries`` keys is worth making for ``lookups`` keys looked up."""
    return entries <= min(TABLE_SIZE, ENTRIES_PER_LOOKUP * lookups)


class CodeTable:
    """A value per code point (int32), ``value_of(code point)`` asked once per code point the
    first time it is seen. Wider than the text's highest code point only by what is left of
    its plane, where a table of every code point is 4.4 MB of fresh memory per process."""

    def __init__(self, value_of: Callable[[int], int]) -> None:
        self.value_of = value_of
        self.table: "np.ndarray | None" = None

    def of(self, points: "np.ndarray") -> "np.ndarray":
        """The value of each code point."""
        self._cover(int(points.max()) + 1 if len(points) else 0)
        assert self.table is not None
        values = self.table[points]
        unseen = values == UNSEEN
        if unseen.any():
            for cp in np.unique(points[unseen]).tolist():
                self.table[cp] = self.value_of(cp)
            values = self.table[points]
        return values

    def _cover(self, top: int) -> None:
        if self.table is not None and len(self.table) >= top:
            return
        grown = np.full(-(-max(top, 1) // _STEP) * _STEP, UNSEEN, np.int32)
        if self.table is not None:
            grown[:len(self.table)] = self.table
        self.table = grown
