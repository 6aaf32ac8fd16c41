"""Progress events of a running solve, for a ``callback`` (a live line, a trace, a plot).

Every registered method takes ``callback=`` (:func:`isingeq.solve` passes it on): a function
called with a :class:`ProgressEvent` whenever the method has news, that is between the chunks
of work at which it already checks its clock (a round of mfa / mfa-async and mfa's
saturation checks every 8 sweeps, a chunk of the thermal tail or of tabu moves, an mfa-async
round or its part of at most 0.25 s), and once more when it returns. The events are cheap (no
energy is computed for them) and their number is bounded by the method's own clock checks, so
a callback costs nothing measurable; it runs in the solver's thread, between kernels.

The methods report through :func:`report`, which reads the active callback from a context
variable set by the registry's wrapper, so a method that runs another (``auto``,
``mfa-hybrid``'s mean-field phase) passes its callback on without a parameter, and the events
of the inner method carry the outer one's name and clock.

:class:`Trace` is a callback that keeps every event (the CLI's ``--plot`` draws it).
"""

from __future__ import annotations

import contextlib
import contextvars
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Interrupted",
    "ProgressEvent",
    "Trace",
    "interruptible",
    "report",
    "stop_flag",
    "stop_requested",
    "watching",
]


@dataclass(frozen=True)
class ProgressEvent:
    """What a running solve reports.

    Attributes
    ----------
    method : str
        The method the caller asked for (the outer one when a method runs another).
    phase : str
        The part of the work: the name of the method doing it (for a method that runs another,
        the inner one's: mfa-hybrid's mean-field phase reports ``"mfa-async"``), or
        ``"tabu"`` and ``"thermal tail"`` (the second phases of mfa-hybrid); ``"done"`` for
        the last event.
    elapsed_s : float
        Wall time since the solve's entry, in seconds.
    time_limit : float or None
        The solve's ``time_limit`` in seconds (None without one).
    best_energy : float
        The lowest ``H`` met so far (``inf`` before the first state is complete).
    sweeps : int
        Sweeps done so far in this phase (the method's own unit, ``docs/vocabulary.md``); in
        the ``"done"`` event, the whole solve's (``info["sweeps"]``).
    rounds : int
        Rounds (restarts) done so far in this phase, 0 where the method has none; in the
        ``"done"`` event, the solve's (``info["rounds"]``, mfa-hybrid's mean-field rounds).

    Notes
    -----
    The callback runs in the solver's thread, between kernels. An exception it raises is not
    caught: it ends the solve at once and reaches the caller of :func:`isingeq.solve`, with no
    result (a way to stop a solve early).
    """

    method: str
    phase: str
    elapsed_s: float
    time_limit: float | None
    best_energy: float
    sweeps: int
    rounds: int


@dataclass
class _Watch:
    callback: Callable[[ProgressEvent], object]
    method: str
    time_limit: float | None
    t0: int


_ACTIVE: contextvars.ContextVar[_Watch | None] = contextvars.ContextVar(
    "isingeq_progress", default=None
)


@contextlib.contextmanager
def watching(
    callback: Callable[[ProgressEvent], object] | None,
    method: str,
    time_limit: float | None,
    t0: int,
) -> Iterator[bool]:
    """Make ``callback`` the active one for the solve started at ``t0`` (perf_counter ns).

    Without a callback the active one (an outer solve's) stays; yields whether this call set it
    (the registry then reports the final event).
    """
    if callback is None:
        yield False
        return
    if not callable(callback):
        raise TypeError(f"`callback` must be callable; got {type(callback).__name__}")
    token = _ACTIVE.set(_Watch(callback, method, time_limit, t0))
    try:
        yield True
    finally:
        _ACTIVE.reset(token)


def active() -> bool:
    """Whether a callback listens (a method may skip work done only for the events)."""
    return _ACTIVE.get() is not None


def report(phase: str, best_energy: float, sweeps: int, rounds: int = 0) -> None:
    """Send one event to the active callback, if any."""
    w = _ACTIVE.get()
    if w is None:
        return
    w.callback(
        ProgressEvent(
            method=w.method,
            phase=phase,
            elapsed_s=(time.perf_counter_ns() - w.t0) * 1e-9,
            time_limit=w.time_limit,
            best_energy=float(best_energy),
            sweeps=int(sweeps),
            rounds=int(rounds),
        )
    )


class Interrupted(KeyboardInterrupt):
    """Ctrl-C stopped a solve, whose best result so far is ``result``.

    A :class:`KeyboardInterrupt`, so a script stops as it always did; to keep the work done::

        try:
            r = isingeq.solve(model, time_limit=3600)
        except isingeq.Interrupted as stop:
            r = stop.result  # info["stopped"] == "interrupted"

    (In an interactive session, after the traceback: ``sys.last_value.result``.)

    The methods that check for it (``isingeq.solvers.INTERRUPTIBLE_METHODS``: mfa, mfa-async,
    mfa-hybrid, tabu, scipy-root and auto) stop at their next clock check, finish their best
    states as at a time limit and return them; a second Ctrl-C in the meantime interrupts at
    once (a plain KeyboardInterrupt). A check comes after at most about 0.5 s of work (with
    ``backend="torch"``, between mfa-async's colour classes, every 0.25 s; scipy-root checks
    at every evaluation of eq. 16 and of its Jacobian, so one "hybr" / "lm" step, an
    ``O(n^3)`` factorisation, can take longer). Other methods, and solves outside the main
    thread (a Dask worker's), are interrupted as before.

    Attributes
    ----------
    result : SolveResult
        The best result so far, of the shape every method returns, with
        ``info["stopped"] == "interrupted"`` (unless the method had just ended on its own, when
        its own reason stays).
    """

    def __init__(self, result: Any) -> None:
        super().__init__("stopped by Ctrl-C; the best result so far is `.result`")
        self.result = result


@dataclass
class _Stop:
    requested: bool = False


_STOP: contextvars.ContextVar[_Stop | None] = contextvars.ContextVar("isingeq_stop", default=None)


def stop_requested() -> bool:
    """Whether Ctrl-C asked the running solve to stop (checked where the clock is)."""
    stop = _STOP.get()
    return stop is not None and stop.requested


def stop_flag() -> _Stop | None:
    """The running solve's Ctrl-C flag (its ``requested``), None where none is installed: for a
    check in a hot loop (scipy-root's every evaluation), one lookup per solve."""
    return _STOP.get()


@contextlib.contextmanager
def interruptible(enabled: bool) -> Iterator[_Stop | None]:
    """Within the block, a first Ctrl-C asks the solve to stop (:func:`stop_requested`)
    instead of raising; yields the flag (None where nothing was installed).

    Installed by the outermost solve only, in the main thread only (signal handlers live
    there), and only over a Python-level SIGINT handler (not where SIGINT is ignored or left
    to the system): a second Ctrl-C goes to that handler (KeyboardInterrupt) at once.
    """
    previous = signal.getsignal(signal.SIGINT) if enabled else None
    if (
        not enabled
        or _STOP.get() is not None
        or threading.current_thread() is not threading.main_thread()
        or not callable(previous)
    ):
        yield None
        return
    stop = _Stop()

    def on_sigint(signum: int, frame: Any) -> None:
        stop.requested = True
        signal.signal(signal.SIGINT, previous)  # the next Ctrl-C interrupts at once

    token = _STOP.set(stop)
    signal.signal(signal.SIGINT, on_sigint)
    try:
        yield stop
    finally:
        _STOP.reset(token)
        signal.signal(signal.SIGINT, previous)


@dataclass
class Trace:
    """A callback that keeps every event: ``isingeq.solve(m, callback=trace)``.

    Attributes
    ----------
    events : list of ProgressEvent
        Every event received, in order; a solve that returns ends with its ``"done"`` event.
        One trace passed to several solves keeps all their events.

    Examples
    --------
    >>> import isingeq
    >>> trace = isingeq.Trace()
    >>> r = isingeq.solve(isingeq.paper_instance(30, rng=0), method="mfa-async",
    ...                   time_limit=0.2, rng=0, callback=trace)
    >>> trace.events[-1].phase, trace.events[-1].best_energy == r.best_energy
    ('done', True)
    """

    events: list[ProgressEvent] = field(default_factory=list)

    def __call__(self, event: ProgressEvent) -> None:
        self.events.append(event)

    def best_so_far(self) -> tuple[list[float], list[float]]:
        """``(elapsed_s, lowest H up to then)`` over the events (for a trajectory plot)."""
        times, best = [], []
        low = float("inf")
        for e in self.events:
            low = min(low, e.best_energy)
            times.append(e.elapsed_s)
            best.append(low)
        return times, best
