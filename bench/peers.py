#!/usr/bin/env python3
"""wenji side by side with MkDocs + Material and Hugo + Pagefind on the seeds or another archive.

    python bench/peers.py [--runs 5] [--work DIR] [--seeds DIR --content DIR] [--builds-only]

Run by hand, not in CI. ``--seeds`` and ``--content`` name the archive, as for build.py (the
bundled seeds by default; ``--seeds tests/corpus-real/seeds --content tests/corpus-real/content``
for the 37 real reports). It converts the speeches to Markdown (one heading per section of wenji's
section model, with the same ids: ``## 一、… {#s1}``), installs the peers into a temporary
folder (MkDocs + Material and jieba with pip into a venv, Pagefind with npm; Hugo is Debian's
``hugo`` package, installed with apt-get when missing), builds each site ``--runs`` times in
the same run, and prints one table: build time (median, and its ratio to wenji's), peak
memory (the process and any workers it forks, see bench/memory.py, in one more build of each,
not timed: sampling the memory slows a build), output size, size of the search files (gzip),
and search exactness on the issue's 12 queries: recall and precision at section level (a
section is its heading and own paragraphs; a page's title and the text before its first
section make one more), at page level for Pagefind, which returns pages. The queries are run in headless Chromium over HTTP, and from
file:// to show which search works without a server.

wenji builds from the raw seeds (its input); the peers from the Markdown. Every build is a
fresh process; on-disk caches (jieba's) stay as a user would have them after a first build.
Besides wall time it prints each tool's CPU seconds (user + system, every worker and thread
included), which a machine busy with other work changes far less.
``--work DIR`` keeps the installs and sites in DIR (reused on the next run). ``--builds-only``
measures the builds and sizes and skips the queries in Chromium.

Targets (cold builds): on the seeds at most 0.4x MkDocs-Material's time; on the real archive
at most 0.5x MkDocs-Material's and at most Hugo + Pagefind's.
"""
from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from memory import measure  # noqa: E402  (peak memory of a process tree)
from searchpage import shown_links, wait_results  # noqa: E402  (reading wenji's results page)
from wenji.site import load_archive  # noqa: E402

QUERIES = ["数字经济", "乡村振兴", "营商环境", "生态", "花卉", "自贸试验区", "两先区", "首创之区", "治堵",
           "绿水青山", "营商", "振兴发展"]
MATERIAL = "mkdocs-material==9.8.1"
JIEBA = "jieba==0.42.1"
PAGEFIND = "pagefind@1.6.0"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def log(msg: str) -> None:
    print(f"peers: {msg}", file=sys.stderr, flush=True)


# --- the same speeches as Markdown ------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}()#+!|~])")


def md_text(text: str) -> str:
    """Plain speech text as Markdown that renders to the same characters."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return re.sub(r"^(\d+)\.", r"\1\\.", text)  # "1." at the start is no list


def units(speech) -> dict[str, str]:
    """Section-level units of a speech: "top" (title and text before the first section), then
    every section with its heading and own paragraphs."""
    out = {"top": "\n".join([speech.meta.title] + [p.text for p in speech.body.paragraphs])}
    for sec, _ in speech.sections():
        out[sec.id] = sec.text
    return out


def markdown(speech, front: str) -> str:
    lines = [front, f"# {md_text(speech.meta.title)}", ""]

    def visit(section):
        for block in section.blocks:
            if hasattr(block, "blocks"):
                level = min(block.depth + 1, 6)
                lines.extend([f"{'#' * level} {md_text(block.heading)} {{#{block.id}}}", ""])
                visit(block)
            else:
                lines.extend([md_text(block.text), ""])

    visit(speech.body)
    return "\n".join(lines)


def write_sources(archive, work: Path) -> tuple[Path, Path]:
    mk = work / "mkdocs"
    hugo = work / "hugo"
    for folder in (mk, hugo):
        shutil.rmtree(folder, ignore_errors=True)
    (mk / "docs").mkdir(parents=True)
    (hugo / "content" / "speeches").mkdir(parents=True)
    (hugo / "layouts" / "_default").mkdir(parents=True)
    nav = "\n".join(f"  - '{s.slug}.md'" for s in archive.speeches)
    (mk / "mkdocs.yml").write_text(
        "site_name: 文集\nuse_directory_urls: false\ntheme:\n  name: material\n  language: zh\n  font: false\n"
        "plugins:\n  - search:\n      lang: zh\nmarkdown_extensions:\n  - attr_list\n  - toc\n"
        f"nav:\n  - 'index.md'\n{nav}\n", encoding="utf-8")
    (mk / "docs" / "index.md").write_text("# 文集\n\n讲话与报告。\n", encoding="utf-8")
    (hugo / "hugo.toml").write_text(
        'baseURL = "http://localhost/"\nlanguageCode = "zh-CN"\ndefaultContentLanguage = "zh"\n'
        'hasCJKLanguage = true\nuglyURLs = true\nrelativeURLs = true\n'
        'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n', encoding="utf-8")
    page = ('<!DOCTYPE html>\n<html lang="zh-CN">\n<head><meta charset="utf-8"><title>{{ .Title }}</title></head>\n'
            '<body><main data-pagefind-body><h1>{{ .Title }}</h1>\n{{ .Content }}</main></body>\n</html>\n')
    (hugo / "layouts" / "_default" / "single.html").write_text(page, encoding="utf-8")
    (hugo / "layouts" / "index.html").write_text(
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head><meta charset="utf-8"><title>文集</title></head>\n<body><ul>\n'
        '{{ range .Site.RegularPages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>\n{{ end }}'
        '</ul></body>\n</html>\n', encoding="utf-8")
    (hugo / "layouts" / "_default" / "list.html").write_text(
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>'
        '<body></body></html>\n', encoding="utf-8")
    for s in archive.speeches:
        title = s.meta.title.replace('"', '\\"')
        (mk / "docs" / f"{s.slug}.md").write_text(markdown(s, ""), encoding="utf-8")
        (hugo / "content" / "speeches" / f"{s.slug}.md").write_text(
            markdown(s, f'---\ntitle: "{title}"\n---\n').replace(f"# {md_text(s.meta.title)}\n", "", 1),
            encoding="utf-8")
    return mk, hugo


# --- installing the peers ----------------------------------------------------------------------


def install(work: Path) -> dict[str, list[str]]:
    venv = work / "venv"
    if not (venv / "bin" / "mkdocs").exists():
        log(f"installing {MATERIAL} and {JIEBA} into {venv}")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "--disable-pip-version-check", MATERIAL, JIEBA],
                             capture_output=True, text=True)
        if pip.returncode:
            sys.exit(f"pip install failed:\n{pip.stderr[-3000:]}")
    pf = work / "pagefind"
    if not (pf / "node_modules" / ".bin" / "pagefind").exists():
        log(f"installing {PAGEFIND} into {pf}")
        pf.mkdir(exist_ok=True)
        npm = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(pf), PAGEFIND],
                             capture_output=True, text=True)
        if npm.returncode:
            sys.exit(f"npm install failed:\n{npm.stderr[-3000:]}")
    if not shutil.which("hugo"):
        log("installing Debian's hugo")
        subprocess.run(["apt-get", "install", "-y", "-q", "hugo"], check=True, stdout=subprocess.DEVNULL)
    versions = {
        "mkdocs": subprocess.run([str(venv / "bin" / "python"), "-c",
                                  "import mkdocs, material; print('MkDocs', mkdocs.__version__, '+ Material',"
                                  " material.__version__ if hasattr(material, '__version__') else '')"],
                                 capture_output=True, text=True).stdout.strip() or MATERIAL,
        "hugo": subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.split("+")[0].strip(),
        "pagefind": subprocess.run([str(pf / "node_modules" / ".bin" / "pagefind"), "--version"],
                                   capture_output=True, text=True).stdout.strip(),
    }
    for k, v in versions.items():
        log(f"{k}: {v}")
    return {"mkdocs": [str(venv / "bin" / "mkdocs")], "pagefind": [str(pf / "node_modules" / ".bin" / "pagefind")],
            "hugo": ["hugo"]}


# --- timing ------------------------------------------------------------------------------------


def timed(cmd: list[str], cwd: Path, env: dict | None = None, sample: bool = False) -> tuple[float, int, float]:
    """(seconds, peak MB, CPU seconds of the process and its workers) of one fresh process;
    exits on failure. CPU seconds change far less than wall time when the machine is busy with
    other work. The peak is of the process and its workers together with ``sample`` (which
    slows the build down, see bench/memory.py), else of its largest process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds, peak_kb, _, status, stderr = measure(cmd, cwd, env, sample)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if status:
        sys.exit(f"failed: {' '.join(cmd)}\n{stderr[-3000:]}")
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return seconds, peak_kb // 1024, cpu


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def gzip_bytes(files: list[Path]) -> int:
    return sum(len(gzip.compress(p.read_bytes(), 9)) for p in files)


# --- searching in Chromium ---------------------------------------------------------------------


class _Quiet(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript",
                      ".mjs": "text/javascript", ".wasm": "application/wasm", ".json": "application/json"}

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(folder: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def wenji_hits(page, base: str, query: str) -> list[tuple[str, str]]:
    page.goto(f"{base}search.html?q={quote(query)}")
    wait_results(page, query, timeout=60_000)
    return shown_links(page)


def mkdocs_hits(page, base: str, query: str) -> list[tuple[str, str]]:
    page.goto(base + "index.html")
    box = page.locator("input.md-search__input")
    box.fill(query)
    box.press("End")  # Material searches on key events; a filled-in value alone may go unseen
    page.wait_for_function("() => { const m = document.querySelector('.md-search-result__meta');"
                           " return m && /\\d|没有|No matching/.test(m.textContent); }", timeout=60_000)
    count = -1
    while count != page.locator("a.md-search-result__link").count():  # until the list stops growing
        count = page.locator("a.md-search-result__link").count()
        page.wait_for_timeout(400)
    hrefs = page.eval_on_selector_all("a.md-search-result__link", "els => els.map(e => e.getAttribute('href'))")
    out = []
    for h in hrefs:
        parts = urlsplit(h)
        out.append((unquote(Path(parts.path).stem) if parts.path else "index", unquote(parts.fragment)))
    return out


PAGEFIND_QUERY = """async (q) => {
  const pf = await import('/pagefind/pagefind.js');
  await pf.options({});
  const r = await pf.search(q);
  const data = await Promise.all(r.results.map(x => x.data()));
  return data.map(d => d.url);
}"""


def pagefind_hits(page, base: str, query: str) -> list[str]:
    if not page.url.startswith(base):
        page.goto(base + "index.html")
    urls = page.evaluate(PAGEFIND_QUERY, query)
    return [unquote(Path(urlsplit(u).path).stem) for u in urls]


def file_url_errors(browser, url: str, action) -> str:
    """What a reader sees go wrong when a peer's search is opened from file://."""
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(url)
        try:
            action(page)
        except Exception as e:  # noqa: BLE001 - the failure is what we report
            errors.append(f"{type(e).__name__}: {str(e).splitlines()[0]}")
        page.wait_for_timeout(1500)
    finally:
        context.close()
    return errors[0] if errors else "(no error)"


# --- exactness --------------------------------------------------------------------------------


def score(returned: set, truth: set) -> tuple[int, int, int]:
    """(returned, of them right, all right ones)."""
    return len(returned), len(returned & truth), len(truth)


def to_unit(archive_units: dict, para_unit: dict, slug: str, frag: str) -> tuple[str, str]:
    if frag in archive_units.get(slug, {}):
        return slug, frag
    if frag in para_unit.get(slug, {}):
        return slug, para_unit[slug][frag]
    return slug, "top"


def print_cpu(cpus: dict[str, list[float]]) -> None:
    """CPU seconds (user + system, the process and every worker or thread), median per tool."""
    med = {k: statistics.median(v) for k, v in cpus.items()}
    hugo_pf = statistics.median([a + b for a, b in zip(cpus["hugo"], cpus["pagefind"])])
    print(f"  CPU seconds (median): wenji {med['wenji']:.2f} (warm cache {med['wenji-warm']:.2f}), MkDocs + Material "
          f"{med['mkdocs']:.2f}, Hugo + Pagefind {hugo_pf:.2f} (Hugo {med['hugo']:.2f}, Pagefind {med['pagefind']:.2f}); "
          f"wenji / MkDocs {med['wenji'] / med['mkdocs']:.2f}, wenji / Hugo + Pagefind {med['wenji'] / hugo_pf:.2f}")


def print_targets(wenji: float, mkdocs: float, hugo_pagefind: float, warm: float) -> None:
    print(f"wenji's cold build: {wenji / mkdocs:.2f} x MkDocs-Material's, {wenji / hugo_pagefind:.2f} x Hugo + "
          f"Pagefind's (with a warm cache: {warm / mkdocs:.2f} x MkDocs).")
    print("targets: seeds at most 0.4 x MkDocs-Material; the real archive at most 0.5 x MkDocs-Material and at most "
          "1.0 x Hugo + Pagefind")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--work", type=Path, help="keep installs and sites here (reused next time)")
    ap.add_argument("--seeds", type=Path, default=ROOT / "seeds", metavar="DIR", help="the raw speeches (default: seeds)")
    ap.add_argument("--content", type=Path, default=ROOT / "content", metavar="DIR",
                    help="their metadata and configuration (default: content)")
    ap.add_argument("--builds-only", action="store_true", help="time the builds, skip the queries in Chromium")
    args = ap.parse_args()
    if args.work:
        args.work.mkdir(parents=True, exist_ok=True)
        work = args.work.resolve()
        cleanup = None
    else:
        cleanup = tempfile.TemporaryDirectory(prefix="wenji-peers-")
        work = Path(cleanup.name)
    try:
        return run(work, args.runs, args.seeds.resolve(), args.content.resolve(), not args.builds_only)
    finally:
        if cleanup:
            cleanup.cleanup()


def run(work: Path, runs: int, seeds: Path, content: Path, queries: bool = True) -> int:
    archive = load_archive(seeds, content)
    mk_src, hugo_src = write_sources(archive, work)
    tools = install(work)

    # section-level units and their texts; which unit each paragraph belongs to
    unit_text = {s.slug: units(s) for s in archive.speeches}
    para_unit: dict[str, dict[str, str]] = {}
    for s in archive.speeches:
        para_unit[s.slug] = {p.id: "top" for p in s.body.paragraphs}
        for sec, _ in s.sections():
            for p in sec.paragraphs:
                para_unit[s.slug][p.id] = sec.id
    page_text = {s.slug: "\n".join(unit_text[s.slug].values()) for s in archive.speeches}

    wenji = [sys.executable, "build.py", "-q", "--seeds", str(seeds), "--content", str(content)]
    log(f"building each site {runs} times, in turn")
    times = {k: [] for k in ("wenji", "wenji-warm", "mkdocs", "hugo", "pagefind")}
    peaks = {k: 0 for k in times}
    cpus: dict[str, list[float]] = {k: [] for k in times}
    # Round "memory" first: each build once with its memory sampled, not timed; then the timed rounds.
    for i in ["memory", *range(runs)]:
        shutil.rmtree(work / "wenji-cache-cold", ignore_errors=True)
        for name in ("wenji", "mkdocs", "hugo"):  # Hugo keeps what it finds in its output folder
            shutil.rmtree(work / f"{name}-{i}", ignore_errors=True)
        for name, cmd, cwd, env in (
            # cold: an empty build cache every time; warm: the cache of the previous builds
            ("wenji", wenji + ["--out", str(work / f"wenji-{i}")], ROOT,
             {"WENJI_CACHE": str(work / "wenji-cache-cold")}),
            ("wenji-warm", wenji + ["--out", str(work / f"wenji-warm-{i}")], ROOT,
             {"WENJI_CACHE": str(work / "wenji-cache-warm")}),
            ("mkdocs", tools["mkdocs"] + ["build", "-q", "-d", str(work / f"mkdocs-{i}")], mk_src, None),
            ("hugo", tools["hugo"] + ["--quiet", "-d", str(work / f"hugo-{i}")], hugo_src, None),
            ("pagefind", tools["pagefind"] + ["--silent", "--site", str(work / f"hugo-{i}")], work, None),
        ):
            seconds, peak, cpu = timed(cmd, cwd, env, sample=i == "memory")
            if i == "memory":
                peaks[name] = peak
            else:
                times[name].append(seconds)
                cpus[name].append(cpu)
    for name in ("wenji", "wenji-warm", "mkdocs", "hugo"):
        shutil.rmtree(work / f"{name}-memory", ignore_errors=True)
    for i in range(runs):
        shutil.rmtree(work / f"wenji-warm-{i}", ignore_errors=True)
        if i:
            for name in ("wenji", "mkdocs", "hugo"):
                shutil.rmtree(work / f"{name}-{i}", ignore_errors=True)
    sites = {"wenji": work / "wenji-0", "mkdocs": work / "mkdocs-0", "hugo": work / "hugo-0"}

    search_files = {
        "wenji": sorted((sites["wenji"] / "search").rglob("*.js")) + [
            sites["wenji"] / "static" / n
            for n in ("fold.js", "search-engine.js", "search-page.js", "searchbox.js", "vendor/lunr/lunr.js")],
        "mkdocs": sorted((sites["mkdocs"] / "search").rglob("*"))
        + sorted((sites["mkdocs"] / "assets" / "javascripts" / "workers").glob("search*.js"))
        + sorted((sites["mkdocs"] / "assets" / "javascripts" / "lunr").rglob("*.js")),
        "pagefind": sorted((sites["hugo"] / "pagefind").rglob("*")),
    }
    search_gz = {k: gzip_bytes([p for p in v if p.is_file()]) for k, v in search_files.items()}
    med = {k: statistics.median(v) for k, v in times.items()}
    hugo_pf = statistics.median([a + b for a, b in zip(times["hugo"], times["pagefind"])])
    text_kb = sum(p.stat().st_size for p in seeds.glob("*.txt")) / 1024
    if not queries:
        print(f"\nwenji vs. peers on {seeds} ({len(archive.speeches)} speeches, {text_kb:.0f} KB of text); build "
              f"time = median of {runs} fresh runs in this one run; load average "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"{'generator':<19} {'build s':>8} {'x wenji':>8} {'peak MB':>8} {'site KB':>8} {'search KB gz':>12}")
        for name, t, peak, size, sgz in (
                ("wenji", med["wenji"], peaks["wenji"], folder_bytes(sites["wenji"]), search_gz["wenji"]),
                ("MkDocs + Material", med["mkdocs"], peaks["mkdocs"], folder_bytes(sites["mkdocs"]), search_gz["mkdocs"]),
                ("Hugo + Pagefind", hugo_pf, max(peaks["hugo"], peaks["pagefind"]), folder_bytes(sites["hugo"]),
                 search_gz["pagefind"])):
            print(f"{name:<19} {t:>8.3f} {t / med['wenji']:>8.2f} {peak:>8} {size / 1024:>8.0f} {sgz / 1024:>12.0f}")
        print("  runs (s): " + "; ".join(f"{k} {' '.join(f'{x:.2f}' for x in v)}" for k, v in times.items()))
        print_cpu(cpus)
        print_targets(med["wenji"], med["mkdocs"], hugo_pf, med["wenji-warm"])
        return 0

    log("querying each search in Chromium")
    from playwright.sync_api import sync_playwright

    exact = {k: [0, 0, 0] for k in ("wenji", "wenji-file", "mkdocs", "mkdocs-sections", "wenji-page", "mkdocs-page",
                                    "pagefind")}
    per_query = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                     args=CHROMIUM_ARGS)
        page = browser.new_page()
        with serve(sites["wenji"]) as wenji_http, serve(sites["mkdocs"]) as mk_http, serve(sites["hugo"]) as hugo_http:
            for q in QUERIES:
                truth = {(slug, u) for slug, us in unit_text.items() for u, t in us.items() if q in t}
                truth_pages = {slug for slug, t in page_text.items() if q in t}
                row = [q, len(truth), len(truth_pages)]
                for name, base, hits_of in (("wenji", wenji_http, wenji_hits),
                                            ("wenji-file", sites["wenji"].as_uri() + "/", wenji_hits),
                                            ("mkdocs", mk_http, mkdocs_hits)):
                    links = hits_of(page, base, q)
                    returned = {to_unit(unit_text, para_unit, slug, frag) for slug, frag in links}
                    got = score(returned, truth)
                    if name == "mkdocs":  # the same without each page's own entry (a link with no #section)
                        sections_only = {to_unit(unit_text, para_unit, slug, f) for slug, f in links if f}
                        exact["mkdocs-sections"] = [a + b for a, b in zip(exact["mkdocs-sections"],
                                                                          score(sections_only, truth))]
                    exact[name] = [a + b for a, b in zip(exact[name], got)]
                    if name != "wenji-file":
                        pages = {slug for slug, _ in returned}
                        gotp = score(pages, truth_pages)
                        exact[name + "-page"] = [a + b for a, b in zip(exact[name + "-page"], gotp)]
                    row.append(f"{got[1]}/{got[0]}")
                pf_pages = set(pagefind_hits(page, hugo_http, q))
                got = score(pf_pages, truth_pages)
                exact["pagefind"] = [a + b for a, b in zip(exact["pagefind"], got)]
                row.append(f"{got[1]}/{got[0]}")
                per_query.append(row)

        def mk_file(p):
            p.wait_for_timeout(1500)
            meta = p.locator(".md-search-result__meta").inner_text().strip()
            if not p.locator("input.md-search__input").is_visible():
                raise RuntimeError(f"the search box is not shown (its form is display: none); the results panel "
                                   f"still says {meta!r}")
            p.locator("input.md-search__input").fill(QUERIES[0])
            p.wait_for_timeout(3000)
            raise RuntimeError(f"results panel says: {p.locator('.md-search-result__meta').inner_text().strip()!r}")

        def pf_file(p):
            p.evaluate("async () => { const pf = await import('./pagefind/pagefind.js'); await pf.search('生态'); }")

        mk_file_error = file_url_errors(browser, (sites["mkdocs"] / "index.html").as_uri(), mk_file)
        pf_file_error = file_url_errors(browser, (sites["hugo"] / "index.html").as_uri(), pf_file)
        browser.close()

    def ratio(pair):
        returned, right, truth = pair
        return (right / truth if truth else 1.0), (right / returned if returned else 1.0)

    hugo_pf = [a + b for a, b in zip(times["hugo"], times["pagefind"])]  # per run
    rows = [
        ("wenji", med["wenji"], peaks["wenji"], folder_bytes(sites["wenji"]), search_gz["wenji"], exact["wenji"],
         "section"),
        ("MkDocs + Material", med["mkdocs"], peaks["mkdocs"], folder_bytes(sites["mkdocs"]), search_gz["mkdocs"],
         exact["mkdocs"], "section"),
        ("Hugo + Pagefind", statistics.median(hugo_pf), max(peaks["hugo"], peaks["pagefind"]),
         folder_bytes(sites["hugo"]), search_gz["pagefind"], exact["pagefind"], "page"),
    ]
    print(f"\nwenji vs. peers on {seeds} ({len(archive.speeches)} speeches, {text_kb:.0f} KB of text), {len(QUERIES)} "
          f"queries; build time = median of {runs} fresh runs in this one run; load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    head = f"{'generator':<19} {'build s':>8} {'x wenji':>8} {'peak MB':>8} {'site KB':>8} {'search KB gz':>12} " \
           f"{'returned':>8} {'right':>6} {'recall':>7} {'precision':>9}  level"
    print(head)
    print("-" * len(head))
    for name, t, peak, size, sgz, ex, level in rows:
        rec, prec = ratio(ex)
        print(f"{name:<19} {t:>8.3f} {t / med['wenji']:>8.2f} {peak:>8} {size / 1024:>8.0f} {sgz / 1024:>12.0f} "
              f"{ex[0]:>8} {ex[1]:>6} {rec:>7.2f} {prec:>9.2f}  {level}")
    print(f"\n  wenji's build is cold (an empty build cache, WENJI_CACHE) and includes its search and theme "
          f"indexes; with a warm cache: {med['wenji-warm']:.3f} s ({med['wenji-warm'] / med['mkdocs']:.2f} x MkDocs).")
    print(f"  Hugo alone {med['hugo']:.3f} s, Pagefind indexing {med['pagefind']:.3f} s (medians).")
    rec, prec = ratio(exact["mkdocs-sections"])
    print(f"  MkDocs counts every link of its results panel, each page's own entry included; without those: "
          f"{exact['mkdocs-sections'][0]} returned, {exact['mkdocs-sections'][1]} right, recall {rec:.2f}, "
          f"precision {prec:.2f}")
    for name in ("wenji", "mkdocs"):
        rec, prec = ratio(exact[name + "-page"])
        print(f"  page level, for comparison with Pagefind: {name} returned {exact[name + '-page'][0]} pages, "
              f"recall {rec:.2f}, precision {prec:.2f}")
    rec, prec = ratio(exact["wenji-file"])
    print(f"\nfrom file:// (no server):\n  wenji: works, {exact['wenji-file'][0]} sections returned, recall {rec:.2f},"
          f" precision {prec:.2f} (same as over HTTP: {exact['wenji-file'] == exact['wenji']})")
    print(f"  MkDocs + Material: does not work: {mk_file_error}")
    print(f"  Hugo + Pagefind: does not work: {pf_file_error}")
    print("\nper query, right/returned (sections for wenji and MkDocs, pages for Pagefind):")
    print(f"  {'query':<8} {'truth':>5} {'pages':>5} {'wenji':>7} {'file://':>7} {'MkDocs':>7} {'Pagefind':>8}")
    for q, t, tp, w, wf, m, p in per_query:
        print(f"  {q:<8} {t:>5} {tp:>5} {w:>7} {wf:>7} {m:>7} {p:>8}")
    print("\nsearch files: wenji = search/*.js + fold.js, search-engine.js, search-page.js, searchbox.js, lunr.js; "
          "MkDocs = search/ + the search "
          "worker + lunr language files; Pagefind = pagefind/ (all of it)")
    print_cpu(cpus)
    print_targets(med["wenji"], med["mkdocs"], statistics.median(hugo_pf), med["wenji-warm"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
