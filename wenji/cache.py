"""A cache of build results on disk, keyed by content hash and by the code's version.

Each build step stores what is costly to compute (a speech read and sectioned, the jieba cut of
a text, the search terms of a speech) under a key made from its inputs; the code's version is
part of every key, so editing wenji's code never serves a stale result. Entries are pickles
in ``.wenji-cache/<step>/<key>`` (or under ``WENJI_CACHE``); a broken or missing entry just
means computing again.

Every step takes the cache as an argument and, given none, caches nothing (``or_off``): a step
called alone, by a test, a benchmark or a tool, computes everything and keeps nothing. Only a
build (``site.build``) uses the cache in its usual place when given none.
"""
from __future__ import annotations

import hashlib
import os
import pickle
from functools import lru_cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
DEFAULT_DIR = PACKAGE.parent / ".wenji-cache"
# The exact versions of the libraries whose results the cache keeps (cuts, deflated bytes, arrays,
# rendered fragments): another version of one may give other bytes, so the list is part of every
# key (read in 0.1 ms, where asking each installed package its version took 10 ms).
REQUIREMENTS = PACKAGE.parent / "requirements.txt"


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of wenji's own source and data files and of the pinned versions of the libraries
    it uses: any change to them invalidates the cache."""
    h = hashlib.sha256(REQUIREMENTS.read_bytes() if REQUIREMENTS.is_file() else b"")
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".txt", ".toml") and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(PACKAGE)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def key(*parts: str | bytes) -> str:
    """A cache key from the inputs of a computation (and the code's version)."""
    h = hashlib.sha256(code_version().encode())
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()[:32]


class Cache:
    def __init__(self, folder: Path | None = None, enabled: bool = True) -> None:
        self.folder = Path(folder or os.environ.get("WENJI_CACHE") or DEFAULT_DIR)
        self.enabled = enabled

    def _path(self, step: str, k: str) -> Path:
        """One folder a step, its entries side by side: a cold build of the seeds writes 85
        entries, and a folder a key's first two digits (as once) made 86 more folders, which
        this machine's file system takes 0.3-0.8 ms each to make: the build took 0.74 s rather
        than 0.81 s, 1.09 s of CPU rather than 1.18 (medians of 20, alternating)."""
        return self.folder / step / k

    def get(self, step: str, k: str):
        if not self.enabled:
            return None
        try:
            with open(self._path(step, k), "rb") as f:
                return pickle.load(f)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError):
            return None

    def put(self, step: str, k: str, value) -> None:
        if not self.enabled:
            return
        path = self._path(step, k)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{k}.{os.getpid()}.tmp")
            with open(tmp, "wb") as f:
                pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only or full disk: the build goes on without caching


def or_off(cache: Cache | None) -> Cache:
    """The cache a step is given, or caching off."""
    return cache if cache is not None else Cache(enabled=False)
