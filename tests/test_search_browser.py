"""The search page in Chromium, from file:// and over HTTP: exact results, highlighting on the
speech page, operator characters, and speech text that must stay inert."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest

from searchpage import shown_links, wait_results
from searchtruth import normal
from wenji.search.documents import archive_documents
from wenji.search.reference import SearchIndex
from wenji.site import load_archive

REPO = Path(__file__).resolve().parent.parent

QUERIES = ["数字经济", "营商环境", "两先区", "花卉", "治堵", "生态 花卉", "堵", "**市", "rcep", "5G"]


def expected_links(archive, query: str) -> set[tuple[str, str]]:
    """(slug, fragment) of every section, outside paragraph or title holding the query."""
    words = normal(query).split()
    out = set()

    def hit(text):
        return all(w in normal(text) for w in words)

    for s in archive.speeches:
        title = s.meta.title.rstrip("…").strip()
        first = next(iter(s.paragraphs()), None)
        if title and not (first and title in first.text) and hit(s.meta.title):
            out.add((s.slug, "title"))  # a title hit links to the page's <h1 id="title">
        for p in s.body.paragraphs:
            if hit(p.text):
                out.add((s.slug, p.id))
        for sec, _ in s.sections():
            if hit(sec.text):
                out.add((s.slug, sec.id))
    return out


def open_search(page, base: str, query: str) -> None:
    page.goto(f"{base}search.html?q={quote(query)}")
    wait_results(page, query)


@pytest.fixture(scope="module")
def archive():
    return load_archive(REPO / "seeds", REPO / "content")


@pytest.fixture(params=["file", "http"])
def base(request, built_site, file_url):
    if request.param == "http":
        return request.getfixturevalue("http_site")
    return file_url(built_site) + "/"


def test_queries_return_exactly_the_sections_holding_them(page, base, archive):
    for q in QUERIES:
        open_search(page, base, q)
        got = shown_links(page)
        assert len(got) == len(set(got)), q
        assert set(got) == expected_links(archive, q), q
        assert got, q
        status = page.inner_text("#search-status")
        assert str(len(got)) in status
    assert page.page_errors == []


def test_typing_updates_results_and_url_and_back_returns(page, base, archive):
    open_search(page, base, "")
    page.fill("#q", "营商")
    wait_results(page, "营商")
    page.fill("#q", "营商环境")
    wait_results(page, "营商环境")
    assert set(shown_links(page)) == expected_links(archive, "营商环境")
    assert "q=%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83" in page.url
    first = page.locator("#search-results a.hit-title").first
    slug, frag = shown_links(page)[0]
    first.click()
    page.wait_for_load_state("load")
    assert f"{slug}.html" in page.url and page.url.endswith("#" + frag)
    marks = page.eval_on_selector_all("mark.hl", "els => els.map(e => e.textContent)")
    assert marks and all(normal(m) == normal("营商环境") for m in marks)
    inside = page.eval_on_selector_all(
        "mark.hl", "(els, id) => els.every(e => e.closest('[id=\"' + id + '\"]'))", frag)
    assert inside
    page.go_back()
    wait_results(page, "营商环境")
    assert page.input_value("#q") == "营商环境"
    assert set(shown_links(page)) == expected_links(archive, "营商环境")
    assert page.page_errors == []


def test_highlight_spans_mask_marks(page, base, archive):
    open_search(page, base, "**市")
    slug, frag = shown_links(page)[0]
    page.click("#search-results a.hit-title >> nth=0")
    page.wait_for_load_state("load")
    marks = page.eval_on_selector_all("mark.hl", "els => els.map(e => e.textContent)")
    joined = "".join(marks)
    assert "市" in joined and normal(joined).count("××市") >= 1
    assert page.page_errors == []


def test_operator_characters_raise_no_error(page, base):
    for q in [":", "+", "-", "*", "~", "^", "两先区:", "+发展", "-发展", "发展~1", "发展^2", "*市", "a:b", "\\", "\"", "'"]:
        open_search(page, base, q)
        assert page.inner_text("#search-status").strip()
    assert page.page_errors == []
    assert [e for e in page.console_errors if "Failed to load resource" not in e] == []


def test_results_come_in_pages(page, base, archive):
    open_search(page, base, "发展")
    expected = expected_links(archive, "发展")
    assert len(expected) > 40
    assert page.locator("#search-results li").count() == 20
    assert f"{len(expected)} 处" in page.inner_text("#search-status")
    page.click("button.search-more")
    assert page.locator("#search-results li").count() == 40
    assert set(shown_links(page)) == expected


def test_filters_by_kind_and_year(page, base, archive):
    open_search(page, base, "发展")
    all_links = shown_links(page)
    kinds = page.eval_on_selector_all("#search-kind option", "els => els.map(e => e.value).filter(Boolean)")
    assert kinds
    by_slug = {s.slug: s for s in archive.speeches}
    page.select_option("#search-kind", kinds[0])
    wait_results(page, "发展")
    page.wait_for_function("k => location.search.includes('kind=')", arg=kinds[0])
    narrowed = shown_links(page)
    assert narrowed and set(narrowed) < set(all_links)
    assert all(by_slug[s].meta.kind == kinds[0] for s, _ in narrowed)
    counts = page.inner_text("#search-speeches")
    assert "处" in counts and sum(int(n) for n in re.findall(r"(\d+) 处", counts)) == len(narrowed)
    page.select_option("#search-kind", "")
    years = page.eval_on_selector_all("#search-year option", "els => els.map(e => e.value).filter(Boolean)")
    if years:
        page.select_option("#search-year", years[0])
        page.wait_for_function("y => location.search.includes('year=' + y)", arg=years[0])
        assert all(by_slug[s].meta.date.startswith(years[0]) for s, _ in shown_links(page))


def test_slash_focuses_the_search_box(page, built_site, file_url):
    page.goto(file_url(built_site / "index.html"))
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("x/")
    assert page.input_value("#q") == "x/"


def test_speech_text_stays_inert(page, tmp_path, run_build, file_url):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    evil = ("各位代表：\n一、关于安全\n"
            "有人写了<img src=x onerror=alert(1)>这样的文字，还有<script>alert(2)</script>和"
            "<b onmouseover=alert(3)>粗体</b>，检索结果只能把它们当作文字。\n")
    (seeds / "evil.txt").write_text(evil, "utf-8")
    (seeds / "plain.txt").write_text("各位代表：\n一、普通\n这是一篇普通的讲话，谈到onerror这个词。\n", "utf-8")
    content = tmp_path / "content"
    content.mkdir()
    out = tmp_path / "site"
    proc = run_build(seeds, content, out)
    assert proc.returncode == 0, proc.stderr
    for q in ["<img src=x onerror=alert(1)>", "onerror", "<script>", "alert", "粗体"]:
        for view in ("&group=1&sort=date", ""):  # grouped under the speech's title, then as a list
            page.goto(file_url(out / "search.html") + "?q=" + quote(q) + view)
            wait_results(page, q)
            assert page.locator("#search-results li.hit").count() >= 1, q
            groups = page.locator("#search-results li.hit-group").count()
            assert (groups >= 1) if view else (groups == 0), q
            assert page.locator("#search-results img, #search-results script, #search-results b").count() == 0
            text = page.inner_text("#search-results")
            assert "<" in text or q in ("onerror", "alert", "粗体")
        # Follow the first result too: the speech page shows the same text inert.
        page.click("#search-results a.hit-title >> nth=0")
        page.wait_for_load_state("load")
        assert page.locator("main img, main script").count() == 0
    assert page.dialogs == [] and page.page_errors == []


def loaded_scripts(page) -> list[str]:
    """The search data files the page has inserted, as names like manifest, t/0, d/3."""
    srcs = page.eval_on_selector_all('script[src*="search/"]', "els => els.map(e => e.getAttribute('src'))")
    return [src.split("search/", 1)[1][:-len(".js")] for src in srcs]


def test_index_loads_on_first_use_and_paragraph_hits_say_so(page, base, archive):
    page.goto(base + "search.html")
    page.wait_for_load_state("load")
    assert page.evaluate("document.querySelectorAll('script[src*=\"search/\"], script[src*=\"lunr\"]').length") == 0
    page.fill("#q", "胜利闭幕")
    wait_results(page, "胜利闭幕")
    links = shown_links(page)
    assert set(links) == expected_links(archive, "胜利闭幕")
    names = loaded_scripts(page)
    assert names[0] == "manifest" and any(n.startswith("t/") for n in names)
    para = [i for i, (_, frag) in enumerate(links) if frag.startswith("p")]
    assert para
    path = page.locator("#search-results .hit-path").nth(para[0]).inner_text()
    assert path == f"第{links[para[0]][1][1:]}段"


def test_a_known_bigram_loads_the_text_of_the_results_shown_only(page, base, archive):
    assert "生态" in SearchIndex(archive_documents(archive)).terms
    open_search(page, base, "生态")
    links = shown_links(page)
    slugs = [s.slug for s in archive.speeches]
    names = loaded_scripts(page)
    assert names[0] == "manifest" and len([n for n in names if n.startswith("t/")]) == 1
    assert {n for n in names if n.startswith("d/")} == {f"d/{slugs.index(slug)}" for slug, _ in links}


# --- a larger archive: many shards, progressive checking ------------------------------------


@pytest.fixture(scope="module")
def synthetic_site(tmp_path_factory):
    """Forty speeches from bench/synthetic.py, built by build.py: 460,000 characters, several
    term shards, one text chunk a speech."""
    import sys

    from conftest import build, describe

    sys.path.insert(0, str(REPO / "bench"))
    from synthetic import make_archive

    root = tmp_path_factory.mktemp("synthetic-site")
    seeds, content = make_archive(root, 40)
    proc = build(seeds, content, root / "site")
    assert proc.returncode == 0, describe(proc)
    return load_archive(seeds, content), root / "site"


def test_a_larger_archive_answers_exactly_and_loads_a_part(page, synthetic_site, file_url):
    archive, site = synthetic_site
    assert len(list((site / "search" / "t").glob("*.js"))) > 2
    for q in ["生态", "营商环境", "质发展", "花", "产业 提质", "量子纠缠"]:
        page.goto(file_url(site / "search.html") + "?q=" + quote(q))
        wait_results(page, q)
        names = loaded_scripts(page)
        first = page.eval_on_selector_all("#search-results a.hit-title", "els => els.map(e => e.getAttribute('href'))")
        got = shown_links(page)
        assert len(got) == len(set(got)) and set(got) == expected_links(archive, q), q
        if q == "生态":  # one known bigram: no text but that of the results shown
            assert len(first) == 20 and len([n for n in names if n.startswith("t/")]) == 1
            slugs = [s.slug for s in archive.speeches]
            shown = {f"d/{slugs.index(slug)}" for slug, _ in got[:20]}
            assert {n for n in names if n.startswith("d/")} == shown and len(shown) < len(slugs)
    assert page.page_errors == [] and page.console_errors == []


def test_first_results_come_before_every_candidate_is_checked(page, synthetic_site, file_url):
    archive, site = synthetic_site
    page.goto(file_url(site / "search.html"))
    page.wait_for_load_state("load")
    seen = page.evaluate("""() => new Promise(resolve => {
      const app = document.getElementById('search-app'), box = document.getElementById('q');
      app.addEventListener('wenji-search-rendered', () => resolve({
        items: document.querySelectorAll('#search-results li').length,
        state: app.getAttribute('data-state'), status: document.getElementById('search-status').textContent}),
        {once: true});
      box.value = '发展的';
      box.dispatchEvent(new Event('input', {bubbles: true}));
    })""")
    assert seen["items"] == 20 and seen["state"] != "done" and "正在核对" in seen["status"]
    expected = expected_links(archive, "发展的")
    wait_results(page, "发展的")
    assert f"找到 {len(expected)} 处" in page.inner_text("#search-status")
    assert set(shown_links(page)) == expected
    assert page.page_errors == []


# --- traditional and simplified characters, on the real archive --------------------------------

CROSS_SCRIPT = [("社会主义工业化", "社會主義工業化"), ("第一个五年计划", "第一個五年計劃"), ("国营企业", "國營企業")]


def test_a_query_and_its_other_script_form_find_the_same_sections(page, real_site, file_url):
    real = load_archive(REPO / "tests" / "corpus-real" / "seeds", REPO / "tests" / "corpus-real" / "content")
    base = file_url(real_site) + "/"
    for simplified, traditional in CROSS_SCRIPT:
        open_search(page, base, simplified)
        got = shown_links(page)
        open_search(page, base, traditional)
        assert set(shown_links(page)) == set(got) == expected_links(real, simplified), simplified
        # the 1954 report, in traditional characters, is found by the simplified query
        assert "gwr-1954" in {slug for slug, _ in got}, simplified
        langs = page.eval_on_selector_all("#search-results li.hit", "els => els.map(e => [e.lang, "
                                          "e.querySelector('a.hit-title').getAttribute('href')])")
        assert all((lang == "zh-Hant") == ("gwr-1954.html" in href) for lang, href in langs
                   if "gwr-1954" in href or "gwr-1955" in href), langs
    assert page.page_errors == []


def test_a_simplified_query_highlights_the_traditional_text_as_written(page, real_site, file_url):
    open_search(page, file_url(real_site) + "/", "第一个五年计划")
    slug, frag = next((s, f) for s, f in shown_links(page) if "1954" in s)
    page.click(f"#search-results a.hit-title[href*='{slug}.html']")
    page.wait_for_load_state("load")
    marks = page.eval_on_selector_all("mark.hl", "els => els.map(e => e.textContent)")
    assert marks and "第一個五年計劃" in marks
    assert all(normal(m) == "第一个五年计划" for m in marks)
    assert page.page_errors == []
