"""wenji.search.assembly: the old assembly updated where blocks changed equals the assembly of
every block joined from nothing, by either way of finding the terms an edit reached."""
from __future__ import annotations

import pytest

from searchtruth import variants
from wenji.cache import Cache
from wenji.search import files, postings
from wenji.search.assembly import MOVED, Assembly, assemble, empty_assembly, pack, region, unpack
from wenji.search.encoding import Codes, Fragment
from wenji.search.plan import block_fragments, plan


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
