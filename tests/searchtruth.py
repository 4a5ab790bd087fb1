"""The search tests' ground truth and tools, shared by tests/test_search*.py and bench/search.py.

The ground truth is computed independently of wenji.search: a document is a hit when its text,
NFKC-normalised and case-folded with anonymisation marks unified, holds every word of the
query. The reference index is a lunr.py ``Builder`` over the whole archive, fed with term lists
computed by the plain definition (``reference_terms``), not by the fast counting the build uses.
``run_node`` runs the browser's engine (``static/search-engine.js``) under Node on built files.
"""
from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from lunr.builder import Builder
from lunr.query import Query, QueryPresence

from wenji.model import Archive, Meta, Paragraph, Section, Speech
from wenji.search.documents import Doc, text_size
from wenji.search.postings import B, FIELD, K1, min_df
from wenji.search.step import search_files
from wenji.search.terms import Folder, simplify, utf16_key

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
    """NFKC of the whole text, case-folded, traditional characters as simplified, every
    anonymisation mark as ×."""
    t = simplify(unicodedata.normalize("NFKC", text).casefold())
    return _MASK.sub(lambda m: "×" * len(m.group()), t)


def truth(texts: list[str], query: str) -> set[int]:
    words = normal(query).split()
    if not words:
        return set()
    return {i for i, t in enumerate(texts) if all(w in normal(t) for w in words)}


def reference_terms(docs: list[Doc]) -> list[list[str]]:
    """Each document's terms by the plain definition: the bigrams of its folded runs found in
    min_df documents or more, then each of its characters that starts none of them, alone."""
    folder = Folder()
    cut = [folder.bigrams(d.text) for d in docs]
    df = Counter(t for grams, _ in cut for t in set(grams))
    m = min_df(text_size(docs))
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

    def __init__(self, docs: list[Doc]) -> None:
        lists = reference_terms(docs)
        vocab = sorted({t for ts in lists for t in ts}, key=utf16_key)
        builder = Builder()
        builder.ref("id")
        builder.field(FIELD)
        builder.k1(K1)
        builder.b(B)
        builder.inverted_index = {t: {FIELD: {}, "_index": i} for i, t in enumerate(vocab)}
        builder.term_index = len(vocab)
        for d, ts in enumerate(lists):
            builder.add({"id": str(d), FIELD: ts})
        assert builder.term_index == len(vocab)  # lunr.py changed no term
        self.lists = lists
        self.index = builder.build()

    def serialize(self) -> dict:
        data = self.index.serialize()
        data["invertedIndex"].sort(key=lambda e: utf16_key(e[0]))
        return json.loads(json.dumps(data))

    def query(self, clauses: list[tuple[str, bool]]) -> list[tuple[int, float]]:
        if not clauses:
            return []
        q = self.index.create_query()
        for term, prefix in clauses:
            q.term(term, presence=QueryPresence.REQUIRED,
                   wildcard=Query.WILDCARD_TRAILING if prefix else Query.WILDCARD_NONE, use_pipeline=False)
        return [(int(r["ref"]), r["score"]) for r in self.index.query(q)]


def files_of(archive: Archive, **kw) -> dict[str, str]:
    """The search data files of an archive, as text."""
    return {k: v.decode("utf-8") if isinstance(v, bytes) else v for k, v in search_files(archive, **kw).items()}


def tiny_archive(paragraphs: list[str]) -> Archive:
    """One speech a paragraph, each in a section of its own."""
    speeches = []
    for i, text in enumerate(paragraphs):
        root = Section("", "", 0, "root")
        sec = Section("s1", f"一、第{i}节", 1, "part", blocks=[Paragraph("p1", text, 2)])
        root.blocks.append(sec)
        meta = Meta(title=f"标题{i}", date=f"20{10 + i}-01-01", kind="讲话")
        speeches.append(Speech(f"t{i}", f"t{i}", Path(f"t{i}.txt"), "utf-8", meta, [], root))
    return Archive(speeches, {"title": "t"})


# --- versions of an archive, edit after edit ---------------------------------------------------


def variants(archive: Archive) -> list[tuple[str, Archive]]:
    """The archive after a series of edits, each a new version of the one before; the
    speeches an edit touches get a new digest, as reading a changed file gives them."""

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


# --- the browser's engine under Node ------------------------------------------------------------

NODE_SCRIPT = r"""
const fs = require('fs'), path = require('path');
global.window = global;
const [repo, site, input, output] = process.argv.slice(2);
global.lunr = require(repo + '/static/vendor/lunr/lunr.js');
require(repo + '/static/vendor/opencc/t2s.js');
require(repo + '/static/fold.js');
require(repo + '/static/search-engine.js');
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
    const result = await e.search(q);
    const first = await e.settle(result, 20, () => true);
    e.scores(result, first);  // as the page does: lunr.js scores the results it shows
    await e.withText(first.map(h => h.doc));
    const firstLoads = loaded.slice();
    const all = await e.finish(result, () => true);
    const lunrAll = result.clauses.length ? e.lunrHits(result) : [];  // lunr.js over every candidate
    out.queries[q] = {clauses: e.clauses(q).map(c => [c.term, c.prefix]), exact: result.exact,
      cands: lunrAll.map(h => [h.doc, h.score]), answer: all.map(h => h.doc), tiers: all.map(h => h.tier),
      first: first.map(h => h.doc), firstScores: first.map(h => h.score), firstLoads: firstLoads};
  }
  out.fold = job.fold.map(s => wenjiText.fold(s));
  fs.writeFileSync(output, JSON.stringify(out));
})().catch(e => { console.error(e.stack); process.exit(1); });
"""


def run_node(tmp_path: Path, files: dict[str, str], queries: list[str], whole: bool = False,
             fold: list[str] = ()) -> dict:
    """The site's search files on disk, queried by static/search-engine.js under Node (a cold
    engine per query, loading files as the page does)."""
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
