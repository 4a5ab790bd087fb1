"""wenji.comparison: each speech's salient terms and the terms it is the first in the archive to
use, for compare.html."""
from __future__ import annotations

from pathlib import Path

from conftest import REAL, REPO_ROOT as ROOT
from wenji import comparison, tables, termcounts, themes
from wenji.cache import Cache
from wenji.deflate import inflated_json
from wenji.search.documents import speech_documents
from wenji.search.files import speech_rows, speech_text
from wenji.segment import normalised_offsets
from wenji.site import load_archive
from wenji.taxonomy import segmenter_for


def _data(tmp_path: Path, texts: list[str]) -> list[dict]:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for i, text in enumerate(texts):
        (seeds / f"r{i}.txt").write_text(f"第{i + 1}号报告\n\n（{2001 + i}年3月5日）\n\n{text}\n", encoding="utf-8")
    archive = load_archive(seeds, tmp_path / "content")
    seg = segmenter_for(archive.content)
    files = comparison.files(themes.analyse(archive, None, segmenter=seg).corpus, seg)
    assert sorted(files) == [f"compare/{i}.js" for i in range(len(texts))]
    out = []
    for i in range(len(texts)):
        head = f'{comparison.DATA_VARIABLE}["{i}"]='
        assert files[f"compare/{i}.js"].startswith(head)
        out.append(inflated_json(files[f"compare/{i}.js"][len(head):].rstrip(";\n")))  # deflated JSON
    return out


def test_a_term_is_first_where_no_earlier_speech_holds_it_even_inside_another_word(tmp_path):
    data = _data(tmp_path, [
        "我们要全面建成小康社会，发展农业生产，提高粮食产量。农业生产要机械化。",
        "我们要实现小康，推进乡村振兴，发展农业生产。乡村振兴要有产业支撑，乡村振兴要靠人才。",
    ])
    first = [t for t, _ in data[1]["f"]]
    assert "乡村振兴" in first and first[0] == "乡村振兴"  # the most frequent first
    assert "小康" not in first  # the first report said 小康社会
    assert "粮食产量" in [t for t, _ in data[0]["f"]] and "农业" not in first  # used by the first report
    assert dict(data[1]["f"])["乡村振兴"] == 3 and dict(data[1]["t"])["乡村振兴"] == 3


def starts_of(digits: str) -> set[int]:
    """The units where words start, from wenji.comparison.word_starts's digits."""
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_$"
    return {6 * k + b for k, ch in enumerate(digits) for b in range(6) if alphabet.index(ch) >> b & 1}


def test_the_word_starts_are_jiebas_words_of_each_line_traditional_characters_cut_as_simplified(tmp_path):
    seg = segmenter_for(tmp_path / "content")
    text = "经济增长稳定\n\n社會主義現代化建設"
    got = [i for i in sorted(starts_of(comparison.word_starts(text, seg))) if text[i] != "\n"]  # the page reads lines
    seg.start()
    expected, at = [], 0
    for line in ["经济增长稳定", "", "社会主义现代化建设"]:
        for token in seg.jieba.cut(line):
            expected.append(at)
            at += len(token)
        at += 1
    assert got == expected
    assert any(b - a > 1 for a, b in zip(got, got[1:]))  # words, not characters


def test_the_word_starts_count_utf16_units_beyond_the_bmp_and_take_any_character(tmp_path):
    seg = segmenter_for(tmp_path / "content")
    seg.start()
    for text in ["经济𠀋增长稳定\n社会主义", "经济增长\0稳定发展", "發展", "", "a"]:
        expected, at = [], 0
        for token in seg.jieba.cut(text.replace("發", "发")):
            expected.append(at)
            at += len(token.encode("utf-16-le")) // 2
        digits = comparison.word_starts(text, seg)
        assert starts_of(digits) == set(expected) and len(digits) == (at + 5) // 6, text


def test_a_mask_a_full_width_number_and_a_compatibility_character_are_words_as_the_count_step_cut_them(tmp_path):
    """Words are those of the text the count step cut (full-width forms as ASCII, each mask one
    space), taken back to the characters they were made from."""
    seg = segmenter_for(tmp_path / "content")
    text = "我代表×××市政府，２０１９年增长**.*%，⑴发展经济"
    got = starts_of(comparison.word_starts(text, seg))
    for word in ("×××", "２０１９", "**.*"):
        at = text.index(word)
        assert at in got and at + len(word) in got and not got & set(range(at + 1, at + len(word))), word
    at = text.index("⑴")  # NFKC makes it (1): three tokens, one character
    assert {at, at + 1, at + 3} <= got and at + 2 not in got  # ⑴ | 发展 | 经济


def test_the_word_starts_from_the_count_steps_cut_are_those_of_cutting_the_text_again():
    """tests/corpus-real and the seeds: every speech's word starts made from the count step's
    LineCuts (no text cut again, the title aside) are those of cutting its search text."""
    reordered = 0
    for folder in (REAL, ROOT):
        archive = load_archive(folder / "seeds", folder / "content")
        seg = segmenter_for(archive.content)
        counted = termcounts.count_archive(seg, archive.speeches, Cache(enabled=False))
        for s, speech in enumerate(archive.speeches):
            lines, order = comparison._search_lines(speech)
            lengths = comparison._search_lengths(order, counted.cuts[s], lambda: seg.tokens(speech.meta.title))
            text = "\n".join(lines)
            assert text == comparison._search_text(speech)
            assert int(lengths.sum()) == len(normalised_offsets(text)) - 1, speech.slug  # used as it is
            assert comparison.word_starts(text, seg, lengths) == comparison.word_starts(text, seg), speech.slug
            after_a_section = [i for k, i in enumerate(order) if 0 <= i < len(speech.body.paragraphs)
                               and any(j >= len(speech.body.paragraphs) for j in order[:k])]
            reordered += bool(after_a_section)
    assert reordered  # some speeches have paragraphs outside sections after their sections


def test_the_compare_data_holds_the_word_starts_of_the_speechs_search_text(tmp_path):
    data = _data(tmp_path, ["我们要发展农业生产，提高粮食产量。", "经济增长稳定。"])
    starts = sorted(starts_of(data[1]["w"]))
    text = comparison._search_text(load_archive(tmp_path / "seeds", tmp_path / "content").speeches[1])
    assert text.endswith("\n经济增长稳定。")
    seg = segmenter_for(tmp_path / "content")
    seg.start()
    tokens = list(seg.jieba.cut("经济增长稳定。"))
    assert len(tokens) > 1 and [i for i in starts if i < len(text)][-len(tokens):] == \
        [len(text) - len("经济增长稳定。") + len("".join(tokens[:k])) for k in range(len(tokens))]


def test_the_word_starts_count_units_in_the_text_the_page_joins_from_the_search_rows():
    """compare.js finds a line's words at its offset in its rows joined: heading (if any) and
    paragraphs one a line, documents one after the other. That is the text the starts are of."""
    real, seeds = load_archive(REAL / "seeds", REAL / "content"), load_archive(ROOT / "seeds", ROOT / "content")
    for s, speech in [*enumerate(real.speeches), *enumerate(seeds.speeches)]:
        rows = speech_rows(speech_text(speech_documents(s, speech)))
        joined = "\n".join("\n".join(([r[1]] if r[1] else []) + r[3::2]) for r in rows)
        assert joined == comparison._search_text(speech), speech.slug
        assert joined == "\n".join(d.text for d in speech_documents(s, speech))


def test_the_texts_holding_each_pair_are_the_same_found_by_table_or_by_sorting(tmp_path, monkeypatch):
    texts = ["全面建成小康社会\n发展農業", "小康", "", "x", "乡村振兴𠀋𠀋，振兴乡村"]
    terms = ["小康社会", "小康", "乡村振兴", "振兴", "𠀋𠀋", "农业", "兴乡"]
    monkeypatch.setattr(tables, "ENTRIES_PER_LOOKUP", 1 << 20)
    by_table = comparison._Holding(terms, texts)
    monkeypatch.setattr(tables, "TABLE_SIZE", 0)
    by_sorting = comparison._Holding(terms, texts)
    assert by_table.bits.tolist() == by_sorting.bits.tolist()
    assert by_table.held_before(terms, 4) == [True, True, False, False, False, False, False]
    assert by_table.held_before(terms, 5) == by_sorting.held_before(terms, 5) == [True] * 5 + [False, True]
    assert by_table.first_unheld(terms, 4, 2) == [2, 3]
