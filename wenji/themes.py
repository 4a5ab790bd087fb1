"""The theme index: which sections of which speeches treat which theme, computed from the text.

Method (everything below is measured against hand labels in tests/theme_labels.toml):

- Terms: each section is cut once with jieba (wenji.segment), its heading's terms counting
  ``heading_boost`` times; IDF is computed over the archive's sections, so words that every
  speech uses weigh nearly nothing.
- Score: a theme's score in a section is the sum, over the theme's terms found there, of
  term weight x count x IDF. Its *weight* there is that score divided by the sum of count x IDF
  over all the section's terms: the share of what is distinctive in the section that belongs
  to the theme. A section is assigned when the weight reaches ``threshold`` and at least
  ``min_terms`` different theme terms were found (one repeated word is not a topic).
- Expansion (learned terms): for each theme, the sections it clearly dominates (weight >=
  ``core``, its best theme) propose related terms: terms that keep company with the theme
  across the term-by-section matrix, found in at least two of those sections, from at least two
  speeches, several times more frequent there than in the rest of the archive (``expand_ratio``)
  and with a pointwise mutual information of at least ``expand_min_pmi`` bits between the term
  and the theme's sections (log2 P(term | core) / P(term)), noun-like, and
  not common words of general Chinese (by jieba's dictionary frequency). They join the theme at
  half weight or less, then every section is scored again. On the labels this adds a little
  recall at the same precision; the theme pages list the added terms.

Everything is computed in a fixed order with ties broken by name, so the same archive gives the
same themes, weights and order. The taxonomy itself (``themes.toml``) is read by wenji.taxonomy.
"""
from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, NamedTuple

from . import lazy, termcounts
from .cache import Cache, key as cache_key, or_off
from .keywords import PINYIN_OVERRIDES, Keywords, Pinyin, build_keywords, load_pinyin_overrides
from .model import Archive, Section, Speech
from .search.terms import simplify
from .segment import Segmenter, nfkc
from .sparse import ranges
from .taxonomy import Settings, Theme, content_file, load_taxonomy, make_segmenter
from .termcounts import Corpus

np = lazy.module("numpy")  # 0.1-0.3 s to import: a build that finds its site up to date never loads it

SNIPPET_CONTEXT = 24  # characters of context either side of the keyword in a snippet
TABLE_CELLS = 50_000_000  # the largest table of speeches by terms expand() marks (bytes)


@dataclass
class Hit:
    """A section assigned to a theme, with the evidence a reader sees on the theme page."""

    theme: Theme
    speech: Speech
    section: Section
    path: tuple[str, ...]
    weight: float  # share of the section's term weight that belongs to the theme
    terms: list[tuple[str, int]]  # matched terms with their counts, strongest first
    _snippet: tuple[str, str, str] | None = None

    @property
    def snippet(self) -> tuple[str, str, str]:
        """Text before, the keyword, text after (made when first shown: a function of the
        section's text and the terms, so a page that has it already need not make it)."""
        if self._snippet is None:
            self._snippet = snippet(self.section, [t for t, _ in self.terms])
        return self._snippet

    @property
    def anchor(self) -> str:
        """Id of this hit on the theme page."""
        return f"{self.speech.slug}-{self.section.id}"

    @property
    def href(self) -> str:
        """Link from a page in themes/ to the section."""
        return f"../speeches/{self.speech.slug}.html#{self.section.id}"

    @property
    def weight_text(self) -> str:
        return f"{self.weight:.2f}"


@dataclass
class SpeechTheme:
    """A theme as it shows in a speech's header: how many of its sections treat it."""

    theme: Theme
    sections: int
    weight: float


@dataclass(frozen=True)
class Chip:
    """A theme as a section's chip shows it on the speech page."""

    theme: str  # its slug
    name: str
    anchor: str  # the hit's id on the theme page
    weight: str  # as the theme page shows it
    terms: tuple[str, ...]  # the strongest matched terms, shown in the chip's title


@dataclass(frozen=True)
class ThemeCount:
    """A theme as the speech page's header shows it: how many of the speech's sections treat it."""

    theme: str  # its slug
    name: str
    sections: int


CHIP_TERMS = 4  # matched terms a chip names


@dataclass(frozen=True)
class PageThemes:
    """What a speech page shows from the theme step, and all it receives from it: the
    templates read this, and the build renders a page again only when it differs from what
    the last build's page received (``page_signature``)."""

    chips: dict[str, tuple[Chip, ...]]  # section id -> its chips, heaviest first (sections with chips)
    themes: tuple[ThemeCount, ...]  # the speech's themes, the one with most sections first
    keywords: tuple[tuple[str, str], ...]  # the speech's top keywords, with their anchor on keywords.html or ""

    def chips_for(self, section_id: str) -> tuple[Chip, ...]:
        return self.chips.get(section_id, ())


class Found(NamedTuple):
    """A theme's hits as the matrix gives them, before they are made into ``Hit``s: the rows
    (ascending), the weights (rounded to 4 places), and per hit k its entries of the matrix,
    strongest first: ``entries[starts[k]:starts[k + 1]]``."""

    rows: "np.ndarray"
    weights: list[float]
    entries: "np.ndarray"
    starts: list[int]


class LazyHits(Mapping):
    """Theme slug -> its hits, each theme's made when first read. A rebuild after an edit at
    1,000 synthetic speeches reads the hits of the few speeches whose pages it renders
    (``of_speech``); making all 26,400 took 0.15 s of CPU, which now the process drawing the
    theme pages spends, beside this one."""

    def __init__(self, themes: list[Theme], corpus: Corpus, found: dict[str, Found]) -> None:
        self._themes = {t.slug: t for t in themes}
        self._corpus, self.found = corpus, found
        self._made: dict[str, list[Hit]] = {}
        self._bounds: dict[str, list[int]] = {}  # per theme: where each speech's hits start, and the end

    def __getitem__(self, slug: str) -> list[Hit]:
        got = self._made.get(slug)
        if got is None:
            got = self._made[slug] = self._hits(slug, 0, len(self.found[slug].weights))
        return got

    def __iter__(self) -> Iterator[str]:
        return iter(self.found)

    def __len__(self) -> int:
        return len(self.found)

    def of_speech(self, slug: str, speech: int) -> list[Hit]:
        """Theme ``slug``'s hits in the ``speech``-th speech of the archive."""
        a, b = self._speech_bounds(slug)[speech:speech + 2]
        return self._made[slug][a:b] if slug in self._made else self._hits(slug, a, b)

    def _speech_bounds(self, slug: str) -> list[int]:
        """Where each speech's hits of theme ``slug`` start, and where the last ends: found for
        every speech at once. Finding one speech's among all of a theme's hits for each page
        took 0.09-0.13 s of CPU for the 17 themes of 1,000 synthetic speeches' pages, this
        0.004-0.005 s (in one process, alternating)."""
        got = self._bounds.get(slug)
        if got is None:
            speech_of = self._corpus.row_speech[self.found[slug].rows]
            got = self._bounds[slug] = np.searchsorted(speech_of, np.arange(len(self._corpus.speeches) + 1)).tolist()
        return got

    def _hits(self, slug: str, a: int, b: int) -> list[Hit]:
        c, f = self._corpus, self.found[slug]
        e0, e1 = f.starts[a], f.starts[b]
        e = f.entries[e0:e1]
        vocab = c.vocab
        terms = list(zip([vocab[j] for j in c.ids[e].tolist()], c.counts[e].astype(np.int64).tolist()))
        theme = self._themes[slug]
        return [Hit(theme, *c.rows[r], w, terms[x - e0:y - e0])
                for r, w, x, y in zip(f.rows[a:b].tolist(), f.weights[a:b], f.starts[a:b], f.starts[a + 1:b + 1])]


@dataclass
class Themes:
    """The computed theme assignment and keywords of an archive."""

    themes: list[Theme]
    hits: Mapping[str, list[Hit]]  # theme slug -> hits, in archive (home-page) and reading order
    keywords: Keywords
    speeches: list[Speech]  # the archive's speeches, in home-page order
    settings: Settings
    corpus: Corpus | None = field(default=None, repr=False, compare=False)  # the matrix, for related passages
    _by_section: dict[tuple[str, str], list[Hit]] = field(default_factory=dict)
    _by_speech: dict[str, dict[str, list[Hit]]] = field(default_factory=dict)
    chip_digests: dict[str, str] = field(default_factory=dict, repr=False)  # speech slug -> ``chip_digests``
    _places: dict[str, int] = field(default_factory=dict, repr=False)  # speech slug -> its place in speeches

    def _speech(self, speech_slug: str) -> dict[str, list[Hit]]:
        """A speech's hits by theme, gathered when its page first asks (and its sections' hits)."""
        mine = self._by_speech.get(speech_slug)
        if mine is not None:
            return mine
        if isinstance(self.hits, LazyHits):
            if not self._places:
                self._places.update((s.slug, i) for i, s in enumerate(self.speeches))
            place = self._places.get(speech_slug)
            found = {t.slug: self.hits.of_speech(t.slug, place) for t in self.themes} if place is not None else {}
            self._gather(speech_slug, {slug: hits for slug, hits in found.items() if hits})
        else:  # hits given as lists: every speech's gathered at once
            every: dict[str, dict[str, list[Hit]]] = {}
            for theme in self.themes:
                for hit in self.hits[theme.slug]:
                    every.setdefault(hit.speech.slug, {}).setdefault(theme.slug, []).append(hit)
            for speech in self.speeches:
                self._gather(speech.slug, every.get(speech.slug, {}))
        return self._by_speech.setdefault(speech_slug, {})

    def _gather(self, speech_slug: str, mine: dict[str, list[Hit]]) -> None:
        self._by_speech[speech_slug] = mine
        sections = {}
        for hits in mine.values():
            for hit in hits:
                sections.setdefault((speech_slug, hit.section.id), []).append(hit)
        for key, hits in sections.items():
            self._by_section[key] = sorted(hits, key=lambda h: (-h.weight, h.theme.slug))

    def theme(self, slug: str) -> Theme:
        return next(t for t in self.themes if t.slug == slug)

    def for_section(self, speech_slug: str, section_id: str) -> list[Hit]:
        """The themes of one section, heaviest first."""
        self._speech(speech_slug)
        return self._by_section.get((speech_slug, section_id), [])

    def for_speech(self, speech_slug: str) -> list[SpeechTheme]:
        """The themes a speech treats, the one with most sections first."""
        out = []
        mine = self._speech(speech_slug)
        for theme in self.themes:
            hits = mine.get(theme.slug)
            if hits:
                out.append(SpeechTheme(theme, len(hits), sum(h.weight for h in hits)))
        return sorted(out, key=lambda st: (-st.sections, -st.weight, st.theme.slug))

    def keywords_for(self, speech_slug: str) -> list[tuple[str, str]]:
        """A speech's top keywords with their address from keywords/ ("" if not indexed)."""
        return [(t, self.keywords.anchors.get(t, "")) for t, _ in self.keywords.by_speech.get(speech_slug, [])]

    def page(self, speech_slug: str) -> PageThemes:
        """What the speech's page shows from the theme step."""
        chips, counts, keywords = self.page_fields(speech_slug)
        return PageThemes({sid: tuple(Chip(*chip) for chip in found) for sid, found in chips},
                          tuple(ThemeCount(*c) for c in counts), keywords)

    def page_fields(self, speech_slug: str) -> tuple[tuple, tuple, tuple]:
        """The fields of ``page`` as plain tuples: (section id, its chips' fields) per section
        with chips, the theme counts' fields, the keywords."""
        mine = self._speech(speech_slug)
        ids = sorted({h.section.id for hits in mine.values() for h in hits})
        chips = tuple((sid, tuple((h.theme.slug, h.theme.name, h.anchor, h.weight_text,
                                   tuple([t for t, _ in h.terms[:CHIP_TERMS]]))
                                  for h in self.for_section(speech_slug, sid)))
                      for sid in ids)
        counts = tuple((st.theme.slug, st.theme.name, st.sections) for st in self.for_speech(speech_slug))
        return chips, counts, tuple(self.keywords_for(speech_slug))

    def newest_first(self, theme_slug: str) -> list[tuple[Speech, list[Hit]]]:
        """A theme's hits grouped by speech, newest speech first (undated last)."""
        groups: dict[str, list[Hit]] = {}
        for hit in self.hits[theme_slug]:
            groups.setdefault(hit.speech.slug, []).append(hit)
        order = sorted(self.speeches, key=_newest_first_key)
        return [(s, groups[s.slug]) for s in order if s.slug in groups]

    def matrix(self) -> list[tuple[Speech, list[int]]]:
        """Sections per (speech, theme), speeches newest first, themes in taxonomy order."""
        counts = Counter((h.speech.slug, t.slug) for t in self.themes for h in self.hits[t.slug])
        return [(s, [counts[(s.slug, t.slug)] for t in self.themes])
                for s in sorted(self.speeches, key=_newest_first_key)]


def _newest_first_key(speech: Speech) -> tuple:
    date = speech.meta.date
    # Invert the date's digits so a plain ascending sort puts the newest first.
    inverted = "".join(chr(ord("9") - ord(c) + ord("0")) if c.isdigit() else c for c in date)
    return (date == "", inverted, speech.meta.title, speech.stem)


# --- the analysis ----------------------------------------------------------------------------


def join_counts(archive: Archive, content_dir: Path | None, counts: termcounts.Counted) -> Corpus:
    """The sections' term matrix the theme step works on: the speeches' counts joined, headings
    weighted as the taxonomy's settings say. A build makes it before the theme step, so that
    what needs only the matrix (comparison data, trend counts) starts beside that step, and
    keeps it for the next build there too (``Counted.remember``)."""
    _, settings = load_taxonomy(content_file(content_dir, "themes.toml"))
    return termcounts.build_corpus(archive, counts, settings.heading_boost)


def analyse(archive: Archive, content_dir: Path | None, segmenter: Segmenter | None = None,
            cache: Cache | None = None, counts: termcounts.Counted | None = None,
            corpus: Corpus | None = None, keyword: "np.ndarray | None" = None,
            keys: list[str] | None = None, site: str = "") -> Themes:
    """Compute the theme assignment and the keywords of ``archive`` (from ``counts``, the
    speeches' term counts, or ``corpus``, their matrix, and ``keyword``, its
    ``keywords.keyword_mask``, when the build has them already). Given ``keys`` (what each
    speech's counts were made from) and ``site`` (the name of the site being built), the
    themes' shares and hits and the keywords are found again from what the last build of that
    site kept (``Shares``, ``keywords.tops``): after an edit that moved no term's IDF, only the
    edited speeches are weighed."""
    themes, settings = load_taxonomy(content_file(content_dir, "themes.toml"))
    seg = segmenter or make_segmenter(content_dir, themes)
    cache = or_off(cache)
    if corpus is None:
        if counts is None:
            counts = termcounts.count_archive(seg, archive.speeches, cache)
        corpus = join_counts(archive, content_dir, counts)
        counts.remember(cache, corpus)
    for theme in themes:  # a seed that is a stop word can never match: leave it out
        theme.seeds = {t: w for t, w in theme.seeds.items() if seg.is_term(t)}
    shares_key = cache_key("theme-shares", site) if site and keys is not None else ""
    reuse = _Reuse.of(corpus, keys, cache.get("theme-shares", shares_key), _weighed_by(corpus, themes, settings)) \
        if shares_key else None
    seeded = _shares_reusing(themes, corpus, reuse)
    if settings.expand:
        expand(themes, corpus, settings, seg, seeded[:3])
    final = _shares_again(themes, corpus, seeded, reuse)
    found = _assigned(themes, corpus, settings, final, reuse)
    if shares_key:
        cache.put("theme-shares", shares_key, _kept_shares(corpus, keys, themes, settings, seeded, final, found))
    pinyin_paths = [PINYIN_OVERRIDES] + ([Path(content_dir) / "pinyin.txt"] if content_dir else [])
    overrides = load_pinyin_overrides(*pinyin_paths)
    pinyin_key = cache_key("pinyin", repr(sorted(overrides.items())), lazy.installed_version("pypinyin"))
    pinyin = Pinyin(overrides, cache.get("pinyin", pinyin_key))
    tops_key = cache_key("keyword-tops", site) if site and keys is not None else ""
    last = cache.get("keyword-tops", tops_key) if tops_key else None
    keywords = build_keywords(corpus, pinyin, seg, keyword, keys, last)
    if tops_key:
        cache.put("keyword-tops", tops_key, keywords.tops)
    cache.put("pinyin", pinyin_key, pinyin.known(e.term for e in keywords.index))
    return Themes(themes, LazyHits(themes, corpus, found), keywords, list(archive.speeches), settings, corpus,
                  chip_digests=chip_digests(themes, corpus, found))


def shares(themes: list[Theme], corpus: Corpus,
           among: "np.ndarray | None" = None) -> tuple[np.ndarray, np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
    """Each theme's share of each document's term weight (themes x documents), the number of
    its terms found there, and per theme the corpus entries holding its terms with their
    score (term weight x tf x IDF). ``among``: every entry of some rows, ascending (the rows of
    the speeches an edit changed, ``_Reuse``): only those rows are weighed (the others' 0)."""
    c = corpus
    n_rows = len(c.rows)
    c_ids, c_tf, c_row = (c.ids, c.tf, c.row) if among is None else (c.ids[among], c.tf[among], c.row[among])
    mass = np.bincount(c_row, weights=c_tf * c.idf[c_ids], minlength=n_rows)
    share = np.zeros((len(themes), n_rows))
    found = np.zeros((len(themes), n_rows), dtype=np.int64)
    weights = np.zeros((len(themes), len(c.vocab)))
    member = np.zeros((len(themes), len(c.vocab)), dtype=bool)
    for i, theme in enumerate(themes):
        for t, w in theme.weights.items():
            j = c.index.get(t)
            if j is not None:
                weights[i, j], member[i, j] = w, True
    # One pass over the matrix finds the entries of any theme's terms; each theme's are among
    # them, and are picked from their terms, tf, IDF and rows taken out once (0.10 -> 0.07 s of
    # CPU a call at 1,000 synthetic speeches, 17 themes, 0.78 of 2 million entries).
    anywhere = np.nonzero(member.any(axis=0)[c_ids])[0]
    ids, tf, rows = c_ids[anywhere], c_tf[anywhere], c_row[anywhere]
    idf = c.idf[ids]
    anywhere = anywhere if among is None else among[anywhere]
    entries = []
    for i in range(len(themes)):
        mine = np.flatnonzero(member[i][ids])
        score = weights[i][ids[mine]] * tf[mine] * idf[mine]
        np.divide(np.bincount(rows[mine], weights=score, minlength=n_rows), mass, out=share[i], where=mass > 0)
        found[i] = np.bincount(rows[mine], minlength=n_rows)
        entries.append((anywhere[mine], score))
    return share, found, entries


def assign(themes: list[Theme], corpus: Corpus, settings: Settings, seeded: tuple | None = None) -> dict[str, Found]:
    """Where every theme is found: the sections whose weight and evidence pass the thresholds,
    in archive and reading order, each with its matched terms, strongest first. ``seeded``:
    the ``shares`` of the themes before ``expand``, which those that learned no term keep."""
    final = _shares_again(themes, corpus, (*seeded, [False] * len(themes)) if seeded is not None else None, None)
    return _assigned(themes, corpus, settings, final, None)


def _assigned(themes: list[Theme], c: Corpus, settings: Settings, final: tuple, reuse: "_Reuse | None") -> dict[str, Found]:
    """``assign`` from the themes' shares after ``expand`` (``_shares_again``): of the themes
    weighed on the edited speeches alone, the other speeches' hits are the last build's."""
    share, found, entries, partial = final
    out: dict[str, Found] = {}
    for i, theme in enumerate(themes):
        ok = c.is_section & (share[i] >= settings.threshold) & (found[i] >= settings.min_terms)
        e, score = entries[i]
        keep = ok[c.row[e]]
        e, score = e[keep], score[keep]
        order = np.lexsort((c.ids[e], -score, c.row[e]))  # by section, then strongest, then term
        e = e[order]
        rows = c.row[e]
        starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]]).tolist() + [len(e)] if len(e) else [0]
        hit_rows = rows[starts[:-1]]
        got = Found(hit_rows, [round(w, 4) for w in share[i][hit_rows].tolist()], e, starts)
        out[theme.slug] = _joined(got, reuse.moved(reuse.last.found[i]), c.row.dtype) if partial[i] else got
    return out


def _joined(a: Found, b: Found, row_type) -> Found:
    """The hits of two Founds of other rows, in the order of their rows."""
    rows = np.concatenate([a.rows, b.rows]).astype(row_type)
    sizes = np.concatenate([np.diff(a.starts), np.diff(b.starts)]).astype(np.int64)
    firsts = np.concatenate([np.asarray(a.starts[:-1], np.int64), len(a.entries) + np.asarray(b.starts[:-1], np.int64)])
    order = np.argsort(rows, kind="stable")
    entries = np.concatenate([a.entries, b.entries])[ranges(firsts[order], sizes[order])]
    weights = a.weights + b.weights
    return Found(rows[order], [weights[k] for k in order.tolist()], entries,
                 np.r_[0, np.cumsum(sizes[order])].astype(np.int64).tolist())


def chip_digests(themes: list[Theme], corpus: Corpus, found: dict[str, Found]) -> dict[str, str]:
    """Speech slug -> a digest of what its page shows from the theme assignment (``page_fields``
    but the keywords): its sections' chips in order (theme, weight as shown, strongest terms)
    and its themes' counts in order. The same whenever those are, so a page is drawn again
    only when they change; made from the arrays of ``assign``, where the fields themselves
    took 0.5 s of CPU for the 1,000 pages of 1,000 synthetic speeches."""
    c = corpus
    first_row = np.r_[0, np.cumsum(np.bincount(c.row_speech, minlength=len(c.speeches)))]
    by_slug = np.argsort(np.argsort(np.array([t.slug for t in themes], dtype=object), kind="stable"))
    parts, counted = [], [[] for _ in c.speeches]
    for i, theme in enumerate(themes):
        f = found[theme.slug]
        speech = c.row_speech[f.rows].astype(np.int64)
        starts = np.asarray(f.starts, dtype=np.int64)
        at = starts[:-1, None] + np.arange(CHIP_TERMS)
        terms = np.where(at < starts[1:, None], c.ids[f.entries[np.minimum(at, max(len(f.entries) - 1, 0))]]
                         if len(f.entries) else -1, -1)
        shown = [int(f"{w:.2f}".replace(".", "")) for w in f.weights]
        parts.append((speech, f.rows - first_row[speech], np.full(len(speech), i), np.full(len(speech), by_slug[i]),
                      np.array(f.weights, dtype=np.float64), np.array(shown, dtype=np.int64), terms))
        bounds = np.flatnonzero(np.r_[True, speech[1:] != speech[:-1], True]).tolist() if len(speech) else [0]
        for x, y in zip(bounds, bounds[1:]):
            counted[int(speech[x])].append((-(y - x), -sum(f.weights[x:y]), theme.slug, theme.name, i, y - x))
    speech, local, index, rank, weight, shown, terms = (np.concatenate([p[k] for p in parts]) if parts else
                                                        np.zeros((0, CHIP_TERMS) if k == 6 else 0, np.int64)
                                                        for k in range(7))
    order = np.lexsort((rank, -weight, local, speech))  # chips as a section shows them: heaviest, then by slug
    used = np.unique(terms[terms >= 0])
    term_digest = np.zeros(len(c.vocab) + 1, np.uint64)  # the last: no term
    term_digest[used] = np.frombuffer(b"".join(hashlib.blake2b(c.vocab[t].encode("utf-8"), digest_size=8).digest()
                                               for t in used.tolist()), np.uint64)
    records = np.column_stack([local, index, shown, term_digest[terms].view(np.int64)])[order]
    bounds = np.searchsorted(speech[order], np.arange(len(c.speeches) + 1)).tolist()
    out = {}
    for s, (a, b) in enumerate(zip(bounds, bounds[1:])):  # a chip's theme is among the counts, named there
        h = hashlib.sha256(records[a:b].tobytes())
        h.update(repr([theme[2:] for theme in sorted(counted[s])]).encode("utf-8"))  # slug, name, place, sections
        out[c.speeches[s].slug] = h.hexdigest()
    return out


def _shares_again(themes: list[Theme], corpus: Corpus, seeded: tuple | None, reuse: "_Reuse | None") -> tuple:
    """``shares`` after ``expand``: computed again for the themes that learned terms (a theme's
    share is computed alone as with the others, so the same to the last bit; at 1,000 synthetic
    speeches 5 of 17 themes learned none, 0.05 s). With the last build's (``_Reuse``), a theme
    that learned what it learned then is weighed on the edited speeches alone."""
    if seeded is None:
        return (*shares(themes, corpus), [False] * len(themes))
    share, found, entries, partial = seeded[0].copy(), seeded[1].copy(), list(seeded[2]), list(seeded[3])
    # Weighed again: the themes that learned terms, and those that learned none now but did then
    # (their hits then are not the ones their seeds give).
    learned = [i for i, theme in enumerate(themes) if theme.expanded or
               (partial[i] and reuse is not None and reuse.last.final_by[i] != _theme_digest(theme))]
    if learned:
        again = _shares_reusing(themes, corpus, reuse, learned)
        for k, i in enumerate(learned):
            share[i], found[i], entries[i], partial[i] = again[0][k], again[1][k], again[2][k], again[3][k]
    return share, found, entries, partial


def _shares_reusing(themes: list[Theme], c: Corpus, reuse: "_Reuse | None", learned: list[int] | None = None) -> tuple:
    """``shares`` of the themes (of those at ``learned``, after ``expand``), and per theme
    whether its entries are the edited speeches' alone, the other rows' shares being the last
    build's (``_Reuse``): where the theme weighs its terms as it did then."""
    places = list(range(len(themes))) if learned is None else learned
    last_share, last_found = (reuse.last.seeded if learned is None else reuse.last.final) if reuse else (None, None)
    same = [k for k, i in enumerate(places) if reuse is not None and
            (learned is None or reuse.last.final_by[i] == _theme_digest(themes[i]))]
    other = [k for k in range(len(places)) if k not in set(same)]
    share, found = np.zeros((len(places), len(c.rows))), np.zeros((len(places), len(c.rows)), dtype=np.int64)
    entries: list = [None] * len(places)
    partial = [False] * len(places)
    for ks, among in ((same, reuse.among if reuse else None), (other, None)):
        if not ks:
            continue
        got = shares([themes[places[k]] for k in ks], c, among)
        for j, k in enumerate(ks):
            share[k], found[k], entries[k] = got[0][j], got[1][j], got[2][j]
            if among is not None:
                share[k][reuse.new_rows] = last_share[places[k]][reuse.old_rows]
                found[k][reuse.new_rows] = last_found[places[k]][reuse.old_rows]
                partial[k] = True
    return share, found, entries, partial


def _theme_digest(theme: Theme) -> str:
    return repr(sorted(theme.weights.items()))


def _weighed_by(c: Corpus, themes: list[Theme], settings: Settings) -> str:
    """What every section's shares are weighed by: the terms' weights in sections
    (``Corpus.weighed_by``), the settings and the themes' seeds."""
    return c.weighed_by(repr(settings), repr([(t.slug, sorted(t.seeds.items())) for t in themes]))


@dataclass
class Shares:
    """What the theme step found, kept for the next build of the site (``analyse``): per speech
    (by what its counts were made from) its first row and entry; every theme's shares of every
    row before and after ``expand``, what each weighed then, and its hits. After an edit that
    moves no IDF only the edited speeches' rows are weighed again, the others' taken over (at
    1,000 synthetic speeches the shares and hits took 0.3 s of CPU)."""

    keys: list[str]
    weighed_by: str
    first_row: np.ndarray  # per speech, and the number of rows after the last
    first_entry: np.ndarray
    seeded: tuple[np.ndarray, np.ndarray]  # share, found (as 32-bit numbers): themes x rows
    final_by: list[str]  # per theme: its terms and their weights after expand
    final: tuple[np.ndarray, np.ndarray]
    found: list[Found]  # per theme


class _Reuse(NamedTuple):
    """How this build's rows and entries stand to the last build's (``Shares``): its speeches
    unchanged since, and where their rows and entries are now."""

    last: Shares
    among: np.ndarray  # every entry of the changed speeches' rows, ascending
    new_rows: np.ndarray  # the rows of the unchanged speeches
    old_rows: np.ndarray  # where each was in the last build
    speech_now: np.ndarray  # per speech of the last build: its place now, or -1
    row_shift: np.ndarray  # per speech: its first row now less its first row then
    entry_shift: np.ndarray  # per speech: its first entry now less its first entry then

    @classmethod
    def of(cls, c: Corpus, keys: list[str], last: "Shares | None", weighed_by: str) -> "_Reuse | None":
        if not isinstance(last, Shares) or last.weighed_by != weighed_by:
            return None
        first_row, first_entry = c.firsts()
        rows = np.diff(first_row)
        old = termcounts.unchanged_since(keys, rows, last.keys, np.diff(last.first_row))
        kept, fresh = np.flatnonzero(old >= 0), np.flatnonzero(old < 0)
        if not len(kept) or len(np.unique(old[kept])) != len(kept):
            return None
        speech_now = np.full(len(last.keys), -1, dtype=np.int64)
        speech_now[old[kept]] = kept
        row_shift, entry_shift = np.zeros(len(keys), np.int64), np.zeros(len(keys), np.int64)
        row_shift[kept] = first_row[kept] - last.first_row[old[kept]]
        entry_shift[kept] = first_entry[kept] - last.first_entry[old[kept]]
        return cls(last, ranges(first_entry[fresh], first_entry[fresh + 1] - first_entry[fresh]),
                   ranges(first_row[kept], rows[kept]), ranges(last.first_row[old[kept]], rows[kept]),
                   speech_now, row_shift, entry_shift)

    def moved(self, f: Found) -> Found:
        """The hits of a Found of the last build in the speeches unchanged since, where they are now."""
        speech = self.speech_now[np.searchsorted(self.last.first_row, f.rows, side="right") - 1]
        keep = np.flatnonzero(speech >= 0)
        starts = np.asarray(f.starts, np.int64)
        sizes = (starts[1:] - starts[:-1])[keep]
        entries = f.entries[ranges(starts[keep], sizes)] + np.repeat(self.entry_shift[speech[keep]], sizes)
        return Found(f.rows[keep] + self.row_shift[speech[keep]], [f.weights[k] for k in keep.tolist()], entries,
                     np.r_[0, np.cumsum(sizes)].tolist())


def _kept_shares(c: Corpus, keys: list[str], themes: list[Theme], settings: Settings, seeded: tuple, final: tuple,
                 found: dict[str, Found]) -> Shares:
    first_row, first_entry = c.firsts()
    return Shares(list(keys), _weighed_by(c, themes, settings), first_row, first_entry,
                  (seeded[0], seeded[1].astype(np.int32)), [_theme_digest(t) for t in themes],
                  (final[0], final[1].astype(np.int32)), [found[t.slug] for t in themes])


def expand(themes: list[Theme], corpus: Corpus, settings: Settings, seg: Segmenter,
           seeded: tuple | None = None) -> None:
    """Add related archive terms to each theme (see the module docstring). ``seeded``: the
    themes' ``shares``, when made already."""
    c = corpus
    share, _, _ = seeded or shares(themes, c)
    sections = np.nonzero(c.is_section)[0]
    # Each section's best theme: the highest share, ties to the greater slug.
    by_slug = sorted(range(len(themes)), key=lambda i: themes[i].slug, reverse=True)
    ranked = share[by_slug][:, sections]
    pos = np.argmax(ranked, axis=0)
    best = np.array(by_slug)[pos]
    best_share = ranked[pos, np.arange(len(sections))]
    seeded = {t for th in themes for t in th.seeds}
    common = seg.common_words(settings.expand_general_freq + 1)
    in_sections = c.is_section[c.row]
    vocab_size = len(c.vocab)
    df = np.bincount(c.ids[in_sections], minlength=vocab_size)
    n = len(sections)
    for i, theme in enumerate(themes):
        core = sections[(best == i) & (best_share >= settings.core)]
        if len(core) < 3:
            continue
        e = _entries_of(c, core)
        in_core = np.bincount(c.ids[e], minlength=vocab_size)
        speeches = _speeches_holding(c, e, in_core >= 2)
        rest = max(n - len(core), 1)
        for j in np.nonzero((in_core >= 2) & (speeches >= 2))[0].tolist():
            term = c.vocab[j]
            if term in seeded or term in common or not seg.is_keyword(term):
                continue
            count = int(in_core[j])
            p_in, p_out = count / len(core), (int(df[j]) - count) / rest
            pmi = math.log2(p_in * n / int(df[j]))  # log P(term, core) / (P(term) P(core)), over sections
            if (p_in >= settings.expand_min_share and p_in >= settings.expand_ratio * p_out
                    and pmi >= settings.expand_min_pmi):
                w = min(settings.expand_max_weight, settings.expand_max_weight * (p_in - p_out) / 0.5)
                theme.expanded[term] = round(w, 3)


def _entries_of(c: Corpus, rows: "np.ndarray") -> "np.ndarray":
    """The entries of these rows (ascending), in order: read from the rows' ranges, where
    marking the rows and looking at every entry of the matrix took 0.005 s a theme at 1,000
    synthetic speeches (2 million entries)."""
    return ranges(c.ptr[rows], c.ptr[rows + 1] - c.ptr[rows])


def _speeches_holding(c: Corpus, entries: "np.ndarray", wanted: "np.ndarray") -> "np.ndarray":
    """Per term (of those ``wanted``; 0 for the others): how many speeches hold it in
    ``entries``. A table of speeches by wanted terms, marked and summed: at 1,000 synthetic
    speeches 0.02 s for the 12 themes expanded, where ``np.unique`` of the (speech, term)
    pairs took 0.22 s. A table that would be too large falls back to that."""
    terms = np.flatnonzero(wanted)
    column = np.full(len(c.vocab), -1, dtype=np.int64)
    column[terms] = np.arange(len(terms))
    e = entries[column[c.ids[entries]] >= 0]
    speech = c.row_speech[c.row[e]].astype(np.int64)  # ascending: entries are in archive order
    place = np.cumsum(np.r_[0, speech[1:] != speech[:-1]]) if len(e) else speech
    out = np.zeros(len(c.vocab), dtype=np.int64)
    if not len(e):
        return out
    if (int(place[-1]) + 1) * len(terms) > TABLE_CELLS:
        pairs = np.unique(speech * len(c.vocab) + c.ids[e])
        return np.bincount(pairs % len(c.vocab), minlength=len(c.vocab))
    seen = np.zeros((int(place[-1]) + 1, len(terms)), dtype=bool)
    seen[place, column[c.ids[e]]] = True
    out[terms] = np.count_nonzero(seen, axis=0)
    return out


def snippet(section: Section, terms: list[str]) -> tuple[str, str, str]:
    """Keyword in context: the first paragraph occurrence of the strongest matched term that
    occurs literally (else the heading), cut at about SNIPPET_CONTEXT characters either side.
    A paragraph the term is not in as written is looked at again in NFKC (``segment.nfkc``:
    ``unicodedata.normalize`` took 0.54 s of CPU for the 9,070 paragraphs it was asked of at
    1,000 synthetic speeches). The 26,400 snippets of those theme pages took 0.25-0.28 s rather
    than 0.41-0.44 s (five runs each, alternating, in one process)."""
    texts = [p.text for p in section.paragraphs] + ([section.heading] if section.heading else [])
    simple: list[str | None] = [None] * len(texts)  # the same length: text[i:] is where it is as written
    folded: list[str | None] = [None] * len(texts)
    for term in terms:
        for k, text in enumerate(texts):
            if simple[k] is None:
                simple[k] = simplify(text)
            i = simple[k].find(term)
            if i < 0:
                if folded[k] is None:
                    folded[k] = simplify(nfkc(text))
                if folded[k] == text:
                    continue
                i = folded[k].find(term)
                if i < 0:
                    continue
                text = folded[k]
            a, b = max(0, i - SNIPPET_CONTEXT), min(len(text), i + len(term) + SNIPPET_CONTEXT)
            before = ("…" if a > 0 else "") + text[a:i]
            after = text[i + len(term):b] + ("…" if b < len(text) else "")
            return before, text[i:i + len(term)], after
    text = texts[0] if texts else ""
    return "", "", text[: 2 * SNIPPET_CONTEXT] + ("…" if len(text) > 2 * SNIPPET_CONTEXT else "")


def page_signature(themes: Themes, speech: Speech) -> str:
    """What the speech's page receives from the theme step, as text: the build renders the
    page again only when it changed. (The speech's own digest covers the rest of the page.)"""
    chips = themes.chip_digests.get(speech.slug)
    if chips is None:
        return repr(themes.page_fields(speech.slug))
    return chips + repr(themes.keywords_for(speech.slug))
