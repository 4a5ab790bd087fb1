"""The search files: a manifest, term shards and text chunks, each a plain script.

Plain ``<script>`` files, because a page opened from disk (``file://``) may not ``fetch``, and
each assigns one entry of ``window.wenjiSearchData``. A query loads the manifest, the shards
that hold its terms and the text chunks of the results it shows or must check; nothing else.
Measured at 1,000 synthetic speeches (34 MB of text): 195 shards of 70 KB and one chunk a
speech; before its first results a two-character query loads 0.17 MB of gzip in all (page,
scripts, manifest, one shard), a longer one about 0.5 MB, where one index would be 30-50 MB.

- ``search/manifest.js``: the numbers lunr's BM25 needs (document count, k1, b, each
  document's field length), the alphabet of term characters, the first term of each shard,
  the speeches (slug, title, date, kind, language if not the site's, number of documents) and each document's id.
- ``search/t/K.js``: a range of terms in UTF-16 order (lunr's order): their spelling, their
  postings (document, term frequency) and which of those documents hold the term in their
  heading, for ranking heading matches first without loading text; the spelling (y) and the
  postings (z) deflated apart, base85.
- ``search/d/S.js``: the documents of speech S as text (deflated, base85), for the literal check and snippets.

idf and weights are not written: the browser computes them from frequencies and field lengths
exactly as lunr.py does (see ``static/search-engine.js``).

A build keeps a ``State`` for the next: the assembly, every speech's part of the manifest,
each shard's spelling and its deflated parts. A shard none of whose terms moved or changed
their heading flags is spelled as before; a part made of the same strings as one of the last
build is not deflated again. Shards start at terms chosen by the terms themselves
(``_bounds``), so an edit leaves the shards away from it as they were: at 1,000 speeches a
one-speech edit deflated all 192 shards (1.0 s of the step's 1.2 s), now 22 of 211 postings
parts and the 211 small spelling parts (0.41 s for the step). The files equal those of a
build from nothing (tests check it).
"""
from __future__ import annotations

import json
from array import array
from typing import Any, NamedTuple

from .. import lazy
from ..deflate import deflated, inflated
from ..model import Archive
from .assembly import IN_HEADING, MOVED, Assembly
from .documents import Doc
from .encoding import Codes, gaps, ints, key16
from .postings import B, FIELD, K1
from .terms import term_str, utf16_key

FORMAT = 6  # 3: search/d rows deflated and base64-encoded; 4: search/t shards too; 5: base85, not base64;
# 6: a shard's spelling (t, c) and postings (p, h) deflated apart
DATA_VARIABLE = "wenjiSearchData"
SHARD = 64_000  # characters of postings per term shard, about

np = lazy.module("numpy")


class Part(NamedTuple):
    """What the search files take from one speech (but its text), kept with the state under
    the speech's digest so that a rebuild reads no unchanged speech again."""

    docs: int  # its number of documents
    chars: int  # their characters (see documents.text_size)
    ids: str  # their ids, space-separated
    key: str  # the cache key of the speech's terms


# A shard as spelled: its terms (t), which postings are in a heading (h), and the headings
# holding its first characters that no term's heading flag shows (c).
Spelling = tuple[str, str, str]


class State(NamedTuple):
    """What a build keeps for the next one (the speeches' texts are kept per block apart)."""

    assembly: Assembly
    parts: dict[str, Part]  # by speech digest
    spelled: list[str]  # the terms
    alphabet: list[str]  # their characters, in UTF-16 order
    heads: dict[str, array]  # character -> documents whose heading holds it but starts none of its terms
    shards: dict[tuple[int, int, int], Spelling]  # (shard, first term, end) -> its spelling
    spelling_texts: dict[tuple[str, str], bytes]  # a shard's (t, c) -> their spelling_text
    postings_texts: dict[tuple[int, int], tuple[int, int, str, bytes]]  # see _ShardTexts


# --- the text of each speech ----------------------------------------------------------------------


def speech_text(docs: list[Doc]) -> bytes:
    """A speech's documents as search/d/S.js holds them: the rows [parent or -1, heading, n1,
    text1, n2, ...] of its documents, numbered from 0, as JSON in UTF-8, deflated (zlib) and
    written as a base85 string, which the browser inflates with DecompressionStream. The text is
    on the site as the pages and the .txt downloads already; deflated, its copy for search takes
    0.47 of the text's bytes instead of 1.00 (tests/corpus-real), and about as many gzip bytes
    over HTTP as the plain JSON."""
    rows = []
    for d in docs:
        row: list[int | str] = [d.parent, d.heading]
        for n, text in d.paragraphs:
            row += [n, text]
        rows.append(row)
    plain = json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return deflated(plain)


def speech_rows(text: bytes) -> list[list[int | str]]:
    """The rows a speech_text holds, as the browser reads them."""
    return json.loads(inflated(text))


def _d_head(si: int) -> bytes:
    return b'%s["d/%d"]=' % (DATA_VARIABLE.encode(), si)


def speech_file(si: int, text: bytes) -> bytes:
    """search/d/S.js of speech ``si`` from its speech_text."""
    return b"%s%s;\n" % (_d_head(si), text)


def file_text(si: int, file: bytes) -> bytes:
    """The speech_text in speech_file(si, ...)."""
    return file[len(_d_head(si)):-2]


# --- the term shards -------------------------------------------------------------------------------


class _Spelled(NamedTuple):
    """The vocabulary as the shards spell it."""

    terms: list[str]
    alphabet: list[str]  # their characters, in UTF-16 order
    rank: dict[str, int]  # each character's place in the alphabet
    first_of_group: dict[str, int]  # each character's first term


def _spelled(asm: Assembly, old: State | None) -> _Spelled:
    if old is not None and asm.vocab == old.assembly.vocab:
        terms, alphabet = old.spelled, old.alphabet
    else:
        terms = [term_str(k) for k in asm.vocab]
        alphabet = sorted({c for t in terms for c in t}, key=utf16_key)
    first_of_group: dict[str, int] = {}
    for i, t in enumerate(terms):
        first_of_group.setdefault(t[0], i)
    return _Spelled(terms, alphabet, {c: i for i, c in enumerate(alphabet)}, first_of_group)


def _heads(asm: Assembly) -> dict[str, array]:
    out: dict[str, array] = {}
    off = 0
    for n, hs in zip(asm.docs, asm.heads):
        for c, ds in hs.items():
            out.setdefault(chr(c), array("i")).extend(map(off.__add__, ds))
        off += n
    return {c: out[c] for c in sorted(out)}


def _cut_points(vocab: array, poff: array) -> np.ndarray:
    """The terms a shard may start at, chosen by a hash of the term's key, a term of z
    characters of postings with the chance z / (SHARD / 2): about SHARD / 2 characters apart
    whatever the sizes of the terms, and a term is one or not whatever the rest of the archive
    holds but its own postings."""
    if not len(vocab):
        return np.zeros(0, np.int64)
    keys = np.frombuffer(vocab, np.int64).astype(np.uint64)
    size = np.diff(np.frombuffer(poff, np.int64)) + 1
    mixed = ((keys * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(32)).astype(np.int64)
    return np.flatnonzero(mixed * max(SHARD // 2, 1) < size << 32)


def _bounds(poff: array, vocab: array) -> list[int]:
    """Cut the vocabulary into ranges of about SHARD characters of postings (each term counted
    with two more): a shard ends before the first cut point (``_cut_points``) once it holds
    SHARD / 2, or before the first term that finds 2 x SHARD in it.

    Cut by the terms rather than by size alone, the shards after an edit start at the same
    terms as before (a size-only rule moved every later boundary, 192 shards of 192 at 1,000
    speeches), so a rebuild deflates the few shards it changed instead of all (1.0 s)."""
    n = len(poff) - 1
    size = np.frombuffer(poff, np.int64) + np.arange(n + 1, dtype=np.int64)  # of terms [a, b): size[b] - size[a]
    cuts = _cut_points(vocab, poff)
    bounds, a = [0], 0
    while a < n:
        least = int(np.searchsorted(size, size[a] + SHARD // 2, "left"))
        most = int(np.searchsorted(size, size[a] + 2 * SHARD, "left"))
        k = int(np.searchsorted(cuts, max(least, a + 1), "left"))
        a = min(int(cuts[k]) if k < len(cuts) else n, max(most, a + 1))
        if a >= n:
            break
        bounds.append(a)
    bounds.append(n)
    return bounds


def _lex(a: int, b: int, sp: _Spelled, codes: Codes) -> str:
    """How a shard spells its terms [a, b): per first character, its rank gap in the alphabet,
    2 x number of bigrams + whether it is a term alone, the second characters' rank gaps."""
    spelled, rank = sp.terms, sp.rank
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


def _in_heading(a: int, b: int, in_heading: list[array | None], codes: Codes) -> str:
    """Which postings of the terms [a, b) are in a heading."""
    hl, prev_t = [], a - 1
    for t in range(a, b):
        if in_heading[t]:
            hl.append(codes[t - prev_t - 1] + codes[len(in_heading[t]) - 1] + ints(gaps(in_heading[t]), codes))
            prev_t = t
    return "".join(hl)


def _group_chars(a: int, b: int, sp: _Spelled) -> list[str]:
    """The characters whose terms start in [a, b)."""
    return sorted({t[0] for t in sp.terms[a:b] if sp.first_of_group[t[0]] >= a}, key=utf16_key)


def _heading_chars(chars: list[str], heads: dict[str, array], rank: dict[str, int], codes: Codes) -> str:
    """For each of the characters, the headings that hold it but start none of its terms."""
    hc, prev_c = [], -1
    for c in chars:
        if c in heads:
            hc.append(codes[rank[c] - prev_c - 1] + codes[len(heads[c]) - 1] + ints(gaps(heads[c]), codes))
            prev_c = rank[c]
    return "".join(hc)


def _spell(a: int, b: int, asm: Assembly, sp: _Spelled, heads: dict[str, array], codes: Codes) -> Spelling:
    return (_lex(a, b, sp, codes), _in_heading(a, b, asm.inhead, codes),
            _heading_chars(_group_chars(a, b, sp), heads, sp.rank, codes))


def _respell(a: int, b: int, was: Spelling, changed: bytearray, asm: Assembly, sp: _Spelled,
             heads: dict[str, array], same_heads: set[str], codes: Codes) -> Spelling:
    """A shard spelled before over the same terms: each part kept unless a term in it (or
    the one before) moved, or for the heading lists, changed its heading flags."""
    moved = 0
    for x in set(changed[max(a - 1, 0):b]):
        moved |= x
    lex = was[0] if not moved & MOVED else _lex(a, b, sp, codes)
    hl = was[1] if not moved & (MOVED | IN_HEADING) else _in_heading(a, b, asm.inhead, codes)
    chars = _group_chars(a, b, sp)
    hc = was[2] if not moved & MOVED and same_heads.issuperset(chars) else _heading_chars(chars, heads, sp.rank, codes)
    return lex, hl, hc


def _postings(asm: Assembly, a: int, b: int) -> bytes:
    """The postings of terms [a, b) as a shard lists them (commas between terms)."""
    return asm.post[asm.poff[a]:max(asm.poff[b] - 1, asm.poff[a])]


class _ShardTexts(NamedTuple):
    """The deflated parts of the shards, by what they are made of, from the last build and for
    the next: a shard's spelling text by its strings t and c (which name the characters by
    their place in the alphabet, so a new character changes them all); its postings text by
    its first term's key and number of terms, with where its postings were, its string h and
    the text. A shard whose parts are found is not deflated again (5 ms a shard, 1.0 s for all
    at 1,000 speeches)."""

    spelling: dict[tuple[str, str], bytes]
    postings: dict[tuple[int, int], tuple[int, int, str, bytes]]


def _shard_file(s: int, a: int, b: int, asm: Assembly, spelling: Spelling, old: State | None,
                texts: _ShardTexts) -> bytes:
    """A shard's file, its parts deflated anew unless the last build made them alike."""
    lex, hl, hc = spelling
    y = old.spelling_texts.get((lex, hc)) if old is not None else None
    if y is None:
        y = spelling_text(lex.encode(), hc.encode())
    texts.spelling[(lex, hc)] = y
    postings, where = _postings(asm, a, b), (asm.vocab[a] if a < b else -1, b - a)
    was = old.postings_texts.get(where) if old is not None else None
    if was is not None and was[2] == hl and _postings(old.assembly, was[0], was[1]) == postings:
        z = was[3]
    else:
        z = postings_text(postings, hl.encode())
    texts.postings[where] = (a, b, hl, z)
    return b'%s["t/%d"]={"s":%d,"y":%s,"z":%s};\n' % (DATA_VARIABLE.encode(), s, a, y, z)


def spelling_text(terms: bytes, heading_chars: bytes) -> bytes:
    """A term shard's strings t and c (DIGITS, nothing to escape) as the JSON array ["t","c"],
    deflated (wenji.deflate) and written as a base85 string, which the browser inflates with
    DecompressionStream before reading the shard."""
    return deflated(b'["%s","%s"]' % (terms, heading_chars))


def postings_text(postings: bytes, in_heading: bytes) -> bytes:
    """A term shard's strings p and h (DIGITS and commas) as the JSON array ["p","h"], deflated
    as ``spelling_text``. Dense as the digits are, deflated they take 0.66 of their bytes, 0.83
    as base85. Apart from t and c, which a new character changes in every shard, so that a
    rebuild deflates again only the postings that changed; apart, the two are 0.3% lighter
    than together (tests/corpus-real: 939,914 B instead of 942,894 B)."""
    return deflated(b'["%s","%s"]' % (postings, in_heading))


def shard_fields(file: bytes) -> dict[str, Any]:
    """The data a search/t/K.js file assigns, inflated as the browser reads it: s, t, p, h, c."""
    data = json.loads(file[file.index(b"=") + 1:].rstrip().rstrip(b";"))
    t, c = json.loads(inflated(data["y"]))
    p, h = json.loads(inflated(data["z"]))
    return {"s": data["s"], "t": t, "p": p, "h": h, "c": c}


def _shards(asm: Assembly, changed: bytearray, old: State | None, sp: _Spelled, heads: dict[str, array],
            codes: Codes) -> tuple[dict[str, bytes], dict[tuple[int, int, int], Spelling], _ShardTexts, list[str]]:
    """Every term shard's file, spelled as before where nothing it shows changed; the
    spellings, the deflated texts by spelling, and the first term of each shard."""
    same_heads = {c for c, ds in heads.items() if old is not None and old.heads.get(c) == ds}
    same_chars = old is not None and old.alphabet == sp.alphabet
    bounds = _bounds(asm.poff, asm.vocab)
    out: dict[str, bytes] = {}
    shards: dict[tuple[int, int, int], Spelling] = {}
    texts = _ShardTexts({}, {})
    firsts = []
    for s in range(len(bounds) - 1):
        a, b = bounds[s], bounds[s + 1]
        firsts.append(sp.terms[a] if a < b else "")  # one empty shard when there are no terms at all
        was = old.shards.get((s, a, b)) if old is not None and same_chars else None
        if was is None:
            spelling = _spell(a, b, asm, sp, heads, codes)
        else:  # the same terms, spelled alike, unless one was inserted or removed before
            spelling = _respell(a, b, was, changed, asm, sp, heads, same_heads, codes)
        shards[(s, a, b)] = spelling
        out[f"search/t/{s}.js"] = _shard_file(s, a, b, asm, spelling, old, texts)
    return out, shards, texts, firsts


# --- the manifest --------------------------------------------------------------------------------


def _script(name: str, data: dict[str, Any]) -> str:
    """A classic script that stores data under name (loads from file://, unlike fetch)."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"{DATA_VARIABLE}[{json.dumps(name)}]={body};\n"


def _manifest(archive: Archive, parts: list[Part], asm: Assembly, alphabet: list[str], firsts: list[str],
              codes: Codes) -> str:
    prev_key, alpha = 0, []
    for c in alphabet:
        alpha.append(codes[key16(c) - prev_key])
        prev_key = key16(c)
    speeches = [[s.slug, s.meta.title, s.meta.date, s.meta.kind] + ([s.meta.lang] if s.meta.lang else [])
                 for s in archive.speeches]
    return _script("manifest", {
        "v": FORMAT, "n": sum(asm.docs), "k1": K1, "b": B, "field": FIELD,
        "a": "".join(alpha), "l": "".join(asm.lengths),
        "shards": firsts, "speeches": speeches, "sd": ints((p.docs for p in parts), codes),
        "ids": " ".join(p.ids for p in parts if p.docs)})


def files(archive: Archive, parts: list[Part], texts: list[bytes], asm: Assembly, changed: bytearray,
          old: State | None) -> tuple[dict[str, str | bytes], State]:
    """Every search data file, by path relative to the site root (all but the manifest as
    UTF-8), and the state for the next build: ``texts`` are the speeches' files, shards none
    of whose inputs changed are spelled as in ``old``."""
    codes = Codes()
    sp = _spelled(asm, old)
    same = old is not None and asm.docs == old.assembly.docs and asm.heads == old.assembly.heads
    heads = old.heads if old is not None and same else _heads(asm)
    shard_files, shards, shard_texts, firsts = _shards(asm, changed, old, sp, heads, codes)
    out: dict[str, str | bytes] = dict(shard_files)
    out["search/manifest.js"] = _manifest(archive, parts, asm, sp.alphabet, firsts, codes)
    for si, file in enumerate(texts):
        out[f"search/d/{si}.js"] = file
    kept = {s.digest: part for s, part in zip(archive.speeches, parts) if s.digest}
    return out, State(asm, kept, sp.terms, sp.alphabet, heads, shards, *shard_texts)
