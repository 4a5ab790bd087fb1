"""Search, end to end: exact recall and precision, heading matches first, and the browser's engine
(static/search-engine.js under Node, loading the files as the page does) giving one lunr index's
hits, scores and order from a split index.

The ground truth (``searchtruth``) is computed independently of wenji.search. Each module of the
package has its unit tests in tests/test_search_<module>.py.
"""
from __future__ import annotations

import pytest

from searchtruth import QUERIES, Reference, files_of, run_node, tiny_archive, truth
from wenji.model import Archive
from wenji.search.documents import archive_documents
from wenji.search.reference import SearchIndex
from wenji.search.terms import Folder


@pytest.fixture(scope="module")
def seeds_index(seeds_archive) -> SearchIndex:
    return SearchIndex(archive_documents(seeds_archive))


def test_recall_and_precision_are_exact_on_the_seeds(seeds_index):
    texts = [d.text for d in seeds_index.docs]
    found_total = right = expected_total = 0
    for q in QUERIES:
        expected = truth(texts, q)
        got = seeds_index.search(q)
        assert len(got) == len(set(got)), q
        assert set(got) == expected, f"{q}: missing {expected - set(got)}, extra {set(got) - expected}"
        found_total += len(got)
        expected_total += len(expected)
        right += len(expected & set(got))
    assert len(QUERIES) >= 40
    assert expected_total > 300  # the queries do find things
    assert right / expected_total == 1.0 and right / found_total == 1.0


def test_known_hits_on_the_seeds(seeds_archive, seeds_index):
    def where(q):
        return {(seeds_archive.speeches[seeds_index.docs[d].speech].stem[:3], seeds_index.docs[d].id)
                for d in seeds_index.search(q)}
    assert ("002", "s1-1-2") in where("数字经济")
    assert where("两先区") and all(stem == "003" for stem, _ in where("两先区"))
    # A mask in the query matches every way of writing a mask.
    assert where("**市") == where("xx市") == where("××市")
    assert any(stem == "003" for stem, _ in where("**市"))  # 003 writes xx市
    assert any(stem == "000" for stem, _ in where("xx市"))  # 000 writes **市


def test_ranking_puts_heading_matches_first_then_score(seeds_index):
    hits = seeds_index.search("生态")
    tiers = [0 if "生态" in Folder().fold(seeds_index.docs[d].heading) else 1 for d in hits]
    assert tiers == sorted(tiers) and tiers[0] == 0 and tiers[-1] == 1
    scores = dict(seeds_index.query("生态"))
    body = [scores[d] for d, t in zip(hits, tiers) if t == 1]
    assert body == sorted(body, reverse=True)


# --- the browser's engine under Node ------------------------------------------------------------


def check_engine(tmp_path, archive: Archive, queries: list[str]) -> dict:
    """What the browser loads gives one lunr.py index's hits and scores and the exact answers."""
    docs = archive_documents(archive)
    index = SearchIndex(docs)
    ref = Reference(docs)
    out = run_node(tmp_path, files_of(archive, workers=1), queries, whole=True)
    # All shards expanded by the browser: lunr.py's serialized index of the whole archive.
    assert out["whole"] == ref.serialize()
    texts = [d.text for d in docs]
    for q in queries:
        got = out["queries"][q]
        clauses = [tuple(c) for c in got["clauses"]]
        assert clauses == index.clauses(q), q
        if clauses:  # lunr.js on the shards a query loads: the whole index's hits and scores
            assert sorted((d, s) for d, s in got["cands"]) == sorted(ref.query(clauses)), q
            lunr_score = dict(got["cands"])
            # The engine ranks as lunr's scores rank: heading matches first, then by score.
            keyed = [(t, -lunr_score[d], d) for d, t in zip(got["answer"], got["tiers"])]
            assert keyed == sorted(keyed), q
            assert got["firstScores"] == [lunr_score[d] for d in got["first"]], q
        assert got["answer"] == index.search(q), q  # same ranking as the Python reference
        assert set(got["answer"]) == truth(texts, q), q  # recall and precision 1.00
        assert got["first"] == got["answer"][:20], q  # the first page is the answer's first page
    return out


def test_browser_engine_gives_one_lunr_index_on_the_seeds(tmp_path, seeds_archive):
    check_engine(tmp_path, seeds_archive, QUERIES)


def test_browser_engine_gives_one_lunr_index_when_split(tmp_path, synthetic_archive, large_rules):
    queries = [q for q in QUERIES if not q.startswith(("量子", "不存在"))] + ["产业提质", "工业提质扩量"]
    files = files_of(synthetic_archive, workers=1)
    assert len([k for k in files if "/t/" in k]) > 10  # many shards
    out = check_engine(tmp_path, synthetic_archive, queries)
    # A two-character query that is one known bigram loads the manifest, one shard and the
    # text of the first page's speeches only, and needs no check against the text.
    got = out["queries"]["生态"]
    assert got["exact"]
    shards = [n for n in got["firstLoads"] if n.startswith("t/")]
    texts = {n for n in got["firstLoads"] if n.startswith("d/")}
    assert got["firstLoads"][0] == "manifest" and len(set(shards)) == 1
    first_speeches = {archive_documents(synthetic_archive)[d].speech for d in got["first"]}
    assert texts == {f"d/{s}" for s in first_speeches} and len(texts) < len(synthetic_archive.speeches)
    assert not out["queries"]["质发展"]["exact"]  # three characters: checked against the text


def test_supplementary_and_full_width_characters_load_in_lunr_js(tmp_path):
    # Full-width forms fold to ASCII; 﨎 (U+FA0E, a unified ideograph that NFKC keeps) sorts
    # after 𠮷 (U+20BB7) in UTF-16 but before it by code point.
    texts = ["𠮷野家的ＡＢＣ１２３和ｘｘ市", "吉野家的ABC123，𠮷𠮷相连", "😀表情与ﬁ连字、㈠括号", "普通文字，ｆｕｌｌ　ｗｉｄｔｈ",
             "﨎𠮷并列", "𠮷野家的ABC，﨎𠮷并列"]
    archive = tiny_archive(texts)
    index = SearchIndex(archive_documents(archive))
    terms = [t for t, _ in index.serialize()["invertedIndex"]]
    assert any("𠮷" in t for t in terms) and any("a" in t for t in terms)
    assert sorted(terms) != terms  # code point order differs: lunr.js needs the UTF-16 order
    queries = ["𠮷", "𠮷野", "𠮷𠮷", "abc", "ＡＢＣ１２３", "123", "xx市", "**市", "😀", "fi", "full width", "(一)", "﨎𠮷", "﨎"]
    check_engine(tmp_path, archive, queries)
    texts_all = [d.text for d in index.docs]
    for q in queries:
        assert truth(texts_all, q), q
