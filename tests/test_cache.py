"""wenji.cache: results kept on disk under keys of their inputs and of wenji's code."""
from __future__ import annotations

from wenji.cache import Cache, code_version, key, or_off


def test_a_value_comes_back_under_its_key_and_a_broken_entry_is_missing(tmp_path):
    cache = Cache(tmp_path)
    k = key("step", "input", b"bytes")
    assert cache.get("step", k) is None
    cache.put("step", k, {"a": [1, 2]})
    assert cache.get("step", k) == {"a": [1, 2]}
    next((tmp_path / "step").rglob(k)).write_bytes(b"not a pickle")
    assert cache.get("step", k) is None


def test_keys_differ_with_any_input_and_hold_the_code_version():
    assert key("a", "b") != key("ab") and key("a", "b") != key("a", b"c") and key("a") == key("a")
    assert len(code_version()) == 16


def test_a_step_given_no_cache_keeps_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("WENJI_CACHE", str(tmp_path / "env"))
    off = or_off(None)
    off.put("step", "k", 1)
    assert off.get("step", "k") is None and not (tmp_path / "env").exists()
    given = Cache()
    assert or_off(given) is given and given.folder == tmp_path / "env"
