"""Encoding: numbers as short strings of JSON-safe digits, and a block's postings encoded.

Numbers are written in a base-64 variable-length code (``vint``) inside strings, which gzip
compresses well: under two characters a posting. A term's postings are, per document in
ascending order, ``vint(2 x (gap to the previous document - 1) + (tf > 1))`` followed by
``vint(tf - 2)`` when tf > 1 (``static/search-engine.js`` reads them back).

A block's postings are encoded all at once in numpy (``fragment``), all but each term's first
posting, whose gap depends on the blocks before: that one is coded when blocks are joined
(``assembly``).
"""
from __future__ import annotations

from array import array
from itertools import chain
from operator import sub
from typing import Iterable, NamedTuple

from .. import lazy
from .postings import kept_terms
from .terms import HEAD, TF, DocTerms, SpeechTerms

DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_$"  # JSON-safe, no ","
LAST = 48  # digits that end a number; the other 16 continue it

np = lazy.module("numpy")  # 0.1-0.3 s to import: a build that finds its site up to date never loads it


def vint(n: int) -> str:
    """A non-negative integer in DIGITS: continuation digits (bijective base 16), high first,
    then one final digit (base 48). Numbers below 48 take one character, below 816 two."""
    if n < 0:
        raise ValueError(f"vint of a negative number: {n}")
    out = [DIGITS[n % LAST]]
    n //= LAST
    while n:
        n -= 1
        out.append(DIGITS[LAST + n % 16])
        n //= 16
    return "".join(reversed(out))


class Codes(dict[int, str]):
    """vint of each number, computed on first use (lookups stay in C for ``map``)."""

    def __missing__(self, n: int) -> str:
        self[n] = v = vint(n)
        return v


class TfCodes(dict[int, str]):
    """What follows a posting's code: nothing for frequency 1, else vint(frequency - 2)."""

    def __missing__(self, tf: int) -> str:
        self[tf] = v = vint(tf - 2) if tf > 1 else ""
        return v


def ints(values: Iterable[int], codes: Codes) -> str:
    """The numbers' codes, one after the other."""
    return "".join(map(codes.__getitem__, values))


def gaps(values: list[int]) -> list[int]:
    """Ascending numbers as differences minus one (the first counted from -1)."""
    return list(map(sub, map((-1).__add__, values), chain((-1,), values)))


def key16(c: str) -> int:
    """A number for each character, in UTF-16 code-unit order (surrogates sort between the
    BMP below U+D800 and the BMP above U+E000)."""
    cp = ord(c)
    if cp < 0xD800:
        return cp
    if cp >= 0x10000:
        return 0xD800 + cp - 0x10000
    return 0x10D800 + cp - 0xE000


# --- per block --------------------------------------------------------------------------------

# A block's part of one term's postings: (postings, first document, its term frequency, the
# other postings encoded, last document, indices of the postings in a heading).
TermPart = tuple[int, int, int, str, int, tuple[int, ...]]


class Fragment(NamedTuple):
    """A block's postings, encoded but for each term's first posting (whose gap depends on
    the blocks before), as columns, a row a term in ascending key order (``term_parts`` gives
    them as a dict of TermPart). Columns, not a dict of tuples: the 37 blocks of 1,000
    synthetic speeches hold 445,760 parts, and with a tuple each making the fragments took
    0.73 s (now 0.45), joining them 0.59 (0.44), pickling them 0.14 (0.01)."""

    docs: int  # its number of documents
    lengths: array  # field length of each document ("l")
    heads: dict[int, array]  # character -> documents whose heading holds it but starts no kept term with it
    keys: np.ndarray  # each term's key (int64, ascending)
    n: np.ndarray  # its number of postings (int32)
    first: np.ndarray  # its first document (int32)
    tf: np.ndarray  # that posting's term frequency (int32)
    last: np.ndarray  # its last document (int32)
    rest: bytes  # the other postings encoded, term after term
    rest_at: np.ndarray  # where each term's rest starts in ``rest`` (one more: the end; int64)
    head_term: np.ndarray  # the term (row) of each posting in a heading (int64)
    head_rel: np.ndarray  # that posting's index among the term's (int64)


def term_parts(f: Fragment, keys: np.ndarray | None = None) -> dict[int, TermPart]:
    """A fragment's parts by term key (what a rebuild joins term by term); only those of
    ``keys`` (ascending) when given."""
    rows = np.arange(len(f.keys)) if keys is None else np.flatnonzero(np.isin(f.keys, keys, assume_unique=True))
    at = f.rest_at.tolist()
    rest = f.rest.decode("ascii")
    rests = [rest[at[r]:at[r + 1]] for r in rows.tolist()]
    heads: dict[int, list[int]] = {}
    flagged = slice(None) if keys is None else np.isin(f.head_term, rows)
    for t, rel in zip(f.head_term[flagged].tolist(), f.head_rel[flagged].tolist()):
        heads.setdefault(t, []).append(rel)
    return dict(zip(f.keys[rows].tolist(), zip(f.n[rows].tolist(), f.first[rows].tolist(), f.tf[rows].tolist(), rests,
                                              f.last[rows].tolist(), (tuple(heads.get(r, ())) for r in rows.tolist()))))


def fragment_of(docs: int, lengths: array, heads: dict[int, array], parts: dict[int, TermPart]) -> Fragment:
    """The Fragment of parts given as a dict (the inverse of ``term_parts``)."""
    keys = sorted(parts)
    rows = [parts[k] for k in keys]
    rest_at = np.zeros(len(rows) + 1, np.int64)
    np.cumsum([len(r[3]) for r in rows], out=rest_at[1:])
    flagged = [(t, rel) for t, r in enumerate(rows) for rel in r[5]]
    column = [np.array([r[c] for r in rows], np.int32) for c in (0, 1, 2, 4)]
    return Fragment(docs, lengths, heads, np.array(keys, np.int64), *column[:3], column[3],
                    "".join(r[3] for r in rows).encode("ascii"), rest_at,
                    np.array([t for t, _ in flagged], np.int64), np.array([x for _, x in flagged], np.int64))


class Columns(NamedTuple):
    """A block's postings as numpy columns, in term order then document order."""

    keys: np.ndarray  # term key of each posting
    docs: np.ndarray  # its document, counted from the block's first
    vals: np.ndarray  # its value: term frequency | HEAD when the heading holds the term
    lengths: array  # field length of each document
    heads: dict[int, array]  # character -> documents whose heading holds it but starts no kept term with it


def _int64s(arrays: list[array]) -> np.ndarray:
    """Arrays of 8-byte integers ("q" or "l") as one numpy array, joined as bytes."""
    return np.frombuffer(b"".join(arrays), np.int64) if arrays else np.zeros(0, np.int64)


def columns(terms: list[SpeechTerms], dropped: set[int]) -> Columns:
    """Invert a block's documents (each term's documents in order, by a stable sort). Every
    document's bigrams, then every document's lone characters: a key is a bigram or a
    character, so each key's postings still come in document order (0.12 s for
    tests/corpus-real's 1,752 documents when each document's arrays were joined in turn)."""
    if dropped:
        return _columns_of([d for st in terms for d in st.docs()], dropped)
    starts = np.cumsum([0] + [st.documents for st in terms])
    if not starts[-1]:
        e = np.zeros(0, np.int64)
        return Columns(e, e, e, array("l"), {})

    def numbered(field: str, c: int) -> tuple[np.ndarray, np.ndarray]:
        """A field of every speech, and each value's document in the block."""
        values = np.concatenate([getattr(st, field) for st in terms])
        docs = np.concatenate([np.repeat(np.arange(a, b), np.diff(st.at[c])) for st, a, b in zip(terms, starts, starts[1:])])
        return values, docs

    (keys, kdoc), (lone, ldoc), (hlone, hdoc) = numbered("keys", 0), numbered("lone", 2), numbered("hlone", 4)
    vals = np.concatenate([st.vals for st in terms])
    return _inverted(np.concatenate([keys, lone]), np.concatenate([vals, np.ones(len(lone), np.int64)]),
                     np.concatenate([kdoc, ldoc]), int(starts[-1]), _heads(hlone, hdoc))


def _heads(chars: np.ndarray, docs: np.ndarray) -> dict[int, array]:
    """character -> the documents (ascending) of the (character, document) pairs."""
    order = np.argsort(chars, kind="stable")
    chars, docs = chars[order], docs[order].astype(np.int32).tobytes()
    cut = np.flatnonzero(np.diff(chars)) + 1
    heads = {}
    for c, a, b in zip(chars[np.append(0, cut)].tolist() if len(chars) else [], np.append(0, cut).tolist(),
                       np.append(cut, len(chars)).tolist()):
        heads[c] = got = array("i")
        got.frombytes(docs[4 * a:4 * b])
    return heads


def _inverted(k: np.ndarray, v: np.ndarray, doc: np.ndarray, docs: int, heads: dict[int, array]) -> Columns:
    """The postings (k, doc, v) in term order then document order. Each pair (term, document)
    is there once, so where the term's characters and the document fit 63 bits the order is one
    argsort of (second character, first, document) as one number, by numpy's SIMD quicksort,
    not a stable sort of the terms (the blocks of 1,000 synthetic speeches, 7.7 million
    postings: 0.38 s instead of 0.70 for this function)."""
    lengths = np.bincount(doc, weights=v & TF, minlength=docs).astype(np.int64)
    if docs < 1 << 21:  # a term key is first | second << 32, each below 1 << 21
        order = np.argsort(((k >> 32) << 21 | (k & 0x1FFFFF)) << 21 | doc)
    else:
        order = np.argsort(k, kind="stable")
    return Columns(k[order], doc[order], v[order], array("l", lengths.tolist()), heads)


def _columns_of(terms: list[DocTerms], dropped: set[int]) -> Columns:
    """``columns`` of documents' DocTerms, ``dropped`` bigrams left out."""
    heads: dict[int, array] = {}
    docs = terms if not dropped else [DocTerms(k, v, (), lone, (), hlone)
                                      for k, v, lone, hlone, _ in kept_terms(terms, dropped)]
    if not docs:
        e = np.zeros(0, np.int64)
        return Columns(e, e, e, array("l"), heads)
    for d, t in enumerate(docs):
        for c in t.hlone:
            heads.setdefault(c, array("i")).append(d)
    numbers = np.arange(len(docs), dtype=np.int64)
    k = np.concatenate([_int64s([t.keys for t in docs]), _int64s([t.lone for t in docs])])
    v = np.concatenate([_int64s([t.vals for t in docs]), np.ones(sum(len(t.lone) for t in docs), np.int64)])
    doc = np.concatenate([np.repeat(numbers, [len(t.keys) for t in docs]), np.repeat(numbers, [len(t.lone) for t in docs])])
    return _inverted(k, v, doc, len(docs), heads)


_DIGIT_BYTES = DIGITS.encode("ascii")
FIRST = [sum(LAST * 16 ** i for i in range(n)) for n in range(13)]  # vint(n) has L digits from FIRST[L - 1] on


def vints(columns: list[np.ndarray], present: list[np.ndarray | None]) -> tuple[str, np.ndarray]:
    """Numbers as ``vint`` codes, row by row: row i is the codes of ``columns[c][i]`` for
    every c where ``present[c][i]`` (None: always), in column order. Returns all the rows'
    characters and the offset where each row starts (one more: the end). Most numbers take one
    digit: only the others are divided and searched for their width (0.061 s instead of 0.101
    for the blocks of 300 synthetic speeches)."""
    digits = np.frombuffer(_DIGIT_BYTES, np.uint8)
    widths = []
    for x, keep in zip(columns, present):
        w = np.ones(len(x), np.int64)
        big = np.flatnonzero(x >= LAST)
        w[big] = np.searchsorted(np.array(FIRST, np.int64), x[big], "right")
        widths.append(w if keep is None else np.where(keep, w, 0))
    row = np.zeros(len(columns[0]) + 1, np.int64)
    np.cumsum(sum(widths), out=row[1:])
    out = np.empty(int(row[-1]), np.uint8)
    at = row[:-1].copy()
    for x, w, keep in zip(columns, widths, present):
        end = at + w  # the last digit of each code goes at end - 1
        sel = None if keep is None else np.flatnonzero(w)
        x, e, w = (x, end, w) if sel is None else (x[sel], end[sel], w[sel])
        big = np.flatnonzero(x >= LAST)
        last = x.copy()
        last[big] %= LAST
        out[e - 1] = digits[last]
        n, e, w = x[big] // LAST, e[big], w[big]
        level = 2
        while n.size:
            n -= 1
            out[e - level] = digits[LAST + n % 16]
            n //= 16
            level += 1
            more = np.flatnonzero(w >= level)
            n, e, w = n[more], e[more], w[more]
        at = end
    return out.tobytes().decode("ascii"), row


def fragment(cols: Columns) -> Fragment:
    """Encode a block's postings: every posting's code at once in numpy, each term's first
    posting left out (it is coded when blocks are joined)."""
    keys, docs, vals = cols.keys, cols.docs, cols.vals
    n = len(keys)
    if not n:
        e, e32 = np.zeros(0, np.int64), np.zeros(0, np.int32)
        return Fragment(len(cols.lengths), cols.lengths, cols.heads, e, e32, e32, e32, e32, b"",
                        np.zeros(1, np.int64), e, e)
    first = np.ones(n, bool)
    first[1:] = keys[1:] != keys[:-1]
    starts = np.flatnonzero(first)
    ends = np.append(starts[1:], n)
    prev = np.empty(n, np.int64)
    prev[0] = -1
    prev[1:] = docs[:-1]
    tf = vals & TF
    more = tf > 1
    x = np.where(first, 0, 2 * (docs - prev - 1) + more)
    chars, off = vints([x, np.maximum(tf - 2, 0)], [None, more])
    # A first posting's characters are left out: +1 where one starts, -1 where it ends.
    size = len(chars) + 1
    in_first = np.cumsum(np.bincount(off[starts], minlength=size) - np.bincount(off[starts + 1], minlength=size))
    rest = np.frombuffer(chars.encode("ascii"), np.uint8)[in_first[:-1] == 0].tobytes()
    rest_at = np.zeros(len(starts) + 1, np.int64)
    np.cumsum(off[ends] - off[starts + 1], out=rest_at[1:])
    hpos = np.flatnonzero(vals & HEAD)
    term = np.searchsorted(starts, hpos, "right") - 1
    i32 = np.int32
    return Fragment(len(cols.lengths), cols.lengths, cols.heads, keys[starts], (ends - starts).astype(i32),
                    docs[starts].astype(i32), tf[starts].astype(i32), docs[ends - 1].astype(i32), rest, rest_at,
                    term.astype(np.int64), (hpos - starts[term]).astype(np.int64))


def block_fragment(terms: list[SpeechTerms], dropped: set[int]) -> Fragment:
    """A block's documents inverted and encoded (what the build caches per block)."""
    return fragment(columns(terms, dropped))

