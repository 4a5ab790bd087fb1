"""wenji's modules import only downward: at the top of the module, never inside a function or a
class, without a cycle; the search package's modules in the order of their layers; and the
search package's functions short enough to read at once. Read from the source with ast."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "wenji"

# The search package, top layer last: a module may import only those before it.
SEARCH_LAYERS = ["terms", "documents", "postings", "encoding", "assembly", "files", "plan", "step", "reference"]

LONGEST = 60  # lines of a function in the search package
LONG_FOR_A_REASON: dict[str, str] = {}  # "module.function": why it is longer (also in its docstring)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, ast.Module]:
    return {module_name(p): ast.parse(p.read_text("utf-8"), str(p)) for p in sorted(PACKAGE.rglob("*.py"))}


def imported(name: str, node: ast.Import | ast.ImportFrom, known: set[str]) -> set[str]:
    """The wenji modules an import statement of module ``name`` names."""
    if isinstance(node, ast.Import):
        return {a.name for a in node.names if a.name in known}
    if node.level == 0:
        base = node.module or ""
    else:
        package = name.split(".") if name in PACKAGES else name.split(".")[:-1]
        base = ".".join(package[:len(package) - node.level + 1] + ([node.module] if node.module else []))
    out = set()
    for alias in node.names:
        sub = f"{base}.{alias.name}"
        out.add(sub if sub in known else base)
    return out & known


PACKAGES = {module_name(p) for p in PACKAGE.rglob("__init__.py")}


def is_import(node: ast.AST) -> bool:
    """An import statement, or a call that imports a module by name (importlib.import_module,
    __import__): the same thing done at run time."""
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return True
    if isinstance(node, ast.Call):
        f = node.func
        return (isinstance(f, ast.Name) and f.id in ("__import__", "import_module")) or (
            isinstance(f, ast.Attribute) and f.attr == "import_module")
    return False


def imports_inside(tree: ast.Module) -> list[int]:
    """Lines of imports inside a function or a class."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            lines += [n.lineno for n in ast.walk(node) if is_import(n)]
    return sorted(set(lines))


def graph() -> dict[str, set[str]]:
    trees = modules()
    known = set(trees)
    return {name: set().union(*(imported(name, n, known) for n in ast.walk(tree)
                                if isinstance(n, (ast.Import, ast.ImportFrom))), set()) - {name}
            for name, tree in trees.items()}


def cycle(edges: dict[str, set[str]]) -> list[str]:
    """One import cycle, or []."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(m: str) -> list[str]:
        state[m] = 1
        path.append(m)
        for n in sorted(edges[m]):
            if state.get(n) == 1:
                return path[path.index(n):] + [n]
            if n not in state and (found := visit(n)):
                return found
        state[m] = 2
        path.pop()
        return []

    for m in sorted(edges):
        if m not in state and (found := visit(m)):
            return found
    return []


# wenji.lazy is the one module whose job is to import later: its stand-in imports the module it
# names when first read, for the modules that name it at their top.
IMPORTS_LATER = "wenji.lazy"


def test_no_module_imports_inside_a_function_or_a_class():
    inside = {name: lines for name, tree in modules().items() if (lines := imports_inside(tree))}
    assert set(inside) == {IMPORTS_LATER} and len(inside[IMPORTS_LATER]) == 1, inside


def test_no_import_cycle_in_wenji():
    edges = graph()
    assert edges["wenji.site"] and "wenji.search.step" in edges["wenji.site"]  # the graph is read
    assert cycle(edges) == []


def test_search_modules_import_only_the_layers_before_them():
    edges = graph()
    layers = [f"wenji.search.{m}" for m in SEARCH_LAYERS]
    assert set(layers) | {"wenji.search"} == {m for m in edges if m.startswith("wenji.search")}
    for i, m in enumerate(layers):
        inside = {n for n in edges[m] if n.startswith("wenji.search")}
        assert inside <= set(layers[:i]), f"{m} imports {inside - set(layers[:i])}"
    assert not any("wenji.search.reference" in edges[m] for m in edges if m != "wenji.search.reference")
    assert edges["wenji.search"] == set()  # the package's __init__ imports nothing


def test_an_import_inside_a_function_is_found_in_every_form():
    code = ("import os\nimport importlib\n\n\ndef f():\n    import json\n\n\nclass A:\n    from . import x\n\n\n"
            "def g():\n    return importlib.import_module('json'), __import__('re')\n")
    assert imports_inside(ast.parse(code)) == [6, 10, 14]


def test_cycle_finder_finds_a_cycle():
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b"}, "b": set()}) == []


@pytest.mark.parametrize("path", sorted((PACKAGE / "search").glob("*.py")), ids=lambda p: p.name)
def test_search_functions_are_short_enough_to_read_at_once(path):
    tree = ast.parse(path.read_text("utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            lines = node.end_lineno - node.lineno + 1
            name = f"{path.stem}.{node.name}"
            if name in LONG_FOR_A_REASON:
                assert LONG_FOR_A_REASON[name] in (ast.get_docstring(node) or ""), name
            else:
                assert lines <= LONGEST, f"{name} has {lines} lines: split it, or say why in its docstring"
