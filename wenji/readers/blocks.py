"""What the readers of structured formats share: blocks (paragraphs and declared headings) ->
the text a .txt would hold, and an HTML tree -> blocks.

A block is ``(level, text)``: level 0 a paragraph, 1–6 a heading the format declared. Blocks go
one to a line with blank lines between, so the text reader's cleaning keeps them as they are
(a manual line break inside a block is a line break of the text, which the hard-wrap rule then
judges). Footnotes follow the plain-text convention: ``[n]`` at the reference, and the notes at
the end under a line ``注释``, one ``[n] text`` line each; the Source names that line
(``notes_line``), so the notes are taken as notes however long the text before them is, and
the line, which the document does not hold, is not shown as one of its paragraphs.
"""
from __future__ import annotations

import re

from ..model import Source

Block = tuple[int, str]

NOTES_HEADING = "注释"
_CJK = r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]"
_BREAK = "\x00"  # stands for <br> while whitespace is collapsed
_SPACE_RUN = re.compile(rf"(?P<soft>(?<={_CJK})[ \t\r\f]*\n[ \t\r\n\f]*(?={_CJK}))|[ \t\r\n\f]+")


def collapse(text: str) -> str:
    """HTML whitespace: a run of it is one space, and nothing at all where a line break of the
    source falls between two Chinese characters (a soft wrap, as CSS Text 3 renders it)."""
    text = _SPACE_RUN.sub(lambda m: "" if m.group("soft") else " ", text)
    return "\n".join(part.strip(" ") for part in text.split(_BREAK)).strip("\n ")


def source_of(blocks: list[Block], notes: list[str] | tuple[str, ...] = (), **page: str) -> Source:
    """Blocks (and footnotes, numbered from 1) as a Source; ``page``: encoding, title, date."""
    parts: list[str] = []
    headings: list[tuple[int, int]] = []
    line = 1
    for level, text in blocks:
        text = "\n".join(t for t in text.split("\n") if t.strip()) if not level else text.replace("\n", "")
        if not text.strip():
            continue
        if level:
            headings.append((line, level))
        parts.append(text)
        line += text.count("\n") + 2
    notes_line = 0
    if notes:
        notes_line = line
        parts.append(NOTES_HEADING)
        parts += [f"[{n}] {note.strip()}" for n, note in enumerate(notes, 1)]
    return Source(text="\n\n".join(parts) + "\n" if parts else "", headings=tuple(headings), notes_line=notes_line,
                  **page)


HEADINGS = {f"h{n}": n for n in range(1, 7)}
BLOCK_TAGS = {"p", "div", "li", "dd", "dt", "blockquote", "pre", "section", "article", "main", "ul", "ol", "dl",
              "table", "tbody", "thead", "tfoot", "figure", "figcaption", "center", "hr", "address", "body", "html",
              "header", "footer", "aside", "nav"}
SKIP_TAGS = {"script", "style", "noscript", "template", "head", "title", "iframe", "object", "svg", "button",
             "select", "textarea"}


def html_blocks(root) -> list[Block]:
    """The blocks of an (lxml) HTML element, in reading order: headings at their level, table
    rows as one line with a tab between cells, <br> as a line break, scripts and styles left out."""
    blocks: list[Block] = []
    pending: list[str] = []

    def flush() -> None:
        text = collapse("".join(pending))
        pending.clear()
        if text:
            blocks.append((0, text))

    def inline(el) -> str:
        out: list[str] = []

        def walk(e) -> None:
            tag = e.tag if isinstance(e.tag, str) else ""
            if tag.lower() == "br":
                out.append(_BREAK)
            elif tag and tag.lower() not in SKIP_TAGS:
                out.append(e.text or "")
                for child in e:
                    walk(child)
            if e is not el:
                out.append(e.tail or "")

        walk(el)
        return collapse("".join(out))

    def walk(el) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag in SKIP_TAGS or not tag:
            pass
        elif tag == "br":
            pending.append(_BREAK)
        elif tag in HEADINGS:
            flush()
            text = inline(el).replace("\n", "")
            if text:
                blocks.append((HEADINGS[tag], text))
        elif tag == "tr" and not _holds_blocks(el):
            flush()
            cells = [inline(c).replace("\n", " ") for c in el if isinstance(c.tag, str) and c.tag.lower() in ("td", "th")]
            if any(cells):
                blocks.append((0, "\t".join(cells)))
        elif tag in BLOCK_TAGS or tag in ("tr", "td", "th"):  # a row of a layout table holds blocks
            flush()
            pending.append(el.text or "")
            for child in el:
                walk(child)
            flush()
        else:
            pending.append(el.text or "")
            for child in el:
                walk(child)
        if tag in BLOCK_TAGS or tag in HEADINGS or tag in ("tr", "td", "th"):
            flush()
        pending.append(el.tail or "")

    walk(root)
    flush()
    return blocks


def _holds_blocks(row) -> bool:
    """A table row whose cells hold paragraphs or headings: page layout, not a row of data."""
    return any(isinstance(e.tag, str) and e.tag.lower() in BLOCK_TAGS | HEADINGS.keys() - {"body", "html"}
               for cell in row for e in cell.iterdescendants())
