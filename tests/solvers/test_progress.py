"""Progress events: every method reports through ``callback``, the last event is the result."""

from __future__ import annotations

import numpy as np
import pytest

import isingeq
from isingeq import ProgressEvent, Trace


@pytest.mark.parametrize("method", ["mfa", "mfa-async", "mfa-hybrid", "tabu", "auto"])
def test_time_limited_methods_report_while_they_run(method: str) -> None:
    m = isingeq.paper_instance(60, rng=0)
    trace = Trace()
    r = isingeq.solve(m, method=method, time_limit=0.3, rng=0, callback=trace)
    ev = trace.events
    assert len(ev) >= 3 and all(isinstance(e, ProgressEvent) for e in ev)
    assert ev[-1].phase == "done" and ev[-1].best_energy == r.best_energy
    assert all(e.method == method and e.time_limit == 0.3 for e in ev)
    times = [e.elapsed_s for e in ev]
    assert times == sorted(times) and times[-1] <= r.time_s
    # every reported best is the energy of a state the method met: never below the final best
    assert min(e.best_energy for e in ev) >= r.best_energy - 1e-9
    times, best = trace.best_so_far()
    assert times == sorted(times)
    assert best == sorted(best, reverse=True) and best[-1] == pytest.approx(r.best_energy, abs=1e-9)
    # the "done" event's counts are the solve's (its rounds were always 0)
    rounds = r.info.get("rounds", r.info.get("mean_field", {}).get("rounds", 0))
    assert (ev[-1].sweeps, ev[-1].rounds) == (r.info["sweeps"], rounds)
    if method in ("mfa", "mfa-async"):
        assert ev[-1].rounds >= 1


def test_a_hybrid_reports_both_phases_under_its_own_name() -> None:
    dense, ring = (
        isingeq.paper_instance(60, rng=1),
        isingeq.SpinGlass.from_maxcut(60, [(i, (i + 1) % 60) for i in range(60)]),
    )
    for model, second in ((dense, "tabu"), (ring, "thermal tail")):
        trace = Trace()
        isingeq.solve(model, method="mfa-hybrid", time_limit=0.3, rng=0, callback=trace)
        phases = [e.phase for e in trace.events]
        assert phases[0] == "mfa-async" and second in phases and phases[-1] == "done"
        assert {e.method for e in trace.events} == {"mfa-hybrid"}


def test_a_callback_does_not_change_the_result() -> None:
    m = isingeq.paper_instance(40, rng=2)
    a = isingeq.solve(m, method="mfa-async", num_sweeps=50, rng=3)
    b = isingeq.solve(m, method="mfa-async", num_sweeps=50, rng=3, callback=Trace())
    np.testing.assert_array_equal(a.samples, b.samples)


def test_methods_without_rounds_report_once_and_bad_callbacks_are_refused() -> None:
    m = isingeq.paper_instance(10, rng=0)
    trace = Trace()
    r = isingeq.solve(m, method="exact", callback=trace)
    assert [e.phase for e in trace.events] == ["done"] and trace.events[0].sweeps == 0
    assert trace.events[0].best_energy == r.best_energy
    with pytest.raises(TypeError, match="`callback` must be callable; got int"):
        isingeq.solve(m, method="greedy", callback=3)


@pytest.mark.parametrize("method", sorted(isingeq.METHODS))
def test_an_exception_in_the_callback_ends_the_solve_and_reaches_the_caller(method: str) -> None:
    # documented on ProgressEvent: a way to stop a solve early (without a result)
    class Stop(Exception):
        pass

    calls = []

    def stop(event: ProgressEvent) -> None:
        calls.append(event)
        raise Stop

    m = isingeq.paper_instance(12 if method == "exact" else 40, rng=0)
    options = {"time_limit": 0.2} if "time_limit" in isingeq.method_options(method) else {}
    with pytest.raises(Stop):
        isingeq.solve(m, method=method, rng=0, callback=stop, **options)
    assert len(calls) == 1
    isingeq.solve(m, method=method, rng=0, **options)  # the callback is no longer active
    assert len(calls) == 1
