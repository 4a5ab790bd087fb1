"""Orchestrates a build: read -> clean -> structure -> themes -> search -> render -> write.

The site is written to a temporary folder beside ``--out`` and swapped in only when every
step succeeded, so a failed build leaves the previous site exactly as it was.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable

from . import clean, downloads, feeds, header, masks, meta as metadata, render, search, structure
from . import themes as themes_mod
from .errors import BuildError, InputError
from .model import Archive, Speech
from .read import read_file

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = PACKAGE_ROOT / "templates"
STATIC = PACKAGE_ROOT / "static"


@dataclass
class Stats:
    speeches: int = 0
    sections: int = 0
    paragraphs: int = 0
    themes: int = 0
    files: int = 0
    seconds: float = 0.0
    base_url: str = ""


def _seed_files(seeds: Path) -> tuple[list[Path], list[InputError], list[str]]:
    if not seeds.is_dir():
        return [], [InputError(seeds, "seeds folder does not exist")], []
    files, errors, skipped = [], [], []
    for path in sorted(seeds.iterdir()):
        if path.name.startswith("."):
            continue
        if path.is_symlink():
            target = path.resolve()
            if seeds.resolve() not in target.parents:
                errors.append(InputError(path, f"symbolic link to {target}, outside the seeds folder"))
                continue
        if path.suffix.lower() == ".txt" and path.is_file():
            files.append(path)
        else:
            skipped.append(f"{path}: not a .txt file, not read")
    if not files and not errors:
        errors.append(InputError(seeds, "no .txt speeches in the seeds folder"))
    return files, errors, skipped


def load_speech(path: Path, given: dict) -> Speech | InputError:
    """One raw text -> a Speech (decoded, cleaned, header taken out, sectioned)."""
    decoded = read_file(path, given.get("encoding", ""))
    if isinstance(decoded, InputError):
        return decoded
    text, encoding = decoded
    lines = clean.paragraphs(text)
    inferred, head, body = header.split_header(lines)
    if not body:
        return InputError(path, "no speech text after the header lines", head[-1].line if head else None)
    inferred.setdefault("title", header.fallback_title(body))
    inferred["kind"] = header.infer_kind(inferred.get("title", ""), text)
    m = metadata.merge(inferred, given)
    m = replace(m, encoding=encoding)
    root = structure.build(body)
    slug = m.slug or path.stem
    speech = Speech(stem=path.stem, slug=slug, source=path, encoding=encoding, meta=m, header=head, body=root)
    speech.masks = sum(masks.count(p.text) for p in speech.paragraphs()) + sum(
        masks.count(s.heading) for s, _ in speech.sections())
    return speech


def sort_key(s: Speech) -> tuple:
    """Home-page order: by date (undated last), then title, then file name."""
    return (s.meta.date == "", s.meta.date, s.meta.title, s.stem)


class QuietReporter:
    """The reporter used when nobody listens (tests, benchmarks)."""

    def warn(self, msg: str) -> None:
        pass

    def detail(self, msg: str) -> None:
        pass

    def progress(self, items, total: int, desc: str):
        return items


def load_archive(seeds: Path, content: Path, report=None, base_url: str | None = None) -> Archive:
    """Read every speech and its metadata; raise BuildError listing every bad input."""
    report = report or QuietReporter()
    errors: list[InputError] = []
    config = metadata.load_site_config(content)
    if isinstance(config, InputError):
        errors.append(config)
        config = dict(metadata.SITE_DEFAULTS)
    if base_url is not None:
        config["base_url"] = base_url
    url_error = metadata.check_base_url(config)
    if url_error:
        errors.append(InputError(content / "site.toml", url_error))
    files, file_errors, skipped = _seed_files(seeds)
    errors += file_errors
    for s in skipped:
        report.warn(s)
    meta_dir = content / "speeches"
    given_by_stem: dict[str, dict] = {}
    if meta_dir.is_dir():
        stems = {p.stem for p in files}
        for mpath in sorted(meta_dir.glob("*.md")):
            given = metadata.load_front_matter(mpath)
            if isinstance(given, InputError):
                errors.append(given)
            elif mpath.stem not in stems:
                errors.append(InputError(mpath, f"metadata for a speech that is not in {seeds}: no {mpath.stem}.txt"))
            else:
                given_by_stem[mpath.stem] = given
    speeches: list[Speech] = []
    for path in report.progress(files, len(files), "reading"):
        result = load_speech(path, given_by_stem.get(path.stem, {}))
        if isinstance(result, InputError):
            errors.append(result)
        else:
            speeches.append(result)
            report.detail(f"  {path.name}: {result.meta.title} — {sum(1 for _ in result.sections())} sections, "
                          f"{len(result.paragraphs())} paragraphs, encoding {result.encoding}")
    by_slug: dict[str, Speech] = {}
    for s in speeches:
        key = s.slug.lower()  # case-insensitive file systems would merge Foo.html and foo.html
        if key in by_slug:
            errors.append(InputError(s.source, f"slug {s.slug!r} is also the slug of {by_slug[key].source}"))
        else:
            by_slug[key] = s
    if errors:
        raise BuildError(errors)
    speeches.sort(key=sort_key)
    pages = _load_pages(content, errors)
    if errors:
        raise BuildError(errors)
    return Archive(speeches=speeches, config=config, pages=pages, content=content)


def _load_pages(content: Path, errors: list[InputError]) -> list[dict]:
    """Pages written in Markdown under content/pages/ (about, ...), rendered to <name>.html."""
    pages = []
    folder = content / "pages"
    if not folder.is_dir():
        return pages
    for path in sorted(folder.glob("*.md")):
        given = metadata.load_front_matter(path)
        if isinstance(given, InputError):
            errors.append(given)
            continue
        name = path.stem
        if not metadata.SLUG.match(name) or name in {"index", "search", "keywords", "404"}:
            errors.append(InputError(path, f"page name {name!r} is reserved or not a valid file name"))
            continue
        pages.append({"name": name, "title": given.get("title", name), "body": given.get("summary", "")})
    return pages


def outputs(archive: Archive, env, themes) -> Iterable[tuple[str, str | bytes]]:
    """Every file of the site but the static assets, as (relative path, content)."""
    home = render.home_pages(env, archive)
    yield from home
    order = archive.speeches
    for i, s in enumerate(order):
        prev = order[i - 1] if i else None
        nxt = order[i + 1] if i + 1 < len(order) else None
        yield f"speeches/{s.slug}.html", render.speech_page(env, archive, s, prev, nxt, themes)
    for page in archive.pages:
        yield f"{page['name']}.html", render.markdown_page(env, archive, page["title"], render.md(page["body"]))
    yield "404.html", render.not_found_page(env, archive)
    yield from downloads.outputs(archive)
    yield from themes_mod.outputs(archive, themes, env)
    yield from search.outputs(archive, env)
    extra = [name for name, _ in home[1:]] + [f"{p['name']}.html" for p in archive.pages]
    yield from feeds.outputs(archive, extra)


def _copy_static(dest: Path) -> int:
    n = 0
    for src in sorted(STATIC.rglob("*")):
        if src.is_file() and not src.name.startswith("."):
            target = dest / "static" / src.relative_to(STATIC)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, target)
            n += 1
    return n


def _write(dest: Path, rel: str, content: str | bytes) -> None:
    target = (dest / rel).resolve()
    if dest.resolve() not in target.parents:
        raise BuildError([InputError(Path(rel), "output path would leave the output folder")])
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    target.write_bytes(content)


def build(seeds: Path, content: Path, out: Path, report=None, base_url: str | None = None) -> Stats:
    """Build the site into ``out``; on any error raise and leave ``out`` untouched."""
    start = time.perf_counter()
    report = report or QuietReporter()
    archive = load_archive(seeds, content, report, base_url)
    themes = themes_mod.analyse(archive, archive.content)
    env = render.environment(TEMPLATES)
    stats = Stats(themes=len(themes.themes))
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))
    try:
        for rel, data in outputs(archive, env, themes):
            _write(tmp, rel, data)
            stats.files += 1
        stats.files += _copy_static(tmp)
        _swap(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    stats.speeches = len(archive.speeches)
    stats.sections = sum(1 for s in archive.speeches for _ in s.sections())
    stats.paragraphs = sum(len(s.paragraphs()) for s in archive.speeches)
    stats.base_url = archive.config.get("base_url", "")
    stats.seconds = time.perf_counter() - start
    return stats


def _swap(new: Path, out: Path) -> None:
    """Put the new site in place of the old one with two renames."""
    old = None
    if out.exists():
        if not out.is_dir():
            raise BuildError([InputError(out, "output path exists and is not a folder")])
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        os.rename(out, old)
    os.rename(new, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
