"""Property-based tests of reading, cleaning, header splitting and sectioning.

Hypothesis generates thousands of raw speeches (Chinese prose, heading markers of every level,
anonymisation marks, punctuation, Latin, digits, whitespace of every width, hard wraps at
fixed widths, LF/CRLF/CR) and checks what a reader relies on: the pipeline never crashes,
nothing of the text is lost or reordered, ids are unique and well-formed, and the same input
always gives the same output.

``WENJI_HYPOTHESIS_EXAMPLES`` sets the number of examples per test (default 2000); CI
(``CI=true``) runs them derandomized so a green run stays green.
"""
from __future__ import annotations

import codecs
import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wenji import clean, header, read, structure
from wenji.clean import width
from wenji.model import Paragraph, Section

EXAMPLES = int(os.environ.get("WENJI_HYPOTHESIS_EXAMPLES", "2000"))
CHECK = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("CI") == "true",
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# Encoding detection is the slow step (charset-normalizer): a quarter as many examples.
CHECK_DETECTION = settings(CHECK, max_examples=max(EXAMPLES // 4, 10))

# --- what raw speeches are made of ---------------------------------------------------------

WORDS = ["发展", "经济", "改革", "坚持", "推进", "高质量", "生态", "营商环境", "乡村振兴", "数字经济",
         "自贸试验区", "两先区", "首创之区", "绿水青山", "我们", "人民", "建设", "全面", "提升", "品质",
         "治堵", "花卉", "同志们", "各位代表", "政府工作", "过去五年", "新质生产力", "城市", "创新", "开放"]
MASKS = ["*", "**", "****年", "xx", "XX", "x.xx万元", "×××", "××", "ＸＸ"]
PUNCT = list("。，、；：？！“”‘’（）《》…—·") + ["……", "——", ".", ",", ";", ":", "!", "?", "(", ")", "%", "/", "-"]
LATIN = ["GDP", "5G", "COP15", "PM2.5", "AI", "RCEP", "e", "App", "2023", "１２３", "ＡＢＣ", "3.5%"]
SPACES = [" ", "\u3000", "\t", "\u00a0", "  ", "\u3000\u3000"]
INVISIBLES = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
CN_NUM = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "二十", "九十九", "一百零五", "〇"]
AR_NUM = ["1", "2", "3", "9", "10", "12", "99", "１", "２", "１０"]


def _markers() -> list[str]:
    """Every kind of heading and list marker, in the variants real texts use."""
    out = [f"第{n}{s}" for n in CN_NUM[:4] + AR_NUM[:3] for s in ("部分", "章", "篇", "编")]
    out += [f"{n}、" for n in CN_NUM]
    out += [b[0] + n + b[1] for n in CN_NUM for b in ("（）", "()", "（)", "(）")]
    out += [n + d for n in AR_NUM for d in (".", "．", "、")]
    out += [b[0] + n + b[1] for n in AR_NUM for b in ("（）", "()")]
    out += [chr(c) for c in range(ord("①"), ord("⑳") + 1)]
    out += [n + w for n in CN_NUM[:6] for w in ("要", "是")]
    out += [f"第{n}{p}" for n in CN_NUM[:6] for p in ("，", ",", "、")]
    out += ["——", "--", "－－", "— —", "—"]
    out += ["各位代表：", "同志们：", "各位代表！", "各位委员、同志们：", "女士们、先生们：", "同志们、朋友们！"]
    return out


MARKER_LIST = _markers()
HEADER_LIST = [
    "政府工作报告", "在全市经济工作会议上的讲话", "（2023年3月15日）", "（二〇二二年一月八日）", "（**年*月*日）",
    "（20**年x月xx日）", "——2024年1月8日在第十四届人民代表大会第三次会议上", "——在**市委全会上的讲话",
    "国务院总理　李强", "市长 ×××", "**市人民政府", "（掌声）",
]
ODD = ["𠮷", "<script>", "&amp;", "[x](javascript:1)", "# ", "> ", "`", "\\", "\u202e", "\u2028"]
# Weighted by repetition: prose and sentence ends most, the rest now and then. Index 0 is
# what hypothesis shrinks towards.
TOKENS = WORDS * 3 + MASKS + PUNCT + ["。", "，", "、"] * 6 + LATIN + SPACES + INVISIBLES + ODD
# The rest of the 256 byte values pick Chinese characters spread over the whole CJK block.
TOKENS += [chr(0x4E00 + (i * 0x4F1) % 0x51A0) for i in range(256 - len(TOKENS))]
assert len(TOKENS) == 256
INDENTS = ["", "", "\u3000\u3000", "  ", "\t", " \u3000"]
BLANK_LINES = ["", " ", "\u3000", "\t"]


def _paragraph(kind: int, marker: int, gap: int, indent: int, body: bytes, wrap: bool, blank: int) -> tuple:
    """One source paragraph (an optional indent, an optional marker, then prose), with how it is
    laid out: (text, hard-wrapped?, blank line after it or None)."""
    text = "".join(TOKENS[b] for b in body)
    kind %= 7
    if kind == 6:  # one of a series 一要…。 二要…。 (numbered in raw_text)
        return ("要是"[marker % 2], text), wrap, (BLANK_LINES[blank % 4] if blank < 4 else None)
    if kind == 4:
        text = HEADER_LIST[marker % len(HEADER_LIST)]
    elif kind in (2, 3):
        text = MARKER_LIST[marker % len(MARKER_LIST)] + ["", " ", "\u3000"][gap % 3] + text
    elif kind == 5:  # a short lead sentence, as in 坚持绿色引领发展，努力在生态化建设上作出示范。
        text = WORDS[marker % len(WORDS)] + "，" + WORDS[(marker // 7) % len(WORDS)] + "。" + text
    if kind != 4:
        text = INDENTS[indent % len(INDENTS)] + text
    return text, wrap, (BLANK_LINES[blank % 4] if blank < 4 else None)


PARAGRAPH = st.builds(_paragraph, st.integers(0, 6), st.integers(0, 255), st.integers(0, 2), st.integers(0, 5),
                      st.binary(max_size=40), st.booleans(), st.integers(0, 7))


def hard_wrap(line: str, w: int) -> list[str]:
    """Break a line at display width w, as text copied out of a PDF is."""
    out, cur = [], ""
    for c in line:
        if cur and width(cur + c) > w:
            out.append(cur)
            cur = c
        else:
            cur += c
    return out + [cur]


@st.composite
def raw_text(draw) -> str:
    """A whole raw speech as it might come: paragraphs one per line, separated by blank lines,
    hard-wrapped at a fixed width, or a mix of these."""
    paras = draw(st.lists(PARAGRAPH, min_size=1, max_size=40)) * draw(st.sampled_from([1, 1, 1, 1, 1, 3, 10]))
    layout = draw(st.sampled_from(["per-line", "blank-lines", "wrapped", "wrapped-blank", "mixed"]))
    w = draw(st.sampled_from([16, 20, 28, 36, 40, 56, 60, 72, 80]))
    lines: list[str] = []
    series = 0
    for text, wrap, blank in paras:
        if isinstance(text, tuple):  # the next of an ordinal series
            word, body = text
            series += 1
            text = CN_NUM[(series - 1) % 12] + word + "抓好" + WORDS[series % len(WORDS)] + "。" + body
        wrapped = layout in ("wrapped", "wrapped-blank") or (layout == "mixed" and wrap)
        lines += hard_wrap(text, w) if wrapped else [text]
        if layout in ("blank-lines", "wrapped-blank"):
            lines.append(blank or "")
        elif layout == "mixed" and blank is not None:
            lines.append(blank)
    lead = draw(st.sampled_from(["", "", "\n", "\ufeff", "\u3000\n"]))
    text = lead + "\n".join(lines) + draw(st.sampled_from(["", "\n", "\n\n"]))
    if not visible(text):
        text += "正文。"
    return text


# --- running the pipeline -------------------------------------------------------------------


def run(data: bytes):
    """Bytes -> (header meta, header lines, section tree), as the build does it."""
    text, _ = read.decode(data)
    lines = clean.paragraphs(text)
    meta, head, body = header.split_header(lines)
    return meta, head, structure.build(body)


def snapshot(result) -> tuple:
    """Everything the pipeline produced, in a comparable form."""
    meta, head, root = result

    def sec(s: Section):
        return (s.id, s.heading, s.depth, s.marker, s.line, s.runin,
                tuple(sec(b) if isinstance(b, Section) else (b.id, b.text, b.line, b.kind) for b in s.blocks))

    return tuple(sorted(meta.items())), tuple((l.text, l.line) for l in head), sec(root)


def reading_order(head, root: Section) -> str:
    """Header lines, then every heading and paragraph in the order a reader meets them."""
    parts = [l.text for l in head]

    def visit(s: Section):
        if s.depth:
            parts.append(s.heading)
        for b in s.blocks:
            if isinstance(b, Paragraph):
                parts.append(b.text)
            else:
                visit(b)

    visit(root)
    return "".join(parts)


def visible(text: str) -> str:
    """The characters that must survive: all but whitespace and the invisible ones clean drops."""
    return "".join(c for c in text if not c.isspace() and c not in "\u200b\u200c\u200d\u2060\ufeff")


SECTION_ID = re.compile(r"s\d+(-\d+)*")


def check_tree(root: Section) -> None:
    seen = set()
    for s, _ in root.walk():
        if not s.depth:
            assert s.id == ""
            continue
        assert SECTION_ID.fullmatch(s.id), s.id
        assert s.id not in seen, f"duplicate section id {s.id}"
        seen.add(s.id)
        assert s.heading.strip(), f"empty heading in {s.id}"
        for child in s.sections:  # a child's id extends its parent's: s2-3 is inside s2
            assert child.id.rsplit("-", 1)[0] == s.id and child.depth == s.depth + 1
    for child in root.sections:
        assert "-" not in child.id and child.depth == 1
    ids = [p.id for p in root.all_paragraphs()]
    assert ids == [f"p{n}" for n in range(1, len(ids) + 1)]
    assert all(p.text.strip() for p in root.all_paragraphs()), "empty paragraph"


# --- the properties --------------------------------------------------------------------------

OTHER = "政府工作报告\n（2023年3月15日）\n各位代表：\n一、回顾\n（一）甲。乙。\n1.丙\n一要丁。戊。\n二要己。庚。\n"


@CHECK
@given(text=raw_text(), newline=st.sampled_from(["\r\n", "\r"]),
       encoding=st.sampled_from(["utf-8-sig", "utf-16-le", "utf-16-be"]))
def test_read_clean_section_keep_everything_with_well_formed_ids(text, newline, encoding):
    meta, head, root = result = run(text.encode("utf-8"))
    # every non-whitespace character of the input is kept, in order
    assert visible(reading_order(head, root)) == visible(text)
    # ids: sections unique and s2-3-1-shaped, nested under their parent's id; paragraphs p1..pN
    check_tree(root)
    assert set(meta) <= {"title", "date", "date_masked", "occasion", "speaker"}
    if "date" in meta:
        assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", meta["date"]), meta["date"]
    # the same input gives the same output, whatever was read before it
    reference = snapshot(result)
    run(OTHER.encode("utf-8"))
    assert snapshot(run(text.encode("utf-8"))) == reference
    # CRLF or CR, UTF-8 with BOM or UTF-16 with BOM: the same speech as UTF-8 with LF
    bom = {"utf-8-sig": b"", "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}[encoding]
    assert snapshot(run(bom + text.replace("\n", newline).encode(encoding))) == reference


@CHECK_DETECTION
@given(text=raw_text())
def test_gb18030_is_read_exactly_or_refused_with_a_reason(text):
    """GB18030 bytes decode to the very text or raise ReadError with a reason: never mangled."""
    data = text.lstrip("\ufeff").encode("gb18030")
    try:
        data.decode("utf-8")
        also_utf8 = True  # possible for short texts; UTF-8 is then the likelier reading
    except UnicodeDecodeError:
        also_utf8 = False
    try:
        decoded, codec = read.decode(data)
    except read.ReadError as e:
        assert e.reason and e.line
        return
    assert decoded == data.decode(codec)  # what the reported encoding says, nothing else
    assert codec == ("utf-8" if also_utf8 else "gb18030")
    assert also_utf8 or decoded == text.lstrip("\ufeff")


@pytest.mark.parametrize("text", ["\n营商环境\n发展发展营商环境\n治堵营商环境城市",  # found by hypothesis
                                  "营商环境，发展发展营商环境，治堵营商环境城市。" * 3])
def test_short_chinese_text_in_gbk_is_detected(text):
    assert read.decode(text.encode("gb18030")) == (text, "gb18030")
