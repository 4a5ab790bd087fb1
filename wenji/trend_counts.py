"""Trend counts: for every term of the archive's vocabulary, its exact literal occurrences in
each speech, counted at build time so that trends.html charts it from one small file.

The vocabulary is every word of the themes' matrix (the jieba words of the archive that the
keyword index and the related passages are made of, the keyword index's entries among them)
and the segmenter's stop words (the commonest words, 发展 and 人民 among them, that themes leave
out), folded as search folds, of two characters or more: 19,000 words on tests/corpus-real. A count is what static/trends.js counts in
the browser for any other string: the literal occurrences of the folded term in the folded
text of every search document (a section's heading and own paragraphs, a paragraph outside
sections; not a title), overlapping ones included.

All terms are counted at once, in numpy, by walking the vocabulary's trie over every position
of the text level by level: at level L a position's state is the term prefix of L characters
that starts there (a sorted key lookup), and the positions whose prefix no term continues drop
out. Exact, no hashing; on tests/corpus-real (0.8 M characters, 18,600 words) it takes about
0.3 s of CPU.

Files: ``trends/index.js`` (per speech its date and kind, and the first term of every shard)
and ``trends/K.js``, shards of the terms in UTF-16 order (as the page compares strings): ``t``
the terms front-coded (each the length of what it shares with the one before, one digit of
``wenji.search.encoding.DIGITS``, then the rest; separated by spaces), ``c`` their counts
separated by commas, each written like search postings (``wenji.search.encoding``): per speech
holding it, ``vint(2 x (gap - 1) + (count > 1))`` then ``vint(count - 2)`` when count > 1.
Front coding takes the terms from 236 KB to 120 KB on tests/corpus-real. A shard is that JSON
deflated (``wenji.deflate``: 293 KB of shards become 213 KB), in a plain script that assigns
into ``window.wenjiTrendData``, so the page loads it from ``file://``.
"""
from __future__ import annotations

import json
from typing import NamedTuple

from . import lazy
from .deflate import deflated_json
from .model import Archive
from .search.documents import speech_documents
from .search.encoding import DIGITS, Codes, TfCodes
from .search.terms import Folder

np = lazy.module("numpy")

DATA_VARIABLE = "wenjiTrendData"
SHARD_CHARS = 48_000  # a shard's counts, before gzip
BATCH_CHARS = 1_000_000  # characters of text walked at once (memory: ~50 bytes a character)
TABLE_SIZE = 1 << 23  # keys a level may look up in a table (4 bytes each) rather than search
SEPARATOR = "\0"  # between documents: no term holds it


class Counts(NamedTuple):
    """Each vocabulary term's occurrences: entries sorted by term, then speech."""

    terms: list[str]
    term: "np.ndarray"  # per entry: index in terms
    speech: "np.ndarray"
    count: "np.ndarray"


def files(archive: Archive, vocab: list[str]) -> dict[str, str]:
    """trends/index.js and trends/K.js for the archive and its vocabulary (unfolded words)."""
    folder = Folder()
    counts = count(speech_texts(archive, folder), vocabulary(vocab, folder))
    out: dict[str, str] = {}
    firsts: list[str] = []
    for shard in _shards(counts):
        firsts.append(next(iter(shard)))
        body = deflated_json({"t": _front_coded(list(shard)), "c": ",".join(shard.values())})
        out[f"trends/{len(firsts) - 1}.js"] = f"{DATA_VARIABLE}[{json.dumps(str(len(firsts) - 1))}]={body};\n"
    index = {"shards": firsts, "speeches": [[s.meta.date, s.meta.kind] for s in archive.speeches]}
    out["trends/index.js"] = f"{DATA_VARIABLE}.index={json.dumps(index, ensure_ascii=False, separators=(',', ':'))};\n"
    return out


def vocabulary(words: list[str], folder: Folder) -> list[str]:
    """The words folded, of two characters or more, without white space (nor SEPARATOR), in
    UTF-16 order."""
    folded = {folder.fold(w) for w in words}
    return sorted((w for w in folded if len(w) >= 2 and w.split() == [w] and SEPARATOR not in w),
                  key=lambda w: w.encode("utf-16-be"))


def speech_texts(archive: Archive, folder: Folder) -> list[str]:
    """Each speech's folded search documents (titles aside), joined by SEPARATOR."""
    return [SEPARATOR.join(folder.fold(d.text) for d in speech_documents(i, s) if d.id)
            for i, s in enumerate(archive.speeches)]


class _Trie(NamedTuple):
    """The terms' prefixes level by level: at level L the sorted keys ``state x base + rank``
    of every prefix of L + 1 characters (state: the prefix's place one level up, rank: its last
    character's number), and per key the term it is whole, or -1. Where the keys are few
    enough, a table from every possible key to its place (or -1) looks them up instead: the
    first two levels see every position of the text, and a binary search there took 70 % of
    the time."""

    alphabet: "np.ndarray"  # sorted code points of the terms' characters; rank = place + 1
    keys: list["np.ndarray"]
    whole: list["np.ndarray"]
    tables: list["np.ndarray | None"]


def _trie(terms: list[str]) -> _Trie:
    alphabet = np.unique(np.frombuffer("".join(terms).encode("utf-32-le"), dtype=np.uint32))
    lengths = np.array([len(t) for t in terms])
    padded = np.zeros((len(terms), int(lengths.max())), dtype=np.int64)
    padded[np.arange(padded.shape[1]) < lengths[:, None]] = _ranks("".join(terms), alphabet)
    longest, base, state = padded.shape[1], len(alphabet) + 1, np.zeros(len(terms), dtype=np.int64)
    keys, whole, tables = [], [], []
    for level in range(longest):
        alive = np.nonzero(lengths > level)[0]
        key = state[alive] * base + padded[alive, level]
        unique = np.unique(key)
        state[alive] = np.searchsorted(unique, key)
        ends = alive[lengths[alive] == level + 1]
        terms_here = np.full(len(unique), -1, dtype=np.int64)
        terms_here[state[ends]] = ends
        span = (len(keys[-1]) if keys else 1) * base  # every possible key
        table = None
        if span <= TABLE_SIZE:
            table = np.full(span, -1, dtype=np.int32)
            table[unique] = np.arange(len(unique), dtype=np.int32)
        keys.append(unique)
        whole.append(terms_here)
        tables.append(table)
    return _Trie(alphabet, keys, whole, tables)


def _ranks(text: str, alphabet: "np.ndarray") -> "np.ndarray":
    """Each character's number in the alphabet (from 1), 0 for a character no term holds."""
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    table = np.zeros(int(alphabet[-1]) + 2, dtype=np.int64)  # a code point's rank, up to the last
    table[alphabet] = np.arange(1, len(alphabet) + 1)
    return table[np.minimum(points, len(table) - 1)]


def _matches(text: str, trie: _Trie) -> tuple["np.ndarray", "np.ndarray"]:
    """Every occurrence of every term in the text: (term, start position) arrays."""
    base, depth = len(trie.alphabet) + 1, len(trie.keys)
    ranks = np.concatenate([_ranks(text, trie.alphabet), np.zeros(depth, dtype=np.int64)])
    pos = np.nonzero(ranks)[0]
    state = np.zeros(len(pos), dtype=np.int64)
    found_terms, found_pos = [], []
    for keys, whole, table in zip(trie.keys, trie.whole, trie.tables):
        key = state * base + ranks[pos]
        if table is not None:
            at = table[key].astype(np.int64)
            kept = at >= 0
        else:
            at = np.minimum(np.searchsorted(keys, key), len(keys) - 1)
            kept = keys[at] == key
        pos, state = pos[kept] + 1, at[kept]
        term = whole[state]
        ended = term >= 0
        found_terms.append(term[ended])
        found_pos.append(pos[ended])  # one past the term's last character
        if not len(pos):
            break
    return np.concatenate(found_terms), np.concatenate(found_pos)


def count(texts: list[str], terms: list[str]) -> Counts:
    """Every term's literal occurrences (overlapping ones too) in every text."""
    empty = np.zeros(0, dtype=np.int64)
    if not terms or not texts:
        return Counts(terms, empty, empty, empty)
    trie, parts = _trie(terms), []
    for first, last in _batches(texts):
        batch = SEPARATOR.join(texts[first:last])
        starts = np.cumsum([0] + [len(t) + 1 for t in texts[first:last - 1]])
        term, end = _matches(batch, trie)
        speech = np.searchsorted(starts, end - 1, side="right") - 1 + first
        key, n = np.unique(term * len(texts) + speech, return_counts=True)
        parts.append((key, n))
    key = np.concatenate([k for k, _ in parts])
    n = np.concatenate([c for _, c in parts])
    order = np.argsort(key, kind="stable")
    key, n = key[order], n[order]
    return Counts(terms, key // len(texts), key % len(texts), n)


def _batches(texts: list[str]) -> list[tuple[int, int]]:
    """Runs of whole texts of about BATCH_CHARS characters."""
    out, first, size = [], 0, 0
    for i, text in enumerate(texts):
        size += len(text) + 1
        if size >= BATCH_CHARS:
            out.append((first, i + 1))
            first, size = i + 1, 0
    if first < len(texts):
        out.append((first, len(texts)))
    return out


def _shards(counts: Counts) -> list[dict[str, str]]:
    """The terms' encoded counts, cut into shards of about SHARD_CHARS characters."""
    codes, tf_codes = Codes(), TfCodes()
    bounds = np.searchsorted(counts.term, np.arange(len(counts.terms) + 1))
    speech, n = counts.speech.tolist(), counts.count.tolist()
    shards: list[dict[str, str]] = [{}]
    size = 0
    for t, term in enumerate(counts.terms):
        a, b = int(bounds[t]), int(bounds[t + 1])
        gaps = [speech[a]] + [y - x - 1 for x, y in zip(speech[a:b - 1], speech[a + 1:b])] if b > a else []
        code = "".join(codes[2 * g + (c > 1)] + tf_codes[c] for g, c in zip(gaps, n[a:b]))
        if size > SHARD_CHARS:
            shards.append({})
            size = 0
        shards[-1][term] = code
        size += len(term) + len(code) + 6
    return shards if shards[0] else []


def _front_coded(terms: list[str]) -> str:
    """Each term as the UTF-16 units it shares with the one before (a digit) and the rest."""
    out, before = [], ""
    for term in terms:
        shared = 0
        while shared < min(len(term), len(before)) and term[shared] == before[shared]:
            shared += 1
        while _units(term[:shared]) >= len(DIGITS):
            shared -= 1
        out.append(DIGITS[_units(term[:shared])] + term[shared:])
        before = term
    return " ".join(out)


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
