"""wenji.site: a build runs its named steps in order, reports each one's time, stops after
comparing the inputs when nothing changed, and leaves nothing behind when a step fails."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from wenji import site
from wenji.cache import Cache
from wenji.errors import BuildError
from wenji.model import Speech

REPO = Path(__file__).resolve().parent.parent


class Recording:
    """A Report that keeps what it is told."""

    def __init__(self) -> None:
        self.steps: list[tuple[str, float]] = []
        self.speeches: list[str] = []
        self.warnings: list[str] = []

    def warn(self, msg: str) -> None:
        self.warnings.append(msg)

    def speech_read(self, path: Path, speech: Speech) -> None:
        self.speeches.append(speech.slug)

    def step_done(self, name: str, seconds: float) -> None:
        self.steps.append((name, seconds))

    def progress(self, items, total, desc):
        return items


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_every_step_is_reported_in_order_with_its_time_and_an_unchanged_input_stops_early(tmp_path):
    report, cache, out = Recording(), Cache(tmp_path / "cache"), tmp_path / "site"
    stats = site.build(REPO / "seeds", REPO / "content", out, report, cache=cache, workers=1)
    assert [name for name, _ in report.steps] == [name for name, _ in site.STEPS]
    assert all(seconds >= 0 for _, seconds in report.steps)
    assert sum(seconds for _, seconds in report.steps) <= stats.seconds + 0.05
    assert sorted(report.speeches) == sorted(p.stem for p in (REPO / "seeds").glob("*.txt"))
    assert stats.files == len(digest(out)) and not stats.up_to_date
    again = Recording()
    stats = site.build(REPO / "seeds", REPO / "content", out, again, cache=cache, workers=1)
    assert stats.up_to_date and [name for name, _ in again.steps] == [name for name, _ in site.STEPS[:2]]


def test_a_build_told_to_keep_its_data_leaves_it_to_the_caller(tmp_path):
    """``keep`` (for a process about to end): the build's speeches are left in the list, not
    freed when the build returns."""
    kept: list = []
    site.build(REPO / "seeds", REPO / "content", tmp_path / "site", cache=Cache(tmp_path / "cache"), workers=1,
               keep=kept)
    assert len(kept) == 1
    assert sorted(s.stem for s in kept[0].archive.speeches) == sorted(p.stem for p in (REPO / "seeds").glob("*.txt"))


def test_front_matter_is_parsed_again_only_where_its_file_changed(tmp_path, monkeypatch):
    seeds, meta = tmp_path / "seeds", tmp_path / "content" / "speeches"
    seeds.mkdir()
    meta.mkdir(parents=True)
    for name in ("a", "b"):
        (seeds / f"{name}.txt").write_text(f"讲话{name}\n\n一、总体要求\n\n我们要坚持发展。\n", encoding="utf-8")
        (meta / f"{name}.md").write_text(f"---\ntitle: 标题{name}\n---\n", encoding="utf-8")
    parsed: list[str] = []
    parse = site.metadata.load_front_matter
    monkeypatch.setattr(site.metadata, "load_front_matter", lambda path: parsed.append(path.name) or parse(path))
    cache = Cache(tmp_path / "cache")
    site.build(seeds, tmp_path / "content", tmp_path / "site", cache=cache, workers=1)
    assert sorted(parsed) == ["a.md", "b.md"]
    parsed.clear()
    (meta / "b.md").write_text("---\ntitle: 新标题\n---\n", encoding="utf-8")
    site.build(seeds, tmp_path / "content", tmp_path / "site", cache=cache, workers=1)
    assert parsed == ["b.md"]
    page = (tmp_path / "site" / "speeches" / "b.html").read_text(encoding="utf-8")
    assert "新标题" in page and "标题a" in (tmp_path / "site" / "speeches" / "a.html").read_text(encoding="utf-8")


def test_speeches_read_are_kept_for_the_next_build_by_a_forked_build_and_by_one_that_failed(tmp_path, monkeypatch):
    """The speeches read are kept in the cache by the process for the files that need no themes
    (forked on two cores): the rebuild after an edit reads only the edited speech. A build
    that fails on another input keeps those it read too: once that input is fixed, the next
    build reads nothing."""
    seeds, cache = tmp_path / "seeds", Cache(tmp_path / "cache")
    seeds.mkdir()
    for name in ("a", "b", "c"):
        (seeds / f"{name}.txt").write_text(f"讲话{name}\n\n一、总体要求\n\n我们要坚持发展{name}。\n", encoding="utf-8")
    read: list[str] = []
    load = site.load_speech
    monkeypatch.setattr(site, "load_speech", lambda path, *args: read.append(path.name) or load(path, *args))
    site.build(seeds, tmp_path / "content", tmp_path / "site", cache=cache, workers=2)
    assert sorted(read) == ["a.txt", "b.txt", "c.txt"]
    read.clear()
    (seeds / "b.txt").write_text("讲话b\n\n一、总体要求\n\n我们要坚持改革。\n", encoding="utf-8")
    site.build(seeds, tmp_path / "content", tmp_path / "site", cache=cache, workers=2)
    assert read == ["b.txt"]

    other = Cache(tmp_path / "other-cache")
    (seeds / "empty.txt").write_bytes(b"")
    with pytest.raises(BuildError, match="empty.txt"):
        site.build(seeds, tmp_path / "content", tmp_path / "site", cache=other, workers=2)
    (seeds / "empty.txt").unlink()
    read.clear()
    site.build(seeds, tmp_path / "content", tmp_path / "site", cache=other, workers=2)
    assert read == []


def test_a_step_that_fails_leaves_the_old_site_and_no_temporary_folder(tmp_path, monkeypatch):
    out, cache = tmp_path / "site", Cache(tmp_path / "cache")
    site.build(REPO / "seeds", REPO / "content", out, cache=cache, workers=2)
    before = digest(out)

    def broken(b):
        raise RuntimeError("a step failed")

    steps = [(name, broken if fn is site._collect_early else fn) for name, fn in site.STEPS]
    monkeypatch.setattr(site, "STEPS", steps)
    with pytest.raises(RuntimeError, match="a step failed"):
        # another cache: this one would find the site up to date and run no step after the second
        site.build(REPO / "seeds", REPO / "content", out, cache=Cache(tmp_path / "other-cache"), workers=2)
    assert digest(out) == before
    assert [p.name for p in tmp_path.iterdir()] and not [p for p in tmp_path.iterdir() if ".building-" in p.name]


def test_a_rebuild_finds_the_related_passages_again_from_what_the_last_build_remembered(tmp_path, repo_root,
                                                                                      monkeypatch):
    """The sparse products (a large archive's) after an edit that changes terms' frequencies:
    only what the edit can change is computed again, and every file is a cold build's."""
    import shutil

    from wenji import related

    monkeypatch.setattr(related, "DENSE_TERMS", -1)
    monkeypatch.setattr(related, "AGAIN_SHARE", 1.0)  # the edited speech holds half the seeds' sections
    again = related._again
    found = []
    monkeypatch.setattr(related, "_again", lambda *a: found.append(again(*a)) or found[-1])
    seeds = tmp_path / "seeds"
    shutil.copytree(repo_root / "seeds", seeds)
    out, cache = tmp_path / "site", Cache(tmp_path / "cache")
    site.build(seeds, repo_root / "content", out, cache=cache, workers=1)
    victim = sorted(seeds.glob("*.txt"))[2]
    text = victim.read_text(encoding="utf-8")
    victim.write_text(text.replace("。", "。生态环境保护要加强，数字经济要发展。", 1), encoding="utf-8")
    site.build(seeds, repo_root / "content", out, cache=cache, workers=1)
    assert len(found) == 1 and found[0] is not None
    site.build(seeds, repo_root / "content", tmp_path / "cold", cache=Cache(tmp_path / "fresh"), workers=1)
    assert digest(out) == digest(tmp_path / "cold")


def test_a_rebuild_after_an_edit_that_moves_no_idf_weighs_only_the_edited_speechs_keywords(tmp_path, repo_root,
                                                                                          monkeypatch):
    """An edit that repeats a paragraph's own words moves no term's IDF: the keywords of every
    other speech are taken over from the last build (``keywords.tops``), and every file is a
    cold build's."""
    import shutil

    from wenji import keywords

    weighed = []
    section_tops = keywords._section_tops
    monkeypatch.setattr(keywords, "_section_tops",
                        lambda c, kw, speeches: weighed.append(speeches.tolist()) or section_tops(c, kw, speeches))
    seeds = tmp_path / "seeds"
    shutil.copytree(repo_root / "seeds", seeds)
    out, cache = tmp_path / "site", Cache(tmp_path / "cache")
    site.build(seeds, repo_root / "content", out, cache=cache, workers=1)
    victim = sorted(seeds.glob("*.txt"))[2]
    lines = victim.read_text(encoding="utf-8").split("\n")
    at = max(range(len(lines)), key=lambda i: len(lines[i]))  # its longest paragraph, said twice
    lines[at] += lines[at]
    victim.write_text("\n".join(lines), encoding="utf-8")
    site.build(seeds, repo_root / "content", out, cache=cache, workers=1)
    edited = [s.stem for s in site.load_archive(seeds, repo_root / "content").speeches].index(victim.stem)
    assert len(weighed) == 2 and len(weighed[0]) > 1 and weighed[1] == [edited]
    site.build(seeds, repo_root / "content", tmp_path / "cold", cache=Cache(tmp_path / "fresh"), workers=1)
    assert digest(out) == digest(tmp_path / "cold")


def test_a_file_the_same_as_the_previous_sites_is_linked_and_any_other_written(tmp_path):
    """The new site takes over the previous site's file where its bytes are the same (a link,
    no new file to make and no old one to remove), writes the others, and never writes into
    the previous site or outside its own folder."""
    previous, new = tmp_path / "site", tmp_path / "building"
    (previous / "compare").mkdir(parents=True)
    (previous / "compare" / "0.js").write_bytes("同一".encode("utf-8"))
    (previous / "compare" / "1.js").write_bytes(b"old")
    new.mkdir()
    to = site.Output(new, previous)
    site._write(to, "compare/0.js", "同一")
    site._write(to, "compare/1.js", b"new")
    site._write(to, "search/d/0.js", b"first")
    assert os.path.samefile(new / "compare" / "0.js", previous / "compare" / "0.js")
    assert (new / "compare" / "1.js").read_bytes() == b"new" and (previous / "compare" / "1.js").read_bytes() == b"old"
    assert (new / "search" / "d" / "0.js").read_bytes() == b"first"
    for leaving in ["../outside.js", "search/../../outside.js", str(tmp_path / "outside.js")]:
        with pytest.raises(BuildError):
            site._write(to, leaving, b"x")
    assert not (tmp_path / "outside.js").exists()
