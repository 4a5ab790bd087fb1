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
the headings' characters and the shards' deflated parts. Every shard is spelled anew (all at
once in numpy, 0.02 s at 1,000 speeches); a part made of the same strings as one of the last
build is not deflated again. Shards start at terms chosen by the terms themselves
(``_bounds``), so an edit leaves the shards away from it as they were: at 1,000 speeches a
one-speech edit deflated all 192 shards (1.0 s of the step's 1.2 s), now 22 of 211 postings
parts and the 211 small spelling parts (0.35 s for the step). The files equal those of a
build from nothing (tests check it).
"""
from __future__ import annotations

import json
from array import array
from typing import Any, NamedTuple

from .. import lazy
from ..deflate import deflated, inflated
from ..model import Archive
from .assembly import Assembly
from .documents import Doc
from .encoding import Codes, gaps, ints, key16, vints
from .postings import B, FIELD, K1
from .terms import LOW, term_str, utf16_key

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
    heads: dict[str, array]  # character -> documents whose heading holds it but starts none of its terms
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
    """The vocabulary as the shards spell it: its characters in UTF-16 order, and each term's
    characters by their place among them (numpy: tests/corpus-real has 83,422 terms)."""

    alphabet: list[str]
    rank: dict[str, int]  # each character's place in the alphabet
    first: np.ndarray  # each term's first character's place (int64)
    second: np.ndarray  # its second character's, -1 for a character alone


def _spelled(asm: Assembly) -> _Spelled:
    keys = np.frombuffer(asm.vocab, np.int64) if len(asm.vocab) else np.zeros(0, np.int64)
    a, b = keys & LOW, keys >> 32
    chars = np.unique(np.concatenate([a, b[b > 0]]))
    alphabet = sorted(map(chr, chars.tolist()), key=utf16_key)
    rank = {c: i for i, c in enumerate(alphabet)}
    place = np.array([rank[chr(c)] for c in chars.tolist()], np.int64)  # of each of chars (ascending)
    second = np.full(len(keys), -1, np.int64)
    second[b > 0] = place[np.searchsorted(chars, b[b > 0])]
    return _Spelled(alphabet, rank, place[np.searchsorted(chars, a)] if len(chars) else a, second)


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


def _by_shard(numbers: np.ndarray, at: np.ndarray) -> list[str]:
    """The numbers' codes (vint), cut at the positions ``at`` (one per shard and the end)."""
    chars, row = vints([numbers], [None])
    cuts = row[at].tolist()
    return [chars[x:y] for x, y in zip(cuts, cuts[1:])]


def _lexes(sp: _Spelled, bounds: list[int]) -> list[str]:
    """How each shard spells its terms: per first character, its rank gap in the alphabet
    (from the one before in the shard), 2 x number of bigrams + whether it is a term alone, the
    second characters' rank gaps. All shards at once in numpy: spelling every shard (this,
    ``_in_headings``, ``_heading_chars``) takes 0.04 s at 1,000 synthetic speeches, where a
    loop over the terms took 0.12 s."""
    n = len(sp.first)
    if not n:
        return [""] * (len(bounds) - 1)
    shard_start = np.zeros(n, bool)
    shard_start[bounds[:-1]] = True
    group = shard_start.copy()
    group[1:] |= sp.first[1:] != sp.first[:-1]
    starts = np.flatnonzero(group)
    gid = np.cumsum(group) - 1
    bigram = sp.second >= 0
    bigrams = np.bincount(gid, weights=bigram, minlength=len(starts)).astype(np.int64)
    alone = (~bigram[starts]).astype(np.int64)  # a character alone comes before its bigrams
    ranks = sp.first[starts]
    prev = np.append(-1, ranks[:-1])
    prev[shard_start[starts]] = -1
    size = 2 + bigrams
    at = np.cumsum(size) - size
    numbers = np.empty(int(size.sum()), np.int64)
    numbers[at], numbers[at + 1] = ranks - prev - 1, 2 * bigrams + alone
    t = np.flatnonzero(bigram)
    seconds, g = sp.second[t], gid[t]
    prev = np.append(-1, seconds[:-1])
    prev[np.append(True, g[1:] != g[:-1])] = -1
    numbers[at[g] + 2 + t - starts[g] - alone[g]] = seconds - prev - 1
    return _by_shard(numbers, np.append(at[gid[bounds[:-1]]], len(numbers)))


def _in_headings(inhead: list[array | None], bounds: list[int]) -> list[str]:
    """Which postings of each shard's terms are in a heading: per term that has any, its
    index gap (from the one before in the shard), their number - 1, their index gaps."""
    flagged = [t for t, x in enumerate(inhead) if x]
    if not flagged:
        return [""] * (len(bounds) - 1)
    lists = [inhead[t] if inhead[t].typecode == "i" else array("i", inhead[t]) for t in flagged]
    lengths = np.array([len(x) for x in lists], np.int64)
    values = np.frombuffer(b"".join(x.tobytes() for x in lists), np.int32).astype(np.int64)
    terms = np.array(flagged, np.int64)
    shard = np.searchsorted(np.array(bounds, np.int64), terms, "right") - 1
    prev = np.append(-1, terms[:-1])
    first = np.append(True, shard[1:] != shard[:-1])
    prev[first] = np.array(bounds, np.int64)[shard[first]] - 1
    size = 2 + lengths
    at = np.cumsum(size) - size
    numbers = np.empty(int(size.sum()), np.int64)
    numbers[at], numbers[at + 1] = terms - prev - 1, lengths - 1
    owner = np.repeat(np.arange(len(terms)), lengths)
    within = np.arange(len(values)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    before = np.append(-1, values[:-1])
    before[within == 0] = -1
    numbers[at[owner] + 2 + within] = values - before - 1
    shard_at = np.searchsorted(shard, np.arange(len(bounds)), "left")  # each shard's first flagged term
    return _by_shard(numbers, np.append(at, len(numbers))[shard_at])


def _group_chars(sp: _Spelled, bounds: list[int]) -> list[list[str]]:
    """The characters whose terms start in each shard (in UTF-16 order, as the terms are)."""
    firsts = np.flatnonzero(np.append(True, sp.first[1:] != sp.first[:-1])) if len(sp.first) else np.zeros(0, np.int64)
    cuts = np.searchsorted(firsts, bounds).tolist()
    ranks = sp.first[firsts].tolist()
    return [[sp.alphabet[r] for r in ranks[x:y]] for x, y in zip(cuts, cuts[1:])]


def _heading_chars(chars: list[str], heads: dict[str, array], rank: dict[str, int], codes: Codes) -> str:
    """For each of the characters, the headings that hold it but start none of its terms."""
    hc, prev_c = [], -1
    for c in chars:
        if c in heads:
            hc.append(codes[rank[c] - prev_c - 1] + codes[len(heads[c]) - 1] + ints(gaps(heads[c]), codes))
            prev_c = rank[c]
    return "".join(hc)


def _spellings(asm: Assembly, sp: _Spelled, bounds: list[int], heads: dict[str, array], codes: Codes) -> list[Spelling]:
    """Every shard's spelling."""
    return list(zip(_lexes(sp, bounds), _in_headings(asm.inhead, bounds),
                    (_heading_chars(chars, heads, sp.rank, codes) for chars in _group_chars(sp, bounds))))


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


def _shards(asm: Assembly, old: State | None, sp: _Spelled, heads: dict[str, array],
            codes: Codes) -> tuple[dict[str, bytes], _ShardTexts, list[str]]:
    """Every term shard's file; the deflated texts by what they are made of, and the first
    term of each shard."""
    bounds = _bounds(asm.poff, asm.vocab)
    out: dict[str, bytes] = {}
    texts = _ShardTexts({}, {})
    firsts = []
    for s, spelling in enumerate(_spellings(asm, sp, bounds, heads, codes)):
        a, b = bounds[s], bounds[s + 1]
        firsts.append(term_str(asm.vocab[a]) if a < b else "")  # one empty shard when there are no terms at all
        out[f"search/t/{s}.js"] = _shard_file(s, a, b, asm, spelling, old, texts)
    return out, texts, firsts


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


def files(archive: Archive, parts: list[Part], texts: list[bytes], asm: Assembly,
          old: State | None) -> tuple[dict[str, str | bytes], State]:
    """Every search data file, by path relative to the site root (all but the manifest as
    UTF-8), and the state for the next build: ``texts`` are the speeches' files, shards'
    parts made of what ``old``'s were are taken from it."""
    codes = Codes()
    sp = _spelled(asm)
    same = old is not None and asm.docs == old.assembly.docs and asm.heads == old.assembly.heads
    heads = old.heads if old is not None and same else _heads(asm)
    shard_files, shard_texts, firsts = _shards(asm, old, sp, heads, codes)
    out: dict[str, str | bytes] = dict(shard_files)
    out["search/manifest.js"] = _manifest(archive, parts, asm, sp.alphabet, firsts, codes)
    for si, file in enumerate(texts):
        out[f"search/d/{si}.js"] = file
    kept = {s.digest: part for s, part in zip(archive.speeches, parts) if s.digest}
    return out, State(asm, kept, heads, *shard_texts)
