"""``python build.py import DATA --seeds DIR --content DIR --id FIELD --title FIELD --date FIELD
--text FIELD [--kind FIELD] [--speaker FIELD] [--place FIELD] [--source FIELD] [--force]``.

build.py routes ``import`` here before anything else is imported, so a build never loads it.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .dataset import import_dataset
from .errors import BuildError


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="build.py import",
        description="Write seeds/<id>.txt and content/speeches/<id>.md for every row of a dataset (.jsonl, "
                    ".json holding an array of objects, or .csv with a header), for a later build. Every row "
                    "is checked first: ids must be valid file names (letters, digits, '.', '_', '-'), unique; "
                    "dates YYYY, YYYY-MM or YYYY-MM-DD; a row without text is reported and skipped. Nothing "
                    "is written when a row is wrong, and no existing file is overwritten without --force.",
    )
    p.add_argument("data", type=Path, metavar="DATA", help="the dataset: .jsonl, .json or .csv")
    p.add_argument("--seeds", type=Path, required=True, metavar="DIR", help="where the texts go (<id>.txt)")
    p.add_argument("--content", type=Path, required=True, metavar="DIR",
                   help="where the metadata goes (speeches/<id>.md)")
    for name, what in (("id", "the speech's id: its file name and page name"), ("title", "its title"),
                       ("date", "its date"), ("text", "its full text")):
        p.add_argument(f"--{name}", required=True, metavar="FIELD", help=f"field holding {what}")
    for name in ("kind", "speaker", "place", "source"):
        p.add_argument(f"--{name}", metavar="FIELD", help=f"field holding its {name}")
    p.add_argument("--force", action="store_true", help="overwrite existing files that differ")
    return p


def main(argv: list[str] | None = None) -> int:
    """``python build.py import …``: exit status 0, or 1 when a row is wrong (nothing written then)."""
    args = parser().parse_args(argv)
    fields = {k: getattr(args, k) for k in ("id", "title", "date", "text", "kind", "speaker", "place", "source")}
    outcome = import_dataset(args.data, args.seeds, args.content, fields, args.force)
    for note in outcome.skipped:
        print(f"warning: {note}", file=sys.stderr)
    if outcome.errors:
        print(f"wenji: import failed, {len(outcome.errors)} error(s); nothing written:", file=sys.stderr)
        for err in BuildError(outcome.errors).errors:
            print(f"  {err}", file=sys.stderr)
        return 1
    for path in outcome.written:
        print(f"wrote {path}")
    print(f"wenji: imported {outcome.speeches} speeches from {args.data}: "
          f"{len(outcome.written)} files written, {len(outcome.unchanged)} unchanged, "
          f"{len(outcome.skipped)} rows without text skipped")
    return 0




def run(argv: list[str] | None = None) -> None:
    sys.exit(main(sys.argv[2:] if argv is None else argv))
