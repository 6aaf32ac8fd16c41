"""The greedy colouring behind the torch backend's asynchronous sweep (no torch needed)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import isingeq
from isingeq.backends._colouring import colour_classes


def _random_graph(n: int, m: int, seed: int) -> isingeq.SpinGlass:
    rng = np.random.default_rng(seed)
    edges = rng.integers(0, n, size=(m, 2))
    edges = edges[edges[:, 0] != edges[:, 1]]
    edges = np.unique(np.sort(edges, axis=1), axis=0)
    return isingeq.SpinGlass.from_maxcut(n, edges, rng.choice([-1.0, 1.0], len(edges)))


@pytest.mark.parametrize(("n", "m", "seed"), [(1, 0, 0), (40, 60, 1), (200, 2000, 2), (300, 90, 3)])
def test_classes_partition_the_nodes_and_hold_no_coupling(n: int, m: int, seed: int) -> None:
    model = _random_graph(n, m, seed)
    classes = colour_classes(model)
    joined = np.concatenate(classes)
    np.testing.assert_array_equal(np.sort(joined), np.arange(n))
    J = sp.csr_array(model.J)
    degree = np.diff(J.indptr).max() if n > 1 else 0
    assert len(classes) <= degree + 1  # greedy never needs more
    for c in classes:
        assert np.all(np.diff(c) > 0)
        assert J[c][:, c].nnz == 0, "two coupled nodes share a colour"


def test_a_dense_model_is_coloured_by_its_nonzero_couplings() -> None:
    dense = isingeq.paper_instance(7, rng=0)  # all pairs coupled: one node per colour
    assert len(colour_classes(dense)) == 7
    assert len(colour_classes(isingeq.SpinGlass(np.eye(5)))) == 1  # biases only: one class


def test_g81_torus_takes_two_colours() -> None:
    """The GPU benchmark's sparse instance: a 2-D torus of even sides is bipartite."""
    from pathlib import Path

    path = Path(__file__).parents[3] / "shared" / "data" / "gset" / "G81.txt"
    if not path.exists():
        pytest.skip(f"{path} not present")
    inst = isingeq.io.gset.read_gset(path)
    assert [len(c) for c in colour_classes(inst.model)] == [10_000, 10_000]


@pytest.mark.parametrize("density", [1.0, 0.3, 0.02])
def test_a_dense_model_is_coloured_as_its_sparse_twin_without_a_copy_of_the_couplings(
    density: float,
) -> None:
    # the colouring of a dense model went through a boolean copy of J and a CSR pattern of
    # it (26 bytes a coupling at peak, over three times the model's own 8) before any memory
    # check; now it reads J in place
    import tracemalloc

    rng = np.random.default_rng(5)
    n = 300
    upper = np.triu(rng.uniform(-1, 1, (n, n)) * (rng.random((n, n)) < density), k=1)
    dense = isingeq.SpinGlass(upper + np.diag(rng.uniform(-1, 1, n)))
    twin = isingeq.SpinGlass(sp.csr_array(dense.eps))
    expected = colour_classes(twin)
    colour_classes(dense)  # the kernels' loads are not the point
    tracemalloc.start()
    try:
        got = colour_classes(dense)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [c.tolist() for c in got] == [c.tolist() for c in expected]
    assert peak < n * n, f"colouring a dense n={n} model took {peak} bytes"
