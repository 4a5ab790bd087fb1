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

A build keeps a ``State`` for the next: the archive's postings joined term by term, with
where each block's part of each term lies (``Assembly``), every speech's part of the
manifest, and each shard's spelling. A rebuild re-codes the blocks that changed, replaces
their parts in the terms they reach and spells those terms' shards again; the rest is taken
over byte for byte, and the files equal those of a build from nothing (tests check it).
"""
from __future__ import annotations

import json
from array import array
from bisect import bisect_left
from itertools import chain
from operator import sub
from typing import Any, NamedTuple

from .model import Archive
from .search import DATA_VARIABLE, B, FIELD, HEAD, K1, TF, Doc, DocTerms, kept_terms, term_str, utf16_key

FORMAT = 2
DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_$"  # JSON-safe, no ","
LAST = 48  # digits that end a number; the other 16 continue it
SHARD = 64_000  # characters of postings per term shard, about


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


class Columns(NamedTuple):
    """A block's postings as numpy columns, in term order then document order."""

    keys: Any  # term key of each posting
    docs: Any  # its document, counted from the block's first
    vals: Any  # its value: term frequency | HEAD when the heading holds the term
    lengths: array  # field length of each document
    heads: dict[int, array]  # character -> documents whose heading holds it but starts no kept term with it


def columns(terms: list[DocTerms], dropped: set[int]) -> Columns:
    """Invert a block's documents (each term's documents in order, by a stable sort)."""
    import numpy as np

    keys, vals, counts = [], [], []
    heads: dict[int, array] = {}
    docs = terms if not dropped else [DocTerms(k, v, (), lone, (), hlone)
                                      for k, v, lone, hlone, _ in kept_terms(terms, dropped)]
    for d, t in enumerate(docs):
        keys += (t.keys, t.lone)
        vals += (t.vals, np.ones(len(t.lone), np.int64))
        counts.append(len(t.keys) + len(t.lone))
        for c in t.hlone:
            heads.setdefault(c, array("i")).append(d)
    if not counts:
        e = np.zeros(0, np.int64)
        return Columns(e, e, e, array("l"), heads)
    k = np.concatenate([np.asarray(x, np.int64) for x in keys])
    v = np.concatenate([np.asarray(x, np.int64) for x in vals])
    doc = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    lengths = np.bincount(doc, weights=v & TF, minlength=len(counts)).astype(np.int64)
    order = np.argsort(k, kind="stable")
    return Columns(k[order], doc[order], v[order], array("l", lengths.tolist()), heads)


_DIGIT_BYTES = DIGITS.encode("ascii")
FIRST = [sum(LAST * 16 ** i for i in range(n)) for n in range(13)]  # vint(n) has L digits from FIRST[L - 1] on


def vints(columns: list, present: list) -> tuple[str, Any]:
    """Numbers as ``vint`` codes, row by row: row i is the codes of ``columns[c][i]`` for
    every c where ``present[c][i]`` (None: always), in column order. Returns all the rows'
    characters and the offset where each row starts (one more: the end)."""
    import numpy as np

    digits = np.frombuffer(_DIGIT_BYTES, np.uint8)
    first = np.array(FIRST, np.int64)
    widths = []
    for x, keep in zip(columns, present):
        w = np.searchsorted(first, x, "right")
        widths.append(w if keep is None else np.where(keep, w, 0))
    row = np.zeros(len(columns[0]) + 1, np.int64)
    np.cumsum(sum(widths), out=row[1:])
    out = np.empty(int(row[-1]), np.uint8)
    at = row[:-1].copy()
    for x, w in zip(columns, widths):
        end = at + w  # the last digit of each code goes at end - 1
        sel = np.flatnonzero(w)
        n, e = x[sel], end[sel]
        out[e - 1] = digits[n % LAST]
        n //= LAST
        level = 2
        while sel.size:
            more = np.flatnonzero(w[sel] >= level)
            sel, n, e = sel[more], n[more] - 1, e[more]
            out[e - level] = digits[LAST + n % 16]
            n //= 16
            level += 1
        at = end
    return out.tobytes().decode("ascii"), row


def fragment(cols: Columns) -> Fragment:
    """Encode a block's postings: every posting's code at once in numpy, then each term's
    part of them sliced out (the first is coded when blocks are joined)."""
    import numpy as np

    keys, docs, vals = cols.keys, cols.docs, cols.vals
    n = len(keys)
    if not n:
        return Fragment(len(cols.lengths), cols.lengths, cols.heads, {})
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
    rest_from, rest_to = off[starts + 1].tolist(), off[ends].tolist()
    hpos = np.flatnonzero(vals & HEAD)
    hs: dict[int, tuple[int, ...]] = {}
    if hpos.size:
        term = np.searchsorted(starts, hpos, "right") - 1
        rel = (hpos - starts[term]).tolist()
        cut = np.flatnonzero(np.diff(term)) + 1
        for a, b in zip(chain((0,), cut.tolist()), chain(cut.tolist(), (len(rel),))):
            hs[int(term[a])] = tuple(rel[a:b])
    terms = {}
    s_list = starts.tolist()
    for i, (k, s, e, d0, t0, d1, a, b) in enumerate(zip(keys[starts].tolist(), s_list, ends.tolist(),
                                                           docs[starts].tolist(), tf[starts].tolist(),
                                                           docs[ends - 1].tolist(), rest_from, rest_to)):
        terms[k] = (e - s, d0, t0, chars[a:b], d1, hs.get(i, ()))
    return Fragment(len(cols.lengths), cols.lengths, cols.heads, terms)


def block_fragment(terms: list[DocTerms], dropped: set[int]) -> Fragment:
    """A block's documents inverted and encoded (what the build caches per block)."""
    return fragment(columns(terms, dropped))


# --- the archive's postings, term by term ---------------------------------------------------


class Assembly(NamedTuple):
    """The blocks' fragments joined term by term, with where each block's part of a term's
    postings lies: a rebuild replaces the parts of the blocks that changed (and re-codes the
    first posting after them) and keeps every other character as it was.

    Entries are a term's part from one block, in term order, then block order; ``start[t]``
    is the first entry of term t.
    """

    blocks: list[str]  # each block's key
    docs: list[int]  # each block's number of documents
    lengths: list[str]  # each block's field lengths, encoded
    heads: list[dict[int, array]]  # each block's Fragment.heads
    vocab: array  # term keys in lunr's (UTF-16) order
    post: bytes  # each term's postings, encoded, each followed by a comma (as a shard lists them)
    poff: array  # len(vocab) + 1 offsets in post: term t is post[poff[t]:poff[t + 1] - 1] ("q")
    inhead: list  # each term's postings in a heading (their indices, array "i"), or None
    start: array  # len(vocab) + 1 entry indices (array "i", as those below but ecode, "b")
    eb: array  # entry: its block
    epos: array  # entry: where its part starts in the term's postings
    efirst: array  # entry: its first document, counted from the block's first
    elast: array  # entry: its last document, ditto
    ecode: array  # entry: characters of its first posting's gap code << 1 | (tf > 1)
    ecnt: array  # entry: the term's postings up to the end of the part


def empty_assembly() -> Assembly:
    a = array("i")
    return Assembly([], [], [], [], array("q"), b"", array("q", [0]), [], array("i", [0]), a, a, a, a, array("b"), a)


def _pack_lists(lists: list) -> tuple[array, array]:
    """Arrays (or None) as one array and their lengths (-1 for None)."""
    flat = array("i")
    for x in lists:
        if x:
            flat.extend(x if x.typecode == "i" else array("i", x))
    return flat, array("i", [len(x) if x is not None else -1 for x in lists])


def _unpack_lists(flat: array, lengths: array) -> list:
    out, at = [], 0
    for n in lengths:
        if n < 0:
            out.append(None)
        else:
            out.append(flat[at:at + n])
            at += n
    return out


def _pack_heads(heads: dict[int, array]) -> tuple[array, array, array]:
    keys = array("q", heads)
    flat, lengths = _pack_lists([heads[k] for k in keys])
    return keys, flat, lengths


def _unpack_heads(packed: tuple[array, array, array]) -> dict[int, array]:
    keys, flat, lengths = packed
    return dict(zip(keys, _unpack_lists(flat, lengths)))


def packed(asm: Assembly) -> Assembly:
    """The assembly as a few long strings and arrays, which pickle at the speed of a copy
    (thousands of small objects would take ten times as long)."""
    return asm._replace(inhead=_pack_lists(asm.inhead), heads=[_pack_heads(h) for h in asm.heads])


def unpacked(asm: Assembly) -> Assembly:
    return asm._replace(inhead=_unpack_lists(*asm.inhead), heads=[_unpack_heads(h) for h in asm.heads])


def _offsets(docs: list[int]) -> list[int]:
    out = [0]
    for n in docs:
        out.append(out[-1] + n)
    return out


def _order(k: int) -> bytes:
    return utf16_key(term_str(k))


def region(blocks: list[str], new: list[str]) -> tuple[int, int, int]:
    """(p, old end, new end): the blocks ``new[p:new end]`` replace ``blocks[p:old end]``;
    those before and after are the same blocks."""
    p = 0
    while p < len(blocks) and p < len(new) and blocks[p] == new[p]:
        p += 1
    q = 0
    while q < len(blocks) - p and q < len(new) - p and blocks[-1 - q] == new[-1 - q]:
        q += 1
    return p, len(blocks) - q, len(new) - q


POSTINGS, IN_HEADING, MOVED = 1, 2, 4  # what differs from the term at the same index before


def assemble(old: Assembly, keys: list[str], frags: dict[int, Fragment], old_frags: dict[int, Fragment] | None,
             codes: _Codes) -> tuple[Assembly, bytearray]:
    """``old`` with the blocks that are not in it (``frags``, by new block index) put in place
    of those that are no more: the assembly of ``keys``, and per term what differs from the
    term at the same index in ``old`` (POSTINGS | IN_HEADING | MOVED). ``old_frags`` (by old
    block index), when known, tell which terms an edit reached; without them every term of
    the changed blocks is joined anew, and the first posting after them re-coded in all."""
    p, oe, ne = region(old.blocks, keys)
    tfc = _TfCodes()
    nf = [frags[j] for j in range(p, ne)]
    docs = old.docs[:p] + [f.docs for f in nf] + old.docs[oe:]
    noff, ooff = _offsets(docs), _offsets(old.docs)
    shift_b = ne - oe
    fterms = [f.terms for f in nf]
    index = {k: i for i, k in enumerate(old.vocab)}
    region_terms: set[int] = set().union(*fterms)
    added = region_terms.difference(index)
    touched: set[int] | None = None
    if old_frags is not None and oe == ne and all(old.docs[j] == docs[j] for j in range(p, ne)):
        touched = set()
        for j in range(p, ne):
            o, n = old_frags[j].terms, fterms[j - p]
            touched.update(k for k, v in n.items() if o.get(k) != v)
            touched.update(o.keys() - n.keys())
    vocab = sorted(chain(old.vocab, added), key=_order) if added else old.vocab
    start, post, poff, inhead = old.start, old.post, old.poff, old.inhead
    eb, epos, efirst, elast, ecode, ecnt = old.eb, old.epos, old.efirst, old.elast, old.ecode, old.ecnt
    n_vocab, n_post, n_inhead = array("q"), [], []
    n_poff = array("q", [0])
    n_start = array("i", [0])
    n_eb, n_epos, n_efirst, n_elast, n_ecode, n_ecnt = (array("i"), array("i"), array("i"), array("i"),
                                                        array("b"), array("i"))
    old_entries = (eb, epos, efirst, elast, ecode, ecnt)
    new_entries = (n_eb, n_epos, n_efirst, n_elast, n_ecode, n_ecnt)

    def copy_entries(a: int, b: int) -> None:
        """Entries a..b of the old state, unchanged."""
        for new_, old_ in zip(new_entries, old_entries):
            new_.extend(old_[a:b])
    changed = bytearray()
    run = [0, 0]  # old terms [a, b) kept as they are, not yet copied
    recoded: list[tuple[int, int, bytes]] = []  # in the run: (term, where in post, a code of the same length)

    def flush() -> None:
        a, b = run
        if a < b:
            sa, sb = start[a], start[b]
            base = len(n_eb) - sa
            n_start.extend(map(base.__add__, start[a + 1:b + 1]))
            copy_entries(sa, sb)
            n_vocab.extend(vocab_old[a:b])
            base = n_poff[-1] - poff[a]
            n_poff.extend(map(base.__add__, poff[a + 1:b + 1]))
            n_inhead.extend(inhead[a:b])
            first = len(changed)
            changed.extend(bytes(b - a) if first == a else bytes([MOVED]) * (b - a))
            at = poff[a]
            for i, where, code in recoded:
                n_post.extend((post[at:where], code))
                at = where + len(code)
                changed[first + i - a] |= POSTINGS
            n_post.append(post[at:poff[b]])
        recoded.clear()
        run[0] = run[1] = b

    vocab_old = old.vocab
    for k in vocab:
        i = index.get(k)
        if i is None:
            s = e = i1 = i2 = 0
            P, H = "", None
        else:
            s, e = start[i], start[i + 1]
            if touched is not None:
                if k not in touched:
                    if run[1] != i:
                        flush()
                        run[0] = run[1] = i
                    run[1] = i + 1
                    continue
                i1 = bisect_left(eb, p, s, e)
                i2 = bisect_left(eb, oe, i1, e)
            else:
                i1 = bisect_left(eb, p, s, e)
                i2 = bisect_left(eb, oe, i1, e)
                if i1 == i2 and k not in region_terms:  # no part in the blocks replaced, before or now
                    if i2 < e:  # the first posting after them, counted from the one before, may move
                        bits = ecode[i2]
                        prev = ooff[eb[i2 - 1]] + elast[i2 - 1] if i2 > s else -1
                        c = codes[2 * (noff[eb[i2] + shift_b] + efirst[i2] - prev - 1) + (bits & 1)]
                        was = codes[2 * (ooff[eb[i2]] + efirst[i2] - prev - 1) + (bits & 1)]
                        if not shift_b and c != was and len(c) == bits >> 1:  # kept, but for one code
                            if run[1] != i:
                                flush()
                                run[0] = run[1] = i
                            recoded.append((i, poff[i] + epos[i2], c.encode("ascii")))
                            run[1] = i + 1
                            continue
                        if shift_b or c != was:
                            flush()
                            at, cl = poff[i] + epos[i2], bits >> 1
                            n_post.append(post[poff[i]:at] + c.encode("ascii") + post[at + cl:poff[i + 1]])
                            n_poff.append(n_poff[-1] + len(n_post[-1]))
                            n_vocab.append(k)
                            n_inhead.append(inhead[i])
                            n_eb.extend(eb[s:i2])
                            n_eb.extend(map(shift_b.__add__, eb[i2:e]) if shift_b else eb[i2:e])
                            dpos = len(c) - cl
                            n_epos.extend(epos[s:i2 + 1])
                            n_epos.extend(map(dpos.__add__, epos[i2 + 1:e]) if dpos else epos[i2 + 1:e])
                            n_efirst.extend(efirst[s:e])
                            n_elast.extend(elast[s:e])
                            n_ecode.extend(ecode[s:i2])
                            n_ecode.append(len(c) << 1 | (bits & 1))
                            n_ecode.extend(ecode[i2 + 1:e])
                            n_ecnt.extend(ecnt[s:e])
                            n_start.append(len(n_eb))
                            changed.append(MOVED if i != len(changed) else POSTINGS * (c != was))
                            run[0] = run[1] = i + 1
                            continue
                    if run[1] != i:
                        flush()
                        run[0] = run[1] = i
                    run[1] = i + 1
                    continue
            P, H = post[poff[i]:poff[i + 1] - 1].decode("ascii"), inhead[i]
        flush()
        # the blocks before the region: kept
        if i1 > s:
            cut = epos[i1] if i1 < e else len(P)
            pieces = [P[:cut] if i1 < e else P]
            pos, prev, seen = cut, ooff[eb[i1 - 1]] + elast[i1 - 1], ecnt[i1 - 1]
            copy_entries(s, i1)
        else:
            pieces, pos, prev, seen = [], 0, -1, 0
        hs_out = array("i", H[:bisect_left(H, seen)]) if H else array("i")
        # the region: from the new fragments
        for j in range(p, ne):
            ent = fterms[j - p].get(k)
            if ent is None:
                continue
            n, first, tf, rest, last, hs = ent
            c = codes[2 * (noff[j] + first - prev - 1) + (tf > 1)]
            t = tfc[tf]
            pieces += (c, t, rest)
            n_eb.append(j)
            n_epos.append(pos)
            n_efirst.append(first)
            n_elast.append(last)
            n_ecode.append(len(c) << 1 | (tf > 1))
            if hs:
                hs_out.extend(map(seen.__add__, hs))
            seen += n
            n_ecnt.append(seen)
            pos += len(c) + len(t) + len(rest)
            prev = noff[j] + last
        # the blocks after it: kept, but for the gap of the first posting
        if i2 < e:
            bits = ecode[i2]
            more, cl = bits & 1, bits >> 1
            c = codes[2 * (noff[eb[i2] + shift_b] + efirst[i2] - prev - 1) + more]
            pieces += (c, P[epos[i2] + cl:])
            oseen = ecnt[i2 - 1] if i2 > s else 0
            dseen, dpos = seen - oseen, pos + len(c) - epos[i2] - cl
            n_eb.extend(map(shift_b.__add__, eb[i2:e]) if shift_b else eb[i2:e])
            n_epos.append(pos)
            n_epos.extend(map(dpos.__add__, epos[i2 + 1:e]) if dpos else epos[i2 + 1:e])
            n_efirst.extend(efirst[i2:e])
            n_elast.extend(elast[i2:e])
            n_ecode.append(len(c) << 1 | more)
            n_ecode.extend(ecode[i2 + 1:e])
            n_ecnt.extend(map(dseen.__add__, ecnt[i2:e]) if dseen else ecnt[i2:e])
            if H:
                hs_out.extend(map(dseen.__add__, H[bisect_left(H, oseen):]))
        if not pieces:  # no block holds the term any more
            run[0] = run[1] = i + 1
            continue
        joined = "".join(pieces)
        hs_out = hs_out or None
        n_start.append(len(n_eb))
        n_vocab.append(k)
        n_post.append(joined.encode("ascii") + b",")
        n_poff.append(n_poff[-1] + len(n_post[-1]))
        n_inhead.append(hs_out)
        changed.append(MOVED if i != len(changed) else POSTINGS * (joined != P) | IN_HEADING * (hs_out != H))
        if i is not None:
            run[0] = run[1] = i + 1
    flush()
    lengths = old.lengths[:p] + [ints(f.lengths, codes) for f in nf] + old.lengths[oe:]
    heads = old.heads[:p] + [f.heads for f in nf] + old.heads[oe:]
    new = Assembly(list(keys), docs, lengths, heads, n_vocab, b"".join(n_post), n_poff, n_inhead, n_start, n_eb,
                   n_epos, n_efirst, n_elast, n_ecode, n_ecnt)
    return new, changed


# --- the files ---------------------------------------------------------------------------------


class Part(NamedTuple):
    """What the search files take from one speech (but its text), kept with the state under
    the speech's digest so that a rebuild reads no unchanged speech again."""

    docs: int  # its number of documents
    chars: int  # their characters (see search.text_size)
    ids: str  # their ids, space-separated
    key: str  # the cache key of the speech's terms


def speech_text(docs: list[Doc]) -> bytes:
    """A speech's documents as search/d/S.js holds them, numbered from 0 and UTF-8 encoded:
    [parent or -1, heading, n1, text1, n2, ...] each."""
    rows = []
    for d in docs:
        row: list = [d.parent, d.heading]
        for n, text in d.paragraphs:
            row += [n, text]
        rows.append(row)
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _d_head(si: int) -> bytes:
    return b'%s["d/%d"]=' % (DATA_VARIABLE.encode(), si)


def speech_file(si: int, text: bytes) -> bytes:
    """search/d/S.js of speech ``si`` from its speech_text."""
    return b"%s%s;\n" % (_d_head(si), text)


def file_text(si: int, file: bytes) -> bytes:
    """The speech_text in speech_file(si, ...)."""
    return file[len(_d_head(si)):-2]


class State(NamedTuple):
    """What a build keeps for the next one (the speeches' texts are kept per block apart)."""

    assembly: Assembly  # packed() in the cache
    parts: dict[str, Part]  # by speech digest
    spelled: list[str]  # the terms
    alphabet: list[str]
    heads: dict[str, array]  # character -> documents whose heading holds it but starts none of its terms
    shards: dict[tuple[int, int, int], tuple[str, str, str]]  # (shard, first term, end) -> its t, h and c


def _script(name: str, data) -> str:
    """A classic script that stores data under name (loads from file://, unlike fetch)."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"{DATA_VARIABLE}[{json.dumps(name)}]={body};\n"


def _heads(asm: Assembly) -> dict[str, array]:
    out: dict[str, array] = {}
    off = 0
    for n, hs in zip(asm.docs, asm.heads):
        for c, ds in hs.items():
            out.setdefault(chr(c), array("i")).extend(map(off.__add__, ds))
        off += n
    return {c: out[c] for c in sorted(out)}


def _bounds(poff: array) -> list[int]:
    """Cut the vocabulary into ranges of about SHARD characters of postings: a shard ends
    before the first term that finds SHARD or more (each term counted with two more) in it."""
    n = len(poff) - 1
    size = [o + i for i, o in enumerate(poff)]  # of terms [a, b): size[b] - size[a]
    bounds, a = [0], 0
    while a < n:
        a = bisect_left(size, size[a] + SHARD, a + 1)
        if a >= n:
            break
        bounds.append(a)
    bounds.append(n)
    return bounds


def _lex(a: int, b: int, spelled: list[str], rank: dict[str, int], codes: _Codes) -> str:
    """How a shard spells its terms [a, b): per first character, its rank gap in the alphabet,
    2 x number of bigrams + whether it is a term alone, the second characters' rank gaps."""
    lex, prev_rank, i = [], -1, a
    while i < b:
        c, j = spelled[i][0], i
        while j < b and spelled[j][0] == c:
            j += 1
        alone = spelled[i] == c
        seconds = [rank[t[1]] for t in spelled[i + alone:j]]
        lex.append(codes[rank[c] - prev_rank - 1] + codes[2 * len(seconds) + alone] + ints(gaps(seconds), codes))
        prev_rank, i = rank[c], j
    return "".join(lex)


def _in_heading(a: int, b: int, in_heading: list, codes: _Codes) -> str:
    """Which postings of the terms [a, b) are in a heading."""
    hl, prev_t = [], a - 1
    for t in range(a, b):
        if in_heading[t]:
            hl.append(codes[t - prev_t - 1] + codes[len(in_heading[t]) - 1] + ints(gaps(in_heading[t]), codes))
            prev_t = t
    return "".join(hl)


def _group_chars(a: int, b: int, spelled: list[str], first_of_group: dict[str, int]) -> list[str]:
    """The characters whose terms start in [a, b)."""
    return sorted({t[0] for t in spelled[a:b] if first_of_group[t[0]] >= a}, key=utf16_key)


def _heading_chars(chars: list[str], heads: dict[str, array], rank: dict[str, int], codes: _Codes) -> str:
    """For each of the characters, the headings that hold it but start none of its terms."""
    hc, prev_c = [], -1
    for c in chars:
        if c in heads:
            hc.append(codes[rank[c] - prev_c - 1] + codes[len(heads[c]) - 1] + ints(gaps(heads[c]), codes))
            prev_c = rank[c]
    return "".join(hc)


def files(archive: Archive, parts: list[Part], texts: list[bytes], asm: Assembly, changed: bytearray,
          old: State | None) -> tuple[dict[str, str | bytes], State]:
    """Every search data file, by path relative to the site root (all but the manifest as
    UTF-8), and the state for the next build: ``texts`` are the speeches' files, shards none
    of whose inputs changed are spelled as in ``old``."""
    codes = _Codes()
    if old is not None and asm.vocab == old.assembly.vocab:
        spelled, alphabet = old.spelled, old.alphabet
    else:
        spelled = [term_str(k) for k in asm.vocab]
        alphabet = sorted({c for t in spelled for c in t}, key=utf16_key)
    rank = {c: i for i, c in enumerate(alphabet)}
    same = old is not None and asm.docs == old.assembly.docs and asm.heads == old.assembly.heads
    heads = old.heads if same else _heads(asm)
    same_heads = {c for c, ds in heads.items() if old is not None and old.heads.get(c) == ds}
    same_chars = old is not None and old.alphabet == alphabet
    bounds = _bounds(asm.poff)
    first_of_group: dict[str, int] = {}
    for i, t in enumerate(spelled):
        first_of_group.setdefault(t[0], i)
    out: dict[str, str | bytes] = {}
    shards, firsts = {}, []
    for s in range(len(bounds) - 1):
        a, b = bounds[s], bounds[s + 1]
        firsts.append(spelled[a] if a < b else "")  # one empty shard when there are no terms at all
        was = old.shards.get((s, a, b)) if same_chars else None
        if was is not None:  # the same terms, spelled alike, unless one was inserted or removed before
            moved = 0
            for x in set(changed[max(a - 1, 0):b]):
                moved |= x
            lex = was[0] if not moved & MOVED else _lex(a, b, spelled, rank, codes)
            hl = was[1] if not moved & (MOVED | IN_HEADING) else _in_heading(a, b, asm.inhead, codes)
            chars = _group_chars(a, b, spelled, first_of_group)
            hc = was[2] if not moved & MOVED and same_heads.issuperset(chars) else _heading_chars(chars, heads,
                                                                                               rank, codes)
        else:
            lex, hl = _lex(a, b, spelled, rank, codes), _in_heading(a, b, asm.inhead, codes)
            hc = _heading_chars(_group_chars(a, b, spelled, first_of_group), heads, rank, codes)
        shards[(s, a, b)] = got = (lex, hl, hc)
        # what _script would write: every string here is made of DIGITS and commas, nothing to escape
        out[f"search/t/{s}.js"] = b'%s["t/%d"]={"s":%d,"t":"%s","p":"%s","h":"%s","c":"%s"};\n' % (
            DATA_VARIABLE.encode(), s, a, got[0].encode(), asm.post[asm.poff[a]:max(asm.poff[b] - 1, asm.poff[a])],
            got[1].encode(), got[2].encode())
    prev_key, alpha = 0, []
    for c in alphabet:
        alpha.append(codes[key16(c) - prev_key])
        prev_key = key16(c)
    speeches = [[s.slug, s.meta.title, s.meta.date, s.meta.kind] for s in archive.speeches]
    out["search/manifest.js"] = _script("manifest", {
        "v": FORMAT, "n": sum(asm.docs), "k1": K1, "b": B, "field": FIELD,
        "a": "".join(alpha), "l": "".join(asm.lengths),
        "shards": firsts, "speeches": speeches, "sd": ints((p.docs for p in parts), codes),
        "ids": " ".join(p.ids for p in parts if p.docs)})
    for si, file in enumerate(texts):
        out[f"search/d/{si}.js"] = file
    kept = {s.digest: part for s, part in zip(archive.speeches, parts) if s.digest}
    return out, State(asm, kept, spelled, alphabet, heads, shards)
