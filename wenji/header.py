"""Header lines at the top of a raw speech: title, date line, occasion line, speaker line.

``政府工作报告`` / ``——2025年3月5日在第十四届全国人民代表大会第三次会议上`` / ``国务院总理 李强``
become metadata shown in the page header; the salutation (``各位代表：``) stays the first
paragraph. Nothing is taken unless the text starts with such a block.
"""
from __future__ import annotations

import re

from .model import Line
from .structure_patterns import DASH_ITEM, SALUTATION, cn_number, marker_of

_Y = r"(\d{4}|[〇零一二三四五六七八九○]{4})"
_M = r"(\d{1,2}|[一二三四五六七八九十]{1,2})"
DATE = re.compile(rf"{_Y}\s*年\s*(?:{_M}\s*月\s*(?:{_M}\s*日)?)?")
DATE_LINE = re.compile(rf"^[（(]\s*{DATE.pattern}\s*[）)]$")
# A date line whose digits were masked: still a header line, but no date to take from it.
MASKED_DATE_LINE = re.compile(r"^[（(]\s*[\d*＊xX×]{2,4}\s*年[\d*＊xX×\s月日]{0,10}[）)]$")
OCCASION_LINE = re.compile(r"^(——|--|－－|—)\s*\S.*(上|会议|会|时)(的讲话|的报告|的致辞|的发言)?$")
SPEAKER_LINE = re.compile(r"^[^\s，。！？：；、“”]{0,24}[\s　]*[\u4e00-\u9fff·×*xX]{2,5}$")
TITLE_END = "。！？!?，,；;：:、"

KINDS = [("政府工作报告", "政府工作报告"), ("工作报告", "工作报告"), ("报告", "报告"), ("致辞", "致辞"),
         ("贺词", "致辞"), ("发言", "发言"), ("讲话", "讲话")]


def parse_date(text: str) -> str:
    """The first full or partial date in text as YYYY[-MM[-DD]]; '' when masked or absent."""
    m = DATE.search(text)
    if not m:
        return ""
    y, mo, d = m.group(1), m.group(2), m.group(3)
    out = f"{cn_number(y):04d}"
    if mo:
        out += f"-{cn_number(mo):02d}"
        if d:
            out += f"-{cn_number(d):02d}"
    return out


def _is_title(text: str) -> bool:
    return (len(text) <= 40 and text[-1] not in TITLE_END and not marker_of(text)
            and not SALUTATION.match(text) and not DASH_ITEM.match(text))


def split_header(lines: list[Line]) -> tuple[dict, list[Line], list[Line]]:
    """(inferred metadata, header lines, body lines)."""
    meta: dict = {}
    i = 0
    titles: list[str] = []
    # Title lines (a long title may break over two or three lines), then the lines that
    # confirm them as a header: a date line, an occasion line or a speaker line.
    while (i < min(len(lines) - 1, 3) and _is_title(lines[i].text)
           and not DATE_LINE.match(lines[i].text) and not MASKED_DATE_LINE.match(lines[i].text)):
        titles.append(lines[i].text)
        i += 1
    j = i
    while j < len(lines) and j < i + 3:
        t = lines[j].text
        if DATE_LINE.match(t):
            meta["date"] = parse_date(t)
        elif MASKED_DATE_LINE.match(t):
            meta["date_masked"] = t
        elif OCCASION_LINE.match(t) and not meta.get("occasion"):
            meta["occasion"] = re.sub(r"^(——|--|－－|—)\s*", "", t)
            meta.setdefault("date", parse_date(t))
        elif SPEAKER_LINE.match(t) and (titles or j > i) and not meta.get("speaker") and j + 1 < len(lines):
            meta["speaker"] = re.sub(r"[\s　]+", " ", t)
        else:
            break
        j += 1
    if j == i:  # nothing confirms the title lines: a lone short first line is the title
        if len(titles) == 1 and len(lines) > 1 and (
            SALUTATION.match(lines[1].text) or len(lines[1].text) > 2 * len(titles[0])
        ):
            meta["title"] = titles[0]
            return _clean(meta), lines[:1], lines[1:]
        return {}, [], lines
    if titles:
        meta["title"] = "".join(titles)
    return _clean(meta), lines[:j], lines[j:]


def _clean(meta: dict) -> dict:
    return {k: v for k, v in meta.items() if v}


def infer_kind(title: str, text: str) -> str:
    for word, kind in KINDS:
        if word in title:
            return kind
    head = text[:400]
    if "报告政府工作" in head:
        return "政府工作报告"
    if re.search(r"向大会作报告|代表.{0,20}委员会向", head):
        return "报告"
    return "讲话"


def fallback_title(body: list[Line]) -> str:
    """A title for a speech that has none: its first sentence, shortened."""
    for line in body:
        if SALUTATION.match(line.text) and len(line.text) <= 30:
            continue
        first = re.split(r"(?<=[。！？!?])", line.text, maxsplit=1)[0]
        return first if len(first) <= 30 else first[:28] + "…"
    return ""
