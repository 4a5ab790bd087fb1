"""Client-side full-text search: character bigrams in lunr's model, split so a query loads little.

Why bigrams: a Chinese query has no spaces, and jieba cuts the same characters differently in
different contexts (有效 inside 有效应对), so a word index misses occurrences (recall 0.66 on
arbitrary substrings of the seeds). Every literal occurrence of a query holds all of its
character bigrams, so requiring them finds every section that holds the query (recall 1.00);
the browser then checks the query against the section text (precision 1.00). The browser
never segments text: queries are cut by the same trivial rule as the text was.

Terms: text is folded (NFKC and case folding per character; every anonymisation mark, ``*``
``×`` ``╳`` or a run of mask-``x``, becomes ``×``, so ``**市`` also finds ``xx市`` and ``××市``)
and cut into runs of letters, digits, marks and masks. A document's terms are the bigrams of
its runs found in ``min_df`` documents or more, plus each of its characters that starts none
of them, alone (so the prefix query ``c*`` finds every document holding ``c``). A query run
is its known bigrams, all required, or the prefixes of its characters if it has none.

Scores: lunr scores a document by the dot product of the query vector with the document's
BM25 weights at the query's terms, divided by the query vector's length only, so an index of
just the terms a query needs, over just the documents that hold them, gives every hit the
score one index of the whole archive gives it. That lets the index be cut by term
(``search_shards``): the browser loads the shards of the query's terms, ranks the documents
every clause matches by that dot product (summed as lunr sums it, so in lunr's order), and
has lunr.js (``lunr.Index.load`` of the serialized form) score the ones it shows. Tests check
the browser's hits, scores and order against one lunr.py ``Builder`` over the whole archive.

Build cost: lunr.py's Builder tokenises, runs a pipeline and deep-copies metadata per token:
13 s per 100 speeches, and 3 GB for 1,000. Here a document's bigrams are counted by reading
its folded text as 64-bit pairs (C loops), per speech, in worker processes, and cached by
the speech's content; postings are inverted and encoded per block of about 32 speeches (in
numpy) and cached by the block's content. The archive's postings, joined term by term, are
kept from one build to the next with where each block's part of each term lies
(``search_shards.Assembly``), with every speech's part of the manifest and its text file, so
editing one speech recomputes that speech's terms and its block, re-joins only the terms the
edit reached, spells only their shards again and reads no other speech (at 1,000 speeches:
0.2-0.4 s instead of 3.5). The weights are lunr.py's: ``SearchIndex`` assembles lunr.py
``Index`` objects from the postings with lunr's ``idf`` and its Builder's formula; the
browser repeats the same arithmetic on the same numbers.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from array import array
from collections import Counter, defaultdict, deque
from dataclasses import dataclass
from functools import cached_property
from itertools import chain, compress, repeat
from typing import Any, Callable, Iterable, Iterator, NamedTuple

from lunr.idf import idf as lunr_idf
from lunr.index import Index
from lunr.query import Query, QueryPresence

from . import parallel, render
from .cache import Cache, key as cache_key
from .model import Archive, Section, Speech

FIELD = "text"
K1 = 1.2  # lunr's defaults, written into the index so the browser uses the same
B = 0.75
MASK = "×"
DATA_VARIABLE = "wenjiSearchData"
BLOCK = 32  # speeches per block of postings, about (boundaries depend on their names)
SMALL = 500_000  # characters of text up to which an archive counts as small (see min_df)

_XRUN = re.compile(r"(?<![a-z])x+(?![a-z])")
_WORDS = re.compile(r"w+")

# Term keys: a bigram ab is ord(a) | ord(b) << 32, a lone character c is ord(c); SEP stands for
# every character that is not part of a run while counting.
SEP = "\x01"
_LOW = (1 << 32) - 1
_SEP32 = SEP.encode("utf-32-le")
_SEP_PAIR = 1 | 1 << 32
_BEFORE = re.compile(r"[^\x01](?=\x01)")
# Common Han characters fold to themselves and are in runs: only the rest goes through the
# translate table (three times faster than translating all of a Chinese text).
_NOT_HAN = re.compile(r"[^\u4e00-\u9fff\x01]+")
_PUNCTUATION = [(0x20, 0x80), (0x2000, 0x2070), (0x3000, 0x3040), (0xFF00, 0xFF66)]
_AFTER = re.compile(r"(?<=\x01)[^\x01]")
HEAD = 1 << 31  # in a posting value: the term is in the document's heading
TF = HEAD - 1  # in a posting value: the term frequency


def utf16_key(term: str) -> bytes:
    """lunr.js builds its token set in UTF-16 code-unit order and refuses any other."""
    return term.encode("utf-16-be", "surrogatepass")


def term_str(k: int) -> str:
    return chr(k) if k <= _LOW else chr(k & _LOW) + chr(k >> 32)


def term_key(term: str) -> int:
    return ord(term) if len(term) == 1 else ord(term[0]) | ord(term[1]) << 32


def fold_char(c: str) -> str:
    """NFKC then full case folding of one character, masks unified to ``×``."""
    if c in "*×╳":
        return MASK
    f = unicodedata.normalize("NFKC", c).casefold().lower()
    return "".join(MASK if ch in "*×╳" else ch for ch in f)


def _in_run(c: str) -> bool:
    return c == MASK or unicodedata.category(c)[0] in "LNM"


def casefold_extras() -> dict[str, str]:
    """Characters whose folding differs from JS ``normalize('NFKC').toLowerCase()``.

    ``static/searchbox.js`` carries this table so the browser folds queries as this module
    folds the text; a test keeps the two in step.
    """
    out = {}
    for cp in range(0x110000):
        c = chr(cp)
        if 0xD800 <= cp < 0xE000 or unicodedata.category(c) == "Cn":
            continue
        plain = "".join(MASK if ch in "*×╳" else ch for ch in unicodedata.normalize("NFKC", c).lower())
        if fold_char(c) != plain:
            out[c] = fold_char(c)
    return out


class _FoldTable(dict):
    """``str.translate`` table filled on first sight of each character."""

    def __missing__(self, cp: int) -> str:
        self[cp] = f = fold_char(chr(cp))
        return f


class _ClassTable(dict):
    """Maps letters, digits, marks and ``×`` to ``w`` and everything else to a space."""

    def __missing__(self, cp: int) -> str:
        self[cp] = k = "w" if _in_run(chr(cp)) else " "
        return k


class _TermTable(dict):
    """Folding and cutting in one ``str.translate``: each character's fold, with SEP for every
    folded character that is not in a run."""

    def __missing__(self, cp: int) -> str:
        self[cp] = f = "".join(ch if _in_run(ch) else SEP for ch in fold_char(chr(cp)))
        return f


class DocTerms(NamedTuple):
    """A document's terms before the archive-wide rule, as compact arrays.

    keys/vals: each distinct bigram key and its term frequency (| HEAD when the heading holds
    it); before: characters followed by the end of a run; lone: characters that start none of
    the document's bigrams; hbefore/hlone: the same for the heading alone.
    """

    keys: array
    vals: array
    before: array
    lone: array
    hbefore: array
    hlone: array


class Folder:
    """Folds text and cuts it into terms; holds per-character caches, so keep one per build."""

    def __init__(self) -> None:
        self._fold = _FoldTable()
        self._class = _ClassTable()
        terms = _TermTable()
        self._cut = lambda m: m.group().translate(terms)
        # Punctuation whose fold is no part of a run: one SEP each, without a Python call.
        seps = "".join(chr(cp) for lo, hi in _PUNCTUATION for cp in range(lo, hi)
                       if all(ch == SEP for ch in terms[cp]))
        self._seps = re.compile("[" + re.escape(seps) + "]")

    def fold(self, text: str) -> str:
        f = text.translate(self._fold)
        return _XRUN.sub(lambda m: MASK * len(m.group()), f) if "x" in f else f

    def runs(self, folded: str) -> list[str]:
        """Maximal runs of letters, digits, marks and masks in folded text."""
        return [folded[m.start():m.end()] for m in _WORDS.finditer(folded.translate(self._class))]

    def bigrams(self, text: str) -> tuple[list[str], set[str]]:
        """The character bigrams of a text's runs, in order, and the set of its characters
        (the plain definition; ``doc_terms`` computes the same faster)."""
        out: list[str] = []
        chars: set[str] = set()
        for r in self.runs(self.fold(text)):
            out.extend(r[i:i + 2] for i in range(len(r) - 1))
            chars.update(r)
        return out, chars

    def words(self, query: str) -> list[str]:
        """The folded words of a query (split on white space); each must occur literally."""
        return [w for w in self.fold(query).split() if w]

    def _count(self, text: str) -> tuple[Counter, set[int]]:
        """Bigram keys of the text's runs with their counts, and the characters that end a run.

        The folded text, framed by SEP, is read as UTF-32 twice, as 64-bit numbers from the
        first and from the second character: together every adjacent pair, counted in C.
        Pairs with SEP on either side are then taken out, found by two regular expressions.
        """
        g = SEP + _NOT_HAN.sub(self._cut, self._seps.sub(SEP, text)) + SEP
        if "x" in g:
            g = _XRUN.sub(lambda m: MASK * len(m.group()), g)
        b = g.encode("utf-32-le", "surrogatepass")
        n = len(g)
        c = Counter(memoryview(b if n % 2 == 0 else b + _SEP32).cast("Q"))
        odd = b[4:]
        c.update(memoryview(odd if n % 2 == 1 else odd + _SEP32).cast("Q"))
        before = {ord(ch) for ch in set(_BEFORE.findall(g))}
        pop = c.pop  # dict's own, in C (Counter's __delitem__ is Python)
        for cp in before:
            pop(cp | 1 << 32)
        for ch in set(_AFTER.findall(g)):
            pop(1 | ord(ch) << 32)
        pop(_SEP_PAIR, None)
        return c, before

    def doc_terms(self, heading: str, text: str) -> DocTerms:
        """The terms of a document whose text (heading first) is ``text``."""
        c, before = self._count(text)
        hbefore: set[int] = set()
        hlone: set[int] = set()
        if heading:  # a few characters: plain loops cost less than a second count
            h = _NOT_HAN.sub(self._cut, self._seps.sub(SEP, heading)) + SEP
            if "x" in h:
                h = _XRUN.sub(lambda m: MASK * len(m.group()), h)
            starts = set()
            for a, b in zip(h, h[1:]):
                if a != SEP:
                    if b == SEP:
                        hbefore.add(ord(a))
                    else:
                        k = ord(a) | ord(b) << 32
                        c[k] |= HEAD
                        starts.add(ord(a))
            hlone = hbefore - starts
        lone = before.difference(map(_LOW.__and__, c))
        return DocTerms(array("q", c.keys()), array("q", c.values()), array("l", before), array("l", lone),
                        array("l", hbefore), array("l", hlone))


def speech_terms(texts: list[tuple[str, str]]) -> list[DocTerms]:
    """The terms of one speech's documents, given as (heading, text) pairs."""
    folder = Folder()
    return [folder.doc_terms(h, t) for h, t in texts]


# --- documents ---------------------------------------------------------------------------


@dataclass
class Doc:
    """One searchable unit: a section's own text, a paragraph outside sections, or a title."""

    speech: int  # index in archive.speeches
    parent: int  # index of the enclosing section's Doc, -1 at top level
    id: str  # section id, paragraph id, or "" for the title
    heading: str
    paragraphs: list[tuple[int, str]]  # (paragraph number, text)

    @cached_property
    def text(self) -> str:
        """What a hit must hold literally: like Section.text, heading then paragraphs."""
        return "\n".join(([self.heading] if self.heading else []) + [t for _, t in self.paragraphs])


def text_size(docs: list[Doc]) -> int:
    """Characters of the documents' text (what ``min_df`` is decided on)."""
    return sum(len(d.heading) + sum(len(t) + 1 for _, t in d.paragraphs) for d in docs)


def _title_in_body(speech: Speech) -> bool:
    """An inferred title (first sentence, maybe cut with …) repeats the text: no title doc."""
    title = speech.meta.title.rstrip("…").strip()
    first = next(iter(speech.paragraphs()), None)
    return not title or (first is not None and title in first.text)


def speech_documents(si: int, speech: Speech, base: int = 0) -> list[Doc]:
    """The search documents of one speech, numbered from ``base`` (their parents are)."""
    docs: list[Doc] = []

    def walk(sec: Section, parent: int) -> None:
        for b in sec.blocks:
            if isinstance(b, Section):
                own = [(int(p.id[1:]), p.text) for p in b.paragraphs]
                docs.append(Doc(si, parent, b.id, b.heading, own))
                walk(b, base + len(docs) - 1)
            elif sec.depth == 0:
                docs.append(Doc(si, parent, b.id, "", [(int(b.id[1:]), b.text)]))

    if not _title_in_body(speech):
        docs.append(Doc(si, -1, "", speech.meta.title, []))
    walk(speech.body, -1)
    return docs


def documents(archive: Archive) -> list[Doc]:
    """The archive's search documents in reading order (their order breaks score ties).

    A speech's documents are consecutive, so a document range stands for a speech.
    """
    docs: list[Doc] = []
    for si, speech in enumerate(archive.speeches):
        docs += speech_documents(si, speech, len(docs))
    return docs


# --- postings ----------------------------------------------------------------------------


class Block(NamedTuple):
    """The postings of a run of consecutive speeches, with document numbers counted from the
    block's first document: term key -> array of (doc << 32 | value)."""

    post: dict[int, array]
    lengths: array  # field length (number of terms) of each document
    heads: dict[int, array]  # character -> documents whose heading holds it but starts no kept term with it


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


def kept_terms(terms: list[DocTerms], dropped: set[int]) -> Iterator[tuple[array, array, array, array, int]]:
    """Each document's terms under the archive-wide rule: (bigram keys, their values, lone
    characters, heading characters that start no kept heading bigram, field length).

    ``dropped`` bigrams are left out, then each character that starts no kept bigram of the
    document is a term of it (once), so a prefix query ``c*`` finds every document holding c.
    """
    for t in terms:
        keys, vals, lone, hlone = t.keys, t.vals, t.lone, t.hlone
        if dropped and not dropped.isdisjoint(keys):
            chars = set(t.before).union(map(_LOW.__and__, keys))
            hchars = set(t.hbefore).union(map(_LOW.__and__, compress(keys, map(HEAD.__and__, vals))))
            keep = [k not in dropped for k in keys]
            keys = array("q", compress(keys, keep))
            vals = array("q", compress(vals, keep))
            lone = array("l", sorted(chars.difference(map(_LOW.__and__, keys))))
            hlone = array("l", sorted(hchars.difference(map(_LOW.__and__, compress(keys, map(HEAD.__and__, vals))))))
        yield keys, vals, lone, hlone, sum(map(TF.__and__, vals)) + len(lone)


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


# --- the index in Python --------------------------------------------------------------------


class SearchIndex:
    """The archive's postings in one place, queried through lunr.py as the browser queries
    lunr.js: for tests, benchmarks and anyone searching from Python."""

    def __init__(self, docs: list[Doc], folder: Folder | None = None,
                 terms: list[DocTerms] | None = None, blocks: list[Block] | None = None) -> None:
        self.docs = docs
        self.folder = folder or Folder()
        if blocks is None:
            if terms is None:
                terms = [self.folder.doc_terms(d.heading, d.text) for d in docs]
            blocks = [block_postings(terms, dropped_bigrams(terms, text_size(docs)))]
        post: dict[int, array] = {}
        self.lengths = array("l")
        self.heads: dict[str, list[int]] = {}
        for blk in blocks:
            off = len(self.lengths)
            shift = off << 32
            for k, p in blk.post.items():
                post.setdefault(k, array("q")).extend(map(shift.__add__, p) if off else p)
            for c, ds in blk.heads.items():
                self.heads.setdefault(chr(c), []).extend(d + off for d in ds)
            self.lengths.extend(blk.lengths)
        if len(self.lengths) != len(docs):
            raise ValueError("blocks and documents differ")
        self.vocab = sorted((term_str(k) for k in post), key=utf16_key)
        self.number = {t: i for i, t in enumerate(self.vocab)}
        self._post = {term_str(k): p for k, p in post.items()}
        self.terms = set(self.vocab)
        self.average = sum(self.lengths) / len(docs) if docs else 0.0

    def postings(self, term: str) -> list[tuple[int, int, bool]]:
        """(document, term frequency, in its heading) for each document holding the term."""
        return [(v >> 32, v & TF, bool(v & HEAD)) for v in self._post[term]]

    def term_lists(self) -> list[list[str]]:
        """Each document's terms, as many times as they occur: what a lunr.py Builder indexes."""
        out: list[list[str]] = [[] for _ in self.docs]
        for t in self.vocab:
            for d, tf, _ in self.postings(t):
                out[d].extend([t] * tf)
        return out

    def serialize(self, terms: list[str] | None = None) -> dict:
        """lunr's serialized index of the given terms (all by default), terms in UTF-16 order,
        numbered as in the whole index; weights from lunr.py's idf and its Builder's BM25."""
        chosen = self.vocab if terms is None else sorted(set(terms), key=utf16_key)
        n = len(self.docs)
        vectors: dict[int, list] = {d: [] for d in range(n)} if terms is None else {}
        inverted = []
        for t in chosen:
            ps = self.postings(t)
            posting = {FIELD: {str(d): {} for d, _, _ in ps}, "_index": self.number[t]}
            idf = lunr_idf(posting, n)
            for d, tf, _ in ps:
                length = self.lengths[d]
                score = idf * ((K1 + 1) * tf) / (K1 * (1 - B + B * (length / self.average)) + tf)
                score *= 1  # field boost, then document boost, as lunr.py's Builder applies them
                score *= 1
                vectors.setdefault(d, []).extend((self.number[t], round(score, 3)))
            inverted.append([t, posting])
        # Builder inserts in term order by _index; the pairs here come in that order already.
        return {"version": "2.3.9", "fields": [FIELD],
                "fieldVectors": [[f"{FIELD}/{d}", [round(x, 3) for x in vectors[d]]] for d in sorted(vectors)],
                "invertedIndex": inverted, "pipeline": []}

    def clauses(self, query: str) -> list[tuple[str, bool]]:
        """lunr clauses for a query, all required: (term, is_prefix).

        Per run of the folded query: its bigrams that are index terms; a run of one character,
        or one none of whose bigrams is a term, gives the prefix query ``c*`` of each of its
        characters, which matches every document holding ``c``. Same order and deduplication
        as ``clauses`` in static/search.js.
        """
        seen: dict[tuple[str, bool], None] = {}
        for w in self.folder.words(query):
            for r in self.folder.runs(w):
                known = [r[i:i + 2] for i in range(len(r) - 1) if r[i:i + 2] in self.terms]
                for t in known:
                    seen.setdefault((t, False), None)
                if not known:
                    for c in r:
                        seen.setdefault((c, True), None)
        return list(seen)

    def lunr_index(self, terms: list[str] | None = None) -> Index:
        """A lunr.py Index of the given terms (all by default), loaded from the serialized form
        (lunr.py's loader wants the terms in code-point order, lunr.js's in UTF-16 order)."""
        data = self.serialize(terms)
        data["invertedIndex"].sort(key=lambda e: e[0])
        return Index.load(data)

    def query(self, query: str) -> list[tuple[int, float]]:
        """lunr.py's (doc, score) hits for the query's clauses, best first; no literal check.

        Asked of an index of just the terms the clauses reach, as the browser asks it.
        """
        clauses = self.clauses(query)
        if not clauses:
            return []
        needed = []
        for term, prefix in clauses:
            needed += [t for t in self.vocab if t.startswith(term)] if prefix else [term]
        index = self.lunr_index(needed)
        q = index.create_query()
        for term, prefix in clauses:
            q.term(term, presence=QueryPresence.REQUIRED,
                   wildcard=Query.WILDCARD_TRAILING if prefix else Query.WILDCARD_NONE, use_pipeline=False)
        return [(int(r["ref"]), r["score"]) for r in index.query(q)]

    def search(self, query: str) -> list[int]:
        """Docs holding every word of the query literally, ranked as search.js ranks them:
        heading matches first, then by score, then in reading order."""
        words = self.folder.words(query)
        if not words:
            return []
        if self.clauses(query):
            hits = self.query(query)
        else:  # nothing to look up (only punctuation): every document is a candidate
            hits = [(d, 0.0) for d in range(len(self.docs))]
        ranked = []
        for d, score in hits:
            doc = self.docs[d]
            text = self.folder.fold(doc.text)
            if all(w in text for w in words):
                head = self.folder.fold(doc.heading)
                tier = 0 if doc.heading and all(w in head for w in words) else 1
                ranked.append((tier, -score, d))
        return [d for _, _, d in sorted(ranked)]


# --- the build step ------------------------------------------------------------------------


class Plan(NamedTuple):
    """What the search files are made from, known before any postings: each speech's part,
    the blocks of speeches and the cache key of each block's postings."""

    parts: list  # search_shards.Part of each speech
    texts: dict[int, bytes]  # search_shards.speech_text of the speeches read in making the plan
    chars: int  # characters of text in all (see min_df)
    bounds: list[tuple[int, int]]  # speech ranges of the blocks
    keys: list[str]  # per block: the cache key of its postings
    dropped: list[list[int]]  # per block: bigrams its speeches hold that are no index terms
    terms: list[list[DocTerms]]  # every speech's terms when the archive is small, else []


class Prepared(NamedTuple):
    """A plan and the postings of every block."""

    plan: Plan
    blocks: list  # finish(terms, dropped) of each block

    @property
    def bounds(self) -> list[tuple[int, int]]:
        return self.plan.bounds


def _texts(speech: Speech) -> list[tuple[str, str]]:
    return [(d.heading, d.text) for d in speech_documents(0, speech)]


def speech_part(speech: Speech) -> tuple[Any, bytes]:
    """A speech's search_shards.Part and its text, its documents read once."""
    from . import search_shards

    ds = speech_documents(0, speech)
    texts = [] if speech.digest else [p for d in ds for p in (d.heading, d.text)]
    part = search_shards.Part(len(ds), text_size(ds), " ".join(d.id for d in ds),
                              cache_key("search-terms", speech.digest, str(len(ds)), *texts))
    return part, search_shards.speech_text(ds)


def _terms_cached(speech: Speech, part, cache: Cache) -> list[DocTerms]:
    got = cache.get("search-terms", part.key)
    if got is None or len(got) != part.docs:
        got = speech_terms(_texts(speech))
        cache.put("search-terms", part.key, got)
    return got


def plan(archive: Archive, cache: Cache, known: dict | None = None,
         finish: Callable[[list[DocTerms], set[int]], Any] = block_postings) -> Plan:
    """Each speech's part (from ``known``, by digest, where it is there), the blocks and their
    keys; in a small archive also every speech's terms, for the bigrams too rare to keep."""
    known = known or {}
    parts = [known.get(s.digest) if s.digest else None for s in archive.speeches]
    texts = {}
    for i, s in enumerate(archive.speeches):
        if parts[i] is None:
            parts[i], texts[i] = speech_part(s)
    chars = sum(p.chars for p in parts)
    bounds = block_bounds([s.slug for s in archive.speeches])
    terms: list[list[DocTerms]] = []
    mine: list[list[int]] = [[] for _ in bounds]
    if min_df(chars) > 1:  # a small archive: its terms are quick to get, here
        terms = [_terms_cached(s, p, cache) for s, p in zip(archive.speeches, parts)]
        dropped = dropped_bigrams([t for ts in terms for t in ts], chars)
        mine = [sorted(dropped.intersection(k for ts in terms[a:b] for t in ts for k in t.keys)) for a, b in bounds]
    keys = [cache_key("search-postings", f"{finish.__module__}.{finish.__qualname__}", str(min_df(chars)),
                      *(p.key for p in parts[a:b]), array("q", mine[j]).tobytes())
            for j, (a, b) in enumerate(bounds)]
    return Plan(parts, texts, chars, bounds, keys, mine, terms)


_WORKER: dict = {}  # the archive, for block workers (inherited when they are forked)


def _start_block_worker(archive: Archive) -> None:
    _WORKER["archive"] = archive


def _blocks(jobs: list[tuple]) -> list:
    """Worker: per block, the terms of its speeches (cached), then ``finish`` of them."""
    speeches = _WORKER["archive"].speeches
    out = []
    with parallel.gc_paused():
        for finish, parts, dropped, cache, pkey in jobs:
            terms = [t for si, part in parts for t in _terms_cached(speeches[si], part, cache)]
            out.append(finish(terms, dropped))
            cache.put("search-postings", pkey, out[-1])
    return out


def block_postings_of(archive: Archive, pl: Plan, which: Iterable[int], cache: Cache, workers: int | None = None,
                      finish: Callable[[list[DocTerms], set[int]], Any] = block_postings) -> dict[int, Any]:
    """``finish(terms, dropped)`` of the blocks ``which``, from the cache where it is there;
    the others on ``workers`` processes, each block whole in one, so only a block's speech
    numbers go to a worker and only the finished block comes back."""
    out: dict[int, Any] = {}
    jobs = []
    for j in which:
        a, b = pl.bounds[j]
        got = cache.get("search-postings", pl.keys[j])
        if got is None and pl.terms:
            with parallel.gc_paused():
                got = finish([t for ts in pl.terms[a:b] for t in ts], set(pl.dropped[j]))
            cache.put("search-postings", pl.keys[j], got)
        if got is None:
            jobs.append((j, (finish, [(i, pl.parts[i]) for i in range(a, b)], set(pl.dropped[j]), cache, pl.keys[j])))
        else:
            out[j] = got
    size = sum(p.chars for _, job in jobs for _, p in job[1])
    try:
        done = parallel.map_chunks(_blocks, [job for _, job in jobs], (workers or parallel.cores()) if size > 300_000 else 1,
                                   _start_block_worker, (archive,))
    finally:
        _WORKER.clear()
    for (j, _), got in zip(jobs, done):
        out[j] = got
    return out


def prepare(archive: Archive, cache: Cache | None = None, workers: int | None = None,
            finish: Callable[[list[DocTerms], set[int]], Any] = block_postings) -> Prepared:
    """The plan and every block's postings, from the cache where their inputs are known.

    Per speech, its terms (keyed by what the speech was made from); per block of speeches,
    ``finish(terms, dropped)`` (keyed by the block's speeches and the bigrams dropped from them).
    """
    cache = cache or Cache(enabled=False)
    pl = plan(archive, cache, finish=finish)
    got = block_postings_of(archive, pl, range(len(pl.bounds)), cache, workers, finish)
    return Prepared(pl, [got[j] for j in range(len(pl.bounds))])


def _state_key(archive: Archive) -> str:
    """Where the search state of an archive is kept: one entry per seeds and content folder,
    replaced by each build (what it holds says what it was made from)."""
    seeds = str(archive.speeches[0].source.parent) if archive.speeches else ""
    return cache_key("search-state", str(archive.content), seeds)


def _speech_files(archive: Archive, pl: Plan, old_keys: list[str], cache: Cache) -> list[bytes]:
    """Every speech's search/d/S.js: kept per block of speeches under the block's key, so a
    rebuild reads them back and makes those of a changed block's speeches only."""
    from . import search_shards

    out: list[bytes] = []
    by_digest: dict[str, tuple[int, bytes]] | None = None
    for j, (a, b) in enumerate(pl.bounds):
        named = all(s.digest for s in archive.speeches[a:b])  # else nothing says what a text was made from
        got = cache.get("search-texts", pl.keys[j]) if named else None
        if not isinstance(got, dict) or len(got) != b - a:
            if by_digest is None:  # the files of the blocks that are no more
                by_digest = {}
                for k in set(old_keys).difference(pl.keys):
                    was = cache.get("search-texts", k)
                    by_digest.update(was if isinstance(was, dict) else {})
            got = {}
            for i in range(a, b):
                s = archive.speeches[i]
                text = pl.texts.get(i)
                if text is None and s.digest in by_digest:
                    text = search_shards.file_text(*by_digest[s.digest])
                if text is None:
                    text = speech_part(s)[1]
                got[s.digest or str(i)] = (i, search_shards.speech_file(i, text))
            if named:
                cache.put("search-texts", pl.keys[j], got)
        for i, (si, file) in enumerate(got.values(), a):
            out.append(file if si == i else search_shards.speech_file(i, search_shards.file_text(si, file)))
    return out


def search_files(archive: Archive, cache: Cache | None = None, workers: int | None = None) -> dict[str, str | bytes]:
    """The search data files, by path relative to the site root (all but the manifest as
    UTF-8 bytes).

    The previous build's state (its postings term by term, the speeches' parts, the shards)
    is updated where blocks of speeches changed: a one-speech edit joins one block's postings
    anew and spells again the shards whose terms it reached, not the whole archive.
    """
    from . import search_shards

    cache = cache or Cache(enabled=False)
    where = _state_key(archive)
    old = cache.get("search-state", where)
    old = old._replace(assembly=search_shards.unpacked(old.assembly)) if isinstance(old, search_shards.State) else None
    pl = plan(archive, cache, old.parts if old else None, search_shards.block_fragment)
    asm = old.assembly if old else search_shards.empty_assembly()
    p, oe, ne = search_shards.region(asm.blocks, pl.keys)
    frags = block_postings_of(archive, pl, range(p, ne), cache, workers, search_shards.block_fragment)
    # The blocks replaced, when as many, say which terms changed (else every term they hold did).
    old_frags: dict | None = None
    if oe - p == ne - p:
        old_frags = {j: cache.get("search-postings", asm.blocks[j]) for j in range(p, oe)}
        if not all(isinstance(f, search_shards.Fragment) for f in old_frags.values()):
            old_frags = None
    with parallel.gc_paused():
        texts = _speech_files(archive, pl, asm.blocks, cache)
        asm, changed = search_shards.assemble(asm, pl.keys, frags, old_frags, search_shards._Codes())
        out, state = search_shards.files(archive, pl.parts, texts, asm, changed, old)
    if not (p == oe == ne and old is not None and state.parts == old.parts):  # else the state is the same
        cache.put("search-state", where, state._replace(assembly=search_shards.packed(state.assembly)))
    return out


def outputs(archive: Archive, env, cache: Cache | None = None,
            workers: int | None = None) -> Iterator[tuple[str, str | bytes]]:
    """The search page and its data files (shards and texts as UTF-8 bytes); called by
    ``wenji.site.outputs``.

    ``cache`` defaults to the build cache in its default place (``Cache()``).
    """
    kinds = sorted({s.meta.kind for s in archive.speeches if s.meta.kind})
    years = sorted({s.meta.year for s in archive.speeches if s.meta.year}, reverse=True)
    page = env.get_template("search.html").render(
        render.base_context(archive, "", "检索", kinds=kinds, years=years, body_class="search", query=""))
    yield "search.html", page
    yield from sorted(search_files(archive, cache if cache is not None else Cache(), workers).items())
