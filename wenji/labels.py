"""How a page names another speech in a few characters: the keyword index before each place,
a speech page before each related passage.

A speech is named by its year and kind (``2019 政府工作报告``) where no other speech of the
archive has both; else, when its title ends in a tag such as ``(十七大)``, by the tag and the
kind (``十七大 党代会报告``) where that is unique; else by its year and title. Every speech's
name is unique unless two speeches have the same title and year. On the real archive the
titles said before every place were 329 KB of the 1.46 MB of keyword pages; the undated
congress reports, named by their titles, still 139 KB of the 1.23 MB left.
"""
from __future__ import annotations

import re
from collections import Counter

from .model import Speech

LEADING_YEAR = re.compile(r"^\s*\d{4}\s*年?\s*(?=\S)")
TRAILING_TAG = re.compile(r"\s*[(（]([^()（）]{1,12})[)）]\s*$")


def speech_labels(speeches: list[Speech]) -> dict[str, str]:
    """Each speech's short name, by slug (see the module's docstring)."""
    rows = [(s.slug, s.meta.year, s.meta.kind, s.meta.title or s.stem) for s in speeches]

    def short(year: str, kind: str, title: str) -> str:
        if year and kind:
            return f"{year} {kind}"
        tag = TRAILING_TAG.search(title)
        return f"{tag.group(1)} {kind}" if tag and kind and not year else ""

    wanted = {slug: short(year, kind, title) for slug, year, kind, title in rows}
    said = Counter(wanted.values())
    return {slug: wanted[slug] if wanted[slug] and said[wanted[slug]] == 1
            else " ".join(x for x in (year, LEADING_YEAR.sub("", title) if year else title) if x)
            for slug, year, kind, title in rows}
