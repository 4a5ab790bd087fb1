"""Term counts: every section of every speech as counts of its jieba terms, and the archive's
term-by-section matrix with its IDF.

Each speech's counts are made once and kept in the build cache, keyed by what the speech was
made from and by the dictionary: a rebuild cuts only the speeches that changed and loads the
dictionary only if there are any. Cutting is native (``wenji.segment``, about 13 MB/s) and
counting about 4 MB/s on one core, so it runs in the build's own process, beside the process
that writes what needs no themes (the 37 real reports, 2.5 MB: 0.6 s; jieba 0.42.1 took 8 s,
which is why it once ran in worker processes started ahead of the build). A speech's counts
are a few compact arrays (its sorted vocabulary, and per section the vocabulary indices, plain
counts and heading counts), small to store and to load.

The archive's counts are then joined into one sparse matrix (numpy arrays: one entry per term
present in a section, sections in archive then reading order, terms in code-point order), on
which the theme and keyword steps compute weights for every section at once. Everything the
matrix holds depends only on the archive's text, so a rebuild after an edit computes exactly
what a cold build computes.
"""
from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from itertools import chain
from typing import TYPE_CHECKING

from . import lazy
from .cache import Cache, key as cache_key
from .kept import Kept
from .model import Archive, Section, Speech

if TYPE_CHECKING:
    from .segment import Segmenter

np = lazy.module("numpy")

COUNTS_FORMAT = "2"  # change when SpeechCounts or the way of counting changes


@dataclass
class SpeechCounts:
    """One speech's term counts. Documents are the speech's preamble and its sections in
    reading order (``Section.walk``); ``ptr[d]:ptr[d+1]`` are document d's entries, each a
    vocabulary index (ascending), its count (a heading's terms once, with the paragraphs')
    and how many of those occurrences are in the heading."""

    terms: str  # the sorted vocabulary, one term a line (a string loads far faster than a list)
    ptr: array
    ids: array
    counts: array
    heads: array

    @property
    def vocab(self) -> list[str]:
        return self.terms.split("\n") if self.terms else []


def documents(speech: Speech) -> list[tuple[str, list[str]]]:
    """(heading, paragraph texts) of every document of a speech; the preamble has no heading."""
    return [(section.heading if section.depth else "", [p.text for p in section.paragraphs])
            for section, _ in speech.body.walk()]


@dataclass
class LineCuts:
    """A speech's tokens as the count step cut them (``Segmenter.tokens``, whitespace included),
    line by line: the lengths of the tokens of its lines joined by line breaks, and the token
    each line starts at. Its lines are each paragraph of the preamble, then each section (in
    ``Section.walk``'s order) as one line: its heading and paragraphs joined by line breaks.
    The comparison data's word starts are made from it rather than by cutting the text again
    (1.9 s of CPU at 1,000 synthetic speeches, against 0.7 s)."""

    lengths: "np.ndarray"  # int32, every token, with the line break after each line
    starts: "np.ndarray"  # int64, per line, and one past the last line's line break


def count(seg: "Segmenter", docs: list[tuple[str, list[str]]], cuts: list | None = None) -> SpeechCounts:
    """Cut and count one speech's documents (a document's paragraphs are cut in one piece: jieba
    cuts a text at every line break, so that gives the tokens of each paragraph in turn).
    Counted in numpy, every occurrence as (document x vocabulary size + term) made distinct by
    one sort: 0.06 s of CPU beyond the cutting for tests/corpus-real, 0.10 with a Counter per
    document and its entries appended in turn. ``cuts``: given a list, the speech's LineCuts
    (or None where its lines cannot be told apart among the tokens) is appended to it."""
    cutter = LineCutter() if cuts is not None else None
    heads: list[list[str]] = []
    bodies: list[list[str]] = []
    for heading, paragraphs in docs:
        head = seg.tokens(heading) if heading else []
        body = seg.tokens("\n".join(paragraphs))
        if cutter is not None:
            cutter.add(head, body, len(paragraphs), preamble=not bodies)
        heads.append(seg.terms_of(head))
        bodies.append(seg.terms_of(body))
    if cutter is not None:
        cuts.append(cutter.cuts())
    vocab = sorted(set(chain.from_iterable(heads)).union(chain.from_iterable(bodies)))
    index = {t: i for i, t in enumerate(vocab)}

    def occurrences(tokens: list[list[str]]) -> "np.ndarray":
        ids = np.fromiter(map(index.__getitem__, chain.from_iterable(tokens)), np.int64)
        return np.repeat(np.arange(len(tokens), dtype=np.int64) * len(vocab), [len(t) for t in tokens]) + ids

    head = occurrences(heads)
    entries, counts = np.unique(np.concatenate([occurrences(bodies), head]), return_counts=True)
    head_entries, head_counts = np.unique(head, return_counts=True)
    in_head = np.zeros(len(entries), np.int64)
    in_head[np.searchsorted(entries, head_entries)] = head_counts
    ptr = np.zeros(len(docs) + 1, np.int64)
    np.cumsum(np.bincount(entries // max(len(vocab), 1), minlength=len(docs)), out=ptr[1:])
    return SpeechCounts("\n".join(vocab), _ints(ptr), _ints(entries % max(len(vocab), 1)), _ints(counts),
                        _ints(in_head))


class LineCutter:
    """A speech's LineCuts made document by document, while each one's tokens are at hand: with
    all of a speech's tokens kept until it was counted, counting 1,000 synthetic speeches took
    0.3-1.3 s more CPU; keeping each document's lengths as it is cut takes 0.2 s more."""

    def __init__(self) -> None:
        self.lengths: list[int] = []  # (appending to an array("i") took 85 ns a token, to a list 30)
        self.starts: list[int] = []
        self.whole = True  # every line found

    def add(self, head: list[str], body: list[str], paragraphs: int, preamble: bool) -> None:
        """A document's tokens: of its heading and of its paragraphs joined by line breaks (each
        of which is a token of its own). The preamble's paragraphs are lines of their own."""
        if preamble:
            self._paragraphs(body, paragraphs)
            return
        self.starts.append(len(self.lengths))
        self.lengths += map(len, head)
        if head and paragraphs:
            self.lengths.append(1)
        self.lengths += map(len, body)
        self.lengths.append(1)

    def _paragraphs(self, body: list[str], paragraphs: int) -> None:
        if not paragraphs:
            return
        if body.count("\n") != paragraphs - 1:
            self.whole = False
            return
        at, i = len(self.lengths), -1
        self.starts.append(at)
        for _ in range(paragraphs - 1):
            i = body.index("\n", i + 1)
            self.starts.append(at + i + 1)
        self.lengths += map(len, body)
        self.lengths.append(1)

    def cuts(self) -> LineCuts | None:
        """The LineCuts, or None where the preamble's line breaks were not as many as its
        paragraphs less one."""
        if not self.whole:
            return None
        return LineCuts(np.array(self.lengths, dtype=np.int32),
                        np.array(self.starts + [len(self.lengths)], dtype=np.int64))


def _ints(values: "np.ndarray") -> array:
    return array("i", values.astype(np.int32).tobytes())


def counts_key(seg: "Segmenter", speech: Speech) -> str:
    """What a speech's counts depend on: its text (its digest, when it came from a file) and
    the segmenter's dictionary and stop words."""
    text = [speech.digest] if speech.digest else [p for h, ps in documents(speech) for p in (h, *ps)]
    return cache_key("counts", COUNTS_FORMAT, seg.dictionary_key, seg.stopwords_key, *text)


@dataclass
class Base:
    """The matrix of the last build, kept so that the next one joins anew only the speeches
    that changed: per speech (by counts key) its rows and entries, ids in ``terms``' order."""

    keys: list[str]
    terms: str  # the vocabulary, one term a line
    rows: "np.ndarray"  # per speech: its number of rows
    ptr: "np.ndarray"
    ids: "np.ndarray"
    counts: "np.ndarray"
    heads: "np.ndarray"
    speech_ptr: "np.ndarray"
    speech_ids: "np.ndarray"
    speech_counts: "np.ndarray"


@dataclass
class Counted:
    """Every speech's counts, ready to join: ``counts[i]`` is None when speech i is in ``base``
    under the same key, unchanged since the last build."""

    keys: list[str]
    counts: list[SpeechCounts | None]
    base: Base | None = None
    base_key: str = ""  # where the joined matrix is kept for the next build ("" for nowhere)
    cuts: dict[int, LineCuts | None] = field(default_factory=dict)  # of the speeches cut here, by index

    def remember(self, cache: Cache, corpus: "Corpus") -> None:
        if self.base_key:
            cache.put("corpus-base", self.base_key, corpus.as_base(self.keys))


def count_archive(seg: "Segmenter", speeches: list[Speech], cache: Cache, base_name: str | None = None) -> Counted:
    """Every speech's counts, in the order of the speeches: from the last build's matrix or the
    cache where the speech is unchanged, else cut and counted here (and cached).
    ``base_name``: the name under which the last build of this site kept its matrix (see
    ``Base``); the speeches found there unchanged are not loaded at all. The counts are kept in
    a few cache entries (wenji.kept), not one a speech: writing 1,000 entries took 1.15 s of
    CPU at 1,000 synthetic speeches, most of it making the files."""
    keys = [counts_key(seg, speech) for speech in speeches]
    base_key = cache_key("corpus-base", COUNTS_FORMAT, seg.dictionary_key, seg.stopwords_key,
                         base_name) if base_name is not None else ""
    base: Base | None = cache.get("corpus-base", base_key) if base_key else None
    in_base = set(base.keys) if base is not None else set()
    kept = Kept(cache, "counts", base_name or "")
    results: list[SpeechCounts | None] = []
    cuts: dict[int, LineCuts | None] = {}
    for s, (speech, k) in enumerate(zip(speeches, keys)):
        got = None
        if k not in in_base:
            docs = documents(speech)
            got = kept.last_value(k)
            if got is None or len(got.ptr) != len(docs) + 1:
                cut: list = []
                got = count(seg, docs, cut)
                cuts[s] = cut[0]
            kept.get(k, lambda got=got: got)
        results.append(got)
    if all(got is not None for got in results):  # after an edit the matrix kept by ``base`` holds them all
        kept.save(keys, results.__getitem__)
    return Counted(keys, results, base, base_key, cuts)


# --- the archive's matrix ---------------------------------------------------------------------


@dataclass
class Corpus:
    """Every document of the archive as term counts: a sparse matrix in compressed rows.

    Rows are documents (each speech's preamble, then its sections, speeches in archive
    order); entry e of row r (``ptr[r] <= e < ptr[r+1]``) is term ``ids[e]`` of ``vocab``.
    ``tf`` counts heading terms ``heading_boost`` times; ``counts`` are plain occurrences.
    IDF is ``log((N+1)/(df+1))`` over all documents, so words that every speech uses weigh
    nearly nothing. Speech-level counts and IDF serve the speeches' own keywords.
    """

    vocab: list[str]
    index: dict[str, int]  # term -> its place in vocab
    speeches: list[Speech]
    rows: list[tuple[Speech, Section, tuple[str, ...]]]  # per row: its speech, section and path
    is_section: "np.ndarray"  # per row: a section, not a preamble
    row_speech: "np.ndarray"  # per row: index of its speech
    ptr: "np.ndarray"
    row: "np.ndarray"  # per entry: its row
    ids: "np.ndarray"
    counts: "np.ndarray"
    tf: "np.ndarray"
    heads: "np.ndarray"
    idf: "np.ndarray"  # per term
    speech_ptr: "np.ndarray"  # speech-level entries: speech s is speech_ptr[s]:speech_ptr[s+1]
    speech_ids: "np.ndarray"
    speech_counts: "np.ndarray"
    speech_idf: "np.ndarray"  # per term, over speeches; all 1.0 when there are fewer than 3
    heading_boost: float = 2.0  # what ``tf`` counts a heading's term

    def entries(self, r: int) -> range:
        return range(int(self.ptr[r]), int(self.ptr[r + 1]))

    def firsts(self) -> tuple["np.ndarray", "np.ndarray"]:
        """Per speech its first row and its first entry, then the numbers of rows and entries."""
        first_row = np.r_[0, np.cumsum(np.bincount(self.row_speech, minlength=len(self.speeches)))].astype(np.int64)
        return first_row, self.ptr[first_row].astype(np.int64)

    def weighed_by(self, *more: str | bytes) -> str:
        """A digest of what the weights of terms in sections are made of (the vocabulary, its
        IDF, the weight of headings) and of ``more``: a step that keeps its results for the
        next build takes them over only where this is the same (``unchanged_since``)."""
        return cache_key("weights", "\n".join(self.vocab), self.idf.tobytes(), repr(self.heading_boost), *more)

    def as_base(self, keys: list[str]) -> Base:
        """What the next build needs to join these speeches again without their counts."""
        return Base(keys, "\n".join(self.vocab), np.bincount(self.row_speech, minlength=len(self.speeches)),
                    self.ptr, self.ids, self.counts.astype(np.int32), self.heads.astype(np.int32),
                    self.speech_ptr, self.speech_ids, self.speech_counts)


def unchanged_since(keys: list[str], rows: "np.ndarray", last_keys: list[str], last_rows: "np.ndarray") -> "np.ndarray":
    """Per speech (``keys``: what its counts were made from, ``rows``: its number of rows): its
    place among the last build's speeches where it had the same counts and rows, else -1."""
    where = {k: i for i, k in enumerate(last_keys)}
    old = np.array([where.get(k, -1) for k in keys], dtype=np.int64)
    old[(old >= 0) & (last_rows[np.maximum(old, 0)] != rows)] = -1
    return old


def build_corpus(archive: Archive, counted: Counted, heading_boost: float = 2.0) -> Corpus:
    """Join the speeches' counts into the archive's matrix: fresh counts, and the unchanged
    speeches' rows and entries as the last build joined them (ids mapped to the new vocabulary),
    so a rebuild after an edit joins one speech, and gives the arrays a cold build gives."""
    base = counted.base
    vocabs = [c.vocab if c is not None else None for c in counted.counts]
    base_vocab = base.terms.split("\n") if base is not None and base.terms else []
    new_terms = set(chain.from_iterable(v for v in vocabs if v is not None))
    merged = base_vocab if new_terms.issubset(base_vocab) else sorted(new_terms.union(base_vocab))
    index = {t: i for i, t in enumerate(merged)}
    if base is not None:
        from_base = np.array([index[t] for t in base_vocab], dtype=np.int32) if merged is not base_vocab \
            else np.arange(len(base_vocab), dtype=np.int32)
        where = {k: i for i, k in enumerate(base.keys)}
        row_at = np.concatenate([np.zeros(1, np.int64), np.cumsum(base.rows)])
    rows: list[tuple[Speech, Section, tuple[str, ...]]] = []
    ptr_parts, id_parts, count_parts, head_parts, row_speech = [], [], [], [], []
    sp_ids, sp_counts, sp_sizes = [], [], []
    offset = 0
    for s, (speech, c, local_vocab, key) in enumerate(zip(archive.speeches, counted.counts, vocabs, counted.keys)):
        walked = list(speech.body.walk())
        rows += [(speech, section, path) for section, path in walked]
        row_speech.append(np.full(len(walked), s, dtype=np.int32))
        if c is None:  # unchanged: as the last build joined it
            b = where[key]
            r0, r1 = int(row_at[b]), int(row_at[b + 1])
            if r1 - r0 != len(walked):
                raise ValueError(f"term counts of {speech.source} do not match its sections")
            e0, e1 = int(base.ptr[r0]), int(base.ptr[r1])
            id_parts.append(from_base[base.ids[e0:e1]])
            count_parts.append(base.counts[e0:e1])
            head_parts.append(base.heads[e0:e1])
            ptr_parts.append(base.ptr[r0 + 1:r1 + 1] - e0 + offset)
            offset += e1 - e0
            f0, f1 = int(base.speech_ptr[b]), int(base.speech_ptr[b + 1])
            sp_ids.append(from_base[base.speech_ids[f0:f1]])
            sp_counts.append(base.speech_counts[f0:f1])
            sp_sizes.append(f1 - f0)
            continue
        if len(walked) + 1 != len(c.ptr):
            raise ValueError(f"term counts of {speech.source} do not match its sections")
        local = np.array([index[t] for t in local_vocab], dtype=np.int32)
        ids = local[np.frombuffer(c.ids, dtype=np.int32)] if len(c.ids) else np.zeros(0, np.int32)
        n = np.frombuffer(c.counts, dtype=np.int32) if len(c.counts) else np.zeros(0, np.int32)
        id_parts.append(ids)
        count_parts.append(n)
        head_parts.append(np.frombuffer(c.heads, dtype=np.int32) if len(c.heads) else np.zeros(0, np.int32))
        ptr_parts.append(np.frombuffer(c.ptr, dtype=np.int32)[1:].astype(np.int64) + offset)
        offset += len(c.ids)
        whole = np.bincount(np.frombuffer(c.ids, dtype=np.int32), weights=n, minlength=len(local)) \
            if len(c.ids) else np.zeros(len(local))
        used = np.nonzero(whole)[0]
        sp_ids.append(local[used])  # local vocabulary is sorted: so are these
        sp_counts.append(whole[used])
        sp_sizes.append(len(used))
    cat = (lambda parts, dtype: np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype))
    ptr = np.concatenate([np.zeros(1, np.int64), cat(ptr_parts, np.int64)])
    ids = cat(id_parts, np.int32)
    speech_ids = cat(sp_ids, np.int32)
    df = np.bincount(ids, minlength=len(merged))
    vocab = merged
    if not df.all():  # terms only the changed speeches had: gone, as from a cold build's vocabulary
        present = df > 0
        renumber = (np.cumsum(present) - 1).astype(np.int32)
        ids, speech_ids, df = renumber[ids], renumber[speech_ids], df[present]
        vocab = [t for t, p in zip(merged, present.tolist()) if p]
        index = {t: i for i, t in enumerate(vocab)}
    counts_ = cat(count_parts, np.float64)
    heads = cat(head_parts, np.float64)
    tf = counts_ + heads * (heading_boost - 1)
    row = np.repeat(np.arange(len(rows), dtype=np.int32), np.diff(ptr))
    idf = np.log((len(rows) + 1) / (df + 1.0))
    sdf = np.bincount(speech_ids, minlength=len(vocab))
    n_speeches = len(archive.speeches)
    speech_idf = np.log((n_speeches + 1) / (sdf + 1.0)) if n_speeches >= 3 else np.ones(len(vocab))
    return Corpus(vocab, index, list(archive.speeches), rows,
                  np.array([sec.depth > 0 for _, sec, _ in rows], dtype=bool),
                  cat(row_speech, np.int32), ptr, row, ids, counts_, tf, heads, idf,
                  np.concatenate([np.zeros(1, np.int64), np.cumsum(np.array(sp_sizes, dtype=np.int64))]),
                  speech_ids, cat(sp_counts, np.float64), speech_idf, heading_boost)
