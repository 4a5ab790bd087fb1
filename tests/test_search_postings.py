"""wenji.search.postings: which bigrams are terms, and blocks of speeches that edits do not move."""
from __future__ import annotations

from searchtruth import QUERIES, truth
from wenji.search import postings
from wenji.search.documents import archive_documents
from wenji.search.postings import block_bounds, block_postings, dropped_bigrams, kept_terms, min_df
from wenji.search.reference import SearchIndex
from wenji.search.terms import TF, Folder, term_key


def test_small_archives_keep_fewer_bigrams(seeds_archive, monkeypatch):
    assert min_df(10**9) == 1 and min_df(1000) == 3
    docs = archive_documents(seeds_archive)
    lean = SearchIndex(docs)
    monkeypatch.setattr(postings, "SMALL", 0)
    full = SearchIndex(docs)
    assert len(lean.vocab) < 0.5 * len(full.vocab)
    texts = [d.text for d in docs]
    for q in QUERIES:
        assert set(lean.search(q)) == set(full.search(q)) == truth(texts, q), q


def test_a_character_that_starts_no_kept_bigram_is_a_term_alone():
    folder = Folder()
    terms = [folder.doc_terms("", "花卉产业"), folder.doc_terms("", "花卉市场"), folder.doc_terms("", "产业花卉")]
    dropped = dropped_bigrams(terms, 1000)  # a small archive: bigrams of fewer than 3 documents go
    assert dropped == {term_key(t) for t in ["卉产", "产业", "卉市", "市场", "业花"]}
    first = next(kept_terms(terms[:1], dropped))
    assert [term_key("花卉")] == list(first.keys)
    assert {chr(c) for c in first.lone} == {"卉", "产", "业"}  # 花 starts 花卉, the others start nothing kept
    assert first.length == sum(v & TF for v in first.vals) + len(first.lone)
    block = block_postings(terms, dropped)
    assert sorted(v >> 32 for v in block.post[term_key("花卉")]) == [0, 1, 2]


def test_blocks_depend_on_names_and_an_inserted_speech_changes_the_blocks_around_it_only():
    names = [f"speech-{i:04d}" for i in range(400)]
    bounds = block_bounds(names, 8)
    assert bounds[0][0] == 0 and bounds[-1][1] == 400 and len(bounds) > 20
    assert all(a < b <= a + 16 for a, b in bounds) and all(x[1] == y[0] for x, y in zip(bounds, bounds[1:]))
    assert block_bounds(list(names), 8) == bounds  # an edit changes no name: no boundary moves
    after = block_bounds(names[:200] + ["a-new-speech"] + names[200:], 8)
    start = next(a for a, b in bounds if a <= 200 < b)  # the block the new speech goes into
    assert [x for x in after if x[1] <= start] == [x for x in bounds if x[1] <= start]
    shifted = {(a + (a > start), b + (b >= 200)) for a, b in bounds}
    new = set(after) - shifted
    assert 1 <= len(new) <= 2 and all(a >= start for a, _ in new)  # its own block, and the next if cut at 2 x 8
