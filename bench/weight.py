#!/usr/bin/env python3
"""What a built site weighs against its text: ``python bench/weight.py [--seeds DIR --content DIR]``.

Builds the archive (by default the real one in tests/corpus-real) into a temporary folder, or
measures ``--site DIR`` as it is, and prints: the bytes of the seeds' text, the bytes of the
site, their ratio (target: at most 5), the largest page and the largest file (target: no page
over 1 MB), and the site's bytes by kind of file, largest first, each with its share of the
text's bytes: what to cut first. ``--anatomy`` adds, for each kind of page, its bytes of text
and of markup and the attributes and elements that weigh most (bytes on disk, as everywhere
here: not gzip).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "corpus-real"


def kind(rel: str) -> str:
    """The kind of a built file, for the breakdown."""
    parts = rel.split("/")
    if parts[0] == "speeches":
        return "speech pages" if rel.endswith(".html") else f"speeches/*{Path(rel).suffix}"
    if parts[0] == "keywords" or rel == "keywords.html":
        return "keyword index" + (" data" if rel.endswith(".js") else " pages")
    if parts[0] in {"themes", "static"}:
        return parts[0]
    if parts[0] == "search":
        return "search/" + parts[1] if len(parts) > 2 else "search"
    if len(parts) > 1:  # trends/, compare/, data/: one line a folder
        return parts[0] + "/"
    return rel


def measure(site: Path, text_bytes: int) -> None:
    files = {str(p.relative_to(site)): p.stat().st_size for p in site.rglob("*") if p.is_file()}
    total = sum(files.values())
    pages = {k: v for k, v in files.items() if k.endswith(".html")}
    by_kind: Counter = Counter()
    count: Counter = Counter()
    for rel, size in files.items():
        by_kind[kind(rel)] += size
        count[kind(rel)] += 1
    big_page = max(pages.items(), key=lambda kv: kv[1])
    big_file = max(files.items(), key=lambda kv: kv[1])
    print(f"text (seeds):   {text_bytes:>12,} bytes")
    print(f"site:           {total:>12,} bytes in {len(files)} files")
    print(f"site / text:    {total / text_bytes:12.2f}   (target <= 5)")
    print(f"largest page:   {big_page[1]:>12,} bytes  {big_page[0]}   (target <= 1 MB)")
    print(f"largest file:   {big_file[1]:>12,} bytes  {big_file[0]}")
    print(f"pages over 1 MB: {sum(1 for v in pages.values() if v > 1_000_000)}")
    print()
    print(f"{'kind':28} {'files':>6} {'bytes':>12} {'x text':>7}")
    for name, size in by_kind.most_common():
        print(f"{name:28} {count[name]:>6} {size:>12,} {size / text_bytes:7.2f}")


class Anatomy(HTMLParser):
    """Bytes of a page's text and of its tags, by attribute (name, value and quotes) and by
    element (its start and end tags)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.text = self.markup = 0
        self.attrs: Counter = Counter()
        self.tags: Counter = Counter()

    def handle_starttag(self, tag, attrs):
        raw = len(self.get_starttag_text().encode())
        self.markup += raw
        self.tags[tag] += raw
        for name, value in attrs:
            self.attrs[name] += len(name) + 1 + (len(value.encode()) + 3 if value is not None else 0)

    def handle_endtag(self, tag):
        self.markup += len(tag) + 3
        self.tags[tag] += len(tag) + 3

    def handle_data(self, data):
        self.text += len(data.encode())

    def handle_entityref(self, name):
        self.text += len(name) + 2

    def handle_charref(self, name):
        self.text += len(name) + 3


def anatomy(site: Path, top: int = 6) -> None:
    pages: dict[str, Anatomy] = {}
    for p in sorted(site.rglob("*.html")):
        a = pages.setdefault(kind(str(p.relative_to(site))), Anatomy())
        a.feed(p.read_text(encoding="utf-8"))
    print()
    print(f"{'pages':28} {'text':>12} {'markup':>12}  heaviest attributes; elements")
    for name, a in sorted(pages.items(), key=lambda kv: -(kv[1].text + kv[1].markup)):
        attrs = ", ".join(f"{k} {v:,}" for k, v in a.attrs.most_common(top))
        tags = ", ".join(f"<{k}> {v:,}" for k, v in a.tags.most_common(top))
        print(f"{name:28} {a.text:>12,} {a.markup:>12,}  {attrs}; {tags}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=Path, default=REAL / "seeds")
    ap.add_argument("--content", type=Path, default=REAL / "content")
    ap.add_argument("--site", type=Path, help="measure this built site instead of building one")
    ap.add_argument("--anatomy", action="store_true", help="also each kind of page's text, markup and heaviest tags")
    args = ap.parse_args()
    text_bytes = sum(p.stat().st_size for p in args.seeds.glob("*.txt"))
    if args.site:
        measure(args.site, text_bytes)
        if args.anatomy:
            anatomy(args.site)
        return
    with tempfile.TemporaryDirectory() as tmp:
        out, cache = Path(tmp) / "site", Path(tmp) / "cache"
        proc = subprocess.run([sys.executable, "build.py", "-q", "--seeds", str(args.seeds), "--content",
                               str(args.content), "--out", str(out)], cwd=ROOT, capture_output=True, text=True,
                              env={**os.environ, "WENJI_CACHE": str(cache)})
        if proc.returncode:
            sys.exit(f"build failed:\n{proc.stderr}")
        print(f"archive: {args.seeds} ({len(list(args.seeds.glob('*.txt')))} speeches)")
        measure(out, text_bytes)
        if args.anatomy:
            anatomy(out)


if __name__ == "__main__":
    main()
