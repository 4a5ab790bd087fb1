"""wenji.search.plan: a rebuild counts the terms of the edited speech only and encodes its block."""
from __future__ import annotations

import copy

from searchtruth import files_of
from wenji.cache import Cache
from wenji.model import Archive
from wenji.search import encoding, plan
from wenji.search.documents import archive_documents
from wenji.search.postings import block_bounds
from wenji.search.reference import SearchIndex


def edited(archive: Archive, which: int) -> Archive:
    """The archive with a sentence added to one paragraph of one speech."""
    out = copy.deepcopy(archive)
    speech = out.speeches[which]
    para = speech.paragraphs()[2]
    para.text = "这是修改后新加的一句话，讲到量子纠缠。" + para.text
    speech.digest = speech.digest + "-edited" if speech.digest else ""
    return out


def test_the_plan_cuts_the_archive_into_blocks_with_a_key_each(synthetic_archive, large_rules):
    pl = plan.plan(synthetic_archive, Cache(enabled=False))
    assert pl.bounds == block_bounds([s.slug for s in synthetic_archive.speeches]) and len(pl.bounds) > 2
    assert len(set(pl.keys)) == len(pl.bounds) and pl.terms == []  # a large archive: terms made in blocks
    assert sum(p.docs for p in pl.parts) == len(archive_documents(synthetic_archive))
    again = plan.plan(edited(synthetic_archive, 5), Cache(enabled=False))
    changed = [j for j in range(len(pl.keys)) if pl.keys[j] != again.keys[j]]
    assert changed == [next(j for j, (a, b) in enumerate(pl.bounds) if a <= 5 < b)]


def test_editing_one_speech_recomputes_its_terms_and_one_block(synthetic_archive, tmp_path, monkeypatch,
                                                               large_rules):
    cache = Cache(tmp_path / "cache")
    calls: list[int] = []
    real = plan.speech_terms
    monkeypatch.setattr(plan, "speech_terms", lambda texts: calls.append(len(texts)) or real(texts))
    before = files_of(synthetic_archive, cache=cache, workers=1)
    assert len(calls) == len(synthetic_archive.speeches)
    after_edit = edited(synthetic_archive, 5)
    calls.clear()
    made = []
    real_fragment = encoding.fragment
    monkeypatch.setattr(encoding, "fragment", lambda block: made.append(block) or real_fragment(block))
    after = files_of(after_edit, cache=cache, workers=1)
    assert len(calls) == 1  # the edited speech only
    # The block holding it; and its neighbour when the edited speech's new key ends a block or
    # stops ending one (blocks end at keys 0 modulo the block size).
    assert 1 <= len(made) <= 2
    assert after == files_of(after_edit, workers=1)  # the same files as a build from nothing
    assert after != before
    # The edit is found, in the edited speech only.
    index = SearchIndex(archive_documents(after_edit))
    hits = index.search("量子纠缠")
    assert hits and {index.docs[d].speech for d in hits} == {5}


def test_a_rebuild_reads_only_the_edited_speech(synthetic_archive, tmp_path, monkeypatch, large_rules):
    cache = Cache(tmp_path / "cache")
    files_of(synthetic_archive, cache=cache, workers=1)
    read: list[str] = []
    real = plan.speech_documents
    monkeypatch.setattr(plan, "speech_documents",
                        lambda si, speech, base=0: read.append(speech.slug) or real(si, speech, base))
    after_edit = edited(synthetic_archive, 5)
    after = files_of(after_edit, cache=cache, workers=1)
    assert set(read) == {after_edit.speeches[5].slug}  # the others' documents, texts and terms come from the state
    monkeypatch.setattr(plan, "speech_documents", real)
    assert after == files_of(after_edit, workers=1)
