"""Downloads for readers and researchers: the cleaned text and the structure of every speech,
the whole archive as JSON, and a zip of all plain texts."""
from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from json.encoder import encode_basestring as _quote  # what json.dumps uses with ensure_ascii=False
from typing import Iterator

from .cache import Cache, key as cache_key, or_off
from .cite import speech_url
from .footnotes import NOTES_HEAD
from .model import Archive, Section, Speech

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


def plain_text(speech: Speech) -> str:
    """The cleaned text with its structure kept as plain text: headings on their own lines,
    blank lines between blocks, each paragraph prefixed by nothing (its number is its order),
    footnotes last under a line ``注释`` (unless the text's own notes line heads them, as the
    page's notes list has its heading), then what the owner left off the page as boilerplate."""
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
                if block.kind == "note" and block.note == 1 and not NOTES_HEAD.match(out[-1]):
                    out.append("注释")
                out.append(block.text)

    walk(speech.body)
    out += [line.text for line in speech.dropped]  # left off the page as boilerplate, kept here as written
    return "\n\n".join(out) + "\n"


def page_data(config: dict, speech: Speech) -> dict:
    """What a speech's .json holds that its page does not show as such: the fields before its
    preamble, sections and paragraphs, in their order. The page carries them (``data-speech``) and
    static/save.js adds the rest from the page itself to make the .json a reader downloads."""
    m = speech.meta
    return {
        "slug": speech.slug, "stem": speech.stem,
        "url": speech_url(config, speech) or f"speeches/{speech.slug}.html",
        "meta": {"title": m.title, "date": m.date, "date_note": m.date_note, "kind": m.kind, "place": m.place,
                 "speaker": m.speaker, "occasion": m.occasion, "source": m.source,
                 "inferred_from_text": list(m.inferred)},
        "encoding": speech.encoding, "characters": speech.chars, "masked_passages": speech.masks,
    }


def structure(config: dict, speech: Speech) -> dict:
    """What the speech's .json holds. It depends on ``config`` only through ``base_url``, which
    archive_outputs' cache is keyed on."""
    sections: list[dict] = []
    paragraphs: list[dict] = []

    def visit(sec: Section, path: list[str]) -> None:
        # one pass in reading order: sections depth-first, each before its subsections
        own = [b.id for b in sec.blocks if not isinstance(b, Section)]
        if sec.depth:
            path = path + [sec.heading]
            sections.append({"id": sec.id, "heading": sec.heading, "depth": sec.depth, "path": path,
                             "paragraphs": own, "subsections": [b.id for b in sec.blocks if isinstance(b, Section)]})
        for b in sec.blocks:
            if isinstance(b, Section):
                visit(b, path)
            else:
                paragraphs.append({"id": b.id, "kind": b.kind, "text": b.text})

    visit(speech.body, [])
    return {
        **page_data(config, speech),
        "preamble": [b.id for b in speech.body.blocks if not isinstance(b, Section)],
        "sections": sections,
        "paragraphs": paragraphs,
    }


def _dump(obj, pad: str, out: list[str]) -> None:
    """Append ``obj`` as ``json.dumps(obj, ensure_ascii=False, indent=1)`` writes it when nested at
    indentation ``pad``: the same text, without json's slow pure-Python indenting encoder."""
    t = type(obj)
    if t is str:
        out.append(_quote(obj))
    elif t is dict and obj:
        start = len(out)
        inner = pad + " "
        sep = "{\n" + inner
        for k, v in obj.items():
            if type(k) is not str:  # json turns such keys into strings its own way
                del out[start:]
                out.append(json.dumps(obj, ensure_ascii=False, indent=1).replace("\n", "\n" + pad))
                return
            if type(v) is str:
                out.append(sep + _quote(k) + ": " + _quote(v))
            else:
                out.append(sep + _quote(k) + ": ")
                _dump(v, inner, out)
            sep = ",\n" + inner
        out.append("\n" + pad + "}")
    elif (t is list or t is tuple) and obj:
        inner = pad + " "
        sep = ",\n" + inner
        try:
            out.append("[\n" + inner + sep.join(map(_quote, obj)) + "\n" + pad + "]")
            return
        except TypeError:  # not all strings
            pass
        out.append("[")
        for i, v in enumerate(obj):
            out.append(sep if i else "\n" + inner)
            _dump(v, inner, out)
        out.append("\n" + pad + "]")
    elif t is list or t is tuple:
        out.append("[]")
    elif t is dict:
        out.append("{}")
    elif obj is None:
        out.append("null")
    elif obj is True:
        out.append("true")
    elif obj is False:
        out.append("false")
    elif t is int:
        out.append(int.__repr__(obj))
    else:  # floats, subclasses, other types: json itself (its strings hold no raw newline)
        out.append(json.dumps(obj, ensure_ascii=False, indent=1).replace("\n", "\n" + pad))


def _dumps(obj, pad: str = "") -> str:
    out: list[str] = []
    _dump(obj, pad, out)
    return "".join(out)


def _json(data) -> str:
    return _dumps(data) + "\n"


def speech_json(config: dict, speech: Speech) -> str:
    return _json(structure(config, speech))


# The zip holds every plain text and archive.json, the whole archive as data; a speech's own .txt
# and .json are made by the reader's browser from its page (static/save.js), so the site carries
# the text once in its pages and once, deflated, in the zip. (Written out as files, archive.json
# and the 37 real speeches' .txt and .json weighed 8.9 MB against 2.5 MB of text.)
#
# Both are assembled from parts made per speech: its structure as JSON, indented for its place in
# archive.json, that JSON deflated on its own (a deflate stream ended by a full flush, so that
# such pieces joined and closed by a final block are one valid stream), and its text's zip
# member. The parts live in a few cache entries keyed by speech digest inside: a thousand reads,
# one per speech, would cost more than the assembly, and one entry for all would be rewritten
# whole after every edit.
_STEP = "archive-downloads-2"
_BUCKETS = 16  # entries the parts are spread over, by digest; an edit rewrites one of them
ZIP_NAME = "archive-texts.zip"
_ZIP_NAME = "wenji-texts/{}.txt"
_ZIP_DATA = b"archive.json"
_DOS_DATE = (ZIP_DATE[0] - 1980) << 9 | ZIP_DATE[1] << 5 | ZIP_DATE[2]
_DOS_TIME = ZIP_DATE[3] << 11 | ZIP_DATE[4] << 5 | ZIP_DATE[5] // 2
_LOCAL = struct.Struct("<4s2B4HL2L2H")  # APPNOTE 4.3.7 local file header
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # APPNOTE 4.3.12 central directory header
_END = struct.Struct("<4s4H2LH")  # APPNOTE 4.3.16 end of central directory record
_UTF8_NAME = 0x800  # general purpose bit 11: the name is UTF-8
_MODE = 0o644 << 16  # rw-r--r-- in the Unix half of the external attributes
_LIMIT = zipfile.ZIP64_LIMIT  # beyond it (or 65,535 members) the zip needs Zip64: zipfile writes it


def _member(slug: str, text: str) -> tuple[bytes, int, int, int, bytes]:
    """A zip member as zipfile writes it: (name, flags, CRC-32, size, raw deflate data)."""
    name = _ZIP_NAME.format(slug)
    try:
        encoded, flags = name.encode("ascii"), 0
    except UnicodeEncodeError:
        encoded, flags = name.encode("utf-8"), _UTF8_NAME
    data = text.encode("utf-8")
    deflate = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return encoded, flags, zlib.crc32(data), len(data), deflate.compress(data) + deflate.flush()


def _deflated_piece(data: bytes) -> bytes:
    """Raw deflate data of ``data`` that another such piece may follow: no final block, and a
    full flush, so nothing after it refers back into it."""
    deflate = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return deflate.compress(data) + deflate.flush(zlib.Z_FULL_FLUSH)


_FINAL_BLOCK = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15).flush()  # an empty last block


def _parts(config: dict, speech: Speech) -> tuple[bytes, bytes, tuple]:
    data = _dumps(structure(config, speech), "  ").encode("utf-8")
    return data, _deflated_piece(data), _member(speech.slug, plain_text(speech))


def _joined_member(name: bytes, pieces: list[tuple[bytes, bytes]]) -> tuple[bytes, int, int, int, bytes]:
    """A zip member made of (bytes, their deflated piece) pairs, in order."""
    crc = size = 0
    for data, _ in pieces:
        crc = zlib.crc32(data, crc)
        size += len(data)
    return name, 0, crc, size, b"".join(d for _, d in pieces) + _FINAL_BLOCK


def _zip(members: list[tuple[bytes, int, int, int, bytes]]) -> bytes | None:
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


def _zipfile(texts: dict[str, str], data: bytes) -> bytes:
    """The same zip written by zipfile, which adds Zip64 records when the archive is that large."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        names = [(_ZIP_NAME.format(slug), texts[slug].encode("utf-8")) for slug in sorted(texts)]
        for name, content in names + [(_ZIP_DATA.decode(), data)]:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = _MODE
            zf.writestr(info, content)
    return buf.getvalue()


def archive_outputs(archive: Archive, cache: Cache | None = None) -> Iterator[tuple[str, str | bytes]]:
    """archive-texts.zip: every plain text (``wenji-texts/<slug>.txt``) and ``archive.json``.

    Each speech's parts come from the cache when its digest is known there, so a rebuild after
    one edit computes one speech's parts and joins the others' (see _STEP)."""
    config, cache = archive.config, or_off(cache)
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
    pieces = [b'{\n "title": ' + _dumps(config.get("title", ""), " ").encode("utf-8") + b',\n "speeches": [']
    for i in range(len(parts)):
        pieces.append(b",\n  " if i else b"\n  ")
        pieces.append(parts[i][0])
    pieces.append(b"\n ]\n}\n" if parts else b"]\n}\n")
    deflated = {2 + 2 * i: p[1] for i, p in enumerate(parts)}  # the speeches' parts, deflated already
    data = _joined_member(_ZIP_DATA, [(p, deflated.get(i) or _deflated_piece(p)) for i, p in enumerate(pieces)])
    by_slug = sorted(zip(archive.speeches, parts), key=lambda sp: sp[0].slug)
    zipped = _zip([member for _, (_, _, member) in by_slug] + [data])
    yield ZIP_NAME, zipped if zipped is not None else _zipfile({s.slug: plain_text(s) for s in archive.speeches},
                                                               b"".join(pieces))
