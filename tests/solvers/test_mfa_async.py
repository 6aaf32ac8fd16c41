from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp

import isingeq
from isingeq import SpinGlass
from isingeq.solvers import _kernels


@pytest.mark.parametrize("seed", range(10))
def test_finds_the_ground_state_of_small_paper_instances(seed: int) -> None:
    m = isingeq.paper_instance(12, rng=seed)
    assert isingeq.solve(m, method="mfa-async", rng=seed).best_energy == pytest.approx(
        isingeq.solve(m, method="exact").best_energy, abs=1e-12
    )


def test_finds_the_maximum_cut_of_random_graphs() -> None:
    gen = np.random.default_rng(0)
    for _ in range(5):
        i, j = np.triu_indices(18, 1)
        keep = gen.random(i.size) < 0.4
        m = SpinGlass.from_maxcut(18, np.column_stack([i[keep], j[keep]]))
        dense = SpinGlass(m.eps.toarray())
        r = isingeq.solve(m, method="mfa-async", num_reads=8, rng=1)
        assert r.best_energy == pytest.approx(
            isingeq.solve(dense, method="exact").best_energy, abs=1e-9
        )


def test_samples_are_1_flip_stable_and_marginals_are_the_annealed_states() -> None:
    m = isingeq.paper_instance(60, rng=0)
    r = isingeq.solve(m, method="mfa-async", num_reads=6, num_sweeps=200, rng=1)
    assert r.samples.shape == (6, 60) and r.method == "mfa-async"
    assert isingeq.one_flip_stable(m, r.samples).all()
    assert r.marginals is not None and r.marginals.shape == (6, 60)
    assert np.all((r.marginals >= 0.0) & (r.marginals <= 1.0))
    assert r.info["rounds"] == 1 and r.info["sweeps"] == 200 and r.info["reads"] == 6
    assert r.info["stopped"] == "schedule"


def test_the_same_rng_gives_the_same_samples_and_dense_equals_sparse() -> None:
    m = isingeq.paper_instance(50, rng=2)
    ms = SpinGlass(sp.csr_array(m.eps))
    a = isingeq.solve(m, method="mfa-async", num_reads=5, num_sweeps=100, rng=7)
    b = isingeq.solve(ms, method="mfa-async", num_reads=5, num_sweeps=100, rng=7)
    np.testing.assert_array_equal(a.samples, b.samples)
    np.testing.assert_allclose(a.marginals, b.marginals, atol=1e-12)
    c = isingeq.solve(m, method="mfa-async", num_reads=5, num_sweeps=100, rng=8)
    assert not np.array_equal(a.marginals, c.marginals)


def test_the_kernel_keeps_fields_consistent_and_follows_the_equation() -> None:
    # without noise and with tol = 0, sweeps repeated at a fixed t converge to a solution of
    # eq. 16 (a Gauss-Seidel fixed point), with the incrementally kept fields still exact
    m = isingeq.paper_instance(30, rng=3)
    J = sp.csr_array(m.J)
    t = 0.5 * isingeq.critical_t(m)  # below t_c: the fixed point is unique and attracting
    ts = np.full(400, t)
    M = np.full((2, m.n), 0.5)
    keys = np.array([1, 2])
    XI, states = np.empty_like(M), np.empty(2, dtype=np.uint64)
    args = (m.h.copy(), ts, np.zeros(400), M, keys, 0.0, XI, states, False)
    _kernels.amfa_csr(J.indptr, J.indices, J.data, *args)
    xi = m.h + M @ m.J
    np.testing.assert_allclose(M, 1.0 / (1.0 + np.exp(-t * xi)), atol=1e-10)
    np.testing.assert_allclose(XI, xi, atol=1e-12)  # the fields it leaves for a next call
    assert np.abs(isingeq.eq16_residual(m, M[0], t)).max() < 1e-9


@pytest.mark.parametrize("sparse", [True, False])
def test_a_round_in_several_calls_is_bit_for_bit_one_call(sparse: bool) -> None:
    m = isingeq.paper_instance(40, rng=2)
    ts = np.geomspace(0.5, 50.0, 60)
    amps = np.linspace(1.0, 0.0, 60)
    keys = np.array([5, 6, 7])
    J = sp.csr_array(m.J) if sparse else np.ascontiguousarray(m.J)
    couplings = (J.indptr, J.indices, J.data) if sparse else (J,)
    kernel = _kernels.amfa_csr if sparse else _kernels.amfa_dense
    start = np.random.default_rng(0).uniform(0.45, 0.55, (3, m.n))
    one, XI, st = start.copy(), np.empty_like(start), np.empty(3, dtype=np.uint64)
    kernel(*couplings, m.h, ts, amps, one, keys, 1e-9, XI, st, False)
    parts = start.copy()
    for a, b in ((0, 7), (7, 8), (8, 41), (41, 60)):
        kernel(*couplings, m.h, ts[a:b], amps[a:b], parts, keys, 1e-9, XI, st, a > 0)
    np.testing.assert_array_equal(parts, one)


def test_long_rounds_are_cut_into_calls_with_the_same_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from isingeq.solvers import mfa_async

    m = isingeq.paper_instance(60, rng=4)
    whole = isingeq.solve(m, method="mfa-async", num_reads=4, rng=3)
    events: list[Any] = []
    monkeypatch.setattr(mfa_async, "_CHUNK_S", 1e-12)  # every sweep its own call
    cut = isingeq.solve(m, method="mfa-async", num_reads=4, rng=3, callback=events.append)
    np.testing.assert_array_equal(cut.samples, whole.samples)
    np.testing.assert_array_equal(cut.marginals, whole.marginals)
    assert cut.info["sweeps"] == whole.info["sweeps"]
    assert len(events) > whole.info["sweeps"] // 2  # news between the calls of a round


def test_time_limit_runs_growing_rounds_and_target_stops_early() -> None:
    m = isingeq.paper_instance(200, rng=6)
    isingeq.solve(m, method="mfa-async", num_sweeps=2, rng=0)  # numba's cache load is not timed
    r = isingeq.solve(m, method="mfa-async", time_limit=0.3, num_sweeps=40, rng=0)
    assert r.info["rounds"] >= 2 and r.info["stopped"] == "time_limit"
    # rounds of num_sweeps / 2; one in fresh_every (4) starts afresh, the others reheat
    assert r.info["sweeps"] >= 20 * r.info["rounds"] - 20
    assert r.info["reheats"] == r.info["rounds"] - (r.info["rounds"] + 3) // 4
    assert isingeq.one_flip_stable(m, r.samples).all()
    f = isingeq.solve(m, method="mfa-async", time_limit=0.1, num_sweeps=40, reheat=0.0, rng=0)
    assert f.info["reheats"] == 0  # every round a fresh one (how many fit is the clock's business)
    easy = float(r.energies.max()) + 100.0
    q = isingeq.solve(m, method="mfa-async", time_limit=5.0, target_energy=easy, rng=0)
    assert q.info["stopped"] == "target_energy" and q.info["rounds"] == 1
    assert q.best_energy <= easy


@pytest.mark.parametrize(
    ("kw", "word"),
    [
        ({"num_reads": 0}, "num_reads"),
        ({"num_sweeps": 0}, "num_sweeps"),
        ({"noise": -1.0}, "noise"),
        ({"t_start": 1.0, "t_end": 0.5}, "t_end"),
        ({"time_limit": 0.0}, "time_limit"),
        ({"tol": -1e-3}, "tol"),
        ({"reheat": -1.0}, "reheat"),
        ({"fresh_every": 0}, "fresh_every"),
    ],
)
def test_bad_options_name_the_option(kw: dict[str, float], word: str) -> None:
    with pytest.raises(ValueError, match=word):
        isingeq.solve(isingeq.paper_instance(8, rng=0), method="mfa-async", **kw)
