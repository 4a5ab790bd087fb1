"""The theme pages: the theme index with its heatmap, one page per theme, and the keyword index
(keywords.html, a page per letter under keywords/, and the list of keywords its filter reads).

Made from the result of the theme step (``wenji.themes.Themes``); geometry and grouping are
computed here so that the templates only draw.

These pages list every hit of every theme (tens of megabytes for a large archive) and are made
on every build, since the theme step runs on every build; yet an edit of one speech changes few
of their entries. So each page is a frame around fragments (a speech's hits on a theme page, an
entry of the keyword index, a row of the heatmap), each drawn by a macro of
``_theme_parts.html``. A fragment's key holds what determines it: the speech it shows (its
digest, which stands for its text and metadata) and the values of the theme step it shows
(weights as printed, terms, counts). The fragments of the previous build are kept in
the cache as UTF-8, keyed by a hash of that key: a rebuild draws only fragments whose key
changed, and a page made of kept fragments is byte for byte the page drawn from scratch.
"""
from __future__ import annotations

import functools
import hashlib
import io
import json
import math
import os
import pickle
import re
from collections import Counter
from typing import Callable, Iterator, NamedTuple

import jinja2
from jinja2 import Environment
from markupsafe import Markup, escape

from . import labels as labels_mod
from .cache import Cache, key as cache_key
from .keywords import HEADING_CHARS, Entry, IndexPage
from .model import Archive, Speech
from .render import escaped
from .themes import Hit, Themes

CELL_W, CELL_H, LABEL_W, LINE_H = 34, 24, 190, 14  # px; theme names are drawn one character a line
LABEL_CHARS = 13  # characters of a row label (13 px type): its year and the start of the title
PALETTE = ("#f4f1e8", "#d6e6f2", "#a9cbe4", "#6fa6d0", "#3a7bb4", "#1d4f80")
PARTS = "_theme_parts.html"  # the macros that draw one fragment each
STEP = "theme-fragments"  # cache step: one entry, every page's fragments, replaced by each build
TERMS_SHOWN = 8  # matched terms listed for a hit; the rest are counted


class Column(NamedTuple):
    left: int
    name: str
    slug: str


class Chart(NamedTuple):
    """What every row of the heatmap is drawn with besides its own values."""

    root: str
    label_w: int
    cell_w: int
    cell_h: int
    line_h: int
    palette: tuple[str, ...]
    columns: tuple[Column, ...]


class Keys:
    """Digests of fragment keys: of their pickle without the memo, so equal values give equal
    bytes whatever objects hold them. With no cache there is nothing to key: every digest is None."""

    def __init__(self, cache: Cache | None) -> None:
        self.enabled = cache is not None and cache.enabled
        self._buf = io.BytesIO()
        self._pickler = pickle.Pickler(self._buf, protocol=5)
        self._pickler.fast = True

    def __call__(self, key) -> bytes | None:
        if not self.enabled or key is None:
            return None
        buf = self._buf
        buf.seek(0)
        buf.truncate()
        self._pickler.dump(key)
        return hashlib.blake2b(buf.getvalue(), digest_size=16).digest()


class Stored:
    """Every page's fragments as the last build kept them, and this build's, kept in one cache
    entry (``save``) once every page is made: an entry a page made 36 files on a cold build of
    the seeds (0.3-0.8 ms each on this machine's file system), 45 at 1,000 synthetic speeches,
    where an edit changes nearly every page anyway."""

    def __init__(self, cache: Cache | None) -> None:
        self.cache = cache if cache is not None and cache.enabled else None
        self.key = cache_key(STEP)
        last = self.cache.get(STEP, self.key) if self.cache is not None else None
        self.last: dict[str, tuple] = last if isinstance(last, dict) else {}
        self.now: dict[str, tuple] = {}
        self.changed = False

    def save(self) -> None:
        if self.cache is not None and (self.changed or self.now.keys() != self.last.keys()):
            self.cache.put(STEP, self.key, self.now)


class Fragments:
    """The fragments of one page, in order, as UTF-8.

    ``add(digest, draw, *args)`` takes the fragment over from the previous build when one had
    the same key, else draws it with ``draw(*context, *args)``; the key must hold everything the
    drawing depends on besides ``context`` (the same for the whole page) and the template. What
    is kept (``Stored``) is this build's fragments, so it never grows."""

    def __init__(self, stored: Stored, env: Environment, page: str, context: tuple) -> None:
        self.context, self.stored, self.page = context, stored, page
        self.old_index: dict[bytes, tuple[int, int]] = {}
        self.old = memoryview(b"")
        self.index: dict[bytes, tuple[int, int]] = {}
        self.pieces: list = []
        self.size = self.drawn = 0
        if stored.cache is not None:
            self.salt = cache_key(env.loader.get_source(env, PARTS)[0], jinja2.__version__, repr(context))
            last = stored.last.get(page)
            if isinstance(last, tuple) and len(last) == 3 and last[0] == self.salt:
                self.old_index, self.old = last[1], memoryview(last[2])

    def add(self, digest: bytes | None, draw: Callable[..., str], *args) -> None:
        """Append a fragment; ``digest`` (see ``Keys``) None: draw it and do not keep it."""
        span = self.old_index.get(digest) if digest is not None else None
        if span is None:
            piece = draw(*self.context, *args).encode("utf-8")
            self.drawn += 1
        else:
            piece = self.old[span[0]:span[1]]
        if digest is not None:
            self.index.setdefault(digest, (self.size, self.size + len(piece)))
        self.pieces.append(piece)
        self.size += len(piece)

    def text(self) -> bytes:
        """The fragments joined, and kept for the next build (``Stored``)."""
        blob = b"".join(self.pieces)
        if self.stored.cache is not None:
            self.stored.now[self.page] = (self.salt, self.index, blob)
            self.stored.changed |= bool(self.drawn) or len(self.index) != len(self.old_index)
        return blob


SLOT = re.compile("<wenji-slot ([0-9]+)\0>")


def fill(env: Environment, template: str, context: Callable[[Callable[[bytes], Markup]], dict]) -> bytes:
    """Render a page frame around fragments given as UTF-8, without decoding them:
    ``context(slot)`` builds the template's context, ``slot(fragments)`` standing for them."""
    bodies: list[bytes] = []

    def slot(body: bytes) -> Markup:
        bodies.append(body)
        return Markup(f"<wenji-slot {len(bodies) - 1}\0>")  # escaped text can hold no "<"

    html = env.get_template(template).render(context(slot))
    found = list(SLOT.finditer(html))
    if sorted(int(m.group(1)) for m in found) != list(range(len(bodies))):  # not each shown once
        return env.get_template(template).render(context(lambda b: Markup(b.decode("utf-8")))).encode("utf-8")
    out, pos = [], 0
    for m in found:
        out += [html[pos:m.start()].encode("utf-8"), bodies[int(m.group(1))]]
        pos = m.end()
    out.append(html[pos:].encode("utf-8"))
    return b"".join(out)


def level(count: int, peak: int) -> int:
    """The colour step (0-5) of a heatmap cell."""
    return 0 if count == 0 else max(1, math.ceil(5 * count / peak))


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def row_labels(speeches: list[Speech]) -> dict[str, str]:
    """Heatmap row labels by slug: the year and the kind (``2019 政府工作报告``) where no other
    speech has both, else the year and what tells the title from the others: a trailing tag
    such as ``(十七大)`` first, or the title without the start it shares with another title of
    the archive (``在中国共产党第十次全国代表大会上的报告`` → ``…第十次全国代表大会上的报告``). The
    full title is the row's tooltip and heads its row in the table under the chart."""
    pairs = Counter((s.meta.year, s.meta.kind) for s in speeches)
    titles = {s.slug: _LEADING_YEAR.sub("", s.meta.title or s.stem) or s.stem for s in speeches}
    shared = _shared_starts(titles)
    out = {}
    for s in speeches:
        year, kind = s.meta.year, s.meta.kind
        if year and kind and pairs[(year, kind)] == 1:
            out[s.slug] = f"{year} {kind}"
            continue
        title, tag = titles[s.slug], _TRAILING_TAG.search(titles[s.slug])
        if tag:
            title = f"{tag.group(1)} {title[:tag.start()]}"
        elif 2 <= shared[s.slug] <= len(title) - 2:
            title = "…" + title[_cut_before_number(title, shared[s.slug]):]
        out[s.slug] = _short(f"{year} {title}" if year else title, LABEL_CHARS)
    return out


_LEADING_YEAR, _TRAILING_TAG = labels_mod.LEADING_YEAR, labels_mod.TRAILING_TAG


_NUMERAL = set("0123456789〇零一二三四五六七八九十百千")


def _cut_before_number(title: str, at: int) -> int:
    """``at``, moved back so as not to cut a number (第十|一次 → |第十一次)."""
    if title[at] not in _NUMERAL and title[at - 1] not in _NUMERAL:
        return at
    while at > 0 and title[at - 1] in _NUMERAL:
        at -= 1
    return at - 1 if at > 0 and title[at - 1] == "第" else at


def _shared_starts(titles: dict[str, str]) -> dict[str, int]:
    """For each title, the length of the longest start it shares with another title (found
    between neighbours in sorted order)."""
    order = sorted(titles, key=lambda slug: (titles[slug], slug))
    common = [len(os.path.commonprefix([titles[a], titles[b]])) for a, b in zip(order, order[1:])]
    return {slug: max(common[i - 1] if i else 0, common[i] if i < len(common) else 0)
            for i, slug in enumerate(order)}


def _text(macro) -> Callable[..., str]:
    return lambda *args: str(macro(*args))


# What a hit shows besides its speech: the section, the weight as printed, the terms (which with
# the section's text also determine the snippet, so a kept fragment needs no snippet made).
def _hit_key(hit: Hit) -> tuple:
    """What a hit shows on its theme page: its section, weight, terms and which were learned."""
    return hit.section.id, hit.weight_text, hit.terms, [t in hit.theme.expanded for t, _ in hit.terms]


def _masker(env: Environment) -> Callable[[str], Markup]:
    """The ``masked`` filter, applied once per distinct text: titles and headings recur on
    every page that lists their sections."""
    masked, done = env.filters["masked"], {}

    def mask(text: str) -> Markup:
        html = done.get(text)
        if html is None:
            html = done[text] = masked(text)
        return html
    return mask


def _group(draw: Callable[..., str], mask: Callable[[str], Markup],
           masked: Callable[[str], Markup]) -> Callable[..., str]:
    """Draws a speech's hits on a theme page from the speech and its hits."""
    def group(root: str, speech: Speech, hits: list[Hit]) -> str:
        return draw(root, speech.slug, mask(speech.meta.title), speech.meta.date, speech.meta.lang, [
            hit_item(h.anchor, h.href, [mask(p) for p in h.path], [masked(h.snippet[0]), escape(h.snippet[1]),
                                                                   masked(h.snippet[2])],
                     h.weight_text, [(t, n, t in h.theme.expanded) for t, n in h.terms[:TERMS_SHOWN]], len(h.terms))
            for h in hits])
    return group


LEARNED_MARK = '<sup class="learned-mark" title="从本文集学得的词语">*</sup>'


@functools.lru_cache(maxsize=1 << 14)
def _term_html(term: str, n: int, learned: bool) -> str:
    """A hit's term as shown, with its count and whether the archive taught it: made once for
    each of the 3,800 distinct ones of the 205,000 shown at 1,000 synthetic speeches."""
    return f"{escaped(term)}{LEARNED_MARK if learned else ''}{f'<small>×{n}</small>' if n > 1 else ''}"


def hit_item(anchor: str, href: str, path: list[Markup], snippet: list[Markup], weight: str,
             terms: list[tuple[str, int, bool]], term_count: int) -> Markup:
    """A hit of a theme page, ``<li>`` to ``</li>``: its section's headings (``path``, the last
    one linked), its snippet (before, the matched term, after; escaped and masked), its weight
    and its terms, each with its count and whether the archive taught it. Made here rather than
    in the page's macro, whose loops and escaping took half the time of the theme pages (1.3 of
    2.7 s at 300 synthetic speeches, under cProfile)."""
    heads = "".join(f"<small>{h}</small>" for h in path[:-1])
    why = "、".join([_term_html(term, n, learned) for term, n, learned in terms])
    more = f" 等 {term_count} 词" if term_count > len(terms) else ""
    return Markup(f'<li id="{escape(anchor)}">\n<h3>{heads}<a href="{escape(href)}">{path[-1]}</a></h3>\n'
                  f'<p>{snippet[0]}<mark>{snippet[1]}</mark>{snippet[2]}</p>\n'
                  f'<p class="why">权重 <b>{escape(weight)}</b> · {why}{more}</p>\n</li>')


def heatmap_cells(chart: Chart, top: int, slug: str, title: str, short: str, date: str,
                  cells: tuple[tuple[int, int], ...]) -> str:
    """The cells of a row of the heatmap (a speech): per theme a rectangle of its colour step
    with a tooltip, and its count where there is one. Made here rather than in a macro, which
    escaped 17 values a cell (166,000 calls at 1,000 synthetic speeches)."""
    short, out = escaped(short), []
    w, h, y = chart.cell_w - 2, chart.cell_h - 2, top + chart.cell_h // 2
    for (count, level), col in zip(cells, chart.columns):
        out.append(f'<rect class="hm-l{level}" x="{col.left + 1}" y="{top + 1}" width="{w}" height="{h}">'
                   f'<title>{short} · {escaped(col.name)}：{count} 节</title></rect>\n')
        if count:
            dark = " hm-dark" if level >= 4 else ""
            out.append(f'<text class="hm-n{dark}" x="{col.left + chart.cell_w // 2}" y="{y}">{count}</text>\n')
    return "".join(out)


def _entry(draw: Callable[..., str], mask: Callable[[str], Markup], labels: dict[str, str]) -> Callable[..., str]:
    """Draws an entry of the keyword index: its places grouped by speech (they come in reading
    order), each speech named once (``labels``), each place by its heading cut to
    ``HEADING_CHARS``."""
    def entry(root: str, e: Entry) -> str:
        groups: list[tuple[str, Markup, list]] = []
        for r in e.refs:
            if not groups or groups[-1][0] != r.speech.slug:
                groups.append((r.speech.slug, mask(labels[r.speech.slug]), []))
            groups[-1][2].append((r.section.id, mask(_short(r.path[-1], HEADING_CHARS))))
        return draw(root, e.anchor, e.term, e.pinyin, groups, e.more, e.spellings)
    return entry


def terms_script(pages: list[IndexPage]) -> bytes:
    """keywords/terms.js: every keyword with its page and anchor, for the filter box of the index
    (static/keywords.js loads it as a script, which works from file://, on the first keystroke)."""
    rows = [[e.term, page.name, e.anchor.removeprefix("kw-")] for page in pages for e in page.entries]
    return ("window.wenjiKeywordTerms = " + json.dumps(rows, ensure_ascii=False, separators=(",", ":")) + ";\n").encode()


def letter_bar(pages: list[IndexPage]) -> list[tuple[str, str, int]]:
    """(letter, its first page, its number of entries) for every letter of the index, in order."""
    out: dict[str, list] = {}
    for page in pages:
        got = out.setdefault(page.letter, [page.letter, page.name, 0])
        got[2] += len(page.entries)
    return [tuple(v) for v in out.values()]


def _keyword_outputs(archive: Archive, themes: Themes, env: Environment, stored: Stored, keys: Keys,
                     mask: Callable[[str], Markup], frame: Callable) -> Iterator[tuple[str, bytes]]:
    """keywords.html (the letters, their counts, the filter box), keywords/<page>.html, and
    keywords/terms.js. At 1,000 speeches one page of every entry would weigh about 20 MB."""
    parts = env.get_template(PARTS).module
    labels = labels_mod.speech_labels(archive.speeches)
    entry = _entry(_text(parts.keyword_entry), mask, labels)
    pages = themes.keywords.pages()
    letters = letter_bar(pages)
    for n, page in enumerate(pages):
        frag = Fragments(stored, env, f"keywords/{page.name}.html", ("../",))
        for e in page.entries:
            key = None if any(not r.speech.digest for r in e.refs) else (
                e.term, e.pinyin, e.anchor, [(r.speech.digest, r.section.id, labels[r.speech.slug]) for r in e.refs],
                e.more, e.spellings)
            frag.add(keys(key), entry, e)
        body = frag.text()
        title = f"关键词 {page.letter}" + (f"（{page.part}）" if page.parts > 1 else "")
        yield f"keywords/{page.name}.html", fill(env, "keyword_page.html", frame(
            "../", title, lambda slot: {"entries": slot(body)}, body_class="keywords-page", page=page, letters=letters,
            prev=pages[n - 1] if n else None, next=pages[n + 1] if n + 1 < len(pages) else None))
    yield "keywords/terms.js", terms_script(pages)
    yield "keywords.html", fill(env, "keywords.html", frame(
        "", "关键词索引", lambda slot: {}, body_class="keywords-index", pages=pages, letters=letters,
        entry_count=len(themes.keywords.index)))


def outputs(archive: Archive, themes: Themes, env: Environment,
            cache: Cache | None = None) -> Iterator[tuple[str, bytes]]:
    """themes/index.html, one themes/<slug>.html per theme, and the keyword index."""
    parts = env.get_template(PARTS).module

    def frame(root: str, title: str, slots: Callable[[Callable], dict], **extra) -> Callable:
        """The context of a page frame; ``slots(slot)`` gives the values that hold fragments."""
        return lambda slot: {"root": root, "site": archive.config, "page_title": title, "archive": archive,
                             "themes": themes, **extra, **slots(slot)}

    keys, stored = Keys(cache), Stored(cache)
    mask = _masker(env)
    rows = themes.matrix()  # speeches newest first, with their sections per theme
    order = [speech for speech, _ in rows]
    by_theme: dict[str, dict[str, list[Hit]]] = {}
    for theme in themes.themes:
        by_speech = by_theme[theme.slug] = {}
        for hit in themes.hits[theme.slug]:
            by_speech.setdefault(hit.speech.slug, []).append(hit)

    # The theme index: a table of themes, then the heatmap and the same numbers as a table.
    peak = max((c for _, counts in rows for c in counts), default=0) or 1
    levels = {c: level(c, peak) for _, counts in rows for c in counts}
    head_h = LINE_H * max((len(t.name) for t in themes.themes), default=1) + 12
    chart = Chart("../", LABEL_W, CELL_W, CELL_H, LINE_H, PALETTE,
                  tuple(Column(c * CELL_W, t.name, t.slug) for c, t in enumerate(themes.themes)))
    heat = []
    labels = row_labels(order)
    for r, (s, counts) in enumerate(rows):
        top, cells = head_h + r * CELL_H, tuple(zip(counts, map(levels.__getitem__, counts)))
        heat.append((keys((top, s.digest, cells, labels[s.slug]) if s.digest else None),
                     (top, s.slug, s.meta.title, labels[s.slug], s.meta.date, cells)))
    drawn = []
    for name, draw in (("labels", _text(parts.heatmap_label)), ("cells", heatmap_cells),
                       ("rows", _text(parts.heatmap_row))):
        frag = Fragments(stored, env, f"themes/index.html#{name}", (chart,))
        for digest, args in heat:
            frag.add(digest, draw, *args)
        drawn.append(frag.text())
    theme_rows = [(t, len(themes.hits[t.slug]), len(by_theme[t.slug])) for t in themes.themes]
    yield "themes/index.html", fill(env, "themes_index.html", frame(
        "../", "主题索引", lambda slot: {"labels": slot(drawn[0]), "cells": slot(drawn[1]), "rows": slot(drawn[2])},
        body_class="themes-index", chart=chart, theme_rows=theme_rows, peak=peak, speech_count=len(rows),
        width=CELL_W * len(themes.themes) + 8, height=head_h + CELL_H * len(rows) + 8))

    # One page per theme: its hits grouped by speech, newest speech first.
    group = _group(_text(parts.speech_group), mask, env.filters["masked"])
    for theme in themes.themes:
        by_speech = by_theme[theme.slug]
        frag = Fragments(stored, env, f"themes/{theme.slug}.html", ("../",))
        for s in order:
            mine = by_speech.get(s.slug)
            if mine:
                frag.add(keys((s.digest, list(map(_hit_key, mine))) if s.digest else None), group, s, mine)
        body = frag.text()
        yield f"themes/{theme.slug}.html", fill(env, "theme.html", frame(
            "../", theme.name, lambda slot: {"body": slot(body)}, body_class="theme-page", theme=theme,
            count=len(themes.hits[theme.slug]), speech_count=len(by_speech)))

    # The keyword index, in pinyin order, a page per letter (or per run of one).
    yield from _keyword_outputs(archive, themes, env, stored, keys, mask, frame)
    stored.save()
