"""The theme pages: the theme index with its heatmap, one page per theme, and the keyword index.

Made from the result of the theme step (``wenji.themes.Themes``); geometry and grouping are
computed here so that the templates only draw.
"""
from __future__ import annotations

import math
from typing import Iterator

from jinja2 import Environment

from .cache import Cache
from .model import Archive
from .themes import Themes

# --- output ------------------------------------------------------------------------------------

CELL_W, CELL_H, LABEL_W, LINE_H = 34, 24, 300, 14  # px; theme names are drawn one character a line
PALETTE = ["#f4f1e8", "#d6e6f2", "#a9cbe4", "#6fa6d0", "#3a7bb4", "#1d4f80"]


def heatmap(themes: Themes) -> dict:
    """Geometry of the theme x speech chart, computed here so the template only draws it."""
    rows = themes.matrix()
    peak = max((c for _, counts in rows for c in counts), default=0) or 1
    head_h = LINE_H * max((len(t.name) for t in themes.themes), default=1) + 12
    cells = []
    for r, (speech, counts) in enumerate(rows):
        for c, count in enumerate(counts):
            level = 0 if count == 0 else max(1, math.ceil(5 * count / peak))
            cells.append({"x": LABEL_W + c * CELL_W, "y": head_h + r * CELL_H, "count": count,
                          "level": level, "fill": PALETTE[level], "speech": speech,
                          "theme": themes.themes[c], "dark": level >= 4})
    columns = [{"x": LABEL_W + c * CELL_W + CELL_W // 2, "theme": t, "chars": list(t.name)}
               for c, t in enumerate(themes.themes)]
    labels = [{"y": head_h + r * CELL_H + CELL_H // 2, "speech": s, "text": _short(s.meta.title or s.stem, 17)}
              for r, (s, _) in enumerate(rows)]
    return {"width": LABEL_W + CELL_W * len(themes.themes) + 8, "height": head_h + CELL_H * len(rows) + 8,
            "cells": cells, "columns": columns, "labels": labels, "cell_w": CELL_W, "cell_h": CELL_H,
            "label_w": LABEL_W, "line_h": LINE_H, "peak": peak, "rows": rows,
            "legend": [{"level": i, "fill": PALETTE[i]} for i in range(len(PALETTE))]}


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def outputs(archive: Archive, themes: Themes, env: Environment, cache: Cache | None = None) -> Iterator[tuple[str, str]]:
    """themes/index.html, one themes/<slug>.html per theme, and keywords.html."""
    def ctx(root: str, title: str, **extra) -> dict:
        return {"root": root, "site": archive.config, "page_title": title, "archive": archive,
                "themes": themes, **extra}

    yield "themes/index.html", env.get_template("themes_index.html").render(
        ctx("../", "主题索引", chart=heatmap(themes), body_class="themes-index"))
    for theme in themes.themes:
        yield f"themes/{theme.slug}.html", env.get_template("theme.html").render(
            ctx("../", theme.name, theme=theme, groups=themes.newest_first(theme.slug),
                count=len(themes.hits[theme.slug]), body_class="theme-page"))
    yield "keywords.html", env.get_template("keywords.html").render(
        ctx("", "关键词索引", keywords=themes.keywords, groups=themes.keywords.letters(),
            body_class="keywords-page"))


