"""wenji.segment: jieba 0.42.1's tokens from the native segmenter, and what counts as a term."""
from __future__ import annotations

import logging
import re
import unicodedata
from pathlib import Path

import jieba
import pytest
from hypothesis import given, settings, strategies as st

from wenji import segment
from wenji.segment import Segmenter, normalise
from wenji.site import load_archive
from wenji.taxonomy import segmenter_for

REPO = Path(__file__).resolve().parent.parent
MASK_LIKE = re.compile(r"[*＊×╳]|^[xXｘＸ]+$|(?<![A-Za-z])[xX]{2,}|^[\d.%]+$")
ARCHIVES = [(REPO / "seeds", REPO / "content"),
            (REPO / "tests" / "corpus-real" / "seeds", REPO / "tests" / "corpus-real" / "content")]


def reference(seg: Segmenter) -> jieba.Tokenizer:
    """jieba 0.42.1 set up as wenji set it up before it cut natively: the user dictionary
    loaded with ``load_userdict``, then every taxonomy word it did not know added."""
    logging.getLogger("jieba").setLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    if seg.userdict:
        tokenizer.load_userdict(str(seg.userdict))
    for word in seg.words:
        if not tokenizer.FREQ.get(word):
            tokenizer.add_word(word)
    return tokenizer


def reference_cut(tokenizer: jieba.Tokenizer, text: str) -> list[str]:
    return [t for t in tokenizer.cut(normalise(text)) if not t.isspace()]


@pytest.fixture(scope="module")
def pair() -> tuple[Segmenter, jieba.Tokenizer]:
    seg = segmenter_for(REPO / "content")
    return seg, reference(seg)


def texts_of(seeds: Path, content: Path) -> list[str]:
    texts = []
    for speech in load_archive(seeds, content).speeches:
        for section, _ in speech.body.walk():
            texts += [section.heading] if section.depth else []
            texts += [p.text for p in section.paragraphs]
    return texts


@pytest.mark.parametrize("seeds,content", ARCHIVES, ids=["seeds", "corpus-real"])
def test_every_token_of_the_archives_is_jieba_0_42_1s(pair, seeds, content):
    """Every heading and paragraph of the seeds and of the 37 real reports, cut with the
    build's user dictionary and taxonomy words: the very tokens jieba 0.42.1 gives."""
    seg, ref = pair
    texts = texts_of(seeds, content)
    assert sum(map(len, texts)) > 40_000
    differing = [(t, seg.cut(t), reference_cut(ref, t)) for t in texts if seg.cut(t) != reference_cut(ref, t)]
    assert differing == []


@pytest.mark.parametrize("seeds,content", ARCHIVES, ids=["seeds", "corpus-real"])
def test_paragraphs_cut_in_one_piece_give_each_paragraphs_terms(pair, seeds, content):
    """The counting step cuts a section's paragraphs joined by line breaks: the same terms as
    cutting each paragraph."""
    seg, _ = pair
    texts = texts_of(seeds, content)
    assert seg.terms("\n".join(texts)) == [t for text in texts for t in seg.terms(text)]


# Han characters of the archive, letters, digits, the signs jieba keeps inside a block, spaces,
# punctuation, and Han characters outside jieba's range (extension A, U+9FD6 on, the
# supplementary planes, compatibility ideographs NFKC keeps).
ALPHABET = ("的是在发展经济建设改革开放人民中国社会主义新冠肺炎疫情防控数字营商环境乡村振兴"
            "abcxyzGDPCTBOK0123456789+#&._%- \t\n\r，。、“”（）—：ＡＢ１２①Ⅱ恤超卡拉"
            "㐀㐁䶵\u9fd6\u9fea\u9fff\ufa0e\ufa11𠀀𪚥ぁカ한")


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=40))
def test_any_text_is_cut_as_jieba_0_42_1_cuts_it(pair, text):
    """Where jieba-rs departs from jieba (letters and digits across . _ -, Han outside
    U+4E00-U+9FD5), the Segmenter still gives jieba's tokens."""
    seg, ref = pair
    assert seg.cut(text) == reference_cut(ref, text)


@pytest.mark.parametrize("text,tokens", [
    ("COVID-19疫情", ["COVID", "-", "19", "疫情"]),
    ("2011-2020.5亿", ["2011", "-", "2020.5", "亿"]),
    ("㐀㐁中国人", ["㐀", "㐁", "中国", "人"]),
])
def test_the_known_departures_of_jieba_rs_are_put_back(pair, text, tokens):
    seg, ref = pair
    assert seg.cut(text) == reference_cut(ref, text) == tokens


def test_the_user_dictionary_and_taxonomy_words_stay_whole(tmp_path):
    userdict = tmp_path / "userdict.txt"
    userdict.write_text("# a comment line is no word\n营商环境\n放管服改革 5000 n\n", encoding="utf-8")
    plain = Segmenter(cache_dir=tmp_path)
    seg = Segmenter(userdict, words=["量子纠缠态"], cache_dir=tmp_path)
    text = "优化营商环境，深化放管服改革，研究量子纠缠态。"
    assert "营商环境" not in plain.cut(text) and "量子纠缠态" not in plain.cut(text)
    assert {"营商环境", "放管服改革", "量子纠缠态"} <= set(seg.cut(text))
    assert seg.dictionary_words == {"营商环境", "放管服改革", "量子纠缠态"}
    assert seg.dictionary_key != plain.dictionary_key


def test_stop_words_masks_and_numbers_are_no_terms(tmp_path):
    seg = Segmenter(stopwords=["加快"], cache_dir=tmp_path)
    terms = seg.terms("我们要加快发展数字经济，GDP增长6.5%，xx年××同志讲话，5G网络。")
    assert "加快" not in terms and "我们" not in terms  # an extra stop word, and one of wenji's own
    assert {"数字", "经济", "GDP", "5G"} <= set(terms)
    assert not any(t in terms for t in ("6.5%", "xx", "××", "年"))


def test_the_dictionary_lists_are_read_from_jiebas_dictionary(tmp_path):
    seg = Segmenter(cache_dir=tmp_path)
    common = seg.common_words(3001)  # not a shipped list: taken from the dictionary and kept
    assert "发展" in common and "营商" not in common
    assert not seg.is_keyword("接受") and seg.is_keyword("经济")  # a verb; a noun
    assert Segmenter(cache_dir=tmp_path).common_words(3001) == common  # kept, read back
    assert any(p.name.startswith("wenji-common-3001") for p in tmp_path.iterdir())


def test_the_shipped_lists_are_those_of_the_installed_dictionary(tmp_path):
    """If this fails after an upgrade of jieba: ``segment.write_shipped_lists()``."""
    text = segment._dictionary_text()
    assert set(segment._shipped_lists()) == set(segment.SHIPPED)
    for name, select in segment.SHIPPED.items():
        assert segment._dictionary_words(tmp_path, name, select) == frozenset(select(text)), name
    assert list(tmp_path.iterdir()) == []  # nothing taken from the dictionary, nothing kept
    assert len(Segmenter(cache_dir=tmp_path).common_words(2001)) > 4000


def test_lists_of_another_dictionary_are_not_used(tmp_path, monkeypatch):
    monkeypatch.setattr(segment, "SHIPPED_LISTS", tmp_path / "lists.z")
    segment.write_shipped_lists(tmp_path / "lists.z")
    segment._shipped_lists.cache_clear()
    monkeypatch.setattr(segment, "_dictionary_digest", lambda: "another")
    try:
        assert segment._shipped_lists() == {}
        seg = Segmenter(cache_dir=tmp_path)
        assert "发展" in seg.common_words(2001)  # taken from the dictionary, as without the lists
        assert any(p.name.startswith("wenji-common-2001") for p in tmp_path.iterdir())
    finally:
        segment._shipped_lists.cache_clear()


def test_nothing_is_loaded_until_a_text_is_cut(tmp_path):
    seg = Segmenter(cache_dir=tmp_path)
    assert not seg.started
    seg.terms("发展")
    assert seg.started


def test_the_default_cache_folder_follows_wenji_cache(tmp_path):
    import subprocess
    import sys

    code = "from wenji import segment; print(segment.DEFAULT_CACHE)"
    env = {"WENJI_CACHE": str(tmp_path / "elsewhere"), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == str(tmp_path / "elsewhere")
    assert segment.ENGINE.startswith("rjieba ")


def test_marks_never_become_terms():
    seg = Segmenter(REPO / "content" / "userdict.txt")
    text = "**市xx区召开会议，x.xx万元，×××同志，XX县，xG基站，COP**大会，＊＊市，２０２１年GDP增长"
    terms = seg.terms(text)
    assert terms and "GDP" in terms
    for t in terms:
        assert not MASK_LIKE.search(t), t
        assert "x" not in t.lower(), t  # the text has no word with an x: every x is a mark


def test_user_dictionary_keeps_set_phrases_whole():
    seg = Segmenter(REPO / "content" / "userdict.txt")
    for phrase in ["一带一路", "放管服", "两个维护", "数字经济", "营商环境", "乡村振兴", "首创之区", "两先区"]:
        assert phrase in seg.cut(f"推动{phrase}工作"), phrase


def test_a_segmenter_takes_over_the_dictionary_reading_loaded_and_reading_then_loads_its_own(monkeypatch):
    loads = []
    real = segment.Jieba
    monkeypatch.setattr(segment, "Jieba", lambda: loads.append(1) or real())
    monkeypatch.setattr(segment, "_BARE", [])
    assert segment.word_spans("适当控", "制信贷") == "控制"
    seg = segment.Segmenter(words=["适当控制"])
    assert seg.cut("适当控制信贷") == ["适当控制", "信贷"]
    assert len(loads) == 1
    assert segment.word_spans("适当控", "制信贷") == "控制"  # jieba's words alone, not the segmenter's
    assert len(loads) == 2


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("社會主义ＡＢｃ１２，：（）　 ﹐①ﾊﾟｶﾞe\u0301\u0308\u3099か\uff9e\u2460\u00bd\ufb01\u3000x*")), max_size=40)
       | st.text(max_size=40))
def test_nfkc_is_unicodedatas(text):
    assert segment.nfkc(text) == unicodedata.normalize("NFKC", text)


@pytest.mark.parametrize("seeds,content", ARCHIVES, ids=["seeds", "corpus-real"])
def test_nfkc_of_every_paragraph_of_the_archives_is_unicodedatas(seeds, content):
    texts = [p.text for s in load_archive(seeds, content).speeches for p in s.paragraphs()]
    assert len(texts) > 100
    assert [t for t in texts if segment.nfkc(t) != unicodedata.normalize("NFKC", t)] == []


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aZ09+#&._%-中，Ａ１ \n")), max_size=12))
def test_a_sign_beside_a_letter_or_digit_is_found_as_the_plain_pattern_finds_it(text):
    """The search that decides whether jieba-rs's cut needs mending begins with the signs (a
    faster scan); it finds a sign next to a letter or digit in the same texts as the two-way
    pattern it stands for."""
    plain = re.compile(r"[A-Za-z0-9][+#&._%\-]|[+#&._%\-][A-Za-z0-9]")
    assert bool(segment._ASCII_NEXT_TO_SIGN.search(text)) == bool(plain.search(text))
