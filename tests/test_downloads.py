"""The downloads' file layout (the publishing issue's contract): ``speeches/<slug>.txt`` (the
cleaned text with its structure), ``speeches/<slug>.json`` (metadata, sections with ids and
headings, paragraph ids and their lines in the .txt), ``archive.json`` at the site's root (every
speech with its metadata, addresses and sections) and ``archive-texts.zip`` (every .txt and
archive.json). Rebuilt from cached per-speech parts and reused files, yet the same bytes as
a cold build of the same input."""
from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from htmltext import read_speech
from wenji import downloads, site
from wenji.cache import Cache
from wenji.model import Archive

REPO = Path(__file__).parent.parent
ADDED = "这是修改后新加的一句话。"
EXTRA = {  # besides the bundled seeds: a file name that is not ASCII, and one with many sections
    "讲话甲.txt": "在全市工作会议上的讲话\n（2023年3月15日）\n同志们：\n今天的会议很重要。\n"
                  "一、总体要求\n要坚持“稳中求进”，把握 <b>&amp; 引号\"与反斜杠\\。\n二、重点任务\n抓好落实。\n",
    "plain-b.txt": "关于做好**工作的报告\n" + "".join(f"{n}. 第{n}项工作要抓紧。\n" for n in range(1, 30)),
}
BASE = "https://example.org/wenji/"


def _copy_input(dest: Path) -> tuple[Path, Path]:
    seeds, content = dest / "seeds", dest / "content"
    shutil.copytree(REPO / "seeds", seeds)
    shutil.copytree(REPO / "content", content)
    for name, text in EXTRA.items():
        (seeds / name).write_text(text, encoding="utf-8")
    return seeds, content


def _downloads(out: Path) -> dict[str, bytes]:
    """Every download of a built site by its path in the site."""
    names = ["archive.json", "archive-texts.zip"] + sorted(
        f"speeches/{p.name}" for p in (out / "speeches").iterdir() if p.suffix in (".txt", ".json"))
    return {name: (out / name).read_bytes() for name in names}


def _build(seeds: Path, content: Path, out: Path, cache: Path, base_url: str | None = None) -> dict[str, bytes]:
    site.build(seeds, content, out, cache=Cache(cache), base_url=base_url, workers=1)
    return _downloads(out)


def _inodes(out: Path) -> dict[str, int]:
    return {p.name: p.stat().st_ino for p in (out / "speeches").iterdir() if p.suffix in (".txt", ".json")}


def _edit(seed: Path) -> None:
    lines = seed.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = ADDED + lines[2]  # the third line, as an editor would
    seed.write_text("".join(lines), encoding="utf-8")


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> dict:
    """An archive built cold, then rebuilt with the same cache after each of: one speech edited,
    one removed and one added, a base URL given; each result beside a cold build of its input."""
    root = tmp_path_factory.mktemp("downloads")
    seeds, content = _copy_input(root / "input")
    out, cache = root / "site", root / "cache"
    steps = {"first": _build(seeds, content, out, cache)}
    inodes = {"first": _inodes(out)}
    edited = sorted(seeds.glob("*.txt"))[2]
    _edit(edited)
    steps["edited"] = _build(seeds, content, out, cache)
    inodes["edited"] = _inodes(out)
    steps["edited_cold"] = _build(seeds, content, root / "cold-edited", root / "cache-edited")
    removed = seeds / "plain-b.txt"
    added = seeds / "plain-c.txt"
    added.write_text(EXTRA["plain-b.txt"].replace("报告", "补充报告"), encoding="utf-8")
    removed.unlink()
    steps["changed"] = _build(seeds, content, out, cache)
    steps["changed_cold"] = _build(seeds, content, root / "cold-changed", root / "cache-changed")
    steps["based"] = _build(seeds, content, out, cache, BASE)
    steps["based_cold"] = _build(seeds, content, root / "cold-based", root / "cache-based", BASE)
    return {"steps": steps, "inodes": inodes, "edited": edited.stem, "out": out, "root": root}


def _json(files: dict[str, bytes], name: str) -> dict:
    return json.loads(files[name].decode("utf-8"))


def _zip_files(files: dict[str, bytes]) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(files["archive-texts.zip"])) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _archive_now(rebuilt) -> Archive:
    return site.load_archive(rebuilt["root"] / "input" / "seeds", rebuilt["root"] / "input" / "content",
                             base_url=BASE)


def test_one_edit_rebuild_is_byte_identical_to_a_cold_build(rebuilt):
    steps, stem = rebuilt["steps"], rebuilt["edited"]
    assert steps["edited"] == steps["edited_cold"]
    assert ADDED in steps["edited"][f"speeches/{stem}.txt"].decode("utf-8")
    assert ADDED not in steps["first"][f"speeches/{stem}.txt"].decode("utf-8")
    assert ADDED in _zip_files(steps["edited"])[f"wenji-texts/{stem}.txt"].decode("utf-8")
    assert steps["edited"][f"speeches/{stem}.json"] != steps["first"][f"speeches/{stem}.json"]  # one line more
    # the other speeches' files are exactly as they were, and in archive.json too
    assert {k: v for k, v in steps["first"].items() if stem not in k and "archive" not in k} == {
        k: v for k, v in steps["edited"].items() if stem not in k and "archive" not in k}
    others = [s for s in _json(steps["first"], "archive.json")["speeches"] if s["stem"] != stem]
    assert others == [s for s in _json(steps["edited"], "archive.json")["speeches"] if s["stem"] != stem]


def test_a_rebuild_takes_unchanged_texts_and_jsons_over_and_writes_the_edited_ones(rebuilt):
    """Incremental like the pages: the files of unchanged speeches are the previous site's
    (hard links, the same inode), those of the edited speech are new."""
    before, after, stem = rebuilt["inodes"]["first"], rebuilt["inodes"]["edited"], rebuilt["edited"]
    assert before.keys() == after.keys() and len(before) > 10
    for name in before:
        assert (before[name] == after[name]) == (not name.startswith(stem + ".")), name


def test_removed_and_added_speeches_leave_and_enter_the_downloads(rebuilt):
    steps = rebuilt["steps"]
    assert steps["changed"] == steps["changed_cold"]
    stems = [s["stem"] for s in _json(steps["changed"], "archive.json")["speeches"]]
    assert "plain-c" in stems and "plain-b" not in stems
    names = {n.rsplit("/", 1)[-1] for n in steps["changed"]}
    assert {"plain-c.txt", "plain-c.json"} <= names and not names & {"plain-b.txt", "plain-b.json"}
    names = set(_zip_files(steps["changed"]))
    assert "wenji-texts/plain-c.txt" in names and "wenji-texts/plain-b.txt" not in names
    assert "补充报告" in steps["changed"]["speeches/plain-c.txt"].decode("utf-8")


def test_a_base_url_reaches_the_addresses_on_a_rebuild(rebuilt):
    steps = rebuilt["steps"]
    assert steps["based"] == steps["based_cold"]
    for s in _json(steps["based"], "archive.json")["speeches"]:
        slug = s["slug"]
        assert (s["url"], s["text_url"], s["json_url"]) == (
            f"{BASE}speeches/{slug}.html", f"{BASE}speeches/{slug}.txt", f"{BASE}speeches/{slug}.json")
        assert _json(steps["based"], f"speeches/{slug}.json")["text_url"] == s["text_url"]
    for s in _json(steps["changed"], "archive.json")["speeches"]:
        assert (s["url"], s["text_url"], s["json_url"]) == (
            f"speeches/{s['slug']}.html", f"speeches/{s['slug']}.txt", f"speeches/{s['slug']}.json")


def test_archive_json_lists_every_speech_with_its_metadata_addresses_and_sections(rebuilt):
    out = rebuilt["out"]
    data = json.loads((out / "archive.json").read_text(encoding="utf-8"))
    archive = _archive_now(rebuilt)
    assert data["title"] == archive.config["title"]
    assert [s["slug"] for s in data["speeches"]] == [s.slug for s in archive.speeches]
    for entry, speech in zip(data["speeches"], archive.speeches):
        m = speech.meta
        assert entry["stem"] == speech.stem and entry["characters"] == speech.chars
        assert (entry["meta"]["title"], entry["meta"]["date"], entry["meta"]["kind"], entry["meta"]["speaker"]) == (
            m.title, m.date, m.kind, m.speaker)
        for key in ("url", "text_url", "json_url"):
            assert (out / entry[key].removeprefix(BASE)).is_file()
        assert [(s["id"], s["heading"], s["depth"]) for s in entry["sections"]] == [
            (s.id, s.heading, s.depth) for s, _ in speech.sections()]
        own = json.loads((out / "speeches" / f"{speech.slug}.json").read_text(encoding="utf-8"))
        assert {k: v for k, v in own.items() if k not in ("preamble", "sections", "paragraphs")} == {
            k: v for k, v in entry.items() if k != "sections"}
        assert "paragraphs" not in entry and "text" not in json.dumps(entry["sections"])  # no text of the speech
    quoted = next(s for s in data["speeches"] if s["stem"] == "讲话甲")
    assert quoted["sections"][0]["heading"] == "一、总体要求"


def test_each_txt_is_the_cleaned_text_with_its_structure_and_each_json_its_places(rebuilt):
    """The .txt: the title block, then every heading and paragraph the page shows, in order, a
    blank line between; the .json: the page's section ids and paragraph ids, each at its lines."""
    out = rebuilt["out"]
    archive = _archive_now(rebuilt)
    for speech in archive.speeches:
        text = (out / "speeches" / f"{speech.slug}.txt").read_text(encoding="utf-8")
        assert text == downloads.plain_text(speech)
        page = read_speech((out / "speeches" / f"{speech.slug}.html").read_text(encoding="utf-8"))
        blocks = text.rstrip("\n").split("\n\n")
        assert blocks[0].split("\n")[0] == speech.meta.title
        assert blocks[1:1 + len(page.blocks)] == [t for _, _, t in page.blocks]  # then what was dropped
        data = json.loads((out / "speeches" / f"{speech.slug}.json").read_text(encoding="utf-8"))
        assert [(s["id"], s["heading"]) for s in data["sections"]] == page.sections
        assert [p["id"] for p in data["paragraphs"]] == [i for tag, i, _ in page.blocks if tag == "p"]
        lines = text.split("\n")
        for p, (_, _, shown) in zip(data["paragraphs"], [b for b in page.blocks if b[0] == "p"]):
            first, last = p["lines"]
            assert "\n".join(lines[first - 1:last]) == shown
        for s in data["sections"]:
            assert lines[s["line"] - 1] == s["heading"]
        by_id = {p.id: p for p in speech.paragraphs()}
        assert [p.get("kind", "text") for p in data["paragraphs"]] == [by_id[p["id"]].kind for p in data["paragraphs"]]
        owned = data["preamble"] + [i for s in data["sections"] for i in s["paragraphs"]]
        assert sorted(owned) == sorted(by_id) and len(owned) == len(by_id)
    quoted = (out / "speeches" / "讲话甲.txt").read_text(encoding="utf-8")
    assert '要坚持“稳中求进”，把握 <b>&amp; 引号"与反斜杠\\。' in quoted.split("\n")  # kept as written


def test_a_multi_line_paragraph_has_its_line_range(tmp_path):
    """A paragraph holding line breaks (a table row of a Word file, say) spans lines of the .txt."""
    seeds, content = _copy_input(tmp_path)
    archive = site.load_archive(seeds, content)
    speech = archive.speeches[0]
    first = speech.paragraphs()[0]
    first.text = "第一行\n第二行"
    text, lines = downloads.text_layout(speech)
    start, end = lines[first.id]
    assert end == start + 1 and text.split("\n")[start - 1:end] == ["第一行", "第二行"]
    after = speech.paragraphs()[1]
    assert lines[after.id][0] == end + 2
    row = next(p for p in downloads.structure({}, speech)["paragraphs"] if p["id"] == first.id)
    assert row["lines"] == [start, end]


def test_the_zip_holds_every_txt_and_archive_json_as_the_site_has_them(rebuilt):
    out = rebuilt["out"]
    path = out / "archive-texts.zip"
    archive = _archive_now(rebuilt)
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
        infos = zf.infolist()
        names = [f"wenji-texts/{s.slug}.txt" for s in archive.speeches]
        assert [i.filename for i in infos] == sorted(names) + ["archive.json"]
        for info in infos:
            assert info.compress_type == zipfile.ZIP_DEFLATED and info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.compress_size < info.file_size and info.external_attr == 0o644 << 16
            in_site = "archive.json" if info.filename == "archive.json" else info.filename.replace("wenji-texts/", "speeches/")
            assert zf.read(info) == (out / in_site).read_bytes(), info.filename
    assert "wenji-texts/讲话甲.txt" in [i.filename for i in infos]
    tested = subprocess.run(["unzip", "-t", str(path)], capture_output=True, text=True)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "No errors detected" in tested.stdout


def test_zip_holds_what_zipfile_writes_for_the_same_files(rebuilt):
    """Every member as Python's own zip writer (the way taken beyond Zip64's limits) has it."""
    zipped = (rebuilt["out"] / "archive-texts.zip").read_bytes()
    with zipfile.ZipFile(io.BytesIO(zipped)) as ours:
        written = downloads._zipfile([(n, ours.read(n)) for n in ours.namelist()])
        with zipfile.ZipFile(io.BytesIO(written)) as theirs:
            fields = ("filename", "date_time", "compress_type", "external_attr", "file_size", "CRC", "flag_bits")
            assert [[getattr(i, f) for f in fields] for i in ours.infolist()] == [
                [getattr(i, f) for f in fields] for i in theirs.infolist()]
            assert [ours.read(n) for n in ours.namelist()] == [theirs.read(n) for n in theirs.namelist()]


def test_beyond_zip64_limits_the_zip_is_written_by_zipfile_with_the_same_members(tmp_path, monkeypatch):
    zipfile_writer = downloads._zipfile
    seeds, content = _copy_input(tmp_path)
    archive = site.load_archive(seeds, content)
    ours = dict(downloads.archive_outputs(archive))
    written = []
    monkeypatch.setattr(downloads, "_zipfile", lambda files: written.append(files) or zipfile_writer(files))
    monkeypatch.setattr(downloads, "_LIMIT", 10)  # every member "too large" for a zip without Zip64
    theirs = dict(downloads.archive_outputs(archive))
    assert len(written) == 1 and theirs["archive.json"] == ours["archive.json"]
    with zipfile.ZipFile(io.BytesIO(ours["archive-texts.zip"])) as a, zipfile.ZipFile(
            io.BytesIO(theirs["archive-texts.zip"])) as b:
        assert a.namelist() == b.namelist() and [a.read(n) for n in a.namelist()] == [b.read(n) for n in b.namelist()]


def test_downloads_from_the_cache_equal_those_made_without_it(tmp_path):
    seeds, content = _copy_input(tmp_path)
    cache = Cache(tmp_path / "cache")
    archive = site.load_archive(seeds, content, cache=cache)
    plain = dict(downloads.archive_outputs(archive))
    assert dict(downloads.archive_outputs(archive, cache)) == plain  # parts computed and stored
    assert list((tmp_path / "cache").glob("archive-downloads-*/*"))
    assert dict(downloads.archive_outputs(archive, cache)) == plain  # parts read back
    empty = Archive(speeches=[], config={"title": "空"}, content=content)
    files = dict(downloads.archive_outputs(empty, cache))
    assert json.loads(files["archive.json"]) == {"title": "空", "speeches": []}
    assert zipfile.ZipFile(io.BytesIO(files["archive-texts.zip"])).namelist() == ["archive.json"]


@pytest.mark.parametrize("value", [
    {"title": "引号\"、反斜杠\\、换行\n、制表\t、\x00\x1f、\u2028、😀", "n": [], "m": {}, "x": [[], {}, [1, [2, []]]]},
    {"float": 1.5, "big": 10**30, "neg": -3, "flags": [True, False, None], "rows": [{"id": "p1", "lines": [1, 2]}]},
    ["a", "b", ["c", {"d": ["e"]}]],
    "只是一个字符串",
    [],
])
def test_json_is_what_the_json_module_reads_back(value):
    assert json.loads(downloads._json(value)) == value


def test_json_puts_a_section_or_paragraph_on_a_line_of_its_own(seeds_archive):
    speech = seeds_archive.speeches[0]
    text = downloads.speech_json({}, speech)
    lines = text.split("\n")
    data = json.loads(text)
    for row in data["sections"] + data["paragraphs"]:
        assert "  " + json.dumps(row, ensure_ascii=False) in (line.rstrip(",") for line in lines)
    assert lines[0] == "{" and lines[1] == f' "slug": "{speech.slug}",'
    assert len(text.encode()) < len(json.dumps(data, ensure_ascii=False, indent=1).encode()) * 0.8


def test_a_speech_page_links_its_own_txt_and_json(built_site):
    for page in sorted((built_site / "speeches").glob("*.html")):
        html = page.read_text(encoding="utf-8")
        slug = page.stem
        assert f'<a href="{slug}.txt" download>' in html and f'<a href="{slug}.json" download>' in html
        assert '<a href="../archive-texts.zip" download>' in html
        assert (page.parent / f"{slug}.txt").is_file() and (page.parent / f"{slug}.json").is_file()
    assert not (built_site / "static" / "save.js").exists()
    assert os.path.isfile(built_site / "archive.json")
