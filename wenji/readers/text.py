"""Plain text (.txt): decoded as written, in whatever encoding it came (see wenji.read)."""
from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..model import Source
from ..read import read_file


def read(path: Path, encoding: str = "") -> Source | InputError:
    decoded = read_file(path, encoding)
    if isinstance(decoded, InputError):
        return decoded
    text, used = decoded
    return Source(text=text, encoding=used)
