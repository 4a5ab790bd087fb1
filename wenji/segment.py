"""Chinese word segmentation shared by the build steps: jieba's algorithm and dictionary, run natively.

A ``Segmenter`` cuts with jieba-rs (the ``rjieba`` binding), a Rust implementation of jieba
0.42.1's algorithm with jieba's own dictionary and HMM. On the seeds and the 37 reports of
tests/corpus-real (870,000 characters) it gives jieba 0.42.1's tokens, every one
(tests/test_segment.py compares them), in 0.2 s against jieba's 2.2 s, and starts in 0.13 s
against 0.6 s (jieba's dictionary cache read in one piece) to 1.5 s (without it). Where
jieba-rs departs from jieba 0.42.1 the Segmenter puts jieba's result back (``_as_jieba``).

It loads the archive's user dictionary (set phrases such as 数字经济 or 营商环境, which jieba
would otherwise split in two) and turns the anonymisation marks (``*``, ``xx``, ``×××``,
``x.xx``) into spaces before segmenting, so they never become terms.
"""
from __future__ import annotations

import functools
import hashlib
import os
import re
import tempfile
import unicodedata
import zlib
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from itertools import accumulate
from pathlib import Path

from . import lazy, masks
from .search.terms import simplify

np = lazy.module("numpy")  # 0.1-0.3 s to import; a build that finds its site up to date needs none

DATA = Path(__file__).resolve().parent / "data"
STOPWORDS_FILE = DATA / "stopwords.txt"
DEFAULT_CACHE = Path(os.environ.get("WENJI_CACHE") or Path(__file__).resolve().parent.parent / ".wenji-cache")

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# A term without Han characters must be a word or code with a letter (GDP, RCEP, 5G), not a
# number, a percentage or a mask left over from a masked figure.
_LATIN_TERM = re.compile(r"(?=.*[A-Za-z])[A-Za-z0-9][A-Za-z0-9+]*")
# A code whose only lower-case letter is x is a masked figure: xG (for 5G), 20xx.
_MASKED_CODE = re.compile(r"^[^a-wyz]*x[^a-wyz]*$")


# rjieba's ``Jieba`` class, from its compiled module (1 ms: see ``lazy.extension``).
Jieba = lazy.extension("rjieba", "rjieba").Jieba
ENGINE = lazy.installed_version("rjieba")
# jieba 0.42.1's dictionary, which jieba-rs carries too: read for its frequencies and parts of
# speech (``common_words``, ``is_keyword``). The jieba package itself is never imported.
JIEBA_DICTIONARY = lazy.package_folder("jieba") / "dict.txt"


# jieba's own dictionary loaded for word_spans, until a Segmenter takes it over (``_fresh_jieba``).
_BARE: list = []


def _bare_jieba():
    """jieba's own dictionary, without the archive's words: for questions about the text as
    written, before any archive is known (0.12 s to load, when first asked)."""
    if not _BARE:
        _BARE.append(Jieba())
    return _BARE[0]


def _fresh_jieba():
    """A Jieba with jieba's dictionary alone, for a Segmenter to add its words to: the one
    reading loaded for ``word_spans`` if there is one, taken away from it (a later question
    loads another), so a build whose reading asked loads the dictionary once, not twice (0.12 s
    of each; on tests/corpus-real, reading asks)."""
    return _BARE.pop() if _BARE else Jieba()


def word_spans(left: str, right: str) -> str | None:
    """The word of jieba's dictionary that runs across the place where ``left`` meets ``right``
    (控制 in 适当控 | 制信贷), or None: cut without the HMM, so only listed words count."""
    tokens = _bare_jieba().cut(left + right, False)
    start = 0
    for token in tokens:
        if start < len(left) < start + len(token):
            return token
        start += len(token)
    return None


def read_word_list(path: Path) -> list[str]:
    """Words of a one-word-a-line file; ``#`` starts a comment. Missing file: no words."""
    if not path.is_file():
        return []
    words = []
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            words.append(word)
    return words


def normalise(text: str) -> str:
    """NFKC (full-width digits and letters to ASCII), traditional characters as simplified (so
    jieba cuts 社會主義 as it cuts 社会主义, and a theme's terms match both), every anonymisation
    mark made a space."""
    return masks.MASK.sub(" ", simplify(nfkc(text)))


def normalised_offsets(text: str) -> "np.ndarray | None":
    """Per character of ``normalise(text)``, the character of ``text`` it was made from, and
    ``len(text)`` after them; None where NFKC joined characters (accents to letters). Where a
    word of the normalised text starts in the text (wenji.comparison's word starts)."""
    forms = _full_width_as_nfkc(text)
    origin = None
    if not unicodedata.is_normalized("NFKC", forms):
        folded = unicodedata.normalize("NFKC", forms)
        sizes = [len(unicodedata.normalize("NFKC", c)) for c in forms]
        if sum(sizes) != len(folded):
            return None
        origin = np.append(np.repeat(np.arange(len(forms)), sizes), len(forms))
        forms = folded
    spans = np.array([m.span() for m in masks.MASK.finditer(simplify(forms))], dtype=np.int64).reshape(-1, 2)
    inside = np.cumsum(np.bincount(spans[:, 0] + 1, minlength=len(forms) + 2)[:len(forms) + 1]
                       - np.bincount(spans[:, 1], minlength=len(forms) + 1)[:len(forms) + 1]) > 0
    kept = np.flatnonzero(~inside)
    return kept if origin is None else origin[kept]


# The full-width forms of ASCII and the ideographic space, with what NFKC makes of each.
_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")
_AS_NFKC = {c: unicodedata.normalize("NFKC", c) for c in map(chr, [*range(0xFF01, 0xFF5F), 0x3000])}


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, in a sixth of its time on Chinese text: every
    comma, colon and parenthesis of it is a full-width form, so NFKC, which then cannot take the
    text as it is, normalised every character (72 ms for the 816,000 characters of
    tests/corpus-real). Those forms are replaced by what NFKC makes of them (each decomposes to
    one ASCII character, a starter, so the text's NFKC is unchanged by this), each form the
    text holds by one ``str.replace`` (a replacement function called at every match took 0.19 s
    of CPU for the 2.5 million characters of 150 synthetic speeches and the real reports, this
    0.11 s), and the result is normalised only if it is not NFKC already (13 texts of 2,943)."""
    text = _full_width_as_nfkc(text)
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


def _full_width_as_nfkc(text: str) -> str:
    """``text`` with its full-width forms as NFKC makes them, character for character."""
    for form in set(_FULL_WIDTH.findall(text)):
        text = text.replace(form, _AS_NFKC[form])
    return text


class Segmenter:
    """jieba's segmentation set up for this archive, plus the rule of what counts as a term.

    ``userdict``: jieba user-dictionary file (``word [freq] [tag]`` a line, ``#`` comments),
    loaded if present. ``words``: more words to keep whole (e.g. a theme taxonomy's terms).
    ``stopwords``: extra words that are never terms (added to wenji's own list).
    ``cache_dir``: where the lists read from jieba's dictionary are kept.

    ``dictionary_key`` and ``stopwords_key`` name what its terms depend on, for caches of them
    (``wenji.termcounts``).
    """

    def __init__(self, userdict: Path | None = None, words: Iterable[str] = (),
                 stopwords: Iterable[str] = (), cache_dir: Path | None = None) -> None:
        self.cache_dir = _writable(cache_dir or DEFAULT_CACHE)
        self.userdict = Path(userdict) if userdict is not None and Path(userdict).is_file() else None
        self.words = sorted({w.strip() for w in words if w.strip()})
        self.user_entries = [_user_entry(line) for line in read_word_list(self.userdict)] if self.userdict else []
        self.dictionary_words: set[str] = set(self.words) | {word for word, _, _ in self.user_entries}
        self.extra_stopwords = sorted(set(stopwords))
        self.stopwords = frozenset(read_word_list(STOPWORDS_FILE)) | frozenset(stopwords)
        self.stopwords_key = hashlib.sha256("\n".join(sorted(self.stopwords)).encode()).hexdigest()
        key = hashlib.sha256("\n".join([CUT_FORMAT, ENGINE, masks.MASK.pattern, *self.words]).encode())
        key.update(self.userdict.read_bytes() if self.userdict else b"")
        self.dictionary_key = key.hexdigest()
        self.jieba = None  # made when a text must be cut
        self._terms: set[str] = set()  # tokens seen that are terms, and that are not
        self._not_terms: set[str] = set()
        self._keyword_ok: dict[str, bool] = {}
        self._non_nouns: frozenset[str] | None = None

    @property
    def started(self) -> bool:
        return self.jieba is not None

    def start(self) -> None:
        """Load jieba's dictionary (0.12 s) and the user's words: only when a text must be cut."""
        if self.jieba is not None:
            return
        jieba = _fresh_jieba()
        for word, freq, tag in self.user_entries:
            jieba.add_word(word, freq, tag)
        for word in self.words:
            if not jieba.has_word(word):
                jieba.add_word(word, None, None)
        self.jieba = jieba

    def cut(self, text: str) -> list[str]:
        """All tokens of ``text`` (normalised, masks removed), whitespace dropped: jieba 0.42.1's
        ``cut`` with its HMM for words not in the dictionary."""
        return [t for t in self.tokens(text) if not t.isspace()]

    def tokens(self, text: str) -> list[str]:
        """Every token of ``text`` normalised (``normalise``), whitespace and line breaks
        included: they spell the normalised text. jieba cuts each line alone."""
        self.start()
        text = normalise(text)
        tokens = _cut_around_rare_han(self.jieba, text) if _RARE_HAN.search(text) else self.jieba.cut(text)
        return _as_jieba(tokens, text, self.jieba.has_word) if _ASCII_NEXT_TO_SIGN.search(text) else tokens

    def common_words(self, min_freq: int) -> frozenset[str]:
        """Words that jieba's dictionary counts at least ``min_freq`` times: ordinary Chinese.
        Only lines whose count has as many digits as ``min_freq`` are matched: 4,000 of the
        349,000 for 2,001, which takes 0.05 s where matching every line took 0.13-0.2 s."""
        return _dictionary_words(self.cache_dir, f"common-{min_freq}", _common_selector(min_freq))

    def in_dictionary(self, terms: list[str]) -> "np.ndarray":
        """Per term: does jieba's dictionary or the user's list it? (A word jieba's HMM made up
        from characters it had no word for, such as 上应 in 上应当, is listed by neither.) Asked of
        the loaded dictionary itself: 80 ms for 70,000 terms, where digests of the dictionary's
        337,466 words took 1.0 s to make on a cold build."""
        self.start()
        has_word, user_words = self.jieba.has_word, self.dictionary_words
        return np.fromiter(((len(t) >= 2 and has_word(t)) or t in user_words for t in terms),
                           dtype=bool, count=len(terms))

    def function_characters(self) -> frozenset[str]:
        """Characters jieba's dictionary tags as pronouns, locatives, prepositions, particles,
        conjunctions, numerals or measure words (这, 上, 中, 同, 的, 所, 一, 批): a made-up word
        that starts or ends with one is a seam between words (这是, 中起, 党同), not a word."""
        return _dictionary_words(self.cache_dir, "function-characters", _FUNCTION_CHARACTER.findall)

    def is_term(self, token: str) -> bool:
        """True for a token worth indexing: two characters or more, not a stop word, not a
        number or mask, and either Han or a Latin word (GDP, 5G)."""
        return token in self._terms or (token not in self._not_terms and self._classify(token))

    def _classify(self, token: str) -> bool:
        if len(token) < 2 or token in self.stopwords or masks.is_mask(token):
            ok = False
        elif _HAN.search(token):
            ok = True
        else:
            ok = bool(_LATIN_TERM.fullmatch(token)) and not _MASKED_CODE.search(token)
        (self._terms if ok else self._not_terms).add(token)
        return ok

    def terms(self, text: str) -> list[str]:
        """The terms of ``text`` in order, with repeats."""
        return self.terms_of(self.tokens(text))

    def terms_of(self, tokens: list[str]) -> list[str]:
        """The terms among ``tokens`` (the set lookups inline: a build looks at every token of
        the archive, 470,000 in the 37 real reports)."""
        known, not_terms, classify = self._terms, self._not_terms, self._classify
        return [t for t in tokens if t in known or (t not in not_terms and classify(t))]

    def is_keyword(self, term: str) -> bool:
        """A term that may be shown as a keyword: a term jieba's dictionary does not list as a
        verb, adjective, adverb, pronoun, numeral or time word (so 哪里, 接受, 年内 are out), or
        any word of the user dictionary and taxonomy."""
        ok = self._keyword_ok.get(term)
        if ok is None:
            if self._non_nouns is None:
                self._non_nouns = _dictionary_words(self.cache_dir, "non-nouns", _NON_NOUN.findall)
            ok = self.is_term(term) and (term in self.dictionary_words or term not in self._non_nouns)
            self._keyword_ok[term] = ok
        return ok


CUT_FORMAT = "3"  # change when normalise() or the way of cutting changes
# A dictionary line ``word freq tag`` of a word of two characters or more that jieba tags as
# anything but a noun-like part of speech.
_NON_NOUN = re.compile(r"^(\S{2,}) \d+ (?:v(?!n)|a(?!n)|[drmtbcpufqyzoe])\S*$", re.M)
# jieba 0.42.1's user-dictionary line: word, then maybe a frequency, then maybe a tag.
_USER_LINE = re.compile(r"^(.+?)( [0-9]+)?( [a-z]+)?$")
# A dictionary line of a single character that jieba tags as a pronoun, locative, preposition,
# particle, conjunction, numeral or measure word; and a line's word of two characters or more.
_FUNCTION_CHARACTER = re.compile(r"^(\S) \d+ [rfpucmqyeo]\S*$", re.M)


def _user_entry(line: str) -> tuple[str, int | None, str | None]:
    word, freq, tag = _USER_LINE.match(line).groups()
    return word, int(freq) if freq else None, tag.strip() if tag else None


def _common_selector(min_freq: int):
    figures = re.compile(rf"^(\S+) (\d{{{len(str(max(min_freq, 0)))},}})", re.M)
    return lambda text: [w for w, f in figures.findall(text) if int(f) >= min_freq]


# The lists a build takes from jieba's dictionary, shipped with wenji (``SHIPPED_LISTS``):
# common words at the taxonomy's default frequency (taxonomy.Settings.expand_general_freq + 1).
SHIPPED = {"common-2001": _common_selector(2001), "function-characters": _FUNCTION_CHARACTER.findall,
           "non-nouns": _NON_NOUN.findall}
SHIPPED_LISTS = DATA / "jieba-lists.txt.z"


@functools.cache
def _dictionary_text() -> str:
    """jieba's dictionary as text (5 MB), read once a process for every list taken from it."""
    return JIEBA_DICTIONARY.read_text(encoding="utf-8")


@functools.cache
def _dictionary_digest() -> str:
    return hashlib.sha256(JIEBA_DICTIONARY.read_bytes()).hexdigest()


def write_shipped_lists(path: Path = SHIPPED_LISTS) -> None:
    """Write the lists of ``SHIPPED`` taken from the installed dictionary (after an upgrade of
    jieba: ``python -c 'from wenji.segment import write_shipped_lists; write_shipped_lists()'``)."""
    text = _dictionary_text()
    lines = [f"sha256 {_dictionary_digest()}"] + [f"{name}\t{' '.join(sorted(set(select(text))))}"
                                                 for name, select in SHIPPED.items()]
    path.write_bytes(zlib.compress(("\n".join(lines) + "\n").encode("utf-8"), 9))


@functools.cache
def _shipped_lists() -> dict[str, str]:
    """The lists shipped with wenji, when they were taken from the dictionary installed (its
    SHA-256 is theirs): on a cold build they take 0.02 s where the regular expressions over the
    5 MB dictionary took 0.13 s (tests/test_segment.py checks them against the installed one)."""
    try:
        lines = zlib.decompress(SHIPPED_LISTS.read_bytes()).decode("utf-8").split("\n")
    except (OSError, zlib.error):
        return {}
    if lines[0] != f"sha256 {_dictionary_digest()}":
        return {}
    return dict(line.split("\t", 1) for line in lines[1:] if line)


def _dictionary_words(cache_dir: Path, name: str, select) -> frozenset[str]:
    """The words ``select(text of jieba's dictionary)`` returns: shipped with wenji, or kept in
    ``cache_dir`` (a regular expression over the 5 MB dictionary takes 0.1 s, reading the kept
    list 0.02 s)."""
    shipped = _shipped_lists().get(name)
    if shipped is not None:
        return frozenset(shipped.split(" ")) if shipped else frozenset()
    cache = cache_dir / f"wenji-{name}-{ENGINE.replace(' ', '-')}.txt"
    try:
        return frozenset(cache.read_text(encoding="utf-8").split("\n"))
    except OSError:
        pass
    words = frozenset(select(_dictionary_text()))
    try:
        tmp = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
        tmp.write_text("\n".join(sorted(words)), encoding="utf-8")
        os.replace(tmp, cache)
    except OSError:
        pass
    return words


# --- where jieba-rs departs from jieba 0.42.1 ------------------------------------------------

# Characters jieba-rs cuts as Han and jieba 0.42.1 does not (its Han is U+4E00-U+9FD5): CJK
# extension A, the last unified ideographs, compatibility ideographs NFKC leaves alone, and the
# supplementary planes. jieba cuts the text on either side apart and gives each one alone.
_RARE_HAN = re.compile("([\u3400-\u4dbf\u9fd6-\u9fff\uf900-\ufaff\U00020000-\U0003ffff])")
# jieba-rs joins letters and digits across . _ - (COVID-19, 3-1, c.x) where jieba splits them.
# A sign with a letter or digit on either side: written to begin with the signs, so that a search
# skips to them in C. As ``[A-Za-z0-9][+#&._%-]|[+#&._%-][A-Za-z0-9]`` (the same texts found,
# tests/test_segment.py) every character was tried twice: 0.13 s of CPU for the 11.5 million
# characters of 1,000 synthetic speeches, this 0.05 s.
_ASCII_NEXT_TO_SIGN = re.compile(r"[+#&._%\-](?:(?<=[A-Za-z0-9].)|(?=[A-Za-z0-9]))")
_ASCII_TOKEN = re.compile(r"[A-Za-z0-9+#&._%\-]+")
_ASCII_STRETCH = re.compile(r"[A-Za-z0-9+#&._%\-]{2,}")
# How jieba 0.42.1's HMM step splits a run of such characters (jieba/finalseg, re_skip).
_JIEBA_ASCII_SPLIT = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")


def _cut_around_rare_han(jieba, text: str) -> list[str]:
    tokens: list[str] = []
    for i, piece in enumerate(_RARE_HAN.split(text)):
        if i % 2:
            tokens.append(piece)
        elif piece:
            tokens += jieba.cut(piece)
    return tokens


def _as_jieba(tokens: list[str], text: str, in_dictionary) -> list[str]:
    """``tokens`` (which spell ``text``) with every run of letters, digits and ``+#&._%-`` that
    did not come from the dictionary split again as jieba 0.42.1 splits it. Only the stretches
    of such characters that hold a sign are looked at, found in the text and then among the
    tokens by their end offsets."""
    ends = list(accumulate(map(len, tokens)))
    out: list[str] = []
    done = 0
    for m in _ASCII_STRETCH.finditer(text):
        if not _ASCII_NEXT_TO_SIGN.search(m.group()):
            continue
        first, last = max(bisect_right(ends, m.start()), done), bisect_left(ends, m.end())
        if first > last:
            continue
        out += tokens[done:first]
        out += _split_runs(tokens[first:last + 1], in_dictionary)
        done = last + 1
    return out + tokens[done:] if done else tokens


def _split_runs(tokens: list[str], in_dictionary) -> list[str]:
    out: list[str] = []
    run: list[str] = []
    for token in tokens + [""]:
        if token and _ASCII_TOKEN.fullmatch(token) and (len(token) == 1 or not in_dictionary(token)):
            run.append(token)
            continue
        if run:
            out += [piece for piece in _JIEBA_ASCII_SPLIT.split("".join(run)) if piece]
            run = []
        if token:
            out.append(token)
    return out


def _writable(folder: Path) -> Path:
    """``folder`` if it can be created and written, else the system temp folder."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if os.access(folder, os.W_OK):
            return folder
    except OSError:
        pass
    return Path(tempfile.gettempdir())
