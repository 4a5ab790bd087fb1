"""The real archive (tests/corpus-real, 37 national reports 1954–2019) built as a site owner
would: invariants of the built pages against the raw texts and the hand labels, not snapshots."""
from __future__ import annotations

import re
import zipfile

import pytest

from realpages import (CORPUS, bare_marker_headings, contradicting_ids, labels, lost_header_lines, lost_sentences,
                       mark_only_paragraphs, read_page, split_cuts, squeeze)
from test_validity import run_vnu
from wenji import site
from wenji.cache import Cache
from wenji.check import check_site


class Built:
    def __init__(self, out):
        self.out = out
        self.archive = site.load_archive(CORPUS / "seeds", CORPUS / "content")
        self.labels = labels()
        self.pages = {s.stem: read_page(out / "speeches" / f"{s.slug}.html") for s in self.archive.speeches}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("real") / "site"
    site.build(CORPUS / "seeds", CORPUS / "content", out, cache=Cache(enabled=False), workers=1)
    return Built(out)


def each(built):
    return [(s, built.pages[s.stem]) for s in built.archive.speeches]


def test_every_sentence_of_the_source_is_on_the_page_in_order(built):
    lost = {s.stem: lost_sentences(s, page) for s, page in each(built)}
    assert {k: v for k, v in lost.items() if v} == {}


def test_header_lines_stay_visible_in_the_page_header_never_as_body_paragraphs(built):
    for s, page in each(built):
        assert lost_header_lines(s, page) == [], s.stem
        body = {squeeze(t) for _, t in page.paragraphs()}
        for line in built.labels.get(s.stem, {}).get("header", []):
            assert squeeze(line) not in body, (s.stem, line)


def test_speakers_and_dates_the_texts_state_are_read(built):
    for s in built.archive.speeches:
        lab = built.labels.get(s.stem, {})
        if lab.get("speaker"):
            assert squeeze(lab["speaker"]) in squeeze(s.meta.speaker), s.stem
        if lab.get("date"):
            assert s.meta.date == lab["date"], s.stem


def test_every_numbered_heading_has_an_id_ending_with_its_number(built):
    total = 0
    for s, page in each(built):
        bad, n = contradicting_ids(page)
        assert bad == [], s.stem
        total += n
    assert total > 500  # the measure saw the numbered headings


def test_no_heading_is_a_bare_marker(built):
    assert {s.stem: b for s, page in each(built) if (b := bare_marker_headings(page))} == {}


def test_labelled_unnumbered_heading_lines_are_section_headings(built):
    wanted = found = 0
    for s, page in each(built):
        labelled = {squeeze(h) for h in built.labels.get(s.stem, {}).get("headings", [])}
        headings = {squeeze(h) for _, h, _ in page.sections}
        wanted += len(labelled)
        found += len(labelled & headings)
    assert wanted >= 30 and found >= 0.95 * wanted


def test_no_sentence_stays_cut_by_a_line_of_invisible_characters(built):
    assert {s.stem: c for s, page in each(built) if (c := split_cuts(s.source, page))} == {}


def test_no_paragraph_holds_only_marks_and_notes_link_both_ways(built):
    assert {s.stem: m for s, page in each(built) if (m := mark_only_paragraphs(page))} == {}
    html = (built.out / "speeches" / "cpc-03-0.html").read_text(encoding="utf-8")
    for n in range(1, 6):
        assert f'<li id="fn{n}">' in html and f'href="#fn{n}"' in html and f'href="#fnref{n}-' in html


def test_the_licence_is_left_out_of_the_pages_and_kept_in_the_plain_text(built):
    for s in built.archive.speeches:
        html = (built.out / "speeches" / f"{s.slug}.html").read_text(encoding="utf-8")
        shown = re.sub(r"<[^>]*>", "", html)  # the page's text (the .txt saved from it carries the licence as data)
        assert "Public domain" not in shown and "本作品是中华人民共和国的法律" not in shown, s.stem
    with zipfile.ZipFile(built.out / "archive-texts.zip") as zf:
        text = zf.read("wenji-texts/gwr-2019.txt").decode("utf-8")
    assert "本作品是中华人民共和国的法律" in text


def test_the_built_site_is_sound(built):
    assert check_site(built.out) == []


def test_pages_with_notes_and_header_lines_are_valid_html(built):
    pages = [built.out / "speeches" / f"{stem}.html" for stem in ("cpc-03-0", "cpc-12-0", "gwr-1957", "cpc-19-0")]
    assert [m for m in run_vnu(pages) if m.get("type") == "error"] == []


def test_a_speech_in_traditional_characters_is_tagged_zh_hant_wherever_it_is_listed(built):
    traditional = [s for s in built.archive.speeches if s.meta.lang == "zh-Hant"]
    assert "gwr-1954" in {s.stem for s in traditional} and len(traditional) < len(built.archive.speeches) // 4
    simplified = next(s for s in built.archive.speeches if s.stem == "gwr-2019")
    page = (built.out / "speeches" / "gwr-1954.html").read_text(encoding="utf-8")
    assert '<article class="speech" lang="zh-Hant"' in page
    other = (built.out / "speeches" / f"{simplified.slug}.html").read_text(encoding="utf-8")
    assert '<article class="speech" lang="zh-CN"' in other
    home = (built.out / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<tr lang="zh-Hant">\s*<td><a href="speeches/gwr-1954.html"', home)
    assert not re.search(r'<tr lang="zh-Hant">\s*<td><a href="speeches/gwr-2019.html"', home)
    themed = [p.read_text(encoding="utf-8") for p in (built.out / "themes").glob("*.html")]
    groups = [m for html in themed for m in re.findall(r'id="sp-gwr-1954".*?<ol class="hits"([^>]*)>', html, re.S)]
    assert groups and all(g == ' lang="zh-Hant"' for g in groups)
    manifest = (built.out / "search" / "manifest.js").read_text(encoding="utf-8")
    assert re.search(r'\["gwr-1954","[^"]*","1954","[^"]*","zh-Hant"\]', manifest)
