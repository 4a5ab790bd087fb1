"""Header lines at the top of a text become metadata; the salutation stays the first paragraph."""
from wenji.header import infer_kind, parse_date, split_header
from wenji.model import Line


def lines(*texts):
    return [Line(t, i + 1) for i, t in enumerate(texts)]


def test_title_occasion_and_speaker_lines():
    meta, head, body = split_header(lines(
        "政府工作报告", "——2025年3月5日在第十四届全国人民代表大会第三次会议上", "国务院总理　李强", "各位代表：", "现在，我代表国务院……"))
    assert meta == {"title": "政府工作报告", "date": "2025-03-05", "speaker": "国务院总理 李强",
                    "occasion": "2025年3月5日在第十四届全国人民代表大会第三次会议上"}
    assert len(head) == 3 and body[0].text == "各位代表："


def test_title_and_date_line_in_brackets():
    meta, head, body = split_header(lines("在全市经济工作会议上的讲话", "（2023年3月15日）", "同志们：", "今天……"))
    assert meta == {"title": "在全市经济工作会议上的讲话", "date": "2023-03-15"}
    assert body[0].text == "同志们："


def test_masked_date_line_is_header_but_gives_no_date():
    meta, head, body = split_header(lines("在**区人大会议上的讲话", "（****年*月*日）", "刚才，……"))
    assert meta.get("title") == "在**区人大会议上的讲话" and "date" not in meta
    assert body[0].text == "刚才，……"


def test_texts_that_start_with_speech_have_no_header():
    for first in ("各位代表：", "一、过去五年工作回顾", "*月**日，**市第十二次党代会在**胜利闭幕。大会……"):
        meta, head, body = split_header(lines(first, "正文很长很长很长很长很长很长很长很长很长很长。"))
        assert meta == {} and head == [] and body[0].text == first


def test_dates_in_chinese_numerals():
    assert parse_date("二〇二三年三月十五日") == "2023-03-15"
    assert parse_date("2024年1月") == "2024-01"
    assert parse_date("****年*月*日") == ""


def test_kind_from_title_or_opening():
    assert infer_kind("政府工作报告", "") == "政府工作报告"
    assert infer_kind("", "现在，我代表市人民政府，向大会报告政府工作") == "政府工作报告"
    assert infer_kind("在座谈会上的讲话", "") == "讲话"
