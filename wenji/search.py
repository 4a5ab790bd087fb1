"""Client-side full-text search: a lunr.py index of character bigrams, shipped compactly.

Why bigrams: a Chinese query has no spaces, and jieba cuts the same characters differently in
different contexts (有效 inside 有效应对), so a word index misses occurrences (recall 0.66 on
arbitrary substrings of the seeds). Every literal occurrence of a query holds all of its
character bigrams, so requiring them finds every section that holds the query (recall 1.00);
the browser then checks the query against the section text (precision 1.00). The browser
never segments text: queries are cut by the same trivial rule as the text was.

Terms: text is folded (NFKC and case folding per character; every anonymisation mark, ``*``
``×`` ``╳`` or a run of mask-``x``, becomes ``×``, so ``**市`` also finds ``xx市`` and ``××市``)
and cut into runs of letters, digits, marks and masks. A document's terms are the bigrams of
its runs that occur in two documents or more, plus each of its characters that starts none
of them, alone. Leaving out the bigrams of a single document drops 60 % of the terms on the
seeds (14,362 -> 5,853) at no cost in exactness: a query run whose bigrams are all unknown
holds at most one document, which the prefix queries ``c*`` of its characters find, and the
lone characters make every ``c*`` complete. One-character queries are ``c*`` too.

Shipping: lunr's serialized form repeats every term, document and score (about five times
the size of the text). ``search/index.js`` holds a term lexicon, postings with term
frequencies and field lengths; the browser recomputes the rest (average length, idf, the
BM25 weights rounded as lunr.py rounds them) and expands it into lunr's serialized form for
``lunr.Index.load``: a test checks the expansion equals lunr.py's ``Index.serialize()``
exactly. On the seeds, index and text together are 1.9 times the gzip size of the text.

lunr scores a document by the dot product of the query vector with the document's weights
at the query's terms, divided by the query vector's length only, so an index holding just
the terms a query needs scores exactly as the whole index does. The browser loads such a
small index per query (fast on a cold page), and the term-sorted postings can later be cut
into shards by term without changing a score.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Iterator

from lunr.builder import Builder
from lunr.index import Index
from lunr.query import Query, QueryPresence

from . import render
from .model import Archive, Section, Speech

FIELD = "text"
K1 = 1.2  # lunr's defaults, written into the index so the browser uses the same
B = 0.75
MASK = "×"
FORMAT = 1
DATA_VARIABLE = "wenjiSearchData"

_XRUN = re.compile(r"(?<![a-z])x+(?![a-z])")
_WORDS = re.compile(r"w+")
_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_$"  # JSON-safe


def utf16_key(term: str) -> bytes:
    """lunr.js builds its token set in UTF-16 code-unit order and refuses any other."""
    return term.encode("utf-16-be")


def fold_char(c: str) -> str:
    """NFKC then full case folding of one character, masks unified to ``×``."""
    if c in "*×╳":
        return MASK
    f = unicodedata.normalize("NFKC", c).casefold().lower()
    return "".join(MASK if ch in "*×╳" else ch for ch in f)


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
        c = chr(cp)
        self[cp] = k = "w" if c == MASK or unicodedata.category(c)[0] in "LNM" else " "
        return k


class Folder:
    """Folds text and cuts it into terms; holds per-character caches, so keep one per build."""

    def __init__(self) -> None:
        self._fold = _FoldTable()
        self._class = _ClassTable()

    def fold(self, text: str) -> str:
        f = text.translate(self._fold)
        return _XRUN.sub(lambda m: MASK * len(m.group()), f) if "x" in f else f

    def runs(self, folded: str) -> list[str]:
        """Maximal runs of letters, digits, marks and masks in folded text."""
        return [folded[m.start():m.end()] for m in _WORDS.finditer(folded.translate(self._class))]

    def bigrams(self, text: str) -> tuple[list[str], set[str]]:
        """The character bigrams of a text's runs, in order, and the set of its characters."""
        out: list[str] = []
        chars: set[str] = set()
        for r in self.runs(self.fold(text)):
            out.extend(r[i:i + 2] for i in range(len(r) - 1))
            chars.update(r)
        return out, chars

    def words(self, query: str) -> list[str]:
        """The folded words of a query (split on white space); each must occur literally."""
        return [w for w in self.fold(query).split() if w]


@dataclass
class Doc:
    """One searchable unit: a section's own text, a paragraph outside sections, or a title."""

    speech: int  # index in archive.speeches
    parent: int  # index of the enclosing section's Doc, -1 at top level
    id: str  # section id, paragraph id, or "" for the title
    heading: str
    paragraphs: list[tuple[int, str]]  # (paragraph number, text)

    @property
    def text(self) -> str:
        """What a hit must hold literally: like Section.text, heading then paragraphs."""
        return "\n".join(([self.heading] if self.heading else []) + [t for _, t in self.paragraphs])


def _title_in_body(speech: Speech) -> bool:
    """An inferred title (first sentence, maybe cut with …) repeats the text: no title doc."""
    title = speech.meta.title.rstrip("…").strip()
    first = next(iter(speech.paragraphs()), None)
    return not title or (first is not None and title in first.text)


def documents(archive: Archive) -> list[Doc]:
    """The archive's search documents in reading order (their order breaks score ties)."""
    docs: list[Doc] = []

    def walk(si: int, sec: Section, parent: int) -> None:
        for b in sec.blocks:
            if isinstance(b, Section):
                own = [(int(p.id[1:]), p.text) for p in b.paragraphs]
                docs.append(Doc(si, parent, b.id, b.heading, own))
                walk(si, b, len(docs) - 1)
            elif sec.depth == 0:
                docs.append(Doc(si, parent, b.id, "", [(int(b.id[1:]), b.text)]))

    for si, speech in enumerate(archive.speeches):
        if not _title_in_body(speech):
            docs.append(Doc(si, -1, "", speech.meta.title, []))
        walk(si, speech.body, -1)
    return docs


class SearchIndex:
    """The lunr.py index of an archive's documents, plus what its compact encoding needs."""

    def __init__(self, docs: list[Doc], folder: Folder | None = None) -> None:
        self.docs = docs
        self.folder = folder or Folder()
        term_lists = self._term_lists(docs)
        vocab = sorted({t for ts in term_lists for t in ts}, key=utf16_key)
        builder = Builder()
        builder.ref("id")
        builder.field(FIELD)
        builder.k1(K1)
        builder.b(B)
        # Pre-seed the term table so lunr.py numbers terms in UTF-16 order: the browser then
        # knows every term's number from its position and needs no table of them.
        builder.inverted_index = {t: {FIELD: {}, "_index": i} for i, t in enumerate(vocab)}
        builder.term_index = len(vocab)
        for d, ts in enumerate(term_lists):
            builder.add({"id": str(d), FIELD: ts})
        if builder.term_index != len(vocab):
            raise ValueError("lunr.py changed a term: folding must leave terms lower case")
        self.vocab = vocab
        self.terms = set(vocab)
        self.builder = builder
        self.index: Index = builder.build()

    def _term_lists(self, docs: list[Doc]) -> list[list[str]]:
        """Each document's terms: its bigrams found in two or more documents, then, for each
        of its characters that starts none of those, the character alone.

        A bigram found in one document only is left out (two thirds of the terms of the
        seeds): a query run whose bigrams are all unknown can hold at most one document,
        found through the prefix clauses of its characters. The lone characters keep every
        prefix query ``c*`` complete: each document holding ``c`` has a term starting with c.
        """
        cut = [self.folder.bigrams(d.text) for d in docs]
        df = Counter(t for grams, _ in cut for t in set(grams))
        lists = []
        for grams, chars in cut:
            kept = [t for t in grams if df[t] > 1]
            starts = {t[0] for t in kept}
            lists.append(kept + sorted((c for c in chars if c not in starts), key=utf16_key))
        return lists

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

    def serialize(self) -> dict:
        """lunr.py's serialized index with the terms in UTF-16 order, as lunr.js loads it."""
        data = self.index.serialize()
        data["invertedIndex"].sort(key=lambda e: utf16_key(e[0]))
        return data

    def postings(self) -> Iterator[tuple[str, list[tuple[int, int]]]]:
        """(term, [(doc, term frequency)]) in UTF-16 term order."""
        ftf = self.builder.field_term_frequencies
        for t in self.vocab:
            docs = self.builder.inverted_index[t][FIELD]
            yield t, [(int(ref), ftf[f"{FIELD}/{ref}"][t]) for ref in docs]

    def query(self, query: str) -> list[tuple[int, float]]:
        """lunr.py's (doc, score) hits for the query's clauses, best first; no literal check."""
        clauses = self.clauses(query)
        if not clauses:
            return []
        q = self.index.create_query()
        for term, prefix in clauses:
            q.term(term, presence=QueryPresence.REQUIRED,
                   wildcard=Query.WILDCARD_TRAILING if prefix else Query.WILDCARD_NONE, use_pipeline=False)
        return [(int(r["ref"]), r["score"]) for r in self.index.query(q)]

    def search(self, query: str) -> list[int]:
        """Docs holding every word of the query literally, ranked as search.js ranks them."""
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


# --- compact encoding -------------------------------------------------------------------


def _vint(n: int, out: list[str]) -> None:
    """A non-negative integer as base-32 digits, high first; all but the last are marked."""
    digits = []
    while True:
        digits.append(n & 31)
        n >>= 5
        if not n:
            break
    for i in range(len(digits) - 1, 0, -1):
        out.append(_DIGITS[digits[i] + 32])
    out.append(_DIGITS[digits[0]])


def encode_index(si: SearchIndex) -> dict:
    """The index as short strings (gzip-friendly); see ``decode`` in static/search.js.

    - ``a``: every character used in a term, most frequent first (ties in UTF-16 order).
    - ``t``: for each character c of ``a`` in turn: 2k+u (k bigrams start with c, u = 1 if
      the term c exists), then the ranks in ``a`` of the k second characters, ascending,
      as gaps. Sorting the decoded terms in UTF-16 order numbers them as lunr.py did.
    - ``p``: for each term in that order, its documents: 2 x gap + (term frequency > 1),
      then the frequency minus 2 where it is above 1; ``,`` ends a term. A term's postings
      are read only when a query needs them.
    - ``l``: each document's field length (its number of terms), for BM25.
    """
    postings = list(si.postings())
    freq: Counter[str] = Counter()
    for t, ps in postings:
        for ch in t:
            freq[ch] += len(ps)
    alphabet = sorted(freq, key=lambda c: (-freq[c], utf16_key(c)))
    rank = {c: i for i, c in enumerate(alphabet)}
    groups: dict[str, list[int]] = {c: [] for c in alphabet}
    unigram = set()
    for t, _ in postings:
        if len(t) == 1:
            unigram.add(t)
        else:
            groups[t[0]].append(rank[t[1]])
    t_out: list[str] = []
    for c in alphabet:
        seconds = sorted(groups[c])
        _vint(2 * len(seconds) + (c in unigram), t_out)
        prev = -1
        for r in seconds:
            _vint(r - prev - 1, t_out)
            prev = r
    p_out: list[str] = []
    for _, ps in postings:
        prev = -1
        for d, tf in ps:
            _vint(2 * (d - prev - 1) + (tf > 1), p_out)
            if tf > 1:
                _vint(tf - 2, p_out)
            prev = d
        p_out.append(",")
    l_out: list[str] = []
    for d in range(len(si.docs)):
        _vint(si.builder.field_lengths[f"{FIELD}/{d}"], l_out)
    return {"v": FORMAT, "n": len(si.docs), "k1": K1, "b": B, "field": FIELD,
            "a": "".join(alphabet), "t": "".join(t_out), "p": "".join(p_out), "l": "".join(l_out)}


def encode_docs(archive: Archive, docs: list[Doc]) -> dict:
    """What results show: speeches (slug, title, date, kind) and each document's text.

    A document is [speech, parent document or -1, id, heading, n1, text1, n2, text2, ...]
    with n the paragraph numbers (ids pN).
    """
    speeches = [[s.slug, s.meta.title, s.meta.date, s.meta.kind] for s in archive.speeches]
    out = []
    for d in docs:
        row: list = [d.speech, d.parent, d.id, d.heading]
        for n, text in d.paragraphs:
            row += [n, text]
        out.append(row)
    return {"v": FORMAT, "speeches": speeches, "docs": out}


def _script(name: str, data: dict) -> str:
    """A classic script file (loads from file://, where fetch and modules do not)."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"{DATA_VARIABLE}.{name}={body};\n"


def search_files(archive: Archive) -> dict[str, str]:
    """The search data files, by path relative to the site root."""
    docs = documents(archive)
    si = SearchIndex(docs)
    return {"search/docs.js": _script("docs", encode_docs(archive, docs)),
            "search/index.js": _script("index", encode_index(si))}


def outputs(archive: Archive, env) -> Iterator[tuple[str, str | bytes]]:
    """The search page and its data files; called by ``wenji.site.outputs``."""
    kinds = sorted({s.meta.kind for s in archive.speeches if s.meta.kind})
    years = sorted({s.meta.year for s in archive.speeches if s.meta.year}, reverse=True)
    page = env.get_template("search.html").render(
        render.base_context(archive, "", "检索", kinds=kinds, years=years, body_class="search", query=""))
    yield "search.html", page
    yield from sorted(search_files(archive).items())
