#!/usr/bin/env python3
"""What folding traditional characters to simplified costs: build time and browser weight.

Runs cold builds of tests/corpus-real in one process each (workers=1, cache off), alternating a
build with folding and one with ``simplify`` made the identity (and no script detection), and
prints each build's CPU seconds, the time spent inside ``simplify`` and the ratios. Then the
gzip size of the browser's table (static/vendor/opencc/t2s.js), which the search page loads
for its first query.

    python bench/folding.py            # 3 pairs
    python bench/folding.py --pairs 5
"""
from __future__ import annotations

import argparse
import gzip
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

ONE_BUILD = r"""
import sys, tempfile, time
from pathlib import Path
sys.path.insert(0, sys.argv[2])
import wenji.search.terms as terms, wenji.segment as segment, wenji.themes as themes, wenji.keywords as keywords
import wenji.site as site
from wenji.cache import Cache
spent = [0.0]
real = terms.simplify
def timed(text):
    t = time.perf_counter(); out = real(text); spent[0] += time.perf_counter() - t; return out
fold = sys.argv[1] == "on"
for m in (terms, segment, themes, keywords):
    m.simplify = timed if fold else (lambda text: text)
if not fold:
    site.script_language = lambda text: ""
R = Path(sys.argv[2]) / "tests" / "corpus-real"
c = time.process_time()
site.build(R / "seeds", R / "content", Path(tempfile.mkdtemp()) / "site", cache=Cache(enabled=False), workers=1)
print(time.process_time() - c, spent[0])
"""


def one(mode: str) -> tuple[float, float]:
    out = subprocess.run([sys.executable, "-c", ONE_BUILD, mode, str(REPO)], check=True, capture_output=True, text=True)
    cpu, inside = out.stdout.split()[-2:]
    return float(cpu), float(inside)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=3)
    args = ap.parse_args()
    on, off = [], []
    for i in range(args.pairs):
        cpu_on, inside = one("on")
        cpu_off, _ = one("off")
        on.append(cpu_on)
        off.append(cpu_off)
        print(f"pair {i + 1}: with folding {cpu_on:.2f} s CPU ({inside:.3f} s in simplify, {inside / cpu_on:.1%}), "
              f"without {cpu_off:.2f} s")
    print(f"mean: with {sum(on) / len(on):.2f} s, without {sum(off) / len(off):.2f} s, "
          f"ratio {sum(on) / sum(off):.3f}")
    table = (REPO / "static" / "vendor" / "opencc" / "t2s.js").read_bytes()
    print(f"static/vendor/opencc/t2s.js: {len(table):,} bytes, {len(gzip.compress(table, 9)):,} gzip")


if __name__ == "__main__":
    main()
