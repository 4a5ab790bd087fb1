"""Dataclasses passed between the build steps.

Data flows one way: read -> clean -> structure -> themes -> search -> render -> write.
Every step takes and returns these plain objects, so each can be tested alone.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Iterator, Union


@dataclass(frozen=True)
class Line:
    """One cleaned source paragraph before sectioning, with the line it started on.

    ``level`` is a heading level the source format declared (a Word heading style, a Markdown
    ``#``, an HTML ``<h2>``): 1 for the top one, 0 for a line plain text gives no such word on."""

    text: str
    line: int
    level: int = 0


@dataclass(frozen=True)
class Source:
    """A raw speech file as read, whatever its format: the text a .txt of it would hold (one
    paragraph a line, blank lines between, footnotes as ``[n]`` marks and a ``注释`` list at
    the end), the heading levels the format declared by line of that text, and what the page
    around a web article said of it."""

    text: str
    encoding: str = ""  # the encoding of a text or web page; "" where the format fixes it
    headings: tuple[tuple[int, int], ...] = ()  # (line of text, level)
    title: str = ""  # the article heading of a web page
    date: str = ""  # its publication date, YYYY-MM-DD
    notes_line: int = 0  # line of text of the 注释 line the reader put above the format's footnotes; 0: none


@dataclass
class Paragraph:
    """A paragraph of speech text; ``id`` is ``pN``, numbered in reading order."""

    id: str
    text: str
    line: int
    kind: str = "text"  # "text" | "salutation" | "item" (a ——… enumeration line) | "note"
    note: int = 0  # for a note (kind "note"): its number, the n of its anchor #fnN

    def __reduce__(self):
        """Pickled as its fields in order (see ``Section.__reduce__``)."""
        return Paragraph, (self.id, self.text, self.line, self.kind, self.note)


@dataclass
class Section:
    """A section of the document's own structure.

    ``id`` is ``s2-3-1``-style, derived from the document's numbering (or, for unnumbered
    heads, the ordinal among siblings). The root of a speech is a Section with ``id == ""``
    and ``depth == 0``; it holds the preamble and the top-level sections.
    ``blocks`` keeps paragraphs and subsections in reading order.
    """

    id: str
    heading: str
    depth: int
    marker: str  # "root" | "part" | "cn" | "paren-cn" | "arabic" | "paren-arabic" | "circled" | "ordinal" | "lead" | "heading" (an unnumbered heading line) | "declared" (an unnumbered heading the format declared)
    line: int = 0
    runin: bool = False  # the heading ran into its paragraph (first sentence of it)
    number: int = 0  # the number its marker gives (二、 -> 2); 0 for unnumbered and lead heads
    blocks: list[Union["Paragraph", "Section"]] = field(default_factory=list)

    def __reduce__(self):
        """Pickled as its fields in order rather than as a dict of them: the speeches of 1,000
        synthetic speeches (76,000 sections and paragraphs) load in 0.26 s of CPU instead of
        0.47 s, from the cache and when a worker process that read them sends them back."""
        return Section, (self.id, self.heading, self.depth, self.marker, self.line, self.runin, self.number,
                         self.blocks)

    @property
    def paragraphs(self) -> list[Paragraph]:
        """The section's own paragraphs (not those of its subsections)."""
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    @property
    def sections(self) -> list["Section"]:
        return [b for b in self.blocks if isinstance(b, Section)]

    def walk(self, path: tuple[str, ...] = ()) -> Iterator[tuple["Section", tuple[str, ...]]]:
        """Depth-first, in reading order: (section, heading path including itself)."""
        stack = [(self, path)]  # not recursive: nested generators cost a step per level per section
        while stack:
            section, above = stack.pop()
            here = above + (section.heading,) if section.depth else above
            yield section, here
            stack += [(sub, here) for sub in reversed(section.blocks) if isinstance(sub, Section)]

    def all_paragraphs(self) -> Iterator[Paragraph]:
        for b in self.blocks:
            if isinstance(b, Paragraph):
                yield b
            else:
                yield from b.all_paragraphs()

    @property
    def text(self) -> str:
        """Heading and own paragraphs, joined by newlines: what a search hit in this section sees."""
        parts = [self.heading] if self.depth else []
        parts += [p.text for p in self.paragraphs]
        return "\n".join(parts)


@dataclass
class Meta:
    """What is known about a speech: from content/ front matter, else inferred from its text."""

    title: str = ""
    date: str = ""  # "YYYY-MM-DD", "YYYY-MM", "YYYY" or "" when unknown
    kind: str = ""
    place: str = ""
    speaker: str = ""
    occasion: str = ""
    source: str = ""
    slug: str = ""
    summary: str = ""  # Markdown from the metadata file's body, rendered as HTML by render
    date_note: str = ""  # how the date was established, e.g. "year from the text: 二十大召开之年"
    encoding: str = ""
    lang: str = ""  # "zh-Hant" for a speech mostly in traditional characters, "" for the site's language
    inferred: tuple[str, ...] = ()  # names of fields taken from the text rather than content/

    @property
    def year(self) -> str:
        return self.date[:4]


EDGE = 6  # text paragraphs at each end of a speech compared across the archive (Speech.edges)


@dataclass
class Speech:
    """One source file, decoded, cleaned and sectioned."""

    stem: str  # file name without extension
    slug: str  # output name: speeches/<slug>.html
    source: Path
    encoding: str
    meta: Meta
    header: list[Line]  # header lines taken out of the body (title, date line, speaker line)
    body: Section  # root section
    masks: int = 0  # number of masked (anonymised) passages
    digest: str = ""  # hash of the source bytes, its metadata and wenji's code: what the speech was made from
    footnotes: dict[str, int] = field(default_factory=dict)  # reference mark as written ("1", "①") -> note number
    dropped: list[Line] = field(default_factory=list)  # boilerplate left out of the page, as written
    log: list[str] = field(default_factory=list)  # what reading it did, for -v and check
    warnings: list[str] = field(default_factory=list)  # owner corrections that matched nothing, boilerplate found

    def sections(self) -> Iterator[tuple[Section, tuple[str, ...]]]:
        """Every section with its heading path, root excluded, in reading order."""
        for sec, path in self.body.walk():
            if sec.depth:
                yield sec, path

    def paragraphs(self) -> list[Paragraph]:
        return list(self.body.all_paragraphs())

    @cached_property
    def size(self) -> tuple[int, int]:
        """(sections, paragraphs), counted in one walk, once: the reading step counts them
        (``wenji.site.load_speech``) and the cache keeps them with the speech, where counting
        them again in every build took 0.15 s of CPU at 1,000 synthetic speeches."""
        sections = paragraphs = 0
        for sec, _ in self.body.walk():
            sections += sec.depth > 0
            paragraphs += sum(1 for b in sec.blocks if isinstance(b, Paragraph))
        return sections, paragraphs

    @cached_property
    def edges(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The texts of its first and of its last EDGE text paragraphs (``wenji.boilerplate``
        compares them across the archive). Taken once, when the speech is read, and kept with
        it in the cache (the same strings as its paragraphs': the cache grows by references
        only), where listing every paragraph again in every build took 0.15 s of CPU at 1,000
        synthetic speeches."""
        paras = [p.text for p in self.body.all_paragraphs() if p.kind == "text"]
        return tuple(paras[:EDGE]), tuple(paras[-EDGE:])

    @cached_property
    def chars(self) -> int:
        """Length in characters of the speech text (headings and paragraphs, no whitespace).
        Counted once, when the speech is read, and kept with it in the cache: a build asks five
        times a speech (1.2 ms each at 30 KB)."""
        n = sum(len(s.heading) for s, _ in self.sections())
        return n + sum(len(p.text) for p in self.paragraphs())


@dataclass
class Archive:
    """Everything the renderer needs: the speeches in home-page order and the site config."""

    speeches: list[Speech]
    config: dict
    pages: list = field(default_factory=list)
    content: Path = Path("content")  # the content folder (themes.toml, userdict.txt live there)
