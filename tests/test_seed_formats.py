"""Builds from seeds of every format: the same pages as from .txt, the cleaned text and the
original offered for download, bad files reported with the site left as it was, two files of
one speech an error, and a rebuild that does not read a Word file or a PDF again."""
from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from htmltext import read_speech
from sourcefiles import CHROME, blocks_of, make_docx, make_html, make_md, make_pdf, make_scanned_pdf, speech_text
from wenji import site
from wenji.cache import Cache
from wenji.errors import BuildError
from wenji.readers import pdf as pdf_reader, word as word_reader

REPO = Path(__file__).resolve().parent.parent
REAL = REPO / "tests" / "corpus-real" / "seeds"


def tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _blocks(n: int = 30) -> list[tuple[int, str]]:
    return blocks_of((REAL / "gwr-2018.txt").read_text(encoding="utf-8"))[:n]


@pytest.fixture
def mixed(tmp_path) -> tuple[Path, Path]:
    """One speech in each format, and its twin as .txt."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    blocks = _blocks()
    (seeds / "plain.txt").write_text(speech_text(blocks), encoding="utf-8")
    make_docx(blocks, seeds / "word.docx")
    make_pdf(blocks, seeds / "gazette.pdf")
    (seeds / "page.html").write_bytes(make_html(blocks, "2018年政府工作报告", "2018-03-22"))
    (seeds / "notes.md").write_text(make_md(blocks), encoding="utf-8")
    return seeds, tmp_path / "content"


def test_every_format_builds_the_page_the_txt_builds(run_build, mixed, tmp_path):
    seeds, content = mixed
    out = tmp_path / "out"
    proc = run_build(seeds, content, out, "--check")
    assert proc.returncode == 0, proc.stderr
    pages = {stem: read_speech((out / "speeches" / f"{stem}.html").read_text(encoding="utf-8"))
             for stem in ("plain", "word", "gazette", "page", "notes")}
    for stem, page in pages.items():
        assert page.sections == pages["plain"].sections, stem
        assert page.blocks == pages["plain"].blocks, stem
        assert not [c for c in CHROME if c in " ".join(t for _, _, t in page.blocks)], stem


def test_txt_download_is_the_cleaned_text_and_the_original_is_offered(run_build, mixed, tmp_path):
    seeds, content = mixed
    out = tmp_path / "out"
    assert run_build(seeds, content, out).returncode == 0, "build failed"
    speeches = out / "speeches"
    with zipfile.ZipFile(out / "archive-texts.zip") as zf:  # the plain texts (a page saves its own from itself)
        texts = {n.removeprefix("wenji-texts/").removesuffix(".txt"): zf.read(n).decode("utf-8")
                 for n in zf.namelist() if n.startswith("wenji-texts/")}
    body = texts["plain"].split("\n\n", 1)[1]  # after the title line, which the web page's heading gives
    for stem in ("word", "gazette", "page", "notes"):
        assert texts[stem].split("\n\n", 1)[1] == body, stem
    for stem, suffix, kept_as, label in (("word", ".docx", "word.docx", "Word"), ("gazette", ".pdf", "gazette.pdf", "PDF"),
                                         ("page", ".html", "page.html.txt", "网页"), ("notes", ".md", "notes.md", "Markdown")):
        assert (speeches / kept_as).read_bytes() == (seeds / f"{stem}{suffix}").read_bytes()
        html = (speeches / f"{stem}.html").read_text(encoding="utf-8")
        assert f'<a href="{kept_as}" download="{stem}{suffix}">原文件（{label}）</a>' in html
    assert "原文件" not in (speeches / "plain.html").read_text(encoding="utf-8")
    assert not (speeches / "page.html.txt").read_text(encoding="utf-8").startswith("<!DOCTYPE html><html lang")


def test_bad_files_are_reported_and_the_old_site_stays(run_build, tmp_path):
    seeds, content, out = tmp_path / "seeds", tmp_path / "content", tmp_path / "out"
    seeds.mkdir()
    (seeds / "good.txt").write_text("各位代表：\n一、回顾\n过去五年，我们取得了很大成绩。\n", encoding="utf-8")
    assert run_build(seeds, content, out).returncode == 0
    before = tree_digest(out)
    make_scanned_pdf(seeds / "scan.pdf")
    (seeds / "broken.docx").write_bytes(b"PK\x03\x04 not a zip")
    (seeds / "nav.html").write_text("<html><body><ul><li><a href='/'>首页</a></li></ul></body></html>",
                                    encoding="utf-8")
    (seeds / "good.md").write_text("# 同名\n\n正文。\n", encoding="utf-8")
    proc = run_build(seeds, content, out)
    assert proc.returncode == 1
    err = proc.stderr
    assert "scan.pdf: no text layer; run OCR first" in err
    assert re.search(r"broken\.docx: corrupt or not a Word \.docx file", err)
    assert "nav.html: no article found in the page" in err
    assert re.search(r"good\.txt: same name as good\.md|good\.md: same name as good\.txt", err)
    assert tree_digest(out) == before


def test_other_files_are_skipped_with_a_note(run_build, tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text("正文。\n", encoding="utf-8")
    (seeds / "scan.jpg").write_bytes(b"\xff\xd8\xff")
    proc = run_build(seeds, tmp_path / "content", tmp_path / "out")
    assert proc.returncode == 0
    assert "scan.jpg: not a .txt/.docx/.html/.htm/.md/.pdf file, not read" in proc.stderr


def test_a_rebuild_does_not_read_word_files_or_pdfs_again(mixed, tmp_path, monkeypatch):
    seeds, content = mixed
    cache = Cache(tmp_path / "cache")
    site.build(seeds, content, tmp_path / "out", cache=cache, workers=1)

    def read_again(path, encoding=""):
        raise AssertionError(f"{path} read again")

    monkeypatch.setattr(word_reader, "read", read_again)
    monkeypatch.setattr(pdf_reader, "read", read_again)
    stats = site.build(seeds, content, tmp_path / "other-out", cache=cache, workers=1)  # not up to date: another site
    assert stats.speeches == 5 and not stats.up_to_date
    (seeds / "word.docx").write_bytes((seeds / "word.docx").read_bytes() + b"\0")  # changed: read again
    with pytest.raises(BuildError, match="word.docx read again"):
        site.build(seeds, content, tmp_path / "other-out", cache=cache, workers=1)


def test_a_build_of_txt_seeds_loads_no_reader_library(repo_root, tmp_path):
    """The libraries of the other formats cost 0.1–0.3 s of start-up each: a .txt build never pays it."""
    code = ("import sys, pathlib; from wenji.site import build; from wenji.cache import Cache; "
            f"build(pathlib.Path('seeds'), pathlib.Path('content'), pathlib.Path({str(tmp_path / 'site')!r}), "
            "cache=Cache(enabled=False), workers=1); "
            "print(sorted(m for m in sys.modules if (m.split('.')[0] in ('docx', 'pypdf', 'trafilatura', 'lxml')"
            " or m.startswith('wenji.readers.')) and type(sys.modules[m]).__name__ != '_LazyModule'))")
    # (a reader is named at the top of wenji.readers with lazy.module: one never used never runs)
    proc = subprocess.run([sys.executable, "-c", code], cwd=repo_root, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "['wenji.readers.text']"
