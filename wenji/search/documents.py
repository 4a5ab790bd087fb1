"""Search documents: the units a hit points at, cut from each speech's sections.

A document is a section's own text (its heading and the paragraphs that are not in a
subsection), a paragraph outside every section, or a speech's title when the text does not
repeat it. A hit links to the deepest section (or paragraph) that holds the match, so a reader
lands on the passage, not on the top of a long report.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from ..model import Archive, Section, Speech


@dataclass
class Doc:
    """One searchable unit: a section's own text, a paragraph outside sections, or a title."""

    speech: int  # index in archive.speeches
    parent: int  # index of the enclosing section's Doc, -1 at top level
    id: str  # section id, paragraph id, or "" for the title
    heading: str
    paragraphs: list[tuple[int, str]]  # (paragraph number, text)

    @cached_property
    def text(self) -> str:
        """What a hit must hold literally: like Section.text, heading then paragraphs."""
        return "\n".join(([self.heading] if self.heading else []) + [t for _, t in self.paragraphs])


def text_size(docs: list[Doc]) -> int:
    """Characters of the documents' text (what ``min_df`` is decided on)."""
    return sum(len(d.heading) + sum(len(t) + 1 for _, t in d.paragraphs) for d in docs)


def title_in_body(speech: Speech) -> bool:
    """An inferred title (first sentence, maybe cut with …) repeats the text: no title doc."""
    title = speech.meta.title.rstrip("…").strip()
    first = next(iter(speech.paragraphs()), None)
    return not title or (first is not None and title in first.text)


def speech_documents(si: int, speech: Speech, base: int = 0) -> list[Doc]:
    """The search documents of one speech, numbered from ``base`` (their parents are)."""
    docs: list[Doc] = []

    def walk(sec: Section, parent: int) -> None:
        for b in sec.blocks:
            if isinstance(b, Section):
                own = [(int(p.id[1:]), p.text) for p in b.paragraphs]
                docs.append(Doc(si, parent, b.id, b.heading, own))
                walk(b, base + len(docs) - 1)
            elif sec.depth == 0:
                docs.append(Doc(si, parent, b.id, "", [(int(b.id[1:]), b.text)]))

    if not title_in_body(speech):
        docs.append(Doc(si, -1, "", speech.meta.title, []))
    walk(speech.body, -1)
    return docs


def archive_documents(archive: Archive) -> list[Doc]:
    """The archive's search documents in reading order (their order breaks score ties).

    A speech's documents are consecutive, so a document range stands for a speech.
    """
    docs: list[Doc] = []
    for si, speech in enumerate(archive.speeches):
        docs += speech_documents(si, speech, len(docs))
    return docs

