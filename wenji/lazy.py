"""Modules loaded on first use, named at the top of the module that uses them.

A few libraries cost much to import and are needed on some paths only: numpy (0.1-0.3 s, not
by a build that finds its site up to date), pypinyin (0.22 s, only when a keyword is new: a
rebuild finds every pinyin in the cache), tqdm (0.1 s, a progress bar for a long build on a
terminal), http.server and watchdog (``serve`` only), the readers of seed formats other than
.txt (python-docx, trafilatura, pypdf: 0.1-0.3 s each). Imported at the top as usual, they
would add that time to every build; imported inside a function, they would hide a dependency
from the top of the module. ``module(name)``, written at the top, binds the name at once
with the standard library's ``importlib.util.LazyLoader``: the module runs when one of its
attributes is first read.
"""
from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def module(name: str) -> ModuleType:
    """The module ``name``, loaded when first used (a missing one is an error at once)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"no module named {name!r}", name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    lazy = importlib.util.module_from_spec(spec)
    sys.modules[name] = lazy
    loader.exec_module(lazy)
    return lazy


def attach_submodules(name: str) -> None:
    """Set each loaded submodule of package ``name`` as an attribute of its parent where the
    import system left it unset. A lazy package that first runs while one of its submodules
    is being imported (pickle imports numpy._core.multiarray to load an array from the build
    cache) ends without some of them (numpy._core._multiarray_umath), and a library that
    reads them later (scipy, through numpy.testing) fails."""
    for sub, mod in list(sys.modules.items()):
        if sub.startswith(name + ".") and mod is not None:
            parent, _, child = sub.rpartition(".")
            holder = sys.modules.get(parent)
            if holder is not None and child not in holder.__dict__:
                setattr(holder, child, mod)
