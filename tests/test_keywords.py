"""The keyword index on the real archive (tests/corpus-real): only real words, and pages of a
bounded size whose place is known before they are drawn."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from synthetic import make_archive
from wenji import keywords, labels, render, site, termcounts, theme_pages
from wenji import themes as themes_mod
from wenji.cache import Cache
from wenji.keywords import PINYIN_OVERRIDES, Pinyin, load_pinyin_overrides
from wenji.taxonomy import segmenter_for

REAL = Path(__file__).parent / "corpus-real"
SEAMS = {"上应", "这是", "中起", "党同", "上同", "中来", "中要", "我們", "一人", "以新", "应由"}


@pytest.fixture(scope="module")
def real():
    archive = site.load_archive(REAL / "seeds", REAL / "content")
    return archive, themes_mod.analyse(archive, archive.content)


def test_keywords_are_real_words(real):
    archive, analysed = real
    shown = {e.term for e in analysed.keywords.index}
    shown |= {t for kws in analysed.keywords.by_speech.values() for t, _ in kws}
    assert not shown & SEAMS, shown & SEAMS  # seams between two words that jieba's HMM joined
    assert {"经济", "改革开放", "市场经济"} <= shown  # words of jieba's dictionary
    assert {"小微", "降费"} & shown  # new words of the genre, which recur across speeches
    seg = segmenter_for(archive.content)
    listed = dict(zip(sorted(shown), seg.in_dictionary(sorted(shown))))
    made_up = [t for t, known in listed.items() if not known]
    assert made_up and len(made_up) < len(shown) / 10
    for term in made_up:  # each one used by two speeches or more
        using = sum(1 for s in archive.speeches if any(term in p.text for p in s.paragraphs())
                    or any(term in sec.heading for sec, _ in s.sections()))
        assert using >= keywords.RECURS_IN, term


def test_the_dictionary_is_asked_as_jieba_would_answer(real):
    archive, _ = real
    seg = segmenter_for(archive.content)
    seg.start()
    words = ["经济", "上应", "社会主义", "这是", "GDP", "改革开放", "中起", "放管服"]
    assert list(seg.in_dictionary(words)) == [seg.jieba.has_word(w) or w in seg.dictionary_words for w in words]
    assert [w for w, known in zip(words, seg.in_dictionary(words)) if not known] == ["上应", "这是", "中起"]
    assert {"这", "上", "中", "同", "的", "一"} <= seg.function_characters()
    assert not {"经", "济", "党", "改"} & seg.function_characters()


def test_an_entry_takes_no_more_than_its_weight(real):
    archive, analysed = real
    env = render.environment(site.TEMPLATES)
    parts = env.get_template(theme_pages.PARTS).module
    draw = theme_pages._entry(theme_pages._text(parts.keyword_entry), theme_pages._masker(env),
                              labels.speech_labels(archive.speeches))
    drawn = weighed = 0
    for e in analysed.keywords.index:
        size, weight = len(draw("../", e).encode("utf-8")), keywords.entry_weight(e)
        assert size <= weight, e.term
        drawn, weighed = drawn + size, weighed + weight
    assert drawn > 0.7 * weighed  # and not much less: pages are not cut needlessly


def test_letters_are_cut_into_pages_within_the_budget(real):
    _, analysed = real
    index = analysed.keywords.index
    budget = 40_000
    keywords.paginate(index, budget)
    try:
        pages = analysed.keywords.pages()
        assert [e for p in pages for e in p.entries] == index  # every entry once, in order
        for page in pages:
            assert len({e.letter for e in page.entries}) == 1
            assert sum(map(keywords.entry_weight, page.entries)) <= budget or len(page.entries) == 1
            assert page.name == keywords.page_name(page.letter, page.part)
        cut = [p for p in pages if p.parts > 1]
        assert cut and {p.name for p in cut} >= {"j", "j-2"}
        assert all(e.href == f"{e.page}.html#{e.anchor}" for e in index)
    finally:
        keywords.paginate(index)


def test_pinyin_of_polyphones_and_order():
    py = Pinyin(load_pinyin_overrides(PINYIN_OVERRIDES))
    assert py.display("重庆") == "chóng qìng" and py.letter("重庆") == "C"
    assert py.display("银行") == "yín háng"
    assert py.display("重点") == "zhòng diǎn" and py.letter("重点") == "Z"
    assert py.display("枢纽重构") == "shū niǔ chóng gòu"  # an override inside a longer term
    words = ["重点", "银行", "创新", "重庆", "GDP", "5G", "安全", "绿色", "路网", "行动", "长江", "增长"]
    ordered = sorted(words, key=py.sort_key)
    assert ordered == ["5G", "安全", "长江", "重庆", "创新", "GDP", "路网", "绿色", "行动", "银行", "增长", "重点"]


def test_pinyin_overrides_from_content(tmp_path):
    (tmp_path / "pinyin.txt").write_text("朝阳 chao2 yang2\n", encoding="utf-8")
    default = Pinyin(load_pinyin_overrides(PINYIN_OVERRIDES))
    local = Pinyin(load_pinyin_overrides(PINYIN_OVERRIDES, tmp_path / "pinyin.txt"))
    assert default.display("朝阳") == "zhāo yáng"
    assert local.display("朝阳") == "cháo yáng"


@pytest.mark.parametrize("seed, n", [(1, 6), (2, 30), (3, 1), (4, 12)])
def test_the_heaviest_of_each_group_are_those_a_full_sort_finds(seed, n):
    """Groups of every size (none to hundreds of entries), weights with many ties: the entries
    kept and their order are those of sorting every group by weight, ties by place."""
    rng = np.random.default_rng(seed)
    sizes = rng.choice([0, 1, 3, n, n + 1, 40, 300], size=400)
    group = np.repeat(np.arange(len(sizes)), sizes)
    weights = rng.integers(1, 8, size=len(group)) / 7.0  # few distinct weights: ties everywhere
    assert len(group) > 10_000
    got = keywords._top_per_group(group, weights, n)
    order = sorted(range(len(group)), key=lambda i: (group[i], -weights[i], i))
    expected, seen = [], {}
    for i in order:
        seen[group[i]] = seen.get(group[i], 0) + 1
        if seen[group[i]] <= n:
            expected.append(i)
    assert got.tolist() == expected


def _matrix(seeds: Path, content: Path):
    archive = site.load_archive(seeds, content)
    seg = segmenter_for(content)
    counted = termcounts.count_archive(seg, archive.speeches, Cache(enabled=False))
    corpus = themes_mod.join_counts(archive, content, counted)
    return corpus, keywords.keyword_mask(corpus, seg), counted.keys


def _edited(seeds: Path, name: str, change) -> None:
    path = seeds / name
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[4] = change(lines[4])
    path.write_text("\n".join(lines), encoding="utf-8")


def _weighed(monkeypatch) -> list[list[int]]:
    """The speeches whose sections' keywords each ``keywords.tops`` call weighs."""
    seen: list[list[int]] = []
    section_tops = keywords._section_tops
    monkeypatch.setattr(keywords, "_section_tops", lambda c, kw, speeches: seen.append(speeches.tolist())
                        or section_tops(c, kw, speeches))
    return seen


def test_an_edit_that_moves_no_idf_weighs_the_edited_speech_alone_and_finds_the_keywords_weighed_anew(
        tmp_path, monkeypatch):
    seeds, content = make_archive(tmp_path, 14)
    before, kw_before, keys_before = _matrix(seeds, content)
    _, _, last = keywords.tops(before, kw_before, keys_before)
    _edited(seeds, "s00005.txt", lambda paragraph: paragraph + paragraph)  # its own terms again: no IDF moves
    corpus, kw, keys = _matrix(seeds, content)
    assert np.array_equal(corpus.idf, before.idf) and np.array_equal(corpus.speech_idf, before.speech_idf)
    edited = next(i for i, s in enumerate(corpus.speeches) if s.stem == "s00005")
    weighed = _weighed(monkeypatch)
    top, ranked, kept = keywords.tops(corpus, kw, keys, last)
    assert weighed == [[edited]]  # the others taken over from the last build
    anew, anew_ranked, _ = keywords.tops(corpus, kw, keys)
    assert np.array_equal(top, anew) and np.array_equal(ranked, anew_ranked)
    assert kept.weighed_by == last.weighed_by
    old_top, _, _ = keywords.tops(before, kw_before)
    old_mine = old_top[before.row_speech[before.row[old_top]] == edited]
    mine = top[corpus.row_speech[corpus.row[top]] == edited]
    assert not np.array_equal(keywords._section_weights(corpus, mine),  # the edit moved its weights
                              keywords._section_weights(before, old_mine))
    pinyin = Pinyin(load_pinyin_overrides(PINYIN_OVERRIDES))
    seg = segmenter_for(content)
    again = keywords.build_keywords(corpus, pinyin, seg, kw, keys, last)
    fresh = keywords.build_keywords(corpus, pinyin, seg, kw)
    assert again.by_speech == fresh.by_speech and again.by_section() == fresh.by_section()
    assert [(e.term, e.page, e.anchor, e.more, [(r.speech.slug, r.section.id, r.weight) for r in e.refs])
            for e in again.index] == [(e.term, e.page, e.anchor, e.more,
                                       [(r.speech.slug, r.section.id, r.weight) for r in e.refs]) for e in fresh.index]


def test_an_edit_that_moves_an_idf_weighs_every_speech_again(tmp_path, monkeypatch):
    seeds, content = make_archive(tmp_path, 14)
    before, kw_before, keys_before = _matrix(seeds, content)
    _, _, last = keywords.tops(before, kw_before, keys_before)
    _edited(seeds, "s00005.txt", lambda paragraph: paragraph + "远洋捕捞和海洋牧场。")
    corpus, kw, keys = _matrix(seeds, content)
    assert not np.array_equal(corpus.idf, before.idf)
    weighed = _weighed(monkeypatch)
    top, ranked, kept = keywords.tops(corpus, kw, keys, last)
    assert weighed == [list(range(len(corpus.speeches)))] and kept.weighed_by != last.weighed_by
    anew, anew_ranked, _ = keywords.tops(corpus, kw, keys)
    assert np.array_equal(top, anew) and np.array_equal(ranked, anew_ranked)
