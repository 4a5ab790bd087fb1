"""Related passages: for each section, the sections of other speeches that say the most similar
things, computed from the archive's term-by-section matrix (``wenji.termcounts``).

A section is a vector of its terms weighed by TF-IDF (``1 + log(count)`` times the archive's
IDF), normalised to length 1; two sections are as alike as their cosine. Terms that more than
``COMMON`` of the sections hold (and more than ``COMMON_FLOOR``) are left out of the products (not of the lengths): they weigh
little anyway, and without them the product of the matrix with itself stays sparse on a large
archive, each row meeting only the rows that share a rarer term with it. A passage repeated
almost word for word (the same sentence year after year) has a cosine near 1, so ordering by
the cosine puts such near-repeats first; below ``THRESHOLD`` a match is not shown.

The matrix depends only on the archive's text, and ties are broken by the sections' place in
the archive, so a rebuild after an edit gives exactly the links a build from nothing gives.
A build remembers each section's best few (``Memory``); the next one computes again only the
sections an edit can change and ranks the others from what they kept (``_again``): at 1,000
synthetic speeches, a sentence added to a paragraph took 0.44 s of CPU instead of 2.85 s.
An edit that adds or removes a section changes every IDF, and everything is computed again.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from . import lazy, parallel
from .termcounts import Corpus

np = lazy.module("numpy")
scipy = lazy.module("scipy")  # its sparse product, in C; "scipy.sparse" here would import scipy (0.4 s) at once

PER_SECTION = 3  # related passages shown under a section
THRESHOLD = 0.2  # cosine below which two sections are not shown as related (on the real archive: 44 of the 53 leaf sections of the 2019 report have one)
COMMON = 0.02  # terms in more than this share of the sections do not make two sections related (0.1 took 43 % of a cold build at 1,000 speeches)
COMMON_FLOOR = 50  # ... unless that is so few sections that every term can count (a small archive)
MIN_TERMS = 4  # a section with fewer distinct terms is too short to match on
BLOCK = 2048  # rows multiplied at once: bounds the memory of the product
DENSE_ROWS = 2000  # an archive of at most this many sections (a square of 32 MB) ...
DENSE_TERMS = 3000  # ... and terms shared by sections: its products in numpy, without scipy (see _small)
PARALLEL_ROWS = 4 * BLOCK  # more sections than this: the blocks of products shared among the build's processes
AGAIN_SHARE = 0.5  # an edit that changes more of the sections than this: all computed again
KEEP = 6  # best related sections a build remembers of each section, for the next build (see _again)


@dataclass(frozen=True)
class Link:
    """A related section as the speech page shows it."""

    slug: str
    id: str  # the section's id in its speech
    title: str  # the speech's short title
    year: str
    heading: str  # the section's heading, cut to 30 characters
    score: float

    @property
    def href(self) -> str:
        """From a page in speeches/."""
        return f"{self.slug}.html#{self.id}"


# section id -> its related sections, best first, for one speech
SpeechLinks = dict[str, tuple[Link, ...]]


def page_signature(links: SpeechLinks) -> str:
    """What a speech page shows of its related passages, as text: the links without their
    scores, which an edit anywhere moves a little through the IDF (one edited speech of 1,000
    changed the scores on every page, and every page was rendered again)."""
    return repr(sorted((sid, [(x.slug, x.id, x.title, x.year, x.heading) for x in found])
                       for sid, found in links.items()))


def short_title(title: str, year: str) -> str:
    """The title without the year the link shows beside it, cut to 24 characters."""
    t = re.sub(rf"^{re.escape(year)}\s*年\s*", "", title) if year else title
    t = t or title
    return t if len(t) <= 24 else t[:23] + "…"


def find(corpus: Corpus | None, workers: int = 1) -> dict[str, SpeechLinks]:
    """Speech slug -> its sections' related sections (sections with none left out). A large
    archive's blocks of products are shared among ``workers`` processes."""
    return find_again(corpus, workers)[0]


def find_again(corpus: Corpus | None, workers: int = 1, keys: list[str] | None = None,
               last: "Memory | None" = None) -> tuple[dict[str, SpeechLinks], "Memory | None"]:
    """``find``, and what the next build needs to find them again after an edit (``Memory``).
    ``keys``: per speech, what its term counts were made from (``termcounts.Counted.keys``);
    ``last``: the memory of the last build, from which only the sections an edit can change
    are computed again (see ``_again``)."""
    if corpus is None or not len(corpus.rows):
        return {}, None
    rows = np.nonzero(corpus.is_section)[0]
    (r, t, w), usable, rare = _weights(corpus, rows)
    speech_of = corpus.row_speech[rows]
    if _small(t, len(rows), len(corpus.vocab)):
        ranked = _ranked(_dense_products(r, t, w, len(rows)), np.arange(len(rows)), speech_of, usable)
        return _links(corpus, rows, _joined([ranked], len(rows))), None
    matrix = scipy.sparse.csr_matrix((w, (r, t)), shape=(len(rows), len(corpus.vocab)))
    best = None
    if last is not None and keys is not None:
        best = _again(corpus, rows, matrix, (speech_of, usable, rare), keys, last)
    if best is None:
        try:
            parts = parallel.map_chunks(_best_of_blocks, list(range(0, len(rows), BLOCK)),
                                        workers if len(rows) > PARALLEL_ROWS else 1, _share,
                                        (matrix, speech_of, usable))
        finally:
            _SHARED.clear()
        best = _joined(parts, len(rows))
    memory = Memory(list(keys or ()), np.bincount(speech_of, minlength=len(corpus.speeches)),
                    "\n".join(corpus.vocab), corpus.idf, rare, *best) if keys is not None else None
    return _links(corpus, rows, best), memory


def _links(corpus: Corpus, rows: "np.ndarray", best: "Best") -> dict[str, SpeechLinks]:
    """The links of every section with any, from its best columns and scores, in archive order."""
    out: dict[str, SpeechLinks] = {}
    shown: dict[int, tuple] = {}  # a section's link as shown, without its score: made once
    cols, scores = best.cols[:, :PER_SECTION], best.scores[:, :PER_SECTION] / 1e6
    for i in np.flatnonzero(cols[:, 0] >= 0).tolist():
        speech, section, _ = corpus.rows[int(rows[i])]
        out.setdefault(speech.slug, {})[section.id] = tuple(
            Link(*_shown(corpus, int(rows[j]), shown), score)
            for j, score in zip(cols[i].tolist(), scores[i].tolist()) if j >= 0)
    return out


def _weights(corpus: Corpus, rows: "np.ndarray") -> tuple[tuple, "np.ndarray", "np.ndarray"]:
    """The sections' rows of rare terms, divided by the length of their whole vectors, as
    (row, term, weight) arrays; which rows have enough terms to be matched at all (0 for
    those without); and which terms are rare enough to count."""
    keep = corpus.is_section[corpus.row]
    row_of = np.cumsum(corpus.is_section) - 1  # corpus row -> its place among the sections
    r, t = row_of[corpus.row[keep]], corpus.ids[keep]
    w = (1.0 + np.log(corpus.counts[keep])) * corpus.idf[t]
    length = np.sqrt(np.bincount(r, weights=w * w, minlength=len(rows)))
    distinct = np.bincount(r, minlength=len(rows))
    usable = (distinct >= MIN_TERMS) & (length > 0)
    rare_terms = np.bincount(t, minlength=len(corpus.vocab)) <= max(COMMON_FLOOR, COMMON * len(rows))
    rare = rare_terms[t] & usable[r]
    values = w[rare] / length[r[rare]]
    return (r[rare], t[rare], values), usable.astype(np.float64), rare_terms


class Products(NamedTuple):
    """Rows of the sections' cosines, as a CSR matrix holds them (what ``_ranked`` reads)."""

    indptr: "np.ndarray"
    indices: "np.ndarray"
    data: "np.ndarray"


class Ranked(NamedTuple):
    """Some sections' best related sections: per section of ``rows`` (those with any), up to k
    columns (section places, -1 for none), best first, their cosines in millionths, and how
    many related sections it has in all."""

    rows: "np.ndarray"
    cols: "np.ndarray"  # (len(rows), k)
    scores: "np.ndarray"  # (len(rows), k)
    count: "np.ndarray"


class Best(NamedTuple):
    """Every section's KEEP best related sections (section places, -1 for none), best first,
    their cosines rounded to 6 places in millionths, and whether that is all it has."""

    cols: "np.ndarray"  # (sections, KEEP) int32
    scores: "np.ndarray"  # (sections, KEEP) int32
    complete: "np.ndarray"  # (sections,) bool


@dataclass
class Memory:
    """What a build keeps for the next one to find the related passages again after an edit:
    the speeches' counts keys and numbers of sections (to know which sections are unchanged),
    each term's IDF and whether it is rare (a section holding a term whose IDF or rarity
    changed has new weights), and every section's ``Best``."""

    keys: list[str]
    sections: "np.ndarray"  # per speech
    terms: str  # the vocabulary, one term a line
    idf: "np.ndarray"
    rare: "np.ndarray"
    cols: "np.ndarray"
    scores: "np.ndarray"
    complete: "np.ndarray"


def _small(t: "np.ndarray", n_rows: int, n_terms: int) -> bool:
    """Is the archive small enough for ``_dense_products``, which adds the same products in the
    same order as scipy's sparse product, so the cosines are the same to the last bit (tested
    on the seeds and a synthetic archive), and a small archive need not import scipy (0.15 s,
    a tenth of a cold build of the seeds)?"""
    return n_rows <= DENSE_ROWS and np.count_nonzero(np.bincount(t, minlength=n_terms) >= 2) <= DENSE_TERMS


# What a process computing blocks of products holds (inherited when it is forked): the matrix
# of weights, each row's speech, which rows are usable.
_SHARED: dict = {}


def _share(matrix: "scipy.sparse.csr_matrix", speech_of: "np.ndarray", usable: "np.ndarray") -> None:
    _SHARED.update(matrix=matrix, speech_of=speech_of, usable=usable)


def _best_of_blocks(starts: list[int]) -> list[Ranked]:
    """The best links of the blocks of rows from each of ``starts``: scipy's sparse product of
    the block with every row, which takes most of the time of the step (2.2 s of 3.8 s for the
    32,000 sections of 1,000 synthetic speeches)."""
    matrix = _SHARED["matrix"]
    found = []
    for start in starts:
        block = (matrix[start:start + BLOCK] @ matrix.T).tocsr()
        found.append(_ranked(Products(block.indptr, block.indices, block.data),
                             np.arange(start, start + block.shape[0]), _SHARED["speech_of"], _SHARED["usable"]))
    return found


def _dense_products(r: "np.ndarray", t: "np.ndarray", w: "np.ndarray", n_rows: int) -> Products:
    """Every row's cosines with every row in a square array, term by term in the order of the
    terms, as scipy's product adds them (each row's terms in order): the seeds' 1,500 shared
    terms take 0.013 s."""
    order = np.lexsort((r, t))
    r, t, w = r[order], t[order], w[order]
    bounds = np.flatnonzero(t[1:] != t[:-1]) + 1
    products = np.zeros((n_rows, n_rows))
    for a, b in zip(np.r_[0, bounds].tolist(), np.r_[bounds, len(t)].tolist()):
        if b - a > 1:
            products[np.ix_(r[a:b], r[a:b])] += np.multiply.outer(w[a:b], w[a:b])
    rows, cols = np.nonzero(products)
    indptr = np.concatenate(([0], np.cumsum(np.bincount(rows, minlength=n_rows))))
    return Products(indptr, cols, products[rows, cols])


def _related(block: Products, rows: "np.ndarray", speech_of: "np.ndarray",
             usable: "np.ndarray") -> tuple["np.ndarray", "np.ndarray", "np.ndarray"]:
    """The related sections in ``block`` (whose local row i is section ``rows[i]``): (section,
    related section, cosine rounded to 6 places in millionths), grouped by section, those of
    other speeches at the threshold or above, both usable. Only the products near the
    threshold or above are read: row by row, the numpy calls on the 32,000 sections of 1,000
    synthetic speeches took 2.6 s."""
    near = np.flatnonzero(block.data >= THRESHOLD - 1e-6)  # a superset of those that round to THRESHOLD or more
    row = rows[np.searchsorted(block.indptr, near, side="right") - 1]
    cols = block.indices[near]
    scores = np.rint(block.data[near] * 1e6)  # np.round(x, 6) is this divided by 1e6
    ok = (scores / 1e6 >= THRESHOLD) & (speech_of[cols] != speech_of[row]) & (usable[cols] > 0) & (usable[row] > 0)
    return row[ok], cols[ok].astype(np.int64), scores[ok].astype(np.int64)


def _ranked(block: Products, rows: "np.ndarray", speech_of: "np.ndarray", usable: "np.ndarray",
            k: int = 0) -> Ranked:
    """The best ``k`` (KEEP) related sections of each section of ``block`` (see ``_related``)."""
    return _rank(*_related(block, rows, speech_of, usable), k or KEEP)


def _rank(row: "np.ndarray", cols: "np.ndarray", scores: "np.ndarray", k: int) -> Ranked:
    """Per section of ``row`` (grouped), its ``k`` best related sections: highest cosine (to 6
    places) first, ties by place in the archive. A sort of the 8.8 million products above the
    threshold at 1,000 synthetic speeches took 2.5 s; picking each row's best in k passes
    (``_top``) 0.3 s for three."""
    if not len(row):
        empty = np.zeros((0, k), np.int64)
        return Ranked(np.zeros(0, np.int64), empty, empty, np.zeros(0, np.int64))
    order = _order(scores, cols)
    first = np.ones(len(row), dtype=bool)
    first[1:] = row[1:] != row[:-1]
    starts = np.flatnonzero(first)
    places = np.stack(_top(order, starts, np.cumsum(first) - 1, k), axis=1)
    found = places >= 0
    return Ranked(row[starts], np.where(found, cols[places], -1), np.where(found, scores[places], 0),
                  np.diff(np.r_[starts, len(row)]))


def _best(block: Products, start: int, speech_of: "np.ndarray",
          usable: "np.ndarray") -> list[tuple[int, list[tuple[int, float]]]]:
    """For each row of ``block`` (the sections from ``start`` on) that has any: its row, and up
    to PER_SECTION sections of other speeches alike it above the threshold, highest cosine
    first, ties by place in the archive."""
    got = _ranked(block, np.arange(start, start + len(block.indptr) - 1), speech_of, usable, PER_SECTION)
    return [(i - start, [(c, v / 1e6) for c, v in zip(cols, scores) if c >= 0])
            for i, cols, scores in zip(got.rows.tolist(), got.cols.tolist(), got.scores.tolist())]


def _joined(parts: list[Ranked], n: int) -> Best:
    """Every section's ``Best`` from the ranked blocks of sections (sections not in any have none)."""
    cols = np.full((n, KEEP), -1, np.int32)
    scores = np.zeros((n, KEEP), np.int32)
    complete = np.ones(n, dtype=bool)
    for part in parts:
        cols[part.rows] = part.cols
        scores[part.rows] = part.scores
        complete[part.rows] = part.count <= KEEP
    return Best(cols, scores, complete)


def _top(order: "np.ndarray", starts: "np.ndarray", group: "np.ndarray", k: int) -> list["np.ndarray"]:
    """Per group of consecutive items (``starts``; ``group``: each item's group), the places of
    its ``k`` items of lowest ``order`` (unique within a group), lowest first: one array of
    places per rank, -1 where a group has fewer items."""
    done = np.uint64(2**64 - 1)
    order = order.copy()
    picks = []
    for _ in range(k):
        lowest = np.minimum.reduceat(order, starts)
        hit = np.flatnonzero((order == lowest[group]) & (order != done))
        place = np.full(len(starts), -1, dtype=np.int64)
        place[group[hit]] = hit
        picks.append(place)
        order[hit] = done
    return picks


def _again(corpus: Corpus, rows: "np.ndarray", matrix: "scipy.sparse.csr_matrix", facts: tuple,
           keys: list[str], last: Memory) -> Best | None:
    """Every section's ``Best`` after an edit, computing again only what it can change: the
    sections whose weights changed (those of the edited speeches, and those holding a term
    whose IDF or rarity changed) against every section, and the few sections whose remembered
    best lost more than they can spare to those. Every other section keeps the cosines it had
    with the unchanged sections (their weights are the same, so are their products, to the
    last bit) and takes the new cosines of the changed ones; what it ranks is then exactly
    what a build from nothing ranks. None when that is not so cheap: an edit that adds or
    removes a section changes every IDF (the number of documents is in it), so every weight."""
    speech_of, usable, rare = facts
    old_to_new = _unchanged_sections(speech_of, len(corpus.speeches), keys, last)
    if old_to_new is None:
        return None
    changed = _changed_sections(corpus, old_to_new, rare, last)
    stay = np.flatnonzero(~changed)
    old = np.full(len(rows), -1, np.int64)
    old[old_to_new[old_to_new >= 0]] = np.flatnonzero(old_to_new >= 0)
    old = old[stay]
    cols = np.where(last.cols[old] >= 0, old_to_new[np.maximum(last.cols[old], 0)], -1)
    kept = (cols >= 0) & ~changed[np.maximum(cols, 0)]
    safe = last.complete[old] | (kept.sum(axis=1) >= PER_SECTION)
    again = changed.copy()
    again[stay[~safe]] = True
    if np.count_nonzero(again) > AGAIN_SHARE * len(rows):
        return None
    parts, turned = [], []
    todo = np.flatnonzero(again)
    for a in range(0, len(todo), BLOCK):
        these = todo[a:a + BLOCK]
        block = (matrix[these] @ matrix.T).tocsr()
        row, col, score = _related(Products(block.indptr, block.indices, block.data), these, speech_of, usable)
        parts.append(_rank(row, col, score, KEEP))
        turn = changed[row] & ~again[col]  # a changed section found by one not computed again: its link too
        turned.append((col[turn], row[turn], score[turn]))
    old, cols, kept = old[safe], cols[safe], kept[safe]
    keeping = (np.repeat(stay[safe], KEEP).reshape(-1, KEEP)[kept], cols[kept], last.scores[old][kept].astype(np.int64))
    parts.append(_merged(keeping, turned, stay[safe], last.complete[old], len(rows)))
    return _joined(parts, len(rows))


def _merged(keeping: tuple, turned: list[tuple], sections: "np.ndarray", complete: "np.ndarray", n: int) -> Ranked:
    """The best of ``sections`` (not computed again): what they kept (their remembered links to
    unchanged sections) with what they gained (links from changed sections). A section whose
    remembered list was not all it had knows its links only down to the last it kept: the
    gains below that are not ranked (a section it did not remember could come between)."""
    row, col, score = (np.concatenate([keeping[i]] + [t[i] for t in turned]) for i in range(3))
    whole = np.ones(n, dtype=bool)  # per section place: its remembered list was all it had
    whole[sections] = complete
    limit = np.where(whole, np.uint64(2**64 - 1), np.uint64(0))
    short = ~whole[keeping[0]]
    np.maximum.at(limit, keeping[0][short], _order(keeping[2][short], keeping[1][short]))
    ok = _order(score, col) <= limit[row]
    row, col, score = row[ok], col[ok], score[ok]
    order = np.argsort(row, kind="stable")
    got = _rank(row[order], col[order], score[order], KEEP)
    return got._replace(count=np.where(whole[got.rows], got.count, KEEP + 1))  # an incomplete list stays so


def _order(scores: "np.ndarray", cols: "np.ndarray") -> "np.ndarray":
    """One number per link that sorts as the links do: highest cosine first, then column."""
    return ((np.uint64(2**21 - 1) - scores.astype(np.uint64)) << np.uint64(32)) | cols.astype(np.uint64)


def _unchanged_sections(speech_of: "np.ndarray", n_speeches: int, keys: list[str],
                        last: Memory) -> "np.ndarray | None":
    """Each section of the last build -> its place now, -1 for those of a speech changed since;
    None when the unchanged speeches are not in the same order (ties would break otherwise)."""
    if len(set(keys)) != len(keys) or len(set(last.keys)) != len(last.keys):
        return None
    sections = np.bincount(speech_of, minlength=n_speeches)
    new_start = np.r_[0, np.cumsum(sections)]
    old_start = np.r_[0, np.cumsum(last.sections)]
    where = {k: i for i, k in enumerate(last.keys)}
    old_to_new = np.full(int(old_start[-1]), -1, np.int64)
    for s, k in enumerate(keys):
        o = where.get(k)
        if o is not None and last.sections[o] == sections[s]:
            old_to_new[old_start[o]:old_start[o + 1]] = np.arange(new_start[s], new_start[s + 1])
    mapped = old_to_new[old_to_new >= 0]
    return None if np.any(np.diff(mapped) <= 0) else old_to_new


def _changed_sections(corpus: Corpus, old_to_new: "np.ndarray", rare: "np.ndarray", last: Memory) -> "np.ndarray":
    """Per section now: are its weights not those it had (a new or edited section, or one
    holding a term whose IDF or rarity changed)?"""
    n = int(np.count_nonzero(corpus.is_section))
    changed = np.ones(n, dtype=bool)
    changed[old_to_new[old_to_new >= 0]] = False
    where = {t: i for i, t in enumerate(last.terms.split("\n") if last.terms else [])}
    at = np.array([where.get(t, -1) for t in corpus.vocab], dtype=np.int64)
    moved = at < 0
    known = np.flatnonzero(~moved)
    moved[known] = (last.idf[at[known]] != corpus.idf[known]) | (last.rare[at[known]] != rare[known])
    keep = corpus.is_section[corpus.row]
    row_of = np.cumsum(corpus.is_section) - 1
    changed[row_of[corpus.row[keep][moved[corpus.ids[keep]]]]] = True
    return changed


def _shown(corpus: Corpus, r: int, made: dict[int, tuple]) -> tuple:
    """Section row ``r`` as a link shows it: slug, id, short title, year, heading (cut)."""
    got = made.get(r)
    if got is None:
        speech, section, _ = corpus.rows[r]
        year = speech.meta.year
        heading = section.heading if len(section.heading) <= 30 else section.heading[:29] + "…"
        got = made[r] = (speech.slug, section.id, short_title(speech.meta.title, year), year, heading)
    return got
