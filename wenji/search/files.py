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
  heading, for ranking heading matches first without loading text (deflated, base85).
- ``search/d/S.js``: the documents of speech S as text (deflated, base85), for the literal check and snippets.

idf and weights are not written: the browser computes them from frequencies and field lengths
exactly as lunr.py does (see ``static/search-engine.js``).

A build keeps a ``State`` for the next: the assembly, every speech's part of the manifest, and
each shard's spelling. A shard none of whose terms moved or changed their heading flags is
spelled as before; its postings are always the assembly's, so the files equal those of a
build from nothing (tests check it).
"""
from __future__ import annotations

import json
from array import array
from bisect import bisect_left
from typing import Any, NamedTuple

from ..deflate import deflated, inflated
from ..model import Archive
from .assembly import IN_HEADING, MOVED, Assembly
from .documents import Doc
from .encoding import Codes, gaps, ints, key16
from .postings import B, FIELD, K1
from .terms import term_str, utf16_key

FORMAT = 5  # 3: search/d rows deflated and base64-encoded; 4: search/t shards too; 5: base85, not base64
DATA_VARIABLE = "wenjiSearchData"
SHARD = 64_000  # characters of postings per term shard, about


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


def _shard_file(s: int, a: int, b: int, asm: Assembly, spelling: Spelling) -> bytes:
    postings = asm.post[asm.poff[a]:max(asm.poff[b] - 1, asm.poff[a])]
    return b'%s["t/%d"]={"s":%d,"z":%s};\n' % (
        DATA_VARIABLE.encode(), s, a, shard_text(spelling[0].encode(), postings, spelling[1].encode(),
                                                  spelling[2].encode()))


def shard_text(terms: bytes, postings: bytes, in_heading: bytes, heading_chars: bytes) -> bytes:
    """A term shard's four strings (t, p, h, c: DIGITS and commas, nothing to escape) as the
    JSON array ["t","p","h","c"], deflated (wenji.deflate) and written as a base85 string, which
    the browser inflates with DecompressionStream before reading the shard. Dense as the digits
    are, deflated they take 0.66 of their bytes, 0.83 as base85 (tests/corpus-real: 1,138,821 B
    of shards before)."""
    plain = b'["%s","%s","%s","%s"]' % (terms, postings, in_heading, heading_chars)
    return deflated(plain)


def shard_fields(file: bytes) -> dict[str, Any]:
    """The data a search/t/K.js file assigns, inflated as the browser reads it: s, t, p, h, c."""
    data = json.loads(file[file.index(b"=") + 1:].rstrip().rstrip(b";"))
    t, p, h, c = json.loads(inflated(data["z"]))
    return {"s": data["s"], "t": t, "p": p, "h": h, "c": c}


def _shards(asm: Assembly, changed: bytearray, old: State | None, sp: _Spelled, heads: dict[str, array],
            codes: Codes) -> tuple[dict[str, bytes], dict[tuple[int, int, int], Spelling], list[str]]:
    """Every term shard's file, spelled as before where nothing it shows changed; the
    spellings, and the first term of each shard."""
    same_heads = {c for c, ds in heads.items() if old is not None and old.heads.get(c) == ds}
    same_chars = old is not None and old.alphabet == sp.alphabet
    bounds = _bounds(asm.poff)
    out: dict[str, bytes] = {}
    shards: dict[tuple[int, int, int], Spelling] = {}
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
        out[f"search/t/{s}.js"] = _shard_file(s, a, b, asm, spelling)
    return out, shards, firsts


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
    shard_files, shards, firsts = _shards(asm, changed, old, sp, heads, codes)
    out: dict[str, str | bytes] = dict(shard_files)
    out["search/manifest.js"] = _manifest(archive, parts, asm, sp.alphabet, firsts, codes)
    for si, file in enumerate(texts):
        out[f"search/d/{si}.js"] = file
    kept = {s.digest: part for s, part in zip(archive.speeches, parts) if s.digest}
    return out, State(asm, kept, sp.terms, sp.alphabet, heads, shards)
