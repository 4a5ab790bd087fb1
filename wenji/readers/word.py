"""Word documents (.docx), read with python-docx.

Paragraphs in order; a paragraph in a Word heading style (``Heading 1``…, ``标题 1``…, or any
style or paragraph with an outline level) is a heading at that level; the ``Title`` style is
the title line. Numbers Word writes before numbered paragraphs (its list and multilevel heading
numbering) are put into the text as Word shows them (see word_numbering), so a heading's id
follows the document's own numbering whether it was typed or numbered by Word. Manual line breaks are line breaks of the text (the hard-wrap rule judges
them, as in a .txt); page and column breaks, soft hyphens, deleted revisions and field codes
are not text; first-line indents are formatting and never reach it. Table rows become lines,
cells separated by a tab. Footnotes and endnotes become ``[n]`` at the reference and a notes
list at the end (see blocks). Styles are resolved once per document from its styles part:
python-docx's own lookup per paragraph cost 1 ms each (0.14 s for a 140-paragraph report).
"""
from __future__ import annotations

import re
from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn

from ..errors import InputError
from ..model import Source
from .blocks import Block, source_of
from .word_numbering import Numbering

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97–2003 .doc, and encrypted Office files
HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.IGNORECASE)
TITLE_STYLE = re.compile(r"^(?:title|标题)$", re.IGNORECASE)
W_P, W_TBL, W_TR, W_TC, W_SDT = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:sdt")
W_T, W_TAB, W_BR, W_CR, W_NBH = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr"), qn("w:noBreakHyphen")
W_FOOTREF, W_ENDREF, W_TYPE = qn("w:footnoteReference"), qn("w:endnoteReference"), qn("w:type")
W_VAL, W_ID, W_STYLE_ID = qn("w:val"), qn("w:id"), qn("w:styleId")
FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
NOT_TEXT = {FALLBACK, qn("w:moveFrom")}  # the same content again for old readers; text a revision moved away
BREAKS_THAT_ARE_NOT_TEXT = {"page", "column"}


def read(path: Path, encoding: str = "") -> Source | InputError:
    with path.open("rb") as f:
        head = f.read(len(OLE_MAGIC))
    if head == OLE_MAGIC:
        return InputError(path, "not a .docx: a Word 97–2003 .doc or a password-protected document; "
                                "save it as .docx without a password")
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError) as e:
        return InputError(path, f"corrupt or not a Word .docx file ({e})")
    except Exception as e:  # zipfile.BadZipFile, lxml's XMLSyntaxError, …
        return InputError(path, f"corrupt or not a Word .docx file ({type(e).__name__}: {e})")
    reader = _Reader(document)
    blocks = reader.blocks(document.element.body)
    return source_of(blocks, reader.notes)


class _Reader:
    def __init__(self, document) -> None:
        self.levels, style_numbering = _styles(document)
        self.numbering = Numbering(document, style_numbering)
        self.note_texts = {kind: _notes(document, rel, tag) for kind, rel, tag in (
            ("foot", RT.FOOTNOTES, "w:footnote"), ("end", RT.ENDNOTES, "w:endnote"))}
        self.notes: list[str] = []

    def blocks(self, body) -> list[Block]:
        out: list[Block] = []
        for el in body:
            if el.tag == W_P:
                text = self.text(el)
                if text.strip():
                    text = self.numbering.label(el, _style_id(el)) + text
                out.append((self.level(el), text))
            elif el.tag == W_TBL:
                out += [(0, row) for row in self.rows(el)]
            elif el.tag == W_SDT:  # a content control: its content in place
                content = el.find(qn("w:sdtContent"))
                if content is not None:
                    out += self.blocks(content)
        return out

    def level(self, p) -> int:
        """The heading level of a paragraph: its own outline level, else its style's; 0 for body text
        and for the Title style (a plain first line, which the header reader takes as the title)."""
        ppr = p.pPr
        if ppr is not None:
            outline = ppr.find(qn("w:outlineLvl"))
            if outline is not None:
                return _outline(outline)
            style = ppr.find(qn("w:pStyle"))
            if style is not None:
                return max(self.levels.get(style.get(W_VAL), 0), 0)
        return 0

    def text(self, p) -> str:
        out: list[str] = []
        for el in p.iter(W_T, W_TAB, W_BR, W_CR, W_NBH, W_FOOTREF, W_ENDREF):
            if _not_text(el, p):
                continue
            tag = el.tag
            if tag == W_T:
                out.append((el.text or "").replace("\u00ad", ""))
            elif tag == W_TAB:
                out.append("\t")
            elif tag in (W_BR, W_CR):
                if el.get(W_TYPE) not in BREAKS_THAT_ARE_NOT_TEXT:
                    out.append("\n")
            elif tag == W_NBH:
                out.append("-")
            else:
                kind = "foot" if tag == W_FOOTREF else "end"
                note = self.note_texts[kind].get(el.get(W_ID))
                if note is not None:
                    self.notes.append(note)
                    out.append(f"[{len(self.notes)}]")
        return "".join(out)

    def rows(self, table) -> list[str]:
        rows = []
        for tr in table.iter(W_TR):
            if _parent_table(tr) is not table:
                continue  # a row of a table nested in a cell: part of that cell's text
            cells = []
            for tc in tr.findall(W_TC):
                cells.append(" ".join(t for t in (self.text(p) for p in tc.iter(W_P)) if t.strip()))
            if any(c.strip() for c in cells):
                rows.append("\t".join(c.replace("\n", " ") for c in cells))
        return rows


def _outline(el) -> int:
    """w:outlineLvl 0–8 are heading levels 1–9; 9 is body text."""
    try:
        value = int(el.get(W_VAL))
    except (TypeError, ValueError):
        return 0
    return value + 1 if value < 9 else 0


def _style_id(p) -> str | None:
    style = p.pPr.find(qn("w:pStyle")) if p.pPr is not None else None
    return style.get(W_VAL) if style is not None else None


def _styles(document) -> tuple[dict[str, int], dict[str, tuple[str, int]]]:
    """styleId -> heading level (-1 for the Title style), and styleId -> (numId, ilvl or -1) of
    the numbering a style carries, each following ``basedOn`` chains."""
    styles, numbering = {}, {}
    part = document.part._styles_part if hasattr(document.part, "_styles_part") else None
    root = part.element if part is not None else None
    if root is None:
        return {}, {}
    for s in root.iter(qn("w:style")):
        name = s.find(qn("w:name"))
        based = s.find(qn("w:basedOn"))
        outline = s.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
        styles[s.get(W_STYLE_ID)] = (name.get(W_VAL) if name is not None else "",
                                     based.get(W_VAL) if based is not None else None,
                                     _outline(outline) if outline is not None else None)
        numpr = s.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        if numpr is not None and numpr.find(qn("w:numId")) is not None:
            lvl = numpr.find(qn("w:ilvl"))
            numbering[s.get(W_STYLE_ID)] = (numpr.find(qn("w:numId")).get(W_VAL),
                                            int(lvl.get(W_VAL)) if lvl is not None else -1)
    levels = {}
    for sid in styles:
        seen, cur = set(), sid
        level = 0
        while cur in styles and cur not in seen:
            seen.add(cur)
            name, based, outline = styles[cur]
            m = HEADING_STYLE.match(name)
            if m:
                level = int(m.group(1))
                break
            if TITLE_STYLE.match(name):
                level = -1
                break
            if outline is not None:
                level = outline
                break
            cur = based
        levels[sid] = level
    for sid in styles:  # a style without numbering of its own takes its base's
        seen, cur = set(), sid
        while cur in styles and cur not in seen and cur not in numbering:
            seen.add(cur)
            cur = styles[cur][1]
        if cur in numbering:
            numbering[sid] = numbering[cur]
    return levels, numbering


def _notes(document, reltype: str, tag: str) -> dict[str, str]:
    """Footnote (or endnote) id -> its text, separators left out."""
    part = next((r.target_part for r in document.part.rels.values() if r.reltype == reltype and not r.is_external),
                None)
    if part is None:
        return {}
    root = docx.oxml.parse_xml(part.blob) if not hasattr(part, "element") else part.element
    notes = {}
    for note in root.findall(qn(tag)):
        if note.get(W_TYPE) in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        texts = ["".join(t.text or "" for t in p.iter(W_T)) for p in note.iter(W_P)]
        notes[note.get(W_ID)] = " ".join(t.strip() for t in texts if t.strip())
    return notes


def _not_text(el, stop) -> bool:
    """Inside an mc:Fallback or a w:moveFrom: see NOT_TEXT."""
    parent = el.getparent()
    while parent is not None and parent is not stop:
        if parent.tag in NOT_TEXT:
            return True
        parent = parent.getparent()
    return False


def _parent_table(tr):
    parent = tr.getparent()
    while parent is not None and parent.tag != W_TBL:
        parent = parent.getparent()
    return parent
