"""Measures of how faithfully a built site shows a real archive (tests/corpus-real): the text a
reader sees on each speech page against the raw text, the ids of numbered headings, unnumbered
heading lines and header lines against hand labels (tests/corpus-real-labels.toml).

Shared by tests/test_corpus_real.py (invariants) and bench/real.py (the figures)."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from wenji import read

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus-real"
LABELS = HERE / "corpus-real-labels.toml"
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
SENTENCE = re.compile(r"[^。！？!?；;：:]*[。！？!?；;：:]|[^。！？!?；;：:]+$")
ONLY_MARKS = re.compile(r"^[\s↑\[\]［］0-9①-⑳注]*$")
# The measures read numbers their own way, not through wenji's parser (they judge it).
_CN = "[〇零一二三四五六七八九十百两]{1,6}"
_AR = "(?:[0-9]{1,3}|[０-９]{1,3})"
NUMBERED = [re.compile(p) for p in (
    rf"^第({_CN}|{_AR})(?:部分|章|篇|编)", rf"^({_CN})、", rf"^[（(]({_CN})[）)]", rf"^[（(]({_AR})[）)]",
    rf"^({_AR})[.．、](?![0-9０-９])", r"^([①-⑳])", rf"^第({_CN})[，,、]", r"^([一二三四五六七八九十]{1,3})(?:\u3000|$)",
    rf"^({_CN})(?:是|要)")]
DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
          "九": 9}


def value(s: str) -> int:
    if "①" <= s <= "⑳":
        return ord(s) - ord("①") + 1
    s = s.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if s.isdigit():
        return int(s)
    if "十" not in s and "百" not in s:
        return int("".join(str(DIGITS[c]) for c in s))
    total = current = 0
    for ch in s:
        if ch in "十百":
            total += (current or 1) * (10 if ch == "十" else 100)
            current = 0
        else:
            current = DIGITS[ch]
    return total + current


def ends_sentence(text: str) -> bool:
    core = text.rstrip("”’」』）)》〉】")
    return not core or core[-1] in "。！？!?；;：:…" or (core != text and text[-1] in "）)")


def squeeze(text: str) -> str:
    """The characters that must survive: all but whitespace, invisible ones and ↑ back links."""
    return "".join(c for c in text if not c.isspace() and c not in INVISIBLE and c != "↑")


@dataclass
class Page:
    header: list[str] = field(default_factory=list)  # texts in the page header (title, occasion, lines, facts)
    blocks: list[tuple[str, str, str]] = field(default_factory=list)  # (tag, id, text) of the body, notes included
    sections: list[tuple[str, str, str]] = field(default_factory=list)  # (id, heading, marker class)

    def body_text(self) -> str:
        return "".join(squeeze(t) for _, _, t in self.blocks)

    def header_text(self) -> str:
        return "".join(squeeze(t) for t in self.header)

    def paragraphs(self) -> list[tuple[str, str]]:
        return [(i, t) for tag, i, t in self.blocks if tag == "p"]


class _Reader(HTMLParser):
    HEADER_PARTS = ("h1", "occasion", "source-line", "dd")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.stack: list[tuple[str, dict]] = []
        self.current: list | None = None
        self.skip = 0

    def _inside(self, tag: str, cls: str) -> bool:
        return any(t == tag and cls in a.get("class", "").split() for t, a in self.stack)

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag in ("meta", "link", "br", "img", "input", "hr", "wbr"):
            return
        self.stack.append((tag, a))
        classes = a.get("class", "").split()
        if "permalink" in classes or "fnback" in classes or tag in ("button", "details", "ul"):
            self.skip += 1
        in_head = self._inside("header", "speech-head")
        in_body = self._inside("div", "speech-body")
        if tag == "section" and in_body:
            self.page.sections.append((a.get("id", ""), "", " ".join(classes)))
        if in_head and not self.skip and (tag == "h1" or tag == "dd" or {"occasion", "source-line"} & set(classes)):
            self.current = ["head", "", ""]
        elif in_body and tag in ("p", "h2", "h3", "h4", "h5", "h6") and a.get("id") != "notes-h":
            self.current = [tag, a.get("id", ""), ""]

    def handle_endtag(self, tag):
        if not self.stack or tag in ("meta", "link", "br", "img", "input", "hr", "wbr"):
            return
        t, a = self.stack.pop()
        classes = a.get("class", "").split()
        if "permalink" in classes or "fnback" in classes or t in ("button", "details", "ul"):
            self.skip -= 1
        if self.current is not None and t == self.current[0] or (self.current and self.current[0] == "head"
                                                                  and t in ("h1", "dd", "p")):
            kind, id_, text = self.current
            if kind == "head":
                self.page.header.append(text)
            else:
                self.page.blocks.append((kind, id_, text))
                if kind != "p" and self.page.sections and not self.page.sections[-1][1]:
                    sid, _, cls = self.page.sections[-1]
                    self.page.sections[-1] = (sid, text, cls)
            self.current = None

    def handle_data(self, data):
        if self.current is not None and not self.skip:
            self.current[2] += data


def read_page(path: Path) -> Page:
    r = _Reader()
    r.feed(path.read_text(encoding="utf-8"))
    r.close()
    return r.page


def labels() -> dict:
    return tomllib.loads(LABELS.read_text(encoding="utf-8"))


def source_text(path: Path) -> str:
    text, _ = read.decode(path.read_bytes())
    return text


# --- the measures -------------------------------------------------------------------------


def lost_sentences(speech, page: Page) -> list[str]:
    """Sentences of the source body (header lines and what the owner dropped taken out) that the
    page body does not show, in order."""
    lines = source_text(speech.source).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    skip: set[int] = set()
    for line in list(speech.header) + list(getattr(speech, "dropped", [])):
        first, n = line.line - 1, len(squeeze(line.text))
        k, got = first, 0
        while k < len(lines) and got < n:  # a paragraph may span several raw lines
            got += len(squeeze(lines[k]))
            skip.add(k)
            k += 1
    body = squeeze("".join(l for k, l in enumerate(lines) if k not in skip))
    shown, at, lost = page.body_text(), 0, []
    for sentence in SENTENCE.findall(body):
        if len(sentence) < 2:
            continue
        found = shown.find(sentence, at)
        if found < 0:
            lost.append(sentence)
        else:
            at = found + len(sentence)
    return lost


def lost_header_lines(speech, page: Page) -> list[str]:
    """Header lines the parser took out of the body that the page header does not show (a date
    line counts as shown when its date is, without its brackets)."""
    head = page.header_text()
    return [l.text for l in speech.header if squeeze(l.text).strip("（()）") not in head]


def number_of(heading: str) -> int | None:
    """The number a heading is written with (二、 （三） 第四， 五 一要), or None."""
    for rx in NUMBERED:
        m = rx.match(heading)
        if m:
            return value(m.group(1))
    return None


def contradicting_ids(page: Page) -> tuple[list[tuple[str, str]], int]:
    """(sections whose id does not end with the number they are written with, numbered sections)."""
    bad, total = [], 0
    for sid, heading, _ in page.sections:
        n = number_of(heading)
        if n is None:
            continue
        total += 1
        if sid.rsplit("-", 1)[-1].lstrip("s") != str(n):
            bad.append((sid, heading))
    return bad, total


def bare_marker_headings(page: Page) -> list[tuple[str, str]]:
    """Headings that are a marker and nothing else (一、 （二） 三 第四，)."""
    out = []
    for sid, heading, _ in page.sections:
        h = heading.strip()
        if any((m := rx.match(h)) and m.end() >= len(h.rstrip("、，,.．")) for rx in NUMBERED[:8]):
            out.append((sid, heading))
    return out


def mark_only_paragraphs(page: Page) -> list[tuple[str, str]]:
    return [(i, t) for i, t in page.paragraphs() if ONLY_MARKS.match(t)]


def invisible_cuts(path: Path) -> list[tuple[int, str, str]]:
    """Places where a line of invisible characters only cuts a sentence in the raw text:
    (line, the end of the text before, the start of the text after)."""
    lines = source_text(path).replace("\r\n", "\n").split("\n")
    cuts = []
    for k, line in enumerate(lines):
        if not (line.strip() and not squeeze(line) and any(c in INVISIBLE for c in line)):
            continue
        before = next((squeeze(lines[j]) for j in range(k - 1, -1, -1) if squeeze(lines[j])), "")
        after = next((squeeze(lines[j]) for j in range(k + 1, len(lines)) if squeeze(lines[j])), "")
        if before and after and not ends_sentence(before):
            cuts.append((k + 1, before[-6:], after[:6]))
    return cuts


def split_cuts(path: Path, page: Page) -> list[tuple[int, str, str]]:
    """The invisible-line cuts of the raw text that the page still shows as two paragraphs."""
    paras = [squeeze(t) for _, t in page.paragraphs()]
    return [c for c in invisible_cuts(path) if not any(c[1] + c[2] in p for p in paras)]


def mid_sentence_breaks(page: Page) -> list[tuple[str, str]]:
    """Consecutive body paragraphs where the first ends mid-sentence (any cause)."""
    out = []
    blocks = page.blocks
    for (t1, i1, a), (t2, i2, b) in zip(blocks, blocks[1:]):
        a = a.strip()
        if t1 == t2 == "p" and a and b.strip() and not ends_sentence(a) and len(a) > 40:
            out.append((i1, a[-10:] + " | " + b.strip()[:10]))
    return out
