"""wenji.sparse: scipy's kernels called without scipy.sparse give scipy.sparse's results, bit for bit."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import scipy.sparse

from wenji import sparse


def _matrix(seed: int, shape=(80, 400), density=0.2):
    rng = np.random.default_rng(seed)
    dense = rng.random(shape) * (rng.random(shape) < density)
    dense[3] = 0  # a row without entries
    return scipy.sparse.csr_matrix(dense)


def _ours(m) -> sparse.CSR:
    coo = m.tocoo()
    return sparse.from_entries(coo.row, coo.col, coo.data, m.shape)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_entries_make_the_arrays_scipy_makes(seed):
    m = _matrix(seed)
    got = _ours(m)
    assert np.array_equal(got.indptr, m.indptr) and np.array_equal(got.indices, m.indices)
    assert np.array_equal(got.data, m.data)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rows_and_transpose_are_scipys(seed):
    m = _matrix(seed)
    rows = np.array([5, 3, 70, 5, 0])
    taken = sparse.take_rows(_ours(m), rows)
    assert np.array_equal(scipy.sparse.csr_matrix((taken.data, taken.indices, taken.indptr), taken.shape).toarray(),
                          m[rows].toarray())
    t = sparse.transposed(_ours(m))
    expected = m.T.tocsr()
    assert np.array_equal(t.indptr, expected.indptr) and np.array_equal(t.indices, expected.indices)
    assert np.array_equal(t.data, expected.data)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("count_above", [sparse.COUNT_ABOVE, -1])  # sized by the bound, or counted first
def test_a_block_times_the_transpose_is_scipys_product_to_the_last_bit(seed, count_above, monkeypatch):
    monkeypatch.setattr(sparse, "COUNT_ABOVE", count_above)
    m = _matrix(seed)
    ours = _ours(m)
    rows = np.arange(10, 50)
    got = sparse.product(sparse.take_rows(ours, rows), sparse.transposed(ours))
    expected = (m[10:50] @ m.T).tocsr()
    mine = scipy.sparse.csr_matrix((got.data, got.indices, got.indptr), got.shape)
    assert np.array_equal(mine.toarray(), expected.toarray())  # bit for bit, not approximately
    assert np.array_equal(got.indptr, expected.indptr)


def test_the_bound_of_a_product_is_at_least_its_entries_and_at_most_a_full_row_each():
    for seed, density in ((1, 0.3), (2, 0.01), (3, 0.001)):
        m = _matrix(seed, density=density)
        ours = _ours(m)
        t = sparse.transposed(ours)
        counted = sparse.kernels.csr_matmat_maxnnz(m.shape[0], m.shape[0], ours.indptr, ours.indices,
                                                   t.indptr, t.indices)
        assert (m @ m.T).nnz <= counted <= sparse._bound(ours, t) <= m.shape[0] * m.shape[0]


def test_dot_products_of_chosen_rows_are_the_sparse_products_to_the_last_bit(monkeypatch):
    rng = np.random.default_rng(3)
    dense = rng.random((60, 300)) * (rng.random((60, 300)) < 0.3)
    m = scipy.sparse.csr_matrix(dense / np.linalg.norm(dense, axis=1, keepdims=True))
    full = (m @ m.T).toarray()
    a, b = rng.integers(0, 60, size=500), rng.integers(0, 60, size=500)
    got = sparse.pair_dots(_ours(m), a, b)
    assert np.array_equal(got, full[a, b])  # bit for bit, not approximately
    monkeypatch.setattr(sparse, "PAIRS_AT_ONCE", 7)  # many pieces, the last one short
    assert np.array_equal(sparse.pair_dots(_ours(m), a, b), got)
    assert not np.array_equal(got, np.einsum("ij,ij->i", m[a].toarray(), m[b].toarray()))
    assert len(sparse.pair_dots(_ours(m), np.zeros(0, int), np.zeros(0, int))) == 0


def test_the_kernels_load_without_importing_scipy():
    code = ("import sys, numpy as np\nfrom wenji import sparse\n"
            "m = sparse.from_entries(np.array([0, 1]), np.array([1, 0]), np.array([2.0, 3.0]), (2, 2))\n"
            "p = sparse.product(m, sparse.transposed(m))\n"
            "print(p.data.tolist(), 'scipy' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["[4.0,", "9.0]", "False"]


def test_ranges_are_the_runs_one_after_the_other():
    assert sparse.ranges(np.array([5, 0, 9]), np.array([2, 0, 3])).tolist() == [5, 6, 9, 10, 11]
    assert sparse.ranges(np.zeros(0, int), np.zeros(0, int)).tolist() == []
