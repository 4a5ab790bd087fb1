"""Readers: one raw speech file -> Source, the text a .txt of it would hold.

Each format has a reader module (``text``, ``word``, ``webpage``, ``markdown_text``, ``pdf``)
with one function, ``read(path, encoding) -> Source | InputError``. Whatever the format, the
speech then goes through the same cleaning, header reading and sectioning as a .txt: the
format is a detail of reading.

The readers are named at the top with ``lazy.module``: a reader runs when a file of its format
is first read, so a build of .txt files never pays for the libraries of the others
(python-docx 0.13 s, trafilatura 0.3 s, pypdf 0.1 s of start-up, measured). Reader modules
import only downward (``wenji.read``, ``wenji.model``, ``wenji.errors`` and this package's
``blocks``) and at their top; nothing else imports this package's readers by name.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from .. import lazy
from ..errors import InputError
from ..model import Line, Source

# suffix -> (reader module, what the format gives): the --help text and README say the same.
FORMATS: dict[str, tuple[str, str]] = {
    ".txt": ("text", "plain text in UTF-8, UTF-16 (with BOM) or GB18030/GBK, read as written"),
    ".docx": ("word", "Word: paragraphs, heading styles as headings, tables as rows, footnotes as notes"),
    ".html": ("webpage", "a saved web page: the article only, its heading as title, its publication date"),
    ".htm": ("webpage", "as .html"),
    ".md": ("markdown_text", "Markdown: # headings as section headings, escapes honoured, emphasis as text"),
    ".pdf": ("pdf", "PDF with a text layer: lines rejoined, running heads and page numbers removed"),
}

# Time to read a byte of each format, against a byte of .txt (bench/formats.py on a 21,000-character
# report: .txt 9 ms for 63 KB, .docx 26 ms for 30 KB, .html 75 ms for 70 KB, .pdf 0.3 s for 83 KB),
# for the choice between reading on one process and on every core.
BYTE_COST = {".txt": 1, ".md": 3, ".docx": 6, ".html": 7, ".htm": 7, ".pdf": 25}

# Each reader module, loaded when a file of its format is first read.
READERS = {name: lazy.module(f"{__name__}.{name}") for name in sorted({m for m, _ in FORMATS.values()})}


def supported(path: Path) -> bool:
    return path.suffix.lower() in FORMATS


def read(path: Path, encoding: str = "") -> Source | InputError:
    """The file as a Source, or the error that names it. A library's failure on a damaged file
    is such an error too, never a crash of the build."""
    module = READERS[FORMATS[path.suffix.lower()][0]]
    try:
        return module.read(path, encoding)
    except OSError as e:
        return InputError(path, f"cannot read: {e.strerror or e}")
    except Exception as e:  # a damaged file makes the libraries fail in many ways
        return InputError(path, f"cannot read this {path.suffix.lower()} file ({type(e).__name__}: {e})")


def declare_headings(lines: list[Line], source: Source) -> list[Line]:
    """The cleaned lines with the heading levels the format declared, by the line they start on."""
    if not source.headings:
        return lines
    levels = dict(source.headings)
    return [replace(line, level=levels[line.line]) if line.line in levels else line for line in lines]
