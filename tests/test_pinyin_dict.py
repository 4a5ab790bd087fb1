"""wenji.pinyin_dict gives pypinyin's own readings, without importing pypinyin."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pypinyin import Style, lazy_pinyin as reference
from pypinyin.contrib.tone_convert import to_tone as reference_tone

from wenji import pinyin_dict, themes as themes_mod
from wenji.keywords import PINYIN_OVERRIDES, load_pinyin_overrides
from wenji.site import load_archive

REPO = Path(__file__).resolve().parent.parent
REAL = REPO / "tests" / "corpus-real"


def expected(text: str) -> list[str]:
    return reference(text, style=Style.TONE3, neutral_tone_with_five=False)


def mismatches(texts) -> list[tuple[str, list[str], list[str]]]:
    return [(t, pinyin_dict.lazy_pinyin(t), expected(t)) for t in texts
            if pinyin_dict.lazy_pinyin(t) != expected(t)]


def test_every_phrase_of_pypinyin_reads_as_pypinyin_reads_it():
    phrases = json.loads((pinyin_dict.FOLDER / "phrases_dict.json").read_bytes())
    assert len(phrases) > 40_000
    assert mismatches(phrases) == []
    # and run together, as maximum matching meets them in longer terms
    keys = list(phrases)
    assert mismatches("".join(keys[i:i + 3]) for i in range(0, len(keys), 97)) == []


def test_every_character_of_pypinyin_reads_as_pypinyin_reads_it():
    characters = json.loads((pinyin_dict.FOLDER / "pinyin_dict.json").read_bytes())
    assert len(characters) > 40_000
    assert mismatches(chr(int(code)) for code in characters) == []


def test_terms_with_other_characters_and_characters_without_a_reading():
    terms = ["GDP", "5G网络", "RCEP协定", "〇", "\u3400\u3401", "社會主義", "一丁点儿", "x", "", "绿色发展", "女儿"]
    assert mismatches(terms) == []


@pytest.mark.parametrize("folder", [REPO, REAL], ids=["seeds", "corpus-real"])
def test_every_keyword_of_both_archives(folder):
    archive = load_archive(folder / "seeds", folder / "content")
    analysed = themes_mod.analyse(archive, folder / "content")
    index = [e.term for e in analysed.keywords.index]
    assert len(index) > 100
    assert mismatches(index) == []
    assert mismatches(analysed.corpus.vocab[::7]) == []  # and a seventh of every term cut


def test_tone_marks_as_pypinyin_places_them():
    syllables = {s for code in json.loads((pinyin_dict.FOLDER / "pinyin_dict.json").read_bytes()).values()
                 for s in code.split(",")}
    tone3 = {pinyin_dict.to_tone3(s) for s in syllables}
    tone3 |= {s for reading in load_pinyin_overrides(PINYIN_OVERRIDES).values() for s in reading}
    assert len(tone3) > 1000
    assert [(s, pinyin_dict.to_tone(s), reference_tone(s)) for s in sorted(tone3)
            if pinyin_dict.to_tone(s) != reference_tone(s)] == []


def test_reading_does_not_import_pypinyin():
    code = ("import sys; from wenji import pinyin_dict; print(pinyin_dict.lazy_pinyin('经济发展'), "
            "pinyin_dict.to_tone('lv4'), 'pypinyin' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['jing1', 'ji4', 'fa1', 'zhan3'] lǜ False"
