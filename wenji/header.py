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
# 1957年6月26日在第一届全国人民代表大会第四次会议上: the occasion line without its dash.
DATED_OCCASION = re.compile(rf"^{DATE.pattern}\s*在\S.*(上|会议|会|时)(的讲话|的报告|的致辞|的发言)?$")
# （2020年5月28日第十三届全国人民代表大会第三次会议通过）: a bracketed line that dates the text.
DATED_NOTE = re.compile(rf"^[（(][^（()）]*?{DATE.pattern}[^（()）]*[）)]$")
SPEAKER_LINE = re.compile(r"^[^\s，。！？：；、“”]{0,24}[\s　]*[\u4e00-\u9fff·×*xX]{2,5}$")
# 习　近　平, 国务院总理李　强: a name set with spaces between its characters, after a title maybe.
SPACED_NAME = re.compile(r"^([^\s，。！？：；、“”]{0,20}?)([\u4e00-\u9fff](?:[ \u3000]+[\u4e00-\u9fff]){1,3})$")
# 国务院总理 on a line of its own, the name on the next
OFFICE_LINE = re.compile(r"^[\u4e00-\u9fff]{0,12}(总理|主席|书记|委员长|部长|省长|市长|县长|区长|主任|院长|总书记)$")
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
    if mo and 1 <= cn_number(mo) <= 12:
        out += f"-{cn_number(mo):02d}"
        if d and 1 <= cn_number(d) <= 31:
            out += f"-{cn_number(d):02d}"
    return out


def _bracketed(text: str) -> bool:
    return text[0] in "（(" and text[-1] in "）)"


def _is_title(text: str) -> bool:
    return (len(text) <= 40 and text[-1] not in TITLE_END and not marker_of(text)
            and not SALUTATION.match(text) and not DASH_ITEM.match(text) and not _bracketed(text)
            and not DATED_OCCASION.match(text) and not SPACED_NAME.match(text))


def speaker_of(text: str) -> str:
    """The speaker a header line names ('国务院总理 李强', '习近平'), or ''."""
    m = SPACED_NAME.match(text)
    if m:
        name = re.sub(r"[ \u3000]+", "", m.group(2))
        return f"{m.group(1)} {name}" if m.group(1) else name
    if SPEAKER_LINE.match(text):
        return re.sub(r"[\s　]+", " ", text)
    return ""


def _take_date(meta: dict, text: str) -> None:
    if not meta.get("date"):
        meta["date"] = parse_date(text)


def _header_line(meta: dict, lines: list[Line], j: int, confirmed: bool) -> int:
    """How many lines at ``j`` are one header line of the kinds after a title (0: none)."""
    t = lines[j].text
    if DATE_LINE.match(t):
        _take_date(meta, t)
    elif MASKED_DATE_LINE.match(t):
        meta["date_masked"] = t
    elif (OCCASION_LINE.match(t) or DATED_OCCASION.match(t)) and not meta.get("occasion"):
        meta["occasion"] = re.sub(r"^(——|--|－－|—)\s*", "", t)
        _take_date(meta, t)
    elif DATED_NOTE.match(t):
        _take_date(meta, t)
    elif confirmed and not meta.get("speaker") and j + 2 < len(lines) and OFFICE_LINE.match(t) and speaker_of(lines[j + 1].text):
        meta["speaker"] = f"{t} {speaker_of(lines[j + 1].text).replace(' ', '')}"
        return 2
    elif confirmed and not meta.get("speaker") and j + 1 < len(lines) and speaker_of(t):
        meta["speaker"] = speaker_of(t)
    else:
        return 0
    return 1


def split_header(lines: list[Line]) -> tuple[dict, list[Line], list[Line]]:
    """(inferred metadata, header lines, body lines)."""
    meta: dict = {}
    # Notes in brackets above the title ((譯自…俄文稿)): header lines, shown as written.
    i = 0
    while i < min(len(lines) - 1, 2) and _bracketed(lines[i].text) and not SALUTATION.match(lines[i + 1].text) \
            and len(lines[i].text) <= 60 and not DATE_LINE.match(lines[i].text):
        if DATED_NOTE.match(lines[i].text):
            _take_date(meta, lines[i].text)
        i += 1
    notes = i
    titles: list[str] = []
    # Title lines (a long title may break over two or three lines), then the lines that
    # confirm them as a header: a date line, an occasion line or a speaker line.
    while (i < min(len(lines) - 1, notes + 3) and _is_title(lines[i].text)
           and not DATE_LINE.match(lines[i].text) and not MASKED_DATE_LINE.match(lines[i].text)):
        titles.append(lines[i].text)
        i += 1
    j = i
    while j < len(lines) and j < i + 5:
        took = _header_line(meta, lines, j, bool(titles) or j > i)
        if not took:
            break
        j += took
    if j == i:  # nothing confirms the title lines: a lone short first line is the title
        if len(titles) == 1 and len(lines) > i + 1 and (
            SALUTATION.match(lines[i].text) or len(lines[i].text) > 2 * len(titles[0])
        ):
            meta["title"] = titles[0]
            return _with_title_date(meta), lines[:i], lines[i:]
        return _clean(meta), lines[:notes], lines[notes:]
    if titles:
        meta["title"] = "".join(titles)
    return _with_title_date(meta), lines[:j], lines[j:]


def _with_title_date(meta: dict) -> dict:
    """A date in the title's brackets (论联合政府 (1945年)) when no other line gave one."""
    m = re.search(r"[（(]([^（()）]*)[）)]", meta.get("title", ""))
    if m and not meta.get("date"):
        meta["date"] = parse_date(m.group(1))
    return _clean(meta)


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
