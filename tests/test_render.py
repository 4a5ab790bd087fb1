"""Render helpers: marks without a title each, addresses shown decoded, previous and next of the
same kind, the page data from which the browser makes a speech's .json; dates, the owner's
Markdown, and the search page."""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from wenji import downloads, labels, render
from wenji.model import Meta, Section, Speech
from wenji.related import Link
from wenji.site import TEMPLATES


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
