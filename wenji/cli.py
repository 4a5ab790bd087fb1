"""Command line: ``python build.py [build|serve|check] [--seeds DIR] [--content DIR] [--out DIR]``."""
from __future__ import annotations

import argparse
import gc
import os
import sys
import textwrap
from pathlib import Path

from .errors import BuildError
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
    verbosity.add_argument("-v", "--verbose", action="store_true", help="print every speech as it is built")
    return p


class Reporter:
    """What the build says on the terminal: warnings, progress, a one-line summary."""

    def __init__(self, quiet: bool = False, verbose: bool = False, stream=sys.stderr):
        self.quiet, self.verbose, self.stream = quiet, verbose, stream

    def warn(self, msg: str) -> None:
        if not self.quiet:
            print(f"warning: {msg}", file=self.stream)

    def detail(self, msg: str) -> None:
        if self.verbose:
            print(msg, file=self.stream)

    def progress(self, items, total: int, desc: str):
        """A progress bar for long builds (many speeches, on a terminal); the items unchanged otherwise."""
        if self.quiet or self.verbose or total < 50 or not self.stream.isatty():
            return items
        from tqdm import tqdm

        return tqdm(items, total=total, desc=desc, unit=" speeches", file=self.stream, leave=False)

    def errors(self, e: BuildError, out: Path) -> None:
        print(f"wenji: build failed, {len(e.errors)} error(s); {out} left as it was:", file=sys.stderr)
        for err in e.errors:
            print(f"  {err}", file=sys.stderr)

    def summary(self, stats, out: Path) -> None:
        if self.quiet:
            return
        if stats.up_to_date:
            print(f"wenji: {out} is up to date: nothing changed since it was built ({stats.seconds:.2f} s)")
            return
        print(f"wenji: {stats.speeches} speeches, {stats.sections} sections, {stats.paragraphs} paragraphs, "
              f"{stats.themes} themes, {stats.files} files in {out} ({stats.seconds:.2f} s)")
        self.detail(f"  {stats.rendered} speech files rendered, the rest unchanged from the last build")


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from .site import build

    checking = args.command == "check" or args.check
    report = Reporter(args.quiet, args.verbose or (checking and not args.quiet))  # check reviews every speech
    if args.command == "serve":
        from .serve import serve

        return serve(args.seeds, args.content, args.out, args.port, args.base_url, report)
    try:
        stats = build(args.seeds, args.content, args.out, report, base_url=args.base_url)
    except BuildError as e:
        report.errors(e, args.out)
        return 1
    report.summary(stats, args.out)
    if checking:
        from .check import check_site
        from .site import load_archive

        if stats.up_to_date and report.verbose:  # nothing was read: say per speech what reading does
            load_archive(args.seeds, args.content, report, base_url=args.base_url)

        problems = check_site(args.out, stats.base_url)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        if problems:
            print(f"wenji: check found {len(problems)} problem(s) in {args.out}", file=sys.stderr)
            return 1
        if not args.quiet:
            print(f"wenji: check passed: every link, anchor and page of {args.out} is sound")
    return 0


def run(argv: list[str] | None = None) -> None:
    """``python build.py``: ``main`` in a process that ends with it. A build keeps what it
    makes until it is done, so the cyclic garbage collector stays off, and the process then
    exits without collecting or tearing down its objects one by one: that saves 0.5 s of a
    rebuild of 1,000 speeches. ``serve`` builds again and again, so it runs as usual."""
    args = parser().parse_args(argv)
    if args.command != "serve":
        gc.disable()
    code = main(argv)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)

