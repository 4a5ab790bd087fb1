"""Sectioning: the document's own structure becomes sections with stable ids."""
import re

import pytest

from wenji.clean import paragraphs
from wenji.model import Line
from wenji.structure import Corrections, build


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


# Patterns of real archives (tests/corpus-real): each with a small text of its own.


def test_a_series_restarting_inside_a_section_nests_under_it():
    root = tree("五、甲\n内容。\n六、乙\n内容：\n一、子一。内容。\n二、子二。内容。\n三、子三。\n四、子四。\n七、丙\n内容。")
    assert [i for i, _ in ids(root)] == ["s5", "s6", "s6-1", "s6-2", "s6-3", "s6-4", "s7"]


def test_a_restart_inside_a_subsection_nests_there_and_the_outer_series_goes_on():
    root = tree("三、问题\n（一）甲\n一、子。\n二、子。\n（二）乙\n内容。\n四、结论\n内容。")
    assert [i for i, _ in ids(root)] == ["s3", "s3-1", "s3-1-1", "s3-1-2", "s3-2", "s4"]


def test_ordinal_heads_are_markers_that_nest_where_they_stand():
    root = tree("三、加快建设\n第一，全国动员，大办农业\n（一）抓好两头。内容。\n（二）开垦荒地。内容。\n"
                "第二，发展工业\n内容。\n四、科学\n内容。")
    assert ids(root) == [("s3", "三、加快建设"), ("s3-1", "第一，全国动员，大办农业"), ("s3-1-1", "（一）抓好两头。"),
                         ("s3-1-2", "（二）开垦荒地。"), ("s3-2", "第二，发展工业"), ("s4", "四、科学")]
    root = tree("（三）安排\n第一、关于基本建设\n内容。\n第二、关于工业生产\n内容。")
    assert [i for i, _ in ids(root)] == ["s3", "s3-1", "s3-2"]


def test_a_lone_numeral_line_numbers_the_paragraph_after_it():
    root = tree("各位代表：\n引言。\n一\n纲要是一个伟大的纲领。内容。\n二\n下面说执行情况。内容。")
    assert ids(root) == [("s1", "一\u3000纲要是一个伟大的纲领。"), ("s2", "二\u3000下面说执行情况。")]
    assert [p.text for p in root.sections[0].paragraphs] == ["内容。"]


def test_a_marker_alone_on_its_line_numbers_the_next_paragraph():
    root = tree("理由如下：\n\n一、\n开垦宜于耕种的荒地。我国的人口很多。\n\n二、\n兴修水利。内容。")
    assert ids(root) == [("s1", "一、开垦宜于耕种的荒地。"), ("s2", "二、兴修水利。")]
    assert all(s.heading not in ("一、", "二、") for s, _ in root.walk())


UNNUMBERED = ("同志们！\n开场的话。\n\n关于九大路线\n\n党的九大是重要的会议。\n\n关于形势和任务\n\n"
              "当前形势很好。\n\n我们要继续努力。")


def test_unnumbered_heading_lines_become_sibling_sections():
    root = tree(UNNUMBERED)
    assert ids(root) == [("s1", "关于九大路线"), ("s2", "关于形势和任务")]
    assert [p.text for p in root.sections[1].paragraphs] == ["当前形势很好。", "我们要继续努力。"]
    assert all(s.marker == "heading" for s in root.sections)


def test_unnumbered_headings_nest_inside_a_numbered_section_and_numbers_keep_their_ids():
    root = tree("一、关于革命\n内容。\n二、关于建设\n内容。\n关于教育改革问题\n内容。\n关于向科学进军\n内容。\n三、关于生活\n内容。")
    assert [i for i, _ in ids(root)] == ["s1", "s2", "s2-1", "s2-2", "s3"]
    root = tree("前言\n这是前言的内容。\n一、甲\n内容。\n二、乙\n内容。\n结束语\n这是结束的话。")
    got = {h: i for i, h in ids(root)}
    assert got["一、甲"] == "s1" and got["二、乙"] == "s2"
    assert got["结束语"] not in ("s1", "s2") and "-" not in got["结束语"]  # frames the text: top level


def test_lines_that_are_not_unnumbered_headings():
    cases = [
        "开场的话，\n没有标点的一行\n接着的句子。",  # continues a sentence
        "开场的话。\n同志们\n接着的句子。",  # too short to be a title? a salutation word
        "开场的话。\n——经济实力提升进位\n接着的句子。",  # a —— item
        "开场的话。\n（掌声）\n接着的句子。",  # bracketed
        "主要内容是：\n关于九大路线\n接着的句子。",  # after a colon: a list item
        "开场的话。\nPublic domain\nfalse",  # nothing follows it
        "开场的话。\n二〇一九年三月五日\n接着的句子。",  # a date
        "现在，我代表国务院，向大会报告政府工作，请各位代表审议，并请全国政协委员提出意见\n一、回顾\n内容。",
    ]
    for text in cases:
        root = tree(text)
        assert all(s.marker != "heading" for s, _ in root.walk()), text


def test_run_in_groups_use_a_declared_field_not_an_attribute_on_paragraphs():
    root = tree("一要甲。内容。\n二要乙。内容。")
    assert [s.marker for s in root.sections] == ["ordinal", "ordinal"]
    assert all("kind_hint" not in vars(p) for p in root.all_paragraphs())


def test_owner_corrections_by_text_and_line_number():
    lines = paragraphs("开场的话。\n一、不是标题的一句话。\n有些人说的话\n内容。\n新的话题\n内容。")
    fixes = Corrections(headings=["有些人说的话", 5], not_headings=["一、不是标题的一句话。", "不存在的一行"])
    root = build(lines, fixes)
    assert [(s.heading, s.marker) for s in root.sections] == [("有些人说的话", "heading"), ("新的话题", "heading")]
    assert root.paragraphs[1].text == "一、不是标题的一句话。"
    assert fixes.unmatched() == ["not_headings: '不存在的一行' matches no line"]


def declared(*items: tuple[int, str]):
    """Lines as a reader of Word or Markdown gives them: (declared heading level or 0, text)."""
    return [Line(text, n, level) for n, (level, text) in enumerate(items, 1)]


def test_declared_headings_are_sections_at_their_level_whatever_their_shape():
    log: dict = {}
    root = build(declared((0, "各位代表："), (1, "过去一年的工作。"), (0, "我们做了很多工作。"), (2, "经济发展"),
                          (0, "运行平稳。"), (2, "社会事业，民生改善，教育公平，就业稳定"), (0, "民生改善。"),
                          (1, "今年的工作"), (0, "继续努力。")), log=log)
    assert log["declared headings"] == 4 and "unnumbered headings" not in log
    assert [(s.id, s.heading, s.depth, s.marker) for s, _ in root.walk() if s.depth] == [
        ("s1", "过去一年的工作。", 1, "declared"), ("s1-1", "经济发展", 2, "declared"),
        ("s1-2", "社会事业，民生改善，教育公平，就业稳定", 2, "declared"), ("s2", "今年的工作", 1, "declared")]


def test_an_unnumbered_declared_heading_is_a_sibling_of_the_numbered_ones_of_its_level():
    root = build(declared((1, "一、总体要求"), (0, "内容。"), (2, "（一）稳增长"), (0, "内容。"), (2, "防风险"),
                          (0, "内容。"), (2, "（三）惠民生"), (0, "内容。"), (1, "结束语"), (0, "内容。"),
                          (1, "三、保障措施"), (0, "内容。")))
    assert ids(root) == [("s1", "一、总体要求"), ("s1-1", "（一）稳增长"), ("s1-2", "防风险"), ("s1-3", "（三）惠民生"),
                         ("s2", "结束语"), ("s3", "三、保障措施")]


def test_declared_levels_and_numbering_nest_alike():
    # an unnumbered level above numbered ones holds them; one between two numbered levels nests
    # between them; a numbered paragraph of the body nests under the declared heading before it
    root = build(declared((1, "总体要求"), (0, "内容。"), (2, "一、指导思想"), (0, "内容。"), (3, "主要原则"),
                          (0, "（一）坚持人民至上。内容。"), (0, "（二）坚持稳中求进。内容。"), (4, "（三）坚持改革"),
                          (0, "内容。"), (2, "二、主要目标"), (0, "内容。"), (1, "重点任务"), (2, "一、扩大内需"),
                          (0, "内容。")))
    assert ids(root) == [("s1", "总体要求"), ("s1-1", "一、指导思想"), ("s1-1-1", "主要原则"),
                         ("s1-1-1-1", "（一）坚持人民至上。"), ("s1-1-1-2", "（二）坚持稳中求进。"),
                         ("s1-1-1-3", "（三）坚持改革"), ("s1-2", "二、主要目标"), ("s2", "重点任务"), ("s2-1", "一、扩大内需")]


def test_a_declared_heading_is_never_inside_an_inferred_one_and_the_owner_has_the_last_word():
    lines = declared((1, "一、总体要求"), (0, "内容。"), (0, "关于外交工作"), (0, "内容。"), (2, "国际形势"),
                     (0, "内容。"), (2, "不是标题"), (0, "内容。"))
    fixes = Corrections(not_headings=["不是标题"])
    root = build(lines, fixes)
    assert [(i, h) for i, h in ids(root)] == [("s1", "一、总体要求"), ("s1-1", "关于外交工作"), ("s1-2", "国际形势")]
    assert root.sections[0].sections[1].paragraphs[-2].text == "不是标题"
    assert fixes.unmatched() == []


def test_a_bare_declared_marker_numbers_its_paragraph_and_still_ranks_its_level():
    root = build(declared((1, "一、总体要求"), (0, "内容。"), (2, "（一）"), (0, "稳增长。内容。"), (2, "防风险"),
                          (0, "内容。"), (0, "（二）守底线。内容。")))
    # Heading 2 is the level of （一）: the （二） of the body after 防风险 is its sibling, not inside it
    assert ids(root) == [("s1", "一、总体要求"), ("s1-1", "（一）稳增长。"), ("s1-3", "防风险"), ("s1-2", "（二）守底线。")]
    assert root.sections[0].sections[0].paragraphs[0].text == "内容。"
