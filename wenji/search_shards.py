"""The search files: a manifest, term shards and text chunks, each a plain script.

Plain ``<script>`` files, because a page opened from disk (``file://``) may not ``fetch``, and
each assigns one entry of ``window.wenjiSearchData``. A query loads the manifest, the shards
that hold its terms and the text chunks of the results it shows or must check; nothing else.
Measured at 1,000 synthetic speeches (34 MB of text): 195 shards of 70 KB and one chunk a
speech; before its first results a two-character query loads 0.17 MB of gzip in all (page,
scripts, manifest, one shard), a longer one about 0.5 MB, where one index would be 30-50 MB.

- ``search/manifest.js``: the numbers lunr's BM25 needs (document count, k1, b, each
  document's field length), the alphabet of term characters, the first term of each shard,
  the speeches (slug, title, date, kind, number of documents) and each document's id.
- ``search/t/K.js``: a range of terms in UTF-16 order (lunr's order): their spelling, their
  postings (document, term frequency) and which of those documents hold the term in their
  heading, for ranking heading matches first without loading text.
- ``search/d/S.js``: the documents of speech S as text, for the literal check and snippets.

Numbers are written in a base-64 variable-length code (``vint``) inside strings, which gzip
compresses well: under two characters a posting. idf and weights are not written: the
browser computes them from frequencies and field lengths exactly as lunr.py does (see
static/search.js).
"""
from __future__ import annotations

import json
from array import array
from bisect import bisect_left
from itertools import chain, compress, count
from operator import sub
from typing import NamedTuple

from .model import Archive
from .search import (DATA_VARIABLE, B, FIELD, HEAD, K1, TF, Block, Doc, DocTerms, block_postings, term_str,
                     utf16_key)

FORMAT = 2
DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_$"  # JSON-safe, no ","
LAST = 48  # digits that end a number; the other 16 continue it
SHARD = 64_000  # characters of postings per term shard, about
_DOC = ~((1 << 32) - 1)  # the document part of a posting value


def vint(n: int) -> str:
    """A non-negative integer in DIGITS: continuation digits (bijective base 16), high first,
    then one final digit (base 48). Numbers below 48 take one character, below 816 two."""
    out = [DIGITS[n % LAST]]
    n //= LAST
    while n:
        n -= 1
        out.append(DIGITS[LAST + n % 16])
        n //= 16
    return "".join(reversed(out))


class _Codes(dict):
    """vint of each number, computed on first use (lookups stay in C for ``map``)."""

    def __missing__(self, n: int) -> str:
        self[n] = v = vint(n)
        return v


class _TfCodes(dict):
    """What follows a posting's code: nothing for frequency 1, else vint(frequency - 2)."""

    def __missing__(self, tf: int) -> str:
        self[tf] = v = vint(tf - 2) if tf > 1 else ""
        return v


class _PairCodes(dict):
    """A posting's code from (doc - previous doc) << 32 | heading flag | tf: vint of
    2 x gap + (tf > 1), then vint(tf - 2) when tf > 1 (the flag is written elsewhere)."""

    def __missing__(self, x: int) -> str:
        gap, tf = (x >> 32) - 1, x & TF
        self[x] = v = vint(2 * gap + (tf > 1)) + (vint(tf - 2) if tf > 1 else "")
        return v


def ints(values, codes: _Codes) -> str:
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


class Fragment(NamedTuple):
    """A block's postings, encoded but for each term's first posting (whose gap depends on
    the blocks before): term key -> (postings, first doc, its value, the rest encoded,
    last doc, indices of the postings in a heading)."""

    docs: int
    lengths: array
    heads: dict[int, array]
    terms: dict[int, tuple[int, int, int, str, int, tuple[int, ...]]]


def fragment(block: Block) -> Fragment:
    """Encode a block's postings: all terms at once, so each step is one C loop over every
    posting (about 0.5 µs a posting in all)."""
    codes = _PairCodes()
    keys = list(block.post)
    allp = array("q")
    starts = []
    for k in keys:
        starts.append(len(allp))
        allp.extend(block.post[k])
    starts.append(len(allp))
    # value - (previous doc << 32) = (doc - previous doc) << 32 | heading flag | tf
    prev = array("q", [-1 << 32])
    prev.extend(map(_DOC.__and__, allp))
    for s in starts[1:-1]:
        prev[s] = -1 << 32
    enc = list(map(codes.__getitem__, map(sub, allp, prev)))
    heads = list(compress(count(), map(HEAD.__and__, allp)))
    terms = {}
    for i, k in enumerate(keys):
        s, e = starts[i], starts[i + 1]
        mine = tuple(map((-s).__add__, heads[bisect_left(heads, s):bisect_left(heads, e)])) if heads else ()
        terms[k] = (e - s, allp[s] >> 32, allp[s] & TF, "".join(enc[s + 1:e]), allp[e - 1] >> 32, mine)
    return Fragment(len(block.lengths), block.lengths, block.heads, terms)


def block_fragment(terms: list[DocTerms], dropped: set[int]) -> Fragment:
    """A block's documents inverted and encoded (what the build caches per block)."""
    return fragment(block_postings(terms, dropped))


# --- the archive ------------------------------------------------------------------------------


def _script(name: str, data) -> str:
    """A classic script that stores data under name (loads from file://, unlike fetch)."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"{DATA_VARIABLE}[{json.dumps(name)}]={body};\n"


def _assemble(frags: list[Fragment], codes: _Codes) -> tuple[list[str], list[str], list[list[int]], list[int]]:
    """(terms in lunr's order, their postings encoded, the indices of their postings in a
    heading, each block's first document): the blocks' fragments joined term by term, each
    first posting's gap now counted from the term's last document in the blocks before."""
    tfc = _TfCodes()
    offsets = [0]
    for f in frags:
        offsets.append(offsets[-1] + f.docs)
    by_term: dict[int, list[tuple[int, tuple]]] = {}
    for j, f in enumerate(frags):
        for k, e in f.terms.items():
            by_term.setdefault(k, []).append((offsets[j], e))
    vocab = sorted(by_term, key=lambda k: utf16_key(term_str(k)))
    postings, in_heading = [], []
    for k in vocab:
        parts: list[str] = []
        hidx: list[int] = []
        prev, seen = -1, 0
        for off, (n, first, tf, rest, last, hs) in by_term[k]:
            parts += (codes[2 * (off + first - prev - 1) + (tf > 1)], tfc[tf], rest)
            prev = off + last
            if hs:
                hidx += map(seen.__add__, hs)
            seen += n
        postings.append("".join(parts))
        in_heading.append(hidx)
    return [term_str(k) for k in vocab], postings, in_heading, offsets


def _shards(spelled: list[str], postings: list[str], in_heading: list[list[int]], heads: dict[str, list[int]],
            rank: dict[str, int], codes: _Codes) -> tuple[list[str], dict[str, str]]:
    """Cut the vocabulary into ranges of about SHARD characters of postings: (the first term
    of each, the shard files). A shard spells its terms (per first character: its rank gap in
    the alphabet, 2 x number of bigrams + whether it is a term alone, the second characters'
    rank gaps), lists their postings, which of those are in a heading, and for each
    character whose terms start in it, the headings that hold it but start none of its terms."""
    bounds, size = [0], 0
    for i, p in enumerate(postings):
        if size >= SHARD:
            bounds.append(i)
            size = 0
        size += len(p) + 2
    bounds.append(len(spelled))
    first_of_group: dict[str, int] = {}
    for i, t in enumerate(spelled):
        first_of_group.setdefault(t[0], i)
    firsts, out = [], {}
    for s in range(len(bounds) - 1):
        a, b = bounds[s], bounds[s + 1]
        firsts.append(spelled[a] if a < b else "")  # one empty shard when there are no terms at all
        lex, prev_rank, i = [], -1, a
        while i < b:
            c, j = spelled[i][0], i
            while j < b and spelled[j][0] == c:
                j += 1
            alone = spelled[i] == c
            seconds = [rank[t[1]] for t in spelled[i + alone:j]]
            lex.append(codes[rank[c] - prev_rank - 1] + codes[2 * len(seconds) + alone] + ints(gaps(seconds), codes))
            prev_rank, i = rank[c], j
        hl, prev_t = [], a - 1
        for t in range(a, b):
            if in_heading[t]:
                hl.append(codes[t - prev_t - 1] + codes[len(in_heading[t]) - 1] + ints(gaps(in_heading[t]), codes))
                prev_t = t
        hc, prev_c = [], -1
        for c in sorted({t[0] for t in spelled[a:b]}, key=utf16_key):
            if first_of_group[c] >= a and c in heads:
                hc.append(codes[rank[c] - prev_c - 1] + codes[len(heads[c]) - 1] + ints(gaps(heads[c]), codes))
                prev_c = rank[c]
        out[f"search/t/{s}.js"] = _script(f"t/{s}", {
            "s": a, "t": "".join(lex), "p": ",".join(postings[a:b]), "h": "".join(hl), "c": "".join(hc)})
    return firsts, out


def files(archive: Archive, docs: list[Doc], by_speech: list[list[Doc]], frags: list[Fragment]) -> dict[str, str]:
    """Every search data file, by path relative to the site root, from the blocks' fragments."""
    codes = _Codes()
    spelled, postings, in_heading, offsets = _assemble(frags, codes)
    alphabet = sorted({c for t in spelled for c in t}, key=utf16_key)
    rank = {c: i for i, c in enumerate(alphabet)}
    heads: dict[str, list[int]] = {}
    for off, f in zip(offsets, frags):
        for c, ds in f.heads.items():
            heads.setdefault(chr(c), []).extend(off + d for d in ds)
    firsts, out = _shards(spelled, postings, in_heading, heads, rank, codes)
    prev_key, alpha = 0, []
    for c in alphabet:
        alpha.append(codes[key16(c) - prev_key])
        prev_key = key16(c)
    speeches = [[s.slug, s.meta.title, s.meta.date, s.meta.kind] for s in archive.speeches]
    out["search/manifest.js"] = _script("manifest", {
        "v": FORMAT, "n": len(docs), "k1": K1, "b": B, "field": FIELD,
        "a": "".join(alpha), "l": ints(chain.from_iterable(f.lengths for f in frags), codes),
        "shards": firsts, "speeches": speeches, "sd": ints((len(ds) for ds in by_speech), codes),
        "ids": " ".join(d.id for d in docs)})
    base = 0
    for si, ds in enumerate(by_speech):  # a speech's documents: [parent in the speech or -1, heading, n1, text1, ...]
        rows = []
        for d in ds:
            row: list = [d.parent - base if d.parent >= 0 else -1, d.heading]
            for n, text in d.paragraphs:
                row += [n, text]
            rows.append(row)
        out[f"search/d/{si}.js"] = _script(f"d/{si}", rows)
        base += len(ds)
    return out
