"""The results page's orders (wenjiSearch.arrange in static/search-engine.js, run under Node):
relevance kept, grouped by speech in the order of each speech's best hit, or by the speech's date
then the hit's place, undated speeches last."""
from __future__ import annotations

import json
import random
import subprocess

import pytest

from searchtruth import NODE, REPO

ARRANGE = r"""
const fs = require('fs');
global.window = global;
require(process.argv[2] + '/static/search-engine.js');
const job = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
const out = job.cases.map(c => wenjiSearch.arrange(c.hits.map(d => ({doc: d})), job.manifest, c.sort, c.grouped)
  .map(run => [run.speech, run.hits.map(h => h.doc)]));
fs.writeFileSync(process.argv[4], JSON.stringify(out));
"""


def arrange_in_node(tmp_path, manifest: dict, cases: list[dict]) -> list[list]:
    if NODE is None:
        pytest.fail("node is needed for the engine's tests (apt-get install nodejs)")
    (tmp_path / "arrange.js").write_text(ARRANGE, "utf-8")
    (tmp_path / "in.json").write_text(json.dumps({"manifest": manifest, "cases": cases}, ensure_ascii=False), "utf-8")
    proc = subprocess.run([NODE, str(tmp_path / "arrange.js"), str(REPO), str(tmp_path / "in.json"),
                           str(tmp_path / "out.json")], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads((tmp_path / "out.json").read_text("utf-8"))


def runs_of(docs: list[int], speech_of: list[int]) -> list[list]:
    runs: list[list] = []
    for d in docs:
        if runs and runs[-1][0] == speech_of[d]:
            runs[-1][1].append(d)
        else:
            runs.append([speech_of[d], [d]])
    return runs


def expected(hits: list[int], speech_of: list[int], dates: list[str], sort: str, grouped: bool) -> list[list]:
    """The same orders, written independently."""
    if sort in ("date", "date-desc"):
        dated = sorted({dates[speech_of[d]] for d in hits} - {""}, reverse=sort == "date-desc")
        place = {date: i for i, date in enumerate(dated)}
        order = sorted(hits, key=lambda d: (place.get(dates[speech_of[d]], len(place)), speech_of[d], d))
    elif grouped:
        speeches: dict[int, list[int]] = {}
        for d in hits:
            speeches.setdefault(speech_of[d], []).append(d)
        order = [d for docs in speeches.values() for d in docs]
    else:
        order = list(hits)
    return runs_of(order, speech_of)


def test_a_worked_example(tmp_path):
    # Speeches 0 (1960), 1 (1954), 2 (undated), 3 (1954-09-23); documents 0-9.
    speech_of = [0, 0, 0, 1, 1, 2, 2, 3, 3, 3]
    manifest = {"speechOf": speech_of,
                "speeches": [["a", "A", "1960", "k"], ["b", "B", "1954", "k"], ["c", "C", "", "k"],
                             ["d", "D", "1954-09-23", "k"]]}
    hits = [5, 1, 8, 0, 3, 9, 2]  # relevance order
    cases = [{"hits": hits, "sort": "", "grouped": False}, {"hits": hits, "sort": "", "grouped": True},
             {"hits": hits, "sort": "date", "grouped": False}, {"hits": hits, "sort": "date-desc", "grouped": True}]
    got = arrange_in_node(tmp_path, manifest, cases)
    assert got[0] == [[2, [5]], [0, [1]], [3, [8]], [0, [0]], [1, [3]], [3, [9]], [0, [2]]]
    assert got[1] == [[2, [5]], [0, [1, 0, 2]], [3, [8, 9]], [1, [3]]]
    assert got[2] == [[1, [3]], [3, [8, 9]], [0, [0, 1, 2]], [2, [5]]]
    assert got[3] == [[0, [0, 1, 2]], [3, [8, 9]], [1, [3]], [2, [5]]]


def test_random_hits_in_every_order(tmp_path):
    rng = random.Random(17)
    speech_of = sorted(rng.randrange(30) for _ in range(400))
    dates = [rng.choice(["", "1954", "1957-06-26", "1957", f"19{rng.randrange(50, 99)}-03-05"]) for _ in range(30)]
    manifest = {"speechOf": speech_of, "speeches": [[f"s{i}", f"S{i}", date, "k"] for i, date in enumerate(dates)]}
    cases = []
    for _ in range(40):
        hits = rng.sample(range(len(speech_of)), rng.randrange(0, 120))
        for sort in ("", "date", "date-desc"):
            for grouped in (False, True):
                cases.append({"hits": hits, "sort": sort, "grouped": grouped})
    got = arrange_in_node(tmp_path, manifest, cases)
    for case, runs in zip(cases, got):
        assert runs == expected(case["hits"], speech_of, dates, case["sort"], case["grouped"]), case
        shown = [d for _, docs in runs for d in docs]
        assert sorted(shown) == sorted(case["hits"])  # every hit once
        if case["grouped"] or case["sort"]:
            assert len({s for s, _ in runs}) == len(runs)  # each speech in one run
