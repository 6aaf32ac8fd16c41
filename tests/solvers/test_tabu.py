from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import isingeq
from isingeq import SpinGlass
from isingeq.solvers.tabu import TabuSearch, default_tenure


@pytest.mark.parametrize("seed", range(4))
def test_tabu_finds_the_ground_state_of_small_models(seed: int) -> None:
    m = isingeq.paper_instance(14, rng=seed)
    exact = isingeq.solve(m, method="exact").best_energy
    r = isingeq.solve(m, method="tabu", num_reads=2, num_sweeps=50, rng=seed)
    assert r.best_energy == pytest.approx(exact, abs=1e-12)
    assert isingeq.one_flip_stable(m, r.samples).all()


def test_dense_and_sparse_storage_give_the_same_search() -> None:
    m = isingeq.paper_instance(40, rng=1)
    a = isingeq.solve(m, method="tabu", num_reads=3, num_sweeps=5, rng=7)
    b = isingeq.solve(
        SpinGlass(sp.csr_array(m.eps)), method="tabu", num_reads=3, num_sweeps=5, rng=7
    )
    np.testing.assert_array_equal(a.samples, b.samples)
    assert a.info["moves"] == b.info["moves"] == 5 * 40


def test_a_search_run_in_chunks_equals_one_run_whole() -> None:
    m = isingeq.paper_instance(30, rng=2)
    X = np.random.default_rng(0).integers(0, 2, size=(2, 30), dtype=np.uint8)
    whole = TabuSearch(m, X.copy(), 3, np.random.default_rng(5))
    whole.advance(500)
    parts = TabuSearch(m, X.copy(), 3, np.random.default_rng(5))
    for k in (1, 99, 400):
        parts.advance(k)
    np.testing.assert_array_equal(whole.X, parts.X)
    np.testing.assert_array_equal(whole.best_X, parts.best_X)
    assert whole.best_energy == parts.best_energy
    # the kept energies are those of the states
    np.testing.assert_allclose(whole.e0 + whole.best_E, m.energy(whole.best_X), atol=1e-9)
    np.testing.assert_allclose(whole.e0 + whole.E, m.energy(whole.X), atol=1e-9)
    np.testing.assert_allclose(whole.G, m.local_field(whole.X.astype(float)), atol=1e-9)


def test_the_memory_moves_the_search_off_a_local_minimum() -> None:
    # from a 1-flip-stable state plain descent stays put; tabu search must leave it and come
    # back no worse (the best is kept), and with a tenure it cannot undo its last move at once
    m = isingeq.paper_instance(30, rng=4)
    x = isingeq.solve(m, method="greedy", rng=0).samples[:1].astype(np.uint8)
    s = TabuSearch(m, x.copy(), 5, np.random.default_rng(0))
    s.advance(2)
    assert int(np.sum(x != s.X)) == 2  # two different variables flipped, uphill at first
    s.advance(200)
    assert s.best_energy <= float(m.energy(x[0])) + 1e-12


def test_target_energy_stops_the_search() -> None:
    m = isingeq.paper_instance(20, rng=3)
    exact = isingeq.solve(m, method="exact").best_energy
    r = isingeq.solve(m, method="tabu", target_energy=exact + 1e-9, num_sweeps=10_000, rng=0)
    assert r.info["stopped"] == "target_energy" and r.best_energy <= exact + 1e-9


def test_time_limit_runs_until_the_limit() -> None:
    m = isingeq.paper_instance(50, rng=0)
    r = isingeq.solve(m, method="tabu", time_limit=0.2, rng=0)
    assert r.info["stopped"] == "time_limit" and r.info["moves"] > 50


def test_options() -> None:
    assert default_tenure(50) == 1 and default_tenure(2000) == 20
    m = isingeq.paper_instance(8, rng=0)
    r = isingeq.solve(m, method="tabu", tenure=3, num_reads=2, num_sweeps=2, rng=0)
    assert r.info["options"]["tenure"] == 3 and r.info["options"]["num_reads"] == 2
    with pytest.raises(ValueError, match="`tenure` must be >= 1"):
        isingeq.solve(m, method="tabu", tenure=0)
    with pytest.raises(ValueError, match="0/1"):
        isingeq.solve(m, method="tabu", initial_states=np.full(8, 0.5))
