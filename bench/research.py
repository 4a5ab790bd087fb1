#!/usr/bin/env python3
"""What reading across the archive costs: ``python bench/research.py [--speeches 1000] [--real]``.

Builds a synthetic archive of N speeches (bench/synthetic.py, paragraphs of the real reports,
~30 KB a speech), or with ``--real`` tests/corpus-real, from an empty cache with ``-v`` and
prints the time of the steps this work added (related passages, and the wait for the comparison
data and the trend counts, which are written beside the theme step and the speech pages) against the whole cold build, in that
one run; the bytes of compare/, of trends/ and of the
related passages on the speech pages. Then, in headless Chromium from file://, for trends.html:
per term, whether it is a word of the archive's vocabulary (charted from its prebuilt counts,
trends/) or another string (counted from the search files and the texts), the bytes (gzip) its
files weigh and the time to the chart, cold (first open) and warm (opened again); and the time
compare.html takes for two speeches.
"""
from __future__ import annotations

import argparse
import gzip
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from synthetic import make_archive  # noqa: E402

# On two cores the comparison data is written in a process beside the theme step (with the
# trend counts), so its own time is not a step of the main process; ``bench/profile.py`` times it
# on one core.
STEPS = ("related passages", "wait for the comparison data, theme pages and trend counts")


def cold_build(seeds: Path, content: Path, out: Path, cache: Path) -> tuple[float, dict[str, float]]:
    env = dict(os.environ, WENJI_CACHE=str(cache))
    began = time.perf_counter()
    proc = subprocess.run([sys.executable, "build.py", "-v", "--seeds", str(seeds), "--content", str(content),
                           "--out", str(out)], cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - began
    if proc.returncode:
        sys.exit(proc.stderr)
    steps = {m.group(2): float(m.group(1)) for m in re.finditer(r"^\s+([\d.]+) s  (.+)$", proc.stdout + proc.stderr, re.M)}
    return wall, steps


def gz(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), 6))


def related_bytes(site: Path) -> int:
    return sum(len(m.group(0).encode()) for p in (site / "speeches").glob("*.html")
               for m in re.finditer(r'<details class="related">.*?</details>\n', p.read_text(encoding="utf-8"), re.S))


def browser_figures(site: Path, terms: list[str]) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"])
        page = browser.new_page()
        loaded: list[str] = []
        page.on("requestfinished", lambda r: loaded.append(r.url))
        for term in terms:
            url = (site / "trends.html").resolve().as_uri() + "?q=" + urllib.parse.quote(term)
            times = []
            for _ in range(2):  # cold, then warm
                loaded.clear()
                began = time.perf_counter()
                page.goto(url)
                page.wait_for_selector("#trends-app[data-state=done]", timeout=600_000)
                times.append(time.perf_counter() - began)
            files = {Path(urllib.parse.unquote(urllib.parse.urlparse(u).path)) for u in loaded if u.startswith("file:")}
            kb = sum(gz(f) for f in files if f.is_file()) / 1024
            kind = "other string, from the texts" if any(f.parent.name == "d" and f.parent.parent.name == "search"
                                                         for f in files) \
                else "other string, from the index" if any(f.parent.name == "search" for f in files) \
                else "vocabulary"
            print(f"trends {term} [{kind}]: {len(files)} files, {kb:,.0f} KB gzip; to the chart {times[0] * 1000:,.0f} ms cold, "
                  f"{times[1] * 1000:,.0f} ms warm")
        began = time.perf_counter()
        page.goto((site / "compare.html").resolve().as_uri())
        page.wait_for_selector("#compare-app[data-state=done]", timeout=600_000)
        print(f"compare (the last speech and the one before): {(time.perf_counter() - began) * 1000:,.0f} ms")
        browser.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--speeches", type=int, default=1000)
    ap.add_argument("--real", action="store_true", help="tests/corpus-real instead of a synthetic archive")
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--keep", type=Path, help="build the site here and keep it; if it is built already, "
                                              "measure it in the browser without building again")
    ap.add_argument("--terms", nargs="+", default=["发展", "人民公社", "小康社会", "社会主义现代化", "全面建成小康社会",
                                                   "社会主义建设的伟大", "展的"])
    args = ap.parse_args()
    if args.keep and (args.keep / "site" / "trends.html").exists():
        print(f"the site built before in {args.keep}; load average {os.getloadavg()[0]:.1f}")
        browser_figures(args.keep / "site", args.terms)
        return
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        if args.real:
            seeds, content = ROOT / "tests" / "corpus-real" / "seeds", ROOT / "tests" / "corpus-real" / "content"
        else:
            seeds, content = make_archive(work, args.speeches, source=ROOT / "tests" / "corpus-real" / "seeds")
        text = sum(p.stat().st_size for p in seeds.iterdir() if p.is_file())
        print(f"archive: {'tests/corpus-real' if args.real else f'{args.speeches} synthetic speeches'}, "
              f"{text / 1e6:.1f} MB of text; load average {os.getloadavg()[0]:.1f}")
        out = work / "site"
        wall, steps = cold_build(seeds, content, out, work / "cache")
        total = sum(steps.values())
        print(f"cold build: {wall:.2f} s wall, {total:.2f} s in its steps")
        for name in STEPS:
            print(f"  {name}: {steps.get(name, 0):.2f} s = {100 * steps.get(name, 0) / total:.1f} % of the steps")
        compare = [p for p in (out / "compare").iterdir()]
        trends = list((out / "trends").iterdir())
        print(f"trends/: {len(trends)} files, {sum(p.stat().st_size for p in trends) / 1024:,.0f} KB "
              f"({sum(gz(p) for p in trends) / 1024:,.0f} KB gzip); the largest shard "
              f"{max(gz(p) for p in trends) / 1024:,.0f} KB gzip")
        print(f"compare/: {sum(p.stat().st_size for p in compare) / 1024:,.0f} KB "
              f"({sum(gz(p) for p in compare) / 1024:,.0f} KB gzip); related passages on the speech pages: "
              f"{related_bytes(out) / 1024:,.0f} KB; data/speeches.js {(out / 'data' / 'speeches.js').stat().st_size / 1024:,.0f} KB")
        if not args.no_browser:
            browser_figures(out, args.terms)


if __name__ == "__main__":
    main()
