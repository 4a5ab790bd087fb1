"""wenji.search.reference: the postings as one lunr.py index, equal to a lunr.py Builder's."""
from __future__ import annotations

import json
from collections import Counter

import pytest

from searchtruth import Reference
from wenji.search.documents import archive_documents
from wenji.search.reference import SearchIndex


@pytest.fixture(scope="module")
def seeds_index(seeds_archive) -> SearchIndex:
    return SearchIndex(archive_documents(seeds_archive))


@pytest.mark.parametrize("which", ["seeds", "synthetic"])
def test_the_index_is_a_lunr_py_builder_index_of_the_whole_archive(which, request):
    archive = request.getfixturevalue(f"{which}_archive")
    docs = archive_documents(archive)
    index = SearchIndex(docs)
    ref = Reference(docs)
    assert [Counter(ts) for ts in index.term_lists()] == [Counter(ts) for ts in ref.lists]
    assert json.loads(json.dumps(index.serialize())) == ref.serialize()
    for q in ["发展", "营商环境", "花", "生态 花卉", "**市", "量子纠缠", "产业提质"]:
        assert index.query(q) == ref.query(index.clauses(q)), q  # a per-query index scores as the whole one


def test_serialized_terms_are_in_utf16_order(seeds_index):
    terms = [t for t, _ in seeds_index.serialize()["invertedIndex"]]
    assert terms == sorted(terms, key=lambda t: t.encode("utf-16-be"))
    assert [p["_index"] for _, p in seeds_index.serialize()["invertedIndex"]] == list(range(len(terms)))


def test_query_clauses_never_use_the_query_parser(seeds_index):
    for q in ["两先区:", "+发展", "-发展", "发展~1", "^2", "*", "a:b", "title:发展"]:
        seeds_index.query(q)  # no parser, so no QueryParseError
        for term, _ in seeds_index.clauses(q):
            assert "*" not in term and ":" not in term
