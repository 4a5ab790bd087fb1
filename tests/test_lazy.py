"""wenji.lazy: a module named at the top runs only when first used."""
from __future__ import annotations

import pickle
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import numpy
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


def test_numpy_first_run_by_unpickling_still_serves_scipy(tmp_path):
    """The build cache unpickles arrays while numpy is named lazily; numpy is then imported whole,
    so that scipy (related passages) imports afterwards."""
    (tmp_path / "a.pickle").write_bytes(pickle.dumps(numpy.arange(3)))
    code = ("import pickle, sys\nfrom wenji import lazy\nnp = lazy.module('numpy')\n"
            f"a = pickle.loads(open({str(tmp_path / 'a.pickle')!r}, 'rb').read())\n"
            "import scipy.sparse\nprint(scipy.sparse.csr_matrix(a.reshape(1, 3)).sum(), np.arange(2).sum())\n")
    root = Path(__file__).resolve().parent.parent
    got = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert got.returncode == 0 and got.stdout.split() == ["3", "1"], got.stderr


def test_a_module_named_lazily_and_imported_elsewhere_is_one_module(tmp_path, monkeypatch):
    (tmp_path / "wenji_lazy_probe2.py").write_text("VALUE = []\n", "utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "wenji_lazy_probe2", raising=False)
    probe = lazy.module("wenji_lazy_probe2")
    import wenji_lazy_probe2
    assert probe.VALUE is wenji_lazy_probe2.VALUE
    monkeypatch.setattr(wenji_lazy_probe2, "VALUE", 7)  # a name changed later is seen through it
    assert probe.VALUE == 7


def test_package_folder_finds_a_package_without_importing_it():
    code = ("import sys\nfrom wenji import lazy\nf = lazy.package_folder('jieba')\n"
            "print((f / 'dict.txt').is_file(), 'jieba' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent).stdout
    assert out.split() == ["True", "False"]
    with pytest.raises(ImportError, match="pip install"):
        lazy.package_folder("wenji_no_such_package")


@pytest.mark.parametrize("name", ["pypinyin", "rjieba", "jinja2"])
def test_installed_version_is_the_version_pip_installed(name):
    """What the caches key on when a package changes: the version importlib.metadata gives."""
    assert lazy.installed_version(name) == f"{name} {version(name)}"
