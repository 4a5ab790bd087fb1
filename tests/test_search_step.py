"""wenji.search.step: a rebuild on the last build's state gives the files of a build from nothing."""
from __future__ import annotations

import json
import shutil

import pytest

from searchtruth import files_of, variants
from wenji.cache import Cache
from wenji.search import files, postings


def test_search_files_at_scale_rules_are_deterministic(synthetic_archive, tmp_path, large_rules):
    a = files_of(synthetic_archive, workers=1)
    b = files_of(synthetic_archive, cache=Cache(tmp_path / "c"), workers=2)
    assert a == b == files_of(synthetic_archive, cache=Cache(tmp_path / "c"), workers=2)
    assert len([k for k in a if "/t/" in k]) > 10


@pytest.mark.parametrize("large", [True, False], ids=["every-bigram", "small-archive"])
def test_rebuilds_after_edits_give_the_files_of_a_build_from_nothing(synthetic_archive, tmp_path, monkeypatch,
                                                                    large):
    """Each version built on the state the one before left (in one cache) gives byte for byte
    the files of a build without any cache, whatever the edit did to blocks and terms."""
    if large:
        monkeypatch.setattr(postings, "SMALL", 0)
    monkeypatch.setattr(postings, "BLOCK", 3)
    monkeypatch.setattr(files, "SHARD", 3_000)
    cache = Cache(tmp_path / "cache")
    before = files_of(synthetic_archive, cache=cache, workers=1)
    for name, version in variants(synthetic_archive):
        got = files_of(version, cache=cache, workers=1)
        assert got == files_of(version, workers=1), name
        assert got != before or name == "the first version again", name
        before = got
    # Without the blocks' postings of the last build the state is still used, joining anew
    # every term of a changed block.
    shutil.rmtree(tmp_path / "cache" / "search-postings")
    name, version = variants(synthetic_archive)[0]
    assert files_of(version, cache=cache, workers=1) == files_of(version, workers=1)


def test_nothing_changed_keeps_the_state_as_it_was(seeds_archive, tmp_path):
    cache = Cache(tmp_path / "cache")
    first = files_of(seeds_archive, cache=cache, workers=1)
    state = sorted((tmp_path / "cache" / "search-state").rglob("*"))
    stamps = [p.stat().st_mtime_ns for p in state if p.is_file()]
    assert stamps and files_of(seeds_archive, cache=cache, workers=1) == first
    assert [p.stat().st_mtime_ns for p in state if p.is_file()] == stamps


def test_a_rebuild_deflates_again_only_the_shards_an_edit_changed(synthetic_archive, tmp_path, monkeypatch):
    """Shards start at terms the terms themselves choose, so an edit that adds terms moves no
    later boundary, and a shard whose postings are as they were is not deflated again."""
    monkeypatch.setattr(postings, "SMALL", 0)
    monkeypatch.setattr(files, "SHARD", 3_000)
    cache = Cache(tmp_path / "cache")
    before = files_of(synthetic_archive, cache=cache, workers=1)
    made: list[bytes] = []
    real = files.postings_text
    monkeypatch.setattr(files, "postings_text", lambda p, h: made.append(p) or real(p, h))
    name, version = variants(synthetic_archive)[0]
    assert name == "text"
    got = files_of(version, cache=cache, workers=1)
    shards = [k for k in got if "/t/" in k]
    assert len(shards) > 20 and 0 < len(made) <= len(shards) // 4
    firsts = [json.loads(f["search/manifest.js"].split("=", 1)[1].rstrip(";\n"))["shards"] for f in (before, got)]
    assert len(set(firsts[0]) & set(firsts[1])) >= 0.9 * len(firsts[0])
    assert got == files_of(version, workers=1)
