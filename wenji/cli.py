"""Command line: ``python build.py [build|serve|check] [--seeds DIR] [--content DIR] [--out DIR]``
(the options are in ``wenji.options``)."""
from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import IO, Iterable, TypeVar

from . import lazy
from .check import check_site
from .errors import BuildError
from .model import Speech
from .options import parser
from .report import Stats
from .serve import serve
from .site import build, load_archive, read_as

tqdm = lazy.module("tqdm")  # 0.1 s to import: loaded only for a progress bar

T = TypeVar("T")


class Reporter:
    """What the build says on the terminal: warnings, progress, a one-line summary; with
    ``verbose``, every speech read (with what reading it did) and the time of every step;
    with ``speeches`` (``check`` asks for it), every speech read."""

    def __init__(self, quiet: bool = False, verbose: bool = False, stream: IO[str] = sys.stderr,
                 speeches: bool = False) -> None:
        self.quiet, self.verbose, self.stream = quiet, verbose, stream
        self.speeches = verbose or speeches

    def warn(self, msg: str) -> None:
        if not self.quiet:
            print(f"warning: {msg}", file=self.stream)

    def speech_read(self, path: Path, speech: Speech) -> None:
        if self.speeches:
            n_sections, n_paragraphs = speech.size
            print(f"  {path.name}: {speech.meta.title} — {n_sections} sections, "
                  f"{n_paragraphs} paragraphs, {read_as(speech)}", file=self.stream)
            for line in speech.log:
                print(f"    {line}", file=self.stream)

    def step_done(self, name: str, seconds: float) -> None:
        if self.verbose:
            print(f"  {seconds:6.2f} s  {name}", file=self.stream)

    def progress(self, items: Iterable[T], total: int, desc: str) -> Iterable[T]:
        """A progress bar for long builds (many speeches, on a terminal); the items unchanged otherwise."""
        if self.quiet or self.speeches or total < 50 or not self.stream.isatty():
            return items
        return tqdm.tqdm(items, total=total, desc=desc, unit=" speeches", file=self.stream, leave=False)

    def errors(self, e: BuildError, out: Path) -> None:
        print(f"wenji: build failed, {len(e.errors)} error(s); {out} left as it was:", file=sys.stderr)
        for err in e.errors:
            print(f"  {err}", file=sys.stderr)

    def summary(self, stats: Stats, out: Path) -> None:
        if self.quiet:
            return
        if stats.up_to_date:
            print(f"wenji: {out} is up to date: nothing changed since it was built ({stats.seconds:.2f} s)")
            return
        print(f"wenji: {stats.speeches} speeches, {stats.sections} sections, {stats.paragraphs} paragraphs, "
              f"{stats.themes} themes, {stats.files} files in {out} ({stats.seconds:.2f} s)")
        if self.verbose:
            print(f"  {stats.rendered} speech files rendered, the rest unchanged from the last build", file=self.stream)


def main(argv: list[str] | None = None, keep: list | None = None) -> int:
    """Run the command; ``keep``: see ``site.build``."""
    args = parser().parse_args(argv)
    checking = args.command == "check" or args.check
    report = Reporter(args.quiet, args.verbose, speeches=checking and not args.quiet)  # check reviews every speech
    if args.command == "serve":
        return serve(args.seeds, args.content, args.out, args.port, args.base_url, report)
    try:
        stats = build(args.seeds, args.content, args.out, report, base_url=args.base_url, keep=keep)
    except BuildError as e:
        report.errors(e, args.out)
        return 1
    report.summary(stats, args.out)
    if checking:
        if stats.up_to_date and report.speeches:  # nothing was read: say per speech what reading does
            load_archive(args.seeds, args.content, report, base_url=args.base_url)
        return _check(args.out, stats.base_url, args.quiet)
    return 0


def _check(out: Path, base_url: str, quiet: bool) -> int:
    problems = check_site(out, base_url)
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    if problems:
        print(f"wenji: check found {len(problems)} problem(s) in {out}", file=sys.stderr)
        return 1
    if not quiet:
        print(f"wenji: check passed: every link, anchor and page of {out} is sound")
    return 0


def run(argv: list[str] | None = None) -> None:
    """``python build.py``: ``main`` in a process that ends with it. A build keeps what it
    makes until it is done, so the cyclic garbage collector stays off, and the process then
    exits without collecting or tearing down its objects one by one, not even those of the
    build (``keep``): that saves 0.5 s of a rebuild of 1,000 speeches. ``serve`` builds again
    and again, so it runs as usual."""
    if parser().parse_args(argv).command == "serve":
        gc.enable()
    else:
        gc.disable()
    kept: list = []
    code = main(argv, kept)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
