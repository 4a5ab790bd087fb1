"""wenji.related: each section's related passages in other speeches, on small archives written
here and on the real archive as built (tests/corpus-real)."""
from __future__ import annotations

import random
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import scipy.sparse

from wenji import related, themes
from synthetic import make_archive
from wenji.site import load_archive

REPEATED = "我们要大力发展海洋渔业和远洋捕捞，建设现代化渔港，保护近海渔业资源，增加渔民收入。"
UNRELATED = [
    "铁路运输能力明显增强，新建铁路干线和支线，机车车辆制造能力提高，货物周转量增长很快。",
    "中小学教育普及程度提高，师范院校培养教师，农村扫除文盲工作取得成绩，职业教育继续发展。",
    "城市住房建设加快，棚户区改造稳步推进，保障性住房分配公开透明，物业管理更加规范。",
    "医疗卫生服务体系健全，基层医院条件改善，传染病防治有力，药品价格管理加强。",
    "科学研究经费增加，基础研究取得突破，科研人员待遇提高，科技成果转化更加顺畅。",
]


def _write(seeds: Path, name: str, year: int, sections: list[str]) -> None:
    numbers = "一二三四五六七八九"
    body = "\n\n".join(f"{numbers[i]}、第{numbers[i]}部分\n\n{text}" for i, text in enumerate(sections))
    (seeds / f"{name}.txt").write_text(f"{year}年工作报告\n\n（{year}年3月5日）\n\n各位代表：\n\n{body}\n", encoding="utf-8")


def _links(tmp_path: Path) -> tuple[list, dict]:
    seeds = tmp_path / "seeds"
    seeds.mkdir(parents=True)
    _write(seeds, "a", 2001, [REPEATED, UNRELATED[0], UNRELATED[1]])
    _write(seeds, "b", 2002, [UNRELATED[2], REPEATED, UNRELATED[3]])
    _write(seeds, "c", 2003, [UNRELATED[4], REPEATED[:24] + "，发展远洋运输船队，提高港口吞吐能力。"])
    archive = load_archive(seeds, tmp_path / "content")
    found = related.find(themes.analyse(archive, None).corpus)
    return archive.speeches, found


def test_a_repeated_passage_is_related_first_and_unrelated_sections_are_not(tmp_path):
    speeches, found = _links(tmp_path)
    a = found["a"]["s1"]
    assert [(link.slug, link.id) for link in a][:1] == [("b", "s2")]  # the word-for-word repeat first
    assert a[0].score > 0.9 and all(x.score >= y.score for x, y in zip(a, a[1:]))
    assert ("c", "s2") in [(link.slug, link.id) for link in a]  # the half repeat after it
    assert "s2" not in found.get("a", {}) and "s3" not in found.get("a", {})  # nothing alike anywhere else
    for slug, sections in found.items():
        for links in sections.values():
            assert 0 < len(links) <= related.PER_SECTION
            assert all(link.slug != slug and link.score >= related.THRESHOLD for link in links)
    assert a[0].year == "2002" and a[0].title == "工作报告" and a[0].href == "b.html#s2"


def test_the_same_archive_gives_the_same_links(tmp_path):
    first = _links(tmp_path / "1")[1]
    assert first == _links(tmp_path / "2")[1]


def test_a_short_title_leaves_out_the_year_shown_beside_it():
    assert related.short_title("2019年国务院政府工作报告", "2019") == "国务院政府工作报告"
    assert related.short_title("政府工作报告", "2019") == "政府工作报告"
    long = "关于" + "很长的题目" * 10
    assert len(related.short_title(long, "")) == 24 and related.short_title(long, "").endswith("…")


# --- on the real archive ---------------------------------------------------------------------


class _Sections(HTMLParser):
    """A speech page's sections: id -> (own text, related links, whether it has subsections)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []  # open section ids, with "" for other elements that nest
        self.sections: dict[str, dict] = {}
        self.in_related = 0
        self.in_text = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section":
            if self.stack and self.stack[-1]:
                self.sections[self.stack[-1]]["leaf"] = False
            self.stack.append(a["id"])
            self.sections[a["id"]] = {"text": [], "links": [], "leaf": True}
        elif tag == "details" and "related" in (a.get("class") or "").split():
            self.in_related += 1
        elif tag == "a" and self.in_related and self.stack:
            self.sections[self.stack[-1]]["links"].append(a["href"])
        elif tag == "p" and self.stack and a.get("id", "").startswith("p"):
            self.in_text += 1

    def handle_endtag(self, tag):
        if tag == "section":
            self.stack.pop()
        elif tag == "details" and self.in_related:
            self.in_related -= 1
        elif tag == "p" and self.in_text:
            self.in_text -= 1

    def handle_data(self, data):
        if self.in_text and self.stack:
            self.sections[self.stack[-1]]["text"].append(data)


def _page(site: Path, slug: str) -> dict[str, dict]:
    parser = _Sections()
    parser.feed((site / "speeches" / f"{slug}.html").read_text(encoding="utf-8"))
    return parser.sections


def _bigrams(text: str) -> set[str]:
    han = re.sub(r"[^\u4e00-\u9fff]", "", text)
    return {han[i:i + 2] for i in range(len(han) - 1)}


def _alike(a: str, b: str) -> float:
    x, y = _bigrams(a), _bigrams(b)
    return len(x & y) / len(x | y) if x | y else 0.0


def test_on_the_real_archive_recent_reports_have_related_passages_that_resolve_and_are_alike(real_site):
    pages = {p.stem: _page(real_site, p.stem) for p in sorted((real_site / "speeches").glob("*.html"))}
    for slug in ("gwr-2019", "cpc-19-0"):
        leaves = [s for s in pages[slug].values() if s["leaf"]]
        assert sum(1 for s in leaves if s["links"]) >= len(leaves) / 2, slug
    pairs = []
    for slug, sections in pages.items():
        for sid, s in sections.items():
            for href in s["links"]:
                target, _, anchor = href.partition("#")
                other = target.removesuffix(".html")
                assert other != slug and anchor in pages[other], href  # the section it names exists
            if s["links"]:
                target, _, anchor = s["links"][0].partition("#")
                pairs.append(("".join(s["text"]), "".join(pages[target.removesuffix(".html")][anchor]["text"])))
    assert len(pairs) > 500
    every = [("".join(s["text"])) for sections in pages.values() for s in sections.values() if s["text"]]
    rng = random.Random(14)
    first = sum(_alike(a, b) for a, b in pairs) / len(pairs)
    chance = sum(_alike(a, rng.choice(every)) for a, _ in pairs) / len(pairs)
    assert first > 3 * chance, (first, chance)


def _best_row_by_row(block, start, speech_of, usable):
    """The rule of ``related._best`` written plainly, one row at a time: the oracle."""
    found = []
    for i in range(block.shape[0]):
        row = start + i
        a, b = block.indptr[i], block.indptr[i + 1]
        pairs = [(round(float(v), 6), int(c)) for c, v in zip(block.indices[a:b], block.data[a:b])]
        pairs = [(v, c) for v, c in pairs if v >= related.THRESHOLD and speech_of[c] != speech_of[row]
                 and usable[c] and usable[row]]
        best = sorted(pairs, key=lambda vc: (-vc[0], vc[1]))[:related.PER_SECTION]
        if best:
            found.append((i, [(c, v) for v, c in best]))
    return found


def test_best_links_of_a_whole_block_match_the_rule_row_by_row():
    rng = np.random.default_rng(7)
    for start in (0, 5):
        dense = rng.choice([0.0, 0.1, 0.2, 0.2000004, 0.1999996, 0.35, 0.35, 0.9], size=(40, 60))
        block = scipy.sparse.csr_matrix(dense)
        speech_of = rng.integers(0, 6, size=80)
        usable = (rng.random(80) > 0.1).astype(np.float64)
        got = related._best(block, start, speech_of, usable)
        assert got == _best_row_by_row(block, start, speech_of, usable)
        assert any(len(links) == related.PER_SECTION for _, links in got)


def test_a_page_signature_ignores_the_scores_it_does_not_show():
    link = related.Link("a", "s1", "报告", "2019", "一、总体要求", 0.51)
    moved = related.Link("a", "s1", "报告", "2019", "一、总体要求", 0.52)
    renamed = related.Link("a", "s1", "报告", "2019", "二、总体要求", 0.51)
    assert related.page_signature({"x": (link,)}) == related.page_signature({"x": (moved,)})
    assert related.page_signature({"x": (link,)}) != related.page_signature({"x": (renamed,)})
    assert related.page_signature({"x": (link,)}) != related.page_signature({"y": (link,)})
    assert related.page_signature({"x": (link,)}) != related.page_signature({"x": (link, renamed)})


def test_the_signatures_find_makes_are_those_of_the_links(seeds_archive):
    found = related.find(themes.analyse(seeds_archive, seeds_archive.content).corpus)
    assert found and all(isinstance(links, related.SpeechLinks) and links.shown for links in found.values())
    for links in found.values():
        assert links.shown == related.page_signature(dict(links))


def _flat(found: dict) -> list:
    return [(slug, [(sid, [(x.slug, x.id, x.score) for x in links]) for sid, links in mine.items()])
            for slug, mine in found.items()]


def test_a_small_archive_without_scipy_gets_the_same_cosines_to_the_last_bit(seeds_archive, synthetic_archive,
                                                                            monkeypatch):
    for archive in (seeds_archive, synthetic_archive):
        corpus = themes.analyse(archive, archive.content).corpus
        monkeypatch.setattr(related, "DENSE_TERMS", 10**9)
        dense = related.find(corpus)
        monkeypatch.setattr(related, "DENSE_TERMS", -1)
        sparse = related.find(corpus)
        assert dense and _flat(dense) == _flat(sparse)


def test_blocks_shared_among_processes_give_the_links_of_one_process(synthetic_archive, monkeypatch):
    corpus = themes.analyse(synthetic_archive, synthetic_archive.content).corpus
    monkeypatch.setattr(related, "DENSE_TERMS", -1)
    monkeypatch.setattr(related, "BLOCK", 16)
    monkeypatch.setattr(related, "PARALLEL_ROWS", 32)
    assert _flat(related.find(corpus, 2)) == _flat(related.find(corpus, 1))
    assert not related._SHARED


def test_sections_of_one_class_share_their_products_and_rank_as_each_one_ranked_alone(synthetic_archive,
                                                                                        monkeypatch):
    """The products are made once a class of sections with the same term counts; every
    section's best related sections, scores and bound are those of its own row's products."""
    corpus = themes.analyse(synthetic_archive, synthetic_archive.content).corpus
    rows = np.nonzero(corpus.is_section)[0]
    (r, t, w), usable, _, entries = related._weights(corpus, rows)
    klass = related._classes(entries, len(rows))
    assert len(np.unique(klass)) < len(rows)  # the synthetic archive repeats sections word for word
    m = related.sparse.from_entries(r, t, w, (len(rows), len(corpus.vocab)))
    every = np.arange(len(rows))
    products = related._cosines(related.Weights(m, related.sparse.transposed(m)), every)
    by_section = related._ranked(products, every, corpus.row_speech[rows], usable, klass=klass)
    expected = related._joined([by_section], len(rows))
    monkeypatch.setattr(related, "SECTIONS_AT_ONCE", 40)  # ranked in several blocks
    assert len(related.Classes.of(klass).blocks(40)) > 3
    got, _ = related.rank(corpus, 1, [s.digest for s in synthetic_archive.speeches])
    assert (expected.cols >= 0).any()
    for a, b in zip(got, expected):
        assert np.array_equal(a, b)

# --- a rebuild after an edit -----------------------------------------------------------------


def _found(seeds: Path, content: Path, last=None) -> tuple[dict, related.Memory, object]:
    archive = load_archive(seeds, content)
    corpus = themes.analyse(archive, content).corpus
    found, memory = related.find_again(corpus, 1, [s.digest for s in archive.speeches], last)
    return found, memory, corpus


def _edit(seeds: Path, name: str, line: int, change) -> None:
    path = seeds / name
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[line] = change(lines[line])
    path.write_text("\n".join(lines), encoding="utf-8")


def test_a_rebuild_after_edits_that_change_term_frequencies_finds_what_a_build_from_nothing_finds(
        tmp_path, monkeypatch):
    seeds, content = make_archive(tmp_path, 14)
    monkeypatch.setattr(related, "DENSE_TERMS", -1)  # the sparse products, as on a large archive
    monkeypatch.setattr(related, "BLOCK", 64)
    computed = []
    again = related._again
    monkeypatch.setattr(related, "_again", lambda *a: computed.append(again(*a)) or computed[-1])
    before, memory, corpus = _found(seeds, content)
    moved = []
    other = (seeds / "s00009.txt").read_text(encoding="utf-8").split("\n")[4]
    edits = [("s00003.txt", 4, lambda text: text + other),  # another speech's paragraph: new related passages
             ("s00005.txt", 1, lambda text: text + "远洋捕捞。"),  # the preamble: only IDFs change
             ("s00003.txt", 4, lambda text: text[: -len(other)])]  # the first edit taken back
    for name, line, change in edits:
        _edit(seeds, name, line, change)
        after, memory, edited = _found(seeds, content, memory)
        assert after == related.find(edited)  # as a build from nothing
        assert computed[-1] is not None, name  # found again, not computed anew
        assert len(edited.rows) == len(corpus.rows) and not np.array_equal(edited.idf, corpus.idf)
        moved.append(after != before)
        before, corpus = after, edited
    assert moved[0] and moved[2]  # the edits changed related passages (the scores at least)


def test_after_an_edit_that_moves_no_idf_only_the_edited_speechs_cosines_are_computed_again(tmp_path, monkeypatch):
    """A section whose numbers did not move keeps the cosines it remembered: an edit that
    repeats a paragraph's own words moves no IDF, so only the edited speech's sections are
    multiplied again, and the links are a build from nothing's."""
    seeds, content = make_archive(tmp_path, 14)
    monkeypatch.setattr(related, "DENSE_TERMS", -1)  # the sparse products, as on a large archive
    monkeypatch.setattr(related, "BLOCK", 64)
    dots = []
    pair_dots = related._dots
    monkeypatch.setattr(related, "_dots", lambda matrix, a, b: dots.append(len(a)) or pair_dots(matrix, a, b))
    _, memory, corpus = _found(seeds, content)
    _edit(seeds, "s00005.txt", 4, lambda text: text + text)
    after, memory, edited = _found(seeds, content, memory)
    assert np.array_equal(edited.idf, corpus.idf) and len(edited.rows) == len(corpus.rows)
    assert dots == [0]  # every cosine of the sections that stay was remembered
    assert after == related.find(edited)
    _edit(seeds, "s00005.txt", 4, lambda text: text + "远洋捕捞和海洋牧场。")  # new terms: IDFs move
    again, _, moved = _found(seeds, content, memory)
    assert not np.array_equal(moved.idf, edited.idf) and again == related.find(moved)


def test_a_rebuild_after_an_edit_that_removes_a_section_changes_every_idf_and_finds_what_a_cold_build_finds(
        tmp_path, monkeypatch):
    seeds, content = make_archive(tmp_path, 14)
    monkeypatch.setattr(related, "DENSE_TERMS", -1)
    monkeypatch.setattr(related, "DRIFT", 1e-3)  # 14 speeches: every IDF moves by 0.002 (1,000: by 0.00003)
    computed = []
    again = related._again
    monkeypatch.setattr(related, "_again", lambda *a: computed.append(again(*a)) or computed[-1])
    _, memory, corpus = _found(seeds, content)
    _edit(seeds, "s00004.txt", 2, lambda text: "这是修改后新加的一句话。" + text)  # the first heading no longer one
    after, _, edited = _found(seeds, content, memory)
    assert len(edited.rows) == len(corpus.rows) - 1
    idf = dict(zip(corpus.vocab, corpus.idf.tolist()))
    assert all(idf.get(t) != x for t, x in zip(edited.vocab, edited.idf.tolist()))  # every weight moved
    assert computed[-1] is not None and after == related.find(edited)


def _unit_vectors(corpus) -> tuple[list[dict[str, float]], "np.ndarray"]:
    """Per section its weights of rare terms over its length, by term, as the products use them."""
    rows = np.nonzero(corpus.is_section)[0]
    (r, t, w), _, _, _ = related._weights(corpus, rows)
    vectors: list[dict[str, float]] = [{} for _ in rows]
    for i, j, x in zip(r.tolist(), t.tolist(), w.tolist()):
        vectors[i][corpus.vocab[j]] = x
    return vectors, rows


def test_a_sections_drift_is_how_far_its_vector_moved_after_an_edit_that_moves_few_idfs_or_all(tmp_path):
    """``_drift`` works on the sections holding a moved term alone when they are few, on every
    section otherwise; either way a section of an unchanged speech drifted by the distance
    between its vectors now and then, exactly 0 where none of its terms moved, and a section
    of the edited speech is new (infinite)."""
    seeds, content = make_archive(tmp_path, 14)
    _, memory, _ = _found(seeds, content)
    edits = [("s00005.txt", 4, lambda text: text + "远洋捕捞和海洋牧场。"),  # a few IDFs move
             ("s00004.txt", 2, lambda text: "这是修改后新加的一句话。" + text)]  # a section less: every IDF moves
    drifted = []
    for name, line, change in edits:
        then, _ = _unit_vectors(_found(seeds, content)[2])
        _edit(seeds, name, line, change)
        archive = load_archive(seeds, content)
        corpus = themes.analyse(archive, content).corpus
        now, rows = _unit_vectors(corpus)
        _, usable, rare, entries = related._weights(corpus, rows)
        keys = [s.digest for s in archive.speeches]
        old_to_new = related._unchanged_sections(corpus.row_speech[rows], len(corpus.speeches), keys, memory)
        drift = related._drift(corpus, (len(rows), usable > 0), old_to_new, entries, memory, rare)
        kept = set(old_to_new[old_to_new >= 0].tolist())
        assert np.isinf(drift[[i for i in range(len(rows)) if i not in kept]]).all()
        for old, i in enumerate(old_to_new.tolist()):
            if i >= 0:
                terms = set(now[i]) | set(then[old])
                far = sum((now[i].get(x, 0.0) - then[old].get(x, 0.0)) ** 2 for x in terms) ** 0.5
                assert drift[i] == far if far == 0 else abs(drift[i] - far) < 1e-12, (old, i)
        drifted.append(np.count_nonzero(drift[sorted(kept)] > 0) / len(kept))
        memory = related.find_again(corpus, 1, keys, memory)[1]
    assert 0 < drifted[0] < 0.5 < drifted[1]


def _remembers_what_is_so(memory: related.Memory, cold: related.Memory, corpus) -> None:
    """What a rebuild remembers for the next one is what a build from nothing finds, as far as
    it goes, and its bound holds for every related section outside the classes it lists."""
    kept = memory.cols >= 0
    assert np.array_equal(np.where(kept, cold.cols, -1), memory.cols)
    assert np.array_equal(np.where(kept, cold.scores, 0), memory.scores)
    assert np.array_equal(memory.klass, cold.klass)
    rows = np.nonzero(corpus.is_section)[0]
    (r, t, w), usable, _, _ = related._weights(corpus, rows)
    matrix = scipy.sparse.csr_matrix((w, (r, t)), shape=(len(rows), len(corpus.vocab))).toarray()
    scores = np.rint(matrix @ matrix.T * 1e6)
    speech_of = corpus.row_speech[rows]
    for i in range(len(rows)):
        listed = set(memory.klass[memory.cols[i][kept[i]]].tolist())
        ok = (scores[i] >= related.SEEN) & (speech_of != speech_of[i]) & (usable > 0) & (usable[i] > 0)
        outside = [j for j in np.flatnonzero(ok).tolist() if memory.klass[j] not in listed]
        assert all(scores[i, j] <= memory.bound[i] for j in outside), i


def _names(seeds):
    return sorted(p.name for p in seeds.glob("*.txt"))


def _random_speeches(seeds, rng, count):
    """``count`` speeches drawn at random (again each time: an edit changes the file), with
    their lines."""
    names = _names(seeds)
    for _ in range(count):
        name = rng.choice(names)
        yield name, (seeds / name).read_text(encoding="utf-8").split("\n")


def test_a_rebuild_after_each_of_many_small_edits_finds_what_a_build_from_nothing_finds(tmp_path, monkeypatch):
    seeds, content = make_archive(tmp_path, 14)
    monkeypatch.setattr(related, "DENSE_TERMS", -1)
    monkeypatch.setattr(related, "KEEP", 4)  # lists that run short sooner
    rng = random.Random(18)
    _, memory, _ = _found(seeds, content)
    names = _names(seeds)
    for name, lines in _random_speeches(seeds, rng, 10):
        line = rng.choice([i for i, text in enumerate(lines) if len(text) > 60])  # a paragraph, not a heading
        donor = rng.choice([t for t in (seeds / rng.choice(names)).read_text(encoding="utf-8").split("\n")
                            if len(t) > 60])
        cut = rng.randrange(1, len(lines[line]) // 2)
        _edit(seeds, name, line, lambda text: text[cut:] + donor[: rng.randrange(10, len(donor))])
        after, memory, edited = _found(seeds, content, memory)
        cold = related.find_again(edited, 1, memory.keys)[1]
        assert after == related.find(edited)
        _remembers_what_is_so(memory, cold, edited)



def test_a_rebuild_after_each_of_many_edits_that_add_or_remove_sections_finds_what_a_cold_build_finds(
        tmp_path, monkeypatch):
    seeds, content = make_archive(tmp_path, 14)
    monkeypatch.setattr(related, "DENSE_TERMS", -1)
    monkeypatch.setattr(related, "DRIFT", 1e-3)  # every IDF moves by about 0.002: few sections computed again
    monkeypatch.setattr(related, "AGAIN_SHARE", 1.0)
    monkeypatch.setattr(related, "KEEP", 3)  # the least each section can remember
    computed = []
    again = related._again
    monkeypatch.setattr(related, "_again", lambda *a: computed.append(again(*a)) or computed[-1])
    rng = random.Random(5)
    _, memory, _ = _found(seeds, content)
    for step, (name, lines) in enumerate(_random_speeches(seeds, rng, 8)):
        heads = [i for i, text in enumerate(lines) if text.startswith("（")]
        line = rng.choice(heads)
        if step % 2:
            _edit(seeds, name, line, lambda text: "这一段话" + text)  # a heading no longer one: a section less
        else:
            _edit(seeds, name, line, lambda text: text + "\n（九）新加的一节\n" + rng.choice(lines[1:]))
        after, memory, edited = _found(seeds, content, memory)
        assert computed[-1] is not None
        assert after == related.find(edited)
        _remembers_what_is_so(memory, related.find_again(edited, 1, memory.keys)[1], edited)
