"""Publishing and citing: serve, check, base URL outputs, downloads, citations, terminal output."""
from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.request
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from htmltext import read_speech

SEEDS = sorted((Path(__file__).parent.parent / "seeds").glob("*.txt"))
BASE = "https://example.org/wenji/"


@pytest.fixture(scope="module")
def published(tmp_path_factory, repo_root):
    out = tmp_path_factory.mktemp("pub") / "site"
    proc = subprocess.run([sys.executable, "build.py", "--out", str(out), "--base-url", BASE.rstrip("/")],
                          cwd=repo_root, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as r:
        return r.read().decode("utf-8")


def wait_for(predicate, timeout=30.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if predicate():
                return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def test_serve_rebuilds_after_a_change_and_keeps_the_last_good_site(tmp_path, repo_root):
    seeds, content, out = tmp_path / "seeds", tmp_path / "content", tmp_path / "out"
    seeds.mkdir()
    (seeds / "a.txt").write_text("各位代表：\n一、回顾\n第一版的正文。", encoding="utf-8")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "build.py", "serve", "--port", str(port), "--seeds", str(seeds),
                             "--content", str(content), "--out", str(out)], cwd=repo_root,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}/speeches/a.html"
        assert wait_for(lambda: "第一版的正文" in fetch(url)), "serve did not start"
        html = fetch(url)
        assert "/__wenji/reload.js" in html  # the live-reload script is added by the server only
        assert "__wenji" not in (out / "speeches" / "a.html").read_text(encoding="utf-8")
        status = json.loads(fetch(f"http://127.0.0.1:{port}/__wenji/status"))
        (seeds / "a.txt").write_text("各位代表：\n一、回顾\n第二版的正文。", encoding="utf-8")
        assert wait_for(lambda: "第二版的正文" in fetch(url)), "no rebuild after the change"
        # the count goes up just after the new site is swapped in
        assert wait_for(lambda: json.loads(fetch(f"http://127.0.0.1:{port}/__wenji/status"))["build"] > status["build"])
        time.sleep(1)
        settled = json.loads(fetch(f"http://127.0.0.1:{port}/__wenji/status"))["build"]
        time.sleep(1.5)
        assert json.loads(fetch(f"http://127.0.0.1:{port}/__wenji/status"))["build"] == settled  # no rebuild loop
        (seeds / "b.txt").write_bytes(b"")  # a bad input: the rebuild fails
        assert wait_for(lambda: "empty file" in json.loads(fetch(f"http://127.0.0.1:{port}/__wenji/status"))["error"])
        assert "第二版的正文" in fetch(url)  # the last good site is still served
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert "b.txt: empty file" in err  # and the error was shown in the terminal


def test_without_base_url_no_absolute_outputs(built_site):
    for name in ("sitemap.xml", "feed.xml", "robots.txt"):
        assert not (built_site / name).exists()
    html = (built_site / "speeches" / "002_37d2cc4661cfeced.html").read_text(encoding="utf-8")
    assert 'rel="canonical"' not in html and "og:url" not in html
    assert '<meta name="citation_title" content="政府工作报告">' in html


def test_feed_and_sitemap_are_valid_xml_listing_every_speech(published):
    slugs = {p.stem for p in SEEDS}
    sitemap = ET.parse(published / "sitemap.xml").getroot()
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "a": "http://www.w3.org/2005/Atom"}
    locs = [e.text for e in sitemap.findall("s:url/s:loc", ns)]
    assert {f"{BASE}speeches/{s}.html" for s in slugs} <= set(locs)
    assert f"{BASE}index.html" in locs
    feed = ET.parse(published / "feed.xml").getroot()
    entries = feed.findall("a:entry", ns)
    assert {e.find("a:link", ns).get("href") for e in entries} == {f"{BASE}speeches/{s}.html" for s in slugs}
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT00:00:00Z", e.find("a:updated", ns).text) for e in entries)
    assert entries[0].find("a:title", ns).text == "在参加市人代会**区代表团审议时的讲话"  # newest first (2022)
    assert f"Sitemap: {BASE}sitemap.xml" in (published / "robots.txt").read_text()


def test_speech_pages_carry_canonical_and_meta_tags(published):
    html = (published / "speeches" / "004_f1020f61f9b13372.html").read_text(encoding="utf-8")
    url = f"{BASE}speeches/004_f1020f61f9b13372.html"
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert '<meta name="citation_publication_date" content="2022">' in html
    assert '<meta name="citation_title" content="在参加市人代会**区代表团审议时的讲话">' in html


def test_citation_of_the_speech_holds_its_url(published):
    """The whole speech's reference is in the page for readers without scripts; those of the
    sections are assembled by static/cite.js (tests/test_reading_browser.py)."""
    html = (published / "speeches" / "002_37d2cc4661cfeced.html").read_text(encoding="utf-8")
    head = html.split('<header class="speech-head">')[1].split("</header>")[0]
    gbt = re.search(r'<div class="cite-text gbt">(.*?)</div>', head).group(1)
    assert gbt == f"**市第十四届人民政府. 政府工作报告[EB/OL]. (2021)[引用日期]. {BASE}speeches/002_37d2cc4661cfeced.html."
    bib = re.search(r'<pre class="cite-text bibtex">(.*?)</pre>', head, re.S).group(1)
    assert "@misc{002_37d2cc4661cfeced," in bib
    assert f"url = {{{BASE}speeches/002_37d2cc4661cfeced.html}}" in bib and "year = 2021" in bib
    assert html.count('class="cite-text gbt"') == 1  # not one per section


def test_downloads_match_the_page(published):
    """speeches/<stem>.txt and .json and archive.json, as files of the site: the same sections
    and paragraphs as the page."""
    archive = json.loads((published / "archive.json").read_text(encoding="utf-8"))
    assert [s["stem"] for s in archive["speeches"]] == re.findall(
        r'href="speeches/([^"]+)\.html"', (published / "index.html").read_text(encoding="utf-8"))
    assert sorted(p.stem for p in (published / "speeches").glob("*.txt")) == sorted(p.stem for p in SEEDS)
    for seed, entry in zip(SEEDS, sorted(archive["speeches"], key=lambda s: s["stem"])):
        page = read_speech((published / "speeches" / f"{seed.stem}.html").read_text(encoding="utf-8"))
        data = json.loads((published / "speeches" / f"{seed.stem}.json").read_text(encoding="utf-8"))
        assert entry["stem"] == data["stem"] == seed.stem
        assert entry["url"] == f"{BASE}speeches/{seed.stem}.html" and entry["text_url"] == f"{BASE}speeches/{seed.stem}.txt"
        assert [(s["id"], s["heading"]) for s in data["sections"]] == page.sections
        assert [(s["id"], s["heading"]) for s in entry["sections"]] == page.sections
        assert [p["id"] for p in data["paragraphs"]] == [i for tag, i, _ in page.blocks if tag == "p"]
        text = (published / "speeches" / f"{seed.stem}.txt").read_text(encoding="utf-8")
        blocks = text.rstrip("\n").split("\n\n")
        assert blocks[1:] == [t for _, _, t in page.blocks]  # headings and paragraphs, in order
        assert re.sub(r"\s", "", "".join(blocks[1:])) == re.sub(r"\s", "", seed.read_text(encoding="utf-8"))
    with zipfile.ZipFile(published / "archive-texts.zip") as zf:
        assert sorted(n for n in zf.namelist() if n.endswith(".txt")) == sorted(
            f"wenji-texts/{p.stem}.txt" for p in SEEDS)


def test_check_fails_on_a_broken_anchor(run_build, tmp_path, repo_root):
    seeds, content, out = tmp_path / "seeds", tmp_path / "content", tmp_path / "out"
    seeds.mkdir()
    (seeds / "a.txt").write_text("一、回顾\n正文。", encoding="utf-8")
    (content / "pages").mkdir(parents=True)
    (content / "pages" / "about.md").write_text("---\ntitle: 关于\n---\n[第一部分](speeches/a.html#s1) "
                                               "[不存在](speeches/a.html#s9)\n", encoding="utf-8")
    proc = run_build(seeds, content, out, "check")
    assert proc.returncode != 0
    assert "about.html" in proc.stderr and "missing anchor: speeches/a.html#s9" in proc.stderr
    assert "#s1" not in proc.stderr.replace("#s9", "")


def test_check_passes_on_the_seeds(run_build, tmp_path):
    proc = run_build(None, None, tmp_path / "out", "--check")
    assert proc.returncode == 0, proc.stderr
    assert "check passed" in proc.stdout


def test_terminal_output_summary_quiet_and_verbose(run_build, tmp_path):
    proc = run_build(None, None, tmp_path / "a")
    assert re.search(r"wenji: 5 speeches, \d+ sections, \d+ paragraphs, \d+ themes, \d+ files in .* \(\d+\.\d\d s\)",
                     proc.stdout)
    quiet = run_build(None, None, tmp_path / "b", "-q")
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""
    verbose = run_build(None, None, tmp_path / "c", "-v")
    assert verbose.stderr.count("paragraphs, encoding utf-8") == 5


def test_404_page_and_favicon(built_site, published):
    assert "找不到该页" in (built_site / "404.html").read_text(encoding="utf-8")
    assert f'href="{BASE}static/wenji.css"' in (published / "404.html").read_text(encoding="utf-8")
    assert (built_site / "static" / "favicon.svg").read_text().startswith("<svg")


def test_invalid_base_url_is_an_error(run_build, tmp_path):
    proc = run_build(None, None, tmp_path / "out", "--base-url", "example.org/x")
    assert proc.returncode != 0 and "base_url" in proc.stderr
