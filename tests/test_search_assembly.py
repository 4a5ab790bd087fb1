"""wenji.search.assembly: the old assembly updated where blocks changed equals the assembly of
every block joined from nothing, by either way of finding the terms an edit reached."""
from __future__ import annotations

from array import array

import numpy as np
import pytest

from searchtruth import variants
from wenji.cache import Cache
from wenji.search import assembly, files, postings
from wenji.search.assembly import MOVED, Assembly, assemble, empty_assembly, pack, region, unpack
from wenji.search.encoding import Codes, Fragment, fragment_of, term_parts
from wenji.search.plan import block_fragments, plan
from wenji.search.terms import term_str, utf16_key


def blocks_of(archive) -> tuple[list[str], dict[int, Fragment]]:
    pl = plan(archive, Cache(enabled=False))
    return pl.keys, block_fragments(archive, pl, range(len(pl.keys)), Cache(enabled=False), 1)


def term(asm: Assembly, t: int) -> tuple:
    return asm.vocab[t], asm.post[asm.poff[t]:asm.poff[t + 1]], asm.inhead[t]


@pytest.mark.parametrize("large", [True, False], ids=["every-bigram", "small-archive"])
def test_an_updated_assembly_equals_one_joined_from_nothing(synthetic_archive, monkeypatch, large):
    if large:
        monkeypatch.setattr(postings, "SMALL", 0)
    monkeypatch.setattr(postings, "BLOCK", 3)
    monkeypatch.setattr(files, "SHARD", 3_000)
    keys, frags = blocks_of(synthetic_archive)
    old, _ = assemble(empty_assembly(), keys, frags, None, Codes())
    paths = set()
    for name, version in variants(synthetic_archive):
        new_keys, new_frags = blocks_of(version)
        cold, _ = assemble(empty_assembly(), new_keys, new_frags, None, Codes())
        r = region(old.blocks, new_keys)
        replaced = {j: new_frags[j] for j in range(r.start, r.new_end)}
        every, changed = assemble(old, new_keys, replaced, None, Codes())
        assert every == cold, name
        if r.old_end == r.new_end:  # as many blocks: the old fragments say which terms changed
            old_frags = {j: frags[j] for j in range(r.start, r.old_end)}
            touched, changed_too = assemble(old, new_keys, replaced, old_frags, Codes())
            assert touched == cold and changed_too == changed, name
            paths.add("touched")
        # a term flagged unchanged is the term at the same index before; one not MOVED has the same key
        for t in range(len(cold.vocab)):
            if changed[t] == 0:
                assert term(cold, t) == term(old, t), (name, t)
            elif not changed[t] & MOVED:
                assert cold.vocab[t] == old.vocab[t], (name, t)
        assert unpack(pack(cold)) == cold
        old, frags = cold, new_frags
    assert paths == {"touched"}


def joined_one_by_one(keys: list[str], frags: dict[int, Fragment]) -> tuple[Assembly, bytearray]:
    """What a build from nothing made before it joined every term at once: each term joined
    on its own, as an update joins the terms an edit reached."""
    asm = assembly._Assembler(empty_assembly(), keys, frags, Codes())
    asm.every_term({})
    return asm.result(keys)


@pytest.mark.parametrize("large", [True, False], ids=["every-bigram", "small-archive"])
def test_an_assembly_from_nothing_equals_its_terms_joined_one_by_one(synthetic_archive, monkeypatch, large):
    if large:
        monkeypatch.setattr(postings, "SMALL", 0)
    monkeypatch.setattr(postings, "BLOCK", 3)
    keys, frags = blocks_of(synthetic_archive)
    assert len(keys) > 3
    at_once, changed = assemble(empty_assembly(), keys, frags, None, Codes())
    assert (at_once, changed) == joined_one_by_one(keys, frags)
    assert set(changed) == {MOVED} and len(at_once.vocab) > 1000
    assert any(h is not None for h in at_once.inhead)


def test_terms_of_every_plane_join_in_lunrs_order():
    """Supplementary characters (UTF-16 surrogate pairs) sort between U+D7FF and U+E000, a lone
    character before the bigrams it starts; lone surrogates fall back to sorting the UTF-16
    encodings. The fragments are made by hand: three blocks, parts with and without
    frequencies above one and headings."""
    chars = ["a", "中", "\U00020000", "\ue000", "\uffef", "\U0002a6d6"]
    for extra in ([], ["\ud800"]):
        cs = chars + extra
        frags = {}
        for j in range(3):
            terms = {}
            for x, a in enumerate(cs):
                for y, b in enumerate([""] + cs):
                    if (x + y + j) % 3:
                        k = ord(a) | (ord(b) << 32 if b else 0)
                        terms[k] = (2, j, 1 + (x * y) % 3, "B1" if y % 2 else "A", 2 + j, (0,) if (x + j) % 2 else ())
            frags[j] = fragment_of(4, array("l", [3, 4, 5, 6]), {}, terms)
        keys = ["b0", "b1", "b2"]
        at_once = assemble(empty_assembly(), keys, frags, None, Codes())
        assert at_once == joined_one_by_one(keys, frags)
        spelled = [term_str(k) for k in at_once[0].vocab]
        assert spelled == sorted(spelled, key=utf16_key) and len(spelled) == len(set(spelled))


def test_the_terms_an_edit_reached_are_those_whose_parts_differ(synthetic_archive, monkeypatch):
    """The keys found changed column by column in numpy are those whose part (postings, rest,
    heading flags) differs between the two fragments of a block, or that one of them lacks."""
    monkeypatch.setattr(postings, "BLOCK", 3)
    keys, frags = blocks_of(synthetic_archive)
    seen = 0
    for name, version in variants(synthetic_archive):
        new_keys, new_frags = blocks_of(version)
        if len(new_keys) != len(keys):
            continue
        for j in range(len(keys)):
            was, now = term_parts(frags[j]), term_parts(new_frags[j])
            want = {k for k in was.keys() | now.keys() if was.get(k) != now.get(k)}
            assert set(assembly._changed_keys(frags[j], new_frags[j]).tolist()) == want, name
            seen += bool(want)
    assert seen >= 3


@pytest.mark.parametrize("chunk", [1, 3, 7, 1 << 20])
def test_gathered_parts_are_the_slices_one_after_the_other_however_they_are_chunked(chunk):
    source = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz", np.uint8)
    starts, lengths = np.array([5, 0, 9, 25, 3, 0]), np.array([4, 0, 12, 1, 2, 26])
    expected = b"".join(source.tobytes()[a:a + n] for a, n in zip(starts.tolist(), lengths.tolist()))
    assert assembly._gathered(source, starts, lengths, chunk).tobytes() == expected
    assert len(assembly._gathered(source, starts[:0], lengths[:0], chunk)) == 0
