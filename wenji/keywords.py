"""Keywords of sections and speeches, and the keyword index sorted by pinyin.

Keywords are TF-IDF terms, computed the way ``jieba.analyse.extract_tags`` computes them
(term frequency over the text's terms times IDF) but with the IDF taken from this archive's
sections instead of jieba's general-language table, so the words every speech uses (发展, 建设,
推进) weigh little. The term counts (``wenji.termcounts``) are shared with the theme step, and
the weights of every section are computed at once on them. (``jieba.analyse`` itself is not imported: importing it builds
module-level extractors and loads a 6 MB IDF table, about 0.6 s, more than scoring and
keywords take together.)
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import lazy, masks, pinyin_dict
from .model import Section, Speech
from .search.terms import simplify
from .segment import DATA, Segmenter
from .sparse import ranges
from .termcounts import Corpus, unchanged_since

np = lazy.module("numpy")  # 0.1-0.3 s to import: a build that finds its site up to date never loads it

PINYIN_OVERRIDES = DATA / "pinyin.txt"
SECTION_TOP = 6  # a term "matters" in a section when it is among its 6 heaviest terms
SPEECH_TOP = 12  # keywords shown in a speech's header
INDEX_PER_SPEECH = 30  # a speech contributes its 30 heaviest terms to the keyword index
REFS_PER_ENTRY = 12  # an index entry links to the sections where its term weighs most, like a book's index
RECURS_IN = 2  # a word jieba made up counts as a word when this many speeches use it
PAGE_BUDGET = 250_000  # bytes of entries on one page of the keyword index (the contract: a page <= 300 KB)


def load_libraries() -> None:
    """Import numpy now, not when the theme step first reads it (a cold build loads it while
    worker processes read the speeches: ``site._load_libraries``), and numpy.ma, which the
    first ``np.unique`` of a process imports (25 ms): a build's processes are forked after this,
    and the search files', the comparison data's and the theme step each imported it. pypinyin
    is never imported: its readings are read from its dictionaries (``wenji.pinyin_dict``, 0.19 s
    less)."""
    getattr(np, "ndarray")
    getattr(np, "ma")


# --- pinyin ----------------------------------------------------------------------------


def load_pinyin_overrides(*paths: Path) -> dict[str, list[str]]:
    """Phrase readings that pypinyin gets wrong: ``重构 chong2 gou4`` a line (later files win)."""
    overrides: dict[str, list[str]] = {}
    for path in paths:
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8-sig").splitlines():
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            word, *syllables = line.split()
            if len(syllables) == len(word):
                overrides[word] = [s.lower() for s in syllables]
    return overrides


_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


class Pinyin:
    """Pinyin of index terms with phrase overrides (an instance, not pypinyin's global dicts)."""

    def __init__(self, overrides: dict[str, list[str]], known: dict[str, tuple[list[str], str]] | None = None) -> None:
        self.overrides = overrides
        self.longest = max((len(w) for w in overrides), default=0)
        known = known or {}
        self._memo: dict[str, list[str]] = {t: syl for t, (syl, _) in known.items()}
        self._shown: dict[str, str] = {t: shown for t, (_, shown) in known.items()}
        self._tones: dict[str, str] = {}

    def known(self, terms) -> dict[str, tuple[list[str], str]]:
        """Syllables and display of ``terms``, to give the next build's Pinyin (about 50 µs a
        new term: a rebuild need not pay even that)."""
        return {t: (self.syllables(t), self.display(t)) for t in terms}

    def syllables(self, term: str) -> list[str]:
        """TONE3 syllables (``chong2``, ``lv4``; neutral tone has no digit), one per Han
        character; a run of other characters (GDP, 5G) stays one item, as written."""
        got = self._memo.get(term)
        if got is None:
            got = self._memo[term] = self._syllables(term)
        return got

    def _syllables(self, term: str) -> list[str]:
        out: list[str] = []
        i, pending = 0, ""
        while i < len(term):
            for size in range(min(self.longest, len(term) - i), 1, -1):
                reading = self.overrides.get(term[i:i + size])
                if reading:
                    out += self._convert(pending)
                    pending = ""
                    out += reading
                    i += size
                    break
            else:
                pending += term[i]
                i += 1
        return out + self._convert(pending)

    @staticmethod
    def _convert(text: str) -> list[str]:
        if not text:
            return []
        return pinyin_dict.lazy_pinyin(text)

    def display(self, term: str) -> str:
        """Tone-marked pinyin for showing beside the term (``chóng qìng``); "" without Han."""
        got = self._shown.get(term)
        if got is None:
            got = self._shown[term] = self._display(term)
        return got

    def _display(self, term: str) -> str:
        if not _HAN.search(term):
            return ""
        return " ".join(self._toned(s) if _SYLLABLE.fullmatch(s) else s for s in self.syllables(term))

    def _toned(self, syllable: str) -> str:
        """``chong2`` -> ``chóng``, each syllable converted once (pypinyin takes 0.1 ms a call,
        and 1,559 index terms of the real archive hold 4,615 syllables, 1,000 of them distinct)."""
        got = self._tones.get(syllable)
        if got is None:
            got = self._tones[syllable] = pinyin_dict.to_tone(syllable)
        return got

    def sort_key(self, term: str) -> tuple:
        """Digits and symbols first, then Latin and Han together by letters (pinyin for Han),
        then by tones, then by the term itself."""
        syl = self.syllables(term)
        letters = tuple(s[:-1] if _SYLLABLE.fullmatch(s) else s.lower() for s in syl)
        tones = tuple(int(s[-1]) if _SYLLABLE.fullmatch(s) else 0 for s in syl)
        return (0 if self.letter(term) == "#" else 1, letters, tones, term)

    def letter(self, term: str) -> str:
        """The letter group of a term: A-Z, or # for digits and symbols."""
        syl = self.syllables(term)
        first = syl[0][:1].upper() if syl else ""
        return first if "A" <= first <= "Z" else "#"


_SYLLABLE = re.compile(r"[a-zü]+[1-5]")


# --- the keyword index -------------------------------------------------------------------


@dataclass
class Ref:
    """Where a term matters: a section, with its TF-IDF weight there."""

    speech: Speech
    section: Section
    path: tuple[str, ...]
    weight: float


@dataclass
class Entry:
    term: str
    pinyin: str
    letter: str
    anchor: str
    refs: list[Ref] = field(default_factory=list)  # the heaviest places, in reading order
    more: int = 0  # places not listed (search finds every one)
    spellings: tuple[str, ...] = ()  # how its places write it otherwise (社會主義 for 社会主义)
    page: str = ""  # the page of the index that holds it: keywords/<page>.html

    @property
    def href(self) -> str:
        """Its address from the folder of the index pages."""
        return f"{self.page}.html#{self.anchor}"


@dataclass(frozen=True)
class IndexPage:
    """A page of the keyword index: a letter's entries, or a run of them when a letter holds
    more than a page should (``part`` 2, 3, … then)."""

    name: str  # keywords/<name>.html: the letter in lower case (0 for digits and symbols), -2, -3…
    letter: str  # A-Z or #
    part: int
    parts: int  # pages of this letter
    entries: tuple[Entry, ...]

    @property
    def first(self) -> str:
        return self.entries[0].term

    @property
    def last(self) -> str:
        return self.entries[-1].term


@dataclass
class Keywords:
    """Keywords per speech and per section, and the index of the archive's significant terms."""

    by_speech: dict[str, list[tuple[str, float]]]
    index: list[Entry]
    anchors: dict[str, str]  # term -> its entry's address from keywords/ (``j.html#kw-jing1ji4``)
    _section_top: tuple = ()  # (corpus, rows, term ids, weights) of every section's keywords
    tops: "Tops | None" = None  # for the next build (``tops``)

    def by_section(self) -> dict[tuple[str, str], list[tuple[str, float]]]:
        """(speech slug, section id) -> the section's keywords with their weights, heaviest first."""
        corpus, rows, ids, weights = self._section_top
        out: dict[tuple[str, str], list[tuple[str, float]]] = {
            (speech.slug, section.id): [] for (speech, section, _), is_section in zip(corpus.rows, corpus.is_section)
            if is_section}
        for r, t, w in zip(rows.tolist(), ids.tolist(), weights.tolist()):
            speech, section, _ = corpus.rows[r]
            out[(speech.slug, section.id)].append((corpus.vocab[t], w))
        return out

    def letters(self) -> list[tuple[str, list[Entry]]]:
        """Index entries grouped by letter, in order (# first)."""
        groups: dict[str, list[Entry]] = {}
        for e in self.index:
            groups.setdefault(e.letter, []).append(e)
        return list(groups.items())

    def pages(self) -> list[IndexPage]:
        """The pages of the index, in order, as ``paginate`` assigned the entries."""
        out: list[IndexPage] = []
        for letter, entries in self.letters():
            names = list(dict.fromkeys(e.page for e in entries))
            for part, name in enumerate(names, 1):
                out.append(IndexPage(name, letter, part, len(names), tuple(e for e in entries if e.page == name)))
        return out


def page_name(letter: str, part: int) -> str:
    return ("0" if letter == "#" else letter.lower()) + (f"-{part}" if part > 1 else "")


HEADING_CHARS = 30  # of a place's heading shown in the index (cut there by wenji.theme_pages)


def entry_weight(e: Entry) -> int:
    """About the bytes an entry takes on its page, never less and on the real archive at most a
    third more (tests/test_keywords.py): its term, each speech's title once, each place it
    lists, the link to search. Known before the pages are drawn, so that speech pages can link
    to the page of each of their keywords."""
    slugs = {r.speech.slug: r.speech.meta.title for r in e.refs}
    return (140 + 3 * len(e.term) + 2 * len(e.pinyin) + sum(53 + 3 * len(s) for s in e.spellings)
            + sum(26 + _shown(t) for t in slugs.values())
            + sum(38 + len(r.speech.slug) + len(r.section.id) + _shown(r.path[-1][:HEADING_CHARS]) for r in e.refs)
            + (90 + 9 * len(e.term) if e.more else 0))


@functools.lru_cache(maxsize=1 << 16)  # titles and headings recur in many entries
def _shown(text: str) -> int:
    """Bytes of a title or heading on the page: three a character, 26 more a mask's markup."""
    return 3 * len(text) + 26 * masks.count(text)


def paginate(index: list[Entry], budget: int = PAGE_BUDGET) -> None:
    """Give every entry its page: one per letter, cut into runs of at most ``budget`` bytes when a
    letter holds more (at 1,000 speeches the letters J and S alone would be a megabyte each)."""
    part, size, letter = 1, 0, None
    for e in index:
        weight = entry_weight(e)
        if e.letter != letter:
            part, size, letter = 1, 0, e.letter
        elif size + weight > budget and size:
            part, size = part + 1, 0
        size += weight
        e.page = page_name(letter, part)


def keyword_mask(corpus: Corpus, segmenter: Segmenter) -> "np.ndarray":
    """Per term of the corpus: may it be shown as a keyword (``Segmenter.is_keyword``) and is it
    a real word (``real_words``)?"""
    kw = np.fromiter((segmenter.is_keyword(t) for t in corpus.vocab), dtype=bool, count=len(corpus.vocab))
    return kw & real_words(corpus, segmenter)


def real_words(corpus: Corpus, segmenter: Segmenter) -> "np.ndarray":
    """Per term: a word, not a seam between two. jieba joins characters it has no word for into
    new "words" (its HMM); of the real archive's 1,559 index entries, 92 were such, and half of
    those were seams (上应 of 上应当, 这是, 中起, 党同). A term is a word when jieba's dictionary
    or the user's lists it, when it is not Chinese (GDP, 5G), or when at least ``RECURS_IN``
    speeches use it and it neither starts nor ends with a function character (这, 上, 同, 一…):
    New words of the genre (降费, 小微, 共赢) recur across speeches, accidents of one text do not."""
    vocab = corpus.vocab
    listed = segmenter.in_dictionary(vocab)
    chinese = np.fromiter((bool(_HAN.search(t)) for t in vocab), dtype=bool, count=len(vocab))
    speeches_using = np.bincount(corpus.speech_ids, minlength=len(vocab))
    seams = segmenter.function_characters()
    joined = np.fromiter((t[:1] not in seams and t[-1:] not in seams for t in vocab), dtype=bool, count=len(vocab))
    return listed | ~chinese | ((speeches_using >= RECURS_IN) & joined)


def _top_per_group(group: "np.ndarray", weights: "np.ndarray", n: int,
                   tie: "np.ndarray | None" = None) -> "np.ndarray":
    """Indices of the n heaviest entries of each group, ordered by group, then weight; equal
    weights keep the entries' order (which is by term within a group), or go by ``tie``."""
    if tie is None and len(group) > 10_000 and bool(np.all(group[1:] >= group[:-1])):
        # Groups in order (a section's or a speech's terms): sort only the entries that can be
        # among their group's n heaviest, those at least as heavy as its n-th heaviest (3 to 4
        # times faster than sorting them all).
        starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
        sizes = np.diff(np.r_[starts, len(group)])
        keep = np.flatnonzero(weights >= np.repeat(_nth_heaviest(weights, starts, sizes, n), sizes))
        return keep[_ranked_top(group[keep], weights[keep], n, None)]
    return _ranked_top(group, weights, n, tie)


def _nth_heaviest(weights: "np.ndarray", starts: "np.ndarray", sizes: "np.ndarray", n: int) -> "np.ndarray":
    """Per group of consecutive entries, its n-th heaviest weight (-inf for a group of n or
    fewer): the groups of about one size (up to a power of two) laid out in a table, one
    group a row, and each row partitioned, so at most twice the entries are moved (at 1,000
    synthetic speeches: the 32,000 sections' 6th heaviest in 0.05 s, where n passes over the
    entries took 0.13 s; the 1,000 speeches' 30th in 0.03 s rather than 0.1 s)."""
    nth = np.full(len(starts), -np.inf)
    bucket = np.ceil(np.log2(np.maximum(sizes, 1))).astype(np.int64)
    for k in np.unique(bucket[sizes > n]).tolist():
        groups = np.flatnonzero((bucket == k) & (sizes > n))
        width = 1 << k
        these = sizes[groups]
        table = np.full((len(groups), width), -np.inf)
        at = ranges(starts[groups], these)
        table[np.repeat(np.arange(len(groups)), these), at - np.repeat(starts[groups], these)] = weights[at]
        nth[groups] = np.partition(table, width - n, axis=1)[:, width - n]
    return nth


def _ranked_top(group: "np.ndarray", weights: "np.ndarray", n: int, tie: "np.ndarray | None") -> "np.ndarray":
    order = np.lexsort((-weights, group) if tie is None else (tie, -weights, group))
    g = group[order]
    rank = np.arange(len(g)) - np.searchsorted(g, g, side="left")
    return order[rank < n]


def build_keywords(corpus: Corpus, pinyin: Pinyin, segmenter: Segmenter, kw: "np.ndarray | None" = None,
                   keys: list[str] | None = None, last: "Tops | None" = None) -> Keywords:
    """Keywords of each section and speech, and the index.

    A section's keywords are its heaviest TF-IDF terms (IDF over sections). A speech's are
    weighted once more by the IDF over speeches, so what sets the speech apart comes first. Only
    noun-like terms (``Segmenter.is_keyword``) are keywords (``kw``: ``keyword_mask``, when made
    already). The index holds every term that is among a speech's heaviest and matters (is a
    keyword) in some section, or matters in two sections. ``keys`` and ``last``: see ``tops``.
    """
    c = corpus
    kw = keyword_mask(c, segmenter) if kw is None else kw
    top, ranked, memory = tops(c, kw, keys, last)
    s_row, s_ids, s_w = c.row[top], c.ids[top], _section_weights(c, top)
    sp_row = np.repeat(np.arange(len(c.speeches), dtype=np.int32), np.diff(c.speech_ptr))
    by_speech: dict[str, list[tuple[str, float]]] = {s.slug: [] for s in c.speeches}
    for s, t, weight in zip(sp_row[ranked].tolist(), c.speech_ids[ranked].tolist(),
                            _speech_weights(c, ranked, sp_row).tolist()):
        mine = by_speech[c.speeches[s].slug]
        if len(mine) < SPEECH_TOP:
            mine.append((c.vocab[t], weight))
    candidates = np.zeros(len(c.vocab), dtype=bool)
    candidates[c.speech_ids[ranked]] = True
    n_refs = np.bincount(s_ids, minlength=len(c.vocab))
    chosen_ids = np.nonzero((n_refs > 0) & (candidates | (n_refs >= 2)))[0]
    # The places an entry lists: its REFS_PER_ENTRY heaviest (ties: the earlier), in reading order.
    shown = _top_per_group(s_ids, s_w, REFS_PER_ENTRY, tie=s_row)
    shown = shown[np.lexsort((s_row[shown], s_ids[shown]))]
    refs: dict[int, list[Ref]] = {}
    for r, t, weight in zip(s_row[shown].tolist(), s_ids[shown].tolist(), s_w[shown].tolist()):
        speech, section, path = c.rows[r]
        refs.setdefault(t, []).append(Ref(speech, section, path, weight))
    chosen = sorted(((c.vocab[t], t) for t in chosen_ids.tolist()), key=lambda tt: pinyin.sort_key(tt[0]))
    index: list[Entry] = []
    used: set[str] = set()
    folded: dict[int, tuple[str, str]] = {}
    for term, t in chosen:
        index.append(Entry(term, pinyin.display(term), pinyin.letter(term), _anchor(term, pinyin, used), refs[t],
                           int(n_refs[t]) - len(refs[t]), spellings(term, refs[t], folded)))
    paginate(index)
    anchors = {e.term: e.href for e in index}
    return Keywords(by_speech, index, anchors, (c, s_row, s_ids, s_w), memory)


@dataclass
class Tops:
    """Where each speech's heaviest terms are, kept for the next build (``tops``): per speech
    (by what its counts were made from, ``termcounts.Counted.keys``), its sections' keyword
    entries and its own heaviest entries, as places among its entries; and a digest of what
    they were weighed by."""

    keys: list[str]
    weighed_by: str
    rows: "np.ndarray"  # per speech: its number of rows
    top_ptr: "np.ndarray"  # speech s's sections' keyword entries: top_at[top_ptr[s]:top_ptr[s + 1]]
    top_at: "np.ndarray"
    ranked_ptr: "np.ndarray"  # speech s's heaviest entries: ranked_at[ranked_ptr[s]:ranked_ptr[s + 1]]
    ranked_at: "np.ndarray"


def tops(c: Corpus, kw: "np.ndarray", keys: list[str] | None = None,
         last: Tops | None = None) -> tuple["np.ndarray", "np.ndarray", Tops | None]:
    """The entries of every section's SECTION_TOP heaviest keyword terms (by row, then weight),
    of every speech's INDEX_PER_SPEECH heaviest (by speech, then weight), and, given ``keys``,
    what the next build needs to find them again. A speech's are weighed on its own rows and
    entries, by the IDFs and the keyword mask: where those are the ``last`` build's (an edit
    that moved no term's IDF, as most do), an unchanged speech's are taken over from it and the
    edited ones' weighed (at 1,000 synthetic speeches 0.2 s of CPU for all, most of the
    keywords' numeric work)."""
    weighed_by = c.weighed_by(c.speech_idf.tobytes(), kw.tobytes()) if keys is not None else ""
    first_row, first_entry = c.firsts()
    rows = np.diff(first_row)
    old = np.full(len(c.speeches), -1, dtype=np.int64)
    if last is not None and keys is not None and last.weighed_by == weighed_by:
        old = unchanged_since(keys, rows, last.keys, last.rows)
    fresh = np.flatnonzero(old < 0)
    top, ranked = _section_tops(c, kw, fresh), _speech_tops(c, kw, fresh)
    if len(fresh) < len(c.speeches):
        top, ranked = _taken_over(c, first_entry, old, last, top, ranked)
    return top, ranked, (_kept_tops(c, first_entry, keys, weighed_by, rows, top, ranked) if keys is not None else None)


def _section_tops(c: Corpus, kw: "np.ndarray", speeches: "np.ndarray") -> "np.ndarray":
    """The entries of these speeches' sections' keywords, ordered by row, then weight."""
    first_entry = c.firsts()[1]
    e = ranges(first_entry[speeches], first_entry[speeches + 1] - first_entry[speeches])
    w = _section_weights(c, e)
    sel = np.flatnonzero(kw[c.ids[e]] & (w > 0) & c.is_section[c.row[e]])
    return e[sel[_top_per_group(c.row[e[sel]], w[sel], SECTION_TOP)]]


def _section_weights(c: Corpus, entries: "np.ndarray") -> "np.ndarray":
    """TF-IDF over sections of these entries: tf over the row's terms, times IDF."""
    total = np.bincount(c.row, weights=c.tf, minlength=len(c.rows))
    total[total == 0] = 1.0
    return c.tf[entries] / total[c.row[entries]] * c.idf[c.ids[entries]]


def _speech_tops(c: Corpus, kw: "np.ndarray", speeches: "np.ndarray") -> "np.ndarray":
    """The entries of these speeches' own heaviest terms, ordered by speech, then weight."""
    sp_row = np.repeat(np.arange(len(c.speeches), dtype=np.int32), np.diff(c.speech_ptr))
    f = ranges(c.speech_ptr[speeches], c.speech_ptr[speeches + 1] - c.speech_ptr[speeches])
    w = _speech_weights(c, f, sp_row)
    sel = np.flatnonzero(kw[c.speech_ids[f]] & (w > 0))
    return f[sel[_top_per_group(sp_row[f[sel]], w[sel], INDEX_PER_SPEECH)]]


def _speech_weights(c: Corpus, entries: "np.ndarray", sp_row: "np.ndarray") -> "np.ndarray":
    """TF-IDF of these speech-level entries, weighed once more by the IDF over speeches."""
    total = np.bincount(sp_row, weights=c.speech_counts, minlength=len(c.speeches))
    total[total == 0] = 1.0
    ids = c.speech_ids[entries]
    return c.speech_counts[entries] / total[sp_row[entries]] * c.idf[ids] * c.speech_idf[ids]


def _taken_over(c: Corpus, first_entry: "np.ndarray", old: "np.ndarray", last: Tops, top: "np.ndarray",
                ranked: "np.ndarray") -> tuple["np.ndarray", "np.ndarray"]:
    """``top`` and ``ranked`` of the fresh speeches joined with the last build's of the others
    (``old[s]``: speech s's place in it), in the order of the speeches."""
    kept = np.flatnonzero(old >= 0)
    joined = []
    for got, ptr, at, starts, speech_of in (
            (top, last.top_ptr, last.top_at, first_entry, c.row_speech[c.row[top]]),
            (ranked, last.ranked_ptr, last.ranked_at, c.speech_ptr[:-1],
             np.searchsorted(c.speech_ptr, ranked, side="right") - 1)):
        sizes = ptr[old[kept] + 1] - ptr[old[kept]]
        taken = at[ranges(ptr[old[kept]], sizes)] + np.repeat(starts[kept], sizes)
        speeches = np.concatenate([speech_of, np.repeat(kept, sizes)])
        joined.append(np.concatenate([got, taken])[np.argsort(speeches, kind="stable")])
    return joined[0], joined[1]


def _kept_tops(c: Corpus, first_entry: "np.ndarray", keys: list[str], weighed_by: str, rows: "np.ndarray",
               top: "np.ndarray", ranked: "np.ndarray") -> Tops:
    top_speech = c.row_speech[c.row[top]]
    ranked_speech = np.searchsorted(c.speech_ptr, ranked, side="right") - 1
    return Tops(list(keys), weighed_by, rows,
                np.r_[0, np.cumsum(np.bincount(top_speech, minlength=len(c.speeches)))],
                (top - first_entry[top_speech]).astype(np.int32),
                np.r_[0, np.cumsum(np.bincount(ranked_speech, minlength=len(c.speeches)))],
                (ranked - c.speech_ptr[ranked_speech]).astype(np.int32))


def spellings(term: str, refs: list[Ref], folded: dict[int, tuple[str, str]]) -> tuple[str, ...]:
    """The term as its places write it where they write it otherwise: a text in traditional
    characters is cut on its simplified form (``simplify``, character for character), so the
    term is found at the same offsets of the text as written. ``folded`` keeps each section's
    text and its simplified form (the same object when it has no traditional character)."""
    out: set[str] = set()
    for ref in refs:
        key = id(ref.section)
        if key not in folded:
            text = ref.section.text
            folded[key] = (text, simplify(text))
        text, simple = folded[key]
        if simple is text:
            continue
        at = simple.find(term)
        while at >= 0:
            if text[at:at + len(term)] != term:
                out.add(text[at:at + len(term)])
            at = simple.find(term, at + 1)
    return tuple(sorted(out))


def _anchor(term: str, pinyin: Pinyin, used: set[str]) -> str:
    """An ASCII id for the term on its index page (``kw-chong2qing4``), unique in the index."""
    base = "kw-" + re.sub(r"[^a-z0-9]+", "", "".join(pinyin.syllables(term)).lower())
    anchor, n = base, 2
    while anchor in used:
        anchor, n = f"{base}-{n}", n + 1
    used.add(anchor)
    return anchor
