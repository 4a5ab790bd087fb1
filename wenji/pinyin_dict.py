"""pypinyin's readings of index terms, taken from its dictionaries without importing pypinyin.

Importing pypinyin costs 0.19 s of CPU on every build that meets a term it has no pinyin for
(every cold build): it parses its 47,111 phrases (a 2.5 MB JSON file, 0.1 s) and trains its
maximum-matching segmenter on every prefix of every phrase (0.1 s). An index needs the pinyin
of a few hundred terms (168 for the seeds, 1,559 for tests/corpus-real). Here pypinyin's
phrase file is read as bytes (1 ms) and searched by bisection, as it is written in code-point
order: a phrase, or a prefix of one, is found between two of the keys noted every 2 KB in 11
steps of a few microseconds, and only the phrases asked for are parsed. The characters' file
(41,923 entries) is parsed whole (15 ms). The 1,559 index terms of tests/corpus-real take
0.075 s of CPU, readings and tone marks, where importing pypinyin and asking it took 0.2 s.

``lazy_pinyin(text)`` gives what ``pypinyin.lazy_pinyin(text, style=Style.TONE3,
neutral_tone_with_five=False)`` gives: pypinyin's own steps (Han and other runs apart, each Han
run cut by forward maximum matching on the phrases, a phrase's reading or each character's
first one, tone marks made digits), with its tables of tone marks and its rule of where a
mark goes read from its own files. ``to_tone`` is ``pypinyin.contrib.tone_convert.to_tone``.
tests/test_pinyin_dict.py compares both with pypinyin on every phrase and character of its
dictionaries and every term of the seeds and tests/corpus-real.
"""
from __future__ import annotations

import functools
import importlib.util
import json
import re
from bisect import bisect_left
from pathlib import Path

from . import lazy


def _load_file(name: str, path: Path):
    """One of pypinyin's modules that import nothing of pypinyin's, loaded alone from its file
    (importing it the usual way would import the whole package first)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


FOLDER = lazy.package_folder("pypinyin")


@functools.cache
def _symbols():
    """pypinyin's table of tone-marked letters (loaded when first needed: a rebuild finds every
    pinyin in its cache)."""
    return _load_file("wenji._pypinyin_phonetic_symbol", FOLDER / "phonetic_symbol.py")


@functools.cache
def _tone_rule():
    return _load_file("wenji._pypinyin_tone_rule", FOLDER / "style" / "_tone_rule.py")


# pypinyin.constants.RE_HANS: the characters pypinyin looks up (a run of others is kept as written).
_HANS = ("\u3007\ue815-\ue864\ufa18\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002A6DF"
         "\U0002A703-\U0002B73F\U0002B740-\U0002B81D\U0002B825-\U0002BF6E\U0002C029-\U0002CE93"
         "\U0002D016\U0002D11B-\U0002EBD9\U0002F80A-\U0002FA1F\U00030000-\U0003134A\U000300F7-\U00031288"
         "\U00030EDD\U00030EDE\U00031350-\U00032389")


@functools.cache
def _runs() -> re.Pattern:
    """Runs of characters pypinyin looks up, and runs of others (compiled when first needed:
    the class of its ranges takes 8 ms to compile)."""
    return re.compile(f"([{_HANS}]+)|[^{_HANS}]+")


@functools.cache
def _marked() -> tuple[dict[str, str], re.Pattern, list[tuple[str, str]]]:
    """pypinyin.style._constants: marked letters (one character, or a letter and a combining
    mark) and what TONE2 writes for each."""
    marks = _symbols().phonetic_symbol
    single = re.compile("[" + re.escape("".join(k for k in marks if len(k) == 1)) + "]")
    return marks, single, [(k, v) for k, v in marks.items() if len(k) > 1]


_TONE3 = re.compile(r"^([a-zêü]+)([1-5])([a-zêü]*)$")
_TONE2 = re.compile(r"([aeoiuvnmêü])([1-5])")
_DIGIT = re.compile(r"\d")
_KEY_END = b'": ['


class _Phrases:
    """pypinyin's phrases_dict.json, searched where it lies: each key is a line ``"词语": [``,
    the keys in code-point order (that is, in the order of their UTF-8 bytes)."""

    STEP = 2048  # bytes between the keys noted at once: 1,250 of them, 2 ms

    def __init__(self, data: bytes) -> None:
        self.data = data
        noted = [self._entry_from(pos) for pos in range(0, len(data), self.STEP)]
        self.noted = [(key, end) for key, end in filter(None, noted)]
        self.noted_keys = [key for key, _ in self.noted]

    def _entry_from(self, pos: int) -> tuple[bytes, int] | None:
        """The first key whose line ends at or after ``pos``, and where its line ends."""
        end = self.data.find(_KEY_END, pos)
        if end < 0:
            return None
        return self.data[self.data.rfind(b'\n"', 0, end) + 2:end], end

    @functools.lru_cache(maxsize=1 << 15)
    def first_at_least(self, word: str) -> tuple[bytes, int] | None:
        """The first key not below ``word``, and the end of its line: between two noted keys, found
        by bisection of the bytes between them (11 steps instead of 22)."""
        target = word.encode("utf-8")
        i = bisect_left(self.noted_keys, target)
        lo = self.noted[i - 1][1] + 1 if i else 0
        hi = self.noted[i][1] if i < len(self.noted) else len(self.data)
        while lo < hi:
            mid = (lo + hi) // 2
            found = self._entry_from(mid)
            if found is None or found[0] >= target:
                hi = mid
            else:
                lo = found[1] + 1
        return self._entry_from(lo)

    def starts(self, word: str) -> bool:
        """Does some phrase start with ``word`` (pypinyin's prefix set)?"""
        found = self.first_at_least(word)
        return found is not None and found[0].startswith(word.encode("utf-8"))

    def is_phrase(self, word: str) -> bool:
        found = self.first_at_least(word)
        return found is not None and found[0] == word.encode("utf-8")

    def reading(self, word: str) -> list[list[str]] | None:
        """The phrase's readings, one list per character, or None when it is not a phrase."""
        if not self.is_phrase(word):
            return None
        start = self.first_at_least(word)[1] + len(_KEY_END) - 1
        following = self._entry_from(start)
        stop = self.data.rfind(b"\n", 0, following[1]) if following else len(self.data)
        return json.loads(self.data[start:stop].rstrip(b"\n,}"))


@functools.cache
def _phrases() -> _Phrases:
    return _Phrases((FOLDER / "phrases_dict.json").read_bytes())


@functools.cache
def _characters() -> dict[str, str]:
    return json.loads((FOLDER / "pinyin_dict.json").read_bytes())


def _cut(run: str) -> list[str]:
    """pypinyin.seg.mmseg.Seg.cut with ``no_non_phrases``: forward maximum matching on the
    phrases, a character alone where no phrase starts."""
    phrases, out = _phrases(), []
    remain = run
    while remain:
        last, last_end = "", 0
        for index in range(len(remain)):
            word = remain[:index + 1]
            if not phrases.starts(word):
                break
            if phrases.is_phrase(word):
                last, last_end = word, index + 1
        else:
            if not last:  # the rest starts phrases but none of it is one
                out += remain
                break
        if last:
            out.append(last)
            remain = remain[last_end:]
        else:
            out.append(remain[0])
            remain = remain[1:]
    return out


def _readings(word: str) -> list[str]:
    """Each character's first reading, tone-marked: the phrase's, else the character's own;
    a character pypinyin has none for stands for itself."""
    phrase = _phrases().reading(word)
    if phrase is not None:
        return [item[0] for item in phrase]
    characters = _characters()
    return [characters[str(ord(c))].split(",")[0] if str(ord(c)) in characters else c for c in word]


@functools.lru_cache(maxsize=1 << 12)  # 1,600 readings
def to_tone3(marked: str) -> str:
    """``zhōng`` -> ``zhong1``; ``lǜ`` -> ``lv4``; a neutral tone has no digit."""
    marks, single, long = _marked()
    plain = single.sub(lambda m: marks[m.group(0)], marked)
    for symbol, to in long:
        plain = plain.replace(symbol, to)
    return _TONE3.sub(r"\1\3\2", plain)


def lazy_pinyin(text: str) -> list[str]:
    """TONE3 syllables of ``text``, one per Han character; a run of other characters is one
    item, as written."""
    out: list[str] = []
    for m in _runs().finditer(text):
        run = m.group()
        if not m.group(1):
            out.append(run)
            continue
        for word in _cut(run):
            out += [to_tone3(r) for r in _readings(word)]
    return out


def to_tone(tone3: str) -> str:
    """``chong2`` -> ``chóng`` (pypinyin.contrib.tone_convert.to_tone)."""
    pinyin = tone3.replace("v", "ü")
    if not _DIGIT.search(pinyin):
        return pinyin
    numbered = to_tone3(pinyin)
    digits = _DIGIT.findall(numbered)
    if digits:
        plain = _DIGIT.sub("", numbered).replace("ü", "v")
        mark = _tone_rule().right_mark_index(plain)
        mark = len(plain) - 1 if mark is None else mark
        numbered = (plain[:mark + 1] + digits[0] + plain[mark + 1:]).replace("ü", "v")
    tone2 = numbered.replace("ü", "v").replace("5", "").replace("0", "")
    marked = _symbols().phonetic_symbol_reverse
    return _TONE2.sub(lambda m: marked.get(m.group(0)) or m.group(0), tone2).replace("v", "ü")
