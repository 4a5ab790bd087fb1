"""Structure: cleaned paragraphs -> a tree of sections with stable ids.

Explicit markers (GB/T 9704 ``一、`` ``（一）`` ``1.`` ``（1）``, ``第一部分``) nest by kind: a
kind already open closes back to it (a sibling), a new kind opens inside the current section.
Their numbers give the ids (``二、`` is ``s2``, the ``（三）`` inside it ``s2-3``), so editing
unrelated text never changes them. Where a marker runs into its paragraph, the first sentence
is the heading.

A section with no explicit subsections may still be structured by run-in heads:
- an ordinal series ``一要…。`` ``二要…。`` (or ``一是``, ``第一，``) at paragraph starts;
- a run of paragraphs whose short first sentences are alike (the lead sentences of
  ``坚持绿色引领发展，努力在生态化建设上作出示范。…``): two or more consecutive paragraphs
  whose first sentence ends in ``。``, is at most LEAD_MAX characters, and has the same number
  of commas. A lone short first sentence, or a closing line unlike the run, is not a heading.
These take their ordinal among their siblings. A sentence in the middle of a paragraph is
never a heading; ``——…`` lines are list items; a salutation in mid-text (``各位代表！``) is a
transition that closes every open section.
"""
from __future__ import annotations

import re

from .model import Line, Paragraph, Section
from .structure_patterns import DASH_ITEM, ORDINAL, SALUTATION, cn_number, marker_of

RANK = {"part": 0, "cn": 1, "paren-cn": 2, "arabic": 3, "paren-arabic": 4, "circled": 5}
LEAD_MAX = 40
FIRST_SENTENCE = re.compile(r"^[^。！？!?]*[。！？!?]")
LEAD = re.compile(r"^[^。：:；;！？!?]{4,%d}。" % LEAD_MAX)


def _split_first_sentence(text: str) -> tuple[str, str]:
    """(first sentence, the rest); the whole text when it has no sentence end before its end."""
    m = FIRST_SENTENCE.match(text)
    if not m or m.end() == len(text):
        return text, ""
    return m.group(0), text[m.end():].lstrip()


class _Builder:
    """Builds one speech's tree; holds the ids in use so every id is unique."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.next_free: dict[tuple[str, int], int] = {}  # (prefix, number) -> where to look next

    def child_id(self, parent: Section, number: int) -> str:
        prefix = parent.id + "-" if parent.id else "s"
        start = number
        number = self.next_free.get((prefix, start), start)  # skip what earlier repeats took: linear, not quadratic
        while f"{prefix}{number}" in self.used:
            number += 1  # a repeated number (a restart or a typo) takes the next free one
        self.used.add(f"{prefix}{number}")
        self.next_free[(prefix, start)] = number + 1
        return f"{prefix}{number}"

    def explicit_tree(self, lines: list[Line]) -> Section:
        root = Section(id="", heading="", depth=0, marker="root")
        stack: list[Section] = [root]
        for line in lines:
            text = line.text
            mk = marker_of(text)
            if mk is None:
                kind = "text"
                if SALUTATION.match(text):
                    if len(stack) > 1 or root.blocks:
                        del stack[1:]  # a salutation in mid-text is a transition between parts
                    kind = "salutation" if len(text) <= 30 and text[-1] in "：:！!" else "text"
                elif DASH_ITEM.match(text):
                    kind = "item"
                stack[-1].blocks.append(Paragraph(id="", text=text, line=line.line, kind=kind))
                continue
            kind, number, _ = mk
            rank = RANK[kind]
            while len(stack) > 1 and RANK[stack[-1].marker] >= rank:
                stack.pop()
            parent = stack[-1]
            heading, rest = _split_first_sentence(text)
            sec = Section(
                id=self.child_id(parent, number), heading=heading, depth=parent.depth + 1,
                marker=kind, line=line.line, runin=bool(rest),
            )
            parent.blocks.append(sec)
            if rest:
                sec.blocks.append(Paragraph(id="", text=rest, line=line.line))
            stack.append(sec)
        return root

    def run_in(self, sec: Section) -> None:
        """Find run-in heads among the direct paragraphs of sections without explicit children."""
        for sub in sec.sections:
            self.run_in(sub)
        if sec.sections:
            return
        paras = sec.paragraphs
        groups = _ordinal_series(paras) or _lead_runs(paras)
        if not groups:
            return
        starts = {id(g[0]): g for g in groups}
        members = {id(p) for g in groups for p in g}
        blocks: list[Paragraph | Section] = []
        n = 0
        for p in paras:
            if id(p) in starts:
                n += 1
                group = starts[id(p)]
                heading, rest = _split_first_sentence(p.text)
                child = Section(
                    id=self.child_id(sec, n), heading=heading, depth=sec.depth + 1,
                    marker=group[0].kind_hint, line=p.line, runin=bool(rest),
                )
                if rest:
                    child.blocks.append(Paragraph(id="", text=rest, line=p.line))
                child.blocks += group[1:]
                blocks.append(child)
            elif id(p) not in members:
                blocks.append(p)
        sec.blocks = blocks
        for child in sec.sections:
            self.run_in(child)


class _Group(list):
    """Paragraphs of one run-in section: the head paragraph first, then those it covers."""

    def __init__(self, items, kind_hint):
        super().__init__(items)
        items[0].kind_hint = kind_hint  # type: ignore[attr-defined]


def _ordinal_series(paras: list[Paragraph]) -> list[_Group]:
    """一要… 二要… 三要…: two or more paragraphs numbered 1, 2, 3… with the same word.

    Paragraphs between two members belong to the earlier one; after the last, to the parent.
    """
    heads = []
    for i, p in enumerate(paras):
        m = ORDINAL.match(p.text) if p.kind == "text" else None
        if m:
            num = cn_number(m.group(1) or m.group(3))
            word = m.group(2) or "第"
            heads.append((i, num, word))
    best: list[tuple[int, int, str]] = []
    for start, (i, num, word) in enumerate(heads):
        if num != 1:
            continue
        series = [(i, num, word)]
        for j, n2, w2 in heads[start + 1:]:
            if w2 == word and n2 == series[-1][1] + 1:
                series.append((j, n2, w2))
            elif w2 == word and n2 == 1:
                break
        if len(series) >= 2 and len(series) > len(best):
            best = series
    if not best:
        return []
    idx = [i for i, _, _ in best]
    groups = []
    for k, i in enumerate(idx):
        end = idx[k + 1] if k + 1 < len(idx) else i + 1
        groups.append(_Group(paras[i:end], "ordinal"))
    return groups


def _lead_runs(paras: list[Paragraph]) -> list[_Group]:
    """Runs of two or more consecutive paragraphs opening with alike short lead sentences."""
    groups: list[_Group] = []
    run: list[Paragraph] = []
    commas = None

    def close():
        if len(run) >= 2:
            groups.extend(_Group([p], "lead") for p in run)

    for p in paras:
        m = LEAD.match(p.text) if p.kind == "text" else None
        lead_ok = bool(m) and m.end() < len(p.text) and not SALUTATION.match(p.text)
        c = m.group(0).count("，") if lead_ok else None
        if lead_ok and (not run or c == commas):
            run.append(p)
            commas = c
            continue
        close()
        run, commas = ([p], c) if lead_ok else ([], None)
    close()
    return groups


def _number(root: Section) -> None:
    for n, p in enumerate(root.all_paragraphs(), 1):
        p.id = f"p{n}"
        if hasattr(p, "kind_hint"):
            del p.kind_hint


def build(lines: list[Line]) -> Section:
    """Section tree of one speech's body paragraphs (header lines already taken out)."""
    b = _Builder()
    root = b.explicit_tree(lines)
    b.run_in(root)
    _number(root)
    return root
