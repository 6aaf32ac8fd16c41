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
  plain mode solves at one large finite ``t``: default 1000, where ``sigmoid(t xi)`` equals the
  step to double precision for ``|xi| > 0.04``. Of the values scanned (1, 5, 20, 100, 1e3, 1e4,
  1e6; README) it gave the paper's method its best correct rate.
* **The initial guess**: not given. ``x0 = 1/2`` for every node (the t = 0 solution, "the start"
  in the paper's words); extra reads (``num_reads > 1``) start from uniform random points.
* **The random seed**: not given; isingeq records its own (``rng``).

Two modes: ``mode="plain"`` (the paper: one solve at ``t``) and ``mode="continuation"`` (a
geometric ladder of ``t`` from ``t_start`` to ``t_end``, each solve warm-started from the last, so
the solution is followed from the high-temperature regime where it is unique).
"""

from __future__ import annotations

import time
import warnings
from typing import Any

import numpy as np
import scipy.optimize
import scipy.sparse as sp
from scipy.special import expit

from .._validation import check_int, check_real
from ..model import SpinGlass
from ..result import SolveResult
from ._registry import register

__all__ = ["critical_t", "eq16_residual", "solve_scipy_root"]

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


def eq16_residual(model: SpinGlass, x: np.ndarray, t: float) -> np.ndarray:
    """``F(x) = x - sigmoid(t xi(x))``: zero exactly at the solutions of eq. 16 (no validation)."""
    return x - expit(t * (model.h + model.J @ x))


def critical_t(model: SpinGlass) -> float:
    """The ``t`` at which the linearised eq. 16 loses stability: ``4 / lambda_max(J)``.

    Near ``x = 1/2`` the map ``x -> sigmoid(t xi)`` has Jacobian ``(t / 4) J``; above ``t_c`` the
    largest eigen-direction of ``J`` grows. ``lambda_max`` is exact (LAPACK) for n <= 500 and
    from ARPACK's Lanczos to a relative tolerance of 0.1 above that. Returns ``inf`` when ``J`` has no positive eigenvalue (no couplings).
    """
    J = model.J
    n = model.n
    if n == 1:
        return float("inf")
    if n <= 500:
        lam = float(np.linalg.eigvalsh(model.dense_J())[-1])
    else:
        from scipy.sparse.linalg import eigsh

        op = J if sp.issparse(J) else np.asarray(J)
        # a start value for annealing needs no more than ~10 % (the error is far smaller); a
        # fixed start vector keeps the estimate, and so seeded solves, the same in every process
        # (ARPACK's own random start made t_c differ by ~1 % between runs)
        v0 = np.random.default_rng(0).uniform(0.5, 1.5, n)
        lam = float(eigsh(op, k=1, which="LA", return_eigenvectors=False, tol=1e-1, v0=v0)[0])
    return 4.0 / lam if lam > 0 else float("inf")


def _one_solve(
    model: SpinGlass, x0: np.ndarray, t: float, root_method: str, tol: float, maxiter: int | None
) -> tuple[np.ndarray, Any]:
    h, J = model.h, model.J

    def fun(x: np.ndarray) -> np.ndarray:
        return np.asarray(x - expit(t * (h + J @ x)))

    def jac(x: np.ndarray) -> np.ndarray:
        s = expit(t * (h + J @ x))
        Jd = model.dense_J()
        return np.eye(model.n) - (t * s * (1.0 - s))[:, None] * Jd

    kw: dict[str, Any] = {"method": root_method, "tol": tol}
    if root_method in _JAC_METHODS:
        kw["jac"] = jac
    if maxiter is not None:
        kw["options"] = {"maxfev": maxiter} if root_method in _JAC_METHODS else {"maxiter": maxiter}
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")  # ill-conditioned estimates at saturation are expected
            sol = scipy.optimize.root(fun, x0, **kw)
    except (ArithmeticError, ValueError, np.linalg.LinAlgError) as exc:
        # SciPy's quasi-Newton solvers raise on a singular Jacobian estimate (saturated sigmoid);
        # that solve is recorded as failed, keeping its starting point.
        sol = scipy.optimize.OptimizeResult(
            x=x0, success=False, message=f"{type(exc).__name__}: {exc}", nfev=0
        )
    x = np.clip(np.asarray(sol.x, dtype=np.float64), 0.0, 1.0)
    return x, sol


@register("scipy-root")
def solve_scipy_root(
    model: SpinGlass,
    *,
    rng: np.random.Generator | None = None,
    mode: str = "plain",
    t: float = 1000.0,
    t_start: float | None = None,
    t_end: float = 1000.0,
    num_t: int = 24,
    root_method: str = "hybr",
    tol: float = 1e-8,
    maxiter: int | None = None,
    num_reads: int = 1,
    x0: np.ndarray | None = None,
) -> SolveResult:
    """Solve eq. 16 with ``scipy.optimize.root`` and round at 1/2 (the paper's method).

    See the module docstring for what the paper leaves open and what is chosen.

    Parameters
    ----------
    model : SpinGlass
    rng : Generator, optional
        Draws the starting points of reads after the first.
    mode : {"plain", "continuation"}, default "plain"
        ``plain``: one solve at ``t`` (the paper). ``continuation``: solve along a geometric
        ladder of ``num_t`` values from ``t_start`` to ``t_end``, warm-starting each from the last.
    t : float, default 1000.0
        The inverse temperature of the plain solve.
    t_start : float, optional
        First rung of the ladder; default half the critical ``t`` of :func:`critical_t`.
    t_end : float, default 1000.0
        Last rung of the ladder.
    num_t : int, default 24
        Rungs in the ladder (>= 2).
    root_method : str, default "hybr"
        Any method of ``scipy.optimize.root``; "hybr" and "lm" get the analytic Jacobian.
    tol : float, default 1e-8
        Passed to ``scipy.optimize.root``; a read counts as converged when
        ``max |F(x)| <= tol`` at the final ``t``.
    maxiter : int, optional
        Iteration (or function-evaluation) cap per solve; SciPy's default if omitted.
    num_reads : int, default 1
        Independent solves. The first starts from ``x0`` (default 1/2 everywhere), the others
        from uniform random points in [0, 1]^n.
    x0 : array_like, shape (n,), optional
        Starting point of the first read, entries in [0, 1].

    Returns
    -------
    SolveResult
        ``marginals`` (num_reads, n): the continuous solutions ``<n_i>``. ``info``: ``residual``
        (max |F| per read), ``converged`` (per read), ``scipy_success``, ``nfev``, ``message``,
        ``t`` (the final t), ``t_ladder`` (continuation), ``mode``, ``root_method``, ``time_ns``.

    Raises
    ------
    ValueError
        On an unknown ``mode`` or ``root_method``, a non-positive ``t``, a ladder that does not
        increase, or an ``x0`` of the wrong shape or outside [0, 1].

    Examples
    --------
    >>> import isingeq
    >>> m = isingeq.paper_instance(6, rng=0)
    >>> r = isingeq.solve(m, method="scipy-root", mode="continuation")
    >>> bool(r.info["converged"][0]), r.marginals.shape
    (True, (1, 6))
    """
    if mode not in ("plain", "continuation"):
        raise ValueError(f"`mode` must be 'plain' or 'continuation'; got {mode!r}")
    if root_method not in _ROOT_METHODS:
        raise ValueError(
            f"`root_method` must be one of {', '.join(_ROOT_METHODS)}; got {root_method!r}"
        )
    t = check_real("t", t, low=0.0, low_open=True)
    t_end = check_real("t_end", t_end, low=0.0, low_open=True)
    num_t = check_int("num_t", num_t, low=2)
    tol = check_real("tol", tol, low=0.0, low_open=True)
    if maxiter is not None:
        maxiter = check_int("maxiter", maxiter, low=1)
    R = check_int("num_reads", num_reads, low=1)
    n = model.n
    gen = rng if rng is not None else np.random.default_rng()
    if x0 is None:
        start = np.full(n, 0.5)
    else:
        start = np.asarray(x0, dtype=np.float64)
        if start.shape != (n,):
            raise ValueError(f"`x0` must have shape ({n},); got shape {start.shape}")
        if not np.all((start >= 0) & (start <= 1)):
            raise ValueError("`x0` must lie in [0, 1]^n (it is a vector of <n_i>)")
    if mode == "continuation":
        ts = t_start if t_start is not None else min(0.5 * critical_t(model), t_end / 10.0)
        ts = check_real("t_start", ts, low=0.0, low_open=True)
        if ts >= t_end:
            raise ValueError(f"`t_start` must be < t_end={t_end:g}; got {ts:g}")
        ladder = np.geomspace(ts, t_end, num_t)
    else:
        ladder = np.array([t])

    t0 = time.perf_counter_ns()
    X = np.empty((R, n))
    residual = np.empty(R)
    success = np.zeros(R, dtype=bool)
    nfev = np.zeros(R, dtype=np.int64)
    messages: list[str] = []
    for r in range(R):
        x = start.copy() if r == 0 else gen.random(n)
        ok_all = True
        fev = 0
        msg = ""
        for tk in ladder:
            x, sol = _one_solve(model, x, float(tk), root_method, tol, maxiter)
            ok_all = ok_all and bool(sol.success)
            fev += int(getattr(sol, "nfev", getattr(sol, "nit", 0)) or 0)
            msg = str(sol.message)
        X[r] = x
        residual[r] = float(np.max(np.abs(eq16_residual(model, x, float(ladder[-1])))))
        success[r] = ok_all
        nfev[r] = fev
        messages.append(msg)
    samples = (X > 0.5).astype(np.uint8)
    info: dict[str, Any] = {
        "mode": mode,
        "root_method": root_method,
        "t": float(ladder[-1]),
        "residual": residual,
        "converged": residual <= tol,
        "scipy_success": success,
        "nfev": nfev,
        "message": messages,
        "time_ns": time.perf_counter_ns() - t0,
    }
    if mode == "continuation":
        info["t_ladder"] = ladder
    return SolveResult.from_samples(model, samples, "scipy-root", marginals=X, info=info)
