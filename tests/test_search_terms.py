"""wenji.search.terms: folding, and a document's terms counted fast as the plain definition says;
static/fold.js folds as Python does."""
from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter

import numpy as np

from searchtruth import REPO, files_of, run_node
from wenji.search.documents import archive_documents, speech_documents
from wenji.search import terms
from wenji.search.terms import (HEAD, TF, Folder, casefold_extras, opencc_pairs, simplify, t2s_pairs, t2s_script,
                                term_str)

TRICKY = ["**市与xx市和××市", "Max x.xx万元，202x年", "ＡＢＣ１２３ ｆｕｌｌ", "𠮷野家的𠮷𠮷", "﨎𠮷并列", "单", "。",
          "一、", "ß Straße ΣΑΣ", "x", "a\u0301 e\u0308", "2021年5G", "（一）（二）"]


def test_fast_term_counting_equals_the_plain_definition(seeds_archive):
    folder = Folder()
    texts = [d.text for d in archive_documents(seeds_archive)] + TRICKY
    for text in texts:
        grams, chars = folder.bigrams(text)
        got = folder.doc_terms("", text)
        assert {term_str(k): v & TF for k, v in zip(got.keys, got.vals)} == Counter(grams), text
        starts = {g[0] for g in grams}
        assert {chr(c) for c in got.lone} == chars - starts, text
    heading, body = "一、**市发展", "一、**市发展\n正文讲发展，也讲花卉。"
    got = folder.doc_terms(heading, body)
    flagged = {term_str(k) for k, v in zip(got.keys, got.vals) if v & HEAD}
    assert flagged == set(folder.bigrams(heading)[0]) == {"××", "×市", "市发", "发展"}


def _as_sets(t) -> tuple:
    return dict(zip(t.keys, t.vals)), *(sorted(x) for x in (t.before, t.lone, t.hbefore, t.hlone))


def test_a_speech_counted_at_once_has_each_documents_terms(seeds_archive):
    """Folder.speech_terms (numpy, the whole speech at once) equals doc_terms per document, on
    every seed speech and on tricky texts, headings (which their text starts with) included;
    a heading that does not start its text is counted one document at a time, still right."""
    folder = Folder()
    speeches = [[(d.heading, d.text) for d in speech_documents(i, s)] for i, s in enumerate(seeds_archive.speeches)]
    speeches.append([("", t) for t in TRICKY] + [("", ""), ("一、**市发展", "一、**市发展\n正文讲发展，也讲花卉。"),
                                                  ("标题x", "标题x"), ("ab x", "ab x\nxx 𠮷野"), ("𠮷野", "𠮷野家")])
    speeches.append([("标题", "正文不以标题开头"), ("", "正文")])
    for texts in speeches:
        got = folder.speech_terms(texts).docs()
        assert [_as_sets(t) for t in got] == [_as_sets(folder.doc_terms(h, t)) for h, t in texts]
        assert all(len(set(t.keys)) == len(t.keys) and len(set(t.lone)) == len(t.lone) for t in got)
    assert any(v & HEAD for t in folder.speech_terms(speeches[0]).docs() for v in t.vals)


def test_masks_fold_alike_and_words_split_on_white_space():
    folder = Folder()
    assert folder.fold("**市") == folder.fold("xx市") == folder.fold("××市") == "××市"
    assert folder.fold("Max x.xx万元") == "max ×.××万元"  # x inside a word is a letter
    assert folder.words(" 数字经济\u3000营商环境 ") == ["数字经济", "营商环境"]
    assert folder.runs("两先区：首创之区") == ["两先区", "首创之区"]


def test_fold_js_carries_the_casefold_table():
    js = (REPO / "static" / "fold.js").read_text("utf-8")
    table = json.loads(re.search(r"var EXTRA = (\{.*?\});", js).group(1))
    assert table == casefold_extras()


def test_browser_folding_matches_python(tmp_path, seeds_archive):
    samples = ["ＡＢＣ ｘｘ市 XX Straße ΣΑΣ ß ﬁ ㈠ ① ＊＊ ╳╳ max x.xx万元 202x年 İ ǰ Ꭰꭰ 𠮷 ①②"]
    samples += [chr(cp) for cp in range(0x20, 0x30000)
                if not 0xD800 <= cp < 0xE000 and unicodedata.category(chr(cp)) not in ("Cn", "Co", "Cs")]
    out = run_node(tmp_path, files_of(seeds_archive), [], fold=samples)
    folder = Folder()
    wrong = [(s, f, folder.fold(s)) for s, f in zip(samples, out["fold"]) if f != folder.fold(s)]
    assert not wrong[:20]


def test_traditional_characters_fold_to_simplified_in_place():
    folder = Folder()
    assert simplify("社會主義工業化") == "社会主义工业化"
    assert simplify("第一個五年計劃") == "第一个五年计划"
    assert folder.fold("社會主義工業化") == folder.fold("社会主义工业化")
    # Characters simplified Chinese writes too stay as written (乾隆, 於是), and so does simplified text.
    assert simplify("乾隆於是") == "乾隆於是"
    text = "中華人民共和國憲法，臺灣與香港、澳門；數字經濟。"
    assert len(simplify(text)) == len(text) and simplify(simplify(text)) == simplify(text)
    assert simplify("中华人民共和国宪法") == "中华人民共和国宪法"
    trad, simp = t2s_pairs()
    assert len(trad) == len(simp) > 2500 and not set(trad) & set(simp)
    got = folder.doc_terms("", "社會主義")
    assert {term_str(k) for k in got.keys} == {"社会", "会主", "主义"}


def test_vendored_t2s_table_is_generated_from_opencc():
    assert (REPO / "static" / "vendor" / "opencc" / "t2s.js").read_text("utf-8") == t2s_script()


def test_the_build_reads_opencc_pairs_from_the_vendored_table(tmp_path, monkeypatch):
    assert t2s_pairs() == opencc_pairs()
    # Without the vendored file the pairs come from OpenCC itself.
    monkeypatch.setattr(terms, "T2S_SCRIPT", tmp_path / "missing.js")
    t2s_pairs.cache_clear()
    try:
        assert t2s_pairs() == opencc_pairs()
    finally:
        t2s_pairs.cache_clear()


def test_cut_codes_are_the_cut_text_when_every_character_cuts_to_one():
    """The table lookup that counts most speeches' terms gives ``cut`` exactly (masks of x
    included), and declines a text in which a character cuts to more than one."""
    folder = Folder()
    fast = 0
    for text in TRICKY + ["abc xx市 x光 ×× ** xxa", "一、**市发展\n正文，讲发展。", "𠮷野家ＡＢＣ１２３"]:
        codes = folder.cut_codes(text)
        if codes is None:
            assert any(len(folder.cut(c)) != 1 for c in text), text
        else:
            fast += 1
            assert codes.astype(np.uint32).tobytes().decode("utf-32-le", "surrogatepass") == folder.cut(text), text
    assert fast >= 3 and folder.cut_codes("面积100㎡") is None


def test_a_text_is_told_traditional_when_more_of_its_characters_are_on_the_traditional_side():
    trad, simp = t2s_pairs()
    bmp_trad = {c for c in trad if ord(c) < 0x10000}
    bmp_simp = {c for c in simp if ord(c) < 0x10000}

    def by_counting(text):  # the rule, character by character
        return "zh-Hant" if sum(c in bmp_trad for c in text) > sum(c in bmp_simp for c in text) else ""

    texts = ["這是一個繁體中文的句子，說明了很多東西", "这是简体中文的句子，说明了很多东西", "",
             "GDP 5G 2019", "國务院", "国務院", "𠀀𠀁這\ud800个",
             sorted((REPO / "seeds").glob("*.txt"))[0].read_text("utf-8")]
    assert [terms.script_language(t) for t in texts] == [by_counting(t) for t in texts]
    assert terms.script_language(texts[0]) == "zh-Hant" and terms.script_language(texts[1]) == ""
