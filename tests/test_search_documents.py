"""wenji.search.documents: the units a search hit points at."""
from __future__ import annotations

from wenji.search.documents import archive_documents, speech_documents


def test_documents_are_the_sections_and_the_paragraphs_outside_them(seeds_archive):
    docs = archive_documents(seeds_archive)
    for si, speech in enumerate(seeds_archive.speeches):
        mine = {d.id: d for d in docs if d.speech == si}
        for sec, _ in speech.sections():
            assert mine[sec.id].text == sec.text
        for p in speech.body.paragraphs:
            assert mine[p.id].text == p.text
        assert len(mine) == len(list(speech.sections())) + len(speech.body.paragraphs) + ("" in mine)
    assert [d.speech for d in docs] == sorted(d.speech for d in docs)  # a speech's documents are consecutive


def test_a_document_s_parent_is_the_section_around_it(seeds_archive):
    docs = archive_documents(seeds_archive)
    nested = [d for d in docs if d.parent >= 0]
    assert len(nested) > 20
    for d in nested:
        parent = docs[d.parent]
        assert parent.speech == d.speech and d.id.startswith(parent.id + "-"), (d.id, parent.id)
    speech = seeds_archive.speeches[0]
    assert speech_documents(0, speech, 0) == [d for d in docs if d.speech == 0]
