"""Command line: ``python build.py [--seeds DIR] [--content DIR] [--out DIR]``."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import BuildError


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="build.py",
        description="Build a wenji site: every raw speech in SEEDS becomes a cleaned, sectioned page, "
                    "with an archive home page, written to OUT.",
    )
    p.add_argument("--seeds", type=Path, default=Path("seeds"), metavar="DIR",
                   help="folder of raw speeches, one .txt file each, any of UTF-8, UTF-16 (with BOM), GB18030/GBK "
                        "(default: seeds)")
    p.add_argument("--content", type=Path, default=Path("content"), metavar="DIR",
                   help="site configuration (site.toml), per-speech metadata (speeches/<stem>.md) and Markdown pages "
                        "(pages/*.md); may be missing or empty (default: content)")
    p.add_argument("--out", type=Path, default=Path("site"), metavar="DIR",
                   help="where the site is written; replaced only when the build succeeds (default: site)")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from .site import build

    def warn(msg: str) -> None:
        if not args.quiet:
            print(f"warning: {msg}", file=sys.stderr)

    try:
        stats = build(args.seeds, args.content, args.out, warn)
    except BuildError as e:
        print(f"wenji: build failed, {len(e.errors)} error(s); {args.out} left as it was:", file=sys.stderr)
        for err in e.errors:
            print(f"  {err}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(f"wenji: {stats.speeches} speeches, {stats.sections} sections, {stats.paragraphs} paragraphs, "
              f"{stats.files} files in {args.out} ({stats.seconds:.2f} s)")
    return 0
