"""Ctrl-C during a solve: the methods with a clock stop at their next check and the best
result so far comes with :class:`isingeq.Interrupted` (a KeyboardInterrupt)."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import isingeq

README = Path(__file__).resolve().parents[2] / "README.md"

INTERRUPTIBLE = ["auto", "mfa", "mfa-async", "mfa-hybrid", "tabu"]  # (scipy-root: its own test)


def test_the_interruptible_methods_are_those_the_docs_name() -> None:
    import re

    from isingeq.cli.solving import solve as solve_command
    from isingeq.solvers import INTERRUPTIBLE_METHODS

    assert {*INTERRUPTIBLE, "scipy-root"} == INTERRUPTIBLE_METHODS
    for text in (solve_command.__doc__ or "", README.read_text()):
        listed = re.search(r"Ctrl-C (?:stops|during) (.+?)\s+(?:at|stops)\s", text, re.DOTALL)
        assert listed is not None
        names = set(re.findall(r"[\w-]+", listed.group(1))) - {"and", "or"}
        assert names == INTERRUPTIBLE_METHODS


@pytest.fixture(autouse=True)
def python_sigint_handler() -> Iterator[None]:
    # a test runner's worker may ignore SIGINT; a user's Python has its default handler
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)


def _ctrl_c_after(events: int, times: int = 1) -> Any:
    seen: list[Any] = []

    def callback(event: Any) -> None:
        seen.append(event)
        if len(seen) == events:
            for _ in range(times):
                signal.raise_signal(signal.SIGINT)

    return callback


@pytest.mark.parametrize("method", INTERRUPTIBLE)
@pytest.mark.parametrize("time_limit", [None, 600.0])
def test_ctrl_c_returns_the_best_so_far(method: str, time_limit: float | None) -> None:
    model = isingeq.paper_instance(300, rng=1)
    opts: dict[str, Any] = {"time_limit": time_limit} if time_limit else {}
    if method in ("mfa", "tabu") and time_limit is None:
        opts["num_sweeps"] = 10**6  # long enough that only Ctrl-C ends it
    # (untimed, mfa-async runs one round, checked every 0.25 s of work: it stops in it or after)
    with pytest.raises(isingeq.Interrupted) as stop:
        isingeq.solve(model, method=method, rng=0, callback=_ctrl_c_after(1), **opts)
    assert isinstance(stop.value, KeyboardInterrupt)
    res = stop.value.result
    assert res.info["stopped"] == "interrupted"  # the method stopped for it (a 600 s budget)
    assert res.best_energy == pytest.approx(model.energy(res.best_sample), abs=1e-9)
    assert isingeq.one_flip_stable(model, res.samples).all()  # finished as at a time limit
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored


def test_a_second_ctrl_c_interrupts_at_once() -> None:
    model = isingeq.paper_instance(300, rng=1)
    with pytest.raises(KeyboardInterrupt) as stop:
        isingeq.solve(model, method="mfa-async", time_limit=600.0, callback=_ctrl_c_after(1, 2))
    assert not isinstance(stop.value, isingeq.Interrupted)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_methods_without_a_clock_and_other_threads_keep_the_plain_interrupt() -> None:
    model = isingeq.paper_instance(12, rng=1)
    seen: list[Any] = []

    def look(event: Any) -> None:
        seen.append(signal.getsignal(signal.SIGINT))

    isingeq.solve(model, method="greedy", callback=look)
    isingeq.solve(model, method="exact", callback=look)
    assert seen and all(h is signal.default_int_handler for h in seen)
    # a solve in another thread (a Dask worker's) cannot own SIGINT: nothing is installed
    seen.clear()
    worker = threading.Thread(
        target=lambda: isingeq.solve(model, method="mfa-async", rng=0, callback=look)
    )
    worker.start()
    worker.join()
    assert seen and all(h is signal.default_int_handler for h in seen)
    res = isingeq.solve(model, method="mfa-async", rng=0)
    assert res.info["stopped"] != "interrupted" and np.isfinite(res.best_energy)
