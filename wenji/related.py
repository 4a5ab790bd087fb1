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
    out: dict[str, SpeechLinks] = {}
    if corpus is None or not len(corpus.rows):
        return out
    rows = np.nonzero(corpus.is_section)[0]
    (r, t, w), usable = _weights(corpus, rows)
    speech_of = corpus.row_speech[rows]
    if _small(t, len(rows), len(corpus.vocab)):
        found = [(0, _best(_dense_products(r, t, w, len(rows)), 0, speech_of, usable))]
    else:
        matrix = scipy.sparse.csr_matrix((w, (r, t)), shape=(len(rows), len(corpus.vocab)))
        try:
            found = parallel.map_chunks(_best_of_blocks, list(range(0, len(rows), BLOCK)),
                                        workers if len(rows) > PARALLEL_ROWS else 1, _share, (matrix, speech_of, usable))
        finally:
            _SHARED.clear()
    shown: dict[int, tuple] = {}  # a section's link as shown, without its score: made once
    for start, best in found:
        for i, links in best:
            speech, section, _ = corpus.rows[int(rows[start + i])]
            out.setdefault(speech.slug, {})[section.id] = tuple(
                Link(*_shown(corpus, int(rows[j]), shown), score) for j, score in links)
    return out


def _weights(corpus: Corpus, rows: "np.ndarray") -> tuple[tuple, "np.ndarray"]:
    """The sections' rows of rare terms, divided by the length of their whole vectors, as
    (row, term, weight) arrays; and which rows have enough terms to be matched at all (0 for
    those without)."""
    keep = corpus.is_section[corpus.row]
    row_of = np.cumsum(corpus.is_section) - 1  # corpus row -> its place among the sections
    r, t = row_of[corpus.row[keep]], corpus.ids[keep]
    w = (1.0 + np.log(corpus.counts[keep])) * corpus.idf[t]
    length = np.sqrt(np.bincount(r, weights=w * w, minlength=len(rows)))
    distinct = np.bincount(r, minlength=len(rows))
    usable = (distinct >= MIN_TERMS) & (length > 0)
    df = np.bincount(t, minlength=len(corpus.vocab))
    rare = (df <= max(COMMON_FLOOR, COMMON * len(rows)))[t] & usable[r]
    values = w[rare] / length[r[rare]]
    return (r[rare], t[rare], values), usable.astype(np.float64)


class Products(NamedTuple):
    """Rows of the sections' cosines, as a CSR matrix holds them (what ``_best`` reads)."""

    indptr: "np.ndarray"
    indices: "np.ndarray"
    data: "np.ndarray"


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


def _best_of_blocks(starts: list[int]) -> list[tuple[int, list]]:
    """The best links of the blocks of rows from each of ``starts``: scipy's sparse product of
    the block with every row, which takes most of the time of the step (2.2 s of 3.8 s for the
    32,000 sections of 1,000 synthetic speeches)."""
    matrix = _SHARED["matrix"]
    found = []
    for start in starts:
        block = (matrix[start:start + BLOCK] @ matrix.T).tocsr()
        found.append((start, _best(Products(block.indptr, block.indices, block.data), start,
                                   _SHARED["speech_of"], _SHARED["usable"])))
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


def _best(block: Products, start: int, speech_of: "np.ndarray",
          usable: "np.ndarray") -> list[tuple[int, list[tuple[int, float]]]]:
    """For each row of ``block`` (the sections from ``start`` on) that has any: its row, and up
    to PER_SECTION sections of other speeches alike it above the threshold, highest cosine
    first, ties by place in the archive. The whole block at once, and only its products near
    the threshold or above: row by row, the numpy calls on the 32,000 sections of 1,000
    synthetic speeches took 2.6 s; a sort of the 8.8 million products above the threshold
    2.5 s; picking each row's best three in three passes (``_top``) 0.3 s."""
    near = np.flatnonzero(block.data >= THRESHOLD - 1e-6)  # a superset of those that round to THRESHOLD or more
    local = np.searchsorted(block.indptr, near, side="right") - 1
    cols, vals = block.indices[near], np.round(block.data[near], 6)
    row = start + local
    ok = (vals >= THRESHOLD) & (speech_of[cols] != speech_of[row]) & (usable[cols] > 0) & (usable[row] > 0)
    local, cols, vals = local[ok], cols[ok], vals[ok]
    if not len(local):
        return []
    # One number per product that sorts as the links do: highest cosine (to 6 places) first, then column.
    order = ((np.uint64(2**21 - 1) - np.rint(vals * 1e6).astype(np.uint64)) << np.uint64(32)) | cols.astype(np.uint64)
    first = np.ones(len(local), dtype=bool)
    first[1:] = local[1:] != local[:-1]
    starts = np.flatnonzero(first)
    ranks = [(place.tolist(), cols[place].tolist(), vals[place].tolist())
             for place in _top(order, starts, np.cumsum(first) - 1)]
    return [(i, [(c[g], v[g]) for place, c, v in ranks if place[g] >= 0])
            for g, i in enumerate(local[starts].tolist())]


def _top(order: "np.ndarray", starts: "np.ndarray", group: "np.ndarray") -> list["np.ndarray"]:
    """Per group of consecutive items (``starts``; ``group``: each item's group), the places of
    its PER_SECTION items of lowest ``order`` (unique within a group), lowest first: one array
    of places per rank, -1 where a group has fewer items."""
    done = np.uint64(2**64 - 1)
    order = order.copy()
    picks = []
    for _ in range(PER_SECTION):
        lowest = np.minimum.reduceat(order, starts)
        hit = np.flatnonzero((order == lowest[group]) & (order != done))
        place = np.full(len(starts), -1, dtype=np.int64)
        place[group[hit]] = hit
        picks.append(place)
        order[hit] = done
    return picks


def _shown(corpus: Corpus, r: int, made: dict[int, tuple]) -> tuple:
    """Section row ``r`` as a link shows it: slug, id, short title, year, heading (cut)."""
    got = made.get(r)
    if got is None:
        speech, section, _ = corpus.rows[r]
        year = speech.meta.year
        heading = section.heading if len(section.heading) <= 30 else section.heading[:29] + "…"
        got = made[r] = (speech.slug, section.id, short_title(speech.meta.title, year), year, heading)
    return got
