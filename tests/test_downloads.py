"""archive-texts.zip: rebuilt from cached per-speech parts, yet the same bytes as a cold build of
the same input, a valid zip that holds every speech's plain text and archive.json (the whole
archive as data, valid JSON). A speech's own .txt and .json are made by the browser from its page
(tests/test_reading_browser.py); the site has no copies of them."""
from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

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


def _copy_input(dest: Path) -> tuple[Path, Path]:
    seeds, content = dest / "seeds", dest / "content"
    shutil.copytree(REPO / "seeds", seeds)
    shutil.copytree(REPO / "content", content)
    for name, text in EXTRA.items():
        (seeds / name).write_text(text, encoding="utf-8")
    return seeds, content


def _build(seeds: Path, content: Path, out: Path, cache: Path, base_url: str | None = None) -> dict[str, bytes]:
    site.build(seeds, content, out, cache=Cache(cache), base_url=base_url, workers=1)
    return _files((out / "archive-texts.zip").read_bytes())


def _files(zipped: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(zipped)) as zf:
        return {"archive-texts.zip": zipped, "archive.json": zf.read("archive.json")}


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
    edited = sorted(seeds.glob("*.txt"))[2]
    _edit(edited)
    steps["edited"] = _build(seeds, content, out, cache)
    steps["edited_cold"] = _build(seeds, content, root / "cold-edited", root / "cache-edited")
    removed = seeds / "plain-b.txt"
    added = seeds / "plain-c.txt"
    added.write_text(EXTRA["plain-b.txt"].replace("报告", "补充报告"), encoding="utf-8")
    removed.unlink()
    steps["changed"] = _build(seeds, content, out, cache)
    steps["changed_cold"] = _build(seeds, content, root / "cold-changed", root / "cache-changed")
    steps["based"] = _build(seeds, content, out, cache, "https://example.org/wenji/")
    steps["based_cold"] = _build(seeds, content, root / "cold-based", root / "cache-based",
                                 "https://example.org/wenji/")
    return {"steps": steps, "edited": edited.stem, "out": out, "root": root}


def _archive(files: dict[str, bytes]) -> dict:
    return json.loads(files["archive.json"].decode("utf-8"))


def _zip_texts(files: dict[str, bytes]) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(files["archive-texts.zip"])) as zf:
        return {name: zf.read(name).decode("utf-8") for name in zf.namelist() if name.startswith("wenji-texts/")}


def test_one_edit_rebuild_is_byte_identical_to_a_cold_build(rebuilt):
    steps, stem = rebuilt["steps"], rebuilt["edited"]
    assert steps["edited"] == steps["edited_cold"]
    assert steps["edited"]["archive.json"] != steps["first"]["archive.json"]
    speech = next(s for s in _archive(steps["edited"])["speeches"] if s["stem"] == stem)
    assert any(ADDED in p["text"] for p in speech["paragraphs"])
    assert ADDED in _zip_texts(steps["edited"])[f"wenji-texts/{stem}.txt"]
    before = next(s for s in _archive(steps["first"])["speeches"] if s["stem"] == stem)
    assert not any(ADDED in p["text"] for p in before["paragraphs"])
    # the other speeches are exactly as they were
    others = [s for s in _archive(steps["first"])["speeches"] if s["stem"] != stem]
    assert others == [s for s in _archive(steps["edited"])["speeches"] if s["stem"] != stem]


def test_removed_and_added_speeches_leave_and_enter_the_downloads(rebuilt):
    steps = rebuilt["steps"]
    assert steps["changed"] == steps["changed_cold"]
    stems = [s["stem"] for s in _archive(steps["changed"])["speeches"]]
    assert "plain-c" in stems and "plain-b" not in stems
    names = set(_zip_texts(steps["changed"]))
    assert "wenji-texts/plain-c.txt" in names and "wenji-texts/plain-b.txt" not in names
    assert "补充报告" in _zip_texts(steps["changed"])["wenji-texts/plain-c.txt"]


def test_a_base_url_reaches_archive_json_on_a_rebuild(rebuilt):
    steps = rebuilt["steps"]
    assert steps["based"] == steps["based_cold"]
    urls = [s["url"] for s in _archive(steps["based"])["speeches"]]
    assert urls and all(u == f"https://example.org/wenji/speeches/{s}.html"
                        for u, s in zip(urls, (s["slug"] for s in _archive(steps["based"])["speeches"])))
    assert all(s["url"].startswith("speeches/") for s in _archive(steps["changed"])["speeches"])


def _archive_now(rebuilt):
    return site.load_archive(rebuilt["root"] / "input" / "seeds", rebuilt["root"] / "input" / "content",
                             base_url="https://example.org/wenji/")


def test_archive_json_is_indented_json_holding_each_speech_json(rebuilt):
    out = rebuilt["out"]
    with zipfile.ZipFile(out / "archive-texts.zip") as zf:
        text = zf.read("archive.json").decode("utf-8")
    data = json.loads(text)
    assert text == json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    archive = _archive_now(rebuilt)
    assert data["title"] and [s["slug"] for s in data["speeches"]] == [s.slug for s in archive.speeches]
    for speech, s in zip(data["speeches"], archive.speeches):
        assert json.dumps(speech, ensure_ascii=False, indent=1) + "\n" == downloads.speech_json(archive.config, s)
    quoted = next(s for s in data["speeches"] if s["stem"] == "讲话甲")
    assert any('<b>&amp; 引号"与反斜杠\\' in p["text"] for p in quoted["paragraphs"])  # kept as written
    assert not list((out / "speeches").glob("*.txt")) and not list((out / "speeches").glob("*.json"))
    assert not (out / "archive.json").exists()


def test_zip_is_valid_deflated_and_holds_every_plain_text(rebuilt):
    out = rebuilt["out"]
    path = out / "archive-texts.zip"
    archive = _archive_now(rebuilt)
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
        infos = zf.infolist()
        assert [i.filename for i in infos] == sorted(f"wenji-texts/{s.slug}.txt" for s in archive.speeches) + [
            "archive.json"]
        texts = {f"wenji-texts/{s.slug}.txt": downloads.plain_text(s) for s in archive.speeches}
        for info in infos:
            assert info.compress_type == zipfile.ZIP_DEFLATED and info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.compress_size < info.file_size and info.external_attr == 0o644 << 16
            if info.filename in texts:
                assert zf.read(info).decode("utf-8") == texts[info.filename]
    assert "wenji-texts/讲话甲.txt" in [i.filename for i in infos]
    tested = subprocess.run(["unzip", "-t", str(path)], capture_output=True, text=True)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "No errors detected" in tested.stdout


def test_zip_holds_what_zipfile_writes_for_the_same_files(rebuilt):
    """Every member as Python's own zip writer (the way taken beyond Zip64's limits) has it."""
    zipped = (rebuilt["out"] / "archive-texts.zip").read_bytes()
    archive = _archive_now(rebuilt)
    with zipfile.ZipFile(io.BytesIO(zipped)) as ours:
        written = downloads._zipfile({s.slug: downloads.plain_text(s) for s in archive.speeches}, ours.read("archive.json"))
        with zipfile.ZipFile(io.BytesIO(written)) as theirs:
            fields = ("filename", "date_time", "compress_type", "external_attr", "file_size", "CRC", "flag_bits")
            assert [[getattr(i, f) for f in fields] for i in ours.infolist()] == [
                [getattr(i, f) for f in fields] for i in theirs.infolist()]
            assert [ours.read(n) for n in ours.namelist()] == [theirs.read(n) for n in theirs.namelist()]


def test_downloads_from_the_cache_equal_those_made_without_it(tmp_path):
    seeds, content = _copy_input(tmp_path)
    cache = Cache(tmp_path / "cache")
    archive = site.load_archive(seeds, content, cache=cache)
    plain = dict(downloads.archive_outputs(archive))
    assert dict(downloads.archive_outputs(archive, cache)) == plain  # parts computed and stored
    assert dict(downloads.archive_outputs(archive, cache)) == plain  # parts read back
    empty = Archive(speeches=[], config={"title": "空"}, content=content)
    files = _files(dict(downloads.archive_outputs(empty, cache))["archive-texts.zip"])
    assert json.loads(files["archive.json"]) == {"title": "空", "speeches": []}
    assert zipfile.ZipFile(io.BytesIO(files["archive-texts.zip"])).namelist() == ["archive.json"]


@pytest.mark.parametrize("value", [
    {"title": "引号\"、反斜杠\\、换行\n、制表\t、\x00\x1f、\u2028、😀", "n": [], "m": {}, "x": [[], {}, [1, [2, []]]]},
    {"float": 1.5, "nan": float("nan"), "big": 10**30, "neg": -3, "flags": [True, False, None], "t": ("a", 1)},
    {1: "int key", "s": {2.5: "float key", None: "null key", True: "bool key"}},
    ["a", "b", ["c", {"d": ["e"]}]],
    "只是一个字符串",
    [],
])
def test_json_matches_the_json_module(value):
    """archive.json and each speech's .json are written as json.dumps(indent=1) would write them."""
    assert downloads._json(value) == json.dumps(value, ensure_ascii=False, indent=1) + "\n"
