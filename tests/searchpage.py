"""Reading wenji's search page in a Playwright page: shared by the browser tests and bench/peers.py."""
from __future__ import annotations

from urllib.parse import unquote, urlsplit


def wait_results(page, query: str, timeout: float = 30_000) -> None:
    """Wait until the results for ``query`` are complete (search-page.js sets data-query then)."""
    page.wait_for_function("q => document.getElementById('search-app').getAttribute('data-query') === q",
                           arg=query, timeout=timeout)


def shown_links(page) -> list[tuple[str, str]]:
    """Every result's (slug, fragment), in order, pressing "more" until all are shown."""
    while page.locator("button.search-more").is_visible():
        page.click("button.search-more")
    hrefs = page.eval_on_selector_all("#search-results a.hit-title", "els => els.map(e => e.getAttribute('href'))")
    out = []
    for h in hrefs:
        parts = urlsplit(h)
        assert parts.path.startswith("speeches/") and parts.path.endswith(".html"), h
        out.append((unquote(parts.path[len("speeches/"):-len(".html")]), unquote(parts.fragment)))
    return out
