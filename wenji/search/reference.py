"""The reference index: the archive's postings in one lunr.py ``Index``, queried as the browser
queries lunr.js. For tests and benchmarks (and anyone searching from Python); a build never
imports it.

lunr scores a document by the dot product of the query vector with the document's BM25
weights at the query's terms, divided by the query vector's length only, so an index of just
the terms a query needs, over just the documents that hold them, gives every hit the score
one index of the whole archive gives it: that is what lets the build cut the index by term
(the shards) and the browser load only the shards of a query. Tests check the browser's hits,
scores and order against this index and against a lunr.py ``Builder`` over the whole archive.
(Running lunr.py's Builder in the build would cost about 60 s and 3 GB at 1,000 speeches.)
"""
from __future__ import annotations

from array import array
from typing import Any

from lunr.idf import idf as lunr_idf
from lunr.index import Index
from lunr.query import Query, QueryPresence

from .documents import Doc, text_size
from .postings import B, FIELD, K1, Block, block_postings, dropped_bigrams
from .terms import HEAD, TF, DocTerms, Folder, term_str, utf16_key


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

    def serialize(self, terms: list[str] | None = None) -> dict[str, Any]:
        """lunr's serialized index of the given terms (all by default), terms in UTF-16 order,
        numbered as in the whole index; weights from lunr.py's idf and its Builder's BM25."""
        chosen = self.vocab if terms is None else sorted(set(terms), key=utf16_key)
        n = len(self.docs)
        vectors: dict[int, list[int | float]] = {d: [] for d in range(n)} if terms is None else {}
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
        as ``Engine.clauses`` in static/search-engine.js.
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
        """Docs holding every word of the query literally, ranked as the browser ranks them:
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

