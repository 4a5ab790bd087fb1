"""The theme index: which sections of which speeches treat which theme, computed from the text.

Method (everything below is measured against hand labels in tests/theme_labels.toml):

- Terms: each section is cut once with jieba (wenji.segment), its heading's terms counting
  ``heading_boost`` times; IDF is computed over the archive's sections, so words that every
  speech uses weigh nearly nothing.
- Score: a theme's score in a section is the sum, over the theme's terms found there, of
  term weight x count x IDF. Its *weight* there is that score divided by the sum of count x IDF
  over all the section's terms: the share of what is distinctive in the section that belongs
  to the theme. A section is assigned when the weight reaches ``threshold`` and at least
  ``min_terms`` different theme terms were found (one repeated word is not a topic).
- Expansion: for each theme, the sections it clearly dominates (weight >= ``core``, its best
  theme) propose related terms: terms found in at least two of them, from at least two
  speeches, several times more frequent there than in the rest of the archive, noun-like, and
  not common words of general Chinese (by jieba's dictionary frequency). They join the theme at
  half weight or less, then every section is scored again. On the labels this adds a little
  recall at the same precision; the theme pages list the added terms.

Everything is computed in a fixed order with ties broken by name, so the same archive gives the
same themes, weights and order.
"""
from __future__ import annotations

import re
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path


from .cache import Cache
from .errors import BuildError, InputError
from .keywords import (PINYIN_OVERRIDES, Corpus, Keywords, Pinyin, SectionTerms, build_corpus,
                       build_keywords, load_pinyin_overrides)
from .model import Archive, Section, Speech
from .segment import Segmenter, read_word_list

DEFAULT_CONTENT = Path(__file__).resolve().parent.parent / "content"
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
SNIPPET_CONTEXT = 24  # characters of context either side of the keyword in a snippet


@dataclass(frozen=True)
class Settings:
    """Tuning of the assignment ([assign] in themes.toml); defaults chosen on the labels."""

    threshold: float = 0.08
    min_terms: int = 2
    heading_boost: float = 2.0
    weak_weight: float = 0.5
    expand: bool = True
    core: float = 0.15  # weight from which a section is a clear example of its best theme
    expand_min_share: float = 0.15  # least share of the core sections holding a new term
    expand_ratio: float = 3.0  # how much more frequent in the core sections than elsewhere
    expand_general_freq: int = 2000  # jieba dictionary frequency above which a word is common
    expand_max_weight: float = 0.5


@dataclass
class Theme:
    slug: str
    name: str
    description: str
    seeds: dict[str, float]
    expanded: dict[str, float] = field(default_factory=dict)

    @property
    def weights(self) -> dict[str, float]:
        return {**self.expanded, **self.seeds}


@dataclass
class Hit:
    """A section assigned to a theme, with the evidence a reader sees on the theme page."""

    theme: Theme
    speech: Speech
    section: Section
    path: tuple[str, ...]
    weight: float  # share of the section's term weight that belongs to the theme
    terms: list[tuple[str, int]]  # matched terms with their counts, strongest first
    snippet: tuple[str, str, str]  # text before, the keyword, text after

    @property
    def anchor(self) -> str:
        """Id of this hit on the theme page."""
        return f"{self.speech.slug}-{self.section.id}"

    @property
    def href(self) -> str:
        """Link from a page in themes/ to the section."""
        return f"../speeches/{self.speech.slug}.html#{self.section.id}"

    @property
    def weight_text(self) -> str:
        return f"{self.weight:.2f}"


@dataclass
class SpeechTheme:
    """A theme as it shows in a speech's header: how many of its sections treat it."""

    theme: Theme
    sections: int
    weight: float


@dataclass
class Themes:
    """The computed theme assignment and keywords of an archive."""

    themes: list[Theme]
    hits: dict[str, list[Hit]]  # theme slug -> hits, in archive (home-page) and reading order
    keywords: Keywords
    speeches: list[Speech]  # the archive's speeches, in home-page order
    settings: Settings
    _by_section: dict[tuple[str, str], list[Hit]] = field(default_factory=dict)
    _by_speech: dict[str, dict[str, list[Hit]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for theme in self.themes:
            for hit in self.hits[theme.slug]:
                self._by_section.setdefault((hit.speech.slug, hit.section.id), []).append(hit)
                self._by_speech.setdefault(hit.speech.slug, {}).setdefault(theme.slug, []).append(hit)
        for hits in self._by_section.values():
            hits.sort(key=lambda h: (-h.weight, h.theme.slug))

    def theme(self, slug: str) -> Theme:
        return next(t for t in self.themes if t.slug == slug)

    def for_section(self, speech_slug: str, section_id: str) -> list[Hit]:
        """The themes of one section, heaviest first."""
        return self._by_section.get((speech_slug, section_id), [])

    def for_speech(self, speech_slug: str) -> list[SpeechTheme]:
        """The themes a speech treats, the one with most sections first."""
        out = []
        mine = self._by_speech.get(speech_slug, {})
        for theme in self.themes:
            hits = mine.get(theme.slug)
            if hits:
                out.append(SpeechTheme(theme, len(hits), sum(h.weight for h in hits)))
        return sorted(out, key=lambda st: (-st.sections, -st.weight, st.theme.slug))

    def keywords_for(self, speech_slug: str) -> list[tuple[str, str]]:
        """A speech's top keywords with their anchor on keywords.html ("" if not indexed)."""
        return [(t, self.keywords.anchors.get(t, "")) for t, _ in self.keywords.by_speech.get(speech_slug, [])]

    def newest_first(self, theme_slug: str) -> list[tuple[Speech, list[Hit]]]:
        """A theme's hits grouped by speech, newest speech first (undated last)."""
        groups: dict[str, list[Hit]] = {}
        for hit in self.hits[theme_slug]:
            groups.setdefault(hit.speech.slug, []).append(hit)
        order = sorted(self.speeches, key=_newest_first_key)
        return [(s, groups[s.slug]) for s in order if s.slug in groups]

    def matrix(self) -> list[tuple[Speech, list[int]]]:
        """Sections per (speech, theme), speeches newest first, themes in taxonomy order."""
        counts = Counter((h.speech.slug, t.slug) for t in self.themes for h in self.hits[t.slug])
        return [(s, [counts[(s.slug, t.slug)] for t in self.themes])
                for s in sorted(self.speeches, key=_newest_first_key)]


def _newest_first_key(speech: Speech) -> tuple:
    date = speech.meta.date
    # Invert the date's digits so a plain ascending sort puts the newest first.
    inverted = "".join(chr(ord("9") - ord(c) + ord("0")) if c.isdigit() else c for c in date)
    return (date == "", inverted, speech.meta.title, speech.stem)


# --- loading the taxonomy ------------------------------------------------------------------


def content_file(content_dir: Path | None, name: str) -> Path:
    """``content_dir/name`` if present, else the file shipped in the repository's content/."""
    if content_dir is not None and (Path(content_dir) / name).is_file():
        return Path(content_dir) / name
    return DEFAULT_CONTENT / name


def load_taxonomy(path: Path) -> tuple[list[Theme], Settings]:
    """Read themes.toml; raise BuildError naming every problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise BuildError([InputError(path, f"cannot read the theme taxonomy: {e}")]) from None
    errors: list[InputError] = []
    assign = data.get("assign", {})
    known = set(Settings.__dataclass_fields__)
    for key in sorted(set(assign) - known):
        errors.append(InputError(path, f"[assign] has an unknown setting {key!r}"))
    settings = Settings(**{k: v for k, v in assign.items() if k in known})
    themes: list[Theme] = []
    seen: set[str] = set()
    for i, raw in enumerate(data.get("theme", []), 1):
        slug = str(raw.get("slug", ""))
        where = f"theme {i} ({slug or 'no slug'})"
        if not SLUG.match(slug):
            errors.append(InputError(path, f"{where}: slug must be lower-case ASCII letters, digits and -"))
        elif slug in seen:
            errors.append(InputError(path, f"{where}: slug used twice"))
        seen.add(slug)
        if not raw.get("name"):
            errors.append(InputError(path, f"{where}: no name"))
        terms = [unicodedata.normalize("NFKC", str(t)).strip() for t in raw.get("terms", [])]
        weak = [unicodedata.normalize("NFKC", str(t)).strip() for t in raw.get("weak", [])]
        if not terms:
            errors.append(InputError(path, f"{where}: no terms"))
        seeds = {t: settings.weak_weight for t in weak if t}
        seeds.update({t: 1.0 for t in terms if t})
        themes.append(Theme(slug, str(raw.get("name", "")), str(raw.get("description", "")), seeds))
    if not themes and not errors:
        errors.append(InputError(path, "no [[theme]] entries"))
    if errors:
        raise BuildError(errors)
    return themes, settings


# --- the analysis ----------------------------------------------------------------------------


def segmenter_for(content_dir: Path | None) -> Segmenter:
    """The Segmenter the theme step of this content folder uses (so a build can start cutting
    before the theme step runs)."""
    themes, _ = load_taxonomy(content_file(content_dir, "themes.toml"))
    return make_segmenter(content_dir, themes)


def make_segmenter(content_dir: Path | None, themes: list[Theme]) -> Segmenter:
    """The build's Segmenter: user dictionary, every theme term kept whole, extra stop words."""
    words = sorted({t for th in themes for t in th.seeds})
    extra_stop = read_word_list(Path(content_dir) / "stopwords.txt") if content_dir else []
    return Segmenter(content_file(content_dir, "userdict.txt"), words=words, stopwords=extra_stop)


def analyse(archive: Archive, content_dir: Path | None, segmenter: Segmenter | None = None,
            cache: Cache | None = None, workers: int = 1) -> Themes:
    """Compute the theme assignment and the keywords of ``archive``."""
    themes, settings = load_taxonomy(content_file(content_dir, "themes.toml"))
    seg = segmenter or make_segmenter(content_dir, themes)
    seg.prefill(archive.speeches, cache or Cache(enabled=False), workers)  # at once if prefilled before
    for theme in themes:  # a seed that is a stop word can never match: leave it out
        theme.seeds = {t: w for t, w in theme.seeds.items() if seg.is_term(t)}
    corpus = build_corpus(archive, seg, settings.heading_boost)
    if settings.expand:
        expand(themes, corpus, settings, seg)
    hits = {t.slug: [] for t in themes}
    by_term = _term_map(themes)
    for st in corpus.sections:
        for hit in score_section(st, themes, corpus, settings, by_term):
            hits[hit.theme.slug].append(hit)
    pinyin_paths = [PINYIN_OVERRIDES] + ([Path(content_dir) / "pinyin.txt"] if content_dir else [])
    keywords = build_keywords(archive, corpus, Pinyin(load_pinyin_overrides(*pinyin_paths)), seg)
    return Themes(themes, hits, keywords, list(archive.speeches), settings)


def _shares(st: SectionTerms, themes: list[Theme], corpus: Corpus,
            by_term: dict[str, list[tuple[int, float]]]) -> list[tuple[Theme, float, list]]:
    """Each theme's share of the section's term weight, with the matched (term, tf, score)."""
    mass = 0.0
    matched: list[list] = [[] for _ in themes]
    for t, c in st.tf.items():
        idf = corpus.idf.get(t, 0.0)
        mass += c * idf
        for i, w in by_term.get(t, ()):
            matched[i].append((t, c, w * c * idf))
    return [(theme, (sum(m[2] for m in matched[i]) / mass) if mass else 0.0, matched[i])
            for i, theme in enumerate(themes)]


def _term_map(themes: list[Theme]) -> dict[str, list[tuple[int, float]]]:
    """term -> [(index of the theme, weight of the term in it)]."""
    by_term: dict[str, list[tuple[int, float]]] = {}
    for i, theme in enumerate(themes):
        for t, w in theme.weights.items():
            by_term.setdefault(t, []).append((i, w))
    return by_term


def score_section(st: SectionTerms, themes: list[Theme], corpus: Corpus, settings: Settings,
                  by_term: dict[str, list[tuple[int, float]]]) -> Iterator[Hit]:
    """The hits of one section: every theme whose weight and evidence pass the thresholds."""
    for theme, share, matched in _shares(st, themes, corpus, by_term):
        if share < settings.threshold or len(matched) < settings.min_terms:
            continue
        matched.sort(key=lambda m: (-m[2], m[0]))
        terms = [(t, st.counts[t]) for t, _c, _w in matched]
        yield Hit(theme, st.speech, st.section, st.path, round(share, 4), terms,
                  snippet(st.section, [t for t, _ in terms]))


def expand(themes: list[Theme], corpus: Corpus, settings: Settings, seg: Segmenter) -> None:
    """Add related archive terms to each theme (see the module docstring)."""
    best: dict[str, list[SectionTerms]] = {t.slug: [] for t in themes}
    by_term = _term_map(themes)
    for st in corpus.sections:
        shares = _shares(st, themes, corpus, by_term)
        theme, share, _ = max(shares, key=lambda x: (x[1], x[0].slug))
        if share >= settings.core:
            best[theme.slug].append(st)
    seeded = {t for th in themes for t in th.seeds}
    common = seg.common_words(settings.expand_general_freq + 1)
    df = Counter(t for st in corpus.sections for t in st.tf)
    n = len(corpus.sections)
    for theme in themes:
        core = best[theme.slug]
        if len(core) < 3:
            continue
        in_core = Counter(t for st in core for t in st.tf)
        speeches: dict[str, set[str]] = {}
        for st in core:
            for t in st.tf:
                speeches.setdefault(t, set()).add(st.speech.slug)
        rest = max(n - len(core), 1)
        for term in sorted(in_core):
            count = in_core[term]
            if term in seeded or count < 2 or len(speeches[term]) < 2:
                continue
            if term in common or not seg.is_keyword(term):
                continue
            p_in, p_out = count / len(core), (df[term] - count) / rest
            if p_in >= settings.expand_min_share and p_in >= settings.expand_ratio * p_out:
                w = min(settings.expand_max_weight, settings.expand_max_weight * (p_in - p_out) / 0.5)
                theme.expanded[term] = round(w, 3)


def snippet(section: Section, terms: list[str]) -> tuple[str, str, str]:
    """Keyword in context: the first paragraph occurrence of the strongest matched term that
    occurs literally (else the heading), cut at about SNIPPET_CONTEXT characters either side."""
    texts = [p.text for p in section.paragraphs] + ([section.heading] if section.heading else [])
    for term in terms:
        for text in texts:
            i = text.find(term)
            if i < 0:
                folded = unicodedata.normalize("NFKC", text)
                i = folded.find(term)
                if i < 0:
                    continue
                text = folded
            a, b = max(0, i - SNIPPET_CONTEXT), min(len(text), i + len(term) + SNIPPET_CONTEXT)
            before = ("…" if a > 0 else "") + text[a:i]
            after = text[i + len(term):b] + ("…" if b < len(text) else "")
            return before, text[i:i + len(term)], after
    text = texts[0] if texts else ""
    return "", "", text[: 2 * SNIPPET_CONTEXT] + ("…" if len(text) > 2 * SNIPPET_CONTEXT else "")


def page_signature(themes: Themes, speech: Speech) -> tuple:
    """What a speech page shows from the theme step (chips, themes, keywords), in a form that
    changes exactly when the page would: the build re-renders a page only when it does."""
    chips = tuple((sec.id, tuple((h.theme.slug, h.theme.name, h.weight_text, tuple(t for t, _ in h.terms[:4]))
                                 for h in themes.for_section(speech.slug, sec.id)))
                  for sec, _ in speech.sections())
    speech_themes = tuple((st.theme.slug, st.theme.name, st.sections) for st in themes.for_speech(speech.slug))
    return chips, speech_themes, tuple(themes.keywords_for(speech.slug))
