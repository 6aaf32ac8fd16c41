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
