"""Read: bytes of a raw speech -> str, whatever encoding it came in.

Supported: UTF-8 (with or without BOM), UTF-16 and UTF-32 with BOM, and GB18030 (a superset
of GBK and GB2312). An encoding named in the speech's metadata wins over detection.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from . import lazy
from .errors import InputError

charset_normalizer = lazy.module("charset_normalizer")  # 46 ms to import: only for a file that is not UTF-8

BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
# Control characters that never occur in a text file; their presence means binary data.
_BINARY = {chr(c) for c in range(0x20) if chr(c) not in "\t\n\r\f\v"} | {"\x7f"}
# Those of them that can stand inside a line: U+001C-U+001E end a line, for str.splitlines.
_BINARY_IN_LINE = re.compile("[" + "".join(sorted(_BINARY - set("\x1c\x1d\x1e"))) + "]")


class ReadError(ValueError):
    def __init__(self, reason: str, line: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.line = line


def _line_of(data: bytes, offset: int, newline: bytes = b"\n") -> int:
    return data.count(newline, 0, offset) + 1


def _cjk_share(text: str) -> float:
    letters = [c for c in text if not c.isspace()]
    if not letters:
        return 0.0
    cjk = sum(1 for c in letters if unicodedata.east_asian_width(c) in "WF")
    return cjk / len(letters)


def decode(data: bytes, encoding: str = "") -> tuple[str, str]:
    """Return (text, encoding name). Raises ReadError with a reason (and line) when it cannot."""
    if not data.strip():
        raise ReadError("empty file")
    if encoding:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            raise ReadError(f"unknown encoding {encoding!r} given in metadata") from None
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as e:
            raise ReadError(f"not valid {encoding}: {e.reason} at byte {e.start}", _line_of(data, e.start)) from None
        return _check_text(text.lstrip("\ufeff"), codec)
    for bom, codec in BOMS:
        if data.startswith(bom):
            try:
                return _check_text(data.decode(codec).lstrip("\ufeff"), codec)
            except UnicodeDecodeError as e:
                raise ReadError(f"not valid {codec} after its byte-order mark: {e.reason} at byte {e.start}") from None
    if b"\x00" in data:
        raise ReadError("binary file: NUL byte", _line_of(data, data.index(b"\x00")))
    try:
        return _check_text(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as utf8_error:
        first_bad = utf8_error.start
    # Not UTF-8: GB18030 is the other encoding Chinese plain text comes in. charset-normalizer
    # confirms it (and rejects bytes that only decode by accident, such as Latin-1 text).
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and _cjk_share(text) >= 0.3:
        best = charset_normalizer.from_bytes(data, cp_isolation=["gb18030", "big5", "shift_jis", "cp1252"]).best()
        # A short text may rank another encoding first (shift_jis reads GBK bytes as half-width
        # katakana): GB18030 still wins when it reads more of the bytes as full-width characters.
        if best is None or best.encoding in ("gb18030", "gbk", "gb2312") or _cjk_share(str(best)) < _cjk_share(text):
            return _check_text(text, "gb18030")
    raise ReadError(
        "cannot decode: not UTF-8 (invalid byte at this line), not UTF-16 with BOM, not GB18030/GBK; "
        "name the encoding in the speech's metadata (encoding: …) if it is another one",
        _line_of(data, first_bad),
    )


def _check_text(text: str, codec: str) -> tuple[str, str]:
    """The text, unless it holds a control character of binary data (named with its line).
    One regex search over the text: a generator over every character of every line took
    0.4 s of CPU at 1,000 synthetic speeches."""
    bad = _BINARY_IN_LINE.search(text)
    if bad is not None:
        line = len((text[:bad.start()] + "x").splitlines())  # as str.splitlines numbers lines
        raise ReadError(f"binary file: control character U+{ord(bad.group()):04X}", line)
    if not text.strip(" \t\r\n\f\v\u3000\ufeff\u200b\u200c\u200d\u2060"):
        raise ReadError("empty file")
    return text, codec


def read_file(path: Path, encoding: str = "") -> tuple[str, str] | InputError:
    """Decode one file, returning (text, encoding) or the error that names it."""
    try:
        data = path.read_bytes()
    except OSError as e:
        return InputError(path, f"cannot read: {e.strerror}")
    try:
        return decode(data, encoding)
    except ReadError as e:
        return InputError(path, e.reason, e.line)
