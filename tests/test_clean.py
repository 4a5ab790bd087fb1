"""Cleaning: paragraphs are rejoined, invisible characters removed, everything else kept."""
import unicodedata

import pytest

from wenji import clean
from wenji.clean import paragraphs, width


def wrap(line: str, w: int) -> list[str]:
    """Break a line at display width w, as a PDF copy does."""
    out, cur = [], ""
    for c in line:
        if width(cur + c) > w:
            out.append(cur)
            cur = c
        else:
            cur += c
    return out + [cur]


def source_paragraphs(seed):
    return [l.strip() for l in seed.read_text(encoding="utf-8").split("\n") if l.strip()]


@pytest.fixture(params=sorted(p.name for p in __import__("pathlib").Path(__file__).parent.parent.joinpath("seeds").glob("*.txt")))
def seed(request, repo_root):
    return repo_root / "seeds" / request.param


def test_one_paragraph_per_line(seed):
    assert [p.text for p in paragraphs(seed.read_text(encoding="utf-8"))] == source_paragraphs(seed)


@pytest.mark.parametrize("w", [36, 40, 56, 60, 72, 80])
def test_hard_wrapped_with_indented_paragraphs_are_rejoined(seed, w):
    orig = source_paragraphs(seed)
    text = "\n".join(line for p in orig for line in wrap("\u3000\u3000" + p, w))
    assert [p.text for p in paragraphs(text)] == orig


@pytest.mark.parametrize("w", [40, 60])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_hard_wrapped_with_blank_lines_between_paragraphs(seed, w, newline):
    orig = source_paragraphs(seed)
    text = (newline * 2).join(newline.join(wrap(p, w)) for p in orig)
    assert [p.text for p in paragraphs(text)] == orig


def test_rejoining_never_puts_a_space_between_chinese_characters():
    text = "　　我们要坚持以人民为中心的发展思想，\n不断增进民生福祉，5\nG基站覆盖全市，COP\n15大会。\n　　第二段。"
    got = [p.text for p in paragraphs(text)]
    assert got == ["我们要坚持以人民为中心的发展思想，不断增进民生福祉，5G基站覆盖全市，COP15大会。", "第二段。"]


def test_ragged_english_lines_are_joined_with_a_space():
    text = "The report was\ndelivered in March.\n\nSecond paragraph\ncontinues here."
    assert [p.text for p in paragraphs(text)] == ["The report was delivered in March.", "Second paragraph continues here."]


def test_heading_lines_stay_apart_from_the_paragraph_that_follows():
    text = "一、过去五年工作回顾\n过去五年，我们……\n\n（一）坚持创新\n创新是第一动力。"
    assert [p.text for p in paragraphs(text)] == ["一、过去五年工作回顾", "过去五年，我们……", "（一）坚持创新", "创新是第一动力。"]


def test_invisible_characters_and_indentation_are_removed_nothing_else():
    text = "\ufeff\u3000\u3000各位\u200b代表：\u200d \t\n  **市 xx 区×××，`code` <b>&amp; \\ # > [x](javascript:alert(1))  \n"
    got = [p.text for p in paragraphs(text)]
    assert got == ["各位代表：", "**市 xx 区×××，`code` <b>&amp; \\ # > [x](javascript:alert(1))"]


def test_line_numbers_point_at_the_first_line_of_each_paragraph():
    text = "各位代表：\n\n\n现在，我代表\n市政府报告工作。\n\n一、回顾"
    assert [(p.text[:2], p.line) for p in paragraphs(text)] == [("各位", 1), ("现在", 4), ("一、", 7)]


def test_a_line_of_other_unicode_blanks_is_a_blank_line_not_an_empty_paragraph():
    text = "发展\n\u2028\n改革\n\u2003\u2029 \n开放"
    assert [(p.text, p.line) for p in paragraphs(text)] == [("发展", 1), ("改革", 3), ("开放", 5)]


def test_a_line_of_invisible_characters_does_not_cut_a_sentence():
    stats: dict = {}
    text = "目前三四线城市房地产库存仍然较多，要\n\u200b\n支持居民自住和进城人员购房需求。\n\n第二段。"
    got = [(p.text, p.line) for p in paragraphs(text, stats)]
    assert got == [("目前三四线城市房地产库存仍然较多，要支持居民自住和进城人员购房需求。", 1), ("第二段。", 5)]
    assert stats == {"joined": 1}


def test_a_line_of_invisible_characters_after_a_sentence_end_or_before_a_heading_still_breaks():
    text = "第一段结束了。\n\u200b\n第二段。\n\n一些话，\n\u200b\n一、标题\n内容。"
    assert [p.text for p in paragraphs(text)] == ["第一段结束了。", "第二段。", "一些话，", "一、标题", "内容。"]


def test_a_word_cut_in_two_by_a_blank_line_is_one_paragraph_again():
    stats: dict = {}
    before = "宏观调节与搞活企业、搞活市场三者是统一的，要发挥中央银行的作用，按照货币流通规律适当控"
    text = f"{before}\n\n制信贷规模和货币供应量。\n\n第二段。"
    got = [(p.text, p.line) for p in paragraphs(text, stats)]
    assert got == [(before + "制信贷规模和货币供应量。", 1), ("第二段。", 5)]
    assert stats == {"joined": 1}


def test_a_paragraph_without_its_full_stop_still_ends_where_no_word_runs_across():
    # 境地 | 周总理: a source that drops the 。 at a paragraph's end; 控 | 一、: a marker starts a block;
    # a short line (a heading, a signature) is never joined
    first = "美帝国主义和各国反动派在这个世界性的反帝斗争中陷于空前困难的境地"
    text = (f"{first}\n\n周总理指出，要团结。\n\n{first}控\n\n一、制度建设\n\n"
            "财政工作要适当控\n\n制信贷。")
    assert [p.text for p in paragraphs(text)] == [
        first, "周总理指出，要团结。", first + "控", "一、制度建设", "财政工作要适当控", "制信贷。"]


def test_a_reference_mark_broken_over_lines_is_joined_into_its_sentence():
    text = "现在我代表中央委员会作关于上届代表会议\n[\n1\n]\n以来的工作报告。\n\n第二段。"
    assert [p.text for p in paragraphs(text)] == ["现在我代表中央委员会作关于上届代表会议[1]以来的工作报告。", "第二段。"]


def test_a_bracketed_insertion_inside_a_sentence_stays_in_it_a_bracketed_line_after_one_does_not():
    text = "开头的话\n还没说完。\n\n毛主席说：“她\n（指江青）\n算上海帮！”\n\n会议结束了。\n（掌声）\n\n最后一段\n说完了。"
    assert [p.text for p in paragraphs(text)] == [
        "开头的话还没说完。", "毛主席说：“她（指江青）算上海帮！”", "会议结束了。", "（掌声）", "最后一段说完了。"]


def test_width_counts_wide_and_full_width_characters_twice_as_unicodedata_says_for_every_character():
    every = "".join(map(chr, range(0x110000)))
    expected = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in every)
    assert width(every) == expected
    for text in ["", "abc", "中文", "　x", "ｘ１", "😀a", "𠀀甲", "\U000e0001", "\ud800"]:
        assert width(text) == sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text), text


def test_the_shipped_narrow_ranges_are_this_pythons_and_others_are_made_again(tmp_path, monkeypatch):
    assert clean.NARROW_RANGES.read_text("ascii") == f"{unicodedata.unidata_version}\n{clean.narrow_ranges()}\n"
    assert clean._shipped_narrow_ranges() == clean.narrow_ranges()
    other = tmp_path / "narrow-bmp.txt"
    other.write_text("1.0.0\n\\U00000000\n", "ascii")  # another Unicode version's: not used
    monkeypatch.setattr(clean, "NARROW_RANGES", other)
    assert clean._shipped_narrow_ranges() == clean.narrow_ranges()
    monkeypatch.setattr(clean, "NARROW_RANGES", tmp_path / "missing.txt")
    assert clean._shipped_narrow_ranges() == clean.narrow_ranges()
