"""In Chromium: citations, the print view, the reading size, links to a quote."""
from __future__ import annotations

import datetime as dt
import re

SPEECH = "speeches/002_37d2cc4661cfeced.html"


def test_cite_control_shows_the_reference(page, built_site, file_url):
    page.goto(file_url(built_site / SPEECH))
    box = page.locator("section#s1-1 > .sh details.cite")
    box.locator("summary").click()
    gbt = box.locator(".cite-text.gbt")
    assert gbt.is_visible()
    text = gbt.inner_text()
    assert text.startswith("**市第十四届人民政府. 政府工作报告：一、过去五年工作回顾 （一）我们坚持转方式调结构聚集群")
    assert f"(2021)[{dt.date.today().isoformat()}]" in text  # the reader's cited date is filled in
    assert "@misc{002_37d2cc4661cfeced_s1_1," in box.locator(".bibtex").inner_text()
    assert box.locator("button.copy-cite").count() == 2


def test_cite_over_http_adds_the_page_address(page, http_site):
    page.goto(http_site + SPEECH)
    box = page.locator("section#s2 > .sh details.cite")
    box.locator("summary").click()
    assert box.locator(".cite-text.gbt").inner_text().endswith(f". {http_site}{SPEECH}#s2.")


def test_print_view_hides_navigation_and_keeps_numbers(page, built_site, file_url):
    page.goto(file_url(built_site / SPEECH))
    page.emulate_media(media="print")
    for selector in ("header.site", "nav.toc", ".prevnext", "details.cite", ".search-box", ".reading-bar"):
        assert not page.locator(selector).first.is_visible(), selector
    # the paragraph numbers: a CSS counter of the numbered paragraphs, which come in reading order
    assert page.locator("p#p5").evaluate("e => getComputedStyle(e, '::before').content") == "counter(para)"
    assert page.locator(".speech-body p[id]").evaluate_all("ps => ps.slice(0, 5).map(p => p.id)") == [
        "p1", "p2", "p3", "p4", "p5"]
    assert page.locator(".speech-body p[id]").count() == page.locator(".speech-body p").count()
    # headings keep the document's numbering and nothing else: no section id printed beside them
    assert page.locator("section#s3-4 > .sh").evaluate("e => getComputedStyle(e, '::before').content") in ("none", "normal")
    assert page.locator("section#s3-4 h3").first.inner_text().startswith("（四）")
    footer = page.locator(".print-url")
    assert footer.is_visible() and footer.inner_text().endswith(SPEECH)
    page.emulate_media(media="screen")
    assert page.locator("header.site").is_visible() and not footer.is_visible()


def test_reading_size_is_remembered(page, http_site):
    page.goto(http_site + SPEECH)
    size = lambda: page.locator("p#p2").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    normal = size()
    page.click(".size-control button[data-size='l']")
    large = size()
    assert large > normal
    page.reload()
    assert size() == large
    assert page.locator(".size-control button[data-size='l']").get_attribute("aria-pressed") == "true"
    page.click(".size-control button[data-size='s']")
    assert size() < normal


def test_selecting_text_offers_a_quote_link_on_sentence_boundaries(page, http_site):
    page.goto(http_site + SPEECH)
    page.evaluate("""() => {
      const p = document.querySelector('#p2');
      const t = p.firstChild;  // text node before the first mask span
      const r = document.createRange();
      r.setStart(t, 4); r.setEnd(t, 6);
      const s = window.getSelection(); s.removeAllRanges(); s.addRange(r);
    }""")
    page.mouse.move(10, 10)
    page.mouse.down()
    page.mouse.up()
    page.evaluate("""() => {
      const p = document.querySelector('#p2'); const r = document.createRange();
      r.setStart(p.firstChild, 4); r.setEnd(p.firstChild, 6);
      const s = window.getSelection(); s.removeAllRanges(); s.addRange(r);
      document.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
    }""")
    button = page.locator("#p2 button.quote-link")
    button.wait_for()
    href = button.get_attribute("data-href")
    quote = button.get_attribute("data-quote")
    assert re.search(r"#p2:~:text=", href)
    full = page.locator("#p2").evaluate("e => e.firstChild.textContent")
    assert quote.startswith("现在，我代表")  # widened to the whole sentence
    assert quote.endswith("。")
