"""Search benchmark: exactness, size and browser speed on the seeds and a synthetic archive.

    python bench/search.py [--speeches 100] [--runs 5]

Prints figures and ratios (targets from the search issue in brackets); asserts nothing.
The synthetic archive is made of seed paragraphs shuffled with a fixed random seed, about
30 KB a speech. Timings are from file:// in headless Chromium: a cold page (new browser
context) from the first query to the rendered results, then single keystrokes.
"""
from __future__ import annotations

import argparse
import gzip
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from test_search import QUERIES, truth  # noqa: E402  (the tests' queries and ground truth)
from wenji import search  # noqa: E402
from wenji.site import load_archive  # noqa: E402

SCRIPTS = ["static/search.js", "static/searchbox.js"]  # lunr.js is not counted
TYPED = ["营", "营商", "营商环", "营商环境", "营商环境 ", "营商环境 优"]
COLD = ["数字经济", "营商环境", "乡村振兴", "两先区", "生态 花卉", "发展"]


def synthetic_seeds(folder: Path, n: int, size: int = 30_000, seed: int = 20240601) -> Path:
    """n speeches of shuffled seed paragraphs, each about ``size`` bytes of UTF-8."""
    rnd = random.Random(seed)
    paras = [line.strip() for f in sorted((REPO / "seeds").glob("*.txt"))
             for line in f.read_text("utf-8").splitlines() if line.strip()]
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        lines, total = ["各位代表："], 0
        while total < size:
            p = rnd.choice(paras)
            lines.append(p)
            total += len(p.encode()) + 1
        (folder / f"{i:04d}.txt").write_text("\n".join(lines) + "\n", "utf-8")
    return folder


def gz(data: bytes) -> int:
    return len(gzip.compress(data, 9, mtime=0))


def exactness(archive) -> tuple[float, float, int, float]:
    t = time.perf_counter()
    si = search.SearchIndex(search.documents(archive))
    build = time.perf_counter() - t
    texts = [d.text for d in si.docs]
    right = found = expected = 0
    for q in QUERIES:
        want, got = truth(texts, q), set(si.search(q))
        right += len(want & got)
        found += len(got)
        expected += len(want)
    return right / max(expected, 1), right / max(found, 1), expected, build


def sizes(archive, site: Path) -> None:
    docs = search.documents(archive)
    text = "\n".join(d.text for d in docs).encode("utf-8")
    files = [site / "search" / "docs.js", site / "search" / "index.js"] + [REPO / s for s in SCRIPTS]
    raw = sum(f.stat().st_size for f in files)
    zipped = sum(gz(f.read_bytes()) for f in files)
    for f in files:
        print(f"    {f.name:14} {f.stat().st_size:>10,} B raw {gz(f.read_bytes()):>10,} B gzip")
    print(f"  search files {raw:,} B raw, {zipped:,} B gzip; indexed text {len(text):,} B raw, "
          f"{gz(text):,} B gzip; ratio {zipped / gz(text):.2f} [<= 2.0, aim 1.5]")
    lunr_js = REPO / "static/vendor/lunr/lunr.js"
    print(f"  (lunr.js, not counted: {lunr_js.stat().st_size:,} B raw, {gz(lunr_js.read_bytes()):,} B gzip)")


TIME_QUERY = """([q]) => new Promise(resolve => {
  const app = document.getElementById('search-app'), box = document.getElementById('q');
  const t0 = performance.now();
  app.addEventListener('wenji-search-rendered', () => {
    document.body.getBoundingClientRect();
    resolve(performance.now() - t0);
  }, {once: true});
  box.value = q;
  box.dispatchEvent(new Event('input', {bubbles: true}));
})"""


def timings(site: Path, runs: int) -> None:
    from playwright.sync_api import sync_playwright

    url = (site / "search.html").as_uri()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--headless", "--no-sandbox", "--disable-gpu"])
        cold, keys = [], []
        for r in range(runs):
            for q in COLD:
                ctx = browser.new_context()
                page = ctx.new_page()
                page.goto(url, wait_until="load")
                cold.append(page.evaluate(TIME_QUERY, [q]))
                if q == COLD[0]:
                    for typed in TYPED:
                        keys.append(page.evaluate(TIME_QUERY, [typed]))
                ctx.close()
        browser.close()
    print(f"  cold page, first query to rendered results: median {statistics.median(cold):.0f} ms, "
          f"max {max(cold):.0f} ms over {len(cold)} [<= 300 ms at 100 speeches]")
    print(f"  each further keystroke: median {statistics.median(keys):.1f} ms, max {max(keys):.1f} ms "
          f"over {len(keys)} [<= 50 ms]")


def report(name: str, seeds: Path, content: Path, work: Path, runs: int) -> None:
    print(f"== {name}")
    archive = load_archive(seeds, content)
    chars = sum(s.chars for s in archive.speeches)
    recall, precision, expected, build = exactness(archive)
    print(f"  {len(archive.speeches)} speeches, {chars:,} characters, {len(search.documents(archive)):,} documents")
    print(f"  exactness on {len(QUERIES)} queries ({expected:,} expected hits): recall {recall:.2f}, "
          f"precision {precision:.2f} [1.00 / 1.00]; index built in {build:.2f} s")
    site = work / f"site-{name}"
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "build.py", "--seeds", str(seeds), "--content", str(content),
                           "--out", str(site), "-q"], cwd=REPO, capture_output=True, text=True)
    if proc.returncode:
        print(proc.stdout, proc.stderr)
        raise SystemExit(f"build of {name} failed")
    print(f"  site built in {time.perf_counter() - t:.1f} s")
    sizes(archive, site)
    timings(site, runs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--speeches", type=int, default=100)
    ap.add_argument("--runs", type=int, default=3, help="repetitions of the timed queries")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        empty = work / "content"
        empty.mkdir()
        report("seeds", REPO / "seeds", REPO / "content", work, args.runs)
        report(f"synthetic-{args.speeches}", synthetic_seeds(work / "synthetic", args.speeches), empty, work,
               args.runs)


if __name__ == "__main__":
    main()
