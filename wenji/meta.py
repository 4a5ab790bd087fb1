"""Per-speech metadata from ``content/speeches/<stem>.md`` (YAML front matter + Markdown notes)
and the site configuration ``content/site.toml``. What content/ says overrides what was
inferred from the text; ``Meta.inferred`` records which fields came from the text."""
from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import fields, replace
from pathlib import Path

from . import lazy
from .errors import InputError
from .model import Meta

# YAML front matter (24 ms to import): parsed where a metadata file is new or changed (a
# rebuild takes the others' from the cache: site._front_matter).
frontmatter = lazy.module("frontmatter")
yaml = lazy.module("yaml")

FIELDS = {"title", "date", "kind", "place", "speaker", "occasion", "source", "slug", "summary",
          "date_note", "encoding", "lang"}
# The owner's corrections to how the text is read: lists of lines (by text, or line number).
CORRECTIONS = {"headings", "not_headings", "drop", "drop_from"}
SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
SITE_DEFAULTS = {
    "title": "文集",
    "description": "讲话与报告文集",
    "language": "zh-CN",
    "base_url": "",
    "footer": "",
    "per_page": 50,
}


def load_front_matter(path: Path) -> dict | InputError:
    """The metadata a file gives, validated; an InputError naming the line when it is invalid."""
    try:
        post = frontmatter.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as e:
        return InputError(path, f"metadata is not UTF-8 ({e.reason})")
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        reason = getattr(e, "problem", None) or str(e).splitlines()[0]
        return InputError(path, f"invalid front matter: {reason}", mark.line + 1 if mark else None)
    data = dict(post.metadata)
    unknown = sorted(set(data) - FIELDS - CORRECTIONS)
    if unknown:
        return InputError(path, f"unknown metadata field(s) {', '.join(unknown)}; "
                                f"known: {', '.join(sorted(FIELDS | CORRECTIONS))}", _line_of_key(path, unknown[0]))
    out: dict = {}
    for key, value in data.items():
        if value is None:
            continue
        if key in CORRECTIONS:
            items = value if isinstance(value, list) else [value]
            bad = [v for v in items if isinstance(v, bool) or not isinstance(v, (str, int))]
            if bad or (key in ("drop", "drop_from") and any(not _is_pattern(v) for v in items)):
                return InputError(path, f"{key} must be a list of lines (text or line number)"
                                        + (" as regular expressions" if key in ("drop", "drop_from") else ""),
                                  _line_of_key(path, key))
            out[key] = tuple(v.strip() if isinstance(v, str) else v for v in items)
            continue
        if key == "date":
            if isinstance(value, (dt.date, dt.datetime)):
                value = value.strftime("%Y-%m-%d")
            value = str(value)
            if not DATE.match(value):
                return InputError(path, f"date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD", _line_of_key(path, key))
        elif not isinstance(value, str):
            return InputError(path, f"{key} must be text, not {type(value).__name__}", _line_of_key(path, key))
        out[key] = value.strip()
    if "slug" in out and not SLUG.match(out["slug"]):
        return InputError(path, f"slug {out['slug']!r} must be letters, digits, '.', '_' or '-' "
                                "(no '/', no '..', at most 100 characters)", _line_of_key(path, "slug"))
    if out.get("slug", "").strip(".") == "":
        out.pop("slug", None)
    if post.content.strip():
        out.setdefault("summary", post.content.strip())
    return out


def _is_pattern(value) -> bool:
    if not isinstance(value, str):
        return False
    try:
        re.compile(value)
    except re.error:
        return False
    return True


def boilerplate_rules(config: dict) -> tuple[tuple[str, ...], tuple[str, ...]] | str:
    """(drop, drop_from) patterns of ``[boilerplate]`` in site.toml, or the reason they are invalid.

    ``drop``: a paragraph matching one of these is left out wherever it stands; ``drop_from``:
    a paragraph matching one of these in the second half of a speech is left out with
    everything after it (a licence notice copied with every text)."""
    table = config.get("boilerplate", {})
    if not isinstance(table, dict):
        return "[boilerplate] must be a table with drop = [...] and drop_from = [...]"
    rules = []
    for key in ("drop", "drop_from"):
        items = table.get(key, [])
        if not isinstance(items, list) or not all(_is_pattern(v) for v in items):
            return f"[boilerplate] {key} must be a list of regular expressions"
        rules.append(tuple(items))
    unknown = sorted(set(table) - {"drop", "drop_from"})
    if unknown:
        return f"[boilerplate] has unknown key(s) {', '.join(unknown)}; known: drop, drop_from"
    return rules[0], rules[1]


def _line_of_key(path: Path, key: str) -> int | None:
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith(f"{key}:"):
            return n
    return None


def merge(inferred: dict, given: dict) -> Meta:
    """Meta from what the text says, overridden by what content/ says."""
    names = {f.name for f in fields(Meta)}
    values = {k: v for k, v in inferred.items() if k in names}
    values.update({k: v for k, v in given.items() if k in names})
    taken = sorted(k for k in inferred if k in names and k not in given and inferred[k])
    text_date, given_date = inferred.get("date", ""), given.get("date", "")
    if given_date and len(text_date) > len(given_date) and text_date.startswith(given_date):
        values["date"] = text_date  # the text's own date line is more precise and agrees
        taken.append("date")
    taken = tuple(sorted(taken))
    return replace(Meta(**values), inferred=taken)


def load_site_config(content: Path) -> dict | InputError:
    config = dict(SITE_DEFAULTS)
    path = content / "site.toml"
    if path.is_file():
        try:
            config.update(tomllib.loads(path.read_text(encoding="utf-8")))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            m = re.search(r"line (\d+)", str(e))
            return InputError(path, f"invalid TOML: {e}", int(m.group(1)) if m else None)
    return config


def check_base_url(config: dict) -> str:
    """'' when base_url is empty or an absolute http(s) URL; otherwise the reason it is not."""
    url = str(config.get("base_url") or "")
    if not url:
        config["base_url"] = ""
        return ""
    if not re.match(r"^https?://[^/\s]+(/[^\s]*)?$", url):
        return f"base_url {url!r} must be an absolute http:// or https:// address"
    config["base_url"] = url if url.endswith("/") else url + "/"
    return ""
