"""Markdown (.md): a speech written in Markdown, rendered with Python-Markdown and read back as
text. ``#`` headings are section headings at their level (a lone ``#`` heading opening the file
is the title line, as a title is at the top of a .txt); escapes are honoured (``\\*\\*`` is
the mask ``**``); emphasis, links and code give their text; lines of one paragraph are joined
as the Markdown paragraph joins them (nothing between Chinese characters). Footnotes
(``[^1]``) become ``[1]`` marks and the notes list at the end, as a Word file's do."""
from __future__ import annotations

from pathlib import Path

import lxml.html
import markdown

from ..errors import InputError
from ..model import Source
from ..read import read_file
from .blocks import Block, collapse, html_blocks, source_of

EXTENSIONS = ["tables", "sane_lists", "footnotes"]


def read(path: Path, encoding: str = "") -> Source | InputError:
    decoded = read_file(path, encoding)
    if isinstance(decoded, InputError):
        return decoded
    text, used = decoded
    html = markdown.markdown(text, extensions=EXTENSIONS, output_format="html")
    if not html.strip():
        return InputError(path, "empty file")
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    notes = _footnotes(root)
    return source_of(_title_first(html_blocks(root)), notes, encoding=used)


def _footnotes(root) -> list[str]:
    """Take the footnotes out of the rendered tree: each reference becomes ``[n]``, the list
    goes (its notes returned in order, without their back links)."""
    for ref in root.find_class("footnote-ref"):
        number = ref.text_content().strip()
        parent = ref.getparent()
        mark = parent if parent is not None and parent.tag == "sup" else ref
        tail = mark.tail
        mark.clear()
        mark.tag, mark.text, mark.tail = "span", f"[{number}]", tail
    notes = []
    for box in root.find_class("footnote"):
        for back in box.find_class("footnote-backref"):
            back.drop_tree()
        notes += [collapse(li.text_content()).strip("\u00a0 ") for li in box.iter("li")]
        box.drop_tree()
    return notes


def _title_first(blocks: list[Block]) -> list[Block]:
    """A ``#`` heading that opens the file and is the only one of its level is the title line."""
    if blocks and blocks[0][0] == 1 and sum(level == 1 for level, _ in blocks) == 1:
        rest = [(level - 1 if level > 1 else level, text) for level, text in blocks[1:]]
        return [(0, blocks[0][1])] + rest
    return blocks
