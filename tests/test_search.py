"""Search index: exact recall and precision on the seeds, and lunr.js agreeing with lunr.py.

The ground truth here is computed independently of wenji.search: a document is a hit when
its text, NFKC-normalised and case-folded with anonymisation marks unified, holds every
word of the query.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from wenji import search
from wenji.model import Archive, Meta, Paragraph, Section, Speech
from wenji.site import load_archive

REPO = Path(__file__).resolve().parent.parent
NODE = shutil.which("node")

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


@pytest.fixture(scope="module")
def seeds_archive() -> Archive:
    return load_archive(REPO / "seeds", REPO / "content")


@pytest.fixture(scope="module")
def seeds_index(seeds_archive) -> search.SearchIndex:
    return search.SearchIndex(search.documents(seeds_archive))


def test_documents_are_the_sections_and_the_paragraphs_outside_them(seeds_archive):
    docs = search.documents(seeds_archive)
    for si, speech in enumerate(seeds_archive.speeches):
        mine = {d.id: d for d in docs if d.speech == si}
        for sec, _ in speech.sections():
            assert mine[sec.id].text == sec.text
        for p in speech.body.paragraphs:
            assert mine[p.id].text == p.text
        assert len(mine) == len(list(speech.sections())) + len(speech.body.paragraphs) + ("" in mine)


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


def test_search_files_are_deterministic_and_compact(seeds_archive):
    a = search.search_files(seeds_archive)
    b = search.search_files(load_archive(REPO / "seeds", REPO / "content"))
    assert a == b
    assert set(a) == {"search/docs.js", "search/index.js"}
    for text in a.values():
        assert text.startswith(search.DATA_VARIABLE + ".") and "\\u" not in text
        json.loads(text.split("=", 1)[1].rstrip(";\n"))


def test_serialized_terms_are_in_utf16_order(seeds_index):
    terms = [t for t, _ in seeds_index.serialize()["invertedIndex"]]
    assert terms == sorted(terms, key=lambda t: t.encode("utf-16-be"))
    assert [p["_index"] for _, p in seeds_index.serialize()["invertedIndex"]] == list(range(len(terms)))


def test_outputs_page_and_files(seeds_archive):
    from wenji.render import environment
    files = dict(search.outputs(seeds_archive, environment(REPO / "templates")))
    assert set(files) == {"search.html", "search/docs.js", "search/index.js"}
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


# --- lunr.js under Node -------------------------------------------------------------------

NODE_SCRIPT = r"""
const fs = require('fs');
global.window = global;
global.wenjiSearchData = {};
global.lunr = require(process.argv[2] + '/static/vendor/lunr/lunr.js');
require(process.argv[2] + '/static/searchbox.js');
require(process.argv[2] + '/static/search.js');
const input = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
eval(input.docs); eval(input.index);
const D = wenjiSearch.decode(wenjiSearchData.index);
const full = wenjiSearch.serialize(D, D.terms.map((_, i) => i), true);
const idx = lunr.Index.load(full);
const engine = new wenjiSearch.Engine(lunr, wenjiSearchData, wenjiText);
const out = {serialized: full, queries: {}};
for (const q of input.queries) {
  const cls = wenjiSearch.clauses(D, q, wenjiText);
  const query = (qq) => cls.forEach(c => qq.term(c.term, {presence: lunr.Query.presence.REQUIRED, usePipeline: false,
      wildcard: c.prefix ? lunr.Query.wildcard.TRAILING : lunr.Query.wildcard.NONE}));
  out.queries[q] = {
    clauses: cls.map(c => [c.term, c.prefix]),
    full: cls.length ? idx.query(query).map(h => [+h.ref, h.score]) : [],
    sub: cls.length ? wenjiSearch.lunrHits(lunr, D, cls).map(h => [+h.ref, h.score]) : [],
    results: engine.search(q).map(h => h.doc),
  };
}
out.fold = input.fold.map(s => wenjiText.fold(s));
fs.writeFileSync(process.argv[4], JSON.stringify(out));
"""


def run_node(tmp_path: Path, archive: Archive, queries: list[str], fold: list[str] = ()) -> tuple[dict, dict]:
    if NODE is None:
        pytest.fail("node is needed for the lunr.js tests (apt-get install nodejs)")
    files = search.search_files(archive)
    (tmp_path / "run.js").write_text(NODE_SCRIPT, "utf-8")
    (tmp_path / "in.json").write_text(json.dumps({
        "docs": files["search/docs.js"], "index": files["search/index.js"], "queries": queries,
        "fold": list(fold)}, ensure_ascii=False), "utf-8")
    proc = subprocess.run([NODE, str(tmp_path / "run.js"), str(REPO), str(tmp_path / "in.json"),
                           str(tmp_path / "out.json")], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads((tmp_path / "out.json").read_text("utf-8")), files


def test_lunr_js_loads_the_index_and_agrees_with_lunr_py(tmp_path, seeds_archive, seeds_index):
    out, _ = run_node(tmp_path, seeds_archive, QUERIES)
    # The browser's expansion of the compact files is lunr.py's serialized index, exactly.
    assert out["serialized"] == json.loads(json.dumps(seeds_index.serialize()))
    for q in QUERIES:
        got = out["queries"][q]
        assert [tuple(c) for c in got["clauses"]] == seeds_index.clauses(q), q
        py = seeds_index.query(q)
        assert [(d, s) for d, s in got["full"]] == py, q  # same hits, same order, same scores
        assert sorted(got["sub"]) == sorted(got["full"]), q  # a per-query index scores the same
        assert got["results"] == seeds_index.search(q), q


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
             "﨎𠮷并列"]
    archive = _tiny_archive(texts)
    index = search.SearchIndex(search.documents(archive))
    terms = [t for t, _ in index.serialize()["invertedIndex"]]
    assert any("𠮷" in t for t in terms) and any("\uff41" <= c <= "\uff5a" or c == "a" for t in terms for c in t)
    assert sorted(terms) != terms  # code point order differs: lunr.js needs the UTF-16 order
    queries = ["𠮷", "𠮷野", "𠮷𠮷", "abc", "ＡＢＣ１２３", "123", "xx市", "**市", "😀", "fi", "full width", "(一)", "﨎𠮷", "﨎"]
    out, _ = run_node(tmp_path, archive, queries)
    assert out["serialized"] == json.loads(json.dumps(index.serialize()))
    texts_all = [d.text for d in index.docs]
    for q in queries:
        expected = truth(texts_all, q)
        assert set(out["queries"][q]["results"]) == expected == set(index.search(q)), q
        assert expected, q


def test_browser_folding_matches_python(tmp_path, seeds_archive):
    samples = ["ＡＢＣ ｘｘ市 XX Straße ΣΑΣ ß ﬁ ㈠ ① ＊＊ ╳╳ max x.xx万元 202x年 İ ǰ Ꭰꭰ 𠮷 ①②"]
    samples += [chr(cp) for cp in range(0x20, 0x30000)
                if not 0xD800 <= cp < 0xE000 and unicodedata.category(chr(cp)) not in ("Cn", "Co", "Cs")]
    out, _ = run_node(tmp_path, seeds_archive, [], samples)
    folder = search.Folder()
    wrong = [(s, f, folder.fold(s)) for s, f in zip(samples, out["fold"]) if f != folder.fold(s)]
    assert not wrong[:20]
