"""Footnotes: the notes at the end of a text and the reference marks in it that point to them.

Two layouts are read, both only in the second half of a text:
- a web page's notes: a line ``↑`` (the page's back link) and the note on the next line, one
  per mark; the marks in the text are bracketed (``[1]``, ``[注1]``, ``[CPC 1]``) and pair with
  the notes in order, when there are as many marks as notes;
- a printed book's notes: a line ``注：`` / ``注释`` and then lines opening with their marks
  (``①…``, ``[1]…``, ``1.…``), which pair with the same marks in the text (``…的。①``).
The notes leave the body and close the speech as paragraphs of kind ``note``; the marks stay in
the text as written and the page links them (``#fn1``) both ways. A reader of a format with real
footnotes (Word, Markdown) writes them in the second layout, ``[n]`` marks and ``[n] …`` notes
under a ``注释`` line of its own, and names that line: those notes are taken wherever the line
stands, and the line itself, which the document does not hold, leaves the body.
"""
from __future__ import annotations

import re

from .model import Line, Paragraph

BACK_LINK = "↑"
NOTES_HEAD = re.compile(r"^(注|注释|注解|脚注|附注)[：:]?$")
NOTE_LABEL = re.compile(r"^([①-⑳]|\[\d{1,3}\]|［\d{1,3}］|\d{1,3}[.．、]|[（(]\d{1,3}[）)]|注\d{1,3}[：:]?)\s*")
BRACKET_MARK = re.compile(r"\[[^\[\]\s]{0,4}\s?\d{1,3}\]")


def split_notes(lines: list[Line], declared: int = 0) -> tuple[list[Line], list[Paragraph], dict[str, int]]:
    """(body lines, note paragraphs numbered 1…, reference mark as written -> note number).
    ``declared``: the source line of a notes heading a reader wrote (see the module's doc), or 0."""
    notes: list[Paragraph] = []
    pairs: dict[str, int] = {}
    head = next((k for k, l in enumerate(lines) if l.line == declared), None) if declared else None
    if head is None:
        head = next((k for k in range(len(lines) - 2, len(lines) // 2 - 1, -1) if NOTES_HEAD.match(lines[k].text)),
                    None)
    if head is not None:
        lines, notes, pairs = _printed_notes(lines, head, keep_head=not declared)
    arrows = [k for k in range(len(lines) // 2, len(lines) - 1) if lines[k].text.startswith(BACK_LINK)]
    if arrows:
        lines, more, more_pairs = _web_notes(lines, arrows)
        for p in more:
            p.note += len(notes)
        pairs.update({m: n + len(notes) for m, n in more_pairs.items()})
        notes += more
    return lines, notes, pairs


def _web_notes(lines: list[Line], arrows: list[int]) -> tuple[list[Line], list[Paragraph], dict[str, int]]:
    notes, taken = [], set()
    for k in arrows:
        rest = lines[k].text.lstrip(BACK_LINK).strip()
        if rest:
            text, line = rest, lines[k].line
        elif k + 1 not in taken and not lines[k + 1].text.startswith(BACK_LINK):
            text, line = lines[k + 1].text, lines[k + 1].line
            taken.add(k + 1)
        else:
            continue
        taken.add(k)
        notes.append(Paragraph(id="", text=text, line=line, kind="note", note=len(notes) + 1))
    body = [l for k, l in enumerate(lines) if k not in taken]
    marks: list[str] = []
    for l in body:
        for m in BRACKET_MARK.findall(l.text):
            if m not in marks:
                marks.append(m)
    pairs = {m: n for n, m in enumerate(marks, 1)} if len(marks) == len(notes) else {}
    return body, notes, pairs


def _printed_notes(lines: list[Line], head: int, keep_head: bool) -> tuple[list[Line], list[Paragraph], dict[str, int]]:
    notes, pairs = [], {}
    end = head + 1
    while end < len(lines) and NOTE_LABEL.match(lines[end].text) and len(lines[end].text) > 2:
        label = NOTE_LABEL.match(lines[end].text).group(1)
        notes.append(Paragraph(id="", text=lines[end].text, line=lines[end].line, kind="note", note=len(notes) + 1))
        pairs[label.rstrip(".．、：:")] = len(notes)
        end += 1
    if not notes:
        return lines, [], {}
    body = lines[:head + keep_head] + lines[end:]  # a text's own 注： line stays, as written
    text = "".join(l.text for l in lines[:head])
    # marks the text really uses; a bare number (1.) would link every 1 of the text
    pairs = {m: n for m, n in pairs.items() if not re.fullmatch(r"[0-9]+", m) and m in text}
    return body, notes, pairs
