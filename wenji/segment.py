"""Chinese word segmentation shared by the build steps: one configured jieba Tokenizer.

jieba's module-level tokenizer is global state and starts in about 0.6 s, so a build makes one
``Segmenter`` and passes it around. It loads the archive's user dictionary (set phrases such as
数字经济 or 营商环境, which jieba would otherwise split in two), keeps jieba's log quiet and its
cache in a folder of ours, and turns the anonymisation marks (``*``, ``xx``, ``×××``,
``x.xx``) into spaces before segmenting, so they never become terms.
"""
from __future__ import annotations

import hashlib
import logging
import marshal
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import jieba

from . import masks

DATA = Path(__file__).resolve().parent / "data"
STOPWORDS_FILE = DATA / "stopwords.txt"
DEFAULT_CACHE = Path(__file__).resolve().parent.parent / ".wenji-cache"

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# A term without Han characters must be a word or code with a letter (GDP, RCEP, 5G), not a
# number, a percentage or a mask left over from a masked figure.
_LATIN_TERM = re.compile(r"(?=.*[A-Za-z])[A-Za-z0-9][A-Za-z0-9+]*")
# A code whose only lower-case letter is x is a masked figure: xG (for 5G), 20xx.
_MASKED_CODE = re.compile(r"^[^a-wyz]*x[^a-wyz]*$")


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
    """NFKC (full-width digits and letters to ASCII) with every anonymisation mark made a space."""
    return masks.MASK.sub(" ", unicodedata.normalize("NFKC", text))


class Segmenter:
    """A jieba Tokenizer set up for this archive, plus the rule of what counts as a term.

    ``userdict``: jieba user-dictionary file (``word [freq] [tag]`` a line), loaded if present.
    ``words``: more words to keep whole (e.g. a theme taxonomy's terms).
    ``stopwords``: extra words that are never terms (added to wenji's own list).
    ``cache_dir``: where jieba's dictionary cache and wenji's cut cache live.

    ``dictionary_key`` and ``stopwords_key`` name what its terms depend on, for caches of them
    (``wenji.termcounts``).
    """

    def __init__(self, userdict: Path | None = None, words: Iterable[str] = (),
                 stopwords: Iterable[str] = (), cache_dir: Path | None = None) -> None:
        logging.getLogger("jieba").setLevel(logging.WARNING)
        self.cache_dir = _writable(cache_dir or DEFAULT_CACHE)
        self.tokenizer = jieba.Tokenizer()
        self.tokenizer.tmp_dir = str(self.cache_dir)
        self.userdict = Path(userdict) if userdict is not None and Path(userdict).is_file() else None
        self.words = sorted({w.strip() for w in words if w.strip()})
        self.dictionary_words: set[str] = set(self.words)
        if self.userdict:
            self.dictionary_words.update(w.split()[0] for w in read_word_list(self.userdict))
        self.extra_stopwords = sorted(set(stopwords))
        self.stopwords = frozenset(read_word_list(STOPWORDS_FILE)) | frozenset(stopwords)
        self.stopwords_key = hashlib.sha256("\n".join(sorted(self.stopwords)).encode()).hexdigest()
        key = hashlib.sha256("\n".join([CUT_FORMAT, jieba.__version__, masks.MASK.pattern,
                                        *self.words]).encode())
        key.update(self.userdict.read_bytes() if self.userdict else b"")
        self.dictionary_key = key.hexdigest()
        self._ready = False
        self._cache: dict[str, list[str]] = {}
        self._term_ok: dict[str, bool] = {}
        self._keyword_ok: dict[str, bool] = {}
        self._non_nouns: frozenset[str] | None = None

    def start(self) -> None:
        """Start jieba (0.6 s) and load the dictionaries: only when a text must be cut."""
        if self._ready:
            return
        _initialize(self.tokenizer)
        if self.userdict:
            self.tokenizer.load_userdict(str(self.userdict))
        for word in self.words:
            if not self.tokenizer.FREQ.get(word):
                self.tokenizer.add_word(word)
        self._ready = True

    def cut(self, text: str) -> list[str]:
        """All tokens of ``text`` (normalised, masks removed), whitespace dropped."""
        self.start()
        return [t for t in self.tokenizer.cut(normalise(text)) if not t.isspace()]

    def common_words(self, min_freq: int) -> frozenset[str]:
        """Words that jieba's dictionary counts at least ``min_freq`` times: ordinary Chinese."""
        return _dictionary_words(self.tokenizer, f"common-{min_freq}",
                                 lambda word, freq, tag: int(freq) >= min_freq)

    def is_term(self, token: str) -> bool:
        """True for a token worth indexing: two characters or more, not a stop word, not a
        number or mask, and either Han or a Latin word (GDP, 5G)."""
        ok = self._term_ok.get(token)
        if ok is None:
            if len(token) < 2 or token in self.stopwords or masks.is_mask(token):
                ok = False
            elif _HAN.search(token):
                ok = True
            else:
                ok = bool(_LATIN_TERM.fullmatch(token)) and not _MASKED_CODE.search(token)
            self._term_ok[token] = ok
        return ok

    def terms(self, text: str) -> list[str]:
        """The terms of ``text`` in order, with repeats (cached: a text is looked at several times)."""
        got = self._cache.get(text)
        if got is None:
            got = [t for t in self.cut(text) if self.is_term(t)]
            self._cache[text] = got
        return got

    def is_keyword(self, term: str) -> bool:
        """A term that may be shown as a keyword: a term jieba's dictionary does not list as a
        verb, adjective, adverb, pronoun, numeral or time word (so 哪里, 接受, 年内 are out), or
        any word of the user dictionary and taxonomy."""
        ok = self._keyword_ok.get(term)
        if ok is None:
            if self._non_nouns is None:
                self._non_nouns = _non_noun_words(self.tokenizer)
            ok = self.is_term(term) and (term in self.dictionary_words or term not in self._non_nouns)
            self._keyword_ok[term] = ok
        return ok


NON_NOUN_TAGS = re.compile(r"^(?:v(?!n)|a(?!n)|[drmtbcpufqyzoe])")
CUT_FORMAT = "1"  # change when normalise() or the way of cutting changes


def _non_noun_words(tokenizer: jieba.Tokenizer) -> frozenset[str]:
    """Words of two characters or more that jieba's dictionary tags as anything but a noun-like
    part of speech."""
    return _dictionary_words(tokenizer, "non-nouns",
                             lambda word, freq, tag: len(word) >= 2 and bool(NON_NOUN_TAGS.match(tag)))


def _dictionary_words(tokenizer: jieba.Tokenizer, name: str, keep) -> frozenset[str]:
    """The words of jieba's dictionary file for which ``keep(word, freq, tag)`` holds, cached
    beside jieba's own cache (parsing the dictionary costs 0.3 s, reading the list 0.05 s)."""
    cache = Path(tokenizer.tmp_dir or tempfile.gettempdir()) / f"wenji-{name}-{jieba.__version__}.txt"
    try:
        return frozenset(cache.read_text(encoding="utf-8").split("\n"))
    except OSError:
        pass
    words = set()
    with tokenizer.get_dict_file() as f:
        for line in f:
            parts = line.decode("utf-8").split()
            if len(parts) == 3 and keep(*parts):
                words.add(parts[0])
    try:
        tmp = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
        tmp.write_text("\n".join(sorted(words)), encoding="utf-8")
        os.replace(tmp, cache)
    except OSError:
        pass
    return frozenset(words)


def _initialize(tokenizer: jieba.Tokenizer) -> None:
    """``tokenizer.initialize()``, reading jieba's prefix-dictionary cache in one piece: jieba
    unmarshals it straight from the open file, a few bytes a read, which takes 1.0 s against
    0.3 s from bytes, and every process that cuts text pays it."""
    if tokenizer.dictionary == jieba.DEFAULT_DICT and not tokenizer.cache_file:
        cache = Path(tokenizer.tmp_dir or tempfile.gettempdir()) / "jieba.cache"  # jieba's own name for it
        try:
            tokenizer.FREQ, tokenizer.total = marshal.loads(cache.read_bytes())
            tokenizer.initialized = True
        except Exception:  # missing or unreadable: jieba builds it again, as it would
            tokenizer.FREQ, tokenizer.total = {}, 0
    tokenizer.initialize()


def _writable(folder: Path) -> Path:
    """``folder`` if it can be created and written, else the system temp folder."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if os.access(folder, os.W_OK):
            return folder
    except OSError:
        pass
    return Path(tempfile.gettempdir())
