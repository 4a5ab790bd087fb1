"""The templates' kept bytecode: loaded instead of compiling, never stale, never an error."""
from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from wenji import render, site, template_cache
from wenji.template_cache import KeptTemplates


def _env(templates: Path, folder: Path, version: str = "v1") -> jinja2.Environment:
    env = render.environment(templates)
    env.bytecode_cache = KeptTemplates(folder, version)
    return env


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "t.html").write_text("<p>{{ x }} one</p>", encoding="utf-8")
    return folder


def _compiles(monkeypatch) -> list[str]:
    """The names of the templates jinja2 compiles from source from now on."""
    seen: list[str] = []
    compile_ = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, raw=False, defer_init=False):
        seen.append(name)
        return compile_(self, source, name, filename, raw, defer_init)
    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return seen


def test_a_second_environment_loads_the_kept_bytecode(tmp_path, templates, monkeypatch):
    seen = _compiles(monkeypatch)
    assert _env(templates, tmp_path / "kept").get_template("t.html").render(x="a") == "<p>a one</p>"
    assert seen == ["t.html"]
    assert _env(templates, tmp_path / "kept").get_template("t.html").render(x="b") == "<p>b one</p>"
    assert seen == ["t.html"]


def test_an_edited_template_is_compiled_again(tmp_path, templates, monkeypatch):
    _env(templates, tmp_path / "kept").get_template("t.html")
    (templates / "t.html").write_text("<p>{{ x }} two</p>", encoding="utf-8")
    seen = _compiles(monkeypatch)
    assert _env(templates, tmp_path / "kept").get_template("t.html").render(x="a") == "<p>a two</p>"
    assert seen == ["t.html"]


def test_another_code_version_does_not_load_the_kept_bytecode(tmp_path, templates, monkeypatch):
    _env(templates, tmp_path / "kept", "v1").get_template("t.html")
    seen = _compiles(monkeypatch)
    _env(templates, tmp_path / "kept", "v2").get_template("t.html")
    assert seen == ["t.html"]


def test_a_folder_that_cannot_be_written_only_means_compiling(tmp_path, templates):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert _env(templates, blocked).get_template("t.html").render(x="a") == "<p>a one</p>"
    assert _env(templates, blocked).get_template("t.html").render(x="a") == "<p>a one</p>"


def test_a_build_renders_the_same_with_kept_bytecode(tmp_path, monkeypatch):
    monkeypatch.setattr(template_cache, "FOLDER", tmp_path / "kept")
    seeds = site.PACKAGE_ROOT / "seeds"
    outs = []
    for run in ("compiled", "loaded"):
        out = tmp_path / run
        site.build(seeds, site.PACKAGE_ROOT / "content", out, cache=site.Cache(tmp_path / f"cache-{run}"), workers=1)
        outs.append({p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()})
    assert any((tmp_path / "kept").rglob("*"))
    assert outs[0] == outs[1]
