"""Sectioning: the document's own structure becomes sections with stable ids."""
import re

import pytest

from wenji.clean import paragraphs
from wenji.structure import build


def tree(text: str):
    return build(paragraphs(text))


def ids(root):
    return [(s.id, s.heading) for s, _ in root.walk() if s.depth]


def seed_tree(repo_root, stem):
    path = next((repo_root / "seeds").glob(f"{stem}_*.txt"))
    return build(paragraphs(path.read_text(encoding="utf-8")))


def test_gbt9704_levels_nest_and_take_their_numbers():
    root = tree("前言。\n一、甲\n正文。\n二、乙\n（一）丙\n（二）丁\n（三）戊\n1.己\n（1）庚\n（2）辛\n2.壬\n三、癸\n正文。")
    assert [i for i, _ in ids(root)] == ["s1", "s2", "s2-1", "s2-2", "s2-3", "s2-3-1", "s2-3-1-1", "s2-3-1-2", "s2-3-2", "s3"]
    sec = {s.id: s for s, _ in root.walk()}
    assert sec["s2-3-1-2"].heading == "（2）辛"
    assert sec["s2-3-1-2"].depth == 4


def test_parts_and_chapters_are_the_outer_level():
    root = tree("第一部分 总结\n一、甲\n内容。\n第二部分 展望\n一、乙\n内容。")
    assert [i for i, _ in ids(root)] == ["s1", "s1-1", "s2", "s2-1"]


def test_skipped_levels_keep_document_numbers():
    root = tree("一、总体要求\n1.加强领导\n内容。\n2.完善机制\n内容。\n二、重点任务\n（一）推进改革\n内容。")
    assert [i for i, _ in ids(root)] == ["s1", "s1-1", "s1-2", "s2", "s2-1"]


def test_run_in_heading_is_the_first_sentence():
    root = tree("（一）做强综合实力，在壮大经济规模上实现新突破。扎实做好产业结构调整三篇大文章。\n（二）优化营商环境。持续深化改革。")
    s1 = root.sections[0]
    assert s1.id == "s1" and s1.heading == "（一）做强综合实力，在壮大经济规模上实现新突破。"
    assert s1.runin and [p.text for p in s1.paragraphs] == ["扎实做好产业结构调整三篇大文章。"]


def test_ordinal_run_in_heads_become_sections():
    text = "开场白。\n一要着力提升经济品质。内容一。\n二要着力提升城市品质。内容二。\n补充说明。\n三要着力提升生态品质。内容三。\n总之，要抓落实。"
    root = tree(text)
    assert ids(root) == [("s1", "一要着力提升经济品质。"), ("s2", "二要着力提升城市品质。"), ("s3", "三要着力提升生态品质。")]
    # a paragraph between two members belongs to the earlier one; the closing one to the speech
    assert [p.text for p in root.sections[1].paragraphs] == ["内容二。", "补充说明。"]
    assert [p.text for p in root.paragraphs] == ["开场白。", "总之，要抓落实。"]


def test_a_lone_ordinal_is_not_a_section():
    root = tree("一是要统一思想。这是前提。\n我们要努力工作。")
    assert ids(root) == []


def test_alike_lead_sentences_are_sections_a_different_closing_one_is_not():
    text = ("开篇的话很长，长到不会被当成小标题，因为它超过了四十个字符的上限，所以只是普通的段落而已。\n"
            "坚持绿色引领发展，努力在生态化建设上作出示范。内容。\n"
            "坚持产业支撑发展，努力在国际化建设上作出示范。内容。\n"
            "重任千钧、征途漫漫，唯有坚毅前行，方能不负重托。结束语。")
    root = tree(text)
    assert [i for i, _ in ids(root)] == ["s1", "s2"]
    assert root.paragraphs[-1].text.startswith("重任千钧")


def test_a_single_short_first_sentence_is_not_a_heading():
    root = tree("我们发展的信心更加坚定。随着……\n过往可鉴，当下可为，未来可期。我们要……")
    assert ids(root) == []


def test_a_sentence_in_mid_paragraph_is_never_a_heading():
    long = "这一段的第一句话相当长，长过四十个字符，因此不像标题，后面还有别的话要继续说下去，说得更长一些。"
    root = tree(long + "一、不是标题。（一）也不是。一要也不是。\n" + long + "内容，一是甲。二是乙。")
    assert ids(root) == []


def test_dash_lines_are_list_items_not_sections():
    root = tree("一、回顾\n——经济实力提升进位。内容。\n——民生福祉持续增进。内容。")
    s1 = root.sections[0]
    assert s1.sections == []
    assert [p.kind for p in s1.paragraphs] == ["item", "item"]


def test_mid_text_salutation_leaves_numbered_sections_open():
    root = tree("各位代表：\n二、任务\n（一）甲\n内容。\n各位代表！\n（二）乙\n内容。\n（三）丙\n三、展望\n内容。")
    assert root.paragraphs[0].kind == "salutation"
    # the (二) after the salutation stays inside 二、: its id ends with its own number
    assert [i for i, _ in ids(root)] == ["s2", "s2-1", "s2-2", "s2-3", "s3"]
    assert [p.kind for p in root.sections[0].sections[0].paragraphs] == ["text", "salutation"]


def test_mid_text_salutation_closes_a_run_in_group():
    root = tree("一要甲。内容。\n二要乙。内容。\n各位代表！\n总结的话。")
    assert [s.heading for s in root.sections] == ["一要甲。", "二要乙。"]
    assert [p.text for p in root.paragraphs] == ["各位代表！", "总结的话。"]


def test_paragraph_ids_number_every_paragraph_in_reading_order():
    root = tree("各位代表：\n一、回顾\n内容一。\n（一）甲。内容二。\n二、展望\n内容三。")
    assert [(p.id, p.text) for p in root.all_paragraphs()] == [
        ("p1", "各位代表："), ("p2", "内容一。"), ("p3", "内容二。"), ("p4", "内容三。")]


def test_ids_do_not_change_when_unrelated_text_is_edited():
    a = tree("一、甲\n内容。\n二、乙\n（一）丙\n内容。\n（二）丁\n内容。")
    b = tree("一、甲\n内容大改了，多了很多字。又一段。\n新的段落。\n二、乙\n（一）丙\n内容。\n（二）丁\n内容也改了。")
    assert [i for i, _ in ids(a)] == [i for i, _ in ids(b)]


def test_repeated_numbers_still_give_unique_ids():
    root = tree("一、甲\n一、乙\n三、丙\n三、丁")
    got = [i for i, _ in ids(root)]
    assert len(set(got)) == len(got)
    assert all(re.fullmatch(r"s\d+(-\d+)*", i) for i in got)


def test_numbers_in_text_are_not_markers():
    root = tree("1.7个百分点的增长。\n2022年是关键之年。")
    assert ids(root) == []


# The seeds: what the issue requires to come out of them.
def test_seed_002(repo_root):
    root = seed_tree(repo_root, "002")
    sec = {s.id: s.heading for s, _ in root.walk() if s.depth}
    assert sec["s1"] == "一、过去五年工作回顾"
    assert [k for k in sec if re.fullmatch(r"s1-\d", k)] == [f"s1-{i}" for i in range(1, 7)]
    assert sec["s1-1"].startswith("（一）我们坚持转方式调结构聚集群")
    assert sec["s1-1-1"] == "工业提质扩量。" and sec["s1-1-2"] == "服务业提质升级。"
    assert "s2" in sec
    assert [k for k in sec if re.fullmatch(r"s3-\d", k)] == [f"s3-{i}" for i in range(1, 7)]
    assert sec["s3-4"].startswith("（四）奋力推进乡村振兴全面提质")
    assert sec["s4"] == "四、全面加强政府自身建设"
    assert [p.text for p in root.paragraphs][:2] == ["各位代表：", root.paragraphs[1].text]
    assert root.paragraphs[0].id == "p1"


def test_seed_003(repo_root):
    sec = {s.id: s.heading for s, _ in seed_tree(repo_root, "003").walk() if s.depth}
    assert [k for k in sec if re.fullmatch(r"s\d", k)] == ["s1", "s2", "s3", "s4"]
    assert [k for k in sec if re.fullmatch(r"s3-\d+", k)] == [f"s3-{i}" for i in range(1, 11)]
    assert sec["s3-1"].startswith("（一）做强综合实力")
    assert sec["s3-10"].startswith("（十）统筹发展和安全")
    assert [k for k in sec if re.fullmatch(r"s4-\d+", k)] == [f"s4-{i}" for i in range(1, 6)]


def test_seed_001(repo_root):
    root = seed_tree(repo_root, "001")
    assert [(s.id, s.heading[:10]) for s in root.sections] == [
        ("s1", "一、以大担当扩宽格局"), ("s2", "二、以大视野科学布局"), ("s3", "三、以大党建引领全局")]
    assert all(not s.sections for s in root.sections)


def test_seed_004(repo_root):
    root = seed_tree(repo_root, "004")
    assert [(s.id, s.heading) for s in root.sections] == [
        ("s1", "一要着力提升经济品质。"), ("s2", "二要着力提升城市品质。"), ("s3", "三要着力提升人文品质。"),
        ("s4", "四要着力提升生态品质。"), ("s5", "五要着力提升生活品质。")]


def test_seed_000(repo_root):
    root = seed_tree(repo_root, "000")
    assert [s.id for s in root.sections] == ["s1", "s2", "s3", "s4", "s5"]
    assert root.sections[0].heading == "坚持绿色引领发展，努力在生态化建设上作出示范。"
    assert root.sections[4].heading.startswith("坚持民生优先发展")
    assert root.blocks[0].id == "p1" and root.blocks[0].text.startswith("*月**日")  # the opening is no heading


def test_a_run_of_numerals_too_long_for_a_heading_number_is_text():
    text = "一" * 5000 + "、标题\n（" + "二" * 5000 + "）标题\n第" + "三" * 5000 + "部分\n一百零五、甲\n九十九、乙"
    root = tree(text)
    assert ids(root) == [("s105", "一百零五、甲"), ("s99", "九十九、乙")]
    assert [p.text[:1] for p in root.paragraphs] == ["一", "（", "第"]


def test_ten_thousand_repeated_markers_take_the_next_free_numbers_quickly():
    import time
    start = time.perf_counter()
    root = tree("一、\n（一）\n" * 10000)
    assert [s.id for s in root.sections] == [f"s{n}" for n in range(1, 10001)]
    assert all([c.id for c in s.sections] == [f"{s.id}-1"] for s in root.sections)
    assert time.perf_counter() - start < 10  # was quadratic: a minute and more
