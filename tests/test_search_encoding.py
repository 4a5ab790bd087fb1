"""wenji.search.encoding: the vint code, and a block's postings encoded at once in numpy equal to
the plain encoding posting by posting."""
from __future__ import annotations

import numpy as np

from wenji.search.documents import speech_documents
from wenji.search.encoding import DIGITS, block_fragment, key16, term_parts, vint, vints
from wenji.search.postings import block_postings, dropped_bigrams
from wenji.search.terms import HEAD, TF, speech_terms, utf16_key


def test_vint_round_trip_and_order():
    for n in list(range(0, 3000)) + [10**6, 2**31 - 1, 2**40]:
        s = vint(n)
        assert all(c in DIGITS for c in s) and s[-1] in DIGITS[:48]
        assert all(c in DIGITS[48:] for c in s[:-1])
    assert [len(vint(n)) for n in (47, 48, 815, 816)] == [1, 2, 2, 3]
    assert len({vint(n) for n in range(5000)}) == 5000
    chars = sorted(["a", "é", "一", "\ue000", "\uffe5", "𠮷", "😀", "\U000e0100"], key=utf16_key)
    keys = [key16(c) for c in chars]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)


def test_numpy_fragments_equal_the_plain_encoding(synthetic_archive):
    """A block's postings coded all at once equal vint applied posting by posting."""
    for dropped_rule in (False, True):
        speeches = [speech_terms([(d.heading, d.text) for d in speech_documents(i, s)])
                    for i, s in enumerate(synthetic_archive.speeches[:4])]
        terms = [t for st in speeches for t in st.docs()]
        dropped = dropped_bigrams(terms, 1) if dropped_rule else set()
        frag = block_fragment(speeches, dropped)
        block = block_postings(terms, dropped)
        want = {}
        for k, post in block.post.items():
            docs, vals = [v >> 32 for v in post], [v & ((1 << 32) - 1) for v in post]
            tfs = [v & TF for v in vals]
            rest = "".join(vint(2 * (d - p - 1) + (tf > 1)) + (vint(tf - 2) if tf > 1 else "")
                           for d, p, tf in zip(docs[1:], docs, tfs[1:]))
            heads = tuple(i for i, v in enumerate(vals) if v & HEAD)
            want[k] = (len(post), docs[0], tfs[0], rest, docs[-1], heads)
        assert term_parts(frag) == want
        assert list(frag.lengths) == list(block.lengths) and frag.docs == len(terms)
        assert {c: list(ds) for c, ds in frag.heads.items()} == {c: list(ds) for c, ds in block.heads.items()}
    xs = np.array(list(range(3000)) + [10**6, 2**31 - 1, 2**40], np.int64)
    ys = np.arange(len(xs), dtype=np.int64) % 900
    chars, offsets = vints([xs, ys], [None, ys % 3 == 0])
    rows = [vint(int(x)) + (vint(int(y)) if y % 3 == 0 else "") for x, y in zip(xs, ys)]
    assert chars == "".join(rows) and list(offsets) == [0, *np.cumsum([len(r) for r in rows])]
