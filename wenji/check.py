"""Check a built site: every page parses (balanced elements, unique ids, a doctype), every
internal link and #anchor resolves to a file and an id, nothing is root-absolute or points at a
folder, and no page loads anything from outside the site."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

LINK_ATTRS = {("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"), ("form", "action"),
              ("iframe", "src"), ("source", "src"), ("video", "src"), ("audio", "src")}


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
OPTIONAL_END = {"p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option", "optgroup",
                "rt", "rp", "colgroup", "caption", "html", "head", "body"}


class _Page(HTMLParser):
    """Collects ids and links, and what would make the page fail to parse as intended:
    unclosed or stray elements, duplicate ids."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, str, int]] = []  # (tag, url, line)
        self.errors: list[tuple[int, str]] = []
        self.open: list[tuple[str, int]] = []
        self.doctype = False

    def handle_decl(self, decl):
        self.doctype = self.doctype or decl.lower() == "doctype html"

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        names = [t for t, _ in self.open]
        if tag not in names:
            self.errors.append((self.getpos()[0], f"end tag </{tag}> without a start tag"))
            return
        while self.open:
            t, line = self.open.pop()
            if t == tag:
                break
            if t not in OPTIONAL_END:
                self.errors.append((line, f"<{t}> is not closed before </{tag}>"))

    def close(self):
        super().close()
        for t, line in self.open:
            if t not in OPTIONAL_END:
                self.errors.append((line, f"<{t}> is never closed"))
        if not self.doctype:
            self.errors.append((1, "no <!DOCTYPE html>"))

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.open.append((tag, self.getpos()[0]))
        for name, value in attrs:
            if name == "id" and value:
                if value in self.ids:
                    self.errors.append((self.getpos()[0], f"duplicate id {value!r}"))
                self.ids.add(value)
            if (tag, name) in LINK_ATTRS and value is not None:
                if tag == "link" and dict(attrs).get("rel") in ("canonical", "alternate"):
                    continue  # absolute by design when a base URL is set
                self.links.append((tag, value, self.getpos()[0]))


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def check_site(out: Path, base_url: str = "") -> list[str]:
    """Problems found, as 'file:line: message' strings; an empty list means the site is sound.

    With ``base_url``, absolute links to the site itself (as in 404.html) count as internal.
    """
    out = out.resolve()
    pages = {p: _parse(p) for p in sorted(out.rglob("*.html"))}
    problems: list[str] = []
    for path, page in pages.items():
        rel = path.relative_to(out)
        problems += [f"{rel}:{line}: {message}" for line, message in page.errors]
        for tag, url, line in page.links:
            where = f"{rel}:{line}"
            if base_url and url.startswith(base_url):
                url = "/".join([".."] * (len(rel.parts) - 1) + [url[len(base_url):]]) or "index.html"
            parts = urlsplit(url)
            if parts.scheme in ("http", "https", "javascript", "data") or url.startswith("//"):
                if not (tag == "link" and parts.scheme == "data"):
                    problems.append(f"{where}: <{tag}> points outside the site: {url}")
                continue
            if parts.scheme or url.startswith("/"):
                problems.append(f"{where}: <{tag}> is not a relative link: {url}")
                continue
            target = path if not parts.path else (path.parent / unquote(parts.path)).resolve()
            if out not in target.parents and target != out:
                problems.append(f"{where}: <{tag}> leaves the site: {url}")
                continue
            if target.is_dir() or parts.path.endswith("/"):
                problems.append(f"{where}: <{tag}> points at a folder (breaks from file://): {url}")
                continue
            if not target.is_file():
                problems.append(f"{where}: <{tag}> points at a missing file: {url}")
                continue
            frag = unquote(parts.fragment).split(":~:")[0]
            if frag and target.suffix == ".html":
                target_page = pages.get(target)
                if target_page is None or frag not in target_page.ids:
                    problems.append(f"{where}: <{tag}> points at a missing anchor: {url}")
    return problems
