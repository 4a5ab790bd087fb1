"""Citations of a speech or one of its sections: GB/T 7714-2015 ([EB/OL]) and BibTeX.

The cited date (引用日期) is the reader's, not the build's: it is left as a placeholder that the
page fills in, so that builds stay byte-identical.
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


def gbt7714(config: dict, speech: Speech, section: Section | None = None, path: tuple[str, ...] = ()) -> str:
    """``责任者. 题名[EB/OL]. (发布日期)[引用日期]. URL.``"""
    title = section_title(speech, path)
    parts = []
    who = responsible(speech)
    if who:
        parts.append(f"{who}. ")
    parts.append(f"{title}[EB/OL]. ")
    if speech.meta.date:
        parts.append(f"({speech.meta.date})")
    parts.append(f"[{CITED_PLACEHOLDER}]")
    url = speech_url(config, speech, section.id if section else "")
    parts.append(f". {url}." if url else ".")
    return "".join(parts)


def _bib_escape(text: str) -> str:
    return re.sub(r"([{}%&$#_])", r"\\\1", text)


def bibtex(config: dict, speech: Speech, section: Section | None = None, path: tuple[str, ...] = ()) -> str:
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
    url = speech_url(config, speech, section.id if section else "")
    if url:
        fields.append(("url", "{" + url + "}"))
    fields.append(("note", "{" + _bib_escape(config.get("title", "")) + (f"，{section.id}" if section else "") + "}"))
    body = ",\n".join(f"  {k} = {v}" for k, v in fields)
    return f"@misc{{{key},\n{body}\n}}"
