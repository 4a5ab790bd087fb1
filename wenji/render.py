"""Render: the Archive -> HTML strings, through Jinja2 templates in ``templates/``.

Templates only lay out what Python prepared: the filters here do the escaping of speech text
(with anonymisation marks wrapped so they show as such) and the formatting of dates.
"""
from __future__ import annotations

import json
import re
import weakref
from collections import Counter
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote

import markdown
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from . import cite, downloads, labels, lazy, masks
from .header import DATE_LINE, parse_date
from .model import Archive, Paragraph, Section, Speech
from .related import Link, SpeechLinks, short_title
from .themes import Chip, PageThemes, Themes

MASK_TITLE = "此处原文已隐去（匿名处理）"  # said once a page (base.html), not on every mask


_ESCAPED = re.compile(r"[&<>\"']")  # what escaping changes


def escaped(text: str) -> str:
    """``markupsafe.escape(text)`` as a plain string, for the many short strings a page puts
    together (ids, labels, chip titles): the same characters replaced the same way, without a
    Markup made for each (0.33 rather than 0.6 µs for a heading)."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;")
            .replace("'", "&#39;"))


def masked(text: str) -> Markup:
    """Escaped text with every anonymisation mark in a ``<span class="mask">``. The marks carry
    no explanation of their own: on the seeds a title on each doubled the markup of a mask,
    and the page explains them once (the footer, the speech's own count of masks). Most text has
    no mark and is escaped whole; text with marks is split by them once and its pieces escaped
    only when it has a character to escape (marks have none). The 22,759 headings and
    paragraphs of 300 synthetic speeches, 10,641 of them with marks, take 0.09 s of CPU so;
    0.22 s with a search, then a split into (piece, is_mask) pairs and a Markup for each piece."""
    pieces = masks.pieces(text)
    if len(pieces) == 1:
        return escape(text)
    if _ESCAPED.search(text):
        pieces = [escaped(piece) for piece in pieces]
    pieces[1::2] = ['<span class="mask">' + mark + "</span>" for mark in pieces[1::2]]
    return Markup("".join(pieces))


def with_marks(text: str, marks: dict[str, int]) -> Markup:
    """Speech text as ``masked`` gives it, each reference mark a link to its note (``#fnN``);
    the first mark of a note is where the note links back to (``#fnrefN``). A mark at the very
    start of a paragraph is a list marker, not a reference."""
    if not marks:
        return masked(text)
    rx = re.compile("|".join(re.escape(m) for m in sorted(marks, key=len, reverse=True)))
    out, at = [], 0
    for m in rx.finditer(text):
        if m.start() == 0:
            continue
        n = marks[m.group(0)]
        out.append(masked(text[at:m.start()]))
        out.append(f'<sup class="fnref"><a href="#fn{n}" id="fnref{n}-{m.start()}" aria-label="注{n}">'
                   f'{escape(m.group(0))}</a></sup>')
        at = m.end()
    out.append(masked(text[at:]))
    return Markup("".join(out))


def paragraph(p: Paragraph, counted: bool, marks: dict[str, int]) -> Markup:
    """A paragraph of a speech page: ``<p id="p7">`` with its kind as class (note, list...) and,
    where the page's counter cannot number it, its number. Made here rather than in the page's
    macro: on tests/corpus-real's 4,700 paragraphs that took a third of the speech pages' time."""
    kind = f' class="{escaped(p.kind)}"' if p.kind != "text" else ""
    number = "" if counted else f' data-n="{escaped(p.id[1:])}"'
    return Markup(f'<p id="{escaped(p.id)}"{kind}{number}>{with_marks(p.text, marks)}</p>')


def source_lines(speech: Speech) -> list[str]:
    """Header lines of the text that the page header does not already show (in the title, the
    occasion, the speaker or the date): kept visible as written, so no line of the source is lost."""
    m = speech.meta
    shown = [_squeeze(v) for v in (m.title, m.occasion, m.speaker) if v]
    out = []
    for line in speech.header:
        t = _squeeze(line.text).lstrip("—-－")
        dated = bool(DATE_LINE.match(line.text)) and parse_date(line.text) == m.date
        if not dated and not any(t in v for v in shown):
            out.append(line.text)
    return out


def _squeeze(text: str) -> str:
    return re.sub(r"[\s\u3000]+", "", text)


def first_marks(speech: Speech) -> dict[int, str]:
    """Note number -> the id of the first mark that points to it (the note's back link)."""
    out: dict[int, str] = {}
    if not speech.footnotes:
        return out
    rx = re.compile("|".join(re.escape(m) for m in sorted(speech.footnotes, key=len, reverse=True)))
    for sec, _ in speech.body.walk():
        for p in sec.paragraphs:
            if p.kind == "note":
                continue
            for m in rx.finditer(p.text):
                if m.start():
                    out.setdefault(speech.footnotes[m.group(0)], f"fnref{speech.footnotes[m.group(0)]}-{m.start()}")
    return out


def readable_url(url: str) -> str:
    """An address as a reader reads it: percent-escapes decoded (``…/wiki/2019年…`` rather than
    ``…/wiki/2019%E5%B9%B4…``, which ran 3,649 px wide on one unbreakable line); left as it is
    when its escapes are not UTF-8."""
    try:
        return unquote(url, errors="strict")
    except UnicodeDecodeError:
        return url


def cn_date(date: str) -> str:
    """2022-03-05 -> 2022年3月5日 (also YYYY-MM and YYYY)."""
    if not date:
        return ""
    parts = date.split("-")
    labels = ["年", "月", "日"]
    return "".join(str(int(p)) + labels[i] for i, p in enumerate(parts))


SAFE_LINK = re.compile(r"^(https?:|mailto:|#|[^:/?#]*(?:[/?#]|$))", re.I)


# Python-Markdown's "extra" and "sane_lists", given as objects (``makeExtension``): named, each
# name is looked up among the entry points of every installed package (0.05 s, once a process).
# Imported when a page is first converted (0.02-0.03 s), in the process that converts it.
MARKDOWN_EXTENSIONS = [lazy.module(f"markdown.extensions.{name}") for name in
                       ("fenced_code", "footnotes", "attr_list", "def_list", "tables", "abbr", "md_in_html",
                        "sane_lists")]


def md(text: str) -> Markup:
    """Markdown written by the archive's owner (notes, pages) -> HTML. Never used on speech text.

    Raw HTML in it is shown as text, and links other than http(s), mailto and relative ones are
    dropped: a note copied from elsewhere cannot bring scripts along."""
    converter = markdown.Markdown(extensions=[m.makeExtension() for m in MARKDOWN_EXTENSIONS], output_format="html")
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    html = converter.convert(text)
    return Markup(re.sub(r'(<a [^>]*?href=")([^"]*)"', lambda m: m.group(0) if SAFE_LINK.match(m.group(2))
                         else m.group(1) + '#"', html))


def environment(templates: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # a build makes its own environment: its templates do not change during it
    )
    env.filters["masked"] = masked
    env.filters["with_marks"] = with_marks
    env.filters["paragraph"] = paragraph
    env.filters["cn_date"] = cn_date
    env.filters["md"] = md
    env.policies["json.dumps_kwargs"] = {"sort_keys": False, "ensure_ascii": False}  # a speech's data keeps its order
    env.filters["readable_url"] = readable_url
    env.globals["mask_title"] = MASK_TITLE
    return env


def base_context(archive: Archive, root: str, page_title: str, **extra) -> dict:
    ctx = {"root": root, "site": archive.config, "page_title": page_title, "archive": archive}
    ctx.update(extra)
    return ctx


def neighbours(speeches: list[Speech], index: int) -> tuple[Speech | None, Speech | None]:
    """The speeches a page's previous and next links go to: the nearest of the same kind in
    archive order (the government work report before this one, not the congress report that
    came between), else the plain neighbour."""
    kind = speeches[index].meta.kind

    def nearest(step: int) -> Speech | None:
        i = index + step
        while 0 <= i < len(speeches):
            if speeches[i].meta.kind == kind:
                return speeches[i]
            i += step
        plain = index + step
        return speeches[plain] if 0 <= plain < len(speeches) else None

    return nearest(-1), nearest(1)


class RelatedLink(NamedTuple):
    href: str
    label: str
    heading: str


def related_links(links: tuple[Link, ...], names: dict[str, str]) -> list[RelatedLink]:
    """A section's related passages as its page lists them, each speech named as the keyword
    index names it (wenji.labels: ``2019 政府工作报告``, ``十七大 党代会报告``). Named by their
    short titles and years they were 357 KB of the real archive's 3.76 MB of speech pages."""
    return [RelatedLink(link.href, names.get(link.slug) or f"{link.title}（{link.year or '年份不详'}）", link.heading)
            for link in links]


class _Memo(NamedTuple):
    """What the speech pages of one archive share: its speeches' names and the list items of
    related passages already made (a section is related to many: 1,000 synthetic speeches list
    82,600 links to at most its 32,415 sections)."""

    archive: weakref.ref
    speeches: list
    count: int
    names: dict[str, str]
    items: dict[tuple, str]


_MEMOS: dict[int, _Memo] = {}  # id(archive) -> its _Memo


def _memo(archive: Archive) -> _Memo:
    got = _MEMOS.get(id(archive))
    if got is None or got.archive() is not archive or got.speeches is not archive.speeches \
            or got.count != len(archive.speeches):
        if len(_MEMOS) > 8:
            _MEMOS.clear()
        got = _MEMOS[id(archive)] = _Memo(weakref.ref(archive), archive.speeches, len(archive.speeches),
                                          labels.speech_labels(archive.speeches), {})
    return got


def speech_names(archive: Archive) -> dict[str, str]:
    """wenji.labels.speech_labels of the archive's speeches, made once an archive rather than
    twice a page (its signature, its related passages): 1.1 ms a time at 1,000 speeches."""
    return _memo(archive).names


def related_html(links: tuple[Link, ...], names: dict[str, str], items: dict[tuple, str] | None = None) -> str:
    """A section's related passages as its page shows them (folded: ``<details class="related">``),
    the links as ``related_links`` names them: markup, as a plain string. Made here rather than
    by a template macro called for each such section (27,540 at 1,000 synthetic speeches; see
    speech_page), and each link's item once an archive (``items``, keyed by what it shows): a
    section is the target of several links, on several pages. Their text is plain (no mask
    spans): the page's marks are its own speech's, and counted."""
    items = {} if items is None else items
    out = [f'<details class="related"><summary>相关论述 {len(links)} 处</summary><ul>']
    for link in links:
        key = link[:5]
        item = items.get(key)
        if item is None:
            (href, label, heading), = related_links((link,), names)
            item = items[key] = (f'<li><a href="{escaped(href)}">{escaped(label)}</a>'
                                 + (f" {escaped(heading)}" if heading else "") + "</li>")
        out.append(item)
    out.append("</ul></details>\n")
    return "".join(out)


def chips_html(chips: tuple[Chip, ...], root: str, ends: dict[tuple[str, str], tuple[str, str]] | None = None) -> str:
    """A section's theme chips, heaviest first, as markup in a plain string; a chip's title
    names the terms that put the section in the theme (their weight is on the theme page the
    chip links to). Made here rather than by a template macro called for every section (see
    speech_page). ``ends``: each theme's markup before and after the chip's own anchor and
    terms, kept for the other sections of a page (of the same ``root``)."""
    if not chips:
        return ""
    ends = {} if ends is None else ends
    out = ['<ul class="theme-chips" aria-label="本节主题">']
    for c in chips:
        got = ends.get((c.theme, c.name))
        if got is None:
            got = ends[c.theme, c.name] = (f'<li><a href="{escaped(root)}themes/{escaped(c.theme)}.html#',
                                           f'">{escaped(c.name)}</a></li>')
        out.append(f'{got[0]}{escaped(c.anchor)}" title="{escaped("、".join(c.terms))}{got[1]}')
    out.append("</ul>\n")
    return "".join(out)


def speech_themes_html(page_themes: PageThemes | None, slug: str, root: str) -> Markup:
    """The speech's themes (each with its number of sections, linked to the speech's place on
    the theme page) and top keywords (linked to the keyword index where it has them), for the
    page's header. Made here rather than by an included template, whose 6,662 chips and
    keywords passed through three levels of template generators: a third of the template's
    own time at 300 synthetic speeches."""
    if not page_themes or not (page_themes.themes or page_themes.keywords):
        return Markup("")
    r, here = escaped(root), escaped(slug)
    out = ['<div class="speech-themes">\n']
    if page_themes.themes:
        out.append('  <p class="theme-line"><span class="tl-label">主题</span>\n')
        out.append(" ".join(f'<a class="theme-chip" href="{r}themes/{escaped(t.theme)}.html#sp-{here}" '
                            f'title="本篇 {t.sections} 节涉及“{escaped(t.name)}”">{escaped(t.name)}'
                            f'<span class="chip-n">{t.sections}</span></a>' for t in page_themes.themes))
        out.append("  </p>\n")
    if page_themes.keywords:
        out.append('  <p class="keyword-line"><span class="tl-label">关键词</span>\n')
        out.append("、".join(f'<a href="{r}keywords/{escaped(anchor)}">{escaped(term)}</a>' if anchor
                            else f'<span class="kw">{escaped(term)}</span>' for term, anchor in page_themes.keywords))
        out.append("  </p>\n")
    out.append("</div>\n")
    return Markup("".join(out))


def section_asides(archive: Archive, page_themes: PageThemes | None, related: SpeechLinks | None,
                   root: str) -> dict[str, Markup]:
    """Section id -> what its page shows under its heading besides its text: its theme chips,
    then its related passages (sections with neither left out)."""
    out: dict[str, str] = {}
    if page_themes:
        ends: dict[tuple[str, str], tuple[str, str]] = {}
        for sid, chips in page_themes.chips.items():
            if chips:
                out[sid] = chips_html(chips, root, ends)
    if related:
        memo = _memo(archive)
        for sid, links in related.items():
            out[sid] = out.get(sid, "") + related_html(links, memo.names, memo.items)
    return {sid: Markup(html) for sid, html in out.items()}


def toc_tree(sections: list[Section]) -> list[tuple[Section, list]]:
    """The table of contents as nested lists: (section, its subsections' entries). Nested rather
    than a flat list with a class for each depth: levels a screen reader announces, and 13 KB
    less on the real archive."""
    root: list = []
    stack: list[tuple[int, list]] = [(0, root)]
    for s in sections:
        while stack[-1][0] >= s.depth:
            stack.pop()
        entry: tuple[Section, list] = (s, [])
        stack[-1][1].append(entry)
        stack.append((s.depth, entry[1]))
    return root


def toc_html(page: "Outline") -> Markup:
    """The table of contents (``toc_tree``) as nested ``<ol>``, each entry a link to its section
    with the heading as the body shows it. Made here rather than by a recursive template macro,
    as the body is (see speech_page)."""
    out: list[str] = []
    _toc_list(toc_tree(page.sections), page.headings, out)
    return Markup("".join(out))


def _toc_list(entries: list[tuple[Section, list]], headings: dict[str, Markup], out: list[str]) -> None:
    out.append("<ol>\n")
    for s, children in entries:
        out.append(f'<li><a href="#{escaped(s.id)}">{headings[s.id]}</a>')
        if children:
            _toc_list(children, headings, out)
        out.append("</li>\n")
    out.append("</ol>\n")


class Outline(NamedTuple):
    """What a speech's page counts and lists of its tree, found in one pass (``outline``)."""

    sections: list[Section]  # in reading order, the root left out
    headings: dict[str, Markup]  # section id -> its heading as the page shows it (in the body and the contents)
    paragraphs: int  # every paragraph, the notes too
    counted: bool  # whether the body's paragraphs (the notes apart) are p1, p2, ... in reading order


def outline(speech: Speech) -> Outline:
    """The sections, headings and paragraphs of a speech's page, in one pass over its tree:
    four passes (Speech.sections, Speech.paragraphs, the check of the paragraphs' order, and
    the masking of each heading for the body and again for the contents) took 0.047 s of CPU
    at 300 synthetic speeches, this 0.021 s. ``counted``: then the page's CSS counter shows
    the paragraphs' numbers and they need no ``data-n`` (static/wenji.css); a note at the
    body's top level is listed apart, with its own number."""
    sections: list[Section] = []
    headings: dict[str, Markup] = {}
    found = [0, 0, True]  # paragraphs, paragraphs in the body, all in order so far

    def visit(sec: Section, top: bool) -> None:
        for b in sec.blocks:
            if isinstance(b, Section):
                sections.append(b)
                headings[b.id] = masked(b.heading)
                visit(b, False)
                continue
            found[0] += 1
            if not (top and b.kind == "note"):
                found[1] += 1
                found[2] = found[2] and b.id == f"p{found[1]}"
    visit(speech.body, True)
    return Outline(sections, headings, found[0], found[2])


def body_html(blocks: list, page: Outline, marks: dict[str, int], asides: dict[str, Markup]) -> Markup:
    """A speech page's body: each section a ``<section id="s1-2" class="sec d2 paren-cn">`` with
    its heading (``<h3>`` for depth 2, at most ``<h6>``), what ``asides`` holds for it (its theme
    chips, its related passages), then its paragraphs and subsections in reading order. Made
    here rather than by a recursive template macro: its call, attribute look-ups and escaping
    of every value came for each section (see speech_page)."""
    out: list[str] = []
    _blocks_html(blocks, page, marks, asides, out)
    return Markup("".join(out))


def _blocks_html(blocks: list, page: Outline, marks: dict[str, int], asides: dict[str, Markup],
                 out: list[str]) -> None:
    for b in blocks:
        if isinstance(b, Section):
            h = min(b.depth + 1, 6)
            out.append(f'<section id="{escaped(b.id)}" class="sec d{b.depth} {escaped(b.marker)}">\n'
                       f'<h{h}>{page.headings[b.id]}</h{h}>\n{asides.get(b.id, "")}')
            _blocks_html(b.blocks, page, marks, asides, out)
            out.append("\n</section>\n")
        else:
            out.append(paragraph(b, page.counted, marks))
            out.append("\n")


def speech_page(env: Environment, archive: Archive, speech: Speech, prev: Speech | None,
                nxt: Speech | None, themes: Themes | None = None, related: SpeechLinks | None = None) -> str:
    """A speech's page. Its citations are assembled in the browser (static/cite.js) from what
    the page holds (the title, author and date here, the headings of the sections): written out
    for every section they made up 1.1 MB of the real archive's 4.8 MB of pages. The whole
    speech's reference stays in the page for readers without scripts.

    What is repeated for every section (the body, the contents, the theme chips, the related
    passages) and the header's themes are made by the functions above rather than by template
    macros and an include: at 300 synthetic speeches (9,749 sections) the pages took 0.80-0.96 s
    of CPU with them, 0.28-0.30 s so; on tests/corpus-real 0.12-0.13 s, 0.045-0.049 s
    (bench/speech_pages.py, the two alternated)."""
    config = archive.config
    page = outline(speech)
    cites = {"": (cite.gbt7714(config, speech), cite.bibtex(config, speech))}
    page_themes = themes.page(speech.slug) if themes else None
    notes = [b for b in speech.body.blocks if isinstance(b, Paragraph) and b.kind == "note"]
    blocks = [b for b in speech.body.blocks if not (isinstance(b, Paragraph) and b.kind == "note")]
    asides = section_asides(archive, page_themes, related, "../")
    return env.get_template("speech.html").render(
        base_context(archive, "../", speech.meta.title, speech=speech, toc=page.sections, prev=prev, next=nxt,
                     toc_html=toc_html(page),
                     body_html=body_html(blocks, page, speech.footnotes, asides),
                     notes=notes, backlinks=first_marks(speech), source_lines=source_lines(speech),
                     speech_themes=speech_themes_html(page_themes, speech.slug, "../"),
                     paragraph_count=page.paragraphs,
                     section_count=len(page.sections), body_class="speech", cites=cites,
                     canonical=cite.speech_url(config, speech), author=cite.responsible(speech),
                     citation_date=speech.meta.date.replace("-", "/"), original=downloads.original(speech),
                     speech_data=downloads.page_data(config, speech)),
    )


def home_pages(env: Environment, archive: Archive) -> list[tuple[str, str]]:
    """The archive home, split into pages of ``per_page`` speeches: index.html, index-2.html, ...
    Each shows the archive's span as a strip of years and can be narrowed by year, decade and
    kind (static/browse.js, from data/speeches.js, which holds every speech: narrowed, the
    page lists the speeches of all pages that match)."""
    per_page = max(1, int(archive.config.get("per_page") or 50))
    browse = _browse(archive)
    chunks = [archive.speeches[i:i + per_page] for i in range(0, len(archive.speeches), per_page)] or [[]]
    names = ["index.html"] + [f"index-{n}.html" for n in range(2, len(chunks) + 1)]
    out = []
    for n, (name, chunk) in enumerate(zip(names, chunks)):
        out.append((name, env.get_template("index.html").render(base_context(
            archive, "", archive.config["title"], body_class="home", speeches=chunk, page_number=n + 1, browse=browse,
            page_count=len(chunks), page_names=names, first_number=n * per_page + 1,
            canonical=(archive.config["base_url"] + name) if archive.config.get("base_url") else ""))))
    return out


def _browse(archive: Archive) -> dict:
    """What the home page's strip of years and filters show: every year from the first to the
    last (with its number of speeches, 0 for a gap), the decades and the kinds with theirs."""
    years = Counter(s.meta.year for s in archive.speeches if s.meta.year)
    kinds = Counter(s.meta.kind for s in archive.speeches if s.meta.kind)
    span = [str(y) for y in range(int(min(years)), int(max(years)) + 1)] if years else []
    decades = Counter(y[:3] + "0" for y in years.elements())
    return {"years": [(y, years.get(y, 0)) for y in span], "decades": sorted(decades.items()),
            "kinds": sorted(kinds.items()), "undated": sum(1 for s in archive.speeches if not s.meta.year)}


def speeches_data(archive: Archive) -> str:
    """data/speeches.js: every speech as the home page lists it, for browse.js to narrow."""
    rows = [[s.slug, s.meta.title, s.meta.date, s.meta.kind, "，".join(x for x in (s.meta.place, s.meta.speaker) if x),
             s.chars] for s in archive.speeches]
    return "window.wenjiSpeeches=" + json.dumps(rows, ensure_ascii=False, separators=(",", ":")) + ";\n"


def not_found_page(env: Environment, archive: Archive) -> str:
    """404.html: served by hosts for missing pages, at any depth, so its links cannot be relative."""
    base = archive.config.get("base_url", "")
    return env.get_template("404.html").render(
        base_context(archive, base, "找不到该页", body_class="not-found", home=base + "index.html" if base else ""))


def search_page(env: Environment, archive: Archive) -> str:
    """search.html: the results page, with the filters the archive's speeches allow (its data
    files are written by ``wenji.search.step``)."""
    kinds = sorted({s.meta.kind for s in archive.speeches if s.meta.kind})
    years = sorted({s.meta.year for s in archive.speeches if s.meta.year}, reverse=True)
    return env.get_template("search.html").render(
        base_context(archive, "", "检索", kinds=kinds, years=years, body_class="search", query=""))


def trends_page(env: Environment, archive: Archive) -> str:
    """trends.html: a term's occurrences year by year (static/trends.js counts them in the
    search files); the page holds each speech's length in characters, for the rate per 10,000."""
    kinds = sorted({s.meta.kind for s in archive.speeches if s.meta.kind})
    return env.get_template("trends.html").render(
        base_context(archive, "", "词语趋势", body_class="trends", kinds=kinds,
                     chars=[s.chars for s in archive.speeches]))


def compare_page(env: Environment, archive: Archive) -> str:
    """compare.html: two speeches side by side (static/compare.js reads their text from the
    search files and their terms from compare/S.js)."""
    return env.get_template("compare.html").render(
        base_context(archive, "", "比较两篇", body_class="compare", choices=_choices(archive)))


def _choices(archive: Archive) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every speech as a selector offers it, by kind (kinds in order of first speech): (slug,
    year and short title), in archive order."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for s in archive.speeches:
        label = " ".join(x for x in (s.meta.year, short_title(s.meta.title, s.meta.year)) if x)
        groups.setdefault(s.meta.kind or "其他", []).append((s.slug, label))
    return list(groups.items())


def markdown_page(env: Environment, archive: Archive, title: str, html: Markup) -> str:
    return env.get_template("page.html").render(base_context(archive, "", title, html=html, body_class="page"))

