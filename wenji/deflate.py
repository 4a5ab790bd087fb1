"""Data files that the browser inflates: JSON deflated with zlib and written as a base85 string
(RFC 1924's alphabet, Python's ``base64.b85encode``: no quote or backslash, so it stands in a JS
string as it is) inside a plain script, so the page loads it from ``file://`` too; read back in
the browser by ``wenjiSearch.inflate`` (static/search-engine.js: base85 decoded, then
DecompressionStream). The level is fixed, so the same data gives the same bytes on every build.
Base85 writes 5 characters for 4 bytes where base64 writes 5.33: on tests/corpus-real the
deflated files (search texts and term shards, trend shards, comparison data; 2.67 MB as base64)
are 167 KB lighter, 0.07 of the text's bytes. The search texts take 0.51 of their JSON's bytes
this way, the trend shards 0.73 and the comparison data 0.86 (the word starts, one bit a
character, hardly compress).
"""
from __future__ import annotations

import base64
import json
import zlib
from typing import Any

LEVEL = 9


def deflated(plain: bytes) -> bytes:
    """The bytes deflated and base85-encoded, as a JSON string (in quotes)."""
    return b'"%s"' % base64.b85encode(zlib.compress(plain, LEVEL))


def deflated_json(value: Any) -> str:
    """The value as compact JSON (UTF-8), deflated: a JSON string to assign in a script."""
    plain = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return deflated(plain).decode("ascii")


def inflated(text: bytes | str) -> bytes:
    """What deflated() was given."""
    if isinstance(text, str):
        text = text.encode("ascii")
    return zlib.decompress(base64.b85decode(text.strip(b'"')))


def inflated_json(text: bytes | str) -> Any:
    return json.loads(inflated(text))
