from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import isingeq
from isingeq import SpinGlass

from ..conftest import all_states


def flip_gains(model: SpinGlass, x: np.ndarray) -> np.ndarray:
    """H(x with bit i flipped) - H(x), by brute force."""
    base = model.energy(x)
    out = np.empty(model.n)
    for i in range(model.n):
        y = x.copy()
        y[i] ^= 1
        out[i] = model.energy(y) - base
    return out


@pytest.mark.parametrize("sparse", [False, True])
def test_greedy_ends_1_flip_stable(sparse: bool) -> None:
    m0 = isingeq.paper_instance(30, rng=3)
    m = SpinGlass(sp.csr_array(m0.eps)) if sparse else m0
    r = isingeq.solve(m, method="greedy", num_reads=16, rng=0)
    assert r.info["converged"].all() and r.info["stopped"] == "converged"
    for x in r.samples:
        assert flip_gains(m, x).min() >= -1e-12


def test_greedy_never_raises_the_energy_of_its_start() -> None:
    m = isingeq.paper_instance(25, rng=1)
    X0 = np.random.default_rng(2).integers(0, 2, (10, 25))
    r = isingeq.solve(m, method="greedy", initial_states=X0)
    assert np.all(r.energies <= m.energy(X0) + 1e-12)


def test_fixed_points_of_the_t_infinity_update_are_exactly_the_1_flip_stable_states() -> None:
    m = isingeq.paper_instance(8, rng=4)
    X = all_states(8)
    stable = isingeq.one_flip_stable(m, X)
    brute = np.array([flip_gains(m, x).min() >= 0 for x in X])
    np.testing.assert_array_equal(stable, brute)
    r = isingeq.solve(m, method="greedy", initial_states=X)
    moved = np.any(r.samples != X, axis=1)
    np.testing.assert_array_equal(moved, ~stable)


def test_polish_improves_any_result() -> None:
    m = isingeq.paper_instance(20, rng=5)
    raw = isingeq.solve(m, method="scipy-root", num_reads=4, rng=0)
    pol = isingeq.polish(m, raw)
    assert np.all(pol.energies <= raw.energies + 1e-12)
    assert isingeq.one_flip_stable(m, pol.samples).all()
    assert pol.method == "scipy-root+greedy"
    assert pol.marginals is raw.marginals


def test_greedy_bad_input() -> None:
    m = isingeq.paper_instance(4, rng=0)
    with pytest.raises(ValueError, match="initial_states"):
        isingeq.solve(m, method="greedy", initial_states=[[0, 1, 2, 0]])
    with pytest.raises(
        ValueError, match=r"`initial_states` must have shape \(n,\) or \(num_reads, n\) with n=4"
    ):
        isingeq.solve(m, method="greedy", initial_states=[[0, 1, 0]])
    with pytest.raises(ValueError, match="disagrees"):
        isingeq.solve(m, method="greedy", initial_states=[[0, 1, 0, 0]] * 2, num_reads=3)
    with pytest.raises(ValueError, match="`num_reads` must be >= 1"):
        isingeq.solve(m, method="greedy", num_reads=0)
    with pytest.raises(TypeError, match="SolveResult"):
        isingeq.polish(m, np.zeros((1, 4)))  # type: ignore[arg-type]


def test_public_helpers_name_a_model_that_is_not_a_spin_glass() -> None:
    # a raw eps matrix in place of the model was an AttributeError from deep inside
    m = isingeq.paper_instance(4, rng=0)
    r = isingeq.solve(m, method="greedy", rng=0)
    with pytest.raises(TypeError, match=r"`model` must be an isingeq.SpinGlass; got ndarray"):
        isingeq.polish(m.eps, r)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"`model` must be an isingeq.SpinGlass; got ndarray"):
        isingeq.one_flip_stable(m.eps, r.samples)  # type: ignore[arg-type]


@pytest.mark.parametrize("rows", [2, 7])
def test_parallel_sparse_fields_are_local_field_bit_for_bit(rows: int) -> None:
    # the descent, tabu and the thermal tail start from these fields: any other rounding
    # could flip a tie and change a seeded result
    from isingeq.solvers._common import fields

    rng = np.random.default_rng(4)
    A = sp.random(400, 400, density=0.02, random_state=2, format="csr")
    A.data = rng.normal(size=A.nnz) * 10.0 ** rng.integers(-3, 4, A.nnz)
    model = isingeq.SpinGlass(sp.triu(A).tocsr())
    for X in (rng.integers(0, 2, (rows, 400)), rng.random((rows, 400))):
        G = fields(model, X)
        assert G.flags.c_contiguous and G.dtype == np.float64
        Xf = X.astype(np.float64)
        scipy_order = model.h[None, :] + (model.J @ Xf.T).T  # scipy's product, one thread
        np.testing.assert_array_equal(G, scipy_order)
        np.testing.assert_array_equal(model.local_field(Xf), scipy_order)
        # the energies' products too (three per mfa solve: 0.5 s each at 10^6 nodes)
        E = -(Xf @ model.h + 0.5 * np.einsum("ij,ij->i", (model.J @ Xf.T).T, Xf))
        # bit for bit the order of scipy's product and einsum (a small dense model's too: the
        # readers' round trips compare dense and sparse energies exactly)
        np.testing.assert_array_equal(model._energy_unchecked(Xf), E)
