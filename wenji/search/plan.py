"""The plan of the search step: what the files are made from, known before any postings, and
each block's postings encoded, from the cache or made in worker processes.

Per block of speeches, its encoded postings (``encoding.Fragment``) are cached under the
block's speeches and the bigrams dropped from them, and its speeches' terms beside them, each
under what the speech was made from (its digest) and the number of its documents (in a small
archive, whose plan needs every speech's terms, a speech's terms are cached alone). A rebuild
after an edit counts one speech's terms and encodes one block. Blocks are made whole in one worker each, so only
a block's speech numbers go to a worker (which inherits the archive when it is forked) and
only the finished fragment comes back.
"""
from __future__ import annotations

from array import array
from typing import Iterable, NamedTuple

from .. import parallel
from ..cache import Cache, key as cache_key
from ..model import Archive, Speech
from .documents import Doc, speech_documents, text_size
from .encoding import Fragment, block_fragment
from .files import Part, speech_text
from .postings import block_bounds, dropped_bigrams, min_df
from .terms import SpeechTerms, speech_terms


class Plan(NamedTuple):
    """What the search files are made from, known before any postings: each speech's part,
    the blocks of speeches and the cache key of each block's postings."""

    parts: list[Part]  # of each speech
    texts: dict[int, bytes]  # files.speech_text of the speeches read in making the plan
    docs: dict[int, list[Doc]]  # their documents, for their terms (made again, they took 0.1 s at 1,000 speeches)
    chars: int  # characters of text in all (see min_df)
    bounds: list[tuple[int, int]]  # speech ranges of the blocks
    keys: list[str]  # per block: the cache key of its postings
    dropped: list[list[int]]  # per block: bigrams its speeches hold that are no index terms
    terms: list[SpeechTerms]  # every speech's terms when the archive is small, else []


def speech_part(speech: Speech) -> tuple[Part, bytes, list[Doc]]:
    """A speech's Part, its text and its documents, read once."""
    ds = speech_documents(0, speech)
    texts = [] if speech.digest else [p for d in ds for p in (d.heading, d.text)]
    part = Part(len(ds), text_size(ds), " ".join(d.id for d in ds),
                cache_key("search-terms", speech.digest, str(len(ds)), *texts))
    return part, speech_text(ds), ds


def terms_cached(speech: Speech, part: Part, cache: Cache, docs: list[Doc] | None = None) -> SpeechTerms:
    got = cache.get("search-terms", part.key)
    if not isinstance(got, SpeechTerms) or got.documents != part.docs:
        got = speech_terms([(d.heading, d.text) for d in docs or speech_documents(0, speech)])
        cache.put("search-terms", part.key, got)
    return got


def plan(archive: Archive, cache: Cache, known: dict[str, Part] | None = None) -> Plan:
    """Each speech's part (from ``known``, by digest, where it is there), the blocks and their
    keys; in a small archive also every speech's terms, for the bigrams too rare to keep."""
    known = known or {}
    found = [known.get(s.digest) if s.digest else None for s in archive.speeches]
    parts: list[Part] = []
    texts, docs = {}, {}
    for i, (s, part) in enumerate(zip(archive.speeches, found)):
        if part is None:
            part, texts[i], docs[i] = speech_part(s)
        parts.append(part)
    chars = sum(p.chars for p in parts)
    bounds = block_bounds([s.slug for s in archive.speeches])
    terms: list[SpeechTerms] = []
    mine: list[list[int]] = [[] for _ in bounds]
    if min_df(chars) > 1:  # a small archive: its terms are quick to get, here
        terms = [terms_cached(s, p, cache, docs.get(i)) for i, (s, p) in enumerate(zip(archive.speeches, parts))]
        dropped = dropped_bigrams([d for st in terms for d in st.docs()], chars)
        mine = [sorted(dropped.intersection(k for st in terms[a:b] for k in st.keys.tolist())) for a, b in bounds]
    keys = [cache_key("search-postings", "fragment", str(min_df(chars)),
                      *(p.key for p in parts[a:b]), array("q", mine[j]).tobytes())
            for j, (a, b) in enumerate(bounds)]
    return Plan(parts, texts, docs, chars, bounds, keys, mine, terms)


class _BlockJob(NamedTuple):
    speeches: list[tuple[int, Part]]  # (index in the archive, its part)
    dropped: set[int]
    cache: Cache
    key: str  # the cache key of the block's fragment
    old_keys: list[str]  # those of the blocks it replaces, whose speeches' terms may be its own


_WORKER: dict = {}  # the archive and the plan's documents, for block workers (inherited when they are forked)


def _start_block_worker(archive: Archive, docs: dict[int, list[Doc]]) -> None:
    _WORKER.update(archive=archive, docs=docs)


def _block_terms(job: _BlockJob, speeches: list[Speech], docs: dict[int, list[Doc]]) -> list[SpeechTerms]:
    """The terms of a block's speeches, kept in the cache a block at a time (under the key of
    its fragment) and found there among those of the blocks it replaces: a cold build at 1,000
    speeches writes 37 entries instead of 1,000 (0.2-0.8 s of CPU on a busy disk)."""
    known: dict[str, SpeechTerms] = {}
    for k in job.old_keys:
        got = job.cache.get("search-terms", k)
        known.update(got if isinstance(got, dict) else {})
    terms = []
    for si, part in job.speeches:
        got = known.get(part.key)
        if not isinstance(got, SpeechTerms) or got.documents != part.docs:
            got = speech_terms([(d.heading, d.text) for d in docs.pop(si, None) or speech_documents(0, speeches[si])])
        terms.append(got)
    job.cache.put("search-terms", job.key, {part.key: t for (_, part), t in zip(job.speeches, terms)})
    return terms


def _encode_blocks(jobs: list[_BlockJob]) -> list[Fragment]:
    """Worker: per block, the terms of its speeches, then its fragment."""
    speeches, docs = _WORKER["archive"].speeches, _WORKER["docs"]
    out = []
    with parallel.gc_paused():
        for job in jobs:
            out.append(block_fragment(_block_terms(job, speeches, docs), job.dropped))
            job.cache.put("search-postings", job.key, out[-1])
    return out


def block_fragments(archive: Archive, pl: Plan, which: Iterable[int], cache: Cache,
                    workers: int | None = None, old_keys: list[str] | None = None) -> dict[int, Fragment]:
    """The fragments of the blocks ``which``, from the cache where they are there, the others
    made on ``workers`` processes (``old_keys``: the blocks of the last build they replace)."""
    out: dict[int, Fragment] = {}
    jobs: list[tuple[int, _BlockJob]] = []
    for j in which:
        a, b = pl.bounds[j]
        got = cache.get("search-postings", pl.keys[j])
        if got is None and pl.terms:
            with parallel.gc_paused():
                got = block_fragment(pl.terms[a:b], set(pl.dropped[j]))
            cache.put("search-postings", pl.keys[j], got)
        if got is None:
            jobs.append((j, _BlockJob([(i, pl.parts[i]) for i in range(a, b)], set(pl.dropped[j]), cache, pl.keys[j],
                                      list(old_keys or ()))))
        else:
            out[j] = got
    size = sum(p.chars for _, job in jobs for _, p in job.speeches)
    try:
        done = parallel.map_chunks(_encode_blocks, [job for _, job in jobs],
                                   (workers or parallel.cores()) if size > 300_000 else 1,
                                   _start_block_worker, (archive, pl.docs))
    finally:
        _WORKER.clear()
    for (j, _), got in zip(jobs, done):
        out[j] = got
    return out
