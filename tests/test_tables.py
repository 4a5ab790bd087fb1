from __future__ import annotations

import numpy as np

from wenji import tables
from wenji.tables import CodeTable, worth_a_table


def test_a_code_tables_values_are_asked_once_per_code_point_and_kept_as_it_grows():
    asked = []
    table = CodeTable(lambda cp: asked.append(cp) or cp % 1000)
    text = "发展，发展"
    points = np.frombuffer(text.encode("utf-32-le"), np.uint32)
    assert table.of(points).tolist() == [ord(c) % 1000 for c in text]
    assert sorted(asked) == sorted({ord(c) for c in text})
    assert len(table.table) == 0x10000  # the BMP, not every code point
    wider = np.frombuffer("𠀋发".encode("utf-32-le"), np.uint32)
    assert table.of(wider).tolist() == [0x2000B % 1000, ord("发") % 1000]
    assert asked[-1] == 0x2000B and asked.count(ord("发")) == 1  # 发 was kept when the table grew
    assert len(table.table) == 0x30000
    assert table.of(np.zeros(0, np.uint32)).tolist() == []


def test_a_table_is_made_only_where_it_is_small_beside_what_is_looked_up_in_it():
    assert worth_a_table(1000, 1000)
    assert not worth_a_table(tables.ENTRIES_PER_LOOKUP * 1000 + 1, 1000)
    assert not worth_a_table(tables.TABLE_SIZE + 1, 10 * tables.TABLE_SIZE)
