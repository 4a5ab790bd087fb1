"""The theme taxonomy (``themes.toml``) and the Segmenter the theme step cuts text with.

Kept apart from the theme step itself (``wenji.themes``): a build reads the taxonomy first, to
make its segmenter, and reading it needs neither numpy nor the speeches' term counts.
"""
from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BuildError, InputError
from .segment import Segmenter, read_word_list

DEFAULT_CONTENT = Path(__file__).resolve().parent.parent / "content"
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


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
    expand_min_pmi: float = 1.5  # least PMI (bits) of a new term with the theme's core sections
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


def content_file(content_dir: Path | None, name: str) -> Path:
    """``content_dir/name`` if present, else the file shipped in the repository's content/."""
    if content_dir is not None and (Path(content_dir) / name).is_file():
        return Path(content_dir) / name
    return DEFAULT_CONTENT / name


@functools.lru_cache(maxsize=4)
def _parsed(text: str) -> dict:
    """The TOML parsed, once for each text: a build reads themes.toml three times (its
    segmenter's words, the matrix's heading weight, the theme step), and tomllib, pure Python,
    took 4 ms each time for the seeds' 20 KB. Only read, never changed, by ``load_taxonomy``."""
    return tomllib.loads(text)


def load_taxonomy(path: Path) -> tuple[list[Theme], Settings]:
    """Read themes.toml; raise BuildError naming every problem."""
    try:
        data = _parsed(path.read_text(encoding="utf-8"))
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
