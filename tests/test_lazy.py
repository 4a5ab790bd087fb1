"""wenji.lazy: a module named at the top runs only when first used."""
from __future__ import annotations

import sys

import pytest

from wenji import lazy


def test_a_lazy_module_runs_when_an_attribute_is_first_read(tmp_path, monkeypatch):
    ran = tmp_path / "ran"
    (tmp_path / "wenji_lazy_probe.py").write_text(f"open({str(ran)!r}, 'w').close()\nVALUE = 42\n", "utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "wenji_lazy_probe", raising=False)
    probe = lazy.module("wenji_lazy_probe")
    assert not ran.exists()
    assert probe.VALUE == 42 and ran.exists()
    assert lazy.module("wenji_lazy_probe") is sys.modules["wenji_lazy_probe"]


def test_a_missing_module_is_an_error_at_once():
    with pytest.raises(ModuleNotFoundError):
        lazy.module("wenji_no_such_module")
