"""Citations of a speech or one of its sections: GB/T 7714-2015 ([EB/OL]) and BibTeX.

The access date (引用日期) is the reader's, not the build's, and the address is the one the page
is read at when the site has no base URL: static/cite.js assembles both forms in the browser at
the moment a reader copies one, following these functions (a test holds the two equal). The
page keeps the whole speech's reference, with the date as a placeholder, for readers without
scripts; builds stay byte-identical.
"""
from __future__ import annotations

import re

from .model import Section, Speech

CITED_PLACEHOLDER = "引用日期"


def speech_url(config: dict, speech: Speech, anchor: str = "") -> str:
    """The absolute address of a speech (or a section of it) when the site has a base URL, else ''."""
    base = config.get("base_url", "")
    if not base:
        return ""
    return f"{base}speeches/{speech.slug}.html" + (f"#{anchor}" if anchor else "")


def responsible(speech: Speech) -> str:
    """主要责任者: the speaker, else the body or place named in the metadata."""
    return speech.meta.speaker or speech.meta.place or ""


def section_title(speech: Speech, path: tuple[str, ...]) -> str:
    return speech.meta.title + ("：" + " ".join(path) if path else "")


def _url(config: dict, speech: Speech, section: Section | None, page_url: str | None) -> str:
    anchor = section.id if section else ""
    if page_url is not None:
        return page_url + (f"#{anchor}" if anchor else "")
    return speech_url(config, speech, anchor)


def gbt7714(config: dict, speech: Speech, section: Section | None = None, path: tuple[str, ...] = (),
            cited: str = CITED_PLACEHOLDER, page_url: str | None = None) -> str:
    """``责任者. 题名[EB/OL]. (发布日期)[引用日期]. URL.``; ``page_url``: the address the page is
    read at, for a site without a base URL."""
    title = section_title(speech, path)
    parts = []
    who = responsible(speech)
    if who:
        parts.append(f"{who}. ")
    parts.append(f"{title}[EB/OL]. ")
    if speech.meta.date:
        parts.append(f"({speech.meta.date})")
    parts.append(f"[{cited}]")
    url = _url(config, speech, section, page_url)
    parts.append(f". {url}." if url else ".")
    return "".join(parts)


def _bib_escape(text: str) -> str:
    return re.sub(r"([{}%&$#_])", r"\\\1", text)


def bibtex(config: dict, speech: Speech, section: Section | None = None, path: tuple[str, ...] = (),
           cited: str = "", page_url: str | None = None) -> str:
    """A ``@misc`` entry; ``cited`` (the access date) adds ``urldate``."""
    key = re.sub(r"[^A-Za-z0-9]", "_", speech.slug) + (f"_{section.id.replace('-', '_')}" if section else "")
    fields = [("title", "{" + _bib_escape(section_title(speech, path)) + "}")]
    who = responsible(speech)
    if who:
        fields.insert(0, ("author", "{" + _bib_escape(who) + "}"))
    if speech.meta.year:
        fields.append(("year", speech.meta.year))
    if speech.meta.date and len(speech.meta.date) >= 7:
        fields.append(("month", str(int(speech.meta.date[5:7]))))
    if speech.meta.kind:
        fields.append(("type", "{" + _bib_escape(speech.meta.kind) + "}"))
    url = _url(config, speech, section, page_url)
    if url:
        fields.append(("url", "{" + url + "}"))
    if cited:
        fields.append(("urldate", "{" + cited + "}"))
    fields.append(("note", "{" + _bib_escape(config.get("title", "")) + (f"，{section.id}" if section else "") + "}"))
    body = ",\n".join(f"  {k} = {v}" for k, v in fields)
    return f"@misc{{{key},\n{body}\n}}"
