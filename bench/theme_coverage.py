#!/usr/bin/env python3
"""Theme coverage across eras on tests/corpus-real: per decade, the share of leaf sections (and
of speeches without sections) placed under at least one theme; the themes of pre-1995 speeches
under 数字经济; and the size of each theme.

    python bench/theme_coverage.py
"""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from wenji import themes  # noqa: E402
from wenji.site import load_archive  # noqa: E402

REAL = REPO / "tests" / "corpus-real"


def units(speech):
    """The leaf sections of a speech, or the speech itself (its root) when it has none."""
    leaves = [sec for sec, _ in speech.sections() if not any(hasattr(b, "blocks") for b in sec.blocks)]
    return leaves or [speech.body]


def coverage(archive, result) -> dict[str, tuple[int, int]]:
    """decade -> (units under a theme, units)."""
    placed = {(h.speech.slug, h.section.id) for hits in result.hits.values() for h in hits}
    out: dict[str, list[int]] = {}
    for s in archive.speeches:
        decade = s.meta.date[:3] + "0s" if s.meta.date else "undated"
        c = out.setdefault(decade, [0, 0])
        for u in units(s):
            c[1] += 1
            c[0] += (s.slug, u.id) in placed or (u is s.body and any(k[0] == s.slug for k in placed))
    return {k: (v[0], v[1]) for k, v in sorted(out.items())}


def main() -> None:
    archive = load_archive(REAL / "seeds", REAL / "content")
    result = themes.analyse(archive, REAL / "content")
    for decade, (placed, n) in coverage(archive, result).items():
        print(f"{decade}: {placed}/{n} = {placed / n:.0%}")
    early = [(h.speech.slug, h.section.id) for h in result.hits.get("digital-economy", []) if h.speech.meta.date[:4] < "1995"]
    print("pre-1995 sections under digital-economy:", early)
    print("hits per theme:", dict(Counter({t.slug: len(result.hits[t.slug]) for t in result.themes})))


if __name__ == "__main__":
    main()
