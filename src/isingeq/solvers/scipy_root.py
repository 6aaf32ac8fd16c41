"""``method="scipy-root"``: the paper's route, eq. 16 solved with ``scipy.optimize.root``.

Eq. 16 is ``<n_i> = 1/2 + 1/2 tanh(t xi_i / 2) = sigmoid(t xi_i)`` with
``xi = h + J <n>`` (see :mod:`isingeq.model`). Its solution is found as a root of::

    F(x) = x - sigmoid(t (h + J x)),     dF/dx = I - diag(t s (1 - s)) J,   s = sigmoid(t xi)

and rounded at 1/2. The sigmoid is ``scipy.special.expit``, which neither overflows nor warns at
any ``t``.

What the paper leaves open, and what is chosen here
---------------------------------------------------
* **The SciPy routine**: not named. Default ``root_method="hybr"`` (``scipy.optimize.root``'s own
  default, MINPACK's Powell hybrid method) with the analytic Jacobian; any method of
  ``scipy.optimize.root`` can be chosen.
* **The value of t**: "t = infinity". A literal step function has no usable derivative, so the
  plain mode solves at one large finite ``t = t_end``: default 1000, where ``sigmoid(t xi)``
  equals the step to double precision for ``|xi| > 0.04`` (for a model whose typical field,
  :func:`~._common.typical_field`, is below 0.1, ``100 /`` it instead, so that ``t xi`` is as
  large: at coefficients of 1e-12 a fixed 1000 solved at an effectively zero ``t`` and
  returned a rounding of ``<n> = 1/2``; the paper's instances of n >= 6 keep 1000, their
  typical field is above 0.29, while at n <= 3 a small draw can raise it: 1 % to 25 % of
  instances, most at n = 2). Of the values scanned (README, "The
  paper's table": ``isingeq reproduce --methods "scipy-root:t_end=1,..."``) it gave the paper's
  method its best correct rate.
* **The initial guess**: not given. ``<n> = 1/2`` for every node (the t = 0 solution, "the
  start" in the paper's words); extra reads (``num_reads > 1``) start from uniform random
  points. On a spin-symmetric model (no fields: max-cut, SK, EA lattices; the paper's
  instances have them) 1/2 is a root at every ``t`` and that start never leaves it (every
  read 0 rounded to all zeros, "converged"), so read 0 starts at ``1/2 + U(-0.1, 0.1)`` there
  (``info["read0_deterministic"]`` False, as in mfa). The continuation still follows the
  symmetric branch from the high-``t`` side to its end; it warns then.
* **The random seed**: not given; isingeq records its own (``rng``).

Two modes: ``mode="plain"`` (the paper: one solve at ``t_end``) and ``mode="continuation"`` (a
geometric ladder of ``num_sweeps`` values of ``t`` from ``t_start`` to ``t_end``, each solve
warm-started from the last, so the solution is followed from the high-temperature regime where
it is unique).
"""

from __future__ import annotations

import contextlib
import time
import warnings
from typing import Any

import numpy as np
import scipy.optimize
import scipy.sparse as sp
from scipy.special import expit

from .._resources import memory_shortfall
from .._validation import check_int, check_model, check_real
from ..model import SpinGlass
from ..result import SolveResult
from . import _progress
from ._common import (
    eq16_residual,
    half_is_stuck,
    memo,
    one_blas_thread,
    reads_of,
    residual_per_read,
    start_states,
    time_budget,
    typical_field,
)
from ._registry import register

__all__ = ["critical_t", "eq16_residual", "solve_scipy_root"]

#: Width of read 0's start around 1/2 on spin-symmetric models (mfa's ``init_spread``).
_STUCK_SPREAD = 0.2
#: A solution value farther than this from 0 and 1 is "fractional" (``info["fractional"]``).
_FRACTIONAL = 0.01

_ROOT_METHODS = (
    "hybr",
    "lm",
    "broyden1",
    "broyden2",
    "anderson",
    "linearmixing",
    "diagbroyden",
    "excitingmixing",
    "krylov",
    "df-sane",
)
_JAC_METHODS = ("hybr", "lm")
#: Bytes per entry of ``n x n`` that a solve with the analytic Jacobian ("hybr", "lm") holds at
#: its peak: the Jacobian, MINPACK's copy and factors, and a sparse model's dense ``J``
#: (``benchmarks/bench_memory.py``, its scipy-root rows). Checked before anything is allocated.
JACOBIAN_BYTES_PER_ENTRY = 32
#: Methods whose evaluation cap is ``maxfev``; the others (``lm`` included) call it ``maxiter``.
_MAXFEV_METHODS = ("hybr", "df-sane")


def critical_t(model: SpinGlass) -> float:
    """The ``t`` at which the linearised eq. 16 loses stability: ``4 / lambda_max(J)``.

    Near ``x = 1/2`` the map ``x -> sigmoid(t xi)`` has Jacobian ``(t / 4) J``; above ``t_c`` the
    largest eigen-direction of ``J`` grows. This is naive mean field's instability, not a
    phase transition: on the SK model it lies at ``t = 1/2``, half the spin-glass
    transition (the Onsager term of TAP theory makes up the difference); annealing schedules
    need only its scale. ``lambda_max`` is exact (LAPACK) for n <= 500 and from ARPACK's
    Lanczos to a relative tolerance of 0.1 above that. Returns ``inf`` when ``J`` has no
    positive eigenvalue (no couplings). Computed once per model within one ``solve``
    (mfa-hybrid needs it twice). On a sparse ``J``, ARPACK runs on one BLAS thread: its work
    there is vector updates, which BLAS's threads did not speed up but slowed down after
    numba's parallel kernels (their spinning threads took the cores:
    ``isingeq.solvers._common.one_blas_thread`` says why; README, "Threads"), and one thread
    gives the same estimate whatever the number of cores.

    Parameters
    ----------
    model : SpinGlass

    Returns
    -------
    float
        ``4 / lambda_max(J)``, or ``inf``.
    """
    check_model(model)
    return float(memo(model, "critical_t", lambda: _critical_t(model)))


def _critical_t(model: SpinGlass) -> float:
    J = model.J
    n = model.n
    if n == 1:
        return float("inf")
    if n <= 500:
        with one_blas_thread():  # O(n^3) with n <= 500: threads would only spin afterwards
            lam = float(np.linalg.eigvalsh(model.dense_J())[-1])
    else:
        from scipy.sparse.linalg import eigsh

        op = J if sp.issparse(J) else np.asarray(J)
        # a start value for annealing needs no more than ~10 % (the error is far smaller); a
        # fixed start vector keeps the estimate, and so seeded solves, the same in every process
        # (ARPACK's own random start made t_c differ by ~1 % between runs)
        v0 = np.random.default_rng(0).uniform(0.5, 1.5, n)
        # a dense J's products are BLAS's own work, which its threads do speed up
        threads = one_blas_thread() if sp.issparse(J) else contextlib.nullcontext()
        with threads:
            lam = float(eigsh(op, k=1, which="LA", return_eigenvectors=False, tol=1e-1, v0=v0)[0])
    return 4.0 / lam if lam > 0 else float("inf")


class _Stopped(Exception):
    """Raised from eq. 16's evaluation when the deadline passed or Ctrl-C asked to stop."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Equation:
    """Eq. 16's residual ``F(x)`` and Jacobian at one ``t``, watching the clock.

    Every evaluation (of ``F`` and of its Jacobian) checks the deadline (perf_counter ns) and
    Ctrl-C, and those of ``F`` keep the point of smallest ``|F|`` seen, so that a solve cut
    short returns its best point rather than SciPy's last trial step (MINPACK passes views
    of its own work arrays: the point is copied).
    """

    def __init__(self, model: SpinGlass, t: float, deadline: int | None) -> None:
        self.model, self.t, self.deadline = model, t, deadline
        self.h, self.J = model.h, model.J
        self.stop = _progress.stop_flag()
        self.dense: np.ndarray | None = None
        self.calls = 0
        self.best_x: np.ndarray | None = None
        self.best_norm = np.inf

    def check(self) -> None:
        """Raise :class:`_Stopped` past the deadline or after Ctrl-C."""
        if self.deadline is not None and time.perf_counter_ns() >= self.deadline:
            raise _Stopped("time_limit")
        if self.stop is not None and self.stop.requested:
            raise _Stopped("interrupted")

    def fun(self, x: np.ndarray) -> np.ndarray:
        self.check()
        self.calls += 1
        F = np.asarray(x - expit(self.t * (self.h + self.J @ x)))
        norm = float(F @ F)  # the 2-norm MINPACK's steps decrease (squared)
        if norm < self.best_norm:  # NaN never replaces a point
            self.best_norm, self.best_x = norm, np.array(x, dtype=np.float64)
        return F

    def jac(self, x: np.ndarray) -> np.ndarray:
        self.check()
        s = expit(self.t * (self.h + self.J @ x))
        if self.dense is None:  # a sparse model's dense J is made once per solve (its memory
            # is in JACOBIAN_BYTES_PER_ENTRY)
            self.dense = memo(self.model, "scipy_root_dense_J", self.model.dense_J)
        # I - diag(t s (1 - s)) J in one n x n array
        out = self.dense * (-(self.t * s * (1.0 - s)))[:, None]
        out.flat[:: len(s) + 1] += 1.0
        return out


def _one_solve(
    model: SpinGlass,
    x0: np.ndarray,
    t: float,
    root_method: str,
    tol: float,
    max_sweeps: int | None,
    deadline: int | None,
) -> tuple[np.ndarray, Any, str | None]:
    """One root solve from ``x0`` at ``t``: ``(x in [0, 1], SciPy's result, why it stopped
    early)``; the last is None unless the deadline or Ctrl-C cut it (then ``x`` is the best
    point evaluated)."""
    eq = _Equation(model, t, deadline)
    kw: dict[str, Any] = {"method": root_method, "tol": tol}
    if root_method in _JAC_METHODS:
        kw["jac"] = eq.jac
    if max_sweeps is not None:
        # SciPy drops an option a method does not know (with a warning silenced below)
        key = "maxfev" if root_method in _MAXFEV_METHODS else "maxiter"
        kw["options"] = {key: max_sweeps}
    cut: str | None = None
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")  # ill-conditioned estimates at saturation are expected
            sol = scipy.optimize.root(eq.fun, x0, **kw)
    except _Stopped as stop:
        cut = stop.reason
        best = x0 if eq.best_x is None else eq.best_x
        sol = scipy.optimize.OptimizeResult(
            x=best, success=False, message=f"stopped: {cut}", nfev=eq.calls
        )
    except (ArithmeticError, ValueError, np.linalg.LinAlgError) as exc:
        # SciPy's quasi-Newton solvers raise on a singular Jacobian estimate (saturated sigmoid);
        # that solve is recorded as failed, keeping its starting point.
        sol = scipy.optimize.OptimizeResult(
            x=x0, success=False, message=f"{type(exc).__name__}: {exc}", nfev=eq.calls
        )
    x = np.clip(np.asarray(sol.x, dtype=np.float64), 0.0, 1.0)
    return x, sol, cut


@register(
    "scipy-root",
    interruptible=True,
    renamed={"x0": "initial_states", "num_t": "num_sweeps", "maxiter": "max_sweeps", "t": "t_end"},
)
def solve_scipy_root(
    model: SpinGlass,
    *,
    rng: np.random.Generator | None = None,
    mode: str = "plain",
    t_start: float | None = None,
    t_end: float | None = None,
    num_sweeps: int = 24,
    root_method: str = "hybr",
    tol: float = 1e-8,
    max_sweeps: int | None = None,
    num_reads: int | None = None,
    initial_states: Any = None,
    time_limit: float | None = None,
) -> SolveResult:
    """Solve eq. 16 with ``scipy.optimize.root`` and round at 1/2 (the paper's method).

    See the module docstring for what the paper leaves open and what is chosen. Option names
    and units are those of every method (``docs/vocabulary.md``).

    Parameters
    ----------
    model : SpinGlass
    rng : None, int, SeedSequence or Generator, optional
        Draws the starting points of reads after the first.
    mode : {"plain", "continuation"}, default "plain"
        ``plain``: one solve at ``t_end`` (the paper). ``continuation``: solve along a geometric
        ladder of ``num_sweeps`` values from ``t_start`` to ``t_end``, warm-starting each from
        the last.
    t_start : float, optional
        First rung of the ladder (continuation only: a ValueError in plain mode); default
        ``min(t_c / 2, t_end / 10)`` with ``t_c`` from :func:`~isingeq.critical_t`.
    t_end : float, optional
        The inverse temperature of the (last) solve; default 1000, or ``100 / typical field``
        where that is larger (models of small coefficients: the same ``t xi``).
    num_sweeps : int, default 24
        Rungs of the continuation ladder (>= 2); each rung is one root solve.
    root_method : str, default "hybr"
        Any method of ``scipy.optimize.root``; "hybr" and "lm" get the analytic Jacobian.
    tol : float, default 1e-8
        Residual of eq. 16: passed to ``scipy.optimize.root``, and a read counts as converged
        when ``max_i |<n_i> - sigmoid(t xi_i)| <= tol`` at ``t_end``.
    max_sweeps : int, optional
        SciPy's own cap per root solve, SciPy's default if omitted: evaluations of eq. 16
        for "hybr", "lm" and "df-sane" (SciPy's ``maxfev``; checked between their steps, so a
        solve may make a few more, and not counting the Jacobian's), iterations of several
        evaluations each for the other methods (``maxiter``). A solve stopped by it is not converged
        (``stopped``: "not_converged" unless another read's reason comes first).
    num_reads : int, optional
        Independent solves: default the rows of a 2-D ``initial_states``, else 1. Without
        ``initial_states`` the first starts from ``<n> = 1/2`` (near it on a spin-symmetric
        model, see the module docstring) and the others from uniform random points in [0, 1]^n.
    initial_states : array_like, shape (n,) or (num_reads, n), optional
        Starting ``<n>`` in [0, 1] (one row is used for every read).
    time_limit : float, optional
        Wall time in seconds from entry to return. The clock (and Ctrl-C) is checked at every
        evaluation of eq. 16 and of its Jacobian (a "hybr" / "lm" step between two, one
        ``O(n^3)`` factorisation, can run past the limit); a root solve cut there keeps the
        best point it evaluated (smallest ``|F|``), and reads not started keep their starting
        points (not converged). "lm" and "hybr" cost ``O(n^3)`` per Jacobian, so past a few
        hundred nodes a solve takes seconds to hours (``maxfev`` grows with ``n``): mfa /
        mfa-async solve the same equation in ``O(nnz)`` per sweep.

    Returns
    -------
    SolveResult
        ``marginals`` (num_reads, n): the continuous solutions ``<n_i>``. ``info``: the core
        of :mod:`isingeq.result` (``stopped``: "converged" when every read converged,
        "time_limit" or "interrupted" when the clock or Ctrl-C cut the solve, else
        "not_converged"), ``reads_done`` (reads that ran to their end), ``residual`` and
        ``converged`` (per read), ``sweeps_per_read``, ``scipy_success`` (per read),
        ``message``, ``t_schedule``, ``mode``, ``fractional`` (per read: values of ``<n>``
        farther than 0.01 from 0 and 1, whose rounding at 1/2 is unsure: a converged root
        need not be saturated), ``read0_deterministic``.

    Warns
    -----
    RuntimeWarning
        On a spin-symmetric model, when every read ended with more than half of its values
        fractional (the symmetric solution ``<n> = 1/2``, which the continuation follows).

    Raises
    ------
    ValueError
        On an unknown ``mode`` or ``root_method``, a non-positive ``t_end`` or ``time_limit``,
        a ladder that does not increase, ``initial_states`` of the wrong shape or outside
        [0, 1], or (before allocating) a "hybr" / "lm" solve whose dense Jacobians exceed the
        memory limit (``JACOBIAN_BYTES_PER_ENTRY`` per entry of ``n x n``).

    Examples
    --------
    >>> import isingeq
    >>> m = isingeq.paper_instance(6, rng=0)
    >>> r = isingeq.solve(m, method="scipy-root", mode="continuation")
    >>> bool(r.info["converged"][0]), r.marginals.shape, r.info["stopped"]
    (True, (1, 6), 'converged')
    """
    t_begin = time.perf_counter_ns()
    if mode not in ("plain", "continuation"):
        raise ValueError(f"`mode` must be 'plain' or 'continuation'; got {mode!r}")
    if root_method not in _ROOT_METHODS:
        raise ValueError(
            f"`root_method` must be one of {', '.join(_ROOT_METHODS)}; got {root_method!r}"
        )
    if t_end is None:
        t_end = max(1000.0, min(100.0 / typical_field(model), 1e300))
    t_end = check_real("t_end", t_end, low=0.0, low_open=True)
    num_sweeps = check_int("num_sweeps", num_sweeps, low=2)
    tol = check_real("tol", tol, low=0.0, low_open=True)
    if max_sweeps is not None:
        max_sweeps = check_int("max_sweeps", max_sweeps, low=1)
    R = check_int("num_reads", reads_of(num_reads, initial_states, 1), low=1)
    _, deadline, _ = time_budget(t_begin, time_limit, None)
    n = model.n
    if root_method in _JAC_METHODS:
        short = memory_shortfall(float(JACOBIAN_BYTES_PER_ENTRY) * n * n)
        if short is not None:
            raise ValueError(
                f"scipy-root with root_method={root_method!r} holds dense n x n Jacobians "
                f"(n={n}): {short}; root_method='krylov' or 'df-sane' need no Jacobian, and "
                "mfa / mfa-async solve eq. 16 in O(nnz) memory"
            )
    gen = rng if rng is not None else np.random.default_rng()
    starts = None
    if initial_states is not None:
        starts = start_states(model, initial_states, R, binary=False)
    resolved: dict[str, Any] = {"num_reads": R}
    if mode == "continuation":
        ts = t_start if t_start is not None else min(0.5 * critical_t(model), t_end / 10.0)
        ts = check_real("t_start", ts, low=0.0, low_open=True)
        if ts >= t_end:
            raise ValueError(f"`t_start` must be < t_end={t_end:g}; got {ts:g}")
        ladder = np.geomspace(ts, t_end, num_sweeps)
        resolved["t_start"] = ts
    else:
        if t_start is not None:  # not silently ignored (the house rule for options)
            raise ValueError(
                f"`t_start` applies to mode='continuation' only (plain mode solves once, at "
                f"t_end); got t_start={t_start!r} with mode='plain'"
            )
        ladder = np.array([t_end])
    resolved["t_end"] = t_end

    # on a spin-symmetric model (no fields: max-cut, SK, EA) 1/2 is a root at every t and the
    # paper's start never leaves it (all zeros, "converged"): read 0 starts off it, as mfa's
    stuck = starts is None and half_is_stuck(model)
    X = np.empty((R, n))
    success = np.zeros(R, dtype=bool)
    nfev = np.zeros(R, dtype=np.int64)
    messages: list[str] = []
    cut: str | None = None
    done = 0
    best_seen = np.inf  # the lowest rounded energy so far, for the progress events
    for r in range(R):
        if starts is not None:
            x = starts[r].copy()
        else:
            if r > 0:
                x = gen.random(n)
            elif stuck:
                x = 0.5 + _STUCK_SPREAD * (gen.random(n) - 0.5)
            else:
                x = np.full(n, 0.5)
        ok_all = cut is None
        fev = 0
        msg = f"not started: {cut}" if cut is not None else ""
        for tk in ladder if cut is None else ():
            x, sol, cut = _one_solve(model, x, float(tk), root_method, tol, max_sweeps, deadline)
            ok_all = ok_all and bool(sol.success)
            fev += int(getattr(sol, "nfev", getattr(sol, "nit", 0)) or 0)
            msg = str(sol.message)
            if cut is not None:
                break
        X[r] = x
        success[r] = ok_all
        nfev[r] = fev
        messages.append(msg)
        if cut is None:
            done += 1
            if _progress.active():  # the new read's energy only: O(n^2) per read, not O(R n^2)
                best_seen = min(best_seen, float(model.energy((x > 0.5).astype(np.uint8))))
                _progress.report("scipy-root", best_seen, int(nfev.sum()))
    residual = residual_per_read(model, X, float(ladder[-1]))
    converged = residual <= tol
    fractional = (np.minimum(X, 1.0 - X) > _FRACTIONAL).sum(axis=1)
    if cut == "time_limit" and done == 0:
        # the samples are the rounding of a point the first solve barely moved (at n = 1000
        # "hybr"'s first Jacobian step alone took longer than a 1-s limit: all zeros, H = 0)
        warnings.warn(
            f"scipy-root: time_limit={time_limit:g} s ran out before any read finished "
            f"({int(nfev[0])} evaluations of eq. 16 in read 0, each O(n^2) and its Jacobian "
            f"steps O(n^3) at n={n}); the samples round the best point reached, "
            f"{int(fractional[0])} of whose {n} values are still fractional. Give it more time, "
            "or use a heuristic (method='auto')",
            RuntimeWarning,
            stacklevel=4,  # the caller of isingeq.solve
        )
    if stuck and 2 * int(fractional.min()) > n:
        # the continuation follows the symmetric branch from the high-t side to the end
        warnings.warn(
            f"scipy-root: this model has no fields (spin-symmetric), so <n> = 1/2 solves eq. 16 "
            f"at every t, and every read ended near it ({int(fractional.min())} of {n} values "
            f"or more away from 0 and 1, info['fractional'], {mode} mode): its rounding at 1/2 "
            f"means little. mfa, mfa-async and mfa-hybrid break the symmetry with noise",
            RuntimeWarning,
            stacklevel=4,  # the caller of isingeq.solve
        )
    samples = (X > 0.5).astype(np.uint8)
    info: dict[str, Any] = {
        "options": resolved,
        "sweeps": int(nfev.sum()),
        "stopped": cut or ("converged" if bool(converged.all()) else "not_converged"),
        "reads_done": done,
        "mode": mode,
        "t_schedule": ladder,
        "residual": residual,
        "converged": converged,
        "sweeps_per_read": nfev,
        "scipy_success": success,
        "message": messages,
        "fractional": fractional,
        "read0_deterministic": not stuck,
    }
    return SolveResult.from_samples(model, samples, "scipy-root", marginals=X, info=info)
