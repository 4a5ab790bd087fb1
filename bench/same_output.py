#!/usr/bin/env python3
"""Does the working tree build the same sites as a git revision?  ``python bench/same_output.py REV``

For a change that should alter no output (a redesign, a speed-up): checks REV out with
``git worktree add`` into a temporary folder, builds the same inputs with REV's code and with
the working tree's (each in a fresh process, with an empty build cache), and compares every
output file byte for byte. The inputs are the working tree's, for both builds:

- ``seeds``: the bundled demo (``seeds/``, ``content/``);
- ``real``: the real archive in the repository (``tests/corpus-real/``), 37 national reports.

Prints, per archive, how many files are identical, which differ and which exist on one side
only; differing text files are shown as a unified diff, files with the same diff (wherever in
the file) grouped, so that an intended change (a script tag, a renamed file) reads as one entry. Exits 0 when every
file of every archive is identical, 1 otherwise.

    python bench/same_output.py main            # against main
    python bench/same_output.py HEAD~3 --only seeds --keep /tmp/cmp
"""
from __future__ import annotations

import argparse
import difflib
import os
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARCHIVES = {
    "seeds": (ROOT / "seeds", ROOT / "content"),
    "real": (ROOT / "tests" / "corpus-real" / "seeds", ROOT / "tests" / "corpus-real" / "content"),
}


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()


def build(code: Path, seeds: Path, content: Path, out: Path, cache: Path) -> None:
    """``build.py`` of the tree at ``code`` in a process of its own, with an empty cache."""
    env = dict(os.environ, WENJI_CACHE=str(cache), PYTHONDONTWRITEBYTECODE="1")
    cmd = [sys.executable, "build.py", "--seeds", str(seeds), "--content", str(content), "--out", str(out), "-q"]
    proc = subprocess.run(cmd, cwd=code, env=env, capture_output=True, text=True)
    if proc.returncode:
        sys.exit(f"build with the code of {code} failed:\n{proc.stdout}{proc.stderr}")


def files(folder: Path) -> dict[str, Path]:
    return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*")) if p.is_file()}


def text_diff(a: bytes, b: bytes, context: int) -> list[str]:
    """A unified diff of two text files, hunk headers without line numbers (so that the same
    change at different places reads alike); for binary files, their sizes."""
    try:
        old, new = a.decode("utf-8").splitlines(), b.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return [f"binary, {len(a):,} -> {len(b):,} bytes"]
    lines = list(difflib.unified_diff(old, new, n=context, lineterm=""))[2:]
    return [("@@" if line.startswith("@@") else line if len(line) < 160 else line[:160] + "…") for line in lines]


def compare(before: Path, after: Path, context: int, show: int, lines: int) -> bool:
    """Print how the two sites differ; True when every file is the same."""
    a, b = files(before), files(after)
    same = [n for n in a if n in b and a[n].read_bytes() == b[n].read_bytes()]
    changed = [n for n in a if n in b and n not in same]
    print(f"  {len(same)} of {len(set(a) | set(b))} files identical")
    for side, names in (("only before", sorted(set(a) - set(b))), ("only after", sorted(set(b) - set(a)))):
        if names:
            print(f"  {side} ({len(names)}): " + ", ".join(names))
    groups: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for n in changed:
        groups[tuple(text_diff(a[n].read_bytes(), b[n].read_bytes(), context))].append(n)
    for diff, names in sorted(groups.items(), key=lambda g: g[1][0]):
        listed = ", ".join(names[:show]) + (f" and {len(names) - show} more" if len(names) > show else "")
        print(f"  differ ({len(names)}): {listed}")
        shown = list(diff[:lines]) + ([f"… {len(diff) - lines} more lines"] if len(diff) > lines else [])
        print("    " + "\n    ".join(shown))
    return not changed and set(a) == set(b)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("rev", help="the git revision to compare with (a commit, a branch, HEAD~1)")
    ap.add_argument("--only", choices=sorted(ARCHIVES), action="append", help="compare this archive only")
    ap.add_argument("--keep", type=Path, help="build into this folder and leave it (default: a temporary one)")
    ap.add_argument("--context", type=int, default=1, help="lines of context in the diffs (default 1)")
    ap.add_argument("--show", type=int, default=6, help="file names listed per group of alike diffs (default 6)")
    ap.add_argument("--lines", type=int, default=20, help="lines of each diff shown (default 20)")
    args = ap.parse_args()
    commit = git("rev-parse", "--verify", args.rev + "^{commit}")
    dirty = git("status", "--porcelain", "--untracked-files=no")
    print(f"before: {args.rev} ({commit[:12]}); after: the working tree of {ROOT}"
          + (" (with uncommitted changes)" if dirty else ""))
    work = args.keep or Path(tempfile.mkdtemp(prefix="wenji-same-output-"))
    work.mkdir(parents=True, exist_ok=True)
    checkout = work / "rev"
    if checkout.exists():
        git("worktree", "remove", "--force", str(checkout))
    git("worktree", "add", "--detach", str(checkout), commit)
    ok = True
    try:
        for name in args.only or sorted(ARCHIVES):
            seeds, content = ARCHIVES[name]
            print(f"== {name}: {seeds.relative_to(ROOT)}")
            sites = {}
            for side, code in (("before", checkout), ("after", ROOT)):
                sites[side] = work / f"{name}-{side}"
                shutil.rmtree(sites[side], ignore_errors=True)
                build(code, seeds, content, sites[side], work / f"cache-{name}-{side}")
            ok &= compare(sites["before"], sites["after"], args.context, args.show, args.lines)
    finally:
        git("worktree", "remove", "--force", str(checkout))
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print("same output" if ok else "the output differs")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
