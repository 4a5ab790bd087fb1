"""wenji.trend_counts: every vocabulary word's literal occurrences per speech, counted at build
time for trends.html, equal to the occurrences counted one by one in the folded texts."""
from __future__ import annotations

import json
import random
import re

import numpy as np
import pytest

from conftest import REAL
from wenji import tables, themes, trend_counts
from wenji.cache import Cache
from wenji.deflate import inflated_json
from wenji.folded import FoldedTexts
from wenji.search.terms import Folder
from wenji.site import load_archive
from wenji.taxonomy import segmenter_for


def literal_count(text: str, word: str) -> int:
    """Occurrences of word in text, overlapping ones too."""
    n, at = 0, text.find(word)
    while at >= 0:
        n, at = n + 1, text.find(word, at + 1)
    return n


DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_$"


def decode(code: str, speeches: int) -> list[int]:
    """A term's counts per speech from its code (as static/trends.js reads it)."""
    digits = DIGITS
    values, high = [], 0
    for ch in code:
        v = digits.index(ch)
        if v >= 48:
            high = high * 16 + v - 47
        else:
            values.append(high * 48 + v)
            high = 0
    per, s, k = [0] * speeches, -1, 0
    while k < len(values):
        s += (values[k] >> 1) + 1
        per[s] = values[k + 1] + 2 if values[k] & 1 else 1
        k += 2 if values[k] & 1 else 1
    return per


def read_files(files: dict[str, str]) -> tuple[dict, dict[str, str]]:
    """trends/index.js and every term's code, from the files' text."""
    head = f"{trend_counts.DATA_VARIABLE}.index="
    index = json.loads(files["trends/index.js"][len(head):].rstrip(";\n"))
    codes: dict[str, str] = {}
    for k, first in enumerate(index["shards"]):
        text = files[f"trends/{k}.js"]
        shard = inflated_json(re.sub(r"^[^=]+=", "", text, count=1).rstrip(";\n"))  # deflated JSON
        terms, before = [], ""
        for entry in shard["t"].split(" "):
            before = before[:DIGITS.index(entry[0])] + entry[1:]  # (all BMP here: units are characters)
            terms.append(before)
        assert terms[0] == first
        codes.update(zip(terms, shard["c"].split(",")))
    return index, codes


@pytest.fixture(scope="module")
def real():
    archive = load_archive(REAL / "seeds", REAL / "content")
    seg = segmenter_for(archive.content)
    corpus = themes.analyse(archive, archive.content, segmenter=seg).corpus
    return archive, corpus.vocab + sorted(seg.stopwords), trend_counts.files(archive, corpus.vocab + sorted(seg.stopwords))


def test_a_vocabulary_words_prebuilt_counts_are_its_literal_counts_in_every_real_report(real):
    archive, vocab, files = real
    index, codes = read_files(files)
    fold = Folder().fold
    texts = [[fold(line) for line in [s.heading for s, _ in sp.sections()] + [p.text for p in sp.paragraphs()]]
             for sp in archive.speeches]
    words = sorted({fold(w) for w in vocab if len(fold(w)) >= 2 and fold(w).split() == [fold(w)]})
    assert sorted(codes) == words and len(words) > 10_000  # the whole vocabulary, and nothing else
    assert list(codes) == sorted(codes, key=lambda w: w.encode("utf-16-be"))  # the order the page bisects
    assert index["speeches"] == [[s.meta.date, s.meta.kind] for s in archive.speeches]
    sample = random.Random(14).sample(words, 400) + ["发展", "人民公社", "小康社会", "社会主义", "中国共产党"]
    for word in sample:
        expected = [sum(literal_count(line, word) for line in lines) for lines in texts]
        assert decode(codes[word], len(texts)) == expected, word
    assert sum(decode(codes["人民公社"], len(texts))) > 0


def test_counts_are_literal_folded_overlapping_and_never_span_two_paragraphs():
    folder = Folder()
    texts = [folder.fold(t) for t in ["哈哈哈，發展ＧＤＰ", "gdp发展\0展望", "发展发展发"]]
    counts = trend_counts.count(texts, trend_counts.vocabulary(["哈哈", "发展", "GDP", "展展", "发展发"]))
    got = {(counts.terms[t], s): n for t, s, n in zip(counts.term.tolist(), counts.speech.tolist(),
                                                      counts.count.tolist())}
    assert got == {("哈哈", 0): 2, ("发展", 0): 1, ("gdp", 0): 1, ("gdp", 1): 1, ("发展", 1): 1,
                   ("发展", 2): 2, ("发展发", 2): 2}
    assert trend_counts.vocabulary(["发 展", "一", "發展", "发\0展"]) == ["发展"]


def test_counts_are_the_same_whether_each_level_of_the_trie_is_a_table_or_searched(real, monkeypatch):
    archive, vocab, _ = real
    texts = FoldedTexts(archive.speeches[:6], Cache(enabled=False)).of(range(6))
    terms = trend_counts.vocabulary(vocab)
    monkeypatch.setattr(tables, "ENTRIES_PER_LOOKUP", 1 << 20)
    assert all(t is not None for t in trend_counts._trie(terms, sum(map(len, texts))).tables[:2])
    by_tables = trend_counts.count(texts, terms)
    monkeypatch.setattr(tables, "TABLE_SIZE", 0)
    assert all(t is None for t in trend_counts._trie(terms, sum(map(len, texts))).tables)
    searched = trend_counts.count(texts, terms)
    assert len(by_tables.count) > 10_000
    for a, b in zip(by_tables, searched):
        assert a == b if isinstance(a, list) else a.tolist() == b.tolist()


def test_the_vocabulary_is_folded_and_in_utf16_order_as_the_page_compares_strings():
    words = ["﨑字", "𠀋字", "丁丁", "xx年", "Max", "发\n展"]
    assert trend_counts.vocabulary(words) == ["max", "××年", "丁丁", "𠀋字", "﨑字"]  # U+D840 U+DC0B < U+FA11
    assert trend_counts.vocabulary(words[:5]) == ["max", "××年", "丁丁", "𠀋字", "﨑字"]
    assert trend_counts.vocabulary(["﨑字", "丁丁"]) == ["丁丁", "﨑字"]


def test_front_coding_counts_what_terms_share_in_utf16_units_as_the_page_slices():
    assert trend_counts._front_coded(["社会", "社会主义", "社区", "𠀀甲", "𠀀乙"]) == "0社会 2主义 1区 0𠀀甲 2乙"
    long = "长" * 70
    for terms in (["社会", "社会主义", "社区", "社"], ["a", "ab", "abc", "b", "ba"], [long, long + "甲", long + "乙"],
                  ["x", "发展"], []):
        assert trend_counts._front_coded(terms) == trend_counts._front_coded_in_units(terms)
    assert trend_counts._front_coded([long, long + "甲"]) == f"0{long} {trend_counts.DIGITS[-1]}{long[63:]}甲"


def test_front_coding_the_real_vocabulary_in_numpy_is_front_coding_it_term_by_term(real):
    terms = trend_counts.vocabulary(real[1])
    assert trend_counts._front_coded(terms) == trend_counts._front_coded_in_units(terms)


def _same(a: trend_counts.Counts, b: trend_counts.Counts) -> bool:
    return a.terms == b.terms and all(x.tolist() == y.tolist() for x, y in zip(a[1:], b[1:]))


def test_a_recount_after_an_edit_counts_only_the_edited_text_in_full_and_equals_a_count_afresh(
        real, tmp_path, monkeypatch):
    archive, vocab, _ = real
    folder = Folder()
    texts, terms = trend_counts.speech_texts(archive, folder), trend_counts.vocabulary(vocab)
    cache = Cache(tmp_path / "cache")
    assert _same(trend_counts.recount(texts, terms, cache), trend_counts.count(texts, terms))
    edited = list(texts)
    edited[5] = edited[5].replace("。", "。生态环境保护要加强，数字经济要发展。", 1)
    edited.append(texts[0])  # a speech added with the text of another
    words = sorted((set(terms) - {terms[100]}) | {"数字经济要", "环境保护要加", "要加强"},
                   key=lambda w: w.encode("utf-16-be"))
    counted: list[tuple[int, int]] = []  # (texts, terms) that the trie counted
    full = trend_counts.count
    monkeypatch.setattr(trend_counts, "count", lambda t, w: counted.append((len(t), len(w))) or full(t, w))
    again = trend_counts.recount(edited, words, cache)
    assert counted == [(2, len(words))]  # the edited text and the added one; the new words by str.find
    monkeypatch.undo()
    assert _same(again, trend_counts.count(edited, words))
    assert sum(again.count[again.term == words.index("要加强")].tolist()) > 1
    assert _same(trend_counts.recount(edited, words, Cache(tmp_path / "none", enabled=False)), again)


def test_counting_in_each_speechs_folded_text_is_counting_in_its_search_documents(real):
    """The build counts in wenji.folded's texts (headings, then paragraphs, a line each), which
    the comparison data folds too; the counts are those of the search documents' texts."""
    archive, vocab, _ = real
    folder = Folder()
    terms = trend_counts.vocabulary(vocab)
    folded = FoldedTexts(archive.speeches, Cache(enabled=False))
    by_documents = trend_counts.count(trend_counts.speech_texts(archive, folder), terms)
    assert _same(trend_counts.count(folded.of(range(len(archive.speeches))), terms), by_documents)
    assert len(by_documents.term) > 90_000


def test_a_shard_ends_after_the_term_that_takes_it_past_its_size_and_holds_its_terms_codes(monkeypatch):
    monkeypatch.setattr(trend_counts, "SHARD_CHARS", 20)
    texts = ["发展经济发展", "经济社会", "社会发展发展发展", ""]
    counts = trend_counts.count(texts, ["发展", "社会", "经济", "人民"])
    shards = trend_counts._shards(counts)
    assert [t for terms, _ in shards for t in terms] == ["发展", "社会", "经济", "人民"]
    codes = [c for _, joined in shards for c in joined.split(",")]
    assert codes[3] == ""  # 人民: in no text
    sizes = [len(t) + len(c) + 6 for t, c in zip(counts.terms, codes)]
    at = 0
    for terms, _ in shards:
        mine = sizes[at:at + len(terms)]
        assert sum(mine[:-1]) <= 20 and (at + len(terms) == len(sizes) or sum(mine) > 20)
        at += len(terms)
    assert len(shards) > 1


def test_parts_are_joined_in_the_order_of_a_stable_sort_of_their_keys():
    rng = np.random.default_rng(7)
    n = 13
    for sorted_first in (True, False):
        for sizes in ((1000, 5, 0, 17), (0, 3), (1, 0), (400, 400)):
            terms = [rng.integers(0, 25, k).astype(np.int32 if i == 0 else np.int64) for i, k in enumerate(sizes)]
            speeches = [rng.integers(0, n, k).astype(t.dtype) for t, k in zip(terms, sizes)]
            if sorted_first:
                order = np.lexsort((speeches[0], terms[0]))
                terms[0], speeches[0] = terms[0][order], speeches[0][order]
            values = [rng.integers(0, 1 << 30, k).astype(t.dtype) for t, k in zip(terms, sizes)]
            term, speech, value = trend_counts.in_key_order(list(zip(terms, speeches, values)), n)
            everything = np.concatenate(terms).astype(np.int64) * n + np.concatenate(speeches)
            order = np.argsort(everything, kind="stable")
            assert np.array_equal(term.astype(np.int64) * n + speech, everything[order])
            assert np.array_equal(value, np.concatenate(values)[order])
            assert term.dtype == speech.dtype == value.dtype == np.int32  # the first part's
