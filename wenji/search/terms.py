"""Folding and terms: what a text is made of in the search index, and the numbers that name them.

Text is folded (NFKC and case folding per character, traditional characters to simplified
ones (``simplify``); every anonymisation mark, ``*`` ``×``
``╳`` or a run of mask-``x``, becomes ``×``, so ``**市`` also finds ``xx市`` and ``××市``) and
cut into runs of letters, digits, marks and masks. A document's terms are the bigrams of its
runs (those the archive keeps: see ``postings.min_df``), plus each of its characters that
starts none of them, alone (so the prefix query ``c*`` finds every document holding ``c``).

A term is a number while the index is built: a bigram ab is ``ord(a) | ord(b) << 32``, a lone
character c is ``ord(c)``. A speech's documents are counted together in numpy
(``_terms_at_once``), which keeps the search step's cost near that of reading the text.
``static/fold.js`` folds queries and page text in the browser the same way (tests compare
the two on every character).
"""
from __future__ import annotations

import functools
import importlib.util
import json
import re
import subprocess
import unicodedata
from array import array
from collections import Counter
from pathlib import Path
from typing import NamedTuple

from .. import lazy
from ..tables import CodeTable

np = lazy.module("numpy")  # 0.1-0.3 s to import: a build that finds its site up to date never loads it

MASK = "×"
_XRUN = re.compile(r"(?<![a-z])x+(?![a-z])")
_WORDS = re.compile(r"w+")

# SEP stands for every character that is not part of a run while counting.
SEP = "\x01"
LOW = (1 << 32) - 1  # a bigram key's first character: key & LOW
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


def _opencc_data() -> Path:
    """The folder of the opencc package's conversion data and tools, found without importing it."""
    spec = importlib.util.find_spec("opencc")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("wenji needs opencc: pip install -r requirements.txt")
    return Path(next(iter(spec.submodule_search_locations))) / "clib"


# ``t2s_script``'s output, vendored for static/fold.js: what ``t2s_pairs`` reads.
T2S_SCRIPT = Path(__file__).resolve().parents[2] / "static" / "vendor" / "opencc" / "t2s.js"


@functools.cache
def t2s_pairs() -> tuple[str, str]:
    """``opencc_pairs``, as static/fold.js has them: read from the vendored table (the tests
    require it to be ``t2s_script``'s), in 1 ms where asking OpenCC's tool and reading its
    output took 16 ms of every build's process; from OpenCC when the file is missing."""
    try:
        text = T2S_SCRIPT.read_text("utf-8")
        trad, simp = json.loads(text.split("wenjiT2S =", 1)[1].strip().rstrip(";"))
    except (OSError, IndexError, ValueError):
        return opencc_pairs()
    return trad, simp


def opencc_pairs() -> tuple[str, str]:
    """Traditional characters and their simplified forms, character for character, from OpenCC's
    ``TSCharacters`` table (its ``opencc_dict`` tool reads the shipped dictionary as text, in
    7 ms). A character takes its first simplified candidate; one that is itself among its
    candidates (乾, 於, 瞭, 藉: simplified Chinese writes them too, 乾隆) is left as written, and so
    is a pair whose UTF-16 lengths differ, so that folding keeps every character's offset.
    2,984 pairs of OpenCC's 4,148."""
    clib = _opencc_data()
    text = subprocess.run([str(clib / "bin" / "opencc_dict"), "-i", str(clib / "share" / "opencc" / "TSCharacters.ocd2"),
                           "-o", "/dev/stdout", "-f", "ocd2", "-t", "text"],
                          check=True, capture_output=True).stdout.decode("utf-8")
    table = {}
    for line in text.splitlines():
        trad, _, candidates = line.partition("\t")
        options = candidates.split(" ")
        if len(trad) == 1 and trad not in options and len(utf16_key(trad)) == len(utf16_key(options[0])):
            table[trad] = options[0]
    for trad, simp in table.items():  # a simplified form that is itself a key (one: 苧) goes on to its own
        while simp in table and table[simp] != simp and simp != trad:
            simp = table[simp]
        table[trad] = simp
    pairs = sorted(table.items())
    return "".join(t for t, _ in pairs), "".join(s for _, s in pairs)


def t2s_script() -> str:
    """``static/vendor/opencc/t2s.js``: the table of ``opencc_pairs`` for static/fold.js."""
    trad, simp = opencc_pairs()
    return ("/* Traditional to simplified Chinese, character for character: generated from OpenCC's\n"
            "   TSCharacters table (Apache License 2.0, see LICENSE beside this file) by\n"
            "   wenji.search.terms.t2s_script(); do not edit. */\n"
            "(typeof window !== \"undefined\" ? window : globalThis).wenjiT2S =\n"
            f"  [{json.dumps(trad, ensure_ascii=False)},\n   {json.dumps(simp, ensure_ascii=False)}];\n")


@functools.cache
def _t2s() -> tuple[re.Pattern, re.Pattern, dict[int, int]]:
    """Finders of the table's characters (the BMP ones and the rest apart: a character class
    with supplementary-plane characters scans 20 times slower) and its translate table."""
    trad, simp = t2s_pairs()
    bmp = "".join(c for c in trad if ord(c) < 0x10000)
    astral = "".join(c for c in trad if ord(c) >= 0x10000) or "\uffff"
    return re.compile("[" + re.escape(bmp) + "]"), re.compile("[" + re.escape(astral) + "]"), str.maketrans(trad, simp)


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def simplify(text: str) -> str:
    """``text`` with its traditional characters as simplified ones (社會主義 → 社会主义), character
    for character: same length, every character where it was. What search, segmentation, themes
    and keywords analyse; pages show the text as written. A text without traditional characters
    costs one scan: 13 ms for the 784,000 characters of tests/corpus-real."""
    bmp, astral, table = _t2s()
    if bmp.search(text) or (_ASTRAL.search(text) and astral.search(text)):
        return text.translate(table)
    return text


def script_language(text: str) -> str:
    """``zh-Hant`` for a text mostly in traditional characters (more characters of OpenCC's
    traditional side than of its simplified side), else "" (the site's language). Counted by
    looking every character up in two tables: 7 ms for the 841,000 characters of
    tests/corpus-real, where two regular expression scans took 74 ms (and 10 ms to compile
    their classes of thousands of characters, on every build)."""
    traditional, simplified = _sides()
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return "zh-Hant" if np.count_nonzero(traditional[codes]) > np.count_nonzero(simplified[codes]) else ""


@functools.cache
def _sides() -> tuple["np.ndarray", "np.ndarray"]:
    """Per code point: is it among the table's traditional characters, and among its simplified
    ones (BMP ones: the rest are too rare to tell a text's script)."""
    tables = []
    for side in t2s_pairs():
        table = np.zeros(0x110000, dtype=bool)
        table[[ord(c) for c in side if ord(c) < 0x10000]] = True
        tables.append(table)
    return tables[0], tables[1]


def utf16_key(term: str) -> bytes:
    """lunr.js builds its token set in UTF-16 code-unit order and refuses any other."""
    return term.encode("utf-16-be", "surrogatepass")


def term_str(k: int) -> str:
    return chr(k) if k <= LOW else chr(k & LOW) + chr(k >> 32)


def term_key(term: str) -> int:
    return ord(term) if len(term) == 1 else ord(term[0]) | ord(term[1]) << 32


def fold_char(c: str) -> str:
    """NFKC then full case folding of one character, masks unified to ``×``, traditional to
    simplified."""
    return simplify(_fold_width_case(c))


def _fold_width_case(c: str) -> str:
    if c in "*×╳":
        return MASK
    f = unicodedata.normalize("NFKC", c).casefold().lower()
    return "".join(MASK if ch in "*×╳" else ch for ch in f)


def _in_run(c: str) -> bool:
    return c == MASK or unicodedata.category(c)[0] in "LNM"


def casefold_extras() -> dict[str, str]:
    """Characters whose folding differs from JS ``normalize('NFKC').toLowerCase()``.

    ``static/fold.js`` carries this table so the browser folds queries as this module
    folds the text; a test keeps the two in step.
    """
    out = {}
    for cp in range(0x110000):
        c = chr(cp)
        if 0xD800 <= cp < 0xE000 or unicodedata.category(c) == "Cn":
            continue
        plain = "".join(MASK if ch in "*×╳" else ch for ch in unicodedata.normalize("NFKC", c).lower())
        if _fold_width_case(c) != plain:
            out[c] = _fold_width_case(c)
    return out


class _FoldTable(dict[int, str]):
    """``str.translate`` table filled on first sight of each character."""

    def __missing__(self, cp: int) -> str:
        self[cp] = f = fold_char(chr(cp))
        return f


class _ClassTable(dict[int, str]):
    """Maps letters, digits, marks and ``×`` to ``w`` and everything else to a space."""

    def __missing__(self, cp: int) -> str:
        self[cp] = k = "w" if _in_run(chr(cp)) else " "
        return k


class _TermTable(dict[int, str]):
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


class SpeechTerms(NamedTuple):
    """The DocTerms of a speech's documents as six arrays (int64), each document's after the
    one before, and where each document's part of them starts: what the cache keeps and a
    block joins. Six arrays a document made 400,000 small arrays at 1,000 speeches, and
    splitting, pickling and joining them again cost 0.7 s."""

    keys: np.ndarray
    vals: np.ndarray
    before: np.ndarray
    lone: np.ndarray
    hbefore: np.ndarray
    hlone: np.ndarray
    at: np.ndarray  # (5, documents + 1): where each document's keys and vals, before, lone, hbefore, hlone start

    @property
    def documents(self) -> int:
        return self.at.shape[1] - 1

    def docs(self) -> list[DocTerms]:
        """The terms document by document."""
        at = self.at.tolist()
        columns = [_arrays(self.keys, at[0], "q"), _arrays(self.vals, at[0], "q")]
        columns += [_arrays(x, bounds, "l") for x, bounds in zip((self.before, self.lone, self.hbefore, self.hlone), at[1:])]
        return [DocTerms(*t) for t in zip(*columns)]


def speech_terms_of(docs: list[DocTerms]) -> SpeechTerms:
    """The SpeechTerms of documents' DocTerms."""
    def joined(arrays: list[array]) -> np.ndarray:
        return np.frombuffer(b"".join(x.tobytes() for x in arrays), np.int64) if arrays else np.zeros(0, np.int64)

    columns = list(zip(*docs)) if docs else [[] for _ in DocTerms._fields]
    at = [np.concatenate(([0], np.cumsum([len(x) for x in columns[c]], dtype=np.int64))) for c in (0, 2, 3, 4, 5)]
    return SpeechTerms(*(joined(list(c)) for c in columns), np.array(at, np.int64).reshape(5, len(docs) + 1))


def masked_x_runs(points: "np.ndarray") -> "np.ndarray":
    """The folded characters with every run of x that no letter a-z touches made a mask, as
    ``_XRUN`` makes it (a regular expression with a look-behind at every character of the text:
    0.2 s of CPU for the 11.6 M characters of 1,000 synthetic speeches, each with masks of x)."""
    x = np.concatenate(([False], points == ord("x"), [False]))
    if not x.any():
        return points
    letter = np.concatenate(([False], (points >= ord("a")) & (points <= ord("z")), [False]))
    first = np.nonzero(x[1:-1] & ~x[:-2])[0]  # a run's first x, and its last
    last = np.nonzero(x[1:-1] & ~x[2:])[0]
    alone = ~letter[first] & ~letter[last + 2]  # (letter and x are one longer at each end)
    edges = np.zeros(len(points) + 1, np.int64)
    edges[first[alone]] = 1  # runs are apart: no run ends where the next begins
    edges[last[alone] + 1] = -1
    return np.where(np.cumsum(edges[:-1]) > 0, ord(MASK), points)


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
        self._codes = CodeTable(self._char_code)  # see cut_codes

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

    def cut(self, text: str) -> str:
        """The text folded, with SEP for every character that is not in a run."""
        g = _NOT_HAN.sub(self._cut, self._seps.sub(SEP, simplify(text)))
        return _XRUN.sub(lambda m: MASK * len(m.group()), g) if "x" in g else g

    def _char_code(self, cp: int) -> int:
        """What ``cut`` makes of the character cp but for the masks of x (which depend on the
        characters around), when it is one character; else -1."""
        g = _NOT_HAN.sub(self._cut, self._seps.sub(SEP, simplify(chr(cp))))
        return ord(g) if len(g) == 1 else -1

    def cut_codes(self, text: str) -> np.ndarray | None:
        """``cut(text)`` as UTF-32 code units (int64), when each character of the text cuts to
        one character, else None: the text encoded once and looked up in a table of every
        character's code (``_char_code``, filled as characters are first seen), where ``cut``
        runs three regular expressions over the text and makes a string (at 1,000 synthetic
        speeches: 0.12 s instead of 0.59). Masks of x are made in numpy too (``masked_x_runs``):
        for 400 synthetic speeches, 4.6 M characters, 0.03-0.06 s against 0.11-0.18 s with
        ``_XRUN`` over the text decoded."""
        u = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)
        v = self._codes.of(u)
        if (v < 0).any():
            return None
        return masked_x_runs(v).astype(np.int64)

    def speech_terms(self, texts: list[tuple[str, str]]) -> SpeechTerms:
        """``doc_terms`` of each (heading, text), all counted at once (``_terms_at_once``)
        when each text starts with its heading, as a search document's does."""
        if all(not h or (t.startswith(h) and t[len(h):len(h) + 1] in ("", "\n")) for h, t in texts):
            codes = self.cut_codes(SEP + SEP.join(t for _, t in texts) + SEP)
            if codes is not None:  # each character cut to one: a heading's cut is as long as it
                return _terms_of_codes(codes, [len(t) for _, t in texts], [len(h) for h, _ in texts])
        cut = [self.cut(t) for _, t in texts]
        heads = [self.cut(h) if h else "" for h, _ in texts]
        if all(not h or (c.startswith(h) and c[len(h):len(h) + 1] in ("", SEP)) for c, h in zip(cut, heads)):
            return _terms_at_once(cut, [len(h) for h in heads])
        return speech_terms_of([self.doc_terms(h, t) for h, t in texts])

    def _count(self, text: str) -> tuple[Counter, set[int]]:
        """Bigram keys of the text's runs with their counts, and the characters that end a run.

        The folded text, framed by SEP, is read as UTF-32 twice, as 64-bit numbers from the
        first and from the second character: together every adjacent pair, counted in C.
        Pairs with SEP on either side are then taken out, found by two regular expressions.
        """
        g = SEP + _NOT_HAN.sub(self._cut, self._seps.sub(SEP, simplify(text))) + SEP
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
            h = _NOT_HAN.sub(self._cut, self._seps.sub(SEP, simplify(heading))) + SEP
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
        lone = before.difference(map(LOW.__and__, c))
        return DocTerms(array("q", c.keys()), array("q", c.values()), array("l", before), array("l", lone),
                        array("l", hbefore), array("l", hlone))


_M21 = (1 << 21) - 1  # a character's code point (or UTF-16 surrogate) fits in 21 bits


def _arrays(values: np.ndarray, bounds: list[int], typecode: str) -> list[array]:
    """values[bounds[i]:bounds[i + 1]] as arrays of 8-byte integers."""
    data, out = values.astype(np.int64).tobytes(), []
    for a, b in zip(bounds, bounds[1:]):
        x = array(typecode)
        x.frombytes(data[8 * a:8 * b])
        out.append(x)
    return out


def _by_doc(codes: np.ndarray, shift: int, docs: int) -> np.ndarray:
    return np.searchsorted(codes >> shift, np.arange(docs + 1))


def _sorted_in(values: np.ndarray, sorted_: np.ndarray) -> np.ndarray:
    """Which of ``values`` are in the ascending array ``sorted_`` (a binary search each)."""
    if not len(sorted_):
        return np.zeros(len(values), bool)
    at = np.minimum(np.searchsorted(sorted_, values), len(sorted_) - 1)
    return sorted_[at] == values


def _distinct(sorted_: np.ndarray) -> np.ndarray:
    """An ascending array without its repeats."""
    keep = np.ones(len(sorted_), bool)
    keep[1:] = sorted_[1:] != sorted_[:-1]
    return sorted_[keep]


def _counted(code: np.ndarray, in_head: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct codes (ascending), how often each occurs, and whether any occurrence is in
    a heading: one sort of (code << 1 | in heading), where np.unique twice and np.isin sorted
    three times (0.45 s of 1.4 for the terms at 1,000 speeches)."""
    s = np.sort(code << 1 | in_head)
    if not len(s):
        return s, s, np.zeros(0, bool)
    key = s >> 1
    starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
    ends = np.append(starts[1:], len(s))
    return key[starts], ends - starts, (s[ends - 1] & 1).astype(bool)


def _terms_at_once(cut: list[str], head_lengths: list[int]) -> SpeechTerms:
    """The terms of a speech's documents (cut, each starting with its heading's first
    ``head_lengths`` characters), counted together in numpy: every adjacent pair of the texts
    joined by SEP as (document << 42 | first << 21 | second), made distinct and counted by one
    sort (``_counted``). 0.19 s of CPU for tests/corpus-real's 1,752 documents instead of 0.31
    with a Counter per document (``Folder.doc_terms``, which gives the same terms); 0.48 s
    instead of 0.77 for 300 speeches of the synthetic 1,000 once np.unique and np.isin gave
    way to one sort per kind of term."""
    u = np.frombuffer((SEP + SEP.join(cut) + SEP).encode("utf-32-le", "surrogatepass"), np.uint32).astype(np.int64)
    return _terms_of_codes(u, [len(c) for c in cut], head_lengths)


def _terms_of_codes(u: np.ndarray, lengths: list[int], head_lengths: list[int]) -> SpeechTerms:
    """``_terms_at_once`` of the cut texts joined by SEP and framed by it, as UTF-32 code
    units (int64), given each text's length."""
    n = len(lengths)
    a, b = u[:-1], u[1:]
    widths = np.array(lengths, np.int64) + 1
    doc = np.repeat(np.arange(n, dtype=np.int64), widths)
    at = np.arange(len(a)) - np.repeat(np.cumsum(widths) - widths, widths) - 1  # a's place in its text
    in_head = (at >= 0) & (at < np.array(head_lengths, np.int64)[doc])
    pair, end = (a != 1) & (b != 1), (a != 1) & (b == 1)
    keys, counts, heads = _counted((doc << 42 | a << 21 | b)[pair], in_head[pair])
    vals = counts | np.where(heads, HEAD, 0)
    before, hbefore = _counted((doc << 21 | a)[end], in_head[end])[::2]
    hbefore = before[hbefore]
    lone = before[~_sorted_in(before, _distinct(keys >> 21))]
    hlone = hbefore[~_sorted_in(hbefore, _distinct(keys[heads] >> 21))]
    bigrams = keys >> 21 & _M21 | (keys & _M21) << 32
    at = np.array([_by_doc(x, s, n) for x, s in ((keys, 42), (before, 21), (lone, 21), (hbefore, 21), (hlone, 21))])
    return SpeechTerms(bigrams, vals.astype(np.int64), *(x & _M21 for x in (before, lone, hbefore, hlone)), at)


@functools.cache
def shared_folder() -> Folder:
    """One Folder per process: its tables, filled as characters are first seen, serve every
    speech (a Folder per speech filled them, and built its punctuation pattern, 37 times over
    for tests/corpus-real: its terms took 0.31 s of CPU instead of 0.27)."""
    return Folder()


def speech_terms(texts: list[tuple[str, str]]) -> SpeechTerms:
    """The terms of one speech's documents, given as (heading, text) pairs."""
    return shared_folder().speech_terms(texts)

