"""wenji.folded: each speech's text folded as search folds it."""
from __future__ import annotations

from wenji.folded import Folding, speech_text
from wenji.search.terms import Folder


def test_folding_a_text_is_what_the_search_folder_makes_of_it():
    folding, folder = Folding(), Folder()
    texts = ["x", "xx 年", "Max x", "axx", "xxb", "1xx2", "x\nx", "aXX", "XX代表", "……", "…xx…", "ⅺ x",
             "㈠xx×*╳", "ＡＢｘｘ１", "社會主義現代化", "\U0002000bx", "abc\ud800x", "ǅ ﬁ ß İ", "", "一、总体要求"]
    for text in texts:
        assert folding.fold(text) == folder.fold(text), text
    assert folding.fold("共xx人、1xx2、Mxx") == "共××人、1××2、mxx"


def test_folding_every_real_report_is_what_the_search_folder_makes_of_it(real_archive):
    folding, folder = Folding(), Folder()
    for speech in real_archive.speeches:
        text = speech_text(speech)
        assert folding.fold(text) == folder.fold(text), speech.source
