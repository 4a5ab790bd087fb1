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


def test_letter_spaced_speaker_and_a_date_line_after_the_occasion():
    meta, head, body = split_header(lines("决胜全面建成小康社会", "为夺取新时代中国特色社会主义伟大胜利",
                                          "——在中国共产党第十九次全国代表大会上的报告", "（2017年10月18日）", "习　近　平",
                                          "同志们：", "现在，我代表……"))
    assert meta["speaker"] == "习近平" and meta["date"] == "2017-10-18"
    assert meta["title"] == "决胜全面建成小康社会为夺取新时代中国特色社会主义伟大胜利"
    assert len(head) == 5 and body[0].text == "同志们："
    assert split_header(lines("政府工作报告", "国务院总理李　强", "各位代表：", "正文。"))[0]["speaker"] == "国务院总理 李强"


def test_a_bare_speaker_line_and_an_occasion_without_its_dash():
    meta, head, body = split_header(lines("政府工作报告", "1957年6月26日在第一届全国人民代表大会第四次会議上", "周恩来",
                                          "各位代表：", "从第一届全国人民代表大会第三次会議閉幕以来……"))
    assert meta == {"title": "政府工作报告", "occasion": "1957年6月26日在第一届全国人民代表大会第四次会議上",
                    "date": "1957-06-26", "speaker": "周恩来"}
    assert [l.text for l in head][-1] == "周恩来" and body[0].text == "各位代表："


def test_an_office_line_and_the_name_on_the_next_line():
    meta, head, body = split_header(lines("政府工作报告", "——2017年3月5日在第十二届全国人民代表大会第五次会议上",
                                          "国务院总理", "李克强", "各位代表：", "正文。"))
    assert meta["speaker"] == "国务院总理 李克强" and len(head) == 4


def test_a_header_line_in_brackets_is_kept_as_a_header_line():
    meta, head, body = split_header(lines("(譯自中共駐共產國際代表團檔案俄文稿)", "現在我代表中央委員會作關於上屆代表會議以來的工作報告。很長的正文。"))
    assert [l.text for l in head] == ["(譯自中共駐共產國際代表團檔案俄文稿)"] and meta == {}
    assert body[0].text.startswith("現在我代表")


def test_dates_in_a_resolution_line_and_in_the_title_brackets():
    meta, _, _ = split_header(lines("关于政府工作报告的决议", "（2020年5月28日第十三届全国人民代表大会第三次会议通过）",
                                    "第十三届全国人民代表大会第三次会议听取和审议了……"))
    assert meta["date"] == "2020-05-28"
    meta, _, _ = split_header(lines("论联合政府 (1945年)", "——在中国共产党第七次全国代表大会上的政治报告", "同志们：", "正文。"))
    assert meta["date"] == "1945"
