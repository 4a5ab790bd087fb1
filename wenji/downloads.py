"""Downloads for readers and researchers: the cleaned text and the structure of every speech,
the whole archive as JSON, and a zip of all plain texts."""
from __future__ import annotations

import io
import json
import zipfile
from typing import Iterator

from .cache import Cache
from .cite import speech_url
from .model import Archive, Section, Speech

ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed, so that builds stay byte-identical


def plain_text(speech: Speech) -> str:
    """The cleaned text with its structure kept as plain text: headings on their own lines,
    blank lines between blocks, each paragraph prefixed by nothing (its number is its order)."""
    m = speech.meta
    lines = [m.title]
    if m.occasion:
        lines.append(f"——{m.occasion}")
    if m.date:
        lines.append(f"（{m.date}）")
    if m.speaker:
        lines.append(m.speaker)
    out = ["\n".join(lines)]

    def walk(sec: Section) -> None:
        for block in sec.blocks:
            if isinstance(block, Section):
                out.append(block.heading)
                walk(block)
            else:
                out.append(block.text)

    walk(speech.body)
    return "\n\n".join(out) + "\n"


def structure(config: dict, speech: Speech) -> dict:
    m = speech.meta
    sections = []
    for sec, path in speech.sections():
        sections.append({
            "id": sec.id, "heading": sec.heading, "depth": sec.depth, "path": list(path),
            "paragraphs": [p.id for p in sec.paragraphs],
            "subsections": [s.id for s in sec.sections],
        })
    return {
        "slug": speech.slug, "stem": speech.stem,
        "url": speech_url(config, speech) or f"speeches/{speech.slug}.html",
        "meta": {"title": m.title, "date": m.date, "date_note": m.date_note, "kind": m.kind, "place": m.place,
                 "speaker": m.speaker, "occasion": m.occasion, "source": m.source,
                 "inferred_from_text": list(m.inferred)},
        "encoding": speech.encoding, "characters": speech.chars, "masked_passages": speech.masks,
        "preamble": [p.id for p in speech.body.paragraphs],
        "sections": sections,
        "paragraphs": [{"id": p.id, "kind": p.kind, "text": p.text} for p in speech.paragraphs()],
    }


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def speech_json(config: dict, speech: Speech) -> str:
    return _json(structure(config, speech))


def archive_outputs(archive: Archive, cache: Cache | None = None) -> Iterator[tuple[str, str | bytes]]:
    """archive.json and the zip of every plain text (the per-speech files are made by site)."""
    texts = {s.slug: plain_text(s) for s in archive.speeches}
    yield "archive.json", _json({
        "title": archive.config.get("title", ""),
        "speeches": [structure(archive.config, s) for s in archive.speeches],
    })
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for slug in sorted(texts):
            info = zipfile.ZipInfo(f"wenji-texts/{slug}.txt", date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, texts[slug].encode("utf-8"))
    yield "archive-texts.zip", buf.getvalue()
