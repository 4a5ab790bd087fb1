"""The search page keeps the reader's place, in Chromium on the built tests/corpus-real archive,
from file:// and over HTTP: Back and reload after "more" give every result back at the same
scroll position; results grouped by speech (each once, with its count) or sorted by date; the
keyboard moves between results (ArrowDown/ArrowUp, j/k) and Enter opens one."""
from __future__ import annotations

import re
from urllib.parse import quote, unquote, urlsplit

import pytest

from conftest import REAL, serve
from searchpage import wait_results
from test_a11y import RUN_AXE, axe_script
from wenji.site import load_archive

QUERY = "合作社"  # 45 hits in 13 speeches of corpus-real: three pages of results


@pytest.fixture(scope="module")
def real_http(real_site):
    with serve(real_site) as url:
        yield url


@pytest.fixture(params=["file", "http"])
def base(request, real_site, file_url):
    if request.param == "http":
        return request.getfixturevalue("real_http")
    return file_url(real_site) + "/"


@pytest.fixture(scope="module")
def dates():
    """Each speech's date in its metadata ("" when it has none), by slug."""
    return {s.slug: s.meta.date or "" for s in load_archive(REAL / "seeds", REAL / "content").speeches}


def open_search(page, base: str, query: str, extra: str = "") -> None:
    page.goto(f"{base}search.html?q={quote(query)}{extra}")
    wait_results(page, query)


def hrefs(page) -> list[str]:
    return page.eval_on_selector_all("#search-results a.hit-title", "els => els.map(e => e.getAttribute('href'))")


def show_all(page) -> list[str]:
    """Presses "more" until every result is shown; their links, in order."""
    while page.locator("button.search-more").is_visible():
        before = len(hrefs(page))
        page.click("button.search-more")
        page.wait_for_function("n => document.querySelectorAll('#search-results a.hit-title').length > n", arg=before)
    return hrefs(page)


def slug_and_fragment(href: str) -> tuple[str, str]:
    parts = urlsplit(href)
    return unquote(parts.path[len("speeches/"):-len(".html")]), unquote(parts.fragment)


def total(page) -> int:
    return int(re.search(r"找到 (\d+) 处", page.inner_text("#search-status")).group(1))


def test_back_and_reload_after_more_restore_every_result_and_the_scroll(page, base):
    open_search(page, base, QUERY)
    assert len(hrefs(page)) == 20
    shown = show_all(page)
    assert len(shown) == total(page) == 45
    target = page.locator("#search-results a.hit-title").nth(38)
    target.scroll_into_view_if_needed()
    page.evaluate("scrollBy(0, 150)")  # at once (a wheel scrolls over several frames)
    page.wait_for_function("() => history.state && history.state.scroll === Math.round(scrollY) && scrollY > 1000")
    y = page.evaluate("scrollY")
    page.evaluate("window.sameDocument = true")
    target.click()
    page.wait_for_load_state("load")
    assert page.url.endswith(shown[38].split("speeches/", 1)[1])
    page.go_back()
    wait_results(page, QUERY)
    assert page.evaluate("window.sameDocument") is None  # a page loaded again, not kept in memory
    assert hrefs(page) == shown
    assert abs(page.evaluate("scrollY") - y) <= 1
    assert page.evaluate("""() => { const r = document.querySelectorAll('#search-results a.hit-title')[38]
                                      .getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }""")
    page.reload()
    wait_results(page, QUERY)
    assert hrefs(page) == shown and abs(page.evaluate("scrollY") - y) <= 1
    assert page.page_errors == [] and page.console_errors == []


def test_a_new_query_starts_at_the_top_with_one_page(page, base):
    open_search(page, base, QUERY)
    show_all(page)
    page.evaluate("scrollBy(0, 3000)")
    page.fill("#q", "粮食")
    wait_results(page, "粮食")
    assert len(hrefs(page)) == 20
    page.wait_for_function("() => history.state.count === 20 && history.state.scroll === Math.round(scrollY)")
    y = page.evaluate("scrollY")
    assert y < 200  # the search box at the top is in view
    page.reload()
    wait_results(page, "粮食")
    assert len(hrefs(page)) == 20 and abs(page.evaluate("scrollY") - y) <= 1


def test_grouped_by_speech_each_speech_once_with_its_count(page, base):
    open_search(page, base, QUERY)
    relevance = show_all(page)
    page.get_by_label("按篇分组").check()
    page.wait_for_function("() => location.search.includes('group=1')")
    grouped = show_all(page)
    groups = page.eval_on_selector_all("#search-results > li.hit-group", """els => els.map(g => ({
        speech: g.querySelector('h2 a').getAttribute('href'),
        count: g.querySelector(':scope > .hit-meta .count').textContent,
        hits: Array.from(g.querySelectorAll('a.hit-title'), a => a.getAttribute('href'))}))""")
    slugs = [slug_and_fragment(g["speech"])[0] for g in groups]
    assert len(slugs) == len(set(slugs)) == 13
    assert sum(int(g["count"].rstrip(" 处")) for g in groups) == total(page) == len(relevance)
    for slug, g in zip(slugs, groups):
        assert int(g["count"].rstrip(" 处")) == len(g["hits"])
        assert {slug_and_fragment(h)[0] for h in g["hits"]} == {slug}
        assert g["hits"] == [h for h in relevance if slug_and_fragment(h)[0] == slug]  # relevance order within
    first_seen = list(dict.fromkeys(slug_and_fragment(h)[0] for h in relevance))
    assert slugs == first_seen  # speeches in the order of their best hit
    assert sorted(grouped) == sorted(relevance)
    page.reload()
    wait_results(page, QUERY)
    assert page.is_checked("#search-group") and page.locator("li.hit-group").count() > 0
    assert page.page_errors == []


def place_in_speech(site_page: str, fragment: str) -> int:
    return site_page.index(f'id="{fragment}"')


@pytest.mark.parametrize("sort", ["date", "date-desc"])
def test_sorted_by_date_then_place_in_the_speech(page, base, real_site, dates, sort):
    open_search(page, base, QUERY)
    relevance = show_all(page)
    page.get_by_label("排序").select_option(sort)
    page.wait_for_function("s => location.search.includes('sort=' + s)", arg=sort)
    by_date = show_all(page)
    assert sorted(by_date) == sorted(relevance) and by_date != relevance
    keys = []
    for href in by_date:
        slug, fragment = slug_and_fragment(href)
        html = (real_site / "speeches" / f"{slug}.html").read_text("utf-8")
        keys.append((dates[slug], slug, place_in_speech(html, fragment)))
    dated = [k[0] for k in keys if k[0]]
    assert dated == sorted(dated, reverse=sort == "date-desc") and len(set(dated)) > 5
    assert [k[0] for k in keys[len(dated):]] == [""] * (len(keys) - len(dated))  # undated last
    for a, b in zip(keys, keys[1:]):
        if a[1] == b[1]:
            assert a[2] < b[2], (a, b)  # within a speech, in reading order
    assert len({k[1] for k in keys}) == len(dict.fromkeys(k[1] for k in keys))
    runs = [k[1] for i, k in enumerate(keys) if i == 0 or keys[i - 1][1] != k[1]]
    assert len(runs) == len(set(runs))  # each speech's hits together
    assert page.page_errors == []


def focused(page) -> str:
    return page.evaluate("""() => { const a = document.activeElement;
        return a.id || a.getAttribute('href') || a.className || a.tagName; }""")


def test_the_keyboard_moves_through_the_results_and_enter_opens_one(page, base):
    open_search(page, base, QUERY)
    links = hrefs(page)
    page.focus("#q")
    page.keyboard.press("ArrowDown")
    assert focused(page) == links[0]
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert focused(page) == links[2]
    page.keyboard.press("k")
    assert focused(page) == links[1]
    page.keyboard.press("ArrowDown")
    assert focused(page) == links[2]
    for _ in range(3):
        page.keyboard.press("ArrowUp")
    assert focused(page) == "q"
    page.keyboard.type("j")  # in the search box a letter is typed, not a move
    assert focused(page) == "q" and page.input_value("#q") == QUERY + "j"
    page.fill("#q", QUERY)
    wait_results(page, QUERY)
    page.keyboard.press("ArrowDown")
    for _ in range(19):
        page.keyboard.press("j")
    assert focused(page) == links[19]
    page.keyboard.press("j")  # past the last shown: "more"
    assert focused(page) == "search-more"
    page.keyboard.press("Enter")
    assert focused(page) == hrefs(page)[20]
    page.keyboard.press("j")
    chosen = hrefs(page)[21]
    page.keyboard.press("Enter")
    page.wait_for_url(base + chosen)
    assert page.page_errors == []


def test_two_tabs_and_enter_reach_the_first_result(page, base):
    open_search(page, base, QUERY)
    page.keyboard.press("Tab")
    assert focused(page) == "#main"
    page.keyboard.press("Tab")
    assert focused(page) == "#search-results"
    assert page.evaluate("document.activeElement.getBoundingClientRect().left") >= 0  # shown when focused
    page.keyboard.press("Enter")
    first = hrefs(page)[0]
    assert focused(page) == first
    page.keyboard.press("Enter")
    page.wait_for_url(base + first)


@pytest.mark.parametrize("view", ["desktop", "phone"])
def test_axe_finds_no_serious_violation_in_the_grouped_list(browser, real_site, file_url, view):
    options = {"bypass_csp": True}
    if view == "phone":
        options.update(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    context = browser.new_context(**options)
    page = context.new_page()
    try:
        open_search(page, file_url(real_site) + "/", QUERY, "&sort=date-desc&group=1")
        assert page.locator("li.hit-group").count() > 1 and page.is_checked("#search-group")
        assert page.get_by_label("排序").input_value() == "date-desc"
        page.click("button.search-more")
        page.focus("#q")
        page.keyboard.press("ArrowDown")
        page.add_script_tag(path=str(axe_script()))
        result = page.evaluate(RUN_AXE)
        width = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    finally:
        context.close()
    assert result["passes"] > 10
    bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, "\n".join(f"{v['impact']} {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in bad)
    assert width[0] <= width[1]  # nothing wider than the screen
