"""Terms of the archive: per-section term counts, the archive's own IDF, keywords, and the
keyword index sorted by pinyin.

Keywords are TF-IDF terms, computed the way ``jieba.analyse.extract_tags`` computes them
(term frequency over the text's terms times IDF) but with the IDF taken from this archive's
sections instead of jieba's general-language table, so the words every speech uses (发展, 建设,
推进) weigh little. The term counts are made once per build from one segmentation pass and
shared with the theme step. (``jieba.analyse`` itself is not imported: importing it builds
module-level extractors and loads a 6 MB IDF table, about 0.6 s, more than scoring and
keywords take together.)
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pypinyin import Style, lazy_pinyin
from pypinyin.contrib.tone_convert import to_tone

from .model import Archive, Section, Speech
from .segment import DATA, Segmenter

PINYIN_OVERRIDES = DATA / "pinyin.txt"
SECTION_TOP = 6  # a term "matters" in a section when it is among its 6 heaviest terms
SPEECH_TOP = 12  # keywords shown in a speech's header
INDEX_PER_SPEECH = 30  # a speech contributes its 30 heaviest terms to the keyword index
REFS_PER_ENTRY = 12  # an index entry links to the sections where its term weighs most, like a book's index


@dataclass
class SectionTerms:
    """One section's terms: ``tf`` counts heading terms ``heading_boost`` times."""

    speech: Speech
    section: Section
    path: tuple[str, ...]
    tf: Counter
    heading_terms: frozenset[str]
    counts: Counter  # plain occurrences, heading included once

    @property
    def key(self) -> tuple[str, str]:
        return (self.speech.slug, self.section.id)


@dataclass
class Corpus:
    """Every section of the archive as term counts, with the archive's IDF over sections."""

    sections: list[SectionTerms]
    idf: dict[str, float]
    speech_tf: dict[str, Counter]
    speech_idf: dict[str, float]  # over speeches; all 1.0 when there are fewer than 3

    def tfidf(self, tf: Counter) -> dict[str, float]:
        """TF-IDF weights of a term count, as extract_tags computes them (tf / total * idf)."""
        total = sum(tf.values()) or 1.0
        return {t: c / total * self.idf.get(t, 0.0) for t, c in tf.items()}


def build_corpus(archive: Archive, segmenter: Segmenter, heading_boost: float = 2.0) -> Corpus:
    """Cut every section (and each speech's preamble) once; IDF = log((N+1)/(df+1)) over them."""
    sections: list[SectionTerms] = []
    docs: list[Counter] = []
    speech_tf: dict[str, Counter] = {}
    for speech in archive.speeches:
        whole: Counter = Counter()
        for section, path in speech.body.walk():
            heading = segmenter.terms(section.heading) if section.depth else []
            counts: Counter = Counter(heading)
            for p in section.paragraphs:
                counts.update(segmenter.terms(p.text))
            tf = Counter(counts)
            for t in heading:
                tf[t] += heading_boost - 1
            docs.append(tf)
            whole.update(counts)
            if section.depth:
                sections.append(SectionTerms(speech, section, path, tf, frozenset(heading), counts))
        speech_tf[speech.slug] = whole
    n = len(docs)
    df: Counter = Counter()
    for tf in docs:
        df.update(tf.keys())
    idf = {t: math.log((n + 1) / (d + 1)) for t, d in df.items()}
    speeches = len(speech_tf)
    sdf: Counter = Counter()
    for tf in speech_tf.values():
        sdf.update(tf.keys())
    speech_idf = {t: math.log((speeches + 1) / (d + 1)) if speeches >= 3 else 1.0 for t, d in sdf.items()}
    return Corpus(sections, idf, speech_tf, speech_idf)


def top_terms(weights: dict[str, float], n: int) -> list[tuple[str, float]]:
    """The n heaviest terms, ties broken by the term itself, so the order is reproducible."""
    ranked = sorted(((t, w) for t, w in weights.items() if w > 0), key=lambda tw: (-tw[1], tw[0]))
    return ranked[:n]


# --- pinyin ----------------------------------------------------------------------------


def load_pinyin_overrides(*paths: Path) -> dict[str, list[str]]:
    """Phrase readings that pypinyin gets wrong: ``重构 chong2 gou4`` a line (later files win)."""
    overrides: dict[str, list[str]] = {}
    for path in paths:
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8-sig").splitlines():
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            word, *syllables = line.split()
            if len(syllables) == len(word):
                overrides[word] = [s.lower() for s in syllables]
    return overrides


_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


class Pinyin:
    """Pinyin of index terms with phrase overrides (an instance, not pypinyin's global dicts)."""

    def __init__(self, overrides: dict[str, list[str]]) -> None:
        self.overrides = overrides
        self.longest = max((len(w) for w in overrides), default=0)
        self._memo: dict[str, list[str]] = {}

    def syllables(self, term: str) -> list[str]:
        """TONE3 syllables (``chong2``, ``lv4``; neutral tone has no digit), one per Han
        character; a run of other characters (GDP, 5G) stays one item, as written."""
        got = self._memo.get(term)
        if got is None:
            got = self._memo[term] = self._syllables(term)
        return got

    def _syllables(self, term: str) -> list[str]:
        out: list[str] = []
        i, pending = 0, ""
        while i < len(term):
            for size in range(min(self.longest, len(term) - i), 1, -1):
                reading = self.overrides.get(term[i:i + size])
                if reading:
                    out += self._convert(pending)
                    pending = ""
                    out += reading
                    i += size
                    break
            else:
                pending += term[i]
                i += 1
        return out + self._convert(pending)

    @staticmethod
    def _convert(text: str) -> list[str]:
        if not text:
            return []
        return lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=False)

    def display(self, term: str) -> str:
        """Tone-marked pinyin for showing beside the term (``chóng qìng``); "" without Han."""
        if not _HAN.search(term):
            return ""
        return " ".join(to_tone(s) if _SYLLABLE.fullmatch(s) else s for s in self.syllables(term))

    def sort_key(self, term: str) -> tuple:
        """Digits and symbols first, then Latin and Han together by letters (pinyin for Han),
        then by tones, then by the term itself."""
        syl = self.syllables(term)
        letters = tuple(s[:-1] if _SYLLABLE.fullmatch(s) else s.lower() for s in syl)
        tones = tuple(int(s[-1]) if _SYLLABLE.fullmatch(s) else 0 for s in syl)
        return (0 if self.letter(term) == "#" else 1, letters, tones, term)

    def letter(self, term: str) -> str:
        """The letter group of a term: A-Z, or # for digits and symbols."""
        syl = self.syllables(term)
        first = syl[0][:1].upper() if syl else ""
        return first if "A" <= first <= "Z" else "#"


_SYLLABLE = re.compile(r"[a-zü]+[1-5]")


# --- the keyword index -------------------------------------------------------------------


@dataclass
class Ref:
    """Where a term matters: a section, with its TF-IDF weight there."""

    speech: Speech
    section: Section
    path: tuple[str, ...]
    weight: float


@dataclass
class Entry:
    term: str
    pinyin: str
    letter: str
    anchor: str
    refs: list[Ref] = field(default_factory=list)  # the heaviest places, in reading order
    more: int = 0  # places not listed (search finds every one)


@dataclass
class Keywords:
    """Keywords per speech and per section, and the index of the archive's significant terms."""

    by_speech: dict[str, list[tuple[str, float]]]
    by_section: dict[tuple[str, str], list[tuple[str, float]]]
    index: list[Entry]
    anchors: dict[str, str]

    def letters(self) -> list[tuple[str, list[Entry]]]:
        """Index entries grouped by letter, in order (# first)."""
        groups: dict[str, list[Entry]] = {}
        for e in self.index:
            groups.setdefault(e.letter, []).append(e)
        return list(groups.items())


def build_keywords(archive: Archive, corpus: Corpus, pinyin: Pinyin, segmenter: Segmenter) -> Keywords:
    """Keywords of each section and speech, and the index.

    A section's keywords are its heaviest TF-IDF terms (IDF over sections). A speech's are
    weighted once more by the IDF over speeches, so what sets the speech apart comes first. Only noun-like terms
    (``Segmenter.is_keyword``) are keywords. The index holds every term that is among a
    speech's heaviest and matters (is a keyword) in some section, or matters in two sections.
    """
    by_section: dict[tuple[str, str], list[tuple[str, float]]] = {}
    refs: dict[str, list[Ref]] = {}
    for st in corpus.sections:
        weights = {t: w for t, w in corpus.tfidf(st.tf).items() if segmenter.is_keyword(t)}
        top = top_terms(weights, SECTION_TOP)
        by_section[st.key] = top
        for term, w in top:
            refs.setdefault(term, []).append(Ref(st.speech, st.section, st.path, w))
    by_speech: dict[str, list[tuple[str, float]]] = {}
    candidates: set[str] = set()
    for speech in archive.speeches:
        weights = {t: w * corpus.speech_idf.get(t, 0.0)
                   for t, w in corpus.tfidf(corpus.speech_tf[speech.slug]).items() if segmenter.is_keyword(t)}
        ranked = top_terms(weights, INDEX_PER_SPEECH)
        by_speech[speech.slug] = ranked[:SPEECH_TOP]
        candidates.update(t for t, _ in ranked)
    chosen = sorted((t for t, r in refs.items() if t in candidates or len(r) >= 2), key=pinyin.sort_key)
    index: list[Entry] = []
    anchors: dict[str, str] = {}
    used: set[str] = set()
    for term in chosen:
        anchor = _anchor(term, pinyin, used)
        anchors[term] = anchor
        refs_ = refs[term]
        if len(refs_) > REFS_PER_ENTRY:
            keep = {id(r) for r in sorted(refs_, key=lambda r: -r.weight)[:REFS_PER_ENTRY]}
            shown = [r for r in refs_ if id(r) in keep]
        else:
            shown = refs_
        index.append(Entry(term, pinyin.display(term), pinyin.letter(term), anchor, shown, len(refs_) - len(shown)))
    return Keywords(by_speech, by_section, index, anchors)


def _anchor(term: str, pinyin: Pinyin, used: set[str]) -> str:
    """An ASCII id for the term on keywords.html (``kw-chong2qing4``), unique."""
    base = "kw-" + re.sub(r"[^a-z0-9]+", "", "".join(pinyin.syllables(term)).lower())
    anchor, n = base, 2
    while anchor in used:
        anchor, n = f"{base}-{n}", n + 1
    used.add(anchor)
    return anchor
