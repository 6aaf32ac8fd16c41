"""What the heuristic methods share (``isingeq.solvers._common``): the time budget."""

from __future__ import annotations

import numpy as np
import pytest

import isingeq


@pytest.mark.parametrize("method", ["tabu", "mfa", "mfa-async", "mfa-hybrid"])
def test_a_huge_finite_time_limit_is_a_limit_not_an_overflow(method: str) -> None:
    # 1e300 s in ns is inf in floating point: int() of it raised OverflowError at entry
    m = isingeq.paper_instance(10, rng=0)
    r = isingeq.solve(m, method=method, rng=0, time_limit=1e300, target_energy=0.0)
    assert r.info["stopped"] == "target_energy"
    assert r.info["options"]["time_limit"] == 1e300


def test_a_long_time_limit_still_gives_short_chunks() -> None:
    # each chunk was an eighth of the time left: with time_limit=1e6 tabu sent one progress
    # event in 6 s and checked its target as rarely
    import time

    from isingeq.solvers._common import _MAX_CHUNK_S, ChunkClock

    clock = ChunkClock(time.perf_counter_ns() + int(1e6 * 1e9), first=10, least=64)
    assert clock.plan() == (10, None)
    clock.spent, clock.done = 1e-3, 10  # 1e-4 s a unit
    k, fit = clock.plan()  # type: ignore[misc]
    assert k == int(_MAX_CHUNK_S / 1e-4) and fit > 1e9
    short = ChunkClock(time.perf_counter_ns() + int(1.0 * 1e9), first=10, least=64)
    short.spent, short.done = 1e-3, 10
    k, fit = short.plan()  # type: ignore[misc]
    assert k == fit // 8  # a 1 s budget is unchanged: an eighth of it is below the cap


@pytest.mark.parametrize("t", [0.5, 3.0, 1e6, 1e300])
def test_residual_per_read_is_the_largest_deviation_from_eq16(t: float) -> None:
    # a kernel now (scipy's expit at a ladder's huge t took 0.6 s for 16 reads of 10^6 nodes)
    from scipy.special import expit

    from isingeq.solvers._common import residual_per_read

    rng = np.random.default_rng(3)
    m = isingeq.paper_instance(30, rng=1)
    M = rng.random((5, 30))
    M[1] = np.round(M[1])  # saturated states: 0 and 1 exactly
    with np.errstate(over="ignore"):
        want = np.abs(M - expit(t * m.local_field(M))).max(axis=1)
    np.testing.assert_allclose(residual_per_read(m, M, t), want, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(residual_per_read(m, M[2], t), want[2:3], rtol=1e-12, atol=1e-15)
