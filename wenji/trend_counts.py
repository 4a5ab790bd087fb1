"""Trend counts: for every term of the archive's vocabulary, its exact literal occurrences in
each speech, counted at build time so that trends.html charts it from one small file.

The vocabulary is every word of the themes' matrix (the jieba words of the archive that the
keyword index and the related passages are made of, the keyword index's entries among them)
and the segmenter's stop words (the commonest words, 发展 and 人民 among them, that themes leave
out), folded as search folds, of two characters or more: 19,000 words on tests/corpus-real. A count is what static/trends.js counts in
the browser for any other string: the literal occurrences of the folded term in the folded
text of every search document (a section's heading and own paragraphs, a paragraph outside
sections; not a title), overlapping ones included. They are counted in each speech's folded
text as wenji.folded makes it (the same headings and paragraphs, a line each), which the
comparison data folds too.

All terms are counted at once, in numpy, by walking the vocabulary's trie over every position
of the text level by level: at level L a position's state is the term prefix of L characters
that starts there (a sorted key lookup), and the positions whose prefix no term continues drop
out. Exact, no hashing; on tests/corpus-real (0.8 M characters, 18,600 words) it takes about
0.1 s of CPU, at 1,000 synthetic speeches (11 M characters) 0.8 s. A rebuild takes the last
build's counts over from the cache (``recount``) and counts only the texts that changed, and
the words new to the vocabulary in the others; the folded texts and the deflated shards are
kept too (wenji.kept): after one edit at 1,000 speeches the whole step takes 0.29 s of CPU,
where it took 1.02 s when every shard was deflated and every text hashed again.

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

import hashlib
import json
from typing import Callable, NamedTuple

from . import lazy
from .cache import Cache, key as cache_key, or_off
from .deflate import deflated_kept
from .kept import Kept
from .folded import FoldedTexts, Folding
from .model import Archive
from .search.documents import speech_documents
from .search.encoding import DIGITS, LAST
from .search.terms import Folder
from .tables import worth_a_table

np = lazy.module("numpy")

DATA_VARIABLE = "wenjiTrendData"
SHARD_CHARS = 48_000  # a shard's counts, before gzip
BATCH_CHARS = 1_000_000  # characters of text walked at once (memory: ~50 bytes a character)
SEPARATOR = "\0"  # between documents: no term holds it
FEW_TERMS = 8  # terms that count_few searches one by one rather than with the trie


class Counts(NamedTuple):
    """Each vocabulary term's occurrences: entries sorted by term, then speech."""

    terms: list[str]
    term: "np.ndarray"  # per entry: index in terms
    speech: "np.ndarray"
    count: "np.ndarray"


def files(archive: Archive, vocab: list[str], cache: Cache | None = None) -> dict[str, str]:
    """trends/index.js and trends/K.js for the archive and its vocabulary (unfolded words).
    ``cache`` keeps the last counts, so that a rebuild counts only what changed (recount)."""
    counts = _recount(FoldedTexts(archive.speeches, or_off(cache)), vocabulary(vocab), or_off(cache))
    out: dict[str, str] = {}
    shards = _shards(counts)
    firsts = [terms[0] for terms, _ in shards]
    bodies = deflated_kept([{"t": _front_coded(terms), "c": codes} for terms, codes in shards],
                           or_off(cache), "trend shards")
    for k, body in enumerate(bodies):
        out[f"trends/{k}.js"] = f"{DATA_VARIABLE}[{json.dumps(str(k))}]={body};\n"
    index = {"shards": firsts, "speeches": [[s.meta.date, s.meta.kind] for s in archive.speeches]}
    out["trends/index.js"] = f"{DATA_VARIABLE}.index={json.dumps(index, ensure_ascii=False, separators=(',', ':'))};\n"
    return out


def vocabulary(words: list[str]) -> list[str]:
    """The words folded, of two characters or more, without white space (nor SEPARATOR), in
    UTF-16 order. Folded in one piece, one a line (folding them joined is folding each: a line
    break folds to itself and ends a run of x), and sorted as strings where none is beyond the
    BMP (UTF-16 order is then code-point order): 19,000 words one by one took 0.08 s of CPU."""
    if any("\n" in w for w in words):
        folded = {Folding().fold(w) for w in words}
    else:
        folded = set(Folding().fold("\n".join(words)).split("\n"))
    kept = [w for w in folded if len(w) >= 2 and w.split() == [w] and SEPARATOR not in w]
    if max("".join(kept), default="") <= "\uffff":
        return sorted(kept)
    return sorted(kept, key=lambda w: w.encode("utf-16-be"))


def speech_texts(archive: Archive, folder: Folder) -> list[str]:
    """Each speech's folded search documents (titles aside), joined by SEPARATOR."""
    return [folder.fold(text) for text in _sources(archive)]


def _sources(archive: Archive) -> list[str]:
    """Each speech's search documents (titles aside), joined by SEPARATOR, not yet folded
    (folding them joined is folding each: SEPARATOR folds to itself and ends a run of x)."""
    return [SEPARATOR.join(d.text for d in speech_documents(i, s) if d.id) for i, s in enumerate(archive.speeches)]


class _Trie(NamedTuple):
    """The terms' prefixes level by level: at level L the sorted keys ``state x base + rank``
    of every prefix of L + 1 characters (state: the prefix's place one level up, rank: its last
    character's number), and per key the term it is whole, or -1. Where the keys are few
    enough, a table from every possible key to its place (or -1) looks them up instead: the
    first two levels see every position of the text, and a binary search there took 70 % of
    the time (at 1,000 synthetic speeches)."""

    alphabet: "np.ndarray"  # sorted code points of the terms' characters; rank = place + 1
    keys: list["np.ndarray"]
    whole: list["np.ndarray"]
    tables: list["np.ndarray | None"]


def _trie(terms: list[str], lookups: int) -> _Trie:
    """The trie of the terms, with a table for each level worth one where ``lookups``
    characters are to be looked up."""
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
        if worth_a_table(span, lookups):
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
    trie, parts = _trie(terms, sum(map(len, texts))), []
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


class _Last(NamedTuple):
    """What a build keeps for the next: the texts' digests and the counts made from them."""

    digests: list[str]
    counts: Counts  # arrays narrowed to int32: 12 bytes an entry


def recount(texts: list[str], terms: list[str], cache: Cache, fold: Callable[[str], str] = str) -> Counts:
    """count([fold(t) for t in texts], terms), from the last build's counts where the cache
    has them: the texts it did not count are counted in full, the others only for the terms new
    to the vocabulary (the rest of their counts are taken over). The same arrays as counting
    afresh. The folded texts are cached too (folding 11 M characters takes 0.65 s of CPU)."""
    return _recount(_Folded(texts, fold, cache), terms, cache)


def _recount(folded: "_Folded | FoldedTexts", terms: list[str], cache: Cache) -> Counts:
    """recount of the texts ``folded`` gives (folded, each known by a digest)."""
    digests = folded.digests
    slot = cache_key("trend-counts", "last")
    last = cache.get("trend-counts", slot)
    if isinstance(last, _Last) and digests and terms:
        counts = _updated(last, folded, digests, terms)
    else:
        counts = count(folded.of(range(len(digests))), terms)
    narrow = Counts(counts.terms, *(a.astype(np.int32, copy=False) for a in counts[1:]))
    cache.put("trend-counts", slot, _Last(digests, narrow))
    folded.keep()
    return counts


class _Folded:
    """The texts folded, from the last build where it folded them (wenji.kept), each known by
    a hash of the text."""

    def __init__(self, texts: list[str], fold: Callable[[str], str], cache: Cache) -> None:
        self.texts, self.fold = texts, fold
        self.digests = ["text " + hashlib.blake2b(t.encode("utf-8"), digest_size=16).hexdigest() for t in texts]
        self.kept = Kept(cache, "trend-texts")

    def of(self, which) -> list[str]:
        return [self.kept.get(self.digests[s], lambda s=s: self.fold(self.texts[s])) for s in which]

    def keep(self) -> None:
        self.kept.save(self.digests, lambda s: self.fold(self.texts[s]))


def _updated(last: _Last, folded: _Folded, digests: list[str], terms: list[str]) -> Counts:
    """The counts of this build's texts, from the last build's where a text is unchanged. The
    counts taken over stay 32-bit numbers, as the cache keeps them: after an edit at 1,000
    synthetic speeches this took 0.51-0.84 s in the build with them made 64-bit and joined by
    a key divided up again, 0.12-0.53 s so (four each, alternating), as its arrays of 1.7
    million entries are memory fresh to the process, which costs more than the arithmetic."""
    old_speech = {d: i for i, d in reversed(list(enumerate(last.digests)))}
    taken: dict[int, int] = {}  # old speech -> new speech, one each (a repeated text counts anew)
    for s, d in enumerate(digests):
        if old_speech.get(d, -1) >= 0 and old_speech[d] not in taken:
            taken[old_speech[d]] = s
    kept = sorted(taken.values())
    fresh_speeches = sorted(set(range(len(digests))) - set(kept))
    index = {t: i for i, t in enumerate(terms)}
    term_to = np.array([index.get(t, -1) for t in last.counts.terms] + [-1], dtype=np.int32)
    speech_to = np.full(len(last.digests) + 1, -1, dtype=np.int32)
    speech_to[list(taken)] = list(taken.values())
    term, speech = term_to[last.counts.term], speech_to[last.counts.speech]
    held = term >= 0
    held &= speech >= 0
    known = set(last.counts.terms)
    fresh_terms = [i for i, t in enumerate(terms) if t not in known]
    parts = [(term[held], speech[held], last.counts.count[held]),
             _part(count(folded.of(fresh_speeches), terms), range(len(terms)), fresh_speeches)]
    if fresh_terms:
        parts.append(_part(count_few(folded.of(kept), [terms[t] for t in fresh_terms]), fresh_terms, kept))
    return Counts(terms, *in_key_order(parts, len(digests)))


def in_key_order(parts: list[tuple], n: int) -> tuple["np.ndarray", "np.ndarray", "np.ndarray"]:
    """The parts' entries (term, speech and count arrays) joined, in the order of a stable sort
    of their keys (term x ``n`` + speech), in the first part's number types. The first part,
    the last build's counts taken over, is in key order already unless the edit moved a term
    or a speech, and the others are small: they are sorted and put in by bisection. At 1,000
    synthetic speeches a stable sort of all 1.7 M keys took 0.13 s (and more in a build,
    where its temporary arrays are fresh memory), this 0.01 s."""
    first = parts[0]
    first_key = _keys(first, n)
    if len(first_key) > 1 and not bool(np.all(first_key[1:] >= first_key[:-1])):
        every = [np.concatenate([p[k] for p in parts]).astype(first[k].dtype, copy=False) for k in range(3)]
        order = np.argsort(_keys(every, n), kind="stable")
        return every[0][order], every[1][order], every[2][order]
    rest = [np.concatenate([p[k] for p in parts[1:]]) for k in range(3)]
    rest_key = _keys(rest, n)
    order = np.argsort(rest_key, kind="stable")
    at = np.searchsorted(first_key, rest_key[order], side="right")  # after equal keys of the first part, as a stable sort
    return np.insert(first[0], at, rest[0][order]), np.insert(first[1], at, rest[1][order]), \
        np.insert(first[2], at, rest[2][order])


def _keys(entries, n: int) -> "np.ndarray":
    """Each entry's key, term x ``n`` + speech, as a 64-bit number."""
    key = np.multiply(entries[0], n, dtype=np.int64)
    key += entries[1]
    return key


def _part(counts: Counts, term_ids, speech_ids) -> tuple["np.ndarray", "np.ndarray", "np.ndarray"]:
    """Counts of some terms in some texts, renumbered as the whole vocabulary and archive."""
    terms = np.asarray(list(term_ids), dtype=np.int64)
    speeches = np.asarray(list(speech_ids), dtype=np.int64)
    if not len(counts.term):
        return counts.term, counts.speech, counts.count
    return terms[counts.term], speeches[counts.speech], counts.count


def count_few(texts: list[str], terms: list[str]) -> Counts:
    """count(texts, terms) for a few terms: each searched for in the texts with str.find (a C
    loop per term), quicker than building and walking a trie for a few terms: on
    tests/corpus-real 4 terms take 4 ms of CPU so and 7 ms with the trie, 16 terms 15 and 8 ms."""
    if len(terms) > FEW_TERMS:
        return count(texts, terms)
    empty = np.zeros(0, dtype=np.int64)
    if not terms or not texts:
        return Counts(terms, empty, empty, empty)
    text = SEPARATOR.join(texts)
    starts = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]])
    parts = []
    for t, term in enumerate(terms):
        found, at = [], text.find(term)
        while at >= 0:
            found.append(at)
            at = text.find(term, at + 1)
        speech, n = np.unique(np.searchsorted(starts, np.array(found, dtype=np.int64), side="right") - 1,
                              return_counts=True)
        parts.append((np.full(len(speech), t, dtype=np.int64), speech, n))
    return Counts(terms, *(np.concatenate([p[k] for p in parts]).astype(np.int64) for k in range(3)))


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


def _shards(counts: Counts) -> list[tuple[list[str], str]]:
    """The terms' encoded counts, cut into shards of about SHARD_CHARS characters: per shard
    its terms and their codes separated by commas. A shard ends after the term that takes it
    past SHARD_CHARS (a term counting its characters, its code's and 6), found by a binary
    search of the sizes summed, and the commas are put into all the codes at once (a Python
    loop over the terms took 0.017 s of CPU on tests/corpus-real)."""
    n = len(counts.terms)
    if not n:
        return []
    bounds = np.searchsorted(counts.term, np.arange(n + 1))
    codes, offsets = _entry_codes(counts, bounds)
    sizes = np.fromiter(map(len, counts.terms), dtype=np.int64, count=n) + np.diff(offsets) + 6
    total = np.concatenate([[0], np.cumsum(sizes)])
    with_commas = np.insert(np.frombuffer(codes.encode("ascii"), np.uint8), offsets[1:n], ord(",")).tobytes().decode()
    shards, first = [], 0
    while first < n:
        end = min(int(np.searchsorted(total, total[first] + SHARD_CHARS, side="right")), n)
        shards.append((counts.terms[first:end], with_commas[offsets[first] + first:offsets[end] + end - 1]))
        first = end
    return shards


def _entry_codes(counts: Counts, bounds: "np.ndarray") -> tuple[str, list[int]]:
    """Every entry's code, one after the other, and where each term's start: per entry
    vint(2 x (gap - 1) + (count > 1)), then vint(count - 2) when count > 1, all in numpy: a
    row of characters per entry, blanks after its digits, the blanks then deleted by
    bytes.translate. Looking a code up per entry in Python took 0.21 s of CPU at 1,000
    synthetic speeches (1.7 M entries), this 0.085 s."""
    speech = counts.speech.astype(np.int64)
    count = counts.count.astype(np.int64)
    gap = np.empty_like(speech)
    gap[1:] = speech[1:] - speech[:-1] - 1
    starts = bounds[:-1][bounds[:-1] < len(speech)]
    gap[starts] = speech[starts]  # a term's first speech: its gap from -1
    value, value_len = _vint_table(2 * gap + (count > 1))
    tf, tf_len = _vint_table(np.maximum(count - 2, 0))
    once = count <= 1
    tf[once] = ord(" ")
    tf_len[once] = 0
    codes = np.concatenate([value, tf], axis=1).tobytes().translate(None, b" ").decode("ascii")
    ends = np.concatenate([[0], np.cumsum(value_len + tf_len)])
    return codes, ends[bounds].tolist()


def _vint_table(values: "np.ndarray") -> tuple["np.ndarray", "np.ndarray"]:
    """_vints(values), looked up in a table of every number up to the largest when there are
    fewer of those than values (gaps and counts are small numbers, most below 48)."""
    top = int(values.max()) if len(values) else 0
    if top >= len(values):
        return _vints(values)
    chars, lengths = _vints(np.arange(top + 1))
    return chars[values], lengths[values]


def _vints(values: "np.ndarray") -> tuple["np.ndarray", "np.ndarray"]:
    """wenji.search.encoding.vint of every value, as ASCII: a row per value, its digits from
    the first column on and blanks after them, and how many digits there are."""
    columns = [values % LAST]  # the final digit, then the continuation digits from the last back
    rest = values // LAST
    while rest.any():
        more = rest > 0
        rest = np.where(more, rest - 1, 0)
        columns.append(np.where(more, LAST + rest % 16, -1))
        rest //= 16
    digits = np.stack(columns, axis=1)
    lengths = (digits >= 0).sum(axis=1)
    place = lengths[:, None] - 1 - np.arange(digits.shape[1])
    chars = np.frombuffer(DIGITS.encode("ascii") + b" ", dtype=np.uint8)
    return chars[np.where(place >= 0, np.take_along_axis(digits, np.maximum(place, 0), axis=1), len(DIGITS))], lengths


def _front_coded(terms: list[str]) -> str:
    """Each term as the UTF-16 units it shares with the one before (a digit) and the rest.
    Where every character is of the Basic Multilingual Plane (every term of the real reports)
    characters are units, and what each term shares with the one before is found for all at
    once in numpy, the terms as rows of code points: the 18,900 words of tests/corpus-real in
    0.010 s of CPU, where comparing them character by character in Python took 0.020-0.025 s."""
    joined = "".join(terms)
    if not terms or max(joined) > "\uffff" or SEPARATOR in joined:  # (terms as rows: blanks are NULs)
        return _front_coded_in_units(terms)
    lengths = np.fromiter(map(len, terms), dtype=np.int64, count=len(terms))
    rows = np.zeros((len(terms), int(lengths.max())), dtype=np.uint32)
    rows[np.arange(rows.shape[1]) < lengths[:, None]] = np.frombuffer(joined.encode("utf-32-le"), np.uint32)
    shared = np.zeros(len(terms), dtype=np.int64)
    shared[1:] = np.argmin(rows[1:] == rows[:-1], axis=1)  # where two rows first differ (terms are distinct)
    shared = np.minimum(shared, np.minimum(lengths, np.roll(lengths, 1)))
    shared = np.minimum(shared, len(DIGITS) - 1).tolist()
    return " ".join([DIGITS[k] + term[k:] for k, term in zip(shared, terms)])


def _front_coded_in_units(terms: list[str]) -> str:
    """_front_coded of any terms, a term's shared prefix cut to what fits in a digit of units."""
    out, before = [], ""
    most = len(DIGITS) - 1
    for term in terms:
        shared, common = 0, min(len(term), len(before))
        while shared < common and term[shared] == before[shared]:
            shared += 1
        if shared and max(term[:shared]) > "\uffff":
            while _units(term[:shared]) > most:
                shared -= 1
            out.append(DIGITS[_units(term[:shared])] + term[shared:])
        else:
            shared = min(shared, most)
            out.append(DIGITS[shared] + term[shared:])
        before = term
    return " ".join(out)


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
