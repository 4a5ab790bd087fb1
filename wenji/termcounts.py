"""Term counts: every section of every speech as counts of its jieba terms, and the archive's
term-by-section matrix with its IDF.

Cutting is the slow part of the theme step (about 1 MB/s a core), so each speech's counts are
made once, on all cores, and kept in the build cache, keyed by what the speech was made from
and by the dictionary: a rebuild cuts only the speeches that changed and starts jieba only if
there are any. A speech's counts are a few compact arrays (its sorted vocabulary, and per
section the vocabulary indices, plain counts and heading counts), small to store, to send
between processes and to load.

The archive's counts are then joined into one sparse matrix (numpy arrays: one entry per term
present in a section, sections in archive then reading order, terms in code-point order), on
which the theme and keyword steps compute weights for every section at once. Everything the
matrix holds depends only on the archive's text, so a rebuild after an edit computes exactly
what a cold build computes.
"""
from __future__ import annotations

from array import array
from collections import Counter
from concurrent.futures import Executor
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING

from . import parallel
from .cache import Cache, key as cache_key
from .model import Archive, Section, Speech

if TYPE_CHECKING:
    import numpy as np

    from .segment import Segmenter

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


def count(seg: "Segmenter", docs: list[tuple[str, list[str]]]) -> SpeechCounts:
    """Cut and count one speech's documents."""
    per_doc: list[tuple[Counter, Counter]] = []
    for heading, paragraphs in docs:
        head = Counter(seg.terms(heading)) if heading else Counter()
        counts = Counter(head)
        for text in paragraphs:
            counts.update(seg.terms(text))
        per_doc.append((counts, head))
    vocab = sorted(set(chain.from_iterable(c for c, _ in per_doc)))
    index = {t: i for i, t in enumerate(vocab)}
    ptr, ids, counts_, heads = array("i", [0]), array("i"), array("i"), array("i")
    for counts, head in per_doc:
        for t in sorted(counts):
            ids.append(index[t])
            counts_.append(counts[t])
            heads.append(head.get(t, 0))
        ptr.append(len(ids))
    return SpeechCounts("\n".join(vocab), ptr, ids, counts_, heads)


def counts_key(seg: "Segmenter", speech: Speech, docs: list[tuple[str, list[str]]]) -> str:
    """What a speech's counts depend on: its text (its digest, when it came from a file) and
    the segmenter's dictionary and stop words."""
    text = [speech.digest] if speech.digest else [p for h, ps in docs for p in (h, *ps)]
    return cache_key("counts", COUNTS_FORMAT, seg.dictionary_key, seg.stopwords_key, str(len(docs)), *text)


class PendingCounts:
    """Counting under way in worker processes; ``finish()`` waits and returns every speech's
    counts, in the order of the speeches."""

    def __init__(self, seg: "Segmenter", speeches: list[Speech], cache: Cache, workers: int,
                 warm: Executor | None = None) -> None:
        """``warm``: a one-process pool from ``warm_up`` whose jieba may be started already."""
        self.seg, self.cache = seg, cache
        self.results: list[SpeechCounts | None] = []
        self.todo: list[tuple[int, str, list]] = []
        for i, speech in enumerate(speeches):
            docs = documents(speech)
            k = counts_key(seg, speech, docs)
            got = cache.get("counts", k)
            if got is not None and len(got.ptr) == len(docs) + 1:
                self.results.append(got)
            else:
                self.results.append(None)
                self.todo.append((i, k, docs))
        self.executor = self.futures = self.spare = None
        self.processes = 0  # worker processes cutting
        if not self.todo or workers <= 1:
            self._spare(warm)
            return  # nothing to cut, or one core: cut here in finish()
        size = sum(len(p) for _, _, docs in self.todo for _, ps in docs for p in ps)
        n = max(1, min(workers, len(self.todo), 1 + size // 300_000))  # jieba starts in 0.6 s a process
        self.parts = parallel.chunks([docs for _, _, docs in self.todo], n)
        self.processes = len(self.parts)
        if warm is not None and n == 1:
            self.executor = warm
        else:
            self._spare(warm)
            self.executor = parallel.pool(len(self.parts), _start_worker, (_config(seg),))
        self.futures = [self.executor.submit(_count_in_worker, part) for part in self.parts]

    def _spare(self, warm: Executor | None) -> None:
        """A warm pool not needed: stopped in ``close()``."""
        self.spare = warm

    def close(self) -> None:
        """Wait for every process this counting started to end."""
        if self.spare is not None:
            parallel.stop(self.spare)
        if self.executor is not None:
            self.executor.shutdown(wait=True)

    def finish(self) -> list[SpeechCounts]:
        if self.todo:
            if self.executor is None:
                fresh = [count(self.seg, docs) for _, _, docs in self.todo]
            else:
                with self.executor:
                    chunk_results = [f.result() for f in self.futures]
                fresh = [None] * len(self.todo)
                for i, part in enumerate(chunk_results):
                    fresh[i::len(self.parts)] = part
            for (i, k, _), got in zip(self.todo, fresh):
                self.cache.put("counts", k, got)
                self.results[i] = got
            self.todo = []
        return self.results  # type: ignore[return-value]


def warm_up(seg: "Segmenter") -> Executor:
    """A pool of one worker process that starts jieba at once, for a build that expects to cut
    little (a rebuild after an edit): jieba's 0.6 s start then overlaps reading the archive."""
    pool = parallel.pool(1, _start_worker, (_config(seg),))
    pool.submit(int)  # makes the process start now
    return pool


def _config(seg: "Segmenter") -> tuple:
    return (seg.userdict, tuple(seg.words), tuple(seg.extra_stopwords))


# A worker process's own Segmenter, made once when the worker starts.
_WORKER: dict = {}


def _start_worker(config) -> None:
    from .segment import Segmenter

    userdict, words, stopwords = config
    seg = Segmenter(userdict, words, stopwords)
    seg.start()
    _WORKER["segmenter"] = seg


def _count_in_worker(jobs: list[list[tuple[str, list[str]]]]) -> list[SpeechCounts]:
    seg = _WORKER["segmenter"]
    return [count(seg, docs) for docs in jobs]


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

    def entries(self, r: int) -> range:
        return range(int(self.ptr[r]), int(self.ptr[r + 1]))


def build_corpus(archive: Archive, counts: list[SpeechCounts], heading_boost: float = 2.0) -> Corpus:
    """Join the speeches' counts into the archive's matrix."""
    import numpy as np

    vocabs = [c.vocab for c in counts]
    vocab = sorted(set(chain.from_iterable(vocabs)))
    index = {t: i for i, t in enumerate(vocab)}
    rows: list[tuple[Speech, Section, tuple[str, ...]]] = []
    ptr_parts, id_parts, count_parts, head_parts, row_speech = [], [], [], [], []
    sp_ptr, sp_ids, sp_counts = [0], [], []
    offset = 0
    for s, (speech, c, local_vocab) in enumerate(zip(archive.speeches, counts, vocabs)):
        walked = list(speech.body.walk())
        if len(walked) + 1 != len(c.ptr):
            raise ValueError(f"term counts of {speech.source} do not match its sections")
        rows += [(speech, section, path) for section, path in walked]
        row_speech += [s] * len(walked)
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
        sp_ptr.append(sp_ptr[-1] + len(used))
    cat = (lambda parts, dtype: np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype))
    ptr = np.concatenate([np.zeros(1, np.int64), cat(ptr_parts, np.int64)])
    ids = cat(id_parts, np.int32)
    counts_ = cat(count_parts, np.float64)
    heads = cat(head_parts, np.float64)
    tf = counts_ + heads * (heading_boost - 1)
    row = np.repeat(np.arange(len(rows), dtype=np.int32), np.diff(ptr))
    df = np.bincount(ids, minlength=len(vocab))
    idf = np.log((len(rows) + 1) / (df + 1.0))
    speech_ids = cat(sp_ids, np.int32)
    sdf = np.bincount(speech_ids, minlength=len(vocab))
    n_speeches = len(archive.speeches)
    speech_idf = np.log((n_speeches + 1) / (sdf + 1.0)) if n_speeches >= 3 else np.ones(len(vocab))
    return Corpus(vocab, index, list(archive.speeches), rows,
                  np.array([sec.depth > 0 for _, sec, _ in rows], dtype=bool),
                  np.array(row_speech, dtype=np.int32), ptr, row, ids, counts_, tf, heads, idf,
                  np.array(sp_ptr, dtype=np.int64), speech_ids, cat(sp_counts, np.float64), speech_idf)


