"""Structure: cleaned paragraphs -> a tree of sections with stable ids.

Explicit markers (GB/T 9704 ``一、`` ``（一）`` ``1.`` ``（1）``, ``第一部分``, and on lines of
their own ``第一、…`` and a lone numeral ``一``) nest by kind: a kind already open closes back
to it (a sibling), a new kind opens inside the current section. A series that starts again at
one while a later member of its kind is open (``一、…四、`` inside ``六、``) is a list inside the
current section, and a number that continues an open series closes back to that series.
Their numbers give the ids (``二、`` is ``s2``, the ``（三）`` inside it ``s2-3``), so editing
unrelated text never changes them and an id never contradicts the number it is shown with.
Where a marker runs into its paragraph, the first sentence is the heading; a marker alone on
its line numbers the paragraph that follows.

A short line of its own with no sentence-final punctuation, standing between sentences
(``关于外交工作``, ``结束语``), is an unnumbered heading: a run of them are siblings, inside a
numbered section they nest (but never inside a ``第一，…`` item, and a numbered part is never
inside them). It takes its ordinal among its siblings, after the numbered ones.

A section with no explicit subsections may still be structured by run-in heads:
- an ordinal series ``一要…。`` ``二要…。`` (or ``一是``, ``第一，``) at paragraph starts;
- a run of paragraphs whose short first sentences are alike (the lead sentences of
  ``坚持绿色引领发展，努力在生态化建设上作出示范。…``): two or more consecutive paragraphs
  whose first sentence ends in ``。``, is at most LEAD_MAX characters, and has the same number
  of commas. A lone short first sentence, or a closing line unlike the run, is not a heading.
These take their ordinal among their siblings. A sentence in the middle of a paragraph is
never a heading; ``——…`` lines are list items; a salutation in mid-text (``各位代表！``) is a
transition that ends a run-in group but leaves numbered sections open.

A heading the source format declared (``Line.level``: a Word heading style, a Markdown ``#``)
is a heading whatever its shape, unless the owner says otherwise, and its whole line is the
heading. Numbered, it follows the rules above; unnumbered, it takes the rank the document's
own numbered headings of its level carry (a ``Heading 2`` beside ``Heading 2`` lines reading
``（一）…`` is their sibling), else a rank between those of the levels around it, so that
declared levels and numbering nest alike.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .model import Line, Paragraph, Section
from .structure_patterns import (DASH_ITEM, LONE_NUMERAL, ORDINAL, ORDINAL_MARKER, SALUTATION, SENTENCE_END,
                                 cn_number, ends_sentence, marker_of)

RANK = {"part": 0, "cn": 1, "paren-cn": 2, "arabic": 3, "paren-arabic": 4, "circled": 5}
# 第一， and unnumbered headings have no fixed level: they sit just below the section they open in.
FLOATING = {"ordinal", "heading"}
LEAD_MAX = 40
HEADING_MAX = 40  # the longest unnumbered heading line in 37 national reports has 39 characters
FIRST_SENTENCE = re.compile(r"^[^。！？!?]*[。！？!?]")
LEAD = re.compile(r"^[^。：:；;！？!?]{4,%d}。" % LEAD_MAX)
CJK = re.compile(r"[\u4e00-\u9fff]")
DATE_ONLY = re.compile(r"^[〇零一二三四五六七八九十○]{2,4}年([一二三四五六七八九十]{1,2}月)?([一二三四五六七八九十]{1,3}日)?$")
ADDRESS = re.compile(r"^(各位|同志们|朋友们|女士们|先生们)")  # a salutation that lost its punctuation
# Headings that frame the whole text: never nested inside the numbered section before them.
OUTER_HEADINGS = {"前言", "引言", "序言", "导言", "结束语", "结语", "结束", "结论", "附录", "附件", "后记"}


@dataclass
class Corrections:
    """The owner's word on lines of one speech, by text or by line number (front matter)."""

    headings: list = field(default_factory=list)
    not_headings: list = field(default_factory=list)
    used: set = field(default_factory=set)  # indexes into headings / not_headings that matched

    def says(self, line: Line) -> bool | None:
        """True: a heading; False: never a heading; None: the owner said nothing of it."""
        for verdict, items in ((False, self.not_headings), (True, self.headings)):
            for k, item in enumerate(items):
                if item == line.line if isinstance(item, int) else str(item).strip() == line.text:
                    self.used.add((verdict, k))
                    return verdict
        return None

    def unmatched(self) -> list[str]:
        out = []
        for verdict, name, items in ((False, "not_headings", self.not_headings), (True, "headings", self.headings)):
            out += [f"{name}: {item!r} matches no line" for k, item in enumerate(items) if (verdict, k) not in self.used]
        return out


def _split_first_sentence(text: str) -> tuple[str, str]:
    """(first sentence, the rest); the whole text when it has no sentence end before its end."""
    m = FIRST_SENTENCE.match(text)
    if not m or m.end() == len(text):
        return text, ""
    return m.group(0), text[m.end():].lstrip()


def _numbered(text: str) -> tuple[str, int, int] | None:
    """(kind, number, marker length) of a line that opens a numbered section."""
    mk = marker_of(text)
    if mk:
        return mk
    m = LONE_NUMERAL.match(text)
    if m:
        return "cn", cn_number(m.group(1)), m.end()
    m = ORDINAL_MARKER.match(text)
    if m:
        return "ordinal", cn_number(m.group(1)), m.end()
    return None


def _heading_shaped(text: str) -> bool:
    """Short, no sentence inside or at its end: the shape of a heading line."""
    return (len(text) <= HEADING_MAX and not any(c in text for c in "。！？!?；;")
            and text[-1] not in SENTENCE_END + "，,、—")


def _plain_heading(text: str) -> bool:
    """An unnumbered heading line by its own look (its neighbours are checked by the caller):
    terse, at most two commas (an opening sentence that lost its 。 has more), opening with a
    Chinese character or quote, free of markup-like symbols (``> 引用``, ```代码```)."""
    return (_heading_shaped(text) and len(CJK.findall(text)) >= 2 and text.count("，") + text.count(",") <= 2
            and (CJK.match(text) or text[0] in "“《「‘") and not any(c in text for c in "`*#>|[]<\\")
            and not DATE_ONLY.match(text)
            and not SALUTATION.match(text) and not ADDRESS.match(text)
            and not DASH_ITEM.match(text) and not (text[0] in "（(" and text[-1] in "）)")
            and not ORDINAL.match(text))


def _reads_as_prose(text: str) -> bool:
    """A paragraph of sentences: what must follow a heading."""
    return ends_sentence(text) or len(text) > HEADING_MAX


def _classify(lines: list[Line], fixes: Corrections) -> list[tuple | None]:
    """Per line: ("numbered", kind, number, marker length), ("heading",) or None (a paragraph).
    A heading the format declared counts as one the owner named, unless the owner says it is none."""
    numbered = [_numbered(l.text) for l in lines]
    plain = [num is None and _plain_heading(l.text) for l, num in zip(lines, numbered)]
    # prose_after[j]: from line j on, past a run of heading-shaped lines, comes prose or a
    # numbered heading (one backward pass: a long run of short lines costs no rescans)
    prose_after = [False] * (len(lines) + 1)
    for j in range(len(lines) - 1, -1, -1):
        prose_after[j] = bool(numbered[j]) or (prose_after[j + 1] if plain[j] else _reads_as_prose(lines[j].text))
    out: list[tuple | None] = []
    for i, line in enumerate(lines):
        verdict = fixes.says(line)
        if verdict is None and line.level:
            verdict = True
        num = numbered[i]
        if verdict is False:
            out.append(None)
        elif verdict is True:
            out.append(("numbered", *num) if num else ("heading",))
        elif num:
            out.append(("numbered", *num))
        elif plain[i] and _after_a_sentence(lines, out, i) and prose_after[i + 1]:
            out.append(("heading",))
        else:
            out.append(None)
    return out


def _after_a_sentence(lines: list[Line], done: list, i: int) -> bool:
    """The line before ends a sentence (not with a colon), or is a heading or the salutation."""
    if not i:
        return True
    prev = lines[i - 1].text
    return bool(done[i - 1] or SALUTATION.match(prev) or (ends_sentence(prev) and prev[-1] not in "：:"))


def _merge_bare_markers(lines: list[Line], kinds: list) -> tuple[list[Line], list]:
    """A marker alone on its line (``一、``, ``（二）``, ``一``) numbers the paragraph after it."""
    out_lines, out_kinds = [], []
    i = 0
    while i < len(lines):
        line, kind = lines[i], kinds[i]
        if (kind and kind[0] == "numbered" and kind[3] == len(line.text) and i + 1 < len(lines)
                and kinds[i + 1] is None and not SALUTATION.match(lines[i + 1].text)
                and not DASH_ITEM.match(lines[i + 1].text)):
            sep = "" if line.text[-1] in "、，,.．）)" else "\u3000"
            # the paragraph is no declared heading: its first sentence is the heading, as for any marker
            line = replace(line, text=line.text + sep + lines[i + 1].text, level=0)
            i += 1
        out_lines.append(line)
        out_kinds.append(kind)
        i += 1
    return out_lines, out_kinds


class _Builder:
    """Builds one speech's tree and counts what it found."""

    def __init__(self, log: dict) -> None:
        self.log = log

    def explicit_tree(self, lines: list[Line], kinds: list, declared: dict[int, float]) -> Section:
        root = Section(id="", heading="", depth=0, marker="root")
        stack: list[tuple[Section, float]] = [(root, -1.0)]
        for line, kind in zip(lines, kinds):
            if kind is None:
                stack[-1][0].blocks.append(_paragraph(line))
                continue
            if kind[0] == "heading" and line.level:
                self.log["declared headings"] = self.log.get("declared headings", 0) + 1
                rank = declared[line.level]
                while len(stack) > 1 and (stack[-1][1] >= rank or stack[-1][0].marker in FLOATING):
                    stack.pop()  # never inside a heading wenji inferred, which the format would have declared
                parent = stack[-1][0]
                sec = Section(id="", heading=line.text, depth=parent.depth + 1, marker="declared", line=line.line)
                parent.blocks.append(sec)
                stack.append((sec, rank))
                continue
            if kind[0] == "heading":
                self.log["unnumbered headings"] = self.log.get("unnumbered headings", 0) + 1
                while stack[-1][0].marker in FLOATING:
                    stack.pop()  # a heading line is never inside a 第一，… item, and a run of them are siblings
                if line.text in OUTER_HEADINGS:
                    del stack[1:]
                parent, rank = stack[-1]
                sec = Section(id="", heading=line.text, depth=parent.depth + 1, marker="heading", line=line.line)
                parent.blocks.append(sec)
                stack.append((sec, rank + 0.5))
                continue
            _, mk, number, _ = kind
            _close_to_parent(stack, mk, number)
            parent = stack[-1][0]
            heading, rest = (line.text, "") if line.level else _split_first_sentence(line.text)
            sec = Section(id="", heading=heading, depth=parent.depth + 1, marker=mk, line=line.line,
                          runin=bool(rest), number=number)
            parent.blocks.append(sec)
            if rest:
                sec.blocks.append(Paragraph(id="", text=rest, line=line.line))
            stack.append((sec, stack[-1][1] + 0.5 if mk in FLOATING else RANK[mk]))
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
        self.log["run-in heads"] = self.log.get("run-in heads", 0) + len(groups)
        starts = {id(g.paragraphs[0]): g for g in groups}
        members = {id(p) for g in groups for p in g.paragraphs}
        blocks: list[Paragraph | Section] = []
        for p in paras:
            if id(p) in starts:
                group = starts[id(p)]
                heading, rest = _split_first_sentence(p.text)
                child = Section(id="", heading=heading, depth=sec.depth + 1, marker=group.kind, line=p.line,
                                runin=bool(rest), number=group.number)
                if rest:
                    child.blocks.append(Paragraph(id="", text=rest, line=p.line))
                child.blocks += group.paragraphs[1:]
                blocks.append(child)
            elif id(p) not in members:
                blocks.append(p)
        sec.blocks = blocks


def _declared_ranks(lines: list[Line], kinds: list) -> dict[int, float]:
    """Declared level (1–6) -> rank: that of the marker the document's numbered headings of
    the level carry, else one between the ranks of the levels above and below (``h1`` above
    ``一、`` where nothing else says, ``h2`` above ``（一）``…)."""
    known: dict[int, float] = {}
    for line, kind in zip(lines, kinds):
        if line.level and kind and kind[0] == "numbered" and kind[1] in RANK:
            known.setdefault(line.level, RANK[kind[1]])
    ranks: dict[int, float] = {}
    for level in range(1, 7):
        if level in known:
            ranks[level] = known[level]
            continue
        above = ranks.get(level - 1, -1.0)
        below = next((known[k] for k in range(level + 1, 7) if k in known), None)
        if below is None or below <= above:
            ranks[level] = max(level - 0.5, above + 0.25)
        else:
            ranks[level] = level - 0.5 if above < level - 0.5 < below else (above + below) / 2
    return ranks


def _paragraph(line: Line) -> Paragraph:
    text = line.text
    kind = "text"
    if SALUTATION.match(text):
        kind = "salutation" if len(text) <= 30 and text[-1] in "：:！!" else "text"
    elif DASH_ITEM.match(text):
        kind = "item"
    return Paragraph(id="", text=text, line=line.line, kind=kind)


def _close_to_parent(stack: list[tuple[Section, float]], kind: str, number: int) -> None:
    """Pop the stack to where a section of ``kind`` numbered ``number`` belongs."""
    same = [k for k in range(1, len(stack)) if stack[k][0].marker == kind]
    if number == 1 and len(same) == 1 and stack[same[-1]][0].number >= 2:
        return  # a series starting again inside a later member of its kind: a list in this section
    for k in reversed(same):
        if stack[k][0].number + 1 == number:
            del stack[k:]  # it continues that series: a sibling of its last member
            return
    if kind in FLOATING:
        return  # a new ordinal series opens inside the current section
    rank = RANK[kind]
    while len(stack) > 1 and (stack[-1][1] >= rank or stack[-1][0].marker == "heading"):
        stack.pop()  # a numbered part is never inside an unnumbered heading


@dataclass
class _Group:
    """Paragraphs of one run-in section: the head paragraph first, then those it covers."""

    kind: str  # "ordinal" | "lead"
    paragraphs: list[Paragraph]
    number: int = 0


def _ordinal_series(paras: list[Paragraph]) -> list[_Group]:
    """一要… 二要… 三要…: two or more paragraphs numbered 1, 2, 3… with the same word.

    Paragraphs between two members belong to the earlier one (up to a salutation); after the
    last, to the parent.
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
    for k, (i, num, _) in enumerate(best):
        end = idx[k + 1] if k + 1 < len(idx) else i + 1
        stop = next((j for j in range(i + 1, end) if paras[j].kind == "salutation"), end)
        groups.append(_Group("ordinal", paras[i:stop], num))
    return groups


def _lead_runs(paras: list[Paragraph]) -> list[_Group]:
    """Runs of two or more consecutive paragraphs opening with alike short lead sentences."""
    groups: list[_Group] = []
    run: list[Paragraph] = []
    commas = None

    def close():
        if len(run) >= 2:
            groups.extend(_Group("lead", [p]) for p in run)

    for p in paras:
        m = LEAD.match(p.text) if p.kind == "text" else None
        # 二是… after an 一是 inside the paragraph before: a numbered clause, never an unnumbered lead
        lead_ok = bool(m) and m.end() < len(p.text) and not SALUTATION.match(p.text) and not ORDINAL.match(p.text)
        c = m.group(0).count("，") if lead_ok else None
        if lead_ok and (not run or c == commas):
            run.append(p)
            commas = c
            continue
        close()
        run, commas = ([p], c) if lead_ok else ([], None)
    close()
    return groups


def _assign_ids(sec: Section) -> None:
    """Numbered children take their own numbers; the others their place after the sibling
    before them, or the next number no sibling has. A repeated number takes the next free one."""
    prefix = sec.id + "-" if sec.id else "s"
    taken: set[int] = set()
    next_free: dict[int, int] = {}  # number -> where to look next: linear, not quadratic, on repeats
    chosen: dict[int, int] = {}
    for k, child in enumerate(sec.sections):
        if child.number:
            n = next_free.get(child.number, child.number)
            while n in taken:
                n += 1
            taken.add(n)
            next_free[child.number] = n + 1
            chosen[k] = n
    previous, top = 0, max(taken, default=0)
    for k, child in enumerate(sec.sections):
        if k not in chosen:
            n = previous + 1
            if n in taken:
                n = top + 1
            taken.add(n)
            top = max(top, n)
            chosen[k] = n
        previous = chosen[k]
        child.id = f"{prefix}{chosen[k]}"
        _assign_ids(child)


def _number_paragraphs(root: Section) -> None:
    for n, p in enumerate(root.all_paragraphs(), 1):
        p.id = f"p{n}"


def build(lines: list[Line], fixes: Corrections | None = None, log: dict | None = None,
          notes: list[Paragraph] = ()) -> Section:
    """Section tree of one speech's body paragraphs (header lines already taken out); ``notes``
    (footnotes) close the speech as its last paragraphs. ``log`` counts what was found."""
    fixes = fixes or Corrections()
    log = {} if log is None else log
    kinds = _classify(lines, fixes)
    declared = _declared_ranks(lines, kinds)
    merged, kinds = _merge_bare_markers(lines, kinds)
    log["bare markers"] = len(lines) - len(merged)
    b = _Builder(log)
    root = b.explicit_tree(merged, kinds, declared)
    b.run_in(root)
    root.blocks += list(notes)
    _assign_ids(root)
    _number_paragraphs(root)
    return root
