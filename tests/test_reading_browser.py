"""Reading the real archive (tests/corpus-real) and the seeds in Chromium, on a phone (390 × 844,
and 320 wide), on a desktop (1280 × 900) and on paper: nothing wider than the screen, the title of
a speech in the first screen of a phone, the table of contents behind a button there and beside
the text on a desktop, marking the section in view, back to the top, print without section codes
or highlights, citations and downloads made from the page, the keyword index and its filter.
"""
from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import REAL, serve
from wenji import cite, downloads, render
from wenji.site import load_archive

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
NARROW = {"viewport": {"width": 320, "height": 640}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
SPEECH = "speeches/gwr-2019.html"  # 63 sections, and a source address of 200 percent-escaped bytes


@pytest.fixture
def open_page(browser):
    contexts = []

    def open_(url: str, **options):
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        page.goto(url)
        return page
    yield open_
    for context in contexts:
        context.close()


def every_page(site: Path, queries: tuple[str, ...]) -> list[str]:
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    return pages + ["search.html?q=" + q for q in queries]


# The page's width, and elements that reach past it other than inside a box that scrolls sideways
# (the heatmap, its table, the letter bar of the keyword index on a phone).
WIDER = """() => {
  const w = document.documentElement.clientWidth;
  const scrolls = e => { for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
    if (/auto|scroll/.test(getComputedStyle(a).overflowX)) return true; } return false; };
  const over = [...document.querySelectorAll('body *')].filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.right > w + 1 && !scrolls(e);
  }).slice(0, 3).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));
  return {scroll: document.documentElement.scrollWidth, width: w, over};
}"""


@pytest.mark.parametrize("size", [NARROW, PHONE, DESKTOP], ids=["320", "390", "1280"])
@pytest.mark.parametrize("which", ["real", "seeds"])
def test_no_page_is_wider_than_the_screen(browser, request, file_url, which, size):
    site = request.getfixturevalue("real_site" if which == "real" else "built_site")
    context = browser.new_context(**size)
    page = context.new_page()
    wide = []
    try:
        for rel in every_page(site, ("发展", "人民公社") if which == "real" else ("发展", "营商环境")):
            page.goto(file_url(site) + "/" + rel)
            if rel.startswith("search.html?"):
                page.wait_for_function("() => document.getElementById('search-app').getAttribute('data-query')")
                assert page.locator("#search-results li").count() > 0, page.locator("#search-status").inner_text()
            got = page.evaluate(WIDER)
            if got["scroll"] > got["width"] or got["over"]:
                wide.append(f"{rel}: {got}")
    finally:
        context.close()
    assert not wide, "\n".join(wide[:10])


def test_a_source_address_is_shown_decoded(real_site, real_archive):
    html = (real_site / SPEECH).read_text(encoding="utf-8")
    source = next(s for s in real_archive.speeches if s.slug == "gwr-2019").meta.source
    assert "%E5" in source
    assert "https://zh.wikisource.org/wiki/2019年中华人民共和国国务院政府工作报告" in html
    assert "%E5" not in html.split('<header class="speech-head">')[1].split("</header>")[0]


def test_on_a_phone_the_title_comes_first_and_the_contents_wait_behind_a_button(open_page, real_site, file_url):
    page = open_page(file_url(real_site / SPEECH), **PHONE)
    title = page.locator("h1#title").bounding_box()
    assert title["y"] + title["height"] <= 844  # in the first screen
    assert not page.locator("nav.toc").is_visible()
    button = page.locator(".reading-bar button.toc-button")
    box = button.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44 and box["y"] + box["height"] <= 844
    page.mouse.wheel(0, 6000)
    page.wait_for_timeout(200)
    assert button.is_visible() and button.bounding_box()["y"] + box["height"] <= 844  # at hand while reading
    button.click()
    assert button.get_attribute("aria-expanded") == "true"
    toc = page.locator("nav.toc")
    assert toc.is_visible()
    current = page.locator("nav.toc a[aria-current]")
    assert current.count() == 1 and current.is_visible()  # opened at the section being read
    link = page.locator("nav.toc a[href='#s3']")
    link.click()
    assert page.evaluate("location.hash") == "#s3" and not toc.is_visible()  # closed once a section is chosen
    button.click()
    page.keyboard.press("Escape")
    assert not toc.is_visible() and page.evaluate("document.activeElement.className") == "toc-button"
    assert page.errors == []


def test_on_a_desktop_the_contents_sit_beside_the_text_and_mark_the_section_in_view(open_page, real_site, file_url):
    page = open_page(file_url(real_site / SPEECH), **DESKTOP)
    toc, article = page.locator("nav.toc"), page.locator("article.speech")
    assert toc.is_visible() and not page.locator(".reading-bar .toc-button").is_visible()
    assert toc.bounding_box()["x"] >= article.bounding_box()["x"] + article.bounding_box()["width"]
    # sections that fill the top of the window when scrolled to: the next one starts 400 px below or more
    roomy = page.evaluate("""() => { const s = [...document.querySelectorAll('.speech-body section.sec')];
        const top = e => e.getBoundingClientRect().top + scrollY;
        return s.filter((e, i) => i + 1 < s.length && top(s[i + 1]) - top(e) > 400).map(e => e.id); }""")
    assert len(roomy) >= 3
    for sid in (roomy[len(roomy) // 2], roomy[-1], roomy[0]):
        page.evaluate("id => window.scrollTo(0, document.getElementById(id).getBoundingClientRect().top + scrollY - 10)", sid)
        page.wait_for_function("id => document.querySelector('nav.toc a[aria-current]') && "
                               "document.querySelector('nav.toc a[aria-current]').getAttribute('href') === '#' + id", arg=sid)
        marked = page.locator("nav.toc a[aria-current]")
        assert marked.count() == 1 and marked.is_visible()  # the contents scrolled to show it
        assert toc.bounding_box()["y"] >= 0  # sticky: still in view
    assert page.errors == []


def test_back_to_the_top(open_page, real_site, file_url):
    page = open_page(file_url(real_site / SPEECH), **PHONE)
    top = page.locator(".reading-bar .to-top")
    assert not top.is_visible()  # nothing to go back to yet
    page.evaluate("window.scrollTo(0, 20000)")
    page.wait_for_function("() => document.querySelector('.reading-bar').classList.contains('scrolled')")
    box = top.bounding_box()
    assert top.is_visible() and box["height"] >= 44
    top.click()
    page.wait_for_function("() => window.scrollY < 10")


def test_previous_and_next_go_to_the_same_kind(real_site, real_archive):
    speeches = real_archive.speeches
    kinds = {s.slug: s.meta.kind for s in speeches}
    checked = 0
    for i, s in enumerate(speeches):
        html = (real_site / "speeches" / f"{s.slug}.html").read_text(encoding="utf-8")
        for rel, step in (("prev", -1), ("next", 1)):
            link = re.search(rf'<a rel="{rel}" href="([^"]+)\.html">', html)
            same = [x for x in (speeches[:i][::-1] if step < 0 else speeches[i + 1:]) if x.meta.kind == s.meta.kind]
            plain = speeches[i + step] if 0 <= i + step < len(speeches) else None
            want = same[0] if same else plain
            assert (link.group(1) if link else None) == (want.slug if want else None), (s.slug, rel)
            if link and kinds[link.group(1)] == s.meta.kind:
                checked += 1
                assert f"{'上' if step < 0 else '下'}一篇{s.meta.kind}" in html
    assert checked > len(speeches)  # most links join speeches of one kind
    # 1979's next government work report is 2010's, though congress reports came between
    assert render.neighbours(speeches, [s.slug for s in speeches].index("gwr-1979"))[1].slug == "gwr-2010"


def pdf_text(page) -> str:
    reader = PdfReader(io.BytesIO(page.pdf(format="A4")))
    return "\n".join(p.extract_text() for p in reader.pages)


def test_a_printed_speech_has_no_section_codes_nor_highlights_and_uses_the_page(open_page, real_site, real_archive,
                                                                                file_url):
    speech = next(s for s in real_archive.speeches if s.slug == "gwr-2019")
    url = file_url(real_site / SPEECH)
    page = open_page(url + "?hl=" + "经济" + "#p3", **DESKTOP)
    page.wait_for_selector("mark", state="attached")
    text = pdf_text(page)
    assert not re.search(r"(?<![\w/.#-])s\d+(?:-\d+)*(?![\w.])", text), re.findall(r"\bs\d+(?:-\d+)*\b", text)[:5]
    assert "2019" in text and f"{speech.chars:,}" in text  # the header: date, length
    assert "zh.wikisource.org/wiki/2019" in text  # the source, readable
    assert re.search(rf"\b{len(speech.paragraphs())}\b", text)  # paragraph numbers kept
    assert url.replace("file://", "").split("/")[-1] in text.replace("\n", "")  # and the page's address
    page.emulate_media(media="print")
    for hidden in ("header.site", "nav.toc", ".reading-bar", ".prevnext", "details.cite", "ul.theme-chips"):
        assert not page.locator(hidden).first.is_visible(), hidden
    mark = page.locator("mark").first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert mark in ("rgba(0, 0, 0, 0)", "transparent")
    body = page.locator(".speech-body").bounding_box()
    assert body["width"] > 0.85 * page.evaluate("document.documentElement.clientWidth")  # the page's width
    first = page.evaluate("""() => [...document.querySelectorAll('.speech-head > *')]
        .filter(e => e.offsetParent !== null).sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)
        .map(e => e.tagName + (e.className ? '.' + e.className : ''))""")
    assert first[:2] == ["H1", "DL.facts"], first  # the title, then date and source


@pytest.mark.parametrize("how", ["http", "file", "base-url"])
def test_a_copied_citation_holds_the_address_and_the_date_of_copying(browser, real_site, real_archive, how, tmp_path):
    from conftest import build

    site, config = real_site, real_archive.config
    if how == "base-url":
        site = tmp_path / "site"
        assert build(REAL / "seeds", REAL / "content", site, "--base-url", "https://example.org/reports/").returncode == 0
        config = {**config, "base_url": "https://example.org/reports/"}
    speech = next(s for s in real_archive.speeches if s.slug == "gwr-2019")
    sec, path = next((s, p) for s, p in speech.sections() if s.id == "s3-3")
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        with serve(site) as base:
            root = base if how != "file" else site.resolve().as_uri() + "/"
            page = context.new_page()
            page.goto(root + SPEECH)
            box = page.locator("section#s3-3 > .sh details.cite")
            box.locator("summary").click()
            page.evaluate("() => { window.__copied = []; const w = window.wenjiCopy;"
                          " window.wenjiCopy = (t, b) => { window.__copied.push(t); w(t, b); }; }")
            box.locator("button.copy-cite").first.click()
            box.locator("button.copy-cite").nth(1).click()
            gbt, bib = page.evaluate("window.__copied")
    finally:
        context.close()
    today = dt.date.today().isoformat()
    address = None if how == "base-url" else root + SPEECH
    assert gbt == cite.gbt7714(config, speech, sec, path, cited=today, page_url=address)
    assert bib == cite.bibtex(config, speech, sec, path, cited=today, page_url=address)
    assert f"[{today}]" in gbt and "#s3-3." in gbt and "[引用日期]" not in gbt
    assert gbt.endswith(("https://example.org/reports/" if how == "base-url" else root) + SPEECH + "#s3-3.")


def formats_archive(folder: Path) -> tuple[Path, Path]:
    """One speech in each seed format (Word and Markdown with their own footnotes), and a .txt."""
    from sourcefiles import blocks_of, make_docx, make_html, make_md, make_pdf, speech_text

    seeds = folder / "seeds"
    seeds.mkdir()
    blocks = blocks_of((REAL / "seeds" / "gwr-2018.txt").read_text(encoding="utf-8"))[:30]
    (seeds / "plain.txt").write_text(speech_text(blocks), encoding="utf-8")
    make_docx(blocks, seeds / "word.docx", footnotes={"政府": "指国务院。", "发展": "见第一部分。"})
    make_pdf(blocks, seeds / "gazette.pdf")
    (seeds / "page.html").write_bytes(make_html(blocks, "2018年政府工作报告", "2018-03-22"))
    (seeds / "notes.md").write_text(make_md(blocks) + "\n我们推动高质量发展[^a]，坚持稳中求进[^b]。\n\n"
                                    "[^a]: 指*更高*质量的发展。\n[^b]: 见中央经济工作会议公报。\n", encoding="utf-8")
    return seeds, folder / "content"


@pytest.mark.parametrize("which", ["real", "seeds", "formats"])
def test_a_speech_s_download_links_open_its_txt_and_json_from_file_url(browser, request, file_url, which, tmp_path):
    """The links on a speech page lead to the files the build wrote (speeches/<slug>.txt and
    .json). From file:// Chromium ignores ``download`` and opens the file: the reader sees it,
    decoded as UTF-8, and saves it from there."""
    if which == "formats":
        from conftest import build

        seeds, content = formats_archive(tmp_path)
        site = tmp_path / "site"
        assert build(seeds, content, site).returncode == 0
    else:
        site = request.getfixturevalue("real_site" if which == "real" else "built_site")
        folder = (REAL if which == "real" else Path(__file__).parent.parent)
        seeds, content = folder / "seeds", folder / "content"
    archive = load_archive(seeds, content)
    context = browser.new_context()
    page = context.new_page()
    try:
        for s in archive.speeches:
            for label, want, name in (("本篇纯文本", downloads.plain_text(s), f"{s.slug}.txt"),
                                      ("本篇结构", downloads.speech_json(archive.config, s), f"{s.slug}.json")):
                assert (site / "speeches" / name).read_text(encoding="utf-8") == want
                page.goto(file_url(site / "speeches" / f"{s.slug}.html"))
                page.locator("#downloads a", has_text=label).click()
                page.wait_for_url(file_url(site / "speeches" / name))
                assert page.evaluate("document.characterSet") == "UTF-8"
                assert page.evaluate("document.body.textContent") == want, (s.slug, name)
    finally:
        context.close()


def test_a_speech_s_download_links_save_its_txt_and_json_over_http(browser, http_site, built_site):
    archive = load_archive(Path(__file__).parent.parent / "seeds", Path(__file__).parent.parent / "content")
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    try:
        for s in archive.speeches:
            page.goto(f"{http_site}speeches/{s.slug}.html")
            for label, name in (("本篇纯文本", f"{s.slug}.txt"), ("本篇结构", f"{s.slug}.json"),
                                ("全部纯文本与数据", "archive-texts.zip")):
                with page.expect_download() as got:
                    page.locator("#downloads a", has_text=label).click()
                saved = got.value
                assert saved.suggested_filename == name
                where = built_site / ("speeches/" + name if name.startswith(s.slug) else name)
                assert Path(saved.path()).read_bytes() == where.read_bytes()
    finally:
        context.close()


def test_the_keyword_filter_finds_words_under_any_letter_loading_only_the_list(open_page, real_site, file_url):
    requests: list[str] = []
    page = open_page(file_url(real_site / "keywords.html"), **PHONE)
    page.on("request", lambda r: requests.append(r.url))
    box = page.locator("#kw-q")
    assert box.is_visible()
    box.fill("jingji")
    page.wait_for_selector("#kw-results a")
    found = page.locator("#kw-results a").all_inner_texts()
    assert "经济" in found and found[0] in ("经济", "經濟")
    assert [u for u in requests if "/keywords/" in u] == [file_url(real_site / "keywords" / "terms.js")]
    box.fill("经济")
    page.wait_for_function("() => document.querySelector('#kw-results a') && document.querySelector('#kw-results a').textContent === '经济'")
    found = page.locator("#kw-results a").all_inner_texts()
    assert len(found) > 5 and all("经济" in t for t in found)
    assert any(not t.startswith("经济") for t in found)  # 市场经济 under S, 宏观经济 under H
    assert page.locator("#kw-status").inner_text().startswith("找到")
    page.locator("#kw-results a", has_text="宏观经济").first.click()
    page.wait_for_load_state()
    assert "/keywords/h" in page.url
    assert page.evaluate("document.querySelector(':target').textContent").startswith("宏观经济")
    box = page.locator("#kw-q")
    box.fill("zzzzqq")
    page.wait_for_function("() => document.getElementById('kw-status').textContent.startsWith('没有')")
    assert page.errors == []


def test_an_old_address_of_an_entry_still_leads_to_it(open_page, real_site, file_url):
    anchor = re.search(r'<dt id="(kw-[a-z0-9-]+)">宏观经济', (real_site / "keywords" / "h.html").read_text(encoding="utf-8")).group(1)
    page = open_page(file_url(real_site / "keywords.html") + "#" + anchor, **DESKTOP)
    page.wait_for_url("**/keywords/h.html#" + anchor)
    assert page.evaluate("document.querySelector(':target').id") == anchor


def test_the_heatmap_scrolls_sideways_with_its_labels_in_view(open_page, real_site, file_url):
    page = open_page(file_url(real_site / "themes" / "index.html"), **PHONE)
    scroller = page.locator(".heatmap-scroll")
    labels = page.locator("svg.heatmap-labels")
    left = labels.bounding_box()["x"]
    assert scroller.evaluate("e => e.scrollWidth > e.clientWidth")  # twelve columns do not fit a phone
    scroller.evaluate("e => { e.scrollLeft = 200; }")
    assert scroller.evaluate("e => e.scrollLeft") == 200
    assert abs(labels.bounding_box()["x"] - left) < 1  # the labels stayed
    assert page.locator("svg.heatmap-labels text.hm-row").first.evaluate("e => e.lastChild.textContent") == "2022 党代会报告"


TAPS = ".site-nav a, .size-control button, .search-box button, .reading-bar a, .reading-bar button, " \
       "nav.pages a, .letter-bar a, ul.letter-cards a, #kw-results a"


@pytest.mark.parametrize("rel", ["index.html", SPEECH, "keywords.html", "keywords/j.html", "themes/index.html"])
def test_tap_targets_are_at_least_44_px(open_page, real_site, file_url, rel):
    page = open_page(file_url(real_site / rel), **PHONE)
    if rel == "keywords.html":
        page.locator("#kw-q").fill("发展")
        page.wait_for_selector("#kw-results a")
    if rel == SPEECH:
        page.evaluate("window.scrollTo(0, 5000)")
        page.wait_for_function("() => document.querySelector('.reading-bar').classList.contains('scrolled')")
    small = page.evaluate(f"""() => [...document.querySelectorAll({TAPS!r})]
        .filter(e => e.offsetParent !== null)
        .map(e => [e.textContent.trim().slice(0, 10), e.getBoundingClientRect()])
        .filter(([t, r]) => r.width < 44 || r.height < 44).map(([t, r]) => t + ' ' + r.width + 'x' + r.height)""")
    assert page.evaluate(f"document.querySelectorAll({TAPS!r}).length") > 3
    assert not small, small
