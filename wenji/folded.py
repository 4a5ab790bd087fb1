"""Each speech's text folded as search folds it, made once and kept for the next build.

The comparison data (which terms a speech is the first to hold) and the trend counts (each
term's literal occurrences per speech) both look for terms in every speech's folded text: its
section headings, then its paragraphs, one a line (the title aside). A term holds no line
break, and folding a text is folding each of its lines (a line break folds to itself and ends a
run of x), so a term occurs in this text as often as in the search documents' texts (the same
headings and paragraphs, otherwise joined). Folding the 11.6 M characters of 1,000 synthetic
speeches took 0.65-0.8 s of CPU with ``Folder.fold``, 0.11-0.14 s with ``Folding.fold``;
whichever step comes first folds them and keeps them by speech (wenji.kept, 0.06 s to write), and the other reads them back from the cache (0.04 s).
A rebuild folds the edited speech alone.

``Folding.fold`` folds a text as ``Folder.fold`` does, by a table of every character's fold
looked up in numpy, the few characters that fold to more than one (… to ...) put in after
(str.translate makes a Python dict lookup per character).
"""
from __future__ import annotations

import hashlib
from typing import Iterable

from . import lazy
from .cache import Cache
from .kept import Kept
from .model import Speech
from .search.terms import _XRUN, MASK, fold_char, masked_x_runs
from .tables import CodeTable

np = lazy.module("numpy")

_NOT_ONE = -1  # in the table of folds: a character that folds to more or less than one


def speech_text(speech: Speech) -> str:
    """The speech's section headings, then its paragraphs, one a line (not yet folded)."""
    return "\n".join([s.heading for s, _ in speech.sections()] + [p.text for p in speech.paragraphs()])


def _fold_code(cp: int) -> int:
    f = fold_char(chr(cp))
    return ord(f) if len(f) == 1 else _NOT_ONE


class Folding:
    """``Folder.fold`` of whole texts, each encoded once and looked up in a table of every
    character's fold, filled as characters are first seen (from ``fold_char``, which fills
    Folder's own table) and shared by every Folding of the process: filling it for the 3,000
    characters of tests/corpus-real takes 0.02 s of CPU."""

    codes = CodeTable(_fold_code)

    def fold(self, text: str) -> str:
        points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)
        folded = self.codes.of(points)
        others = np.nonzero(folded == _NOT_ONE)[0].tolist()  # … folds to ..., ㈠ to (一)
        if not others:
            return masked_x_runs(folded).astype(np.uint32).tobytes().decode("utf-32-le", "surrogatepass")
        once = np.maximum(folded, 0).astype(np.uint32).tobytes().decode("utf-32-le", "surrogatepass")
        pieces, at = [], 0
        for i in others:
            pieces += [once[at:i], fold_char(text[i])]
            at = i + 1
        once = "".join(pieces) + once[at:]
        return _XRUN.sub(lambda m: MASK * len(m.group()), once) if "x" in once else once


class FoldedTexts:
    """The folded speech_text of each speech, by its place in ``speeches``. A speech is known
    by its digest (what it was read from, wenji's code included: the same digest, the same
    text), or by a hash of its text where it has none."""

    def __init__(self, speeches: list[Speech], cache: Cache) -> None:
        self.speeches, self.folding = speeches, Folding()
        self.kept = Kept(cache, "folded-texts")
        self.digests = ["speech " + s.digest if s.digest else
                        "text " + hashlib.blake2b(speech_text(s).encode("utf-8"), digest_size=16).hexdigest()
                        for s in speeches]

    def __len__(self) -> int:
        return len(self.speeches)

    def of(self, which: Iterable[int]) -> list[str]:
        return [self.kept.get(self.digests[i], lambda i=i: self.folding.fold(speech_text(self.speeches[i])))
                for i in which]

    def keep(self) -> None:
        """Keep every speech's folded text for the next build (and the next step)."""
        self.kept.save(self.digests, lambda i: self.folding.fold(speech_text(self.speeches[i])))
