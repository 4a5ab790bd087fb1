"""wenji/kept.py keeps per-speech values across builds in a few cache entries."""
from __future__ import annotations

from wenji import kept
from wenji.cache import Cache


def _build(cache: Cache, digests: list[str], made: list[str]) -> list[str]:
    store = kept.Kept(cache, "test-kept", "v1")
    values = [store.get(d, lambda d=d: made.append(d) or f"value of {d}") for d in digests]
    store.save(digests, lambda i: f"value of {digests[i]}")
    return values


def test_a_rebuild_makes_only_the_values_of_new_digests_and_rewrites_only_their_entries(tmp_path, monkeypatch):
    cache = Cache(tmp_path / "cache")
    digests = [f"speech {i}" for i in range(100)]
    made: list[str] = []
    assert _build(cache, digests, made) == [f"value of {d}" for d in digests]
    assert made == digests
    puts: list[str] = []
    put = cache.put
    monkeypatch.setattr(cache, "put", lambda step, k, v: puts.append(k) or put(step, k, v))
    made.clear()
    assert _build(cache, digests, made) == [f"value of {d}" for d in digests]
    assert made == [] and puts == []  # nothing changed: nothing made, nothing written
    edited = digests[:50] + ["speech 50 edited"] + digests[51:]
    assert _build(cache, edited, made) == [f"value of {d}" for d in edited]
    assert made == ["speech 50 edited"]
    assert 1 <= len(puts) <= 2  # the entries of the old and of the new digest
    made.clear()
    assert _build(cache, edited, made) == [f"value of {d}" for d in edited] and made == []


def test_a_digest_no_longer_built_leaves_its_entry_and_a_disabled_cache_keeps_nothing(tmp_path):
    cache = Cache(tmp_path / "cache")
    made: list[str] = []
    _build(cache, ["a", "b", "c"], made)
    _build(cache, ["a", "c"], made)
    made.clear()
    _build(cache, ["a", "b", "c"], made)
    assert made == ["b"]
    off = Cache(tmp_path / "off", enabled=False)
    made.clear()
    _build(off, ["a"], made)
    _build(off, ["a"], made)
    assert made == ["a", "a"] and not (tmp_path / "off").exists()


def test_last_value_is_what_the_last_build_kept_and_makes_nothing(tmp_path):
    """A step that makes its missing values elsewhere asks for the last build's first: None
    where there is none, and nothing is made or kept by asking."""
    cache = Cache(tmp_path / "cache")
    made: list[str] = []
    _build(cache, ["a", "b"], made)
    store = kept.Kept(cache, "test-kept", "v1")
    assert store.last_value("a") == "value of a" and store.last_value("z") is None
    assert store.get("z", lambda: "made here") == "made here"
    store.save(["a", "z"], lambda i: "never asked")
    assert kept.Kept(cache, "test-kept", "v1").last_value("z") == "made here"
