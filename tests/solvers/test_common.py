"""What the heuristic methods share (``isingeq.solvers._common``): the time budget."""

from __future__ import annotations

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
