"""Max-cut <-> model: from_maxcut gives H = -cut, to_maxcut gives H = constant - 2 cut([x, 1])."""

from __future__ import annotations

import io

import numpy as np
import pytest
import scipy.sparse as sp

import isingeq
from isingeq import SpinGlass
from isingeq.io import read_gset, write_gset

from .conftest import all_states, cut_value, random_graph


@pytest.mark.parametrize("seed", range(6))
def test_from_maxcut_energy_is_minus_the_cut(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 10))
    e, w = random_graph(rng, n, p=float(rng.uniform(0.2, 1.0)), integer=seed % 2 == 0)
    m = SpinGlass.from_maxcut(n, e, w)
    X = all_states(n)
    np.testing.assert_allclose(m.energy(X), -cut_value(n, e, w, X), rtol=0, atol=1e-12)
    # the maximum cut is the ground state
    assert -m.energy(X).min() == pytest.approx(cut_value(n, e, w, X).max(), abs=1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_to_maxcut_energy_is_constant_minus_twice_the_cut(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(1, 9))
    if seed % 3 == 0:
        m = isingeq.paper_instance(n, rng=rng)
    elif seed % 3 == 1:
        m = isingeq.sk_instance(n, rng=rng)  # nonzero offset
    else:
        eps = np.triu(rng.integers(-3, 4, (n, n)).astype(float) * (rng.random((n, n)) < 0.5))
        m = SpinGlass(sp.csr_array(eps), offset=float(rng.normal()))
    edges, w, const = m.to_maxcut()
    assert edges.shape[1] == 2 and (edges >= 0).all() and (edges <= n).all()
    X = all_states(n)
    Xref = np.hstack([X, np.ones((len(X), 1), dtype=np.uint8)])  # vertex n on side 1
    np.testing.assert_allclose(
        m.energy(X), const - 2 * cut_value(n + 1, edges, w, Xref), rtol=0, atol=1e-9
    )


def test_model_to_graph_file_and_back() -> None:
    # a model -> its graph -> a Gset file -> read_gset: maximising the cut minimises H
    m = isingeq.paper_instance(6, rng=7)
    edges, w, const = m.to_maxcut()
    buf = io.StringIO()
    write_gset(path=buf, n=m.n + 1, edges=edges, weights=w)
    g = read_gset(io.StringIO(buf.getvalue()))
    X = all_states(m.n)
    Xref = np.hstack([X, np.ones((len(X), 1), dtype=np.uint8)])
    np.testing.assert_allclose(m.energy(X), const - 2 * g.objective(Xref), rtol=0, atol=1e-9)


def test_ising_ground_state_from_max_cut() -> None:
    # README: with H(s) = sum_edges w s_i s_j and W = sum w, min H = W - 2 maxcut
    rng = np.random.default_rng(3)
    n = 8
    e, w = random_graph(rng, n, integer=True)
    g = read_gset(
        io.StringIO(
            f"{n} {len(e)}\n"
            + "".join(
                f"{a + 1} {b + 1} {int(x)}\n"
                for (a, b), x in zip(e.tolist(), w.tolist(), strict=True)
            )
        )
    )
    X = all_states(n)
    S = 2.0 * X - 1.0
    H = (w * S[:, e[:, 0]] * S[:, e[:, 1]]).sum(axis=1)
    assert H.min() == w.sum() - 2 * g.objective(X).max()
