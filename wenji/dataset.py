"""Datasets -> seeds: ``python build.py import DATA …`` turns a collection (JSON Lines, a JSON
array of objects, or CSV; one row per speech) into ``seeds/<id>.txt`` and
``content/speeches/<id>.md`` for a later build.

Every row is checked before anything is written: ids must be valid slugs, unique (case aside,
as the pages' names must be), dates YYYY, YYYY-MM or YYYY-MM-DD (``1954年9月15日``,
``1954/9/15`` and ``1954-09-15T00:00:00`` are read as such); a row without text is reported
and skipped. An existing file is never overwritten unless ``force`` (one that already holds
exactly what would be written is left as it is), so a failed import changes nothing.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .meta import DATE, SLUG
from .read import ReadError, decode
from .readers import FORMATS

METADATA = ("title", "date", "kind", "speaker", "place", "source")  # the front-matter fields import writes
_LOOSE_DATE = re.compile(r"^\s*(\d{4})(?:\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2})\s*日?)?\s*月?)?(?:[T\s].*)?\s*年?$")


@dataclass
class Row:
    number: int  # 1-based, in the order of the data
    line: int | None  # where it starts in the file, when the format has lines
    values: dict


@dataclass
class Outcome:
    speeches: int = 0  # rows imported (written now or already there)
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # rows without text
    errors: list[InputError] = field(default_factory=list)


def load_rows(path: Path) -> list[Row] | InputError:
    """The rows of a .jsonl, .json or .csv file (UTF-8, UTF-16 with BOM or GB18030); a CSV's
    rows hold every column of its header."""
    try:
        text, _ = decode(path.read_bytes())
    except OSError as e:
        return InputError(path, f"cannot read: {e.strerror}")
    except ReadError as e:
        return InputError(path, e.reason, e.line)
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        return _jsonl(path, text)
    if suffix == ".json":
        return _json(path, text)
    if suffix == ".csv":
        return _csv(text)
    return InputError(path, "not a dataset: give a .jsonl, .json or .csv file")


def _jsonl(path: Path, text: str) -> list[Row] | InputError:
    rows = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as e:
            return InputError(path, f"row {len(rows) + 1}: not valid JSON ({e.msg})", n)
        if not isinstance(value, dict):
            return InputError(path, f"row {len(rows) + 1}: not a JSON object", n)
        rows.append(Row(len(rows) + 1, n, value))
    return rows


def _json(path: Path, text: str) -> list[Row] | InputError:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        return InputError(path, f"not valid JSON ({e.msg})", e.lineno)
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        return InputError(path, "a .json dataset must be an array of objects, one per speech")
    return [Row(n, None, v) for n, v in enumerate(value, 1)]


def _csv(text: str) -> list[Row]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows, start = [], 2
    for n, values in enumerate(reader, 1):
        rows.append(Row(n, start, {k: v for k, v in values.items() if k is not None}))
        start = reader.line_num + 1
    return rows


def _value(row: Row, name: str | None) -> str:
    if not name:
        return ""
    value = row.values.get(name)
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value).strip() if not isinstance(value, str) else value


def normal_date(value: str) -> str | None:
    """YYYY[-MM[-DD]] from the ways datasets write a date; None when it is none of them."""
    if DATE.match(value.strip()):
        return value.strip()
    m = _LOOSE_DATE.match(value)
    if not m:
        return None
    y, mo, d = m.groups()
    out = y + (f"-{int(mo):02d}" if mo else "") + (f"-{int(d):02d}" if mo and d else "")
    return out if DATE.match(out) else None


def front_matter(values: dict[str, str]) -> str:
    """YAML front matter, every value a double-quoted string (JSON's quoting is valid YAML)."""
    lines = [f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in values.items() if v]
    return "---\n" + "\n".join(lines) + "\n---\n"


def plan(data: Path, rows: list[Row], fields: dict[str, str], seeds: Path, content: Path,
         force: bool) -> tuple[dict[Path, str], Outcome]:
    """What to write (path -> text), and what was skipped or wrong, for every row at once."""
    out = Outcome()
    known = set().union(*(r.values.keys() for r in rows))
    for option, name in fields.items():
        if name and name not in known:
            out.errors.append(InputError(data, f"no field {name!r} (given as --{option}); the data has: "
                                               f"{', '.join(sorted(known)) or 'no fields'}"))
    if out.errors:
        return {}, out
    files: dict[Path, str] = {}
    ids: dict[str, int] = {}
    for row in rows:
        where = f"row {row.number}"
        slug = _value(row, fields["id"]).strip()
        if not SLUG.match(slug) or slug.strip(".") == "":
            out.errors.append(InputError(data, f"{where}: id {slug!r} is not a valid file name (letters, digits, "
                                               "'.', '_' or '-', at most 100 characters)", row.line))
            continue
        if slug.lower() in ids:
            out.errors.append(InputError(data, f"{where}: id {slug!r} is also the id of row {ids[slug.lower()]}",
                                         row.line))
            continue
        ids[slug.lower()] = row.number
        text = _value(row, fields["text"])
        if not text.strip():
            out.skipped.append(f"{data}: {where} ({slug}): no text, skipped")
            continue
        meta = {k: _value(row, fields.get(k)).strip() for k in METADATA}
        if meta["date"]:
            date = normal_date(meta["date"])
            if date is None:
                out.errors.append(InputError(data, f"{where}: date {meta['date']!r} is not YYYY, YYYY-MM or "
                                                   "YYYY-MM-DD", row.line))
                continue
            meta["date"] = date
        files[seeds / f"{slug}.txt"] = text if text.endswith("\n") else text + "\n"
        files[content / "speeches" / f"{slug}.md"] = front_matter(meta)
        out.errors += _conflicts(seeds, slug)
    if not force:
        for path, text in files.items():
            if path.exists() and path.read_text(encoding="utf-8", errors="replace") != text:
                out.errors.append(InputError(path, "exists and differs from what the import would write; "
                                                   "not overwritten (use --force to replace it)"))
    return files, out


def _conflicts(seeds: Path, slug: str) -> list[InputError]:
    """A seed of the same name in another format would make two files of one speech."""
    return [InputError(seeds / f"{slug}{suffix}", f"holds the speech {slug!r} too: remove it or use another id")
            for suffix in FORMATS if suffix != ".txt" and (seeds / f"{slug}{suffix}").exists()]


def import_dataset(data: Path, seeds: Path, content: Path, fields: dict[str, str], force: bool = False) -> Outcome:
    """Check every row, then write the files (all of them, or none when anything is wrong)."""
    rows = load_rows(data)
    if isinstance(rows, InputError):
        return Outcome(errors=[rows])
    files, out = plan(data, rows, fields, seeds, content, force)
    if out.errors:
        return out
    out.speeches = len(files) // 2
    for path, text in files.items():
        if path.exists() and path.read_text(encoding="utf-8", errors="replace") == text:
            out.unchanged.append(path)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8", newline="")
        os.replace(tmp, path)
        out.written.append(path)
    return out
