"""Render helpers: marks without a title each, addresses shown decoded, previous and next of the
same kind, the page data from which the browser makes a speech's .json; dates, the owner's
Markdown, and the search page."""
from __future__ import annotations

import json
import random
import re
from dataclasses import replace
from pathlib import Path

from markupsafe import escape

from wenji import downloads, labels, masks, render
from wenji.meta import SITE_DEFAULTS
from wenji.model import Archive, Meta, Paragraph, Section, Speech
from wenji.related import Link
from wenji.site import TEMPLATES
from wenji.themes import Chip, PageThemes, ThemeCount


def speech(slug: str, kind: str) -> Speech:
    return Speech(stem=slug, slug=slug, source=Path(f"{slug}.txt"), encoding="utf-8", meta=Meta(title=slug, kind=kind),
                  header=[], body=Section(id="", heading="", depth=0, marker="root"))


def test_a_mark_is_wrapped_without_an_explanation_of_its_own():
    assert str(render.masked("**市<b>x.xx万元")) == '<span class="mask">**</span>市&lt;b&gt;<span class="mask">x.xx</span>万元'


def test_a_source_address_is_shown_decoded():
    url = "https://zh.wikisource.org/wiki/2019%E5%B9%B4%E6%94%BF%E5%BA%9C"
    assert render.readable_url(url) == "https://zh.wikisource.org/wiki/2019年政府"
    assert render.readable_url("https://a.org/%FF%FE") == "https://a.org/%FF%FE"  # not UTF-8: as written
    assert render.readable_url("人民日报 2020年1月1日") == "人民日报 2020年1月1日"


def test_previous_and_next_are_the_nearest_of_the_same_kind():
    order = [speech("a", "报告"), speech("b", "讲话"), speech("c", "讲话"), speech("d", "报告"), speech("e", "致辞")]
    names = lambda i: tuple(s.slug if s else None for s in render.neighbours(order, i))
    assert names(0) == (None, "d")  # skips the two speeches between
    assert names(1) == ("a", "c")  # no earlier 讲话: the plain neighbour
    assert names(3) == ("a", "e")  # no later 报告: the plain neighbour
    assert names(4) == ("d", None)  # the only 致辞: its plain neighbours


def test_the_page_carries_what_its_json_has_beyond_the_text():
    s = replace(speech("a", "报告"), meta=Meta(title="标题", kind="报告", date="2020-05", inferred=("title",)))
    data = downloads.page_data({"base_url": ""}, s)
    assert list(data) == ["slug", "stem", "url", "meta", "encoding", "characters", "masked_passages"]
    assert list(downloads.structure({}, s))[:len(data)] == list(data)
    assert data["url"] == "speeches/a.html" and data["meta"]["inferred_from_text"] == ["title"]


def test_dates_in_chinese():
    assert [render.cn_date(d) for d in ("2022-03-05", "2022-03", "2022", "")] == ["2022年3月5日", "2022年3月", "2022年", ""]


def test_markdown_keeps_raw_html_as_text_and_drops_script_links():
    html = str(render.md("<script>x()</script> [a](javascript:x()) [b](https://example.org) [c](about.html#x)"))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="#"' in html and 'href="https://example.org"' in html and 'href="about.html#x"' in html


def test_search_page_offers_the_archive_s_kinds_and_years_and_needs_nothing_inline(seeds_archive):
    page = render.search_page(render.environment(TEMPLATES), seeds_archive)
    assert 'role="search"' in page and 'id="q"' in page
    assert "<script>" not in page and "style=" not in page
    assert re.findall(r'<script src="([^"]+)"', page) and all(
        not s.startswith(("/", "http")) for s in re.findall(r'(?:src|href)="([^"#]+)', page))
    assert 'aria-live="polite"' in page
    kinds = re.findall(r'<option value="([^"]*)">', page.split('id="search-kind"')[1].split("</select>")[0])
    assert kinds == [""] + sorted({s.meta.kind for s in seeds_archive.speeches if s.meta.kind})
    years = re.findall(r'<option value="([^"]*)">', page.split('id="search-year"')[1].split("</select>")[0])
    assert years == [""] + sorted({s.meta.year for s in seeds_archive.speeches if s.meta.year}, reverse=True)


def test_related_links_name_a_speech_as_the_keyword_index_does():
    links = (Link("gwr-2019", "s1", "政府工作报告", "2019", "一、回顾", 0.9),
             Link("cpc-18-0", "s2", "坚定不移沿着中国特色社会主义道路前进…", "", "二、道路", 0.8),
             Link("gone", "s3", "甲报告", "", "三", 0.7))
    got = render.related_links(links, {"gwr-2019": "2019 政府工作报告", "cpc-18-0": "十八大 党代会报告"})
    assert [x.label for x in got] == ["2019 政府工作报告", "十八大 党代会报告", "甲报告（年份不详）"]
    assert [x.href for x in got] == ["gwr-2019.html#s1", "cpc-18-0.html#s2", "gone.html#s3"]


def test_speech_labels_are_short_and_unique():
    def dated(slug, date, kind, title):
        return replace(speech(slug, kind), meta=Meta(title=title, date=date, kind=kind))
    got = labels.speech_labels([
        dated("a", "2019-03-05", "政府工作报告", "2019年政府工作报告"),
        dated("b", "", "党代会报告", "高举中国特色社会主义伟大旗帜，为夺取全面建设小康社会新胜利而奋斗 (十七大)"),
        dated("c", "", "党代会报告", "在中国共产党第十一次全国代表大会上的政治报告"),
        dated("d", "1956", "党代会报告", "关于修改党的章程的报告"),
        dated("e", "1956", "党代会报告", "1956年政治报告")])
    assert got == {"a": "2019 政府工作报告", "b": "十七大 党代会报告", "c": "在中国共产党第十一次全国代表大会上的政治报告",
                   "d": "1956 关于修改党的章程的报告", "e": "1956 政治报告"}


def test_marks_are_wrapped_the_same_whether_or_not_the_text_has_characters_to_escape():
    def piece_by_piece(text):
        return "".join(f'<span class="mask">{escape(piece)}</span>' if i % 2 else str(escape(piece))
                       for i, piece in enumerate(re.split(f"({masks.MASK.pattern})", text)))
    assert str(render.masked("**市xx县x.xx万元")) == ('<span class="mask">**</span>市<span class="mask">xx</span>县'
                                                   '<span class="mask">x.xx</span>万元')
    assert str(render.masked("<x>&xx")) == '&lt;<span class="mask">x</span>&gt;&amp;<span class="mask">xx</span>'
    assert str(render.masked("max ×××")) == 'max <span class="mask">×××</span>'  # the x of max is a letter
    rng = random.Random(7)
    alphabet = "xX*×.．ab市县 <>&\"'"
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(12)))
        assert str(render.masked(text)) == piece_by_piece(text), text


def test_escaped_is_markupsafe_s_escape():
    rng = random.Random(3)
    for _ in range(2000):
        text = "".join(rng.choice("&<>\"'a市 ;#") for _ in range(rng.randrange(10)))
        assert render.escaped(text) == str(escape(text)) and type(render.escaped(text)) is str


def test_chips_and_related_passages_are_escaped_and_a_link_s_item_is_made_once():
    chips = (Chip("t<1>", "<b>民生</b>", "h\"1", "0.5", ("就业", "<i>")),)
    assert str(render.chips_html(chips, "../")) == (
        '<ul class="theme-chips" aria-label="本节主题"><li><a href="../themes/t&lt;1&gt;.html#h&#34;1" '
        'title="就业、&lt;i&gt;">&lt;b&gt;民生&lt;/b&gt;</a></li></ul>\n')
    assert render.chips_html((), "../") == ""
    links = (Link("a", "s1", "<script>", "", "一、<b>回顾</b>", 0.9), Link("b", "s2", "乙", "2019", "", 0.8))
    items: dict = {}
    html = str(render.related_html(links, {"b": "2019 乙&丙"}, items))
    assert html == ('<details class="related"><summary>相关论述 2 处</summary><ul>'
                    '<li><a href="a.html#s1">&lt;script&gt;（年份不详）</a> 一、&lt;b&gt;回顾&lt;/b&gt;</li>'
                    '<li><a href="b.html#s2">2019 乙&amp;丙</a></li></ul></details>\n')
    assert len(items) == 2
    again = str(render.related_html(links[:1] + (links[0]._replace(score=0.1),), {}, items))
    assert again.count("&lt;script&gt;（年份不详）</a> 一、") == 2 and len(items) == 2  # the same item, not made again


def test_the_speech_s_themes_and_keywords_in_its_header_are_escaped():
    themes = PageThemes({}, (ThemeCount("t1", "<民生>", 3), ThemeCount("t2", "生态", 1)), (("就业", "pinyin.html#j"), ("<b>", "")))
    assert str(render.speech_themes_html(themes, "a&b", "../")) == (
        '<div class="speech-themes">\n  <p class="theme-line"><span class="tl-label">主题</span>\n'
        '<a class="theme-chip" href="../themes/t1.html#sp-a&amp;b" title="本篇 3 节涉及“&lt;民生&gt;”">&lt;民生&gt;'
        '<span class="chip-n">3</span></a> <a class="theme-chip" href="../themes/t2.html#sp-a&amp;b" '
        'title="本篇 1 节涉及“生态”">生态<span class="chip-n">1</span></a>  </p>\n'
        '  <p class="keyword-line"><span class="tl-label">关键词</span>\n'
        '<a href="../keywords/pinyin.html#j">就业</a>、<span class="kw">&lt;b&gt;</span>  </p>\n</div>\n')
    assert render.speech_themes_html(PageThemes({}, (), ()), "a", "../") == ""
    assert render.speech_themes_html(None, "a", "../") == ""


def _sectioned() -> Speech:
    deep = Section("s1-1-1-1-1-1", "<深>", 6, "arabic", blocks=[Paragraph("p3", "六级 x.xx 万元", 0)])
    five = Section("s1-1-1-1-1", "五级", 5, "arabic", blocks=[deep])
    four = Section("s1-1-1-1", "四级", 4, "arabic", blocks=[five])
    three = Section("s1-1-1", "三级", 3, "arabic", blocks=[four])
    two = Section("s1-1", "（一）二级", 2, "paren-cn", blocks=[three])
    one = Section("s1", "一、**一级", 1, "cn", blocks=[Paragraph("p2", "第一节的段落。", 0), two])
    body = Section("", "", 0, "root", blocks=[Paragraph("p1", "前言。", 0), one,
                                              Paragraph("p4", "注文。", 0, kind="note", note=1)])
    return replace(speech("a", "报告"), body=body)


class _Themes:
    def __init__(self, page: PageThemes) -> None:
        self._page = page

    def page(self, slug: str) -> PageThemes:
        return self._page


def test_a_speech_page_shows_each_section_with_its_heading_chips_related_passages_and_text():
    s = _sectioned()
    page = render.outline(s)
    assert [x.id for x in page.sections] == ["s1", "s1-1", "s1-1-1", "s1-1-1-1", "s1-1-1-1-1", "s1-1-1-1-1-1"]
    assert page.paragraphs == 4 and page.counted  # p1, p2, p3 in reading order; the note is listed apart
    assert str(page.headings["s1"]) == '一、<span class="mask">**</span>一级'
    themes = PageThemes({"s1-1": (Chip("minsheng", "民生", "h7", "0.5", ("就业",)),)},
                        (ThemeCount("minsheng", "民生", 1),), ())
    related = {"s1-1": (Link("b", "s3", "乙", "2019", "三、乙", 0.5),)}
    html = render.speech_page(render.environment(TEMPLATES), Archive([s], dict(SITE_DEFAULTS)), s, None, None,
                              _Themes(themes), related)
    body = html.split('<div class="speech-body">\n')[1].split('<aside class="notes"')[0]
    assert body.startswith('<p id="p1">前言。</p>\n<section id="s1" class="sec d1 cn">\n'
                           '<h2>一、<span class="mask">**</span>一级</h2>\n<p id="p2">第一节的段落。</p>\n'
                           '<section id="s1-1" class="sec d2 paren-cn">\n<h3>（一）二级</h3>\n'
                           '<ul class="theme-chips" aria-label="本节主题"><li><a href="../themes/minsheng.html#h7" '
                           'title="就业">民生</a></li></ul>\n<details class="related">')
    assert '<h6>&lt;深&gt;</h6>\n<p id="p3">六级 <span class="mask">x.xx</span> 万元</p>\n\n</section>' in body
    assert "<h7" not in body and body.count("<section") == body.count("</section>") == 6
    assert "data-n" not in body and '<li id="fn1"><p id="p4" class="note" data-n="4">' in html
    contents = html.split('<h2 id="toc-h">目录</h2>\n')[1].split("</nav>")[0]
    assert contents.startswith('<ol>\n<li><a href="#s1">一、<span class="mask">**</span>一级</a><ol>\n'
                               '<li><a href="#s1-1">（一）二级</a><ol>\n<li><a href="#s1-1-1">三级</a><ol>\n')
    assert contents.endswith('<li><a href="#s1-1-1-1-1-1">&lt;深&gt;</a></li>\n' + "</ol>\n</li>\n" * 5 + "</ol>\n\n")
    assert "6 节，4 段" in html


def test_paragraphs_out_of_order_carry_their_numbers():
    s = _sectioned()
    s.body.blocks[0].id = "p9"
    page = render.outline(s)
    assert not page.counted
    html = render.speech_page(render.environment(TEMPLATES), Archive([s], dict(SITE_DEFAULTS)), s, None, None)
    assert '<p id="p9" data-n="9">' in html and '<p id="p2" data-n="2">' in html


def test_a_speech_s_json_rows_made_as_text_are_what_its_structure_encodes(real_archive, seeds_archive):
    for s in real_archive.speeches + seeds_archive.speeches:
        for config in ({}, {"base_url": "https://example.org/文集/"}):
            data = downloads.structure(config, s)
            text = downloads.speech_json(config, s)
            assert text == downloads._json(data), s.slug  # the rows encoded one by one, as dicts
            assert json.loads(text) == data
    odd = _sectioned()
    odd.body.blocks[1].heading = '一、"引号"\\与<尖括号>\n'
    assert downloads.speech_json({}, odd) == downloads._json(downloads.structure({}, odd))
