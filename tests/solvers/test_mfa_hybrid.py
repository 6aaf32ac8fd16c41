"""mfa-hybrid: mean-field annealing of eq. 16, then the t = infinity update with a cold tail."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp

import isingeq
from isingeq import SpinGlass
from isingeq.solvers import _kernels
from isingeq.solvers.mfa_hybrid import tail_ends


def _tail(model: SpinGlass, ts: np.ndarray, X: np.ndarray, seed: int = 7) -> tuple:
    X = np.array(X, dtype=np.uint8)
    G = np.ascontiguousarray(model.local_field(X.astype(np.float64)))
    E = np.zeros(len(X))
    best_X, best_E = X.copy(), np.zeros(len(X))
    states = (np.arange(len(X), dtype=np.uint64) + np.uint64(seed)) * np.uint64(2654435761)
    J = sp.csr_array(model.J) if not model.is_sparse else model.J
    couplings = (J.indptr, J.indices, J.data.astype(float), _kernels.NO_DENSE)
    _kernels.tail_sweeps(*couplings, ts, X, G, E, best_X, best_E, states)
    return X, G, E, best_X, best_E, states


def test_the_tail_samples_the_boltzmann_distribution_at_fixed_t() -> None:
    """Metropolis at fixed t: a lone node with bias h is 1 with probability sigmoid(t h)
    (detailed balance), whatever its start."""
    m = SpinGlass([[0.7]])  # H(1) = -0.7
    t = 1.3
    X, *_ = _tail(m, np.full(30, t), np.zeros((20000, 1)))
    expect = 1.0 / (1.0 + math.exp(-t * 0.7))
    assert X.mean() == pytest.approx(expect, abs=4 * math.sqrt(expect * (1 - expect) / 20000))


def test_the_tail_keeps_fields_and_energies_consistent() -> None:
    m = isingeq.paper_instance(30, rng=3)
    X0 = np.random.default_rng(0).integers(0, 2, (5, 30))
    X, G, E, best_X, best_E, _ = _tail(m, np.geomspace(0.5, 50.0, 200), X0)
    np.testing.assert_allclose(G, m.local_field(X.astype(float)), atol=1e-9)
    np.testing.assert_allclose(E, m.energy(X) - m.energy(X0), atol=1e-9)
    np.testing.assert_allclose(best_E, m.energy(best_X) - m.energy(X0), atol=1e-9)
    assert np.all(best_E <= E + 1e-12) and np.all(best_E <= 0.0)


def test_a_ladder_run_in_chunks_is_the_same_as_run_whole() -> None:
    m = isingeq.paper_instance(25, rng=1)
    X0 = np.random.default_rng(2).integers(0, 2, (3, 25))
    ts = np.geomspace(0.3, 30.0, 90)
    whole = _tail(m, ts, X0)
    X, G, E, best_X, best_E, states = _tail(m, ts[:40], X0)
    J = sp.csr_array(m.J)
    couplings = (J.indptr, J.indices, J.data, _kernels.NO_DENSE)
    _kernels.tail_sweeps(*couplings, ts[40:], X, G, E, best_X, best_E, states)
    np.testing.assert_array_equal(X, whole[0])
    np.testing.assert_array_equal(best_X, whole[3])


def test_at_huge_t_the_tail_never_raises_the_energy() -> None:
    m = isingeq.paper_instance(40, rng=5)
    X0 = np.random.default_rng(3).integers(0, 2, (4, 40))
    X, *_ = _tail(m, np.full(20, 1e9), X0)
    assert np.all(m.energy(X) <= m.energy(X0) + 1e-12)
    assert isingeq.one_flip_stable(m, X).all()


def test_default_tail_ends() -> None:
    cut = isingeq.SpinGlass.from_maxcut(4, [(0, 1), (1, 2), (2, 3), (3, 0)])  # eps = -2 w
    lo, hi = tail_ends(cut, None, None)
    assert hi == pytest.approx(3 * math.log(100) / 2.0)
    assert lo == pytest.approx(min(3 * isingeq.critical_t(cut), hi / 10))
    with pytest.raises(ValueError, match="`t_end` must be > t_start"):
        tail_ends(cut, 5.0, 1.0)


def _torus(L: int, seed: int) -> SpinGlass:
    """A 2D toroidal +-1 max-cut graph (mean degree 4: the tail's family)."""
    rng = np.random.default_rng(seed)
    edges = [(i * L + j, i * L + (j + 1) % L) for i in range(L) for j in range(L)]
    edges += [(i * L + j, ((i + 1) % L) * L + j) for i in range(L) for j in range(L)]
    return SpinGlass.from_maxcut(L * L, edges, rng.choice([-1.0, 1.0], len(edges)))


def test_time_limit_target_and_phases() -> None:
    m = _torus(17, 6)
    isingeq.solve(m, method="mfa-hybrid", num_sweeps=4, rng=0)  # numba's cache load, untimed
    r = isingeq.solve(m, method="mfa-hybrid", time_limit=0.4, mf_fraction=0.2, rng=0)
    assert r.info["stopped"] in ("time_limit", "schedule")  # how far each phase got is timing's
    assert isingeq.one_flip_stable(m, r.samples).all()
    both = isingeq.solve(m, method="mfa-hybrid", num_sweeps=300, rng=0)
    assert both.info["tail_sweeps"] == 300 and both.info["mean_field"]["sweeps"] > 0
    assert both.info["sweeps"] == 300 + both.info["mean_field"]["sweeps"]
    assert both.best_energy <= both.info["mean_field"]["best_energy"] + 1e-9  # keeps the best
    easy = r.best_energy + 50.0
    q = isingeq.solve(m, method="mfa-hybrid", time_limit=5.0, target_energy=easy, rng=0)
    assert q.info["stopped"] == "target_energy" and q.best_energy <= easy
    tail = isingeq.solve(m, method="mfa-hybrid", mf_fraction=0.0, num_sweeps=50, rng=0)
    assert tail.info["mean_field"]["sweeps"] == 0 and tail.info["tail_sweeps"] == 50


@pytest.mark.parametrize(
    ("opts", "match"),
    [
        ({"mf_fraction": 1.5}, "`mf_fraction` must be <= 1"),
        ({"mf_fraction": 0.0, "initial_states": np.full(5, 0.5)}, "give mf_fraction > 0"),
        ({"num_sweeps": 0}, "`num_sweeps` must be >= 1"),
        ({"t_start": 10.0, "t_end": 1.0}, "`t_end` must be > t_start"),
        ({"time_limit": 0.0}, "`time_limit` must be > 0"),
    ],
)
def test_bad_options(opts: dict[str, object], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        isingeq.solve(isingeq.paper_instance(5, rng=0), method="mfa-hybrid", **opts)


def test_the_split_follows_the_mean_degree() -> None:
    dense = isingeq.paper_instance(30, rng=0)
    r = isingeq.solve(dense, method="mfa-hybrid", rng=0)
    assert r.info["options"]["mf_fraction"] == 0.5 and r.info["options"]["tail"] == "tabu"
    assert r.info["tail_sweeps"] > 0
    mf = isingeq.solve(dense, method="mfa-hybrid", mf_fraction=1.0, rng=0)
    same = isingeq.solve(dense, method="mfa-async", num_reads=r.num_reads, rng=0)
    assert mf.best_energy == same.best_energy and mf.info["tail_sweeps"] == 0  # mfa-async's
    ring = isingeq.SpinGlass.from_maxcut(30, [(i, (i + 1) % 30) for i in range(30)])
    assert isingeq.solvers.mfa_hybrid.mean_degree(ring) == 2.0
    s = isingeq.solve(ring, method="mfa-hybrid", rng=0)
    assert s.info["options"]["mf_fraction"] == 0.2 and s.info["tail_sweeps"] > 0
    assert s.info["options"]["tail"] == "thermal"
    # 20 neighbours among 1000 nodes: well connected but sparse, the mean field alone
    rng = np.random.default_rng(0)
    pairs = {tuple(sorted(p)) for p in rng.integers(0, 1000, size=(10_400, 2)) if p[0] != p[1]}
    mid = isingeq.SpinGlass.from_maxcut(1000, sorted(pairs)[:10_000])
    assert isingeq.solvers.mfa_hybrid.mean_degree(mid) == 20.0
    w = isingeq.solve(mid, method="mfa-hybrid", num_sweeps=4, rng=0)
    assert w.info["options"]["mf_fraction"] == 1.0 and w.info["tail_sweeps"] == 0


def test_reads_default_to_the_rows_of_initial_states() -> None:
    m = isingeq.paper_instance(30, rng=1)
    starts = np.random.default_rng(0).random((3, 30))
    r = isingeq.solve(m, method="mfa-hybrid", initial_states=starts, num_sweeps=20, rng=0)
    assert r.num_reads == 3


def test_a_tail_asked_for_by_name_runs() -> None:
    ring = isingeq.SpinGlass.from_maxcut(40, [(i, (i + 1) % 40) for i in range(40)])
    dense = isingeq.paper_instance(40, rng=0)
    a = isingeq.solve(ring, method="mfa-hybrid", tail="tabu", num_sweeps=20, rng=0)
    b = isingeq.solve(dense, method="mfa-hybrid", tail="thermal", num_sweeps=20, rng=0)
    assert (a.info["options"]["tail"], a.info["options"]["mf_fraction"]) == ("tabu", 0.5)
    assert (b.info["options"]["tail"], b.info["options"]["mf_fraction"]) == ("thermal", 0.2)
    assert a.info["tail_sweeps"] > 0 and b.info["tail_sweeps"] > 0
    with pytest.raises(ValueError, match="`tail` must be one of 'tabu', 'thermal'; got 'cold'"):
        isingeq.solve(ring, method="mfa-hybrid", tail="cold")


def test_a_tabu_second_phase_has_no_ladder_and_refuses_its_ends() -> None:
    # the thermal ladder's ends were computed for tabu runs too (0.1 s of a 0.1 s budget on a
    # dense n = 2000), and t_start / t_end given there were silently ignored
    dense = isingeq.paper_instance(30, rng=0)
    r = isingeq.solve(dense, method="mfa-hybrid", rng=0, num_sweeps=20)
    assert r.info["options"]["tail"] == "tabu"
    assert r.info["options"]["t_start"] is None and r.info["options"]["t_end"] is None
    assert len(r.info["t_schedule"]) == 0
    with pytest.raises(ValueError, match=r"thermal tail's ladder.*the default on a dense model"):
        isingeq.solve(dense, method="mfa-hybrid", rng=0, t_start=1.0)
    with pytest.raises(ValueError, match=r"thermal tail's ladder.*asked for"):
        isingeq.solve(_torus(6, 0), method="mfa-hybrid", rng=0, tail="tabu", t_end=50.0)
    ok = isingeq.solve(dense, method="mfa-hybrid", rng=0, tail="thermal", t_start=1.0)
    assert ok.info["options"]["t_start"] == 1.0
