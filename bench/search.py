"""Search benchmark: build time, sizes, exactness and browser speed, seeds and synthetic archives.

    python bench/search.py [--speeches 100 300 1000] [--runs 3] [--no-browser]

Prints figures and ratios (targets from the search issues in brackets); asserts nothing.
Synthetic archives come from bench/synthetic.py (seed paragraphs reshuffled, fixed random
seed, about 30 KB a speech). For each archive:

- the search step's build time (``wenji.search.step.search_files``, 2 worker processes): cold,
  with nothing cached; and after editing one speech, with the cache of the cold build;
- the search files' sizes, raw and gzip, and the gzip ratio to the text they index;
- exactness on the search tests' queries: static/search-engine.js run by Node on the built files,
  its full answers against the sections that hold each query literally;
- in headless Chromium from file:// (``browser_timings``): bytes loaded before the first
  results of a query, and the time from the query to rendered results, cold and warm.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "bench"))

from searchtruth import NODE_SCRIPT, QUERIES, normal  # noqa: E402  (the tests' queries and ground truth)
from synthetic import make_archive  # noqa: E402
from wenji.cache import Cache  # noqa: E402
from wenji.search.documents import archive_documents, text_size  # noqa: E402
from wenji.search.postings import min_df  # noqa: E402
from wenji.search.step import search_files  # noqa: E402
from wenji.site import load_archive  # noqa: E402

# lunr.js is not counted in the size ratio
SCRIPTS = ["static/vendor/opencc/t2s.js", "static/fold.js", "static/search-engine.js", "static/search-page.js", "static/searchbox.js"]
COLD = ["发展", "营商环境", "乡村振兴", "两先区", "生态 花卉", "数字经济", "营", "质发展"]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def gz(data: bytes) -> int:
    return len(gzip.compress(data, 9, mtime=0))


# --- browser ------------------------------------------------------------------------------------

TIME_QUERY = """([q]) => new Promise(resolve => {
  const app = document.getElementById('search-app'), box = document.getElementById('q');
  const t0 = performance.now();
  let shown = null;
  app.addEventListener('wenji-search-rendered', () => {
    document.body.getBoundingClientRect();  // layout done: the results are on screen
    shown = {ms: performance.now() - t0, shown: document.querySelectorAll('#search-results li').length};
    window.wenjiBenchRendered();  // the bench notes which files had loaded by now
  }, {once: true});
  new MutationObserver((_, obs) => {  // data-query: every result known, the first page's snippets in
    if (shown && app.getAttribute('data-query') === q) {
      obs.disconnect();
      resolve(Object.assign(shown, {done: performance.now() - t0}));
    }
  }).observe(app, {attributes: true});
  box.value = q;
  box.dispatchEvent(new Event('input', {bubbles: true}));
})"""

def _local(url: str, site: Path) -> Path | None:
    parts = urlsplit(url)
    if parts.scheme != "file":
        return None
    path = Path(unquote(parts.path))
    return path if path.is_file() else None


def browser_timings(site: Path, queries, runs: int = 1) -> dict:
    """Per query, in headless Chromium from file://: on a cold page (new context, page loaded,
    nothing of the search index yet) the time from the query to its first rendered results
    (cold_ms), to every result known with the first page's snippets in (done_ms), and the
    bytes loaded before the first results (raw and gzip: every file the page had loaded by
    then, and the search data files among them); warm_ms: the same query again after
    another one, its files loaded. Medians over ``runs``. Returns {query: {cold_ms, done_ms,
    warm_ms, bytes_raw, bytes_gzip, data_gzip, files, data_files, shown, total}}."""
    from playwright.sync_api import sync_playwright

    url = (site / "search.html").as_uri()
    out: dict = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                    args=CHROMIUM_ARGS)
        for q in queries:
            cold, warm, done, loads = [], [], [], []
            shown = total = 0
            for _ in range(runs):
                ctx = browser.new_context()
                page = ctx.new_page()
                finished: list[str] = []
                marks: list[int] = []
                page.on("requestfinished", lambda r: finished.append(r.url))
                page.expose_function("wenjiBenchRendered", lambda: marks.append(len(finished)))
                page.goto(url, wait_until="load")
                got = page.evaluate(TIME_QUERY, [q])
                cold.append(got["ms"])
                done.append(got["done"])
                shown = got["shown"]
                loads = finished[:marks[0]]
                status = page.inner_text("#search-status")
                total = int("".join(ch for ch in status.split("处")[0] if ch.isdigit()) or 0)
                other = "工作" if q != "工作" else "人民"
                page.evaluate(TIME_QUERY, [other])
                warm.append(page.evaluate(TIME_QUERY, [q])["ms"])
                ctx.close()
            files = [f for f in (_local(u, site) for u in loads) if f]
            data = [f for f in files if "/search/" in f.as_posix()]
            out[q] = {"cold_ms": round(statistics.median(cold), 1), "warm_ms": round(statistics.median(warm), 1),
                      "done_ms": round(statistics.median(done), 1),
                      "bytes_raw": sum(f.stat().st_size for f in files),
                      "bytes_gzip": sum(gz(f.read_bytes()) for f in files),
                      "data_gzip": sum(gz(f.read_bytes()) for f in data), "files": len(files),
                      "data_files": len(data), "shown": shown, "total": total}
        browser.close()
    return out


# --- exactness under Node -----------------------------------------------------------------------


def exactness(site: Path, archive, queries: list[str]) -> tuple[float, float, int]:
    """(recall, precision, expected hits) of the full answers static/search-engine.js gives under
    Node from the built files, against the documents holding each query literally."""
    docs = archive_documents(archive)
    texts = [normal(d.text) for d in docs]
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        (t / "run.js").write_text(NODE_SCRIPT, "utf-8")
        (t / "in.json").write_text(json.dumps({"queries": queries, "whole": False, "fold": []}, ensure_ascii=False))
        proc = subprocess.run(["node", str(t / "run.js"), str(REPO), str(site), str(t / "in.json"),
                               str(t / "out.json")], capture_output=True, text=True)
        if proc.returncode:
            raise SystemExit(proc.stderr)
        out = json.loads((t / "out.json").read_text("utf-8"))
    right = found = expected = 0
    for q in queries:
        words = normal(q).split()
        want = {i for i, text in enumerate(texts) if words and all(w in text for w in words)}
        got = set(out["queries"][q]["answer"])
        right += len(want & got)
        found += len(got)
        expected += len(want)
    return right / max(expected, 1), right / max(found, 1), expected


# --- one archive ----------------------------------------------------------------------------------


def build_times(archive, work: Path) -> tuple[float, float, float]:
    """(cold, one speech edited, nothing changed) seconds of the search step on 2 workers."""
    cache = Cache(work / "cache")
    t = time.perf_counter()
    search_files(archive, cache=cache, workers=2)
    cold = time.perf_counter() - t
    import copy

    edited = copy.deepcopy(archive)
    speech = edited.speeches[len(edited.speeches) // 2]
    speech.paragraphs()[1].text = "这是修改后新加的一句话。" + speech.paragraphs()[1].text
    speech.digest += "-edited"
    t = time.perf_counter()
    search_files(edited, cache=cache, workers=2)
    one = time.perf_counter() - t
    t = time.perf_counter()
    search_files(edited, cache=cache, workers=2)
    same = time.perf_counter() - t
    shutil.rmtree(work / "cache", ignore_errors=True)
    return cold, one, same


def sizes(archive, site: Path) -> dict:
    docs = archive_documents(archive)
    text = "\n".join(d.text for d in docs).encode("utf-8")
    groups: dict[str, list[Path]] = {"manifest": [site / "search" / "manifest.js"],
                                     "term shards": sorted((site / "search" / "t").glob("*.js")),
                                     "text chunks": sorted((site / "search" / "d").glob("*.js")),
                                     "scripts": [REPO / s for s in SCRIPTS]}
    out = {"text_raw": len(text), "text_gzip": gz(text)}
    for name, files in groups.items():
        out[name] = (len(files), sum(f.stat().st_size for f in files), sum(gz(f.read_bytes()) for f in files))
    out["raw"] = sum(v[1] for k, v in out.items() if isinstance(v, tuple))
    out["gzip"] = sum(v[2] for k, v in out.items() if isinstance(v, tuple))
    out["ratio"] = out["gzip"] / out["text_gzip"]
    return out


def report(name: str, seeds: Path, content: Path, work: Path, runs: int, browser: bool) -> dict:
    print(f"== {name}", flush=True)
    archive = load_archive(seeds, content)
    docs = archive_documents(archive)
    chars = text_size(docs)
    print(f"  {len(archive.speeches)} speeches, {chars:,} characters, {len(docs):,} documents; "
          f"bigrams kept from {min_df(chars)} documents up")
    cold, one, same = build_times(archive, work)
    print(f"  search step (2 workers): cold {cold:.2f} s ({cold / len(archive.speeches) * 1000:.1f} ms a speech), "
          f"one speech edited {one:.2f} s, nothing changed {same:.2f} s")
    site = work / f"site-{name}"
    env = dict(os.environ, WENJI_CACHE=str(work / f"cache-{name}"))
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "build.py", "--seeds", str(seeds), "--content", str(content),
                           "--out", str(site), "-q"], cwd=REPO, capture_output=True, text=True, env=env)
    if proc.returncode:
        print(proc.stdout, proc.stderr)
        raise SystemExit(f"build of {name} failed")
    print(f"  whole site built in {time.perf_counter() - t:.1f} s")
    s = sizes(archive, site)
    for k in ("manifest", "term shards", "text chunks", "scripts"):
        n, raw, z = s[k]
        print(f"    {k:12} {n:5} files {raw:>12,} B raw {z:>11,} B gzip")
    print(f"  search files {s['raw']:,} B raw, {s['gzip']:,} B gzip; indexed text {s['text_raw']:,} B raw, "
          f"{s['text_gzip']:,} B gzip; ratio {s['ratio']:.2f} [<= 2.0 on the seeds]")
    recall, precision, expected = exactness(site, archive, QUERIES)
    print(f"  exactness on {len(QUERIES)} queries ({expected:,} expected hits): recall {recall:.2f}, "
          f"precision {precision:.2f} [1.00 / 1.00]")
    result = {"name": name, "speeches": len(archive.speeches), "cold": cold, "one": one, "same": same,
              "sizes": s, "recall": recall, "precision": precision}
    if browser:
        timings = browser_timings(site, COLD, runs)
        for q, b in timings.items():
            print(f"  {q!r:12} cold {b['cold_ms']:6.0f} ms (all known {b['done_ms']:6.0f} ms), warm {b['warm_ms']:5.0f} ms; "
                  f"before the first results "
                  f"{b['bytes_gzip'] / 1e3:7.0f} KB gzip ({b['files']} files; search data {b['data_gzip'] / 1e3:.0f} KB "
                  f"in {b['data_files']}); {b['shown']} shown of {b['total']}")
        two = [b for q, b in timings.items() if len(q) == 2 and " " not in q]
        print(f"  two-character queries: at most {max(b['bytes_gzip'] for b in two) / 1e6:.2f} MB gzip loaded "
              f"[<= 1.5 MB]; cold at most {max(b['cold_ms'] for b in timings.values()):.0f} ms [<= 500 ms]")
        result["browser"] = timings
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--speeches", type=int, nargs="+", default=[100])
    ap.add_argument("--runs", type=int, default=3, help="repetitions of the timed queries")
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--no-seeds", action="store_true")
    args = ap.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.platform()}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if not args.no_seeds:
            report("seeds", REPO / "seeds", REPO / "content", work, args.runs, not args.no_browser)
        for n in args.speeches:
            seeds, content = make_archive(work / f"synthetic-{n}", n)
            report(f"synthetic-{n}", seeds, content, work, args.runs, not args.no_browser)


if __name__ == "__main__":
    main()
