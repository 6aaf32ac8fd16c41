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

__all__ = ["colour_classes", "greedy_colouring"]


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
        c = 0
        while seen[c] == i:
            c += 1
        colour[i] = c
    return colour


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
    csr = sp.csr_array(J) if sp.issparse(J) else sp.csr_array(np.asarray(J) != 0)
    colour = greedy_colouring(csr.indptr.astype(np.int64), csr.indices.astype(np.int64))
    order = np.argsort(colour, kind="stable")
    bounds = np.searchsorted(colour[order], np.arange(int(colour.max()) + 2))
    return [order[bounds[c] : bounds[c + 1]] for c in range(len(bounds) - 1)]
