"""wenji.termcounts: each speech's term counts cached and kept with the archive's matrix, so a
rebuild counts only what changed and joins the rest as the last build did."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np

from wenji import termcounts
from wenji.cache import Cache
from wenji.segment import Segmenter
from wenji.site import load_archive

REPO = Path(__file__).resolve().parent.parent


def test_a_rebuild_reuses_the_term_counts_without_starting_jieba(tmp_path):
    """The counts cache: a rebuild of unchanged speeches loads no dictionary and gets the
    counts of the first build; another dictionary has its own entries."""
    archive = load_archive(REPO / "seeds", REPO / "content")
    cache = Cache(tmp_path / "cache")
    userdict = REPO / "content" / "userdict.txt"
    first = Segmenter(userdict, words=["政务服务"], cache_dir=tmp_path / "jieba")
    counted = termcounts.count_archive(first, archive.speeches, cache).counts
    here = [termcounts.count(first, termcounts.documents(s)) for s in archive.speeches]
    assert counted == here
    speech = archive.speeches[0]
    words = [t for p in speech.body.paragraphs for t in first.terms(p.text)]
    c = counted[0]
    assert sorted(words) == sorted(t for i, n in zip(c.ids[:c.ptr[1]], c.counts[:c.ptr[1]])
                                   for t in [c.vocab[i]] * n)  # the preamble's terms, every one counted
    again = Segmenter(userdict, words=["政务服务"], cache_dir=tmp_path / "jieba")
    assert termcounts.count_archive(again, archive.speeches, cache).counts == counted
    assert not again.started
    other = Segmenter(userdict, words=["放管服改革"], cache_dir=tmp_path / "jieba")
    termcounts.count_archive(other, archive.speeches[:1], cache)  # another dictionary
    assert other.started


def test_a_rebuild_joins_the_unchanged_speeches_as_the_last_build_did(tmp_path):
    """The matrix kept between builds: after an edit that takes a term out of the archive and
    brings a new one in, only the edited speech is counted again, and every array equals the
    one a build without the kept matrix makes."""
    seeds = tmp_path / "seeds"
    shutil.copytree(REPO / "seeds", seeds)
    seg = Segmenter(REPO / "content" / "userdict.txt", cache_dir=tmp_path / "jieba")
    cache = Cache(tmp_path / "cache")
    archive = load_archive(seeds, REPO / "content")
    first = termcounts.count_archive(seg, archive.speeches, cache, base_name="site")
    assert first.base is None
    corpus = termcounts.build_corpus(archive, first)
    first.remember(cache, corpus)
    # A term only the first speech uses, and the lines that hold it.
    victim = archive.speeches[0]
    s = corpus.row_speech[corpus.row]
    only_here = [t for t in np.unique(corpus.ids[s == 0]).tolist()
                 if not np.any(corpus.ids[s != 0] == t)]
    gone = next(corpus.vocab[t] for t in only_here if re.fullmatch(r"[\u4e00-\u9fff]+", corpus.vocab[t]))
    lines = victim.source.read_text(encoding=victim.encoding).split("\n")
    kept = [line for line in lines if gone not in line]
    added = "我们要推进量子纠缠态研究。"
    new_terms = set(seg.terms(added)) - set(corpus.vocab)
    assert new_terms
    kept.insert(len(kept) // 2, added)
    victim.source.write_text("\n".join(kept), encoding=victim.encoding)

    edited = load_archive(seeds, REPO / "content")
    again = termcounts.count_archive(seg, edited.speeches, cache, base_name="site")
    assert again.base is not None
    assert [c is None for c in again.counts] == [s.stem != victim.stem for s in edited.speeches]
    spliced = termcounts.build_corpus(edited, again)
    cold = termcounts.build_corpus(edited, termcounts.count_archive(seg, edited.speeches, Cache(enabled=False)))
    assert gone not in spliced.vocab and new_terms.issubset(spliced.vocab)
    assert spliced.vocab == cold.vocab and spliced.index == cold.index
    for name in ("is_section", "row_speech", "ptr", "row", "ids", "counts", "tf", "heads", "idf", "speech_ptr",
                 "speech_ids", "speech_counts", "speech_idf"):
        assert np.array_equal(getattr(spliced, name), getattr(cold, name)), name
    assert [(sp.stem, sec.id, path) for sp, sec, path in spliced.rows] == \
        [(sp.stem, sec.id, path) for sp, sec, path in cold.rows]


def test_the_line_cuts_hold_each_lines_tokens_as_the_count_step_cut_them(tmp_path):
    """What the comparison data's word starts are made of: per line (each paragraph of the
    preamble, then a line a section) the lengths of its tokens, then a line break."""
    archive = load_archive(REPO / "seeds", REPO / "content")
    seg = Segmenter(cache_dir=tmp_path / "jieba")
    sections = 0
    for speech in archive.speeches:
        docs = termcounts.documents(speech)
        cuts: list = []
        plain = termcounts.count(seg, docs)
        assert termcounts.count(seg, docs, cuts) == plain  # keeping the cut changes no count
        lines = docs[0][1] + ["\n".join(([h] if h else []) + ps) for h, ps in docs[1:]]
        cut = cuts[0]
        assert len(cut.starts) == len(lines) + 1
        for k, line in enumerate(lines):
            a, b = int(cut.starts[k]), int(cut.starts[k + 1])
            assert cut.lengths[a:b - 1].tolist() == [len(t) for t in seg.tokens(line)] and cut.lengths[b - 1] == 1
        sections += len(docs) - 1
    assert sections > 100


def test_no_line_cuts_where_the_preambles_line_breaks_are_not_its_paragraphs():
    broken = termcounts.LineCutter()
    broken.add([], ["发展", "经济"], 2, preamble=True)
    assert broken.cuts() is None
    cutter = termcounts.LineCutter()
    cutter.add([], ["发展", "\n", "经济"], 2, preamble=True)
    cutter.add(["一、", "总体"], ["要求"], 1, preamble=False)
    got = cutter.cuts()
    assert got.lengths.tolist() == [2, 1, 2, 1, 2, 2, 1, 2, 1] and got.starts.tolist() == [0, 2, 4, 9]
