"""The perceptron view of eq. 16: fixed points, exactness of the conditional, counting."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from typer.testing import CliRunner

import isingeq
from isingeq import Perceptron, SpinGlass
from isingeq.cli import app
from isingeq.perceptron import solve_eq16_continuation

# Couplings on a grid of quarters: sums are exact in float64, so ties xi_i = 0 really occur
# and the tie rules are tested, not blurred by rounding.
quarters = st.integers(-8, 8).map(lambda k: k / 4.0)


@st.composite
def grid_models(draw: st.DrawFn, max_n: int = 7) -> SpinGlass:
    n = draw(st.integers(1, max_n))
    a = draw(arrays(np.float64, (n, n), elements=quarters))
    return SpinGlass(np.triu(a))


def all_states(n: int) -> np.ndarray:
    return np.array(list(itertools.product((0, 1), repeat=n)), dtype=np.uint8)


def as_set(X: np.ndarray) -> set[tuple[int, ...]]:
    return {tuple(int(v) for v in row) for row in X}


@settings(max_examples=120, deadline=None)
@given(grid_models())
def test_t_inf_fixed_points_are_exactly_the_one_flip_stable_states(m: SpinGlass) -> None:
    X = all_states(m.n)
    xi = m.local_field(X.astype(np.float64))
    margin = xi * (2.0 * X - 1.0)
    stable = np.all(margin >= 0, axis=1)  # brute force, exact on the grid
    strict = np.all(margin > 0, axis=1)
    # fixed_points lists exactly the 1-flip-stable states, and one_flip_stable agrees
    assert as_set(isingeq.fixed_points(m)) == as_set(X[stable])
    assert np.array_equal(isingeq.one_flip_stable(m, X), stable)
    # the asynchronous update (ties keep) leaves exactly those states unchanged
    r = Perceptron(m).iterate(X, mode="asynchronous")
    unchanged = np.all(r.states == X, axis=1)
    assert np.array_equal(unchanged, stable)
    assert r.converged.all()
    assert np.all(isingeq.one_flip_stable(m, r.states.astype(np.uint8)))
    # the step layer (step(0) = 1/2) fixes exactly the strictly stable 0/1 states
    assert np.array_equal(Perceptron(m).is_fixed_point(X), strict)


@settings(max_examples=100, deadline=None)
@given(
    grid_models(),
    st.floats(0.0, 20.0, allow_nan=False),
    st.integers(0, 2**32 - 1),
)
def test_layer_fixed_points_are_exactly_the_solutions_of_eq16(
    m: SpinGlass, t: float, seed: int
) -> None:
    x = np.random.default_rng(seed).random((5, m.n))
    p = Perceptron(m, t=t)
    # forward(x) - x is minus eq. 16's residual for every x: same zeros, same equation
    resid = np.array([isingeq.eq16_residual(m, row, t) for row in x])
    np.testing.assert_allclose(p.forward(x) - x, -resid, atol=1e-15)
    # and iterating to convergence lands on a solution of eq. 16
    r = p.iterate(x, mode="asynchronous", max_sweeps=20_000, tol=1e-13)
    for row, ok in zip(r.states, r.converged, strict=True):
        if ok:
            assert np.max(np.abs(isingeq.eq16_residual(m, row, t))) < 1e-11


def test_step_is_the_large_t_limit_of_the_sigmoid() -> None:
    m = isingeq.paper_instance(8, rng=4)
    X = all_states(8).astype(np.float64)
    xi = m.local_field(X)
    ok = np.all(np.abs(xi) > 1e-3, axis=1)
    np.testing.assert_allclose(
        Perceptron(m, t=1e7).forward(X[ok]), Perceptron(m).forward(X[ok]), atol=1e-300
    )


def test_synchronous_update_can_cycle_and_damping_helps() -> None:
    # two nodes that want to differ: synchronous step from (1,0) flips to (0,1) and back
    m = SpinGlass.from_symmetric([[0, 2.0], [2.0, 0]], h=[-1.0, -1.0])
    r = Perceptron(m).iterate([[1, 0]], mode="synchronous", max_sweeps=11)
    assert not r.converged[0]
    assert r.states.tolist() == [[0.0, 1.0]]  # odd number of sweeps
    r = Perceptron(m, t=1.0).iterate([[1, 0]], mode="synchronous", damping=0.5, max_sweeps=5000)
    assert r.converged[0]
    assert Perceptron(m, t=1.0).is_fixed_point(r.states, atol=1e-10)[0]


@pytest.mark.parametrize(("n", "seed"), [(1, 0), (5, 1), (10, 2), (12, 3)])
def test_fixed_points_match_brute_force_and_start_with_the_ground_state(n: int, seed: int) -> None:
    m = isingeq.paper_instance(n, rng=seed)
    X = all_states(n)
    brute = X[isingeq.one_flip_stable(m, X)]
    fp = isingeq.fixed_points(m)
    assert as_set(fp) == as_set(brute)
    assert fp.dtype == np.uint8 and fp.shape[1] == n
    assert m.energy(fp[0]) == pytest.approx(isingeq.solve(m, method="exact").best_energy)
    assert np.all(np.diff(m.energy(fp)) >= 0)


def test_fixed_points_uses_the_block_split_above_16_nodes() -> None:
    m = isingeq.paper_instance(18, rng=5)
    fp = isingeq.fixed_points(m)
    assert np.all(isingeq.one_flip_stable(m, fp))
    # every descent from random starts ends at a listed state
    ends = isingeq.solve(m, method="greedy", num_reads=200, rng=0).samples
    assert as_set(ends) <= as_set(fp)
    assert m.energy(fp[0]) == pytest.approx(isingeq.solve(m, method="exact").best_energy)


def test_ground_state_basin_counts_starts_by_hand() -> None:
    m = isingeq.paper_instance(6, rng=7)
    e0 = isingeq.solve(m, method="exact").best_energy
    X = all_states(6)
    ends = Perceptron(m).iterate(X, mode="asynchronous").states
    expected = float(np.mean(np.isclose(m.energy(ends), e0)))
    assert isingeq.ground_state_basin(m) == expected
    est = isingeq.ground_state_basin(m, num_starts=4000, rng=0)
    assert abs(est - expected) < 0.05
    assert est == isingeq.ground_state_basin(m, num_starts=4000, rng=0)


@pytest.mark.parametrize("t", [0.0, 0.3, 1.0, 5.0, 40.0])
@pytest.mark.parametrize(("n", "seed"), [(1, 0), (4, 1), (9, 2)])
def test_conditional_identity_holds_to_machine_precision(n: int, seed: int, t: float) -> None:
    m = isingeq.paper_instance(n, rng=seed)
    # rounding of log-probabilities of size t * |H| is all that is left
    assert isingeq.conditional_identity_error(m, t) < 1e-15 * max(1.0, t * m.energy_scale)


def test_mean_field_step_is_the_approximation() -> None:
    m = isingeq.paper_instance(8, rng=0)
    assert isingeq.mean_field_error(m, 0.0) == 0.0
    small = isingeq.mean_field_error(m, 0.05)
    mid = isingeq.mean_field_error(m, 2.0)
    assert small < 1e-3  # O(t^2) at small t
    assert mid > 10 * small  # and clearly nonzero where couplings matter
    x = solve_eq16_continuation(m, 2.0)
    assert Perceptron(m, t=2.0).is_fixed_point(x, atol=1e-9)[0]


def test_bad_inputs_name_the_parameter() -> None:
    m = isingeq.paper_instance(3, rng=0)
    with pytest.raises(TypeError, match="`model`"):
        Perceptron(np.eye(3))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="`t` must be >= 0; got -1"):
        Perceptron(m, t=-1.0)
    with pytest.raises(ValueError, match=r"`x` must have shape \(n,\) or \(R, n\) with n=3"):
        Perceptron(m).forward([1, 0])
    with pytest.raises(ValueError, match="`mode` must be one of"):
        Perceptron(m).iterate([1, 0, 1], mode="parallel")
    with pytest.raises(ValueError, match="`x0` must be 0/1 at t = inf"):
        Perceptron(m).iterate([0.5, 0, 1])
    with pytest.raises(ValueError, match="`t` must be finite"):
        isingeq.conditional_identity_error(m, np.inf)
    with pytest.raises(ValueError, match="n=37 is too large for fixed_points"):
        isingeq.fixed_points(SpinGlass(np.eye(37)))
    with pytest.raises(ValueError, match="n=25 is too large for conditional_identity_error"):
        isingeq.conditional_identity_error(SpinGlass(np.eye(25)), 1.0)


def test_analyze_cli_writes_table_and_outputs(tmp_path: object) -> None:
    from pathlib import Path

    out = Path(str(tmp_path))
    res = CliRunner().invoke(
        app, ["analyze", "--sizes", "3,5", "--trials", "6", "--out", str(out), "--json"]
    )
    assert res.exit_code == 0, res.output
    assert (out / "records.csv").exists() and (out / "analyze.png").exists()
    import json

    summary = json.loads(res.stdout)
    assert [r["n"] for r in summary] == [3, 5]
    for r in summary:
        assert r["mean_solutions"] >= 1 and 0 <= r["unique_fraction"] <= 1
        assert 0 < r["mean_basin"] <= 1
    bad = CliRunner().invoke(app, ["analyze", "--sizes", "3,x", "--out", str(out)])
    assert bad.exit_code == 2
