"""wenji/deflate.py writes the data files the browser inflates (search texts and term shards,
trend shards, comparison data) as deflated JSON in a base85 string; wenjiSearch.inflate
(static/search-engine.js, run here under Node) must read back exactly what was written."""
from __future__ import annotations

import base64
import json
import random
import subprocess

import pytest

from searchtruth import NODE, REPO
from wenji import deflate

INFLATE = r"""
const fs = require('fs');
global.window = global;
require(process.argv[2] + '/static/search-engine.js');
const texts = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
Promise.all(texts.map(t => wenjiSearch.inflate(JSON.parse(t))))
  .then(values => fs.writeFileSync(process.argv[4], JSON.stringify(values)));
"""


def values() -> list:
    """JSON values whose deflated bytes end on every remainder mod 4 (the last base85 group)."""
    rng = random.Random(7)
    out: list = ["", "两个确立", [1, -1, "（一）坚持党的全面领导", 2, "×××同志说：“**”。\\n"], {"t": "😀 \"引号\" 𠀀"}]
    for n in range(1, 60):
        out.append([rng.randrange(10**6) for _ in range(n)] + ["".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(n))])
    return out


def test_deflated_text_is_a_plain_js_string_and_the_same_every_time():
    for value in values():
        text = deflate.deflated_json(value)
        assert text == deflate.deflated_json(value)
        assert text.startswith('"') and text.endswith('"') and not set(text[1:-1]) & set('"\\\'\n')
        assert deflate.inflated_json(text) == value


def test_five_characters_carry_four_deflated_bytes():
    for value in values():
        plain = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        packed = len(deflate.libdeflate.zlib_compress(plain, deflate.LEVEL))
        assert len(deflate.deflated_json(value)) - 2 == packed + (packed + 3) // 4  # base64: 4 per 3


def test_the_browser_inflates_what_the_build_deflated(tmp_path):
    if NODE is None:
        pytest.fail("node is needed for the engine's tests (apt-get install nodejs)")
    cases = values()
    (tmp_path / "inflate.js").write_text(INFLATE, "utf-8")
    (tmp_path / "in.json").write_text(json.dumps([deflate.deflated_json(v) for v in cases]), "utf-8")
    proc = subprocess.run([NODE, str(tmp_path / "inflate.js"), str(REPO), str(tmp_path / "in.json"),
                           str(tmp_path / "out.json")], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads((tmp_path / "out.json").read_text("utf-8")) == cases


def test_base85_is_the_standard_librarys_to_the_byte():
    rng = random.Random(11)
    cases = [b"", b"\0", b"\0" * 4, b"\0" * 7, b"\xff" * 4, b"\xff" * 9, bytes(range(256))]
    cases += [rng.randbytes(n) for n in list(range(1, 33)) + [rng.randrange(100, 50_000) for _ in range(20)]]
    for data in cases:
        assert deflate.b85encode(data) == base64.b85encode(data), len(data)
