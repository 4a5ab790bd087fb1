"""Each speech's text folded as search folds it, made once and kept for the next build.

The comparison data (which terms a speech is the first to hold) and the trend counts (each
term's literal occurrences per speech) both look for terms in every speech's folded text: its
section headings, then its paragraphs, one a line (the title aside). A term holds no line
break, and folding a text is folding each of its lines (a line break folds to itself and ends a
run of x), so a term occurs in this text as often as in the search documents' texts (the same
headings and paragraphs, otherwise joined). Folding the 11.6 M characters of 1,000 synthetic
speeches takes 0.65-0.8 s of CPU; whichever step comes first folds them and keeps them by
speech (wenji.kept, 0.06 s to write), and the other reads them back from the cache (0.04 s).
A rebuild folds the edited speech alone.
"""
from __future__ import annotations

import hashlib
from typing import Iterable

from .cache import Cache
from .kept import Kept
from .model import Speech
from .search.terms import Folder


def speech_text(speech: Speech) -> str:
    """The speech's section headings, then its paragraphs, one a line (not yet folded)."""
    return "\n".join([s.heading for s, _ in speech.sections()] + [p.text for p in speech.paragraphs()])


class FoldedTexts:
    """The folded speech_text of each speech, by its place in ``speeches``. A speech is known
    by its digest (what it was read from, wenji's code included: the same digest, the same
    text), or by a hash of its text where it has none."""

    def __init__(self, speeches: list[Speech], folder: Folder, cache: Cache) -> None:
        self.speeches, self.folder = speeches, folder
        self.kept = Kept(cache, "folded-texts")
        self.digests = ["speech " + s.digest if s.digest else
                        "text " + hashlib.blake2b(speech_text(s).encode("utf-8"), digest_size=16).hexdigest()
                        for s in speeches]

    def __len__(self) -> int:
        return len(self.speeches)

    def of(self, which: Iterable[int]) -> list[str]:
        return [self.kept.get(self.digests[i], lambda i=i: self.folder.fold(speech_text(self.speeches[i])))
                for i in which]

    def keep(self) -> None:
        """Keep every speech's folded text for the next build (and the next step)."""
        self.kept.save(self.digests, lambda i: self.folder.fold(speech_text(self.speeches[i])))
