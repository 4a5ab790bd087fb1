"""python build.py import: a dataset of speeches -> seeds and metadata, then a build of them."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from htmltext import read_speech
from wenji.dataset import normal_date
from wenji.meta import load_front_matter

REPO = Path(__file__).resolve().parent.parent
REAL = REPO / "tests" / "corpus-real"

# Chinese text with both kinds of quotes, a comma and newlines inside the field.
ROWS = [
    {"id": "gwr-1954", "title": "1954年政府工作报告", "date": "1954-09-23", "speaker": "周恩来",
     "text": "各位代表：\n\n一、“过去”的工作\n\n我们说：\"好\"，这是“人民的”胜利。\n\n二、今后的任务\n\n继续前进，建设国家。\n"},
    {"id": "gwr-1955", "title": "1955年政府工作报告, 第一部分", "date": "1955年7月5日", "speaker": "李富春",
     "text": "各位代表：\r\n\r\n一、第一个五年计划\r\n\r\n计划的“基本任务”是……\r\n"},
    {"id": "no-text", "title": "空", "date": "1956", "speaker": "", "text": "  "},
]
FIELDS = ["--id", "id", "--title", "title", "--date", "date", "--text", "text", "--speaker", "speaker"]


def run_import(data: Path, seeds: Path, content: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "build.py", "import", str(data), "--seeds", str(seeds),
                           "--content", str(content), *FIELDS, *extra],
                          cwd=REPO, capture_output=True, text=True, encoding="utf-8")


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def write_csv(path: Path, rows: list[dict]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "json"])
def test_import_writes_texts_and_metadata_then_builds(run_build, tmp_path, fmt):
    data = tmp_path / f"speeches.{fmt}"
    if fmt == "jsonl":
        write_jsonl(data, ROWS)
    elif fmt == "csv":
        write_csv(data, ROWS)
    else:
        data.write_text(json.dumps(ROWS, ensure_ascii=False, indent=1), encoding="utf-8")
    seeds, content = tmp_path / "seeds", tmp_path / "content"
    proc = run_import(data, seeds, content)
    assert proc.returncode == 0, proc.stderr
    assert f"wrote {seeds / 'gwr-1954.txt'}" in proc.stdout and f"wrote {content / 'speeches' / 'gwr-1955.md'}" in proc.stdout
    assert "row 3 (no-text): no text, skipped" in proc.stderr
    assert sorted(p.name for p in seeds.iterdir()) == ["gwr-1954.txt", "gwr-1955.txt"]
    assert (seeds / "gwr-1954.txt").read_text(encoding="utf-8") == ROWS[0]["text"]
    assert (seeds / "gwr-1955.txt").read_bytes().decode("utf-8") == ROWS[1]["text"]  # CRLF kept as given
    assert load_front_matter(content / "speeches" / "gwr-1955.md") == {
        "title": "1955年政府工作报告, 第一部分", "date": "1955-07-05", "speaker": "李富春"}
    out = tmp_path / "out"
    assert run_build(seeds, content, out).returncode == 0
    page = read_speech((out / "speeches" / "gwr-1954.html").read_text(encoding="utf-8"))
    assert page.sections == [("s1", "一、“过去”的工作"), ("s2", "二、今后的任务")]
    assert "我们说：\"好\"，这是“人民的”胜利。" in [t for tag, _, t in page.blocks if tag == "p"]


def test_bad_ids_and_dates_are_refused_with_the_row_and_nothing_is_written(tmp_path):
    rows = [dict(ROWS[0]), dict(ROWS[1], id="bad id/1"), dict(ROWS[1], id="gwr-1955", date="民国四十四年"),
            dict(ROWS[0], id="GWR-1954")]
    data = write_jsonl(tmp_path / "d.jsonl", rows)
    proc = run_import(data, tmp_path / "seeds", tmp_path / "content")
    assert proc.returncode == 1
    assert "d.jsonl:2: row 2: id 'bad id/1' is not a valid file name" in proc.stderr
    assert "d.jsonl:3: row 3: date '民国四十四年' is not YYYY, YYYY-MM or YYYY-MM-DD" in proc.stderr
    assert "d.jsonl:4: row 4: id 'GWR-1954' is also the id of row 1" in proc.stderr
    assert not (tmp_path / "seeds").exists() and not (tmp_path / "content").exists()


def test_a_field_the_data_lacks_is_named(tmp_path):
    data = write_csv(tmp_path / "d.csv", [{"id": "a", "title": "甲", "date": "2020", "body": "正文。"}])
    proc = run_import(data, tmp_path / "seeds", tmp_path / "content")
    assert proc.returncode == 1 and "no field 'text' (given as --text)" in proc.stderr and "body" in proc.stderr


def test_existing_files_are_not_overwritten_without_force(tmp_path):
    seeds, content = tmp_path / "seeds", tmp_path / "content"
    data = write_jsonl(tmp_path / "d.jsonl", ROWS[:1])
    assert run_import(data, seeds, content).returncode == 0
    again = run_import(data, seeds, content)  # the same data again: nothing differs, nothing to do
    assert again.returncode == 0 and "wrote" not in again.stdout and "0 files written, 2 unchanged" in again.stdout
    (seeds / "gwr-1954.txt").write_text("手工改过的文本。\n", encoding="utf-8")
    proc = run_import(data, seeds, content)
    assert proc.returncode == 1 and "gwr-1954.txt: exists and differs" in proc.stderr and "--force" in proc.stderr
    assert (seeds / "gwr-1954.txt").read_text(encoding="utf-8") == "手工改过的文本。\n"
    forced = run_import(data, seeds, content, "--force")
    assert forced.returncode == 0 and f"wrote {seeds / 'gwr-1954.txt'}" in forced.stdout
    assert (seeds / "gwr-1954.txt").read_text(encoding="utf-8") == ROWS[0]["text"]


def test_a_seed_of_another_format_with_the_id_is_a_conflict(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "gwr-1954.docx").write_bytes(b"PK")
    proc = run_import(write_jsonl(tmp_path / "d.jsonl", ROWS[:1]), seeds, tmp_path / "content")
    assert proc.returncode == 1 and "gwr-1954.docx: holds the speech 'gwr-1954' too" in proc.stderr


@pytest.mark.parametrize("given, want", [("1954", "1954"), ("1954-09", "1954-09"), ("1954-09-23", "1954-09-23"),
                                         ("1954/9/23", "1954-09-23"), ("1954.9.23", "1954-09-23"),
                                         ("1954年9月23日", "1954-09-23"), ("1954年9月", "1954-09"),
                                         ("1954-09-23T00:00:00", "1954-09-23"), ("23/9/1954", None), ("1954-13-01", None)])
def test_dates_as_datasets_write_them(given, want):
    assert normal_date(given) == want


def test_import_help_names_every_option():
    proc = subprocess.run([sys.executable, "build.py", "import", "--help"], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0
    for option in ("DATA", "--seeds", "--content", "--id", "--title", "--date", "--text", "--kind", "--speaker",
                   "--place", "--source", "--force"):
        assert option in proc.stdout
