"""The data compare.html needs besides the speeches' text (which it reads from the search files,
``search/d/S.js``): per speech, its salient terms and the terms it is the first in the archive
to use ("首次出现").

Salient terms are the speech's keywords by TF-IDF over speeches (real words only, as the keyword
index takes them); the page calls those of B that A's text does not hold "new in B", and those
of A that B's does not hold "dropped". A term is first used by a speech when no speech before
it in the archive's order (by date) has it among its jieba terms nor holds it literally, folded
as search folds; checking the literal text keeps 小康 from being "new" in a year that only
says 小康社会 for the first time. One plain script per speech, ``compare/S.js`` (S as in the
search files), so the page works from ``file://``; on the 37 real reports they are 120 KB.
"""
from __future__ import annotations

import json
from itertools import islice

from . import lazy
from .keywords import keyword_mask
from .search.terms import Folder
from .segment import Segmenter
from .termcounts import Corpus

np = lazy.module("numpy")

DATA_VARIABLE = "wenjiCompareData"
TOP_TERMS = 200  # salient terms kept per speech
FIRST_TERMS = 60  # first-used terms kept per speech, the most frequent first


def files(corpus: Corpus | None, segmenter: Segmenter) -> dict[str, str]:
    """compare/S.js for every speech S of the corpus, in archive order."""
    out: dict[str, str] = {}
    if corpus is None:
        return out
    keyword = keyword_mask(corpus, segmenter) if len(corpus.vocab) else np.zeros(0, dtype=bool)
    folder = Folder()
    seen = np.zeros(len(corpus.vocab), dtype=bool)
    earlier: list[str] = []  # the folded text of the speeches before
    pairs = np.zeros(0, dtype=np.uint64)  # the character pairs in it: a term with a pair not there is not in it
    for s, speech in enumerate(corpus.speeches):
        a, b = int(corpus.speech_ptr[s]), int(corpus.speech_ptr[s + 1])
        ids, counts = corpus.speech_ids[a:b], corpus.speech_counts[a:b]
        top = _salient(corpus, ids[keyword[ids]], counts[keyword[ids]])
        fresh = keyword[ids] & ~seen[ids]
        candidates = ((corpus.vocab[t], n) for t, n in _by_count(ids[fresh], counts[fresh]))
        first = list(islice(((t, n) for t, n in candidates if _absent(folder.fold(t), earlier, pairs)), FIRST_TERMS))
        seen[ids] = True
        text = folder.fold(_text(speech))
        earlier.append(text)
        pairs = _unique(np.concatenate([pairs, _pairs(text)]))
        body = json.dumps({"t": top, "f": first}, ensure_ascii=False, separators=(",", ":"))
        out[f"compare/{s}.js"] = f"{DATA_VARIABLE}[{json.dumps(str(s))}]={body};\n"
    return out


def _pairs(text: str) -> "np.ndarray":
    """The text's pairs of consecutive characters, as sorted unique numbers."""
    chars = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    return _unique(chars[:-1] << np.uint64(32) | chars[1:])


def _unique(values: "np.ndarray") -> "np.ndarray":
    """Sorted and without repeats (np.unique hashes uint64, several times slower here)."""
    values = np.sort(values)
    return values[np.concatenate([[True], values[1:] != values[:-1]])] if len(values) else values


def _absent(term: str, texts: list[str], pairs: "np.ndarray") -> bool:
    """Whether no text holds the term (its character pairs looked up first: most new terms
    have a pair no earlier speech has, and a substring search of every text is slow)."""
    mine = _pairs(term)
    found = np.searchsorted(pairs, mine)
    if len(pairs) == 0 or np.any(found >= len(pairs)) or np.any(pairs[np.minimum(found, len(pairs) - 1)] != mine):
        return True
    return not any(term in text for text in texts)


def _salient(corpus: Corpus, ids: "np.ndarray", counts: "np.ndarray") -> list[tuple[str, int]]:
    """The heaviest terms by count x IDF over speeches, ties by term."""
    weight = counts * corpus.speech_idf[ids]
    order = np.lexsort((ids, -weight))[:TOP_TERMS]
    return [(corpus.vocab[int(ids[k])], int(counts[k])) for k in order]


def _by_count(ids: "np.ndarray", counts: "np.ndarray") -> list[tuple[int, int]]:
    order = np.lexsort((ids, -counts))
    return [(int(ids[k]), int(counts[k])) for k in order]


def _text(speech) -> str:
    return "\n".join([s.heading for s, _ in speech.sections()] + [p.text for p in speech.paragraphs()])
