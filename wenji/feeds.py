"""What a published site needs when it has a base URL: sitemap.xml, robots.txt, an Atom feed.
Without a base URL none of these is written (they need absolute addresses)."""
from __future__ import annotations

from html import escape as _html_escape
from typing import Iterator

from .cite import speech_url
from .model import Archive


def escape(text: str) -> str:
    """&, < and > as entities, as xml.sax.saxutils.escape writes them: that module imports
    urllib.request and the e-mail parser (0.02-0.05 s of every build's start)."""
    return _html_escape(text, quote=False)


def _iso(date: str) -> str:
    """Atom needs a full timestamp: a partial date is taken as its first day."""
    y, m, d = (date.split("-") + ["01", "01"])[:3]
    return f"{y}-{m}-{d}T00:00:00Z"


def outputs(archive: Archive, extra_pages: list[str]) -> Iterator[tuple[str, str]]:
    base = archive.config.get("base_url", "")
    if not base:
        return
    urls = [base + "index.html"] + [base + p for p in extra_pages] + [speech_url(archive.config, s) for s in archive.speeches]
    sitemap = ['<?xml version="1.0" encoding="UTF-8"?>',
               '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    sitemap += [f"  <url><loc>{escape(u)}</loc></url>" for u in urls]
    sitemap.append("</urlset>")
    yield "sitemap.xml", "\n".join(sitemap) + "\n"
    yield "robots.txt", f"User-agent: *\nAllow: /\nSitemap: {base}sitemap.xml\n"
    dated = sorted(archive.speeches, key=lambda s: (s.meta.date, s.meta.title, s.stem), reverse=True)
    newest = next((s.meta.date for s in dated if s.meta.date), "1970")
    title = escape(archive.config.get("title", ""))
    feed = ['<?xml version="1.0" encoding="utf-8"?>',
            f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{escape(archive.config.get("language", "zh-CN"))}">',
            f"  <title>{title}</title>",
            f'  <link rel="alternate" type="text/html" href="{escape(base)}index.html"/>',
            f'  <link rel="self" type="application/atom+xml" href="{escape(base)}feed.xml"/>',
            f"  <id>{escape(base)}</id>",
            f"  <updated>{_iso(newest)}</updated>",
            f"  <author><name>{title}</name></author>"]
    for s in dated:
        url = speech_url(archive.config, s)
        summary = s.meta.summary or (s.paragraphs()[0].text[:120] if s.paragraphs() else "")
        feed += ["  <entry>",
                 f"    <title>{escape(s.meta.title)}</title>",
                 f'    <link rel="alternate" type="text/html" href="{escape(url)}"/>',
                 f"    <id>{escape(url)}</id>",
                 f"    <updated>{_iso(s.meta.date or '1970')}</updated>",
                 f"    <category term=\"{escape(s.meta.kind)}\"/>" if s.meta.kind else "",
                 f"    <summary>{escape(summary)}</summary>",
                 "  </entry>"]
    feed.append("</feed>")
    yield "feed.xml", "\n".join(line for line in feed if line) + "\n"
