"""wenji.masks: anonymisation marks found where the mask pattern finds them."""
from __future__ import annotations

import random
import re

from wenji import masks


def test_marks_are_found_where_the_mask_pattern_finds_them():
    starts = {chr(c) for c in [*range(0x21, 0x2500), *range(0x2550, 0x2580), *range(0xFF00, 0xFFF0)]}
    for c in starts | set(masks.MASK.pattern):  # every character that can begin a mark is looked for
        if masks.MASK.match(c) or masks.MASK.search(c * 3):
            assert masks.MARK_START.match(c), c
    rng = random.Random(5)
    alphabet = sorted(set(masks.MASK.pattern) | set("xX*×.．ab市县 <>&"))
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(14)))
        assert masks.pieces(text) == re.split(f"({masks.MASK.pattern})", text), text


def test_marks_are_replaced_where_the_mask_pattern_replaces_them():
    rng = random.Random(7)
    alphabet = sorted(set(masks.MASK.pattern) | set("xX*×.．ab市县 \n"))
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(16)))
        assert masks.replaced(text, " ") == masks.MASK.sub(" ", text), text
    assert masks.replaced("某县××镇x.xx万元，GDP增长", " ") == "某县 镇 万元，GDP增长"
