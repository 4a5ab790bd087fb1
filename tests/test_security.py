"""Security: a Content-Security-Policy the site lives under, hostile texts that stay text, and
paths that cannot leave the output folder.

- Every page carries a CSP (meta) that allows only the site's own scripts and styles, and the
  pages need nothing else: no inline script, no ``style=``, no event-handler attribute, and
  Chromium reports no violation while every kind of page works, from file:// and over HTTP.
- The corpus in ``tests/hostile/`` (HTML and script injection, ``javascript:`` URLs, Markdown
  and template syntax, bidi controls, a 100 KB line, NUL bytes, terminal escapes, 10,000
  repeated heading markers, deep nesting) either builds, every character kept and shown as
  text, or is refused with a message naming the file; no page, search result or highlight
  executes anything.
- Slugs, symlinks in ``seeds/`` and ``--out`` cannot make a build write or delete outside
  ``--out`` (the slugs of tests/test_build.py are not repeated here).
"""
from __future__ import annotations

import hashlib
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest

from htmltext import read_speech
from wenji.check import check_site
from wenji.site import load_archive

HOSTILE = Path(__file__).parent / "hostile"
# Refused, with the reason the build gives (and the line it names).
REJECTED = {
    "nul-bytes.txt": ":2: binary file: NUL byte",
    "terminal-escape.txt": ":2: binary file: control character U+001B",
}
SELF_ONLY = {"default-src", "script-src", "style-src"}


def visible(text: str) -> str:
    return "".join(c for c in text if not c.isspace() and c not in "\u200b\u200c\u200d\u2060\ufeff")


def tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# --- the policy, read from the HTML ------------------------------------------------------------


class PageScan(HTMLParser):
    """What a page asks of the browser: its CSP metas, and anything inline or pointing outside."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.csp: list[str] = []
        self.csp_before_resources = True
        self.resources_seen = 0
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        line = self.getpos()[0]
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy":
            self.csp.append(a.get("content") or "")
            if self.resources_seen:
                self.csp_before_resources = False
        if tag in ("script", "link", "img", "iframe", "object", "embed"):
            self.resources_seen += 1
        if tag == "script":
            if not a.get("src"):
                self.problems.append(f"{line}: inline <script>")
        if tag == "style":
            self.problems.append(f"{line}: <style> element")
        if tag in ("iframe", "object", "embed", "base"):
            self.problems.append(f"{line}: <{tag}>")
        for name, value in attrs:
            if name == "style":
                self.problems.append(f"{line}: style attribute on <{tag}>")
            if name.startswith("on"):
                self.problems.append(f"{line}: event handler {name} on <{tag}>")
            if name in ("href", "src", "action", "formaction", "data") and value and re.match(
                    r"\s*(javascript|vbscript|data):", value, re.I) and not (tag == "img" and value.startswith("data:image/")):
                self.problems.append(f"{line}: {name}={value[:40]!r} on <{tag}>")


def scan(path: Path) -> PageScan:
    s = PageScan()
    s.feed(path.read_text(encoding="utf-8"))
    s.close()
    return s


def directives(policy: str) -> dict[str, list[str]]:
    out = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            out[words[0].lower()] = words[1:]
    return out


def test_every_page_has_a_strict_csp_and_needs_nothing_inline(built_site):
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) >= 8
    problems = []
    for path in pages:
        rel = path.relative_to(built_site)
        page = scan(path)
        if len(page.csp) != 1:
            problems.append(f"{rel}: {len(page.csp)} CSP meta elements")
            continue
        if not page.csp_before_resources:
            problems.append(f"{rel}: the CSP meta comes after scripts or styles it should govern")
        d = directives(page.csp[0])
        for name in SELF_ONLY:
            if d.get(name) != ["'self'"]:
                problems.append(f"{rel}: {name} is {d.get(name)}, not only 'self'")
        if d.get("object-src") != ["'none'"] or d.get("base-uri") != ["'none'"]:
            problems.append(f"{rel}: object-src and base-uri must be 'none'")
        if re.search(r"unsafe-|https?:|\*", page.csp[0]):
            problems.append(f"{rel}: the CSP allows more than the site: {page.csp[0]}")
        problems += [f"{rel}:{p}" for p in page.problems]
    assert not problems, "\n".join(problems)


# --- the site under its policy, in Chromium -------------------------------------------------

WATCH_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber);
});
"""


def watch(page, base: str) -> list[str]:
    """Record CSP violations and any request that leaves the site."""
    outside: list[str] = []
    page.add_init_script(WATCH_CSP)
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) else None)
    return outside


def csp_violations(page) -> list[str]:
    return page.evaluate("window.__csp || []")


@pytest.fixture(params=["file", "http"])
def base(request, built_site, file_url):
    if request.param == "http":
        return request.getfixturevalue("http_site")
    return file_url(built_site) + "/"


def pages_to_visit(site: Path) -> list[str]:
    themes = sorted(p.name for p in (site / "themes").glob("*.html") if p.name != "index.html")
    speeches = sorted(p.name for p in (site / "speeches").glob("*.html"))
    assert themes and speeches
    extra = sorted(p.name for p in site.glob("*.html") if p.name not in ("index.html", "search.html", "keywords.html"))
    return (["index.html", "search.html?q=" + quote("生态"), "keywords.html", "themes/index.html",
             "themes/" + themes[0]] + ["speeches/" + s for s in speeches] + extra)


def test_every_kind_of_page_works_under_the_policy(page, base, built_site):
    outside = watch(page, base)
    for rel in pages_to_visit(built_site):
        page.goto(base + rel)
        page.wait_for_load_state("load")
        if rel.startswith("speeches/"):  # the page scripts ran: copy buttons were added
            page.wait_for_selector("button.copy-link", state="attached")
        if rel.startswith("search.html"):  # the index scripts loaded and answered
            page.wait_for_selector("#search-results li", state="attached")
        assert csp_violations(page) == [], rel
    assert page.console_errors == [], page.console_errors
    assert page.page_errors == [], page.page_errors
    assert outside == [], f"requests that left the site: {outside}"


# --- the hostile corpus -----------------------------------------------------------------------


def hostile_files() -> list[Path]:
    return sorted(p for p in HOSTILE.glob("*.txt") if p.name not in REJECTED)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    """The hostile texts that must build, built together into one site (no content/)."""
    from conftest import build, describe

    root = tmp_path_factory.mktemp("hostile")
    seeds = root / "seeds"
    seeds.mkdir()
    for p in hostile_files():
        shutil.copyfile(p, seeds / p.name)
    proc = build(seeds, root / "no-content", root / "site")
    assert proc.returncode == 0, describe(proc)
    return seeds, root / "site"


def test_hostile_files_that_cannot_be_read_are_refused_naming_file_and_line(run_build, tmp_path):
    seeds, out = tmp_path / "seeds", tmp_path / "site"
    seeds.mkdir()
    for name in REJECTED:
        shutil.copyfile(HOSTILE / name, seeds / name)
    shutil.copyfile(HOSTILE / "html-injection.txt", seeds / "fine.txt")
    proc = run_build(seeds, tmp_path / "no-content", out)
    assert proc.returncode != 0
    for name, reason in REJECTED.items():
        assert f"{seeds / name}{reason}" in proc.stderr, proc.stderr
    assert "\x1b" not in proc.stderr + proc.stdout  # nothing of the file reaches the terminal
    assert not out.exists()


def test_hostile_texts_build_and_every_character_stays_text(hostile_site):
    seeds, site = hostile_site
    archive = load_archive(seeds, seeds.parent / "no-content")
    assert {s.stem for s in archive.speeches} == {p.stem for p in hostile_files()}
    for s in archive.speeches:
        html = (site / "speeches" / f"{s.slug}.html").read_text(encoding="utf-8")
        page = read_speech(html)
        source = visible(s.source.read_text(encoding="utf-8"))
        head = visible("".join(line.text for line in s.header))
        assert source.startswith(head)
        shown = visible("".join(text for _, _, text in page.blocks))
        assert shown == source[len(head):], f"{s.stem}: the page does not show the text as written"
        if s.meta.title:
            assert s.meta.title in page.title
        assert not scan(site / "speeches" / f"{s.slug}.html").problems, s.stem
    injected = read_speech((site / "speeches" / "html-injection.html").read_text(encoding="utf-8"))
    assert injected.title.startswith('<script>alert("title")</script>')
    template = (site / "speeches" / "template-injection.html").read_text(encoding="utf-8")
    assert "{{ 7*7 }}" in template and "{{ site.title }}" in template
    assert check_site(site) == []


@pytest.fixture(params=["file", "http"])
def hostile_base(request, hostile_site, file_url, serve_directory):
    _, site = hostile_site
    if request.param == "http":
        return serve_directory(site)
    return file_url(site) + "/"


INERT = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      if (/^on/i.test(a.name)) bad.push(el.tagName + ' ' + a.name);
      if (/^\\s*(javascript|vbscript|data):/i.test(a.value) && /^(href|src|action|formaction|data)$/i.test(a.name))
        bad.push(el.tagName + ' ' + a.name + '=' + a.value);
    }
  }
  for (const el of document.querySelectorAll('main iframe, main object, main embed, main img, main style, main form:not(.search-filters), main base, main meta, main link'))
    bad.push(el.tagName + ' in main');
  for (const s of document.scripts) {
    const src = s.getAttribute('src') || '';
    if (!/^(\\.\\.\\/)?(static|search)\\//.test(src)) bad.push('script ' + (src || 'inline'));
  }
  return bad;
}"""


def test_no_hostile_page_executes_anything(page, hostile_base, hostile_site):
    seeds, _ = hostile_site
    outside = watch(page, hostile_base)
    for p in hostile_files():
        page.goto(hostile_base + f"speeches/{p.stem}.html")
        page.wait_for_selector("button.copy-link", state="attached")  # the site's own scripts still run
        assert page.evaluate(INERT) == [], p.name
        assert csp_violations(page) == [], p.name
    page.goto(hostile_base + "speeches/html-injection.html")
    body = page.inner_text(".speech-body")
    for literal in ("<script>alert(1)</script>", "<img src=x onerror=alert(2)>", '<iframe src="javascript:alert(4)">'):
        assert literal in body
    page.goto(hostile_base + "index.html")
    assert page.evaluate(INERT) == []
    assert page.dialogs == [] and page.page_errors == [] and page.console_errors == []
    assert outside == [], outside


@pytest.mark.parametrize("query", ["alert", "<script>", "javascript:", "<img src=x onerror=alert(2)>", "{{ 7*7 }}",
                                   "\u202e", "（一）（一）"])
def test_search_results_and_highlights_of_hostile_text_stay_inert(page, hostile_base, query):
    outside = watch(page, hostile_base)
    page.goto(hostile_base + "search.html?q=" + quote(query))
    page.wait_for_function("q => document.getElementById('search-app').getAttribute('data-query') === q", arg=query)
    hits = page.locator("#search-results li.hit")
    assert hits.count() >= 1, query
    assert page.evaluate(INERT) == []
    if query.startswith("<"):
        assert query in page.inner_text("#search-results")  # shown as the text it is
    # follow the first hit: the speech page marks the query in the section, as text
    page.click("#search-results a.hit-title >> nth=0")
    page.wait_for_load_state("load")
    page.wait_for_selector("button.copy-link", state="attached")
    assert page.evaluate(INERT) == []
    assert page.dialogs == [] and page.page_errors == [] and page.console_errors == []
    assert csp_violations(page) == [] and outside == []


@pytest.mark.parametrize("hl, fragment", [
    ("<img src=x onerror=alert(1)>", "s1"),
    ("alert", "s1"),
    ('"><script>alert(2)</script>', '"><img src=x onerror=alert(3)>'),
    ("javascript:alert(4)", "javascript:alert(5)"),
])
def test_hostile_highlight_parameters_and_fragments_stay_inert(page, hostile_base, hl, fragment):
    page.goto(hostile_base + "speeches/html-injection.html?hl=" + quote(hl) + "#" + quote(fragment))
    page.wait_for_selector("button.copy-link", state="attached")
    assert page.evaluate(INERT) == []
    if hl == "alert":
        marks = page.eval_on_selector_all("mark", "ms => ms.map(m => m.textContent)")
        assert marks and set(marks) == {"alert"}
    assert page.dialogs == [] and page.page_errors == [] and page.console_errors == []


def test_raw_html_in_a_metadata_note_cannot_run_under_the_policy(page, run_build, tmp_path, file_url):
    """The owner's Markdown notes may hold raw HTML; even then the policy stops it running."""
    seeds, content, out = tmp_path / "seeds", tmp_path / "content", tmp_path / "site"
    (content / "speeches").mkdir(parents=True)
    seeds.mkdir()
    (seeds / "a.txt").write_text("同志们：\n一、回顾\n正文。\n", encoding="utf-8")
    (content / "speeches" / "a.md").write_text(
        "---\ntitle: 说明\n---\n<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n"
        "[点我](javascript:alert(3))\n", encoding="utf-8")
    assert run_build(seeds, content, out).returncode == 0
    page.goto(file_url(out / "speeches" / "a.html"))
    links = page.locator(".summary a")
    if links.count():
        links.first.click()
    page.wait_for_timeout(200)
    assert page.dialogs == []


# --- paths: nothing written or deleted outside --out ------------------------------------------


def write(folder: Path, name: str, data: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(data, encoding="utf-8")
    return path


@pytest.mark.parametrize("slug", ["..\\..\\escape", "C:/Windows/x", "~/x", "a/../../b", "%2e%2e%2fx", "./a",
                                  "\u2025/x", ".hidden", "a\\b", "a b", "a\nb"])
def test_more_slugs_cannot_leave_the_output(run_build, tmp_path, slug):
    seeds, content, out = tmp_path / "seeds", tmp_path / "content", tmp_path / "work" / "out"
    write(seeds, "a.txt", "正文。")
    write(content / "speeches", "a.md", "---\nslug: '%s'\n---\n" % slug.replace("'", "''").replace("\n", "\n\n  "))
    before = tree_digest(tmp_path)
    proc = run_build(seeds, content, out)
    assert proc.returncode != 0 and "a.md" in proc.stderr and "slug" in proc.stderr, proc.stderr
    assert tree_digest(tmp_path) == before  # nothing written anywhere


def test_a_symlink_in_seeds_pointing_outside_is_refused(run_build, tmp_path):
    seeds, out = tmp_path / "seeds", tmp_path / "out"
    write(seeds, "good.txt", "同志们：\n正文。")
    secret = write(tmp_path / "private", "secret.txt", "机密：不应出现在网站上。")
    (seeds / "leak.txt").symlink_to(secret)
    (seeds / "folder.txt").symlink_to(tmp_path / "private", target_is_directory=True)
    proc = run_build(seeds, tmp_path / "no-content", out)
    assert proc.returncode != 0
    assert f"{seeds / 'leak.txt'}: symbolic link to {secret}, outside the seeds folder" in proc.stderr
    assert f"{seeds / 'folder.txt'}: symbolic link to" in proc.stderr
    assert not out.exists()


def test_a_symlink_inside_seeds_to_another_seed_is_read(run_build, tmp_path):
    seeds, out = tmp_path / "seeds", tmp_path / "out"
    write(seeds, "a.txt", "同志们：\n正文。")
    (seeds / "b.txt").symlink_to(seeds / "a.txt")
    proc = run_build(seeds, tmp_path / "no-content", out)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (out / "speeches").glob("*.html")) == ["a.html", "b.html"]


@pytest.mark.parametrize("where", ["project", "seeds", "content"])
def test_an_out_folder_holding_the_input_is_refused_and_nothing_is_deleted(run_build, tmp_path, where):
    project = tmp_path / "project"
    seeds, content = project / "seeds", project / "content"
    write(seeds, "a.txt", "同志们：\n正文。")
    write(content / "speeches", "a.md", "---\ntitle: 甲\n---\n")
    write(project, "notes.txt", "别的文件")
    before = tree_digest(project)
    out = {"project": project, "seeds": seeds, "content": content}[where]
    proc = run_build(seeds, content, out)
    assert tree_digest(project) == before
    assert proc.returncode != 0 and str(out) in proc.stderr


def test_a_file_name_that_is_no_url_is_refused_naming_the_file(run_build, tmp_path):
    seeds, out = tmp_path / "seeds", tmp_path / "out"
    write(seeds, "a b#c?d%e.txt", "同志们：\n正文。")
    proc = run_build(seeds, tmp_path / "no-content", out)
    assert proc.returncode != 0 and "a b#c?d%e.txt" in proc.stderr and "slug" in proc.stderr
    assert not out.exists()


def test_a_file_name_that_is_no_url_builds_under_the_slug_its_metadata_gives(run_build, tmp_path):
    seeds, content, out = tmp_path / "seeds", tmp_path / "content", tmp_path / "out"
    write(seeds, "a b#c?d%e.txt", "同志们：\n正文。")
    write(content / "speeches", "a b#c?d%e.md", "---\ntitle: 甲\nslug: a-b-c\n---\n")
    proc = run_build(seeds, content, out)
    assert proc.returncode == 0, proc.stderr
    assert (out / "speeches" / "a-b-c.html").is_file()
    assert 'href="speeches/a-b-c.html"' in (out / "index.html").read_text("utf-8")
    assert check_site(out) == []
