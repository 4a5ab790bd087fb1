"""Compiled templates kept from one build to the next, as CPython keeps the bytecode of modules.

jinja2 turns a template into Python source and compiles that: the 18 templates took 0.12 s of
CPU in every process that renders (twice in a build's main process, once in its second), a
sixth of the seeds' cold build; loading their kept bytecode takes 3 ms.

Nothing stale is ever loaded: jinja2 checks the checksum of a template's source on every load
and compiles again when it differs, and the key of a kept template holds jinja2's version,
wenji's code version (the environment's settings and filters are wenji's code) and the
template's path, so an edited template, an upgraded jinja2 or changed wenji code compiles
afresh.

The bytecode belongs to the installed code, not to an archive, so it is kept in the user's
cache folder (``$XDG_CACHE_HOME/wenji/templates``, else ``~/.cache/wenji/templates``), not in
an archive's build cache (``WENJI_CACHE``): a build with an empty build cache loads it too,
as it loads wenji's own ``.pyc`` files. Where that folder cannot be written, templates are
compiled every time; nothing else changes.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket, BytecodeCache

from .cache import code_version



def _user_cache() -> Path:
    try:
        return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    except RuntimeError:  # no home folder
        return Path(tempfile.gettempdir())


FOLDER = _user_cache() / "wenji" / "templates"
STALE_DAYS = 7  # a version's folder not written to for this long is removed when another is made


class KeptTemplates(BytecodeCache):
    """jinja2's bytecode of each template in a file of ``folder``, one folder per version of
    wenji's code and jinja2 (those of earlier versions left unused for STALE_DAYS are removed
    when a new one is made). A file that cannot be read or written is a template compiled
    again, never an error."""

    def __init__(self, folder: Path | None = None, version: str = "") -> None:
        self.version = version or f"{code_version()}-jinja2-{jinja2.__version__}"
        self.folder = (folder or FOLDER) / self.version

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return hashlib.sha256(f"{self.version}|{name}|{filename}".encode()).hexdigest()[:32]

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            data = (self.folder / bucket.key).read_bytes()
        except OSError:
            return
        bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            if not self.folder.is_dir():
                self.folder.mkdir(parents=True)
                _remove_others(self.folder)
            tmp = self.folder / f"{bucket.key}.{os.getpid()}.tmp"
            tmp.write_bytes(bucket.bytecode_to_string())
            os.replace(tmp, self.folder / bucket.key)
        except OSError:
            pass  # a read-only install: compiled again next time


def _remove_others(folder: Path) -> None:
    old = time.time() - STALE_DAYS * 86400
    for other in folder.parent.iterdir():
        if other != folder and other.stat().st_mtime < old:
            shutil.rmtree(other, ignore_errors=True)
