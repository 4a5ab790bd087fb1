"""wenji.masks: anonymisation marks found where the mask pattern finds them."""
from __future__ import annotations

import random
import re

from wenji import masks

LETTER = "A-Za-zＡ-Ｚａ-ｚ"
PLAIN_MARK = rf"(?:[*＊×╳]+|(?<![{LETTER}])[xXＸｘ]+(?![{LETTER}]))"  # the rule, as plainly as it can be written
PLAIN = re.compile(rf"{PLAIN_MARK}(?:[.．]{PLAIN_MARK})*")


def test_marks_are_found_where_the_mask_pattern_finds_them():
    starts = {chr(c) for c in [*range(0x21, 0x2500), *range(0x2550, 0x2580), *range(0xFF00, 0xFFF0)]}
    for c in starts | set(masks.MASK.pattern):  # every character that can begin a mark is looked for
        if masks.MASK.match(c) or masks.MASK.search(c * 3):
            assert masks.MARK_START.match(c), c
    rng = random.Random(5)
    alphabet = sorted(set(masks.MASK.pattern) | set("xX*×.．ab市县 <>&"))
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(14)))
        assert masks.pieces(text) == re.split(f"({PLAIN.pattern})", text), text


def test_masks_are_what_the_plain_rule_finds():
    rng = random.Random(7)
    alphabet = sorted(set(PLAIN.pattern) | set("xX*×.．ab市县 \n"))
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(16)))
        assert masks.MASK.findall(text) == PLAIN.findall(text), text
        assert masks.MASK.sub("|", text) == PLAIN.sub("|", text), text
    assert masks.MASK.sub(" ", "某县××镇x.xx万元，Xi说xx，box里＊＊") == "某县 镇 万元，Xi说 ，box里 "
