"""Downloads for readers and researchers, and for the tools that build on them (contract of the
publishing issue): per speech ``speeches/<slug>.txt`` (the cleaned text, UTF-8, its structure kept
as plain text) and ``speeches/<slug>.json`` (metadata, sections with ids and headings, paragraph
ids), the whole archive as ``archive.json`` at the site's root, and ``archive-texts.zip`` holding
every .txt and archive.json.

The text is in the site once as text (the .txt) besides the pages and the search data: the .json
does not repeat it but gives each heading and paragraph its line in the .txt, and archive.json
gives every speech's metadata, addresses and sections. (With the paragraphs' text in both, the
.json files and archive.json of the 37 real speeches weighed 2.6× their text; without it 0.3×.)
"""
from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from typing import Iterator

from .cache import Cache, key as cache_key, or_off
from .cite import speech_url
from .deflate import raw_deflated
from .footnotes import NOTES_HEAD
from .model import Archive, Paragraph, Section, Speech

ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed, so that builds stay byte-identical
# A speech that came as another format than .txt is offered as it came too, beside its cleaned text.
ORIGINAL_FORMATS = {".docx": "Word", ".pdf": "PDF", ".html": "网页", ".htm": "网页", ".md": "Markdown"}


# A saved web page is kept under a name no browser renders: opened as a page of the site, its
# scripts would run there and its links point at the website it came from.
KEPT_AS_TEXT = {".html", ".htm"}


def original(speech: Speech) -> tuple[str, str, str] | None:
    """(file name in speeches/, the name it downloads as, format name) of the original file,
    or None for a .txt (its cleaned text is the .txt download)."""
    suffix = speech.source.suffix.lower()
    if suffix not in ORIGINAL_FORMATS:
        return None
    name = f"{speech.slug}{suffix}"
    return (f"{name}.txt" if suffix in KEPT_AS_TEXT else name), name, ORIGINAL_FORMATS[suffix]


def text_name(speech: Speech) -> str:
    return f"speeches/{speech.slug}.txt"


def json_name(speech: Speech) -> str:
    return f"speeches/{speech.slug}.json"


def text_layout(speech: Speech) -> tuple[str, dict[str, tuple[int, int]]]:
    """The cleaned text with its structure kept as plain text, and the lines (first, last;
    counted from 1) that each heading (by section id) and paragraph (by its id) takes in it.

    The text: the title, occasion, date and speaker lines, then headings and paragraphs in
    reading order, one block each, blank lines between, footnotes last under a line ``注释``
    (unless the text's own notes line heads them, as the page's notes list has its heading),
    then what the owner left off the page as boilerplate."""
    m = speech.meta
    head = [m.title] + ([f"——{m.occasion}"] if m.occasion else []) + ([f"（{m.date}）"] if m.date else [])
    out = ["\n".join(head + ([m.speaker] if m.speaker else []))]
    lines: dict[str, tuple[int, int]] = {}
    at = [out[0].count("\n") + 3]  # the line the next block starts on

    def add(block: str, key: str = "") -> None:
        last = at[0] + block.count("\n")
        if key:
            lines[key] = (at[0], last)
        out.append(block)
        at[0] = last + 2

    def walk(sec: Section) -> None:
        for block in sec.blocks:
            if isinstance(block, Section):
                add(block.heading, block.id)
                walk(block)
            else:
                if block.kind == "note" and block.note == 1 and not NOTES_HEAD.match(out[-1]):
                    add("注释")
                add(block.text, block.id)

    walk(speech.body)
    for line in speech.dropped:  # left off the page as boilerplate, kept here as written
        add(line.text)
    return "\n\n".join(out) + "\n", lines


def plain_text(speech: Speech) -> str:
    """``speeches/<slug>.txt``: see text_layout."""
    return text_layout(speech)[0]


def page_data(config: dict, speech: Speech) -> dict:
    """The speech's metadata as its .json and archive.json begin with it; the page carries it
    too (``data-speech``), for static/cite.js."""
    m = speech.meta
    return {
        "slug": speech.slug, "stem": speech.stem,
        "url": speech_url(config, speech) or f"speeches/{speech.slug}.html",
        "meta": {"title": m.title, "date": m.date, "date_note": m.date_note, "kind": m.kind, "place": m.place,
                 "speaker": m.speaker, "occasion": m.occasion, "source": m.source,
                 "inferred_from_text": list(m.inferred)},
        "encoding": speech.encoding, "characters": speech.chars, "masked_passages": speech.masks,
    }


def _address(config: dict, name: str) -> str:
    """A file's address: absolute under the base URL when there is one, else from the site's root."""
    return config.get("base_url", "") + name


def structure(config: dict, speech: Speech, lines: dict[str, tuple[int, int]] | None = None,
              encoded: bool = False) -> dict:
    """What ``speeches/<slug>.json`` holds: the metadata; the addresses of the page, the text
    and this file; the ids of the paragraphs before the first section; every section in reading
    order (its id as on the page, heading, depth, its line in the .txt and its own paragraphs'
    ids); every paragraph (its id as on the page, its first and last line in the .txt, and its
    kind when it is not plain text: ``salutation``, ``item``, ``note``). It depends on
    ``config`` only through ``base_url``, which the cache of archive_outputs is keyed on.
    ``lines``: the layout of the .txt, when known already. ``encoded``: the sections and
    paragraphs as the JSON of their lines in the file already (see _encoded_rows)."""
    lines = lines if lines is not None else text_layout(speech)[1]
    sections, paragraphs = (_encoded_rows if encoded else _rows)(speech.body, lines)
    return {
        **page_data(config, speech),
        "text_url": _address(config, text_name(speech)),
        "json_url": _address(config, json_name(speech)),
        "preamble": [b.id for b in speech.body.blocks if isinstance(b, Paragraph)],
        "sections": sections,
        "paragraphs": paragraphs,
    }


def _rows(body: Section, lines: dict[str, tuple[int, int]]) -> tuple[list[dict], list[dict]]:
    """The sections and the paragraphs of ``structure``, in reading order."""
    sections: list[dict] = []
    paragraphs: list[dict] = []

    def visit(sec: Section) -> None:
        for b in sec.blocks:  # reading order: a section before its subsections
            if isinstance(b, Section):
                sections.append({"id": b.id, "heading": b.heading, "depth": b.depth, "line": lines[b.id][0],
                                 "paragraphs": [p.id for p in b.blocks if isinstance(p, Paragraph)]})
                visit(b)
            else:
                row: dict = {"id": b.id, "lines": list(lines[b.id])}
                if b.kind != "text":
                    row["kind"] = b.kind
                paragraphs.append(row)

    visit(body)
    return sections, paragraphs


class _Encoded(str):
    """A row of a list that is JSON already: ``_dump`` writes a list of them one a line, as it is."""


_STR = json.encoder.encode_basestring  # a string as the encoder of _ENCODE writes it


def _encoded_rows(body: Section, lines: dict[str, tuple[int, int]]) -> tuple[list[_Encoded], list[_Encoded]]:
    """``_rows`` as the JSON that ``_dump`` writes for them, made without their dicts: the 22,759
    rows of 300 synthetic speeches take 0.031 s of CPU so, 0.085 s made as dicts and encoded one
    by one (their .json files: 0.059 rather than 0.124 s)."""
    sections: list[_Encoded] = []
    paragraphs: list[_Encoded] = []

    def visit(sec: Section) -> None:
        for b in sec.blocks:
            if isinstance(b, Section):
                own = ", ".join(_STR(p.id) for p in b.blocks if isinstance(p, Paragraph))
                sections.append(_Encoded(f'{{"id": {_STR(b.id)}, "heading": {_STR(b.heading)}, "depth": {int(b.depth)}, '
                                         f'"line": {int(lines[b.id][0])}, "paragraphs": [{own}]}}'))
                visit(b)
            else:
                first, last = lines[b.id]
                kind = f', "kind": {_STR(b.kind)}' if b.kind != "text" else ""
                paragraphs.append(_Encoded(f'{{"id": {_STR(b.id)}, "lines": [{int(first)}, {int(last)}]{kind}}}'))

    visit(body)
    return sections, paragraphs


def archive_entry(config: dict, speech: Speech) -> dict:
    """A speech in archive.json: what its .json holds (structure) but the preamble, and only
    the sections' ids, headings and depths (where its paragraphs are is in its .json). Made
    without the rest of the .json, whose row per paragraph was most of the CPU time of the
    entries: 0.1 s at 1,000 synthetic speeches."""
    sections: list[dict] = []

    def visit(sec: Section) -> None:
        for b in sec.blocks:  # reading order, as in structure
            if isinstance(b, Section):
                sections.append({"id": b.id, "heading": b.heading, "depth": b.depth})
                visit(b)

    visit(speech.body)
    return {
        **page_data(config, speech),
        "text_url": _address(config, text_name(speech)),
        "json_url": _address(config, json_name(speech)),
        "sections": sections,
    }


_ENCODE = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(v, ensure_ascii=False), its encoder made once
_SCALARS = (str, int, float, bool, type(None))


def _is_scalar(v) -> bool:
    return not isinstance(v, (dict, list, tuple))


def _is_row(v) -> bool:
    """A dict written on one line: its values scalars or lists of scalars (a section, a paragraph)."""
    if not isinstance(v, dict):
        return False
    for x in v.values():
        if isinstance(x, (list, tuple)):
            if not all(map(_is_scalar, x)):
                return False
        elif isinstance(x, dict):
            return False
    return True


def _dump(obj, pad: str, out: list[str]) -> None:
    """``obj`` as JSON nested at indentation ``pad``: objects indented one space a level, a list
    of scalars on one line, a list of flat objects (sections, paragraphs) one object a line. A
    reader finds a section or paragraph on its own line, and the real archive's .json files are
    406 KB instead of the 549 KB ``json.dumps(indent=1)`` writes for the same data. Values are
    encoded by one encoder made once (``json.dumps`` with options makes one each call): 0.065
    rather than 0.097 s of CPU for the structure of 300 synthetic speeches, 0.026 rather than
    0.043 s for their entries in archive.json."""
    if isinstance(obj, dict) and obj:
        inner = pad + " "
        for i, (k, v) in enumerate(obj.items()):
            out.append(("{\n" if not i else ",\n") + inner + _ENCODE(str(k)) + ": ")
            if isinstance(v, _SCALARS):
                out.append(_ENCODE(v))
            else:
                _dump(v, inner, out)
        out.append("\n" + pad + "}")
    elif isinstance(obj, list) and obj and isinstance(obj[0], _Encoded):
        inner = pad + " "
        out.append("[\n" + inner + (",\n" + inner).join(obj) + "\n" + pad + "]")
    elif isinstance(obj, (list, tuple)) and obj and not all(map(_is_scalar, obj)):
        inner = pad + " "
        if all(map(_is_row, obj)):
            out.append("[\n" + inner + (",\n" + inner).join(map(_ENCODE, obj)))
        else:
            for i, v in enumerate(obj):
                out.append(("[\n" if not i else ",\n") + inner)
                _dump(v, inner, out)
        out.append("\n" + pad + "]")
    else:
        out.append(_ENCODE(obj))


def _dumps(obj, pad: str = "") -> str:
    out: list[str] = []
    _dump(obj, pad, out)
    return "".join(out)


def _json(data) -> str:
    return _dumps(data) + "\n"


def speech_json(config: dict, speech: Speech) -> str:
    """``speeches/<slug>.json``: see structure."""
    return _json(structure(config, speech, encoded=True))


# archive.json and the zip are assembled from parts made per speech: its entry in archive.json,
# indented for its place there; that entry deflated on its own (a deflate stream ended by a full
# flush, so that such pieces joined and closed by a final block are one valid stream) for the
# zip's archive.json; and the zip member of its .txt. (The .json files are left out of the zip:
# deflated they were 133 KB of the real archive's, and what they add to archive.json, where each
# paragraph is in the .txt, a reader of the zip finds by its blank lines.) The parts live in a few cache
# entries keyed by speech digest inside: a thousand reads, one per speech, would cost more than
# the assembly, and one entry for all would be rewritten whole after every edit.
_STEP = "archive-downloads-4"
_BUCKETS = 16  # entries the parts are spread over, by digest; an edit rewrites one of them
ZIP_NAME = "archive-texts.zip"
ARCHIVE_NAME = "archive.json"
_ZIP_FOLDER = "wenji-texts/"
_DOS_DATE = (ZIP_DATE[0] - 1980) << 9 | ZIP_DATE[1] << 5 | ZIP_DATE[2]
_DOS_TIME = ZIP_DATE[3] << 11 | ZIP_DATE[4] << 5 | ZIP_DATE[5] // 2
_LOCAL = struct.Struct("<4s2B4HL2L2H")  # APPNOTE 4.3.7 local file header
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # APPNOTE 4.3.12 central directory header
_END = struct.Struct("<4s4H2LH")  # APPNOTE 4.3.16 end of central directory record
_UTF8_NAME = 0x800  # general purpose bit 11: the name is UTF-8
_MODE = 0o644 << 16  # rw-r--r-- in the Unix half of the external attributes
_LIMIT = zipfile.ZIP64_LIMIT  # beyond it (or 65,535 members) the zip needs Zip64: zipfile writes it

Member = tuple[bytes, int, int, int, bytes]  # name, flags, CRC-32, size, raw deflate data


def zip_name(speech: Speech) -> str:
    """The name of a speech's .txt in the zip."""
    return f"{_ZIP_FOLDER}{speech.slug}.txt"


def _member(name: str, data: bytes) -> Member:
    """A zip member as zipfile writes it, its data deflated by libdeflate (wenji.deflate)."""
    try:
        encoded, flags = name.encode("ascii"), 0
    except UnicodeEncodeError:
        encoded, flags = name.encode("utf-8"), _UTF8_NAME
    return encoded, flags, zlib.crc32(data), len(data), raw_deflated(data)


def _deflated_piece(data: bytes) -> bytes:
    """Raw deflate data of ``data`` that another such piece may follow: no final block, and a
    full flush, so nothing after it refers back into it."""
    deflate = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return deflate.compress(data) + deflate.flush(zlib.Z_FULL_FLUSH)


_FINAL_BLOCK = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15).flush()  # an empty last block


def _parts(config: dict, speech: Speech) -> tuple[bytes, bytes, Member]:
    text = text_layout(speech)[0]
    entry = _dumps(archive_entry(config, speech), "  ").encode("utf-8")
    return entry, _deflated_piece(entry), _member(zip_name(speech), text.encode("utf-8"))


def _joined_member(name: bytes, pieces: list[tuple[bytes, bytes]]) -> Member:
    """A zip member made of (bytes, their deflated piece) pairs, in order."""
    crc = size = 0
    for data, _ in pieces:
        crc = zlib.crc32(data, crc)
        size += len(data)
    return name, 0, crc, size, b"".join(d for _, d in pieces) + _FINAL_BLOCK


def _zip(members: list[Member]) -> bytes | None:
    """The zip of already deflated members, in their order; None when it would need Zip64."""
    if len(members) > 0xFFFF:
        return None
    local: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for name, flags, crc, size, data in members:
        if size * 1.05 > _LIMIT or offset > _LIMIT or len(data) > _LIMIT:
            return None
        head = _LOCAL.pack(b"PK\x03\x04", 20, 0, flags, zipfile.ZIP_DEFLATED, _DOS_TIME, _DOS_DATE, crc,
                           len(data), size, len(name), 0)
        local += (head, name, data)
        central += (_CENTRAL.pack(b"PK\x01\x02", 20, 3, 20, 0, flags, zipfile.ZIP_DEFLATED, _DOS_TIME, _DOS_DATE,
                                  crc, len(data), size, len(name), 0, 0, 0, 0, _MODE, offset), name)
        offset += len(head) + len(name) + len(data)
    directory = b"".join(central)
    if offset > _LIMIT or len(directory) > _LIMIT:
        return None
    end = _END.pack(b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), offset, 0)
    local += (directory, end)
    return b"".join(local)


def _zipfile(files: list[tuple[str, bytes]]) -> bytes:
    """The same zip written by zipfile, which adds Zip64 records when the archive is that large."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in files:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = _MODE
            zf.writestr(info, content)
    return buf.getvalue()


def _speech_parts(archive: Archive, cache: Cache) -> list[tuple[bytes, bytes, Member]]:
    """Each speech's parts, from the cache when its digest is known there."""
    config = archive.config
    keys = [cache_key(_STEP, config.get("base_url", ""), str(b)) for b in range(_BUCKETS)]
    old = [cache.get(_STEP, k) or {} for k in keys]
    known: list[dict[str, tuple]] = [{} for _ in keys]
    parts = []
    for s in archive.speeches:
        b = zlib.crc32(s.digest.encode()) % _BUCKETS
        got = old[b].get(s.digest) if s.digest else None
        if got is None:
            got = _parts(config, s)
        if s.digest:
            known[b][s.digest] = got
        parts.append(got)
    for k, was, now in zip(keys, old, known):
        if now.keys() != was.keys():
            cache.put(_STEP, k, now)  # only the speeches of this build: an entry does not grow
    return parts


def archive_outputs(archive: Archive, cache: Cache | None = None) -> Iterator[tuple[str, str | bytes]]:
    """``archive.json``, and ``archive-texts.zip``: every speech's .txt (``wenji-texts/<slug>.txt``)
    and archive.json.

    Each speech's parts come from the cache when its digest is known there, so a rebuild after
    one edit computes one speech's parts and joins the others' (see _STEP)."""
    parts = _speech_parts(archive, or_off(cache))
    title = archive.config.get("title", "")
    pieces = [b'{\n "title": ' + json.dumps(title, ensure_ascii=False).encode("utf-8") + b',\n "speeches": [']
    for i, part in enumerate(parts):
        pieces += (b",\n  " if i else b"\n  ", part[0])
    pieces.append(b"\n ]\n}\n" if parts else b"]\n}\n")
    data = b"".join(pieces)
    yield ARCHIVE_NAME, data
    deflated = {2 + 2 * i: p[1] for i, p in enumerate(parts)}  # the speeches' entries, deflated already
    whole = _joined_member(ARCHIVE_NAME.encode(), [(p, deflated.get(i) or _deflated_piece(p))
                                                   for i, p in enumerate(pieces)])
    zipped = _zip(sorted((p[2] for p in parts), key=lambda m: m[0]) + [whole])
    if zipped is None:
        files = sorted((zip_name(s), plain_text(s).encode("utf-8")) for s in archive.speeches)
        zipped = _zipfile(files + [(ARCHIVE_NAME, data)])
    yield ZIP_NAME, zipped
