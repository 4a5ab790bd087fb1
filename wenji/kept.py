"""What a step made of each speech, kept for the next build by the speech's digest.

A step that makes something costly of every speech (its folded text, its word starts, its
file deflated) keeps it in a few cache entries, each holding the speeches whose digest falls
to it: a thousand entries, one per speech, take 0.2 s of CPU to write at 1,000 synthetic
speeches and about as much to read, and one entry for all is written whole after every edit
(33 MB of folded text, 0.13 s). Here an edit rewrites the one or two entries its speech's old
and new digests fall to. A value must be what its digest (and the step's key) makes, so that
one from the last build is the one this build would make: a speech's digest names what it
was read from and wenji's code, or a digest is a hash of the value's input.
"""
from __future__ import annotations

import zlib
from typing import Any, Callable

from .cache import Cache, key as cache_key

ENTRIES = 16


class Kept:
    """Values by digest, from the last build where it made them."""

    def __init__(self, cache: Cache, step: str, *key_parts: str) -> None:
        self.cache, self.step = cache, step
        self.keys = [cache_key(step, *key_parts, str(b)) for b in range(ENTRIES)]
        self.last: list[dict[str, Any] | None] = [None] * ENTRIES
        self.now: list[dict[str, Any]] = [{} for _ in range(ENTRIES)]

    def _entry(self, digest: str) -> int:
        return zlib.crc32(digest.encode("utf-8")) % ENTRIES

    def _last(self, b: int) -> dict[str, Any]:
        if self.last[b] is None:
            got = self.cache.get(self.step, self.keys[b])
            self.last[b] = got if isinstance(got, dict) else {}
        return self.last[b]

    def get(self, digest: str, make: Callable[[], Any]) -> Any:
        """The value of this build for the digest: the last build's, or made now."""
        b = self._entry(digest)
        if digest in self.now[b]:
            return self.now[b][digest]
        value = self._last(b).get(digest)
        if value is None:
            value = make()
        self.now[b][digest] = value
        return value

    def last_value(self, digest: str) -> Any:
        """The value the last build kept for the digest, or None: for a step that makes the
        missing values elsewhere (on worker processes) and then gives them to ``get``."""
        return self._last(self._entry(digest)).get(digest)

    def save(self, digests: list[str], make: Callable[[int], Any]) -> None:
        """Keep the values of these digests (of this build's speeches, in order) for the next
        build, rewriting the entries whose speeches changed; ``make(i)`` makes the value of
        the i-th where this build did not need it."""
        if not self.cache.enabled:
            return
        by_entry: list[list[int]] = [[] for _ in range(ENTRIES)]
        for i, d in enumerate(digests):
            by_entry[self._entry(d)].append(i)
        for b, members in enumerate(by_entry):
            if {digests[i] for i in members} != self._last(b).keys():
                values = {digests[i]: self.get(digests[i], lambda i=i: make(i)) for i in members}
                self.cache.put(self.step, self.keys[b], values)
