"""Greedy graph colouring: classes of nodes with no coupling between them.

The asynchronous sweep of :mod:`isingeq.solvers.mfa_async` updates the nodes one after another,
each seeing its neighbours' latest values. Nodes of one colour class are not neighbours, so they
can all be updated at once and still see exactly what a one-by-one sweep in the order "class 0,
then class 1, ..." would show them: the coloured sweep *is* an asynchronous sweep, in that order,
and parallel within a class (:class:`isingeq.backends.torch.ColouredSweeps`).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from numba import njit

from ..model import SpinGlass

__all__ = ["colour_classes", "greedy_colouring", "greedy_colouring_dense", "load_colouring"]


@njit(nogil=True, cache=True, inline="always")
def _first_free(seen, i):  # pragma: no cover - compiled
    """The smallest colour that no coloured neighbour of node ``i`` has (``seen[c] == i``)."""
    c = 0
    while seen[c] == i:
        c += 1
    return c


@njit(nogil=True, cache=True)
def greedy_colouring(indptr, indices):  # pragma: no cover - compiled
    """Colour of each node of the graph of CSR pattern ``(indptr, indices)``: nodes in index
    order, each taking the smallest colour none of its coloured neighbours has (at most the
    largest degree + 1 colours). Self-loops are ignored."""
    n = indptr.shape[0] - 1
    colour = np.full(n, -1, dtype=np.int64)
    seen = np.full(n + 1, -1, dtype=np.int64)  # seen[c] == i: colour c is taken next to i
    for i in range(n):
        for k in range(indptr[i], indptr[i + 1]):
            j = indices[k]
            if j != i and colour[j] >= 0:
                seen[colour[j]] = i
        colour[i] = _first_free(seen, i)
    return colour


@njit(nogil=True, cache=True)
def greedy_colouring_dense(J):  # pragma: no cover - compiled
    """:func:`greedy_colouring` of the graph ``J_ij != 0`` of a dense symmetric ``J``, read in
    place (a CSR pattern of a dense model cost over three times the model's own memory)."""
    n = J.shape[0]
    colour = np.full(n, -1, dtype=np.int64)
    seen = np.full(n + 1, -1, dtype=np.int64)
    for i in range(n):
        for j in range(i):  # the nodes coloured before i (the diagonal is not an edge)
            if J[i, j] != 0:
                seen[colour[j]] = i
        colour[i] = _first_free(seen, i)
    return colour


def load_colouring(model: SpinGlass) -> None:
    """Load the colouring kernel of ``model``'s storage, on a graph of one node: a process's
    first colouring took 0.2-0.3 s from numba's cache, which a ``time_limit`` must not count
    (:func:`isingeq.solvers._common.load_kernels`)."""
    if model.is_sparse:
        greedy_colouring(np.zeros(2, dtype=np.int64), np.zeros(0, dtype=np.int64))
    else:
        greedy_colouring_dense(np.zeros((1, 1)))


def colour_classes(model: SpinGlass) -> list[np.ndarray]:
    """The colour classes of the model's coupling graph (``J_ij != 0``), in colour order.

    Each class is an increasing int64 array of node indices; together they partition
    ``range(n)``, and no two nodes of one class are coupled.

    Examples
    --------
    >>> import isingeq
    >>> m = isingeq.SpinGlass.from_maxcut(4, [(0, 1), (1, 2), (2, 3), (3, 0)])  # a 4-cycle
    >>> [c.tolist() for c in colour_classes(m)]
    [[0, 2], [1, 3]]
    """
    J = model.J
    if sp.issparse(J):
        csr = sp.csr_array(J)
        colour = greedy_colouring(csr.indptr.astype(np.int64), csr.indices.astype(np.int64))
    else:
        colour = greedy_colouring_dense(np.ascontiguousarray(J, dtype=np.float64))
    order = np.argsort(colour, kind="stable")
    bounds = np.searchsorted(colour[order], np.arange(int(colour.max()) + 2))
    return [order[bounds[c] : bounds[c + 1]] for c in range(len(bounds) - 1)]
