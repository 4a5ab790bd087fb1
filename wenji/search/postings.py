"""Postings: which documents hold which terms, under the archive-wide rule of which bigrams
are terms, inverted per block of speeches.

The archive is cut into blocks of about BLOCK consecutive speeches, at boundaries that depend
on the speeches' names only: editing a speech changes one block, inserting one changes its own
block's boundaries and no other. Each block is inverted on its own (in a worker process, and
cached by its content), so a rebuild after an edit inverts one block, not the archive.

Scores follow lunr's BM25 (``K1``, ``B``, one field ``FIELD``): a document's field length is
its number of terms, counted with their frequencies.
"""
from __future__ import annotations

import hashlib
from array import array
from collections import Counter, defaultdict, deque
from itertools import chain, compress, repeat
from typing import Iterator, NamedTuple

from .terms import HEAD, LOW, TF, DocTerms

FIELD = "text"
K1 = 1.2  # lunr's defaults, written into the index so the browser uses the same
B = 0.75
BLOCK = 32  # speeches per block of postings, about (boundaries depend on their names)
SMALL = 500_000  # characters of text up to which an archive counts as small (see min_df)


class Block(NamedTuple):
    """The postings of a run of consecutive speeches, with document numbers counted from the
    block's first document: term key -> array of (doc << 32 | value)."""

    post: dict[int, array]
    lengths: array  # field length (number of terms) of each document
    heads: dict[int, array]  # character -> documents whose heading holds it but starts no kept term with it


class KeptTerms(NamedTuple):
    """A document's terms under the archive-wide rule (see ``kept_terms``)."""

    keys: array  # its bigram keys ("q")
    vals: array  # their values: term frequency | HEAD ("q")
    lone: array  # characters that start none of its kept bigrams ("l")
    hlone: array  # heading characters that start no kept heading bigram ("l")
    length: int  # its field length


def min_df(chars: int) -> int:
    """How many documents a bigram must occur in to be an index term, for an archive of
    ``chars`` characters of text.

    Leaving a bigram out never costs exactness: a query requires only the bigrams that are
    terms (a document holding the query holds them), a run of the query with none falls back
    to its characters' prefixes ``c*``, and the browser checks candidates against the text. It
    costs that check: text to load. In a small archive all of its text is little, so the index
    keeps only bigrams of three documents or more (seeds: 3,832 terms instead of 5,853; the
    search files 1.94 times the gzip size of the text instead of 2.06). In a larger one every
    bigram is kept, so that a rare phrase loads one shard and the speech that holds it.
    """
    return 3 if chars <= SMALL else 1


def dropped_bigrams(terms: list[DocTerms], chars: int) -> set[int]:
    """Bigrams found in fewer documents than ``min_df`` asks: not index terms."""
    m = min_df(chars)
    if m <= 1:
        return set()
    n = Counter(chain.from_iterable(t.keys for t in terms))
    return {k for k, v in n.items() if v < m}


def kept_terms(terms: list[DocTerms], dropped: set[int]) -> Iterator[KeptTerms]:
    """Each document's terms under the archive-wide rule.

    ``dropped`` bigrams are left out, then each character that starts no kept bigram of the
    document is a term of it (once), so a prefix query ``c*`` finds every document holding c.
    """
    for t in terms:
        keys, vals, lone, hlone = t.keys, t.vals, t.lone, t.hlone
        if dropped and not dropped.isdisjoint(keys):
            chars = set(t.before).union(map(LOW.__and__, keys))
            hchars = set(t.hbefore).union(map(LOW.__and__, compress(keys, map(HEAD.__and__, vals))))
            keep = [k not in dropped for k in keys]
            keys = array("q", compress(keys, keep))
            vals = array("q", compress(vals, keep))
            lone = array("l", sorted(chars.difference(map(LOW.__and__, keys))))
            hlone = array("l", sorted(hchars.difference(map(LOW.__and__, compress(keys, map(HEAD.__and__, vals))))))
        yield KeptTerms(keys, vals, lone, hlone, sum(map(TF.__and__, vals)) + len(lone))


def block_postings(terms: list[DocTerms], dropped: set[int]) -> Block:
    """Invert a block's documents: term key -> array of (doc << 32 | value), documents
    counted from the block's first."""
    post: defaultdict[int, array] = defaultdict(lambda: array("q"))
    lengths = array("l")
    heads: defaultdict[int, array] = defaultdict(lambda: array("l"))
    for d, (keys, vals, lone, hlone, length) in enumerate(kept_terms(terms, dropped)):
        dd = d << 32
        deque(map(array.append, map(post.__getitem__, keys), map(dd.__or__, vals)), 0)
        deque(map(array.append, map(post.__getitem__, lone), repeat(dd | 1)), 0)
        lengths.append(length)
        deque(map(array.append, map(heads.__getitem__, hlone), repeat(d)), 0)
    return Block(dict(post), lengths, dict(heads))


def block_bounds(names: list[str], size: int | None = None) -> list[tuple[int, int]]:
    """Cut a sequence of speeches (given by their slugs) into blocks of about ``size`` (BLOCK):
    a block ends after a speech whose slug hashes to 0 modulo ``size`` (or at 2 x size), so
    editing a speech moves no boundary, and inserting one only its own block's."""
    size = size or BLOCK
    out, start = [], 0
    for i, name in enumerate(names):
        h = int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big")
        if h % size == 0 or i + 1 - start >= 2 * size or i + 1 == len(names):
            out.append((start, i + 1))
            start = i + 1
    return out

