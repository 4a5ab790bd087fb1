"""Search index: exact recall and precision, one lunr index's scores from a split index, and
incremental, deterministic search files.

The ground truth here is computed independently of wenji.search: a document is a hit when
its text, NFKC-normalised and case-folded with anonymisation marks unified, holds every
word of the query. The reference index is a lunr.py ``Builder`` over the whole archive, fed
with term lists computed by the plain definition (``reference_terms``), not by the fast
counting the build uses.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from lunr.builder import Builder
from lunr.query import Query, QueryPresence

from wenji import search, search_shards
from wenji.cache import Cache
from wenji.model import Archive, Meta, Paragraph, Section, Speech
from wenji.site import load_archive

REPO = Path(__file__).resolve().parent.parent
NODE = shutil.which("node")
sys.path.insert(0, str(REPO / "bench"))

QUERIES = [
    # whole words and compound terms
    "数字经济", "营商环境", "乡村振兴", "两先区", "首创之区", "振兴发展", "生态", "花卉", "自贸试验区",
    "治堵", "绿水青山", "营商", "高质量发展", "新发展理念", "党代会", "人民", "改革开放", "现代化",
    "共同富裕", "政府工作报告", "碳达峰",
    # arbitrary 2-6 character substrings (cut across word boundaries)
    "展理", "质发展", "化国际化", "体系建", "的重要", "设现代化", "和安全", "国际中心",
    # single characters
    "花", "治", "卉", "堵", "的", "魂",
    # multi-word queries
    "数字经济 营商环境", "生态 花卉", "乡村 振兴 农业", "改革 开放 创新",
    # anonymisation marks, digits, Latin letters, punctuation and lunr operator characters
    "**市", "xx", "×××", "XX市", "2021", "5G", "cop", "两先区:", "+发展", "-发展", "发展~1", "^2",
    "一、", "（一）", "，", "：", "*", "“两先区”",
    # absent
    "量子纠缠", "不存在的词语组合",
]

_MASK = re.compile(r"[*×╳]|(?<![a-z])x+(?![a-z])")


def normal(text: str) -> str:
    """NFKC of the whole text, case-folded, every anonymisation mark as ×."""
    t = unicodedata.normalize("NFKC", text).casefold()
    return _MASK.sub(lambda m: "×" * len(m.group()), t)


def truth(texts: list[str], query: str) -> set[int]:
    words = normal(query).split()
    if not words:
        return set()
    return {i for i, t in enumerate(texts) if all(w in normal(t) for w in words)}


def reference_terms(docs: list[search.Doc]) -> list[list[str]]:
    """Each document's terms by the plain definition: the bigrams of its folded runs found in
    min_df documents or more, then each of its characters that starts none of them, alone."""
    folder = search.Folder()
    cut = [folder.bigrams(d.text) for d in docs]
    df = Counter(t for grams, _ in cut for t in set(grams))
    m = search.min_df(search.text_size(docs))
    out = []
    for grams, chars in cut:
        kept = [t for t in grams if df[t] >= m]
        starts = {t[0] for t in kept}
        out.append(kept + sorted(c for c in chars if c not in starts))
    return out


class Reference:
    """One lunr.py Builder index over the whole archive.

    Its term table is seeded in UTF-16 order before any document is added, so lunr.py numbers
    the terms in the order lunr.js needs (it would otherwise number them as first seen); a
    document's score sums its weights in term-number order, so equal numbering gives equal
    floating-point sums.
    """

    def __init__(self, docs: list[search.Doc]) -> None:
        lists = reference_terms(docs)
        vocab = sorted({t for ts in lists for t in ts}, key=search.utf16_key)
        builder = Builder()
        builder.ref("id")
        builder.field(search.FIELD)
        builder.k1(search.K1)
        builder.b(search.B)
        builder.inverted_index = {t: {search.FIELD: {}, "_index": i} for i, t in enumerate(vocab)}
        builder.term_index = len(vocab)
        for d, ts in enumerate(lists):
            builder.add({"id": str(d), search.FIELD: ts})
        assert builder.term_index == len(vocab)  # lunr.py changed no term
        self.lists = lists
        self.index = builder.build()

    def serialize(self) -> dict:
        data = self.index.serialize()
        data["invertedIndex"].sort(key=lambda e: search.utf16_key(e[0]))
        return json.loads(json.dumps(data))

    def query(self, clauses: list[tuple[str, bool]]) -> list[tuple[int, float]]:
        if not clauses:
            return []
        q = self.index.create_query()
        for term, prefix in clauses:
            q.term(term, presence=QueryPresence.REQUIRED,
                   wildcard=Query.WILDCARD_TRAILING if prefix else Query.WILDCARD_NONE, use_pipeline=False)
        return [(int(r["ref"]), r["score"]) for r in self.index.query(q)]


@pytest.fixture(scope="module")
def seeds_archive() -> Archive:
    return load_archive(REPO / "seeds", REPO / "content")


@pytest.fixture(scope="module")
def seeds_index(seeds_archive) -> search.SearchIndex:
    return search.SearchIndex(search.documents(seeds_archive))


@pytest.fixture(scope="module")
def synthetic_archive(tmp_path_factory) -> Archive:
    """Fourteen speeches from bench/synthetic.py: about 160,000 characters."""
    from synthetic import make_archive

    seeds, content = make_archive(tmp_path_factory.mktemp("synthetic"), 14)
    return load_archive(seeds, content)


@pytest.fixture
def large_rules(monkeypatch):
    """Treat every archive as large (every bigram a term), cut small blocks and small shards,
    so a small archive exercises what a thousand speeches do."""
    monkeypatch.setattr(search, "SMALL", 0)
    monkeypatch.setattr(search, "BLOCK", 3)
    monkeypatch.setattr(search_shards, "SHARD", 3_000)


def test_documents_are_the_sections_and_the_paragraphs_outside_them(seeds_archive):
    docs = search.documents(seeds_archive)
    for si, speech in enumerate(seeds_archive.speeches):
        mine = {d.id: d for d in docs if d.speech == si}
        for sec, _ in speech.sections():
            assert mine[sec.id].text == sec.text
        for p in speech.body.paragraphs:
            assert mine[p.id].text == p.text
        assert len(mine) == len(list(speech.sections())) + len(speech.body.paragraphs) + ("" in mine)
    assert [d.speech for d in docs] == sorted(d.speech for d in docs)  # a speech's documents are consecutive


TRICKY = ["**市与xx市和××市", "Max x.xx万元，202x年", "ＡＢＣ１２３ ｆｕｌｌ", "𠮷野家的𠮷𠮷", "﨎𠮷并列", "单", "。",
          "一、", "ß Straße ΣΑΣ", "x", "a\u0301 e\u0308", "2021年5G", "（一）（二）"]


def test_fast_term_counting_equals_the_plain_definition(seeds_archive):
    folder = search.Folder()
    texts = [d.text for d in search.documents(seeds_archive)] + TRICKY
    for text in texts:
        grams, chars = folder.bigrams(text)
        got = folder.doc_terms("", text)
        assert {search.term_str(k): v & search.TF for k, v in zip(got.keys, got.vals)} == Counter(grams), text
        starts = {g[0] for g in grams}
        assert {chr(c) for c in got.lone} == chars - starts, text
    heading, body = "一、**市发展", "一、**市发展\n正文讲发展，也讲花卉。"
    got = folder.doc_terms(heading, body)
    flagged = {search.term_str(k) for k, v in zip(got.keys, got.vals) if v & search.HEAD}
    assert flagged == set(folder.bigrams(heading)[0]) == {"××", "×市", "市发", "发展"}


@pytest.mark.parametrize("which", ["seeds", "synthetic"])
def test_the_index_is_a_lunr_py_builder_index_of_the_whole_archive(which, request):
    archive = request.getfixturevalue(f"{which}_archive")
    docs = search.documents(archive)
    index = search.SearchIndex(docs)
    ref = Reference(docs)
    assert [Counter(ts) for ts in index.term_lists()] == [Counter(ts) for ts in ref.lists]
    assert json.loads(json.dumps(index.serialize())) == ref.serialize()
    for q in ["发展", "营商环境", "花", "生态 花卉", "**市", "量子纠缠", "产业提质"]:
        assert index.query(q) == ref.query(index.clauses(q)), q  # a per-query index scores as the whole one


def test_small_archives_keep_fewer_bigrams(seeds_archive, monkeypatch):
    assert search.min_df(10**9) == 1 and search.min_df(1000) == 3
    docs = search.documents(seeds_archive)
    lean = search.SearchIndex(docs)
    monkeypatch.setattr(search, "SMALL", 0)
    full = search.SearchIndex(docs)
    assert len(lean.vocab) < 0.5 * len(full.vocab)
    texts = [d.text for d in docs]
    for q in QUERIES:
        assert set(lean.search(q)) == set(full.search(q)) == truth(texts, q), q


def test_recall_and_precision_are_exact_on_the_seeds(seeds_index):
    texts = [d.text for d in seeds_index.docs]
    found_total = right = expected_total = 0
    for q in QUERIES:
        expected = truth(texts, q)
        got = seeds_index.search(q)
        assert len(got) == len(set(got)), q
        assert set(got) == expected, f"{q}: missing {expected - set(got)}, extra {set(got) - expected}"
        found_total += len(got)
        expected_total += len(expected)
        right += len(expected & set(got))
    assert len(QUERIES) >= 40
    assert expected_total > 300  # the queries do find things
    assert right / expected_total == 1.0 and right / found_total == 1.0


def test_known_hits_on_the_seeds(seeds_archive, seeds_index):
    def where(q):
        return {(seeds_archive.speeches[seeds_index.docs[d].speech].stem[:3], seeds_index.docs[d].id)
                for d in seeds_index.search(q)}
    assert ("002", "s1-1-2") in where("数字经济")
    assert where("两先区") and all(stem == "003" for stem, _ in where("两先区"))
    # A mask in the query matches every way of writing a mask.
    assert where("**市") == where("xx市") == where("××市")
    assert any(stem == "003" for stem, _ in where("**市"))  # 003 writes xx市
    assert any(stem == "000" for stem, _ in where("xx市"))  # 000 writes **市


def test_ranking_puts_heading_matches_first_then_score(seeds_index):
    hits = seeds_index.search("生态")
    tiers = [0 if "生态" in search.Folder().fold(seeds_index.docs[d].heading) else 1 for d in hits]
    assert tiers == sorted(tiers) and tiers[0] == 0 and tiers[-1] == 1
    scores = dict(seeds_index.query("生态"))
    body = [scores[d] for d, t in zip(hits, tiers) if t == 1]
    assert body == sorted(body, reverse=True)


def test_query_clauses_never_use_the_query_parser(seeds_index):
    for q in ["两先区:", "+发展", "-发展", "发展~1", "^2", "*", "a:b", "title:发展"]:
        seeds_index.query(q)  # no parser, so no QueryParseError
        for term, _ in seeds_index.clauses(q):
            assert "*" not in term and ":" not in term


def _files(archive, **kw) -> dict[str, str]:
    return {k: v.decode("utf-8") if isinstance(v, bytes) else v for k, v in search.search_files(archive, **kw).items()}


def test_search_files_are_deterministic_and_compact(seeds_archive, tmp_path):
    a = _files(seeds_archive)
    b = _files(load_archive(REPO / "seeds", REPO / "content"), cache=Cache(tmp_path / "c"), workers=2)
    c = _files(seeds_archive, cache=Cache(tmp_path / "c"), workers=1)  # all from the cache
    assert a == b == c
    speeches = len(seeds_archive.speeches)
    assert "search/manifest.js" in a and "search/t/0.js" in a
    assert {k for k in a if k.startswith("search/d/")} == {f"search/d/{i}.js" for i in range(speeches)}
    for name, text in a.items():
        key = name[len("search/"):-len(".js")]
        assert text.startswith(f'{search.DATA_VARIABLE}["{key}"]=') and "\\u" not in text
        json.loads(text.split("=", 1)[1].rstrip(";\n"))


def test_search_files_at_scale_rules_are_deterministic(synthetic_archive, tmp_path, large_rules):
    a = _files(synthetic_archive, workers=1)
    b = _files(synthetic_archive, cache=Cache(tmp_path / "c"), workers=2)
    assert a == b == _files(synthetic_archive, cache=Cache(tmp_path / "c"), workers=2)
    assert len([k for k in a if "/t/" in k]) > 10
    assert len(search.prepare(synthetic_archive).bounds) > 2


def _edited(archive: Archive, which: int) -> Archive:
    """The archive with a sentence added to one paragraph of one speech."""
    import copy

    out = copy.deepcopy(archive)
    speech = out.speeches[which]
    para = speech.paragraphs()[2]
    para.text = "这是修改后新加的一句话，讲到量子纠缠。" + para.text
    speech.digest = speech.digest + "-edited" if speech.digest else ""
    return out


def test_editing_one_speech_recomputes_its_terms_and_one_block(synthetic_archive, tmp_path, monkeypatch,
                                                               large_rules):
    cache = Cache(tmp_path / "cache")
    calls: list[int] = []
    real = search.speech_terms
    monkeypatch.setattr(search, "speech_terms", lambda texts: calls.append(len(texts)) or real(texts))
    before = _files(synthetic_archive, cache=cache, workers=1)
    assert len(calls) == len(synthetic_archive.speeches)
    edited = _edited(synthetic_archive, 5)
    calls.clear()
    made = []
    real_fragment = search_shards.fragment
    monkeypatch.setattr(search_shards, "fragment", lambda block: made.append(block) or real_fragment(block))
    after = _files(edited, cache=cache, workers=1)
    assert len(calls) == 1  # the edited speech only
    # The block holding it; and its neighbour when the edited speech's new key ends a block or
    # stops ending one (blocks end at keys 0 modulo the block size).
    assert 1 <= len(made) <= 2
    assert after == _files(edited, workers=1)  # the same files as a build from nothing
    assert after != before
    # The edit is found, in the edited speech only.
    index = search.SearchIndex(search.documents(edited))
    hits = index.search("量子纠缠")
    assert hits and {index.docs[d].speech for d in hits} == {5}


def test_a_rebuild_reads_only_the_edited_speech(synthetic_archive, tmp_path, monkeypatch, large_rules):
    cache = Cache(tmp_path / "cache")
    _files(synthetic_archive, cache=cache, workers=1)
    read: list[str] = []
    real = search.speech_documents
    monkeypatch.setattr(search, "speech_documents",
                        lambda si, speech, base=0: read.append(speech.slug) or real(si, speech, base))
    edited = _edited(synthetic_archive, 5)
    after = _files(edited, cache=cache, workers=1)
    assert set(read) == {edited.speeches[5].slug}  # the others' documents, texts and terms come from the state
    monkeypatch.setattr(search, "speech_documents", real)
    assert after == _files(edited, workers=1)


def _variants(archive: Archive) -> list[tuple[str, Archive]]:
    """The archive after a series of edits, each a new version of the one before; the
    speeches an edit touches get a new digest, as reading a changed file gives them."""
    import copy

    def bump(speech: Speech, tag: str) -> None:
        speech.digest = f"{speech.digest}-{tag}"

    out: list[tuple[str, Archive]] = []
    a = copy.deepcopy(archive)

    def step(name: str, change) -> None:
        nonlocal a
        a = copy.deepcopy(a)
        change(a.speeches)
        out.append((name, a))

    def text(sp):  # same documents, other text
        sp[5].paragraphs()[2].text = "这是修改后新加的一句话。" + sp[5].paragraphs()[2].text
        bump(sp[5], "text")

    def swap(sp):  # text moves between two documents: no term is new, few postings change
        one, two = sp[11].paragraphs()[1], sp[11].paragraphs()[3]
        one.text, two.text = two.text, one.text
        bump(sp[11], "swap")

    def paragraph(sp):  # one more document in the middle of the archive
        body = sp[6].body
        n = max(int(p.id[1:]) for p in sp[6].paragraphs()) + 1
        body.blocks.insert(1, Paragraph(f"p{n}", "新增的一段话，说到营商环境和花卉产业。", 1))
        bump(sp[6], "paragraph")

    def heading(sp):  # a heading changes (terms in headings, heading characters)
        sec = next(s for s, _ in sp[8].sections())
        sec.heading = "一、关于𠮷野与ＡＢＣ的新标题"
        bump(sp[8], "heading")

    def section(sp):  # a new section with its paragraph: two more documents
        n = max(int(p.id[1:]) for p in sp[9].paragraphs()) + 1
        sp[9].body.blocks.append(Section("s99", "九十九、新增一节", 1, "cn",
                                         blocks=[Paragraph(f"p{n}", "新增一节的正文，鼗鼙齐鸣。", 2)]))
        bump(sp[9], "section")

    def new_terms(sp):  # characters no speech held: new terms, a larger alphabet
        sp[0].paragraphs()[0].text += "龘靐齉爩，麤𪚥。"
        bump(sp[0], "new-terms")

    def insert(sp):  # a new speech: its block splits or grows
        extra = copy.deepcopy(sp[4])
        extra.stem = extra.slug = "s99999"
        bump(extra, "inserted")
        sp.insert(7, extra)

    def remove(sp):
        del sp[10]

    def move(sp):  # a speech changes place (its date changed): the documents after it renumbered
        sp[1], sp[12] = sp[12], sp[1]
        bump(sp[1], "moved")
        bump(sp[12], "moved")

    def lose_terms(sp):  # the only speech with some terms loses them
        sp[0].paragraphs()[0].text = sp[0].paragraphs()[0].text.replace("龘靐齉爩，麤𪚥。", "")
        bump(sp[0], "lost")

    for name, change in [("text", text), ("swap", swap), ("paragraph", paragraph), ("heading", heading), ("section", section),
                         ("new terms", new_terms), ("insert", insert), ("remove", remove), ("move", move),
                         ("lose terms", lose_terms)]:
        step(name, change)
    out.append(("the first version again", archive))
    return out


@pytest.mark.parametrize("large", [True, False], ids=["every-bigram", "small-archive"])
def test_rebuilds_after_edits_give_the_files_of_a_build_from_nothing(synthetic_archive, tmp_path, monkeypatch,
                                                                    large):
    """Each version built on the state the one before left (in one cache) gives byte for byte
    the files of a build without any cache, whatever the edit did to blocks and terms."""
    if large:
        monkeypatch.setattr(search, "SMALL", 0)
    monkeypatch.setattr(search, "BLOCK", 3)
    monkeypatch.setattr(search_shards, "SHARD", 3_000)
    cache = Cache(tmp_path / "cache")
    before = _files(synthetic_archive, cache=cache, workers=1)
    for name, version in _variants(synthetic_archive):
        got = _files(version, cache=cache, workers=1)
        assert got == _files(version, workers=1), name
        assert got != before or name == "the first version again", name
        before = got
    # Without the blocks' postings of the last build the state is still used, joining anew
    # every term of a changed block.
    shutil.rmtree(tmp_path / "cache" / "search-postings")
    name, version = _variants(synthetic_archive)[0]
    assert _files(version, cache=cache, workers=1) == _files(version, workers=1)


def test_numpy_fragments_equal_the_plain_encoding(synthetic_archive):
    """A block's postings coded all at once equal vint applied posting by posting."""
    vint = search_shards.vint
    for dropped_rule in (False, True):
        terms = [t for ts in (search.speech_terms([(d.heading, d.text) for d in search.speech_documents(i, s)])
                              for i, s in enumerate(synthetic_archive.speeches[:4])) for t in ts]
        dropped = search.dropped_bigrams(terms, 1) if dropped_rule else set()
        frag = search_shards.block_fragment(terms, dropped)
        block = search.block_postings(terms, dropped)
        want = {}
        for k, post in block.post.items():
            docs, vals = [v >> 32 for v in post], [v & ((1 << 32) - 1) for v in post]
            tfs = [v & search.TF for v in vals]
            rest = "".join(vint(2 * (d - p - 1) + (tf > 1)) + (vint(tf - 2) if tf > 1 else "")
                           for d, p, tf in zip(docs[1:], docs, tfs[1:]))
            heads = tuple(i for i, v in enumerate(vals) if v & search.HEAD)
            want[k] = (len(post), docs[0], tfs[0], rest, docs[-1], heads)
        assert frag.terms == want
        assert list(frag.lengths) == list(block.lengths) and frag.docs == len(terms)
        assert {c: list(ds) for c, ds in frag.heads.items()} == {c: list(ds) for c, ds in block.heads.items()}
    import numpy as np
    xs = np.array(list(range(3000)) + [10**6, 2**31 - 1, 2**40], np.int64)
    ys = np.arange(len(xs), dtype=np.int64) % 900
    chars, offsets = search_shards.vints([xs, ys], [None, ys % 3 == 0])
    rows = [vint(int(x)) + (vint(int(y)) if y % 3 == 0 else "") for x, y in zip(xs, ys)]
    assert chars == "".join(rows) and list(offsets) == [0, *np.cumsum([len(r) for r in rows])]


def test_serialized_terms_are_in_utf16_order(seeds_index):
    terms = [t for t, _ in seeds_index.serialize()["invertedIndex"]]
    assert terms == sorted(terms, key=lambda t: t.encode("utf-16-be"))
    assert [p["_index"] for _, p in seeds_index.serialize()["invertedIndex"]] == list(range(len(terms)))


def test_outputs_page_and_files(seeds_archive, tmp_path):
    from wenji.render import environment
    files = dict(search.outputs(seeds_archive, environment(REPO / "templates"), cache=Cache(tmp_path)))
    assert set(files) == {"search.html"} | set(_files(seeds_archive))
    page = files["search.html"]
    assert 'role="search"' in page and 'id="q"' in page
    assert "<script>" not in page and "style=" not in page
    assert re.findall(r'<script src="([^"]+)"', page) and all(
        not s.startswith(("/", "http")) for s in re.findall(r'(?:src|href)="([^"#]+)', page))
    assert 'aria-live="polite"' in page and 'id="search-kind"' in page and 'id="search-year"' in page


def test_searchbox_carries_the_casefold_table():
    js = (REPO / "static" / "searchbox.js").read_text("utf-8")
    table = json.loads(re.search(r"var EXTRA = (\{.*?\});", js).group(1))
    assert table == search.casefold_extras()


def test_vint_round_trip_and_order():
    for n in list(range(0, 3000)) + [10**6, 2**31 - 1, 2**40]:
        s = search_shards.vint(n)
        assert all(c in search_shards.DIGITS for c in s) and s[-1] in search_shards.DIGITS[:48]
        assert all(c in search_shards.DIGITS[48:] for c in s[:-1])
    assert [len(search_shards.vint(n)) for n in (47, 48, 815, 816)] == [1, 2, 2, 3]
    chars = sorted(["a", "é", "一", "\ue000", "\uffe5", "𠮷", "😀", "\U000e0100"], key=search.utf16_key)
    keys = [search_shards.key16(c) for c in chars]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)


# --- the browser's engine under Node ------------------------------------------------------------

NODE_SCRIPT = r"""
const fs = require('fs'), path = require('path');
global.window = global;
const [repo, site, input, output] = process.argv.slice(2);
global.lunr = require(repo + '/static/vendor/lunr/lunr.js');
require(repo + '/static/searchbox.js');
require(repo + '/static/search.js');
const job = JSON.parse(fs.readFileSync(input, 'utf8'));
const data = global.wenjiSearchData = {};
let loaded = [];
const load = (name) => {
  loaded.push(name);
  if (!(name in data)) eval(fs.readFileSync(path.join(site, 'search', name + '.js'), 'utf8'));
  return Promise.resolve();
};
(async () => {
  const out = {queries: {}};
  if (job.whole) out.whole = await new wenjiSearch.Engine(lunr, wenjiText, load, data).whole();
  for (const q of job.queries) {
    for (const k of Object.keys(data)) delete data[k];  // a cold page for each query
    loaded = [];
    const e = new wenjiSearch.Engine(lunr, wenjiText, load, data);
    const R = await e.search(q);
    const first = await e.settle(R, 20, () => true);
    e.scores(R, first);  // as the page does: lunr.js scores the results it shows
    await e.withText(first.map(h => h.doc));
    const firstLoads = loaded.slice();
    const all = await e.finish(R, () => true);
    const lunrAll = R.clauses.length ? e.lunrHits(R) : [];  // lunr.js over every candidate
    out.queries[q] = {clauses: e.clauses(q).map(c => [c.term, c.prefix]), exact: R.exact,
      cands: lunrAll.map(h => [h.doc, h.score]), answer: all.map(h => h.doc), tiers: all.map(h => h.tier),
      first: first.map(h => h.doc), firstScores: first.map(h => h.score), firstLoads: firstLoads};
  }
  out.fold = job.fold.map(s => wenjiText.fold(s));
  fs.writeFileSync(output, JSON.stringify(out));
})().catch(e => { console.error(e.stack); process.exit(1); });
"""


def run_node(tmp_path: Path, files: dict[str, str], queries: list[str], whole: bool = False,
             fold: list[str] = ()) -> dict:
    """The site's search files on disk, queried by static/search.js under Node (a cold engine
    per query, loading files as the page does)."""
    if NODE is None:
        pytest.fail("node is needed for the lunr.js tests (apt-get install nodejs)")
    site = tmp_path / "site"
    for name, text in files.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text, "utf-8")
    (tmp_path / "run.js").write_text(NODE_SCRIPT, "utf-8")
    (tmp_path / "in.json").write_text(json.dumps({"queries": queries, "whole": whole, "fold": list(fold)},
                                                 ensure_ascii=False), "utf-8")
    proc = subprocess.run([NODE, str(tmp_path / "run.js"), str(REPO), str(site), str(tmp_path / "in.json"),
                           str(tmp_path / "out.json")], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return json.loads((tmp_path / "out.json").read_text("utf-8"))


def check_engine(tmp_path: Path, archive: Archive, queries: list[str]) -> dict:
    """What the browser loads gives one lunr.py index's hits and scores and the exact answers."""
    docs = search.documents(archive)
    index = search.SearchIndex(docs)
    ref = Reference(docs)
    out = run_node(tmp_path, _files(archive, workers=1), queries, whole=True)
    # All shards expanded by the browser: lunr.py's serialized index of the whole archive.
    assert out["whole"] == ref.serialize()
    texts = [d.text for d in docs]
    for q in queries:
        got = out["queries"][q]
        clauses = [tuple(c) for c in got["clauses"]]
        assert clauses == index.clauses(q), q
        if clauses:  # lunr.js on the shards a query loads: the whole index's hits and scores
            assert sorted((d, s) for d, s in got["cands"]) == sorted(ref.query(clauses)), q
            lunr_score = dict(got["cands"])
            # The engine ranks as lunr's scores rank: heading matches first, then by score.
            keyed = [(t, -lunr_score[d], d) for d, t in zip(got["answer"], got["tiers"])]
            assert keyed == sorted(keyed), q
            assert got["firstScores"] == [lunr_score[d] for d in got["first"]], q
        assert got["answer"] == index.search(q), q  # same ranking as the Python reference
        assert set(got["answer"]) == truth(texts, q), q  # recall and precision 1.00
        assert got["first"] == got["answer"][:20], q  # the first page is the answer's first page
    return out


def test_browser_engine_gives_one_lunr_index_on_the_seeds(tmp_path, seeds_archive):
    check_engine(tmp_path, seeds_archive, QUERIES)


def test_browser_engine_gives_one_lunr_index_when_split(tmp_path, synthetic_archive, large_rules):
    queries = [q for q in QUERIES if not q.startswith(("量子", "不存在"))] + ["产业提质", "工业提质扩量"]
    files = _files(synthetic_archive, workers=1)
    assert len([k for k in files if "/t/" in k]) > 10  # many shards
    out = check_engine(tmp_path, synthetic_archive, queries)
    # A two-character query that is one known bigram loads the manifest, one shard and the
    # text of the first page's speeches only, and needs no check against the text.
    got = out["queries"]["生态"]
    assert got["exact"]
    shards = [n for n in got["firstLoads"] if n.startswith("t/")]
    texts = {n for n in got["firstLoads"] if n.startswith("d/")}
    assert got["firstLoads"][0] == "manifest" and len(set(shards)) == 1
    first_speeches = {search.documents(synthetic_archive)[d].speech for d in got["first"]}
    assert texts == {f"d/{s}" for s in first_speeches} and len(texts) < len(synthetic_archive.speeches)
    assert not out["queries"]["质发展"]["exact"]  # three characters: checked against the text


def _tiny_archive(paragraphs: list[str]) -> Archive:
    speeches = []
    for i, text in enumerate(paragraphs):
        root = Section("", "", 0, "root")
        sec = Section("s1", f"一、第{i}节", 1, "part", blocks=[Paragraph("p1", text, 2)])
        root.blocks.append(sec)
        meta = Meta(title=f"标题{i}", date=f"20{10 + i}-01-01", kind="讲话")
        speeches.append(Speech(f"t{i}", f"t{i}", Path(f"t{i}.txt"), "utf-8", meta, [], root))
    return Archive(speeches, {"title": "t"})


def test_supplementary_and_full_width_characters_load_in_lunr_js(tmp_path):
    # Full-width forms fold to ASCII; 﨎 (U+FA0E, a unified ideograph that NFKC keeps) sorts
    # after 𠮷 (U+20BB7) in UTF-16 but before it by code point.
    texts = ["𠮷野家的ＡＢＣ１２３和ｘｘ市", "吉野家的ABC123，𠮷𠮷相连", "😀表情与ﬁ连字、㈠括号", "普通文字，ｆｕｌｌ　ｗｉｄｔｈ",
             "﨎𠮷并列", "𠮷野家的ABC，﨎𠮷并列"]
    archive = _tiny_archive(texts)
    index = search.SearchIndex(search.documents(archive))
    terms = [t for t, _ in index.serialize()["invertedIndex"]]
    assert any("𠮷" in t for t in terms) and any("a" in t for t in terms)
    assert sorted(terms) != terms  # code point order differs: lunr.js needs the UTF-16 order
    queries = ["𠮷", "𠮷野", "𠮷𠮷", "abc", "ＡＢＣ１２３", "123", "xx市", "**市", "😀", "fi", "full width", "(一)", "﨎𠮷", "﨎"]
    check_engine(tmp_path, archive, queries)
    texts_all = [d.text for d in index.docs]
    for q in queries:
        assert truth(texts_all, q), q


def test_browser_folding_matches_python(tmp_path, seeds_archive):
    samples = ["ＡＢＣ ｘｘ市 XX Straße ΣΑΣ ß ﬁ ㈠ ① ＊＊ ╳╳ max x.xx万元 202x年 İ ǰ Ꭰꭰ 𠮷 ①②"]
    samples += [chr(cp) for cp in range(0x20, 0x30000)
                if not 0xD800 <= cp < 0xE000 and unicodedata.category(chr(cp)) not in ("Cn", "Co", "Cs")]
    out = run_node(tmp_path, _files(seeds_archive), [], fold=samples)
    folder = search.Folder()
    wrong = [(s, f, folder.fold(s)) for s, f in zip(samples, out["fold"]) if f != folder.fold(s)]
    assert not wrong[:20]
