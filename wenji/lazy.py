"""Modules loaded on first use, named at the top of the module that uses them.

A few libraries cost much to import and are needed on some paths only: numpy (0.1-0.3 s, not
by a build that finds its site up to date), tqdm (0.1 s, a progress bar for a long build on a
terminal), http.server and watchdog (``serve`` only), the readers of seed formats other than
.txt (python-docx, trafilatura, pypdf: 0.1-0.3 s each). Imported at the top as usual, they
would add that time to every build; imported inside a function, they would hide a dependency
from the top of the module. ``module(name)``, written at the top, binds the name at once to
a stand-in: the module is imported, the ordinary way, when one of its attributes is first read.

The stand-in is not put in ``sys.modules`` (as ``importlib.util.LazyLoader`` would put a lazy
module): whatever imports the module first — a stand-in read, or pickle loading an array from
the build cache, which imports ``numpy._core.multiarray`` — runs the ordinary import, whole.
A lazy numpy first run by pickle's import of one of its submodules was left without others
(``numpy._core._multiarray_umath``), and scipy then failed to import.
"""
from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import sys
from pathlib import Path
from types import ModuleType


class _StandIn(ModuleType):
    """Stands for a module: each attribute read is the module's own, imported on the first read
    (read from the module every time, so a name the module changes later is seen too)."""

    def __getattr__(self, attr: str):
        real = sys.modules.get(self.__name__) or importlib.import_module(self.__name__)
        return getattr(real, attr)


def module(name: str) -> ModuleType:
    """The module ``name``, imported when first used (a missing one is an error at once)."""
    if name in sys.modules:
        return sys.modules[name]
    if importlib.util.find_spec(name) is None:
        raise ModuleNotFoundError(f"no module named {name!r}", name=name)
    return _StandIn(name)


class _Extension(ModuleType):
    """Stands for a compiled module of a package, loaded from its file on the first attribute
    read, without running the package's ``__init__`` (see ``extension``)."""

    def __init__(self, package: str, name: str) -> None:
        super().__init__(f"{package}.{name}")
        self._where, self._real = (package, name), None

    def __getattr__(self, attr: str):
        if attr.startswith("_"):
            raise AttributeError(attr)
        if self._real is None:
            self._real = _load_extension(*self._where)
        return getattr(self._real, attr)


def _load_extension(package: str, name: str) -> ModuleType:
    folder = package_folder(package)
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = folder / f"{name}{suffix}"
        if path.is_file():
            spec = importlib.util.spec_from_file_location(f"{package}.{name}", path)
            found = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(found)
            return found
    raise ImportError(f"the compiled module {name} is missing from {folder}")


def extension(package: str, name: str) -> ModuleType:
    """The compiled module ``name`` of ``package`` (a dotted path: ``scipy.sparse``), loaded
    from its file when first used, the package itself never imported: importing rjieba builds
    a Jieba with the whole dictionary (0.19 s) that wenji never uses, and importing
    scipy.sparse imports every part of numpy (0.26 s) for the few kernels wenji calls."""
    return _Extension(package, name)


def package_folder(name: str) -> Path:
    """Where an installed package lives, found without importing it (for the data files of
    rjieba, jieba and pypinyin, whose imports wenji does without)."""
    if "." in name:  # a subpackage: found in its parent's folder, the parent not imported
        parent, _, child = name.rpartition(".")
        folder = package_folder(parent) / child
        if not (folder / "__init__.py").is_file():
            raise ImportError(f"wenji needs {name}: pip install -r requirements.txt")
        return folder
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(f"wenji needs {name}: pip install -r requirements.txt")
    return Path(next(iter(spec.submodule_search_locations)))


def installed_version(name: str) -> str:
    """``rjieba 0.2.2``: the name of an installed package's dist-info folder beside it, or its
    name alone where it has none (importlib.metadata takes 15-40 ms to import)."""
    folder = package_folder(name)
    found = sorted(p.name[:-len(".dist-info")] for p in folder.parent.glob(f"{folder.name}-*.dist-info"))
    return found[-1].replace("-", " ", 1) if found else folder.name
