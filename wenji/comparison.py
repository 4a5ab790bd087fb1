"""The data compare.html needs besides the speeches' text (which it reads from the search files,
``search/d/S.js``): per speech, its salient terms and the terms it is the first in the archive
to use ("首次出现").

Salient terms are the speech's keywords by TF-IDF over speeches (real words only, as the keyword
index takes them); the page calls those of B that A's text does not hold "new in B", and those
of A that B's does not hold "dropped". A term is first used by a speech when no speech before
it in the archive's order (by date) has it among its jieba terms nor holds it literally, folded
as search folds; checking the literal text keeps 小康 from being "new" in a year that only
says 小康社会 for the first time. One plain script per speech, ``compare/S.js`` (S as in the
search files), so the page works from ``file://``; the JSON is deflated (``wenji.deflate``):
on the 37 real reports 233 KB of files become 200 KB.

Each file also holds where jieba's words start in the speech's text (``w``), so that the page
marks differences within a paragraph word by word (增长 → 发展 whole, not 增长 → 发展 as two
changed characters beside one kept). The text is the speech's search documents joined by line
breaks, as the page has it from ``search/d/S.js``; its words are those the count step cut
(``termcounts.LineCuts``) from the text normalised, taken back to the characters they came
from, so that a mask (×××, **.*) and a full-width number (１９５５) are one word each. One bit
per UTF-16 unit (1: a word starts there), six to a digit of ``wenji.search.encoding.DIGITS``.
"""
from __future__ import annotations

import hashlib
import json
from typing import Callable, Iterator

from . import lazy
from .cache import Cache, or_off
from .deflate import deflated_kept
from .folded import FoldedTexts, Folding
from .kept import Kept
from .keywords import keyword_mask
from .model import Section, Speech
from .search.documents import title_in_body
from .search.encoding import DIGITS
from .search.terms import simplify
from .segment import Segmenter, normalised_offsets
from .tables import worth_a_table
from .termcounts import Corpus, LineCuts

np = lazy.module("numpy")

DATA_VARIABLE = "wenjiCompareData"
TOP_TERMS = 100  # salient terms kept per speech
FIRST_TERMS = 60  # first-used terms kept per speech, the most frequent first


def files(corpus: Corpus | None, segmenter: Segmenter, cache: Cache | None = None,
          keyword: "np.ndarray | None" = None, cuts: dict[int, LineCuts | None] | None = None) -> dict[str, str]:
    """compare/S.js for every speech S of the corpus, in archive order. ``cache`` keeps each
    speech's folded text (wenji.folded) and word starts (wenji.kept), and the files deflated:
    at 1,000 synthetic speeches making the search texts took 0.13 s of CPU and cutting them
    1.2 s, which a rebuild after one edit does for one speech. ``cuts``: the LineCuts of the
    speeches the count step cut (``termcounts.Counted.cuts``), by index."""
    out: dict[str, str] = {}
    if corpus is None:
        return out
    if keyword is None:  # (``keywords.keyword_mask``, which a build makes once for this and the theme step)
        keyword = keyword_mask(corpus, segmenter) if len(corpus.vocab) else np.zeros(0, dtype=bool)
    tops, candidates = _terms_per_speech(corpus, keyword)
    folded = FoldedTexts(corpus.speeches, or_off(cache))
    texts = folded.of(range(len(folded)))
    folded.keep()
    folded_terms = _folded([t for c in candidates for t, _ in c])
    holding = _Holding(folded_terms, texts)
    starts = _word_starts(corpus.speeches, segmenter, or_off(cache), cuts or {})
    values, at = [], 0
    for s, (top, mine) in enumerate(zip(tops, candidates)):
        first = [mine[i] for i in holding.first_unheld(folded_terms[at:at + len(mine)], s, FIRST_TERMS)]
        at += len(mine)
        values.append({"t": top, "f": first, "w": starts[s]})
    for s, body in enumerate(deflated_kept(values, or_off(cache), "comparison data")):
        out[f"compare/{s}.js"] = f"{DATA_VARIABLE}[{json.dumps(str(s))}]={body};\n"
    return out


def _terms_per_speech(corpus: Corpus, keyword: "np.ndarray") -> tuple[list, list]:
    """Per speech its salient terms, and its candidates to be first: its keyword terms that
    no speech before it has among its terms, the most frequent first."""
    tops, candidates = [], []
    seen = np.zeros(len(corpus.vocab), dtype=bool)
    for s in range(len(corpus.speeches)):
        a, b = int(corpus.speech_ptr[s]), int(corpus.speech_ptr[s + 1])
        ids, counts = corpus.speech_ids[a:b], corpus.speech_counts[a:b]
        tops.append(_salient(corpus, ids[keyword[ids]], counts[keyword[ids]]))
        fresh = keyword[ids] & ~seen[ids]
        candidates.append([(corpus.vocab[t], n) for t, n in _by_count(ids[fresh], counts[fresh])])
        seen[ids] = True
    return tops, candidates


def _word_starts(speeches: list, segmenter: Segmenter, cache: Cache,
                 cuts: dict[int, LineCuts | None]) -> list[str]:
    """word_starts of each speech's search text, from the last build where the speech is the
    same (wenji.kept): by its digest, or by a hash of the text where it has none."""
    kept = Kept(cache, "word-starts", segmenter.dictionary_key)
    digests = ["speech " + speech.digest if speech.digest else
               "text " + hashlib.blake2b(_search_text(speech).encode("utf-8"), digest_size=16).hexdigest()
               for speech in speeches]

    def make(s: int) -> str:
        lines, order = _search_lines(speeches[s])
        lengths = _search_lengths(order, cuts.get(s), lambda: segmenter.tokens(speeches[s].meta.title))
        return word_starts("\n".join(lines), segmenter, lengths)

    starts = [kept.get(d, lambda s=s: make(s)) for s, d in enumerate(digests)]
    kept.save(digests, make)
    return starts


def _folded(terms: list[str]) -> list[str]:
    """The terms folded as search folds them, in one piece, one a line where none holds a line
    break (folding them joined is folding each)."""
    if any("\n" in t for t in terms):
        return [Folding().fold(t) for t in terms]
    return Folding().fold("\n".join(terms)).split("\n") if terms else []


class _Holding:
    """Which texts hold a term: the texts holding every character pair of the term (per pair
    of the terms asked about, a bit per text), then each of those searched for it. Searching
    every earlier text for every term took 10 s on the 37 real reports."""

    def __init__(self, terms: list[str], texts: list[str]) -> None:
        self.texts = texts
        self.codes = _all_pairs(terms)
        self.bits = np.zeros((len(self.codes), (len(texts) + 7) // 8), dtype=np.uint8)
        find = _pair_finder(self.codes, sum(map(len, texts)))
        for s, text in enumerate(texts):
            self.bits[find(text), s // 8] |= np.uint8(1 << (7 - s % 8))

    def first_unheld(self, terms: list[str], s: int, limit: int) -> list[int]:
        """The places of the first ``limit`` of these (folded) terms that no text before text
        s holds, asked about 2 x limit at a time (most of a speech's candidates are new, and
        it has hundreds). Making the bits and asking for every speech took 0.076 s of CPU on
        tests/corpus-real, where asking term by term took 0.095-0.11 s (at 1,000 synthetic
        speeches, the pair table's gain included: 0.20-0.25 s against 0.29-0.30 s)."""
        out: list[int] = []
        for at in range(0, len(terms), 2 * limit):
            held = self.held_before(terms[at:at + 2 * limit], s)
            out += [at + i for i, h in enumerate(held) if not h]
            if len(out) >= limit:
                break
        return out[:limit]

    def held_before(self, terms: list[str], s: int) -> list[bool]:
        """Per (folded) term, whether a text before text s holds it."""
        held = [False] * len(terms)
        if not s or not terms:
            return held
        codes, owner = _term_pairs(terms)
        has_pairs = np.zeros(len(terms), dtype=bool)
        has_pairs[owner] = True
        for k in np.nonzero(~has_pairs)[0].tolist():  # one character: searched for in every text
            held[k] = any(terms[k] in text for text in self.texts[:s])
        if not len(codes):
            return held
        firsts = np.nonzero(np.concatenate([[True], owner[1:] != owner[:-1]]))[0]
        common = np.bitwise_and.reduceat(self.bits[np.searchsorted(self.codes, codes)], firsts, axis=0)
        which, holders = np.nonzero(np.unpackbits(common, axis=1)[:, :s])
        for k, h in zip(owner[firsts][which].tolist(), holders.tolist()):
            held[k] = held[k] or terms[k] in self.texts[h]
        return held


def _pair_finder(codes: "np.ndarray", lookups: int) -> Callable[[str], "np.ndarray"]:
    """A function giving the places in ``codes`` (sorted character pairs) of the pairs a text
    holds. Where the pairs' characters are few enough, each is given a number (1, 2, ...; 0
    for any other character) and a table from every pair of numbers to its place looks them
    up: at 1,000 synthetic speeches (3,300 pairs of 1,200 characters) 0.13-0.14 s of CPU,
    where sorting each text's pairs to find them took 0.23-0.25 s."""
    chars = np.unique(np.concatenate([codes >> np.uint64(32), codes & np.uint64(0xFFFFFFFF)])).astype(np.int64)
    base = len(chars) + 1
    if not len(codes) or not worth_a_table(base * base, lookups):
        return lambda text: np.nonzero(np.isin(codes, _pairs(text), assume_unique=True))[0]
    number = np.zeros(int(chars[-1]) + 2, dtype=np.int64)  # up to the last character, then 0 for any above
    number[chars] = np.arange(1, base)
    table = np.full(base * base, -1, dtype=np.int32)
    table[number[(codes >> np.uint64(32)).astype(np.int64)] * base
          + number[(codes & np.uint64(0xFFFFFFFF)).astype(np.int64)]] = np.arange(len(codes), dtype=np.int32)

    def find(text: str) -> "np.ndarray":
        numbers = number[np.minimum(np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32), len(number) - 1)]
        places = table[numbers[:-1] * base + numbers[1:]]
        return places[places >= 0]
    return find


def _term_pairs(terms: list[str]) -> tuple["np.ndarray", "np.ndarray"]:
    """Every pair of consecutive characters of each term and the term it is of (ascending)."""
    if any("\n" in t for t in terms):
        pairs = [_pairs(t) for t in terms]
        return (np.concatenate(pairs), np.repeat(np.arange(len(terms)), [len(p) for p in pairs]))
    chars = np.frombuffer("\n".join(terms).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    breaks = chars == ord("\n")
    within = ~breaks[:-1] & ~breaks[1:]
    return (chars[:-1] << np.uint64(32) | chars[1:])[within], np.cumsum(breaks)[:-1][within]


def _pairs(text: str) -> "np.ndarray":
    """The text's pairs of consecutive characters, as sorted unique numbers."""
    chars = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    return _unique(chars[:-1] << np.uint64(32) | chars[1:])


def _all_pairs(terms: list[str]) -> "np.ndarray":
    """_pairs of all the terms together, from one pass over them joined by line breaks (a pass
    per term took 0.2 s of CPU for the 14,000 terms of the 37 real reports)."""
    if any("\n" in t for t in terms):
        return _unique(np.concatenate([_pairs(t) for t in terms])) if terms else np.zeros(0, np.uint64)
    chars = np.frombuffer("\n".join(terms).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    within = (chars[:-1] != ord("\n")) & (chars[1:] != ord("\n"))
    return _unique((chars[:-1] << np.uint64(32) | chars[1:])[within])


def _unique(values: "np.ndarray") -> "np.ndarray":
    """Sorted and without repeats (np.unique hashes uint64, several times slower here)."""
    values = np.sort(values)
    return values[np.concatenate([[True], values[1:] != values[:-1]])] if len(values) else values


def _salient(corpus: Corpus, ids: "np.ndarray", counts: "np.ndarray") -> list[tuple[str, int]]:
    """The heaviest terms by count x IDF over speeches, ties by term."""
    weight = counts * corpus.speech_idf[ids]
    order = np.lexsort((ids, -weight))[:TOP_TERMS]
    return [(corpus.vocab[t], n) for t, n in zip(ids[order].tolist(), counts[order].astype(np.int64).tolist())]


def _by_count(ids: "np.ndarray", counts: "np.ndarray") -> list[tuple[int, int]]:
    order = np.lexsort((ids, -counts))
    return list(zip(ids[order].tolist(), counts[order].astype(np.int64).tolist()))


def _search_text(speech: Speech) -> str:
    """The speech's text as the page reads it from search/d/S.js: its documents (those of
    ``speech_documents``), one a line: its title unless the text holds it, then per section its
    heading and own paragraphs, its subsections after, and each paragraph outside sections.
    Joined in one walk of the sections: making the documents and joining their texts took
    0.52 s of CPU at 1,000 synthetic speeches, this 0.08 s."""
    return "\n".join(_search_lines(speech)[0])


TITLE = -1  # the title's line of the search text, which is no line of the count step's LineCuts


def _search_lines(speech: Speech) -> tuple[list[str], list[int]]:
    """The lines of ``_search_text``, and per line the line of the speech's LineCuts it is
    (first those of the paragraphs outside sections, then a line a section), or TITLE."""
    lines, order = ([], []) if title_in_body(speech) else ([speech.meta.title], [TITLE])
    outside = len(speech.body.paragraphs)
    _document_lines(speech.body, lines, order, iter(range(outside)), [outside])
    return lines, order


def _document_lines(section: Section, lines: list[str], order: list[int], outside: Iterator[int],
                    sections: list[int]) -> None:
    for block in section.blocks:
        if isinstance(block, Section):
            own = [p.text for p in block.blocks if not isinstance(p, Section)]
            lines.append("\n".join([block.heading, *own] if block.heading else own))
            order.append(sections[0])
            sections[0] += 1
            _document_lines(block, lines, order, outside, sections)
        elif not section.depth:
            lines.append(block.text)
            order.append(next(outside))


def _search_lengths(order: list[int], cut: LineCuts | None,
                    title_tokens: Callable[[], list[str]]) -> "np.ndarray | None":
    """The lengths of the tokens of the normalised search text, from the count step's cut
    (None without one): its lines put in the search text's order (``order``, _search_lines's),
    the title's tokens asked of ``title_tokens``."""
    if cut is None:
        return None
    lengths, starts = cut.lengths, cut.starts
    title = order[:1] == [TITLE]
    if order[title:] == list(range(len(starts) - 1)):
        parts = [lengths]
    else:
        parts = [lengths[starts[i]:starts[i + 1]] for i in order[title:]]
    if title:
        parts.insert(0, np.append(_lengths(title_tokens()), 1))
    return np.concatenate(parts)[:-1]


def word_starts(text: str, segmenter: Segmenter, lengths: "np.ndarray | None" = None) -> str:
    """Where words start in the text: where the tokens of its normalised text start (those of
    ``Segmenter.tokens``, which the count step cut; ``lengths``: their lengths, if known), each
    taken back to the character it was made from (a mask, which normalising made one space, is
    one word). Where NFKC joined characters the text's own characters are cut, traditional ones
    as simplified. A bit per UTF-16 unit, six bits to a digit (the first unit in the lowest
    bit). At 1,000 synthetic speeches cutting the texts again took 1.9 s of CPU; taking the
    count step's cut takes 0.7 s, and keeping it took the count step 0.2 s."""
    offsets = normalised_offsets(text)
    if offsets is None:
        segmenter.start()
        lengths = _lengths(segmenter.jieba.cut(simplify(text)))
        starts = np.cumsum(lengths) - lengths
    else:
        if lengths is None or int(lengths.sum()) != len(offsets) - 1:
            lengths = _lengths(segmenter.tokens(text))
        starts = offsets[np.cumsum(lengths) - lengths]
    return _digits(text, starts)


def _lengths(tokens: list[str]) -> "np.ndarray":
    return np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens))


def _digits(text: str, starts: "np.ndarray") -> str:
    """The digits of the bits at ``starts`` (characters of ``text``), counted in UTF-16 units."""
    size = len(text)
    if len(text.encode("utf-16-le")) != 2 * size:
        astral = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32) > 0xFFFF
        starts = starts + np.concatenate(([0], np.cumsum(astral)))[starts]
        size += int(astral.sum())
    bits = np.zeros((size + 5) // 6 * 6, dtype=np.uint8)
    bits[starts] = 1
    values = bits.reshape(-1, 6) @ (1 << np.arange(6))
    return np.frombuffer(DIGITS.encode("ascii"), dtype=np.uint8)[values].tobytes().decode("ascii")

