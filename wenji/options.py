"""The command line's options: ``python build.py [build|serve|check] [--seeds DIR] [--content DIR]
[--out DIR] [--base-url URL] [--port N] [-q | -v]``."""
from __future__ import annotations

import argparse
import textwrap
from pathlib import Path

from .readers import FORMATS


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="build.py",
        description=textwrap.fill("Build a wenji site: every raw speech in SEEDS becomes a cleaned, sectioned page, "
                                  "with an archive home page, a theme index and a search index, written to OUT.", 88),
        epilog=textwrap.fill(
            "commands: build (the default) writes the site; serve builds, serves it on 127.0.0.1 and "
            "rebuilds when seeds/, content/, templates/ or static/ change; check builds and then verifies "
            "every link, anchor and page of the output; import DATA ... writes seeds and metadata from a "
            "dataset (python build.py import --help).", 88) + "\n\nseed formats, one speech a file:\n"
               + "\n".join(f"  {suffix:6} {what}" for suffix, (_, what) in FORMATS.items()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("command", nargs="?", choices=["build", "serve", "check"], default="build",
                   help="what to do (default: build)")
    p.add_argument("--seeds", type=Path, default=Path("seeds"), metavar="DIR",
                   help="folder of raw speeches, one file each: .txt (UTF-8, UTF-16 with BOM, GB18030/GBK), .docx, "
                        ".html/.htm, .md or .pdf, see below (default: seeds)")
    p.add_argument("--content", type=Path, default=Path("content"), metavar="DIR",
                   help="site configuration (site.toml), per-speech metadata (speeches/<stem>.md) and Markdown pages "
                        "(pages/*.md); may be missing or empty (default: content)")
    p.add_argument("--out", type=Path, default=Path("site"), metavar="DIR",
                   help="where the site is written; replaced only when the build succeeds (default: site)")
    p.add_argument("--base-url", metavar="URL",
                   help="the address the site will be published at (overrides base_url in site.toml); with it the "
                        "build also writes sitemap.xml, robots.txt, feed.xml and canonical links")
    p.add_argument("--check", action="store_true", help="same as the check command: verify the output after building")
    p.add_argument("--port", type=int, default=8000, help="port for serve on 127.0.0.1 (default: 8000)")
    verbosity = p.add_mutually_exclusive_group()
    verbosity.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    verbosity.add_argument("-v", "--verbose", action="store_true",
                           help="print every speech as it is read and the time of every step of the build")
    return p
