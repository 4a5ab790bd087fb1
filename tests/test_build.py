"""The built site: command line, output contract, fidelity to the source, robustness."""
from __future__ import annotations

import hashlib
import os
import re
import signal
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from htmltext import read_speech
from wenji.check import check_site
from wenji.site import load_archive

SEEDS = sorted((Path(__file__).parent.parent / "seeds").glob("*.txt"))


def tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_help_documents_every_option(repo_root):
    out = subprocess.run([sys.executable, "build.py", "--help"], cwd=repo_root, capture_output=True, text=True)
    assert out.returncode == 0
    for option in ("--seeds", "--content", "--out"):
        assert option in out.stdout
    assert "default: seeds" in out.stdout and "default: site" in out.stdout


def test_home_page_lists_every_speech_sorted(built_site):
    html = (built_site / "index.html").read_text(encoding="utf-8")
    archive = load_archive(Path("seeds"), Path("content"))
    links = re.findall(r'href="speeches/([^"]+)\.html"', html)
    assert links == [s.slug for s in archive.speeches]
    dated = [s.meta.date for s in archive.speeches if s.meta.date]
    assert dated == sorted(dated) and archive.speeches[0].meta.date  # dated first, in order
    for s in archive.speeches:
        assert s.meta.kind in html
    assert 'datetime="2022"' in html and "政府工作报告" in html
    assert "日期不详" in html  # masked dates are said to be unknown, not invented


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem[:3])
def test_speech_page_contract(built_site, seed):
    html = (built_site / "speeches" / f"{seed.stem}.html").read_text(encoding="utf-8")
    page = read_speech(html)
    speech = next(s for s in load_archive(Path("seeds"), Path("content")).speeches if s.stem == seed.stem)
    assert page.html_lang == "zh-CN"
    assert speech.meta.title in page.title
    assert "<article" in html and html.index("<article") < html.index('id="p1"') < html.index("</article>")
    # every section: its id, and its first heading is the heading as written
    assert page.sections == [(s.id, s.heading) for s, _ in speech.sections()]
    assert all(re.fullmatch(r"s\d+(-\d+)*", sid) for sid, _ in page.sections)
    # every paragraph a <p id="pN">, numbered p1..pN in reading order
    p_ids = [i for tag, i, _ in page.blocks if tag == "p"]
    assert p_ids == [f"p{n}" for n in range(1, len(p_ids) + 1)]
    if speech.meta.date:
        assert speech.meta.date in page.times


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[。！？：；])|\n", text) if s.strip()]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem[:3])
def test_every_sentence_of_the_source_appears_in_order(built_site, seed):
    page = read_speech((built_site / "speeches" / f"{seed.stem}.html").read_text(encoding="utf-8"))
    shown = "".join(text for _, _, text in page.blocks)
    pos = 0
    for sentence in sentences(seed.read_text(encoding="utf-8")):
        found = shown.find(sentence.strip(), pos)
        assert found >= 0, f"missing or out of order: {sentence[:40]}"
        pos = found + len(sentence.strip())
    # and nothing was added: the page body is the source without its line breaks
    source = re.sub(r"\s", "", seed.read_text(encoding="utf-8"))
    assert re.sub(r"\s", "", shown) == source


def test_masks_are_shown_and_counted(built_site):
    html = (built_site / "speeches" / "002_37d2cc4661cfeced.html").read_text(encoding="utf-8")
    assert '<span class="mask">**</span>市第十四届人民政府' in html
    count = int(re.search(r"本文有 (\d+) 处经匿名处理", html).group(1))
    body = html.split('<div class="speech-body">')[1].split('<nav class="prevnext"')[0]
    assert count == body.count('<span class="mask"') > 100  # every mark in the text is wrapped and counted
    html3 = (built_site / "speeches" / "003_39fe39f33e5ccbaa.html").read_text(encoding="utf-8")
    assert '<span class="mask">x.xx</span>万元' in html3
    # explained once on the page, not on each of the hundred marks
    assert html.count("此处原文已隐去（匿名处理）") == 2  # the count of masks in the header, the footer


def test_site_links_resolve_and_stay_inside(built_site):
    assert check_site(built_site) == []
    for page in built_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r'(href|src|action)="(/|https?:|//)', html), page


def test_builds_are_byte_identical(run_build, tmp_path, repo_root):
    a, b = tmp_path / "a", tmp_path / "b"
    assert run_build(None, None, a).returncode == 0
    assert run_build(None, None, b).returncode == 0
    assert tree_digest(a) == tree_digest(b)


def write(folder: Path, name: str, data: bytes | str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def test_missing_content_folder_builds_from_the_text_alone(run_build, tmp_path):
    out = tmp_path / "out"
    proc = run_build(None, tmp_path / "no-such-folder", out)
    assert proc.returncode == 0, proc.stderr
    assert len(list((out / "speeches").glob("*.html"))) == len(SEEDS)


def test_literal_text_is_never_markup(run_build, tmp_path):
    text = ("在测试会议上的讲话\n（2024年1月8日）\n同志们：\n"
            "**加粗吗** # 标题吗 * 列表吗 > 引用吗 `代码` \\ 反斜杠 & 和号 <script>alert(1)</script> "
            "<img src=x onerror=alert(2)> [链接](javascript:alert(3))\n1. 这是第一点，不是有序列表。正文。\n")
    seeds = tmp_path / "seeds"
    write(seeds, "t.txt", text)
    out = tmp_path / "out"
    assert run_build(seeds, tmp_path / "empty", out).returncode == 0
    html = (out / "speeches" / "t.html").read_text(encoding="utf-8")
    page = read_speech(html)
    shown = "".join(t for _, _, t in page.blocks)
    for literal in ("**加粗吗**", "# 标题吗", "* 列表吗", "> 引用吗", "`代码`", "\\ 反斜杠", "& 和号",
                    "<script>alert(1)</script>", "<img src=x onerror=alert(2)>", "[链接](javascript:alert(3))"):
        assert literal in shown
    assert "<script>alert" not in html and "<img src=x" not in html
    assert page.title.startswith("在测试会议上的讲话")
    assert 'datetime="2024-01-08"' in html
    assert page.blocks[0][2] == "同志们："  # the salutation stays the first paragraph


def test_all_bad_inputs_are_reported_and_the_old_site_stays(run_build, tmp_path):
    seeds, content, out = tmp_path / "seeds", tmp_path / "content", tmp_path / "out"
    write(seeds, "good.txt", "各位代表：\n一、回顾\n过去五年，我们取得了很大成绩。")
    assert run_build(seeds, content, out).returncode == 0
    before = tree_digest(out)
    write(seeds, "empty.txt", b"")
    write(seeds, "binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    write(seeds, "latin1.txt", "第一行\n".encode("utf-8") + "caf\xe9 ol\xe9 na\xefve".encode("latin-1"))
    write(seeds, "dup-a.txt", "甲。")
    write(seeds, "dup-b.txt", "乙。")
    write(content / "speeches", "dup-a.md", "---\nslug: same\n---\n")
    write(content / "speeches", "dup-b.md", "---\nslug: same\n---\n")
    write(content / "speeches", "good.md", "---\ntitle: 好\ndate: [unclosed\n---\n")
    proc = run_build(seeds, content, out)
    assert proc.returncode != 0
    err = proc.stderr
    assert "empty.txt: empty file" in err
    assert "binary.txt:3: binary file: NUL byte" in err
    assert "latin1.txt:2: cannot decode" in err
    assert "dup-b.txt: slug 'same' is also the slug of" in err
    assert re.search(r"good\.md:\d+: invalid front matter", err)
    assert tree_digest(out) == before  # the previous site stays exactly as it was
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]  # no temporary folders left


@pytest.mark.parametrize("slug", ["../escape", "/abs", "a/b", "..", "x" * 101])
def test_slug_cannot_leave_the_output(run_build, tmp_path, slug):
    seeds, content = tmp_path / "seeds", tmp_path / "content"
    write(seeds, "a.txt", "正文。")
    write(content / "speeches", "a.md", f"---\nslug: \"{slug}\"\n---\n")
    proc = run_build(seeds, content, tmp_path / "out")
    assert proc.returncode != 0 and "a.md" in proc.stderr and "slug" in proc.stderr


def test_metadata_for_a_missing_speech_is_an_error(run_build, tmp_path):
    seeds, content = tmp_path / "seeds", tmp_path / "content"
    write(seeds, "a.txt", "正文。")
    write(content / "speeches", "b.md", "---\ntitle: 乙\n---\n")
    proc = run_build(seeds, content, tmp_path / "out")
    assert proc.returncode != 0 and "b.md" in proc.stderr


def test_encodings_and_explicit_encoding_in_metadata(run_build, tmp_path):
    seeds, content, out = tmp_path / "seeds", tmp_path / "content", tmp_path / "out"
    text = "各位代表：\r\n一、回顾\r\n过去五年，成绩显著。\r\n"
    write(seeds, "gbk.txt", text.encode("gbk"))
    write(seeds, "u16.txt", "\ufeff".encode("utf-16-le") + text.replace("\r\n", "\r").encode("utf-16-le"))
    big5 = "各位代表：\n一、回顧\n過去五年，成績顯著。\n"
    write(seeds, "big5.txt", big5.encode("big5"))
    write(content / "speeches", "big5.md", "---\nencoding: big5\n---\n")
    assert run_build(seeds, content, out).returncode == 0
    for stem, heading, body in (("gbk", "一、回顾", "过去五年，成绩显著。"), ("u16", "一、回顾", "过去五年，成绩显著。"),
                                ("big5", "一、回顧", "過去五年，成績顯著。")):
        page = read_speech((out / "speeches" / f"{stem}.html").read_text(encoding="utf-8"))
        assert page.sections == [("s1", heading)]
        assert [t for tag, _, t in page.blocks if tag == "p"] == ["各位代表：", body]


def test_metadata_overrides_what_the_text_says(run_build, tmp_path):
    seeds, content, out = tmp_path / "seeds", tmp_path / "content", tmp_path / "out"
    write(seeds, "a.txt", "在某会上的讲话\n（2023年3月15日）\n同志们：\n正文。")
    write(content / "speeches", "a.md", "---\ntitle: 新标题\nslug: new-name\nkind: 致辞\n---\n说明文字。")
    assert run_build(seeds, content, out).returncode == 0
    html = (out / "speeches" / "new-name.html").read_text(encoding="utf-8")
    assert "<title>新标题" in html and 'datetime="2023-03-15"' in html and "致辞" in html and "说明文字" in html


def test_markdown_pages_are_rendered(built_site):
    html = (built_site / "about.html").read_text(encoding="utf-8")
    assert "<h1>关于本站</h1>" in html and "<li>" in html and "<code>#s2-3</code>" in html


def test_notes_and_pages_show_raw_html_as_text_and_drop_script_links(run_build, tmp_path):
    seeds, content, out = tmp_path / "seeds", tmp_path / "content", tmp_path / "out"
    write(seeds, "a.txt", "正文。")
    write(content / "speeches", "a.md", "---\ntitle: 甲\n---\n**注** <script>alert(1)</script> [x](javascript:alert(2))\n")
    write(content / "pages", "about.md", "---\ntitle: 关于\n---\n<img src=x onerror=alert(3)> [站内](speeches/a.html)\n")
    assert run_build(seeds, content, out).returncode == 0
    note = (out / "speeches" / "a.html").read_text(encoding="utf-8")
    assert "<strong>注</strong> &lt;script&gt;alert(1)&lt;/script&gt;" in note and "javascript:" not in note
    about = (out / "about.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(3)&gt;" in about and '<a href="speeches/a.html">站内</a>' in about


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_rebuild_after_an_edit_gives_every_file_of_a_build_from_scratch(tmp_path, repo_root):
    """The incremental path (cached speeches and counts, the last build's term matrix, reused
    pages, the early outputs in a process of their own) builds the very bytes a cold build does."""
    from wenji.cache import Cache
    from wenji.site import build

    seeds = tmp_path / "seeds"
    shutil.copytree(repo_root / "seeds", seeds)
    content = repo_root / "content"
    out, cache = tmp_path / "site", Cache(tmp_path / "cache")
    first = build(seeds, content, out, cache=cache, workers=2)
    assert not first.up_to_date and first.rendered > 0
    again = build(seeds, content, out, cache=cache, workers=2)
    assert again.up_to_date
    victim = sorted(seeds.glob("*.txt"))[2]
    text = victim.read_text(encoding="utf-8")
    victim.write_text(text.replace("。", "。生态环境保护要加强，数字经济要发展。", 1), encoding="utf-8")
    edited = build(seeds, content, out, cache=cache, workers=2)
    assert not edited.up_to_date and 0 < edited.rendered < first.rendered  # only what changed is rendered
    cold_out = tmp_path / "cold"
    build(seeds, content, cold_out, cache=Cache(tmp_path / "fresh-cache"), workers=1)
    rebuilt, cold = _files(out), _files(cold_out)
    assert sorted(rebuilt) == sorted(cold)
    assert [name for name in cold if rebuilt[name] != cold[name]] == []


def _processes_naming(text: str) -> list[int]:
    """Live processes whose command line holds ``text`` (a build's workers are forked: they
    keep the command line of the build that started them)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and text in (proc / "cmdline").read_bytes().decode("utf-8", "replace"):
                found.append(int(proc.name))
        except OSError:
            pass
    return found


def test_build_py_leaves_no_process_behind(tmp_path, repo_root):
    """build.py starts reading and rendering workers and a second process, then exits without
    the interpreter's clean-up: every one of them must have ended by then, after a cold build,
    after a rebuild that cuts nothing or finds the site up to date, and after a failed build."""
    content = tmp_path / "content"
    shutil.copytree(repo_root / "content", content)
    out = tmp_path / "site-no-leftovers"

    def build_py() -> tuple[int, str]:
        log = tmp_path / "log.txt"
        with open(log, "w", encoding="utf-8") as f:  # a file, not a pipe a leftover would hold open
            code = subprocess.run([sys.executable, "build.py", "--seeds", str(repo_root / "seeds"), "--content",
                                   str(content), "--out", str(out)], cwd=repo_root, stdout=f, stderr=f,
                                  timeout=300).returncode
        left = _processes_naming(str(out))
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        assert left == [], "processes left behind"
        return code, log.read_text(encoding="utf-8")

    assert build_py()[0] == 0
    with open(content / "site.toml", "a", encoding="utf-8") as f:
        f.write("\n# edited\n")
    code, said = build_py()
    assert code == 0 and "up to date" not in said
    code, said = build_py()
    assert code == 0 and "up to date" in said
    (content / "themes.toml").write_text("[[theme]]\nslug = 'Bad Slug'\n", encoding="utf-8")
    code, said = build_py()
    assert code == 1 and "themes.toml" in said
