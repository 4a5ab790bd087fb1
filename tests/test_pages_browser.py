"""A reader in Chromium: table of contents, permalinks, highlighted targets, copy-link buttons."""
from __future__ import annotations

import pytest

SPEECH = "speeches/002_37d2cc4661cfeced.html"
TARGET_BG = "rgb(255, 243, 196)"  # --target in the light scheme


@pytest.fixture(params=["file", "http"])
def site_url(request, built_site, file_url):
    if request.param == "file":
        return file_url(built_site) + "/"
    return request.getfixturevalue("http_site")


def test_toc_link_and_permalink_highlight_their_target(page, site_url):
    page.goto(site_url + SPEECH)
    page.click('nav.toc a[href="#s3-4"]')
    assert page.evaluate("location.hash") == "#s3-4"
    target = page.locator("section#s3-4")
    assert page.evaluate("document.querySelector(':target').id") == "s3-4"
    assert target.locator("h3").first.inner_text().startswith("（四）奋力推进乡村振兴全面提质")
    assert target.evaluate("e => getComputedStyle(e).borderLeftWidth") == "3px"
    assert page.locator("section#s3-4 > .sh").evaluate("e => getComputedStyle(e).backgroundColor") == TARGET_BG
    assert target.is_visible()

    para = page.locator("p#p7")
    para.hover()
    link = para.locator("a.permalink")
    assert link.evaluate("e => getComputedStyle(e).opacity") == "1"  # visible on hover
    link.click()
    assert page.evaluate("document.querySelector(':target').id") == "p7"
    assert para.evaluate("e => getComputedStyle(e).backgroundColor") == TARGET_BG
    assert page.console_errors == [] and page.page_errors == []


def test_opening_a_deep_link_lands_on_the_section(page, site_url):
    page.goto(site_url + SPEECH + "#s1-1-2")
    heading = page.locator("section#s1-1-2 h4").first
    assert heading.inner_text() == "服务业提质升级。"
    box = heading.bounding_box()
    assert 0 <= box["y"] < page.viewport_size["height"] / 2  # scrolled into view at the top


def test_copy_link_button_copies_the_paragraph_link(browser, http_site):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        page.goto(http_site + SPEECH)
        page.locator("p#p3").hover()
        button = page.locator("p#p3 button.copy-link")
        button.click()
        # the clipboard answers asynchronously; the button says so for 1.6 s
        page.wait_for_function("() => document.querySelector('p#p3 button.copy-link').textContent === '已复制'",
                               polling="raf", timeout=5000)
        assert page.evaluate("navigator.clipboard.readText()") == http_site + SPEECH + "#p3"
    finally:
        context.close()


def test_without_the_clipboard_api_the_link_is_copied_by_the_selection(page, built_site, file_url):
    page.add_init_script("""Object.defineProperty(navigator, 'clipboard', {value: undefined});
      window.copied = [];
      document.execCommand = (command) => {
        window.copied.push([command, document.activeElement.value]);
        return command === 'copy';
      };""")
    page.goto(file_url(built_site / SPEECH))
    page.locator("section#s2 > .sh").hover()
    button = page.locator("section#s2 > .sh button.copy-link")
    button.click()
    assert button.inner_text() == "已复制"
    copied = page.evaluate("window.copied")
    assert len(copied) == 1 and copied[0][0] == "copy" and copied[0][1].endswith(SPEECH + "#s2")
    assert page.locator("input.copy-fallback").count() == 0


def test_when_copying_fails_the_link_is_offered_to_copy_by_hand(page, built_site, file_url):
    page.add_init_script("""Object.defineProperty(navigator, 'clipboard', {value: undefined});
      document.execCommand = () => false;""")
    page.goto(file_url(built_site / SPEECH))
    page.locator("section#s2 > .sh").hover()
    button = page.locator("section#s2 > .sh button.copy-link")
    button.click()
    fallback = page.locator("section#s2 > .sh input.copy-fallback")
    assert fallback.input_value().endswith(SPEECH + "#s2")
    assert button.inner_text() != "已复制"
    assert page.evaluate("document.activeElement.className") == "copy-fallback"


def test_keyboard_reaches_permalinks_and_copy_buttons(page, site_url):
    page.goto(site_url + SPEECH)
    page.focus("p#p1 a.permalink")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "copy-link"
    assert page.evaluate("getComputedStyle(document.activeElement).opacity") == "1"


def test_toc_waits_behind_a_button_on_a_phone(browser, built_site, file_url):
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    try:
        page.goto(file_url(built_site / SPEECH))
        assert not page.locator("nav.toc a[href='#s1']").is_visible()
        button = page.locator(".reading-bar button.toc-button")
        button.click()
        assert page.locator("nav.toc a[href='#s1']").is_visible()
        button.click()
        assert not page.locator("nav.toc a[href='#s1']").is_visible()
    finally:
        context.close()


def test_toc_is_a_link_without_scripts(browser, built_site, file_url):
    context = browser.new_context(viewport={"width": 390, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(file_url(built_site / SPEECH))
        assert not page.locator("nav.toc").is_visible()
        page.locator(".reading-bar a.toc-button").click()
        assert page.locator("nav.toc a[href='#s1']").is_visible()  # nav.toc:target
        assert page.locator(".reading-bar a.to-top").is_visible()
    finally:
        context.close()
