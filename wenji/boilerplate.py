"""Boilerplate: passages that open or close many speeches alike (a licence notice, a site's
footer copied with the text).

The build finds them and says so with the count; it leaves them out only where the owner says
(``[boilerplate]`` in site.toml for the archive, ``drop`` / ``drop_from`` in a speech's front
matter), and keeps what it left out in the speech's plain-text download.
"""
from __future__ import annotations

import re
from collections import Counter

from .model import Line, Speech

MIN_SPEECHES = 3  # a passage shared by this many speeches' ends is reported


def drop(lines: list[Line], drop_any: tuple[str, ...], drop_from: tuple[str, ...]) -> tuple[list[Line], list[Line]]:
    """(kept, dropped): paragraphs matching ``drop_any`` anywhere, and from the first paragraph
    in the second half matching ``drop_from`` to the end."""
    cut = len(lines)
    if drop_from:
        rx = re.compile("|".join(f"(?:{p})" for p in drop_from))
        cut = next((k for k in range(len(lines) // 2, len(lines)) if rx.search(lines[k].text)), len(lines))
    kept, dropped = [], lines[cut:]
    rx_any = re.compile("|".join(f"(?:{p})" for p in drop_any)) if drop_any else None
    for line in lines[:cut]:
        (dropped if rx_any and rx_any.search(line.text) else kept).append(line)
    dropped.sort(key=lambda l: l.line)
    return kept, dropped


def repeated_edges(speeches: list[Speech]) -> list[tuple[str, str, int]]:
    """(where, text, speeches) for each paragraph that opens or closes MIN_SPEECHES or more
    speeches alike: what the owner may want to drop."""
    counts: dict[str, Counter] = {"opens": Counter(), "closes": Counter()}
    for s in speeches:
        opens, closes = s.edges
        counts["opens"].update(set(opens))
        counts["closes"].update(set(closes))
    found = []
    for where, counter in counts.items():
        found += [(where, text, n) for text, n in counter.items()
                  if n >= MIN_SPEECHES and n * 10 >= len(speeches) and len(text) >= 4]
    return sorted(found, key=lambda f: (-f[2], f[0], f[1]))
