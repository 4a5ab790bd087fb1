"""wenji.model: the dataclasses the steps pass on, as the cache and worker processes carry them."""
from __future__ import annotations

import pickle

from wenji.model import Paragraph, Section


def test_a_section_tree_comes_back_from_a_pickle_with_every_field():
    """Sections and paragraphs pickle as their fields in order: every field, defaults or not,
    comes back, and so does the tree's shape."""
    note = Paragraph("p3", "［1］见某文件。", 12, kind="note", note=1)
    sub = Section("s1-2", "（二）深化改革", 2, "paren-cn", line=9, runin=True, number=2,
                  blocks=[Paragraph("p2", "要坚持……", 9, kind="item"), note])
    root = Section("", "", 0, "root", blocks=[Paragraph("p1", "同志们：", 1, kind="salutation"),
                                             Section("s1", "一、总体要求", 1, "cn", line=3, number=1, blocks=[sub])])
    back = pickle.loads(pickle.dumps(root, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == root
    assert back.blocks[1].blocks[0].blocks[1] == note and back.blocks[1].blocks[0].runin is True
    assert [s.id for s, _ in back.walk()] == ["", "s1", "s1-2"]
