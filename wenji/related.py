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
sections an edit changed and ranks the others from what they kept, their cosines computed
again (``_again``): at 1,000 synthetic speeches, after an edit that takes a heading away (one
section less: every IDF moves), 0.72 s of CPU instead of 2.8-3.1 s, the same links.

Sections with the same term counts (a passage repeated word for word) have the same vector:
a build from nothing multiplies one section of each such class (``Classes``) and gives its
cosines to all of them. At 1,000 synthetic speeches, 32,415 sections in 11,306 classes, the
step took 1.5-1.8 s of CPU in one process where every section's products took 2.9-3.7 s, and
its memory at most 165 MB where it took 179 MB (tracemalloc).
"""
from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Callable, Iterator, NamedTuple

from . import lazy, parallel, sparse
from .sparse import CSR
from .termcounts import Corpus, unchanged_since

np = lazy.module("numpy")

PER_SECTION = 3  # related passages shown under a section
THRESHOLD = 0.2  # cosine below which two sections are not shown as related (on the real archive: 44 of the 53 leaf sections of the 2019 report have one)
COMMON = 0.02  # terms in more than this share of the sections do not make two sections related (0.1 took 43 % of a cold build at 1,000 speeches)
COMMON_FLOOR = 50  # ... unless that is so few sections that every term can count (a small archive)
MIN_TERMS = 4  # a section with fewer distinct terms is too short to match on
BLOCK = 2048  # rows multiplied at once: bounds the memory of the product
SECTIONS_AT_ONCE = 1024  # sections ranked at once from the products of their classes (see Classes.blocks)
DENSE_ROWS = 2000  # an archive of at most this many sections (a square of 32 MB) ...
DENSE_TERMS = 3000  # ... and terms shared by sections: its products in numpy, without scipy (see _small)
PARALLEL_ROWS = 4 * BLOCK  # more sections than this: the blocks of products shared among the build's processes
AGAIN_SHARE = 0.5  # an edit that changes more of the sections than this: all computed again
KEEP = 6  # best related sections a build remembers of each section, for the next build (see _again)
DRIFT = 5e-6  # a section whose weights moved more than this is computed again after an edit (see _again)


class Link(NamedTuple):
    """A related section as the speech page shows it (a named tuple: 1,000 synthetic speeches
    have 82,600 of them, made in 0.023 s where a frozen dataclass took 0.049 s)."""

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


class SpeechLinks(Mapping):
    """Section id -> its related sections, best first, for one speech, in archive order; the
    links are made when first read. ``shown``: its ``page_signature`` when ``find`` made it,
    from a digest of each linked section made once. A rebuild after an edit renders a few
    pages of 1,000 synthetic speeches and reads only their links: making all 82,600 took
    0.17 s of CPU."""

    def __init__(self, ids: list[str], make: Callable[[], list[tuple[Link, ...]]], shown: str = "") -> None:
        self._ids, self._make, self.shown = ids, make, shown
        self._links: dict[str, tuple[Link, ...]] | None = None

    def _made(self) -> dict[str, tuple[Link, ...]]:
        if self._links is None:
            self._links = dict(zip(self._ids, self._make()))
        return self._links

    def __getitem__(self, section_id: str) -> tuple[Link, ...]:
        return self._made()[section_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __repr__(self) -> str:
        return f"SpeechLinks({self._made()!r})"


def page_signature(links: dict[str, tuple[Link, ...]]) -> str:
    """What a speech page shows of its related passages: the links without their scores,
    which an edit anywhere moves a little through the IDF (one edited speech of 1,000 changed
    the scores on every page, and every page was rendered again); a digest of the sections'
    ids, in order, and of what each link shows."""
    if isinstance(links, SpeechLinks) and links.shown:
        return links.shown
    shown = np.zeros((len(links), PER_SECTION, DIGEST), np.uint8)
    for i, found in enumerate(links.values()):
        for k, link in enumerate(found[:PER_SECTION]):
            shown[i, k] = np.frombuffer(_digest(link[:5]), np.uint8)
    return _signature(list(links), shown)


DIGEST = 16  # bytes of the digest of what a link shows


def _digest(fields: tuple) -> bytes:
    return hashlib.blake2b(repr(fields).encode("utf-8"), digest_size=DIGEST).digest()


def _signature(section_ids: list[str], shown: "np.ndarray") -> str:
    """The sections' ids and the digests of their links (zeros where fewer than PER_SECTION)."""
    h = hashlib.sha256("\n".join(section_ids).encode("utf-8"))
    h.update(shown.tobytes())
    return h.hexdigest()


@functools.lru_cache(maxsize=4096)
def short_title(title: str, year: str) -> str:
    """The title without the year the link shows beside it, cut to 24 characters (each
    speech's once, not each link's)."""
    t = re.sub(rf"^{re.escape(year)}\s*年\s*", "", title) if year else title
    t = t or title
    return t if len(t) <= 24 else t[:23] + "…"


def load_libraries() -> None:
    """Load scipy's sparse kernels now, not when the related passages first need them."""
    getattr(sparse.kernels, "csr_matmat")


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
    best, memory = rank(corpus, workers, keys, last)
    return links(corpus, best), memory


def rank(corpus: Corpus | None, workers: int = 1, keys: list[str] | None = None,
         last: "Memory | None" = None) -> tuple["Best | None", "Memory | None"]:
    """The numbers ``find_again`` makes its links from: every section's ``Best`` (None for an
    archive without sections), and the ``Memory``."""
    if corpus is None or not len(corpus.rows):
        return None, None
    rows = np.nonzero(corpus.is_section)[0]
    (r, t, w), usable, rare, entries = _weights(corpus, rows)
    speech_of = corpus.row_speech[rows]
    if _small(t, len(rows), len(corpus.vocab)):
        ranked = _ranked(_dense_products(r, t, w, len(rows)), np.arange(len(rows)), speech_of, usable)
        return _joined([ranked], len(rows)), None
    by_rows = sparse.from_entries(r, t, w, (len(rows), len(corpus.vocab)))
    klass = _classes(entries, len(rows))
    best = None
    if last is not None and keys is not None:
        matrix = Weights(by_rows, sparse.transposed(by_rows))
        best = _again(corpus, matrix, (speech_of, usable, rare, klass), keys, last, entries)
    if best is None:
        classes = Classes.of(klass)
        firsts = sparse.take_rows(by_rows, classes.first)
        try:
            parts = parallel.map_chunks(_best_of_blocks, classes.blocks(SECTIONS_AT_ONCE),
                                        workers if len(rows) > PARALLEL_ROWS else 1, _share,
                                        (Weights(firsts, sparse.transposed(firsts)), classes, speech_of, usable, klass))
        finally:
            _SHARED.clear()
        best = _joined(parts, len(rows))
    memory = None
    if keys is not None:
        memory = Memory(list(keys), np.bincount(speech_of, minlength=len(corpus.speeches)), "\n".join(corpus.vocab),
                        corpus.idf, rare, klass, *best)
    return best, memory


def links(corpus: Corpus | None, best: "Best | None") -> dict[str, SpeechLinks]:
    """The links ``rank`` found, by speech slug and section id."""
    if corpus is None or best is None:
        return {}
    return _links(corpus, np.nonzero(corpus.is_section)[0], best)


def _links(corpus: Corpus, rows: "np.ndarray", best: "Best") -> dict[str, SpeechLinks]:
    """The links of every section with any, from its best columns and scores, in archive order."""
    owners = np.flatnonzero(best.cols[:, 0] >= 0)
    cols, scores = best.cols[owners, :PER_SECTION], best.scores[owners, :PER_SECTION] / 1e6
    shown = {j: _shown(corpus, int(rows[j])) for j in np.unique(cols[cols >= 0]).tolist()}  # each made once
    digests = np.zeros((len(rows) + 1, DIGEST), np.uint8)  # the last row: no link
    if shown:
        digests[list(shown)] = np.frombuffer(b"".join(_digest(f) for f in shown.values()), np.uint8).reshape(-1, DIGEST)
    linked = digests[np.where(cols >= 0, cols, len(rows))]
    speech_of = corpus.row_speech[rows[owners]]
    bounds = np.flatnonzero(np.r_[True, speech_of[1:] != speech_of[:-1], True]).tolist() if len(owners) else [0]
    out: dict[str, SpeechLinks] = {}
    for a, b in zip(bounds, bounds[1:]):  # each speech with links, in archive order
        speech = corpus.speeches[int(speech_of[a])]
        ids = [corpus.rows[i][1].id for i in rows[owners[a:b]].tolist()]
        make = functools.partial(_made_links, shown, cols[a:b], scores[a:b])
        out[speech.slug] = SpeechLinks(ids, make, _signature(ids, linked[a:b]))
    return out


def _made_links(shown: dict[int, tuple], cols: "np.ndarray", scores: "np.ndarray") -> list[tuple[Link, ...]]:
    """Each section's links (``SpeechLinks``), from its columns and scores."""
    return [tuple(Link(*shown[j], s) for j, s in zip(found, score) if j >= 0)
            for found, score in zip(cols.tolist(), scores.tolist())]


class Entries(NamedTuple):
    """The corpus's entries of sections: each one's section (its place among the sections),
    term, 1 + log(count), and weight over the length of its section's whole vector where the
    term is rare and the section usable, else 0. ``_weights`` makes them and ``_drift`` reads
    them again (making them twice took 0.1 s of a rebuild at 1,000 synthetic speeches)."""

    r: "np.ndarray"
    t: "np.ndarray"
    tf: "np.ndarray"
    unit: "np.ndarray"


def _weights(corpus: Corpus, rows: "np.ndarray") -> tuple[tuple, "np.ndarray", "np.ndarray", Entries]:
    """The sections' rows of rare terms, divided by the length of their whole vectors, as
    (row, term, weight) arrays; which rows have enough terms to be matched at all (0 for
    those without); which terms are rare enough to count; every entry (``Entries``)."""
    keep = corpus.is_section[corpus.row]
    row_of = np.cumsum(corpus.is_section) - 1  # corpus row -> its place among the sections
    r, t = row_of[corpus.row[keep]], corpus.ids[keep]
    tf = 1.0 + np.log(corpus.counts[keep])
    w = tf * corpus.idf[t]
    length = np.sqrt(np.bincount(r, weights=w * w, minlength=len(rows)))
    distinct = np.bincount(r, minlength=len(rows))
    usable = (distinct >= MIN_TERMS) & (length > 0)
    rare_terms = np.bincount(t, minlength=len(corpus.vocab)) <= max(COMMON_FLOOR, COMMON * len(rows))
    rare = rare_terms[t] & usable[r]
    values = w[rare] / length[r[rare]]
    unit = np.zeros(len(w))
    unit[rare] = values
    return (r[rare], t[rare], values), usable.astype(np.float64), rare_terms, Entries(r, t, tf, unit)


def _classes(entries: Entries, n: int) -> "np.ndarray":
    """Per section: a number it shares with the sections of exactly the same term counts (the
    same weights, so the same cosine with every section, whatever the IDF). Read from the
    entries ``_weights`` took out (their 1 + log(count) is as telling as the count). The
    synthetic archive's 32,415 sections fall into 11,306 such classes; 0.05 s."""
    ptr = np.r_[0, np.cumsum(np.bincount(entries.r, minlength=n))]
    seen: dict[bytes, int] = {}
    bounds = ptr.tolist()
    t, tf = entries.t, entries.tf
    return np.array([seen.setdefault(t[a:b].tobytes() + tf[a:b].tobytes(), len(seen))
                     for a, b in zip(bounds, bounds[1:])], dtype=np.int64)


class Products(NamedTuple):
    """Rows of the sections' cosines, as a CSR matrix holds them (what ``_ranked`` reads)."""

    indptr: "np.ndarray"
    indices: "np.ndarray"
    data: "np.ndarray"


SEEN = 190_000  # cosines (in millionths) from which a section's bound counts (see Ranked): just below the threshold
NONE = SEEN - 1  # the bound of a section with nothing outside its best classes from SEEN up


class Ranked(NamedTuple):
    """Some sections' best related sections: per section of ``rows`` (those with any), up to k
    columns (section places, -1 for none), best first, their cosines in millionths, and the
    best cosine among the sections outside the classes (``_classes``) of those that would be
    related but for the threshold, from SEEN up (NONE for none): after an edit that moves
    every cosine a little, what is known not to reach the threshold or a kept one."""

    rows: "np.ndarray"
    cols: "np.ndarray"  # (len(rows), k)
    scores: "np.ndarray"  # (len(rows), k)
    bound: "np.ndarray"


class Best(NamedTuple):
    """Every section's KEEP best related sections (section places, -1 for none), best first,
    their cosines rounded to 6 places in millionths, and a bound on the cosine of every
    related section outside their classes (see ``Ranked``)."""

    cols: "np.ndarray"  # (sections, KEEP) int32
    scores: "np.ndarray"  # (sections, KEEP) int32
    bound: "np.ndarray"  # (sections,) int64


@dataclass
class Memory:
    """What a build keeps for the next one to find the related passages again after an edit:
    the speeches' counts keys and numbers of sections (to know which sections are unchanged),
    each term's IDF and whether it is rare (to know how far each section's weights moved),
    each section's class (``_classes``) and its ``Best``."""

    keys: list[str]
    sections: "np.ndarray"  # per speech
    terms: str  # the vocabulary, one term a line
    idf: "np.ndarray"
    rare: "np.ndarray"
    klass: "np.ndarray"
    cols: "np.ndarray"
    scores: "np.ndarray"
    bound: "np.ndarray"


def _small(t: "np.ndarray", n_rows: int, n_terms: int) -> bool:
    """Is the archive small enough for ``_dense_products``, which adds the same products in the
    same order as the sparse product, so the cosines are the same to the last bit (tested on
    the seeds and a synthetic archive), and a small archive need not load scipy's kernels
    (0.02 s)?"""
    return n_rows <= DENSE_ROWS and np.count_nonzero(np.bincount(t, minlength=n_terms) >= 2) <= DENSE_TERMS


class Weights(NamedTuple):
    """The sections' matrix of weights (rare terms, over the lengths of the whole vectors), by
    rows and by columns (its transpose, made once for every product with it)."""

    rows: CSR
    columns: CSR


def _cosines(matrix: Weights, rows: "np.ndarray") -> Products:
    """The cosines of the sections ``rows`` with every section: their rows times the columns."""
    got = sparse.product(sparse.take_rows(matrix.rows, rows), matrix.columns)
    return Products(got.indptr, got.indices, got.data)


class Classes(NamedTuple):
    """The sections by class (``_classes``): class c's sections are ``sections[ptr[c]:ptr[c + 1]]``,
    in archive order. The sections of a class have the same vector, so the same cosines: their
    products are made once, for its first section, and given to all of them."""

    ptr: "np.ndarray"
    sections: "np.ndarray"

    @classmethod
    def of(cls, klass: "np.ndarray") -> "Classes":
        return cls(np.r_[0, np.cumsum(np.bincount(klass))], np.argsort(klass, kind="stable"))

    @property
    def first(self) -> "np.ndarray":
        return self.sections[self.ptr[:-1]]

    def blocks(self, size: int) -> list[tuple[int, int]]:
        """The classes in runs of consecutive ones, (first, one past the last), that hold about
        ``size`` sections each (more where one class holds more): what a product's rows give
        out to, so its memory is bounded as a block of ``size`` sections bounds it."""
        starts = np.unique(np.searchsorted(self.ptr[:-1], np.arange(0, int(self.ptr[-1]), size), side="right") - 1)
        bounds = np.r_[starts, len(self.ptr) - 1].tolist()
        return list(zip(bounds, bounds[1:]))

    def sections_of(self, classes: "np.ndarray") -> tuple["np.ndarray", "np.ndarray"]:
        """The sections of each of ``classes`` in turn, and how many each one has."""
        sizes = self.ptr[classes + 1] - self.ptr[classes]
        return self.sections[sparse.ranges(self.ptr[classes], sizes)], sizes


# What a process computing blocks of products holds (inherited when it is forked): the matrix
# of weights of the classes' first sections, the classes, each section's speech, which sections
# are usable, their classes.
_SHARED: dict = {}


def _share(matrix: Weights, classes: Classes, speech_of: "np.ndarray", usable: "np.ndarray",
           klass: "np.ndarray") -> None:
    _SHARED.update(matrix=matrix, classes=classes, speech_of=speech_of, usable=usable, klass=klass)


def _best_of_blocks(blocks: list[tuple[int, int]]) -> list[Ranked]:
    """The best links of the sections of the blocks of classes ``blocks`` (``Classes.blocks``): the
    sparse product of the block's first sections with those of every class, which takes most
    of the time of the step, made once a class rather than once a section (the 32,415 sections
    of 1,000 synthetic speeches are 11,306 classes: the products took 2.3 s of CPU for every
    section, 0.8 s for every class), its cosines then given to every section of the two classes."""
    matrix, classes, speech_of = _SHARED["matrix"], _SHARED["classes"], _SHARED["speech_of"]
    found = []
    for first, end in blocks:
        rows = np.arange(first, end)
        row, col, score = _class_related(_cosines(matrix, rows), rows, classes, _SHARED["usable"])
        other = speech_of[col] != speech_of[row]
        found.append(_rank(row[other], col[other], score[other], KEEP, _SHARED["klass"]))
    return found


def _class_related(block: Products, rows: "np.ndarray", classes: Classes,
                   usable: "np.ndarray") -> tuple["np.ndarray", "np.ndarray", "np.ndarray"]:
    """The related classes in ``block`` (class ``rows[i]`` with every class: from SEEN up, both
    usable, as ``_valid`` takes them), as (section, section, score) for every section of the
    two classes, grouped by section; those of the section's own speech among them."""
    row_class, col_class, scores = _near(block)
    usable_class = usable[classes.first] > 0
    ok = (scores >= SEEN) & usable_class[col_class] & usable_class[rows[row_class]]
    cols, sizes = classes.sections_of(col_class[ok])
    row_class = np.repeat(row_class[ok], sizes)
    scores = np.repeat(scores[ok].astype(np.int64), sizes)
    places = np.arange(len(rows))
    starts = np.searchsorted(row_class, places)
    runs = np.searchsorted(row_class, places, side="right") - starts
    sections, members = classes.sections_of(rows)
    at = sparse.ranges(np.repeat(starts, members), np.repeat(runs, members))
    return np.repeat(sections, np.repeat(runs, members)), cols[at], scores[at]


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
    places, cols, scores = _near(block)
    return _valid(rows[places], cols, scores, speech_of, usable)


def _near(block: Products) -> tuple["np.ndarray", "np.ndarray", "np.ndarray"]:
    """The products of ``block`` near the threshold or above (a superset of those that round to
    SEEN or more): each one's row (its place in the block), column, and cosine times 1e6,
    rounded, as np.round(x, 6) rounds them."""
    near = np.flatnonzero(block.data >= SEEN / 1e6 - 1e-6)
    places = np.searchsorted(block.indptr, near, side="right") - 1
    return places, block.indices[near].astype(np.int64), np.rint(block.data[near] * 1e6)


def _valid(row: "np.ndarray", cols: "np.ndarray", scores: "np.ndarray", speech_of: "np.ndarray",
           usable: "np.ndarray") -> tuple["np.ndarray", "np.ndarray", "np.ndarray"]:
    """The (section, related section, score) that count: from SEEN up (``scores``: the cosines
    times 1e6, rounded, as np.round(x, 6) rounds them), other speeches, both usable."""
    ok = (scores >= SEEN) & (speech_of[cols] != speech_of[row]) & (usable[cols] > 0) & (usable[row] > 0)
    return row[ok], cols[ok], scores[ok].astype(np.int64)


def _ranked(block: Products, rows: "np.ndarray", speech_of: "np.ndarray", usable: "np.ndarray",
            k: int = 0, klass: "np.ndarray | None" = None) -> Ranked:
    """The best ``k`` (KEEP) related sections of each section of ``block`` (see ``_related``)."""
    return _rank(*_related(block, rows, speech_of, usable), k or KEEP, klass)


def _rank(row: "np.ndarray", cols: "np.ndarray", scores: "np.ndarray", k: int,
          klass: "np.ndarray | None" = None) -> Ranked:
    """Per section of ``row`` (grouped), its ``k`` best related sections: highest cosine (to 6
    places) first, ties by place in the archive; and, given the sections' classes, the bound
    of ``Ranked``. A sort of the 8.8 million products above the threshold at 1,000 synthetic
    speeches took 2.5 s; picking each row's best in k passes (``_top``) 0.3 s for three."""
    if not len(row):
        empty = np.zeros((0, k), np.int64)
        return Ranked(np.zeros(0, np.int64), empty, empty, np.zeros(0, np.int64))
    first = np.ones(len(row), dtype=bool)
    first[1:] = row[1:] != row[:-1]
    starts = np.flatnonzero(first)
    group = np.cumsum(first) - 1
    places = np.stack(_top(_order(scores, cols), starts, group, k), axis=1)
    found = (places >= 0) & (scores[places] / 1e6 >= THRESHOLD)  # below it: only in the bound
    best_cols = np.where(found, cols[places], -1)
    bound = np.full(len(starts), NONE, np.int64)
    if klass is not None:
        kinds = np.where(found, klass[np.maximum(best_cols, 0)], -1)
        listed = np.zeros(len(row), dtype=bool)
        col_kinds = klass[cols]
        for c in range(k):
            listed |= col_kinds == kinds[:, c][group]
        bound = np.maximum(np.maximum.reduceat(np.where(listed, NONE, scores), starts), NONE)
    return Ranked(row[starts], best_cols, np.where(found, scores[places], 0), bound)


def _best(block: Products, start: int, speech_of: "np.ndarray",
          usable: "np.ndarray") -> list[tuple[int, list[tuple[int, float]]]]:
    """For each row of ``block`` (the sections from ``start`` on) that has any: its row, and up
    to PER_SECTION sections of other speeches alike it above the threshold, highest cosine
    first, ties by place in the archive."""
    got = _ranked(block, np.arange(start, start + len(block.indptr) - 1), speech_of, usable, PER_SECTION)
    return [(i - start, [(c, v / 1e6) for c, v in zip(cols, scores) if c >= 0])
            for i, cols, scores in zip(got.rows.tolist(), got.cols.tolist(), got.scores.tolist()) if cols[0] >= 0]


def _joined(parts: list[Ranked], n: int) -> Best:
    """Every section's ``Best`` from the ranked blocks of sections (sections not in any have none)."""
    cols = np.full((n, KEEP), -1, np.int32)
    scores = np.zeros((n, KEEP), np.int32)
    bound = np.full(n, NONE, np.int64)
    for part in parts:
        cols[part.rows] = part.cols
        scores[part.rows] = part.scores
        bound[part.rows] = part.bound
    return Best(cols, scores, bound)


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


def _order(scores: "np.ndarray", cols: "np.ndarray") -> "np.ndarray":
    """One number per link that sorts as the links do: highest cosine first, then column."""
    return ((np.uint64(2**21 - 1) - scores.astype(np.uint64)) << np.uint64(32)) | cols.astype(np.uint64)


# --- after an edit ---------------------------------------------------------------------------


def _again(corpus: Corpus, matrix: Weights, facts: tuple, keys: list[str],
           last: Memory, entries: Entries) -> Best | None:
    """Every section's ``Best`` after an edit, from the last build's, computing again against
    every section only the sections the edit changed or moved far (``_drift``), and those
    whose remembered best cannot be told apart from what they did not remember. Any other
    section's cosine with an unchanged one moved at most by the two sections' drifts (a few
    millionths when a section is added: every IDF shifts by log(N'+1) - log(N+1)); so the
    cosines of its remembered best and their classes, computed again exactly (``_dots``),
    and those with the changed sections, are all it can rank first, when the third of them
    is above the bound of everything else. None when that is no cheaper than all."""
    speech_of, usable, rare, klass = facts
    n = len(speech_of)
    old_to_new = _unchanged_sections(speech_of, len(corpus.speeches), keys, last)
    if old_to_new is None:
        return None
    drift = _drift(corpus, (n, usable > 0), old_to_new, entries, last, rare)
    moved = drift > DRIFT
    if np.count_nonzero(moved) > AGAIN_SHARE * n:
        return None
    parts, turned = _products(matrix, np.flatnonzero(moved), moved, facts)
    stay = np.flatnonzero(~moved)
    old = np.full(n, -1, np.int64)
    old[old_to_new[old_to_new >= 0]] = np.flatnonzero(old_to_new >= 0)
    found = _candidates(matrix, stay, old, moved, facts, last, drift)
    row, col, score = (np.concatenate([found[i], turned[i]]) for i in range(3))
    order = np.argsort(row, kind="stable")
    got = _rank(row[order], col[order], score[order], KEEP, klass)
    limit = np.zeros(n, np.int64)  # what nothing it did not see can exceed (millionths)
    limit[stay] = last.bound[old[stay]] + np.floor(1 + (drift[stay] + drift[stay].max(initial=0.0)) * 1e6 + 1e-6)
    third = np.full(n, 0, np.int64)
    third[got.rows] = got.scores[:, PER_SECTION - 1]
    unsure = stay[(third[stay] <= limit[stay]) & (limit[stay] / 1e6 >= THRESHOLD)]
    if np.count_nonzero(moved) + len(unsure) > AGAIN_SHARE * n:
        return None
    sure = ~np.isin(got.rows, unsure)
    kept = got.scores > limit[got.rows][:, None]  # the best it knows above anything it did not see
    parts.append(Ranked(got.rows[sure], np.where(kept, got.cols, -1)[sure], np.where(kept, got.scores, 0)[sure],
                        np.maximum(got.bound, limit[got.rows])[sure]))
    quiet = np.setdiff1d(stay, np.concatenate([got.rows, unsure]))  # nothing seen: the limit is their bound
    parts.append(Ranked(quiet, np.full((len(quiet), KEEP), -1), np.zeros((len(quiet), KEEP), np.int64),
                        np.maximum(limit[quiet], NONE)))
    parts += _products(matrix, unsure, moved, facts)[0]
    return _joined(parts, n)


def _products(matrix: Weights, todo: "np.ndarray", moved: "np.ndarray",
              facts: tuple) -> tuple[list[Ranked], tuple]:
    """The best of the sections ``todo`` against every section (as a build from nothing ranks
    them), and their related sections among those not ``moved``, turned round: (section not
    moved, section of todo, score)."""
    speech_of, usable, _, klass = facts
    parts, turned = [], []
    for a in range(0, len(todo), BLOCK):
        these = todo[a:a + BLOCK]
        row, col, score = _related(_cosines(matrix, these), these, speech_of, usable)
        parts.append(_rank(row, col, score, KEEP, klass))
        turn = ~moved[col]
        turned.append((col[turn], row[turn], score[turn]))
    empty = np.zeros(0, np.int64)
    return parts, tuple(np.concatenate([empty] + [t[i] for t in turned]) for i in range(3))


def _candidates(matrix: Weights, stay: "np.ndarray", old: "np.ndarray", moved: "np.ndarray",
                facts: tuple, last: Memory, drift: "np.ndarray") -> tuple:
    """(section, related section, score) for the sections ``stay``: their cosines, computed
    again, with the sections of the classes (in the last build) of those they remembered;
    of each class the first sections in archive order from KEEP + 1 speeches (the others of
    a class rank after those, as its cosines are theirs). A cosine of two sections that did
    not drift at all (``_drift``: made of the same numbers as then) is the one remembered for
    the class: after an edit that moved no IDF, all but the edited speech's (at 1,000
    synthetic speeches 54,000 products, 0.1-0.15 s of CPU)."""
    speech_of, usable, _, _ = facts
    members = np.flatnonzero((old >= 0) & ~moved)
    kind = last.klass[old[members]]
    order = np.lexsort((members, kind))
    members, kind = members[order], kind[order]
    opens = np.r_[True, kind[1:] != kind[:-1]]
    speeches = np.cumsum(opens | np.r_[True, speech_of[members][1:] != speech_of[members][:-1]])
    first_of_class = np.maximum.accumulate(np.where(opens, np.arange(len(kind)), 0))
    front = speeches - speeches[first_of_class] < KEEP + 1
    members, kind = members[front], kind[front]
    remembered = last.cols[old[stay]]
    base = int(last.klass.max(initial=0)) + 1
    listed = remembered >= 0
    pairs, first = np.unique(np.repeat(stay, KEEP)[listed.ravel()] * base + last.klass[remembered[listed]],
                             return_index=True)
    row, kinds = pairs // base, pairs % base  # each section with each class it remembered
    known = last.scores[old[stay]][listed][first]
    at = np.searchsorted(kind, kinds)
    has = (at < len(kind)) & (kind[np.minimum(at, max(len(kind) - 1, 0))] == kinds) if len(kind) else at < 0
    row, kinds, at, known = row[has], kinds[has], at[has], known[has]
    values = known.astype(np.float64)
    again = np.flatnonzero((drift[row] != 0) | (drift[members[at]] != 0))
    values[again] = np.rint(_dots(matrix, row[again], members[at[again]]) * 1e6)
    size = np.searchsorted(kind, kinds, side="right") - at
    cols = members[sparse.ranges(at, size)]
    return _valid(np.repeat(row, size), cols, np.repeat(values, size), speech_of, usable)


def _dots(matrix: Weights, a: "np.ndarray", b: "np.ndarray") -> "np.ndarray":
    """Row a[p] times row b[p] of the matrix, for each p: the products of their common terms
    added in the order of the terms, from 0, as the sparse product adds them, so the same
    cosines to the last bit (``sparse.pair_dots``, in scipy's C: the 53,718 pairs of an edit
    at 1,000 synthetic speeches in 0.03 s of CPU, where finding the common terms in numpy
    took 0.26 s)."""
    return sparse.pair_dots(matrix.rows, a, b)


def _drift(corpus: Corpus, sections: tuple[int, "np.ndarray"], old_to_new: "np.ndarray", entries: Entries,
           last: Memory, rare: "np.ndarray") -> "np.ndarray":
    """Per section now (``sections``: how many, which are usable): how far its vector of rare
    terms (unit length over all its terms) moved since the last build; infinite for a section
    that is new, holds a term the last build did not know, or was usable then and not now (or
    the reverse). Computed for the sections holding a term whose IDF or rarity changed (the
    others' vectors are made of the same numbers as then, so their drift is 0 either way): of
    those alone when they are few (0.02 s rather than 0.12 s after an edit at 1,000 synthetic
    speeches that kept the number of sections), else of every section, which saves taking the
    entries out. What the last build weighed is looked up per term, then once per entry, and
    worked on in place: in a build the arrays of 2 million entries are memory fresh to the
    process, which cost far more than the arithmetic. After an edit that removed a section
    (every IDF moved), 0.56-1.10 s in the build before, 0.06-0.36 s now (four each,
    alternating; 0.09 and 0.05 s in a warm process)."""
    n, usable_now = sections
    r, t, tf, now = entries.r, entries.t, entries.tf, entries.unit
    if last.terms == "\n".join(corpus.vocab):  # the same vocabulary (0.02 s to map it otherwise)
        at = np.arange(len(corpus.vocab))
    else:
        where = {term: i for i, term in enumerate(last.terms.split("\n") if last.terms else [])}
        at = np.array([where.get(term, -1) for term in corpus.vocab], dtype=np.int64)
    known = at >= 0
    then = np.maximum(at, 0)
    idf_then, rare_then = np.where(known, last.idf[then], 0.0), known & last.rare[then]
    moved_term = ~known | (idf_then != corpus.idf) | (rare_then != rare)
    new = np.ones(n, dtype=bool)
    new[old_to_new[old_to_new >= 0]] = False
    todo = new | (np.bincount(r, weights=moved_term[t], minlength=n) > 0)
    if np.count_nonzero(todo) < n // 2:
        e = np.flatnonzero(todo[r])
        r, t, tf, now = r[e], t[e], tf[e], now[e]
    before = idf_then[t]
    before *= tf
    usable_before = _to_unit(r, before, rare_then[t], n)
    before -= now
    np.square(before, out=before)
    drift = np.sqrt(np.bincount(r, weights=before, minlength=n))
    unknown = np.zeros(n, dtype=bool)
    unknown[r[~known[t]]] = True
    changed = todo & (new | unknown | (usable_now != usable_before))
    return np.where(changed, np.inf, drift)


def _to_unit(r: "np.ndarray", w: "np.ndarray", rare: "np.ndarray", n: int) -> "np.ndarray":
    """Turn each entry's weight ``w`` into its weight divided by its section's length, where
    its term is rare and the section usable (0 elsewhere), as ``_weights`` makes them; return
    which sections are usable."""
    length = np.sqrt(np.bincount(r, weights=w * w, minlength=n))
    usable = (np.bincount(r, minlength=n) >= MIN_TERMS) & (length > 0)
    w /= np.where(length > 0, length, 1.0)[r]
    w[~(rare & usable[r])] = 0.0
    return usable


def _unchanged_sections(speech_of: "np.ndarray", n_speeches: int, keys: list[str],
                        last: Memory) -> "np.ndarray | None":
    """Each section of the last build -> its place now, -1 for those of a speech changed since;
    None when the unchanged speeches are not in the same order (ties would break otherwise)."""
    if len(set(keys)) != len(keys) or len(set(last.keys)) != len(last.keys):
        return None
    sections = np.bincount(speech_of, minlength=n_speeches)
    new_start = np.r_[0, np.cumsum(sections)]
    old_start = np.r_[0, np.cumsum(last.sections)]
    old = unchanged_since(keys, sections, last.keys, last.sections)
    kept = np.flatnonzero(old >= 0)
    old_to_new = np.full(int(old_start[-1]), -1, np.int64)
    old_to_new[sparse.ranges(old_start[old[kept]], sections[kept])] = sparse.ranges(new_start[kept], sections[kept])
    mapped = old_to_new[old_to_new >= 0]
    return None if np.any(np.diff(mapped) <= 0) else old_to_new


def _shown(corpus: Corpus, r: int) -> tuple:
    """Section row ``r`` as a link shows it: slug, id, short title, year, heading (cut)."""
    speech, section, _ = corpus.rows[r]
    year = speech.meta.year
    heading = section.heading if len(section.heading) <= 30 else section.heading[:29] + "…"
    return speech.slug, section.id, short_title(speech.meta.title, year), year, heading
