"""Data files that the browser inflates: JSON deflated (a zlib stream) and written as a base85 string
(RFC 1924's alphabet, Python's ``base64.b85encode``: no quote or backslash, so it stands in a JS
string as it is) inside a plain script, so the page loads it from ``file://`` too; read back in
the browser by ``wenjiSearch.inflate`` (static/search-engine.js: base85 decoded, then
DecompressionStream). The level is fixed, so the same data gives the same bytes on every build.
The deflating is libdeflate's (the ``deflate`` package, pinned): on the 119 files of
tests/corpus-real (4.13 MB of JSON) its level 9 took 0.10 s of CPU where zlib's took 0.22 s,
and wrote 1.97 MB where zlib wrote 2.00 MB (its level 7 is the one used: see LEVEL); a zlib
stream all the same, which the browser's DecompressionStream and Python's zlib inflate.
Base85 writes 5 characters for 4 bytes where base64 writes 5.33: on tests/corpus-real the
deflated files (search texts and term shards, trend shards, comparison data; 2.67 MB as base64)
are 167 KB lighter, 0.07 of the text's bytes. The search texts take 0.51 of their JSON's bytes
this way, the trend shards 0.73 and the comparison data 0.86 (the word starts, one bit a
character, hardly compress).
"""
from __future__ import annotations

import base64
import hashlib
import json
import zlib
from typing import Any

import deflate as libdeflate

from . import lazy
from .cache import Cache
from .kept import Kept

np = lazy.module("numpy")

# libdeflate's levels go to 12: 10 wrote 4 % less than 9 on tests/corpus-real, in 2.9 times the
# time. 7 wrote 0.03 % more than 9 there (1,974,210 bytes for 4.13 MB of JSON, against 1,973,608)
# in 0.056 s of CPU rather than 0.070, and at 1,000 synthetic speeches 0.02 % less (53.4 MB of
# JSON) in 0.65 s rather than 0.81; 6 wrote 0.2 % more in 0.048 s.
LEVEL = 7


def deflated(plain: bytes) -> bytes:
    """The bytes deflated (a zlib stream) and base85-encoded, as a JSON string (in quotes)."""
    return b'"%s"' % b85encode(libdeflate.zlib_compress(plain, LEVEL))


def raw_deflated(plain: bytes) -> bytes:
    """Raw deflate data (no zlib header or checksum), as a zip member holds it, at zlib's
    default level 6: libdeflate took 0.035 s of CPU for the 37 texts of tests/corpus-real
    (2.4 MB) where zlib took 0.095 s, for 943,180 bytes against 943,112."""
    return libdeflate.deflate_compress(plain, 6)


B85_ALPHABET = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~"


def b85encode(data: bytes) -> bytes:
    """``base64.b85encode(data)``, the same bytes, in numpy: each big-endian group of 4 bytes
    (the last one padded with zeros) as 5 base-85 digits, most significant first, less as many
    digits as bytes were padded. The standard library's is a Python loop over the groups: 0.17 s
    of CPU for the 98 files of tests/corpus-real."""
    padding = -len(data) % 4
    words = np.frombuffer(data + b"\0" * padding, dtype=">u4").astype(np.uint32)
    digits = np.empty((len(words), 5), dtype=np.uint8)
    for place in range(4, -1, -1):
        digits[:, place] = words % 85
        words //= 85
    encoded = np.frombuffer(B85_ALPHABET, dtype=np.uint8)[digits].tobytes()
    return encoded[:len(encoded) - padding]


def deflated_json(value: Any) -> str:
    """The value as compact JSON (UTF-8), deflated: a JSON string to assign in a script."""
    plain = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return deflated(plain).decode("ascii")


def deflated_kept(values: list[Any], cache: Cache, name: str) -> list[str]:
    """deflated_json of each value, taken over from the last build where its JSON is the same
    (wenji.kept, by a digest of the JSON; ``name``: one per set of files). Deflating at level 9
    is most of the cost of these files, 0.43 s of CPU for the 53 trend shards at 1,000
    synthetic speeches, and an edit changes a few of them."""
    plains = [json.dumps(v, ensure_ascii=False, separators=(",", ":")).encode("utf-8") for v in values]
    digests = [hashlib.blake2b(p, digest_size=16).hexdigest() for p in plains]
    kept = Kept(cache, "deflated", name)
    out = [kept.get(d, lambda p=p: deflated(p).decode("ascii")) for d, p in zip(digests, plains)]
    kept.save(digests, out.__getitem__)
    return out


def inflated(text: bytes | str) -> bytes:
    """What deflated() was given."""
    if isinstance(text, str):
        text = text.encode("ascii")
    return zlib.decompress(base64.b85decode(text.strip(b'"')))


def inflated_json(text: bytes | str) -> Any:
    return json.loads(inflated(text))
