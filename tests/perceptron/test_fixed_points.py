"""``fixed_points`` and ``ground_state_basin`` against brute force, and the one stability test."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

import isingeq
from isingeq import Perceptron, SpinGlass
from isingeq.perceptron import fixed_points, ground_state_basin
from isingeq.solvers.greedy import STABILITY_RTOL, stability_slack

from .reference import (
    all_states,
    as_set,
    basin_by_hand,
    brute_stable,
    descend_by_hand,
    grid_models,
    min_abs_gain,
)


@settings(max_examples=120, deadline=None)
@given(grid_models())
def test_fixed_points_are_the_brute_force_stable_states_with_exact_ties(m: SpinGlass) -> None:
    X = all_states(m.n)
    stable = brute_stable(m, X)  # energy changes are exact on the grid
    assert as_set(fixed_points(m)) == as_set(X[stable])
    assert np.array_equal(isingeq.one_flip_stable(m, X), stable)


@pytest.mark.parametrize(("n", "seed"), [(1, 0), (5, 1), (10, 2), (12, 3), (16, 4), (18, 5)])
def test_fixed_points_match_brute_force_and_start_with_the_ground_state(n: int, seed: int) -> None:
    # n = 16, 18 run the block split of the exact solver with several parallel chunks
    m = isingeq.paper_instance(n, rng=seed)
    X = all_states(n)
    stable = brute_stable(m, X, tol=1e-9)
    assert min_abs_gain(m) > 1e-9  # no near-ties, so the reference's tolerance does not matter
    fp = fixed_points(m)
    assert as_set(fp) == as_set(X[stable])
    assert fp.dtype == np.uint8 and fp.shape == (int(stable.sum()), n)
    E = m.energy(fp)
    assert E[0] == pytest.approx(float(np.min(m.energy(X))), abs=1e-12)
    assert np.all(np.diff(E) >= 0)


def test_fixed_points_include_every_descent_end() -> None:
    m = isingeq.paper_instance(18, rng=5)
    ends = isingeq.solve(m, method="greedy", num_reads=200, rng=0).samples
    assert as_set(ends) <= as_set(fixed_points(m))


def tie_models() -> list[SpinGlass]:
    # h_0 = 0.3, J_01 = -0.1, J_02 = -0.2: at (1, 1, 1) xi_0 = 0.3 - 0.1 - 0.2 is a tie that
    # rounds to -5.6e-17 (computed fresh) or -2.8e-17 (computed incrementally). The old
    # fixed_points (slack 0) and Perceptron's old convergence check (slack 0) called it
    # unstable while one_flip_stable (slack -1e-12) called it stable.
    decimal = SpinGlass([[0.3, -0.1, -0.2], [0, -1.0, 2.0], [0, 0, -1.0]])
    rng = np.random.default_rng(7)
    integer = SpinGlass(np.triu(rng.integers(-2, 3, size=(7, 7)).astype(np.float64)))
    tenths = SpinGlass(np.triu(rng.integers(-5, 6, size=(7, 7)) / 10.0))
    return [decimal, integer, tenths]


@pytest.mark.parametrize("m", tie_models(), ids=["decimal", "integer", "tenths"])
def test_the_three_stability_tests_agree_on_exact_ties(m: SpinGlass) -> None:
    X = all_states(m.n)
    # the reference: real-number stability, ties count as stable (the models' values are
    # multiples of 0.1, so a nonzero energy change is at least 0.1 - rounding)
    truth = brute_stable(m, X, tol=1e-9)
    listed = np.array([tuple(x) in as_set(fixed_points(m)) for x in X.tolist()])
    assert np.array_equal(isingeq.one_flip_stable(m, X), truth)
    assert np.array_equal(listed, truth)
    # Perceptron's convergence check is the same test: every listed state is converged, and
    # every run ends converged at a listed state
    fp = fixed_points(m)
    assert Perceptron(m).iterate(fp).converged.all()
    r = Perceptron(m).iterate(X)
    assert r.converged.all()
    assert as_set(r.states.astype(np.uint8)) <= as_set(fp)
    # one tolerance, documented once
    assert stability_slack(m) == -STABILITY_RTOL * max(1.0, m.energy_scale)


@pytest.mark.parametrize(("n", "seed"), [(1, 0), (3, 1), (6, 7), (8, 2), (8, 11)])
def test_ground_state_basin_matches_a_hand_run_descent(n: int, seed: int) -> None:
    m = isingeq.paper_instance(n, rng=seed)
    assert min_abs_gain(m) > 1e-9  # no near-ties: the hand loop's flip rule is the kernel's
    assert ground_state_basin(m) == basin_by_hand(m)


def test_ground_state_basin_random_starts_estimate_the_exact_basin() -> None:
    m = isingeq.paper_instance(6, rng=7)
    exact = basin_by_hand(m)
    est = ground_state_basin(m, num_starts=4000, rng=0)
    assert abs(est - exact) < 0.05
    assert est == ground_state_basin(m, num_starts=4000, rng=0)


def test_hand_descent_reference_is_sane() -> None:
    # (1, 1) with xi = (-2, -2): node 0 flips first, then (0, 1) is stable
    m = SpinGlass([[1.0, -3.0], [0.0, 1.0]])
    assert descend_by_hand(m, (1, 1)) == (0, 1)
    assert descend_by_hand(m, (0, 0)) == (1, 0)


def test_bad_inputs() -> None:
    with pytest.raises(ValueError, match="n=37 is too large for fixed_points"):
        fixed_points(SpinGlass(np.eye(37)))
    with pytest.raises(TypeError, match=r"`model` must be an isingeq\.SpinGlass"):
        fixed_points(np.eye(3))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="tol"):
        fixed_points(SpinGlass(np.eye(3)), tol=1e-12)  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="n=25 is too large for ground_state_basin"):
        ground_state_basin(SpinGlass(np.eye(25)))
    with pytest.raises(ValueError, match="`num_starts` must be >= 1"):
        ground_state_basin(SpinGlass(np.eye(3)), num_starts=0)


@settings(max_examples=120, deadline=None)
@given(grid_models())
def test_listed_states_are_layer_fixed_points_exactly_where_no_field_is_tied(m: SpinGlass) -> None:
    # the stated relation: a 1-flip-stable state is a fixed point of the t = inf layer iff no
    # xi_i = 0 (step(0) = 1/2), and every 0/1 fixed point of the layer is listed
    fp = fixed_points(m)
    untied = np.all(m.local_field(fp.astype(np.float64)) != 0.0, axis=1)  # exact on the grid
    assert np.array_equal(Perceptron(m).is_fixed_point(fp), untied)
    X = all_states(m.n)
    layer_fixed = X[Perceptron(m).is_fixed_point(X)]
    assert as_set(layer_fixed) <= as_set(fp)


def test_ties_make_listed_states_that_are_not_layer_fixed_points() -> None:
    # the review's case: integer max-cut weights, a 4-cycle
    ring = SpinGlass.from_maxcut(4, [(0, 1), (1, 2), (2, 3), (3, 0)], [1, 1, 1, 1])
    fp = fixed_points(ring)
    fixed = Perceptron(ring).is_fixed_point(fp)
    assert len(fp) == 6 and int(fixed.sum()) == 2
    assert isingeq.one_flip_stable(ring, fp).all()  # what fixed_points promises
    # the two that are fixed are the cuts of all 4 edges, with no tied field
    assert as_set(fp[fixed]) == {(1, 0, 1, 0), (0, 1, 0, 1)}


def test_ground_state_basin_beyond_the_exact_limit_names_itself() -> None:
    with pytest.raises(ValueError, match=r"n=40 is too large for ground_state_basin \(limit 36"):
        ground_state_basin(isingeq.paper_instance(40, rng=0), num_starts=10)
