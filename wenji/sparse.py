"""Sparse matrices in compressed rows, multiplied by scipy's own compiled kernels.

The related passages (wenji.related) need a few operations on the sections' matrix of weights:
rows taken out, the transpose, the product of some rows with the transpose, and the dot
products of chosen pairs of rows. scipy.sparse does each with a kernel of its compiled module
``_sparsetools``; importing scipy.sparse itself imports every part of numpy on the way
(numpy.f2py, numpy.testing, numpy.ma...: 0.26 s of a rebuild at 1,000 synthetic speeches,
more than the related passages' products took). Here the kernels are called as scipy.sparse
calls them (but for the size of a product's arrays: see ``product``), on the same arrays, so
every product is the same to the last bit (tests/test_sparse.py compares them with
scipy.sparse's). ``_sparsetools`` is scipy's own, not
a public interface: its signatures are those of the scipy that requirements.txt pins, and the
tests above fail on a scipy that changed them.
"""
from __future__ import annotations

from typing import NamedTuple

from . import lazy

np = lazy.module("numpy")
kernels = lazy.extension("scipy.sparse", "_sparsetools")
PAIRS_AT_ONCE = 4096  # pairs whose dot products are made at once (see pair_dots)
COUNT_ABOVE = 2**24  # entries a product may hold above which they are counted before it is made (see product)


class CSR(NamedTuple):
    """A matrix in compressed rows: row i's entries are ``indices[indptr[i]:indptr[i+1]]``
    (columns, ascending) with ``data`` alike."""

    indptr: "np.ndarray"  # int32
    indices: "np.ndarray"  # int32
    data: "np.ndarray"  # float64
    shape: tuple[int, int]

    @property
    def nnz(self) -> int:
        return int(self.indptr[-1])


def from_entries(rows: "np.ndarray", cols: "np.ndarray", data: "np.ndarray", shape: tuple[int, int]) -> CSR:
    """The matrix of these entries, given in order (rows ascending, each row's columns
    ascending, none twice), as ``scipy.sparse.csr_matrix((data, (rows, cols)))`` holds them."""
    indptr = np.zeros(shape[0] + 1, np.int32)
    np.cumsum(np.bincount(rows, minlength=shape[0]), out=indptr[1:])
    return CSR(indptr, np.asarray(cols, np.int32), np.asarray(data, np.float64), shape)


def ranges(starts: "np.ndarray", sizes: "np.ndarray") -> "np.ndarray":
    """The places ``starts[i]``, ``starts[i] + 1``, ... up to ``starts[i] + sizes[i]`` (not
    included) of every i, one run after the other: the entries of chosen rows, read from their
    ranges without looking at the others."""
    sizes = np.asarray(sizes, np.int64)
    return np.repeat(np.asarray(starts, np.int64) - np.cumsum(sizes) + sizes, sizes) + np.arange(int(sizes.sum()))


def take_rows(m: CSR, rows: "np.ndarray") -> CSR:
    """The rows ``rows`` of ``m``, in that order (``m[rows]``)."""
    rows = np.asarray(rows, np.int64)
    sizes = m.indptr[rows + 1] - m.indptr[rows]
    indptr = np.zeros(len(rows) + 1, np.int32)
    np.cumsum(sizes, out=indptr[1:])
    at = ranges(m.indptr[rows], sizes)
    return CSR(indptr, m.indices[at], m.data[at], (len(rows), m.shape[1]))


def transposed(m: CSR) -> CSR:
    """``m.T`` in compressed rows (its rows are ``m``'s columns, each one's entries in row order)."""
    indptr = np.empty(m.shape[1] + 1, np.int32)
    indices = np.empty(m.nnz, np.int32)
    data = np.empty(m.nnz, np.float64)
    kernels.csr_tocsc(m.shape[0], m.shape[1], m.indptr, m.indices, m.data, indptr, indices, data)
    return CSR(indptr, indices, data, (m.shape[1], m.shape[0]))


def product(a: CSR, b: CSR) -> CSR:
    """``a @ b``: each entry the sum of the products of a row of ``a`` and a column of ``b``,
    added in the order of ``a``'s row (a row's entries in the kernel's order, not sorted).
    The kernel writes into arrays given to it, as large as the product may be: scipy counts
    the product's entries first (``csr_matmat_maxnnz``), a pass over every product as long as
    the product itself takes (0.27 s of CPU to 0.50 s for the related passages at 1,000
    synthetic speeches). Here a bound that costs nothing to compute sizes them instead (each
    row at most the entries of the rows of ``b`` its own entries meet, and no more than ``b``
    has columns): memory reserved and not written to is never used. Only a product whose
    bound is above COUNT_ABOVE entries is counted first."""
    n, m = a.shape[0], b.shape[1]
    nnz = _bound(a, b)
    if nnz > COUNT_ABOVE:
        nnz = kernels.csr_matmat_maxnnz(n, m, a.indptr, a.indices, b.indptr, b.indices)
    if nnz >= 2**31:
        raise ValueError("sparse product too large for 32-bit indices")
    indptr = np.empty(n + 1, np.int32)
    indices = np.empty(nnz, np.int32)
    data = np.empty(nnz, np.float64)
    kernels.csr_matmat(n, m, a.indptr, a.indices, a.data, b.indptr, b.indices, b.data, indptr, indices, data)
    end = int(indptr[-1])
    return CSR(indptr, indices[:end], data[:end], (n, m))


def _bound(a: CSR, b: CSR) -> int:
    """How many entries ``a @ b`` may hold at most (see product)."""
    met = np.concatenate([[0], np.cumsum((b.indptr[1:] - b.indptr[:-1]).astype(np.int64)[a.indices])])
    return int(np.minimum(met[a.indptr[1:]] - met[a.indptr[:-1]], b.shape[1]).sum())


def pair_dots(m: CSR, a: "np.ndarray", b: "np.ndarray") -> "np.ndarray":
    """Row ``a[p]`` times row ``b[p]`` for each p (``(m[a].multiply(m[b])) @ ones``): the
    products of their common columns, added in column order from 0. Taken PAIRS_AT_ONCE pairs
    at a time, so that the rows copied out and their products are a few megabytes used again
    and again, not one array of each the size of all: after an edit at 1,000 synthetic speeches
    that moved every IDF (53,718 pairs, 2.2 million entries a side), 0.04-0.28 s in the build
    all at once, 0.03-0.04 s so (four each, alternating)."""
    if not len(a):
        return np.zeros(0)
    return np.concatenate([_pair_dots(m, a[i:i + PAIRS_AT_ONCE], b[i:i + PAIRS_AT_ONCE])
                           for i in range(0, len(a), PAIRS_AT_ONCE)])


def _pair_dots(m: CSR, a: "np.ndarray", b: "np.ndarray") -> "np.ndarray":
    x, y = take_rows(m, a), take_rows(m, b)
    size = x.nnz + y.nnz
    indptr = np.empty(len(a) + 1, np.int32)
    indices = np.empty(size, np.int32)
    data = np.empty(size, np.float64)
    kernels.csr_elmul_csr(len(a), m.shape[1], x.indptr, x.indices, x.data, y.indptr, y.indices, y.data,
                          indptr, indices, data)
    out = np.zeros(len(a))
    kernels.csr_matvec(len(a), m.shape[1], indptr, indices, data, np.ones(m.shape[1]), out)
    return out
