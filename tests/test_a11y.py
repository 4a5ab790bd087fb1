"""Accessibility: axe-core in Chromium, and a reader who has only a keyboard.

axe-core (npm, pinned in package.json; ``scripts/test`` runs ``npm ci``) is injected into the
home page, a speech page, the search page with results, the theme index and a theme page, the
keyword index and a page of it, in the light and the dark colour scheme (1280 wide) and on a
phone (390 wide): no serious or critical violation.
The injected script is inline, so those contexts bypass the page's CSP; the keyboard tests
run under it.

Keyboard only: every tab stop shows where focus is; the search box (``/``), the table of
contents, permalinks, copy-link buttons and citation controls are reached with Tab and work
with Enter.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, unquote

import pytest

REPO = Path(__file__).resolve().parent.parent
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
SPEECH = "speeches/002_37d2cc4661cfeced.html"


def axe_script() -> Path:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm ci` at the repository root (scripts/test does it)", pytrace=False)
    return AXE


def pages(site: Path) -> dict[str, str]:
    themes = sorted(p.name for p in (site / "themes").glob("*.html") if p.name != "index.html")
    assert themes, "no theme page was built"
    letters = sorted(p.name for p in (site / "keywords").glob("*.html"))
    assert letters, "no keyword page was built"
    return {"home": "index.html", "speech": SPEECH, "search": "search.html?q=" + quote("生态"),
            "theme": "themes/" + themes[0], "themes": "themes/index.html", "keywords": "keywords.html",
            "keyword-letter": "keywords/" + letters[0], "compare": "compare.html",
            "trends": "trends.html?q=" + quote("发展,改革")}


RUN_AXE = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return {passes: r.passes.length, violations: r.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').replace(/\\s+/g, ' '))}))};
}"""


@pytest.mark.parametrize("view", ["light", "dark", "phone"])
@pytest.mark.parametrize("name", ["home", "speech", "search", "theme", "themes", "keywords", "keyword-letter",
                                  "compare", "trends"])
def test_axe_finds_no_serious_or_critical_violation(browser, built_site, file_url, name, view):
    options = {"bypass_csp": True, "color_scheme": "dark" if view == "dark" else "light"}
    if view == "phone":
        options.update(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    context = browser.new_context(**options)
    page = context.new_page()
    try:
        page.goto(file_url(built_site) + "/" + pages(built_site)[name])
        if name == "search":
            page.wait_for_selector("#search-results li.hit", state="attached")
        if name in ("compare", "trends"):  # with the two speeches compared, the chart and tables drawn
            page.wait_for_selector(f"#{name}-app[data-state=done]")
        if name == "keywords":  # with what the filter box found
            page.locator("#kw-q").fill("发展")
            page.wait_for_selector("#kw-results a")
        page.add_script_tag(path=str(axe_script()))
        result = page.evaluate(RUN_AXE)
    finally:
        context.close()
    assert result["passes"] > 10  # axe really looked at the page
    bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, "\n".join(f"{v['impact']} {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in bad)


# --- keyboard only ---------------------------------------------------------------------------

FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body || e === document.documentElement) return null;
  const s = getComputedStyle(e), r = e.getBoundingClientRect();
  let opacity = 1;
  for (let n = e; n && n.nodeType === 1; n = n.parentElement) opacity *= parseFloat(getComputedStyle(n).opacity);
  const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || (s.boxShadow && s.boxShadow !== 'none');
  const onScreen = r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth;
  const sec = e.closest('section');
  return {tag: e.tagName.toLowerCase(), cls: String(e.className), href: e.getAttribute('href'),
          text: (e.textContent || '').trim().slice(0, 20), in_toc: !!e.closest('nav.toc'),
          in_body: !!e.closest('.speech-body'), in_cite: !!e.closest('details.cite'), section: sec ? sec.id : '',
          visible: !!ring && opacity > 0.5 && s.visibility !== 'hidden' && onScreen};
}"""


def focused(page) -> dict | None:
    return page.evaluate(FOCUSED)


def tab_until(page, want, limit: int = 400) -> list[dict]:
    """Press Tab until ``want(focused)`` holds; every stop on the way, the last one included."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        f = focused(page)
        if f is None:
            continue
        stops.append(f)
        if want(f):
            return stops
    pytest.fail(f"not reached with {limit} presses of Tab; last stops: {stops[-5:]}")


@pytest.fixture(params=["file", "http"])
def base(request, built_site, file_url):
    if request.param == "http":
        return request.getfixturevalue("http_site")
    return file_url(built_site) + "/"


@pytest.fixture
def kpage(browser):
    """A page whose clipboard may be written and read, as a reader's would after copying."""
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    try:
        yield page
    finally:
        context.close()


def test_every_tab_stop_of_a_speech_page_shows_focus(kpage, base):
    page = kpage
    page.goto(base + SPEECH)
    stops = tab_until(page, lambda f: f["in_body"] and f["tag"] == "summary")  # to the first citation control
    assert stops[0]["cls"] == "skip" and stops[0]["visible"]  # first stop: skip to the text
    kinds = {("toc" if f["in_toc"] else "body" if f["in_body"] else "other", f["tag"], f["cls"]) for f in stops}
    assert ("toc", "a", "") in kinds and ("body", "a", "permalink") in kinds and ("body", "button", "copy-link") in kinds
    hidden = [f for f in stops if not f["visible"]]
    assert not hidden, f"focus not visible at: {hidden}"


def test_skip_link_moves_focus_to_the_text(kpage, base):
    page = kpage
    page.goto(base + SPEECH)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    f = tab_until(page, lambda f: True)[-1]
    assert f["in_toc"] or f["in_body"] or f["in_cite"]  # past the site header, into the page itself


def test_toc_permalink_copy_and_cite_by_keyboard(kpage, base):
    page = kpage
    page.goto(base + SPEECH)
    toc = tab_until(page, lambda f: f["in_toc"] and f["href"] == "#s3")[-1]
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#s3"
    assert page.evaluate("document.querySelector(':target').id") == "s3"
    assert page.locator("section#s3 h2").first.is_visible() and toc["visible"]

    # Tab goes on from the section just reached: its permalink first
    link = tab_until(page, lambda f: True, limit=1)[-1]
    assert (link["cls"], link["href"], link["section"], link["visible"]) == ("permalink", "#s3", "s3", True)
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#s3"

    # (Chromium starts the next Tab from the target again: the permalink, then its copy button)
    copy = tab_until(page, lambda f: f["cls"] == "copy-link", limit=2)[-1]
    assert copy["section"] == "s3" and copy["visible"]
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.textContent === '已复制' || !!document.querySelector('.copy-fallback')")
    if page.evaluate("window.isSecureContext && !!navigator.clipboard"):
        assert page.evaluate("navigator.clipboard.readText()").endswith(SPEECH + "#s3")

    cite = tab_until(page, lambda f: True, limit=1)[-1]
    assert cite["tag"] == "summary" and cite["in_cite"] and cite["visible"]
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.parentElement.open") is True
    # cite.js adds the copy buttons on the details' toggle event, which fires after the key press
    page.wait_for_function("() => !!document.activeElement.parentElement.querySelector('button.copy-cite')")
    copy_cite = tab_until(page, lambda f: True, limit=1)[-1]
    assert copy_cite["cls"] == "copy-cite" and copy_cite["visible"]
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.textContent === '已复制' || !!document.querySelector('.copy-fallback')")
    if page.evaluate("window.isSecureContext && !!navigator.clipboard"):
        cited = page.evaluate("navigator.clipboard.readText()")
        assert "[EB/OL]" in cited or "GB/T" in cited or "政府工作报告" in cited, cited

    # and on to the paragraphs: a paragraph permalink
    para = tab_until(page, lambda f: f["cls"] == "permalink" and (f["href"] or "").startswith("#p"))[-1]
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == para["href"]
    assert page.evaluate("document.querySelector(':target').tagName") == "P"
    assert page.errors == []


def test_search_by_keyboard_from_a_speech_page(kpage, base):
    page = kpage
    page.goto(base + SPEECH)
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    assert focused(page)["visible"]
    page.keyboard.type("花卉")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search.html?*")
    page.wait_for_function("q => document.getElementById('search-app').getAttribute('data-query') === q", arg="花卉")
    hit = tab_until(page, lambda f: f["tag"] == "a" and "hit-title" in f["cls"])[-1]
    assert hit["visible"]
    page.keyboard.press("Enter")
    page.wait_for_url("**/speeches/*")
    target = unquote(page.evaluate("location.hash"))[1:]
    assert target and page.evaluate("document.querySelector(':target') && document.querySelector(':target').id") == target
    assert "花卉" in page.locator(f"[id='{target}']").inner_text()
    assert page.errors == []
