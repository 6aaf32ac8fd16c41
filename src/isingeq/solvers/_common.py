"""What the annealing methods share: the t ladder, the field scale, starts, the eq. 16 residual.

Validating helpers (they name the parameter); the kernels themselves live in ``_kernels``.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.special import expit

from .._resources import memory_shortfall
from .._validation import check_int, check_real
from ..model import SpinGlass, _real_array
from . import _kernels

__all__ = [
    "HOST_BYTES_PER_STATE",
    "T_MAX",
    "ChunkClock",
    "check_replica_memory",
    "device_residuals",
    "eq16_residual",
    "field_scale",
    "fields",
    "half_is_stuck",
    "ladder_ends",
    "load_kernels",
    "meets_target",
    "one_blas_thread",
    "pow2",
    "reads_of",
    "solve_memo",
    "start_states",
    "target_reached",
    "time_budget",
    "typical_field",
]


_BLAS: Any = None  # threadpoolctl's controller, made at the first use (it scans the libraries)
_BLAS_MODULES = 0  # len(sys.modules) when it was made
_BLAS_LOCK = threading.Lock()
_BLAS_HOLD: list[Any] = []  # [the limiter, the blocks inside it]; empty when BLAS is free


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    """BLAS / LAPACK on one thread for a small call made between numba's parallel kernels.

    OpenBLAS's threads busy-wait for a while after each call, and a numba thread started
    meanwhile shares its core with one of them: after the ``eigvalsh`` of :func:`critical_t`
    (n = 100), mfa-async's kernel and final descent took twice as long on 2 threads as on 1
    (``benchmarks/bench_threads.py``). Through threadpoolctl's controller, made once.

    BLAS's thread count is the process's, and solves may run on several Python threads: the
    first block to enter limits it and the last to leave restores it, so that blocks that
    overlap in time (not nested) do not leave BLAS on one thread for good.

    The controller is made again when modules were imported since (a new BLAS comes with an
    extension module: a peer solver's own OpenBLAS, loaded after the first solve, kept its
    threads); a scan costs 0.5 ms, too much for every small solve.
    """
    global _BLAS, _BLAS_MODULES
    with _BLAS_LOCK:
        if not _BLAS_HOLD and (_BLAS is None or len(sys.modules) != _BLAS_MODULES):
            from threadpoolctl import ThreadpoolController

            _BLAS = ThreadpoolController()
            _BLAS_MODULES = len(sys.modules)
        if not _BLAS_HOLD:
            _BLAS_HOLD[:] = [_BLAS.limit(limits=1, user_api="blas"), 0]
        _BLAS_HOLD[1] += 1
    try:
        yield
    finally:
        with _BLAS_LOCK:
            _BLAS_HOLD[1] -= 1
            if _BLAS_HOLD[1] == 0:
                _BLAS_HOLD[0].restore_original_limits()
                _BLAS_HOLD.clear()


# what one solve call has computed about its model, shared by the methods it runs (mfa-hybrid's
# mean-field phase and its cold tail both need t_c): model id -> (model, {name: value})
_MEMO: contextvars.ContextVar[dict[int, tuple[SpinGlass, dict[str, Any]]] | None] = (
    contextvars.ContextVar("isingeq_solve_memo", default=None)
)


@contextlib.contextmanager
def solve_memo() -> Iterator[None]:
    """Within this block (one top-level ``solve``), :func:`memo` values are computed once per
    model; a nested solve shares its caller's. Outside any solve nothing is remembered (a model's
    arrays may change between calls)."""
    if _MEMO.get() is not None:
        yield
        return
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def memo(model: SpinGlass, name: str, compute: Callable[[], Any]) -> Any:
    """``compute()``, remembered for ``model`` within the current :func:`solve_memo` block."""
    table = _MEMO.get()
    if table is None:
        return compute()
    entry = table.get(id(model))
    if entry is None or entry[0] is not model:
        entry = table[id(model)] = (model, {})
    values = entry[1]
    if name not in values:
        values[name] = compute()
    return values[name]


def pow2(x: float) -> float:
    """The power of two nearest ``x > 0``: dividing by it is exact in binary floating point
    (the unit in which mfa's numpy sweeps hold huge fields, and the torch backend all fields)."""
    return float(2.0 ** round(math.log2(x)))


def field_scale(model: SpinGlass) -> float:
    """Typical size of ``xi`` at a random state: ``sqrt(mean_i sum_j J_ij^2) / 2`` (or ``|h|``).

    The unit of ``noise`` in every method (``docs/vocabulary.md``), so that one noise value
    means the same on models of any size and coupling scale.
    """
    # the floor (the smallest normal float64) only keeps subnormal couplings from dividing by
    # zero; a floor of 1e-12 made the noise of a model with coefficients of 1e-15 a thousand
    # times its fields, and mfa / mfa-async no better than greedy from random states
    return max(typical_field(model), _TINY)


#: The smallest normal float64: :func:`field_scale`'s floor.
_TINY = float(np.finfo(np.float64).tiny)

#: The largest ``t`` of a default ladder: far beyond any step of a sigmoid (``t xi`` of models
#: scaled down to 1e-300 still fits), and finite in float64 after a span of 1000.
T_MAX = 1e305


def typical_field(model: SpinGlass) -> float:
    """:func:`field_scale` without its floor: the size of ``xi`` at any coefficient
    scale (scipy-root's default ``t_end`` is ``100 /`` it for small models)."""
    return float(memo(model, "typical_field", lambda: _typical_field(model)))


def _typical_field(model: SpinGlass) -> float:
    # a pass over every coupling: once per model within a solve (a dense n = 10,000 took
    # 0.4 s, and mfa on torch asked twice: the method and the backend's scale)
    J = model.J
    data = J.data if sp.issparse(J) else np.asarray(J)
    with np.errstate(over="ignore", under="ignore"):
        sq = float(J.multiply(J).sum()) if sp.issparse(J) else float(np.square(J).sum())
    top = float(np.abs(data).max()) if data.size else 0.0
    if np.isinf(sq) or (sq == 0.0 and top > 0.0):
        # couplings beyond 1e154 square to inf, below 1e-162 to 0: sum them in units of the
        # largest (a power of two: exact)
        unit = float(2.0 ** np.ceil(np.log2(top)))
        s = np.sqrt(float(np.square(data / unit).sum()) / model.n) / 2.0 * unit
    else:
        s = np.sqrt(sq / model.n) / 2.0
    if s == 0.0:
        s = float(np.abs(model.h).max()) or 1.0
    return float(s)


def ladder_ends(
    model: SpinGlass,
    t_start: float | None,
    t_end: float | None,
    tc_factor: float,
    span: float,
    *,
    ordered: bool = True,
) -> tuple[float, float]:
    """Validated ends of a ``t`` ladder (absolute inverse temperatures in every method).

    Defaults: ``t_start = tc_factor * t_c`` (:func:`isingeq.critical_t`; ``tc_factor * 0.2 /
    field_scale`` without couplings) and ``t_end = span * t_start``. With ``ordered``,
    ``t_end > t_start`` is required.
    """
    from .scipy_root import critical_t

    if t_start is None:
        tc = critical_t(model)
        t_start = tc_factor * (tc if np.isfinite(tc) else 0.2 / field_scale(model))
        # t scales as 1 / the couplings (a cap of 1e25 annealed models scaled by 1e-30 at
        # t xi ~ 1e-5, all <n> near 1/2); T_MAX / span keeps t_end finite for subnormal ones
        t_start = min(t_start, T_MAX / span)
    t_start = check_real("t_start", t_start, low=0.0, low_open=True)
    if t_end is None:
        t_end = span * t_start
    t_end = check_real("t_end", t_end, low=0.0, low_open=True)
    if ordered and t_end <= t_start:
        raise ValueError(f"`t_end` must be > t_start={t_start:g}; got {t_end:g}")
    return t_start, t_end


def reads_of(num_reads: int | None, initial_states: Any, default: int) -> Any:
    """``num_reads`` as given; when omitted, the rows of a 2-D ``initial_states`` (one read per
    given start, in every method), else ``default``. Checked later, by the caller."""
    if num_reads is None and initial_states is not None:
        shape = np.shape(_real_array("initial_states", initial_states, "real numbers"))
        if len(shape) == 2 and shape[0] >= 1:  # zero rows: start_states names the problem
            return shape[0]
    return default if num_reads is None else num_reads


def start_states(
    model: SpinGlass,
    initial_states: Any,
    num_reads: int | None,
    *,
    binary: bool,
) -> np.ndarray:
    """``initial_states`` as a (num_reads, n) float64 array, checked.

    ``(n,)`` is one start for every read; ``(k, n)`` gives ``k`` reads, and ``num_reads``, when
    given, must equal ``k`` (or be given with a single row). ``binary``: values must be 0/1
    (the ``t = infinity`` methods), else in [0, 1] (values of ``<n_i>``).

    Raises
    ------
    ValueError
        On a wrong shape (zero rows included), non-finite values, values outside the allowed
        set, or a row count that disagrees with ``num_reads``.
    TypeError
        On strings, objects or complex numbers (the dtype check of
        :meth:`~isingeq.SpinGlass.check_states`).
    """
    X = _real_array("initial_states", initial_states, "real numbers").astype(np.float64)
    n = model.n
    if X.ndim not in (1, 2) or X.shape[-1] != n or X.size == 0:
        raise ValueError(
            f"`initial_states` must have shape (n,) or (num_reads, n) with n={n} and "
            f"num_reads >= 1; got shape {X.shape}"
        )
    if X.ndim == 1:
        X = X[None, :]
    bad = ~((X == 0.0) | (X == 1.0)) if binary else ~((X >= 0.0) & (X <= 1.0))
    if bad.any():  # where, and what, as the house rule asks: the first offending value
        r, i = (int(k) for k in np.argwhere(bad)[0])
        where = (
            f"initial_states[{r}, {i}]" if np.ndim(initial_states) == 2 else f"initial_states[{i}]"
        )
        what = "hold 0/1 values for this method" if binary else "lie in [0, 1] (values of <n_i>)"
        raise ValueError(
            f"`initial_states` must {what}; got {where} = {X[r, i]:g} ({int(bad.sum())} such)"
        )
    if num_reads is not None:
        R = check_int("num_reads", num_reads, low=1)
        if X.shape[0] == 1:
            X = np.repeat(X, R, axis=0)
        elif X.shape[0] != R:
            raise ValueError(
                f"`num_reads`={R} disagrees with `initial_states`, which has {X.shape[0]} rows"
            )
    return np.ascontiguousarray(X)


def fields(model: SpinGlass, X: np.ndarray) -> np.ndarray:
    """``model.local_field(X)`` of the rows of ``X`` (R, n), C-ordered float64, bit for bit,
    without its checks; a sparse model's in parallel over the rows (``SpinGlass._rows_product``)."""
    Xf = np.ascontiguousarray(X, dtype=np.float64)
    return np.ascontiguousarray(model._rows_product(Xf, model.h), dtype=np.float64)


def half_is_stuck(model: SpinGlass) -> bool:
    """Whether eq. 16's update started at ``<n> = 1/2`` without noise can never leave it.

    ``xi(1/2) = h + J 1 / 2`` vanishes at every node of some connected component exactly when
    the component's energy is symmetric under ``n -> 1 - n`` (an Ising model without fields:
    max-cut, Gset, toroidal spin glasses). Then ``sigmoid(t xi) = 1/2`` there at every ``t``,
    and the paper's deterministic path rounds the component to all zeros (a greedy descent
    from zero). Zero means below ``1e-12`` of the node's ``|h_i| + sum_j |J_ij| / 2``. A node
    with no coupling and no bias does not count: its value changes no energy (a BQM's unused
    variable made read 0 of the rest noisy).
    """
    J = model.J
    row_sum = np.asarray(J.sum(axis=1)).ravel()
    row_abs = np.asarray(abs(J).sum(axis=1)).ravel()
    scale = np.abs(model.h) + 0.5 * row_abs
    zero = (np.abs(model.h + 0.5 * row_sum) <= 1e-12 * scale) & (scale > 0.0)
    if not zero.any():
        return False
    if zero.all():
        return True
    from scipy.sparse.csgraph import connected_components

    k, labels = connected_components(sp.csr_array(J), directed=False)
    moving = np.zeros(k, dtype=bool)
    moving[labels[~zero]] = True
    return not bool(moving.all())


def eq16_residual(model: SpinGlass, x: Any, t: float) -> np.ndarray:
    """``F(x) = x - sigmoid(t xi(x))``, shape of ``x``: zero exactly at the solutions of eq. 16.

    ``x`` is (n,) or (R, n), checked (shape, finite real numbers: the methods compute their
    residuals with their own kernels, so this public form validates); at ``t = inf`` the
    sigmoid is the step function, 1/2 at a zero field (eq. 16's limit).

    Parameters
    ----------
    model : SpinGlass
    x : array_like, shape (n,) or (R, n)
        Marginals ``<n_i>`` in [0, 1] (0/1 states are a special case), one row per replica.
    t : float
        The inverse temperature of eq. 16, ``>= 0`` (``inf`` allowed).

    Returns
    -------
    ndarray of float64, shape of ``x``
        ``x - sigmoid(t xi(x))``; ``max |F|`` over a row is the ``residual`` extra of the
        mean-field methods.

    Raises
    ------
    TypeError
        If ``model`` is not a SpinGlass or ``x`` not real numbers.
    ValueError
        If ``x`` is not of shape (n,) or (R, n), holds a NaN or infinity, or ``t < 0`` or NaN.

    Examples
    --------
    >>> import isingeq
    >>> m = isingeq.SpinGlass([[1.0, -3.0], [0.0, 1.0]])
    >>> isingeq.eq16_residual(m, [0.5, 0.5], 0.0).tolist()   # t = 0: x = 1/2 solves eq. 16
    [0.0, 0.0]
    """
    if not isinstance(model, SpinGlass):
        raise TypeError(f"`model` must be an isingeq.SpinGlass; got {type(model).__name__}")
    X = _real_array("x", x, "real numbers (marginals <n_i>)").astype(np.float64)
    if X.ndim not in (1, 2) or X.shape[-1] != model.n:
        raise ValueError(f"`x` must have shape ({model.n},) or (R, {model.n}); got {X.shape}")
    if not np.all(np.isfinite(X)):
        bad = np.argwhere(~np.isfinite(X))[0]
        raise ValueError(f"`x` must be finite; got {X[tuple(bad)]} at index {tuple(map(int, bad))}")
    t = check_real("t", t, low=0.0, allow_inf=True)
    xi = fields(model, X) if X.ndim == 2 else model.local_field(X)
    if math.isinf(t):  # the step function, 1/2 at a zero field (inf * 0 is NaN)
        return np.asarray(X - np.where(xi > 0, 1.0, np.where(xi < 0, 0.0, 0.5)))
    return np.asarray(X - expit(t * xi))


def residual_per_read(model: SpinGlass, marginals: np.ndarray, t: float) -> np.ndarray:
    """``max_i |<n_i> - sigmoid(t xi_i)|`` for each row of ``marginals`` (the ``residual`` extra)."""
    M = np.ascontiguousarray(np.atleast_2d(np.asarray(marginals, dtype=np.float64)))
    out = np.empty(M.shape[0])
    _kernels.eq16_residual_max(M, fields(model, M), float(t), out)
    return out


def device_residuals(engine: Any, model: SpinGlass, marginals: np.ndarray, t: float) -> np.ndarray:
    """:func:`residual_per_read`, computed where ``engine``'s sweeps ran when that is a GPU (a
    torch engine's ``residuals``, in its dtype), else on the host in float64."""
    on_device = getattr(engine, "residuals", None)
    got = None if on_device is None else on_device(marginals, t)
    return residual_per_read(model, marginals, t) if got is None else got


#: Host memory an ``mfa`` / ``mfa-async`` solve holds at its peak per node and replica: the
#: replicas' ``<n>`` in float64 (the round's, the best, the host copy of a device's), the
#: fields mfa-async's round keeps between its kernel calls, the descent's local fields and
#: states, the residual's fields. Measured 51-64 bytes by ``benchmarks/bench_memory.py`` (peak
#: RSS growth at n = 100, R = 10^5, both backends; mfa-async numpy 59.3 with those fields).
HOST_BYTES_PER_STATE = 64


def check_replica_memory(method: str, model: SpinGlass, num_reads: int) -> int:
    """The host bytes a solve of ``num_reads`` replicas needs (:data:`HOST_BYTES_PER_STATE`
    per node and replica); a ValueError with the estimate, before anything is allocated, when
    they exceed the memory limit (:func:`isingeq._resources.memory_limit`)."""
    need = HOST_BYTES_PER_STATE * model.n * num_reads
    short = memory_shortfall(need)
    if short is not None:
        raise ValueError(
            f"{method} with num_reads={num_reads} on n={model.n} needs {short}; use fewer "
            "`num_reads`"
        )
    return need


#: The farthest deadline, in seconds (about a century): a longer ``time_limit`` is the same.
_LONGEST_S = 3.2e9


def time_budget(
    t_begin: int, time_limit: float | None, target_energy: float | None
) -> tuple[float | None, int | None, float | None]:
    """``(time_limit, deadline in perf_counter ns, target_energy)``, validated.

    ``time_limit`` is wall time in seconds from ``t_begin`` (the method's entry); no limit
    gives no deadline. The deadline lies at most :data:`_LONGEST_S` ahead: a limit beyond
    1.8e299 s is inf in nanoseconds (``int()`` of it raised OverflowError), and the methods
    take ratios of the time left in floating point.
    """
    deadline = None
    if time_limit is not None:
        time_limit = check_real("time_limit", time_limit, low=0.0, low_open=True)
        deadline = t_begin + int(min(time_limit, _LONGEST_S) * 1e9)
    if target_energy is not None:
        target_energy = check_real("target_energy", target_energy)
    return time_limit, deadline, target_energy


def load_kernels(deadline: int | None, *loads: Callable[[], object]) -> int | None:
    """Run ``loads`` (numba kernel calls on empty work) and return ``deadline`` moved back by
    the time they took; without a deadline, nothing is run.

    A kernel's first call in a process loads its machine code from numba's cache (or compiles
    it): 0.16 s for mfa's dense sweeps, more than a short ``time_limit``'s first sweeps. Timed
    inside the solve, that one-off cost was read as the sweep rate, and a cold process (every
    CLI call) squeezed its work: mfa at n = 300 with 0.5 s fitted 30 sweeps cold against 227
    warm, tabu's chunk clock ran 22 sweeps against 2097. Like torch's import at the top of
    mfa, it is not the solve's time: after the first call each load costs microseconds. The
    calls must pass arrays of the dtypes and layouts the solve will (another signature would
    load again), with no rows or no sweeps, so that they do no work and draw no random numbers.
    """
    if deadline is None:
        return None
    t0 = time.perf_counter_ns()
    for load in loads:
        load()
    return deadline + (time.perf_counter_ns() - t0)


#: Relative width of the window in which an incrementally tracked energy is recomputed before it
#: is compared with ``target_energy`` (:func:`target_reached`): wide enough for the rounding a
#: long run of ``E += gain`` accumulates (about ``1e-16 * energy_scale`` a move).
_TARGET_RTOL = 1e-9


def target_reached(
    model: SpinGlass, lowest: float, target_energy: float | None, states: np.ndarray
) -> bool:
    """Whether ``states`` (R, n) 0/1 reach ``H <= target_energy``, given ``lowest``, their lowest
    energy as a method tracked it incrementally (tabu, the thermal tail: ``e0 + sum of gains``).

    A tracked energy can end an ulp or so above the energy recomputed from the model, which is
    what the result reports and what a target taken from another solve (``exact``'s
    ``best_energy``) was computed as: compared as is, a target equal to the optimum was missed
    and the run spent its whole ``time_limit``. So within a small window of the target
    (``_TARGET_RTOL * energy_scale``, either side) the energies are recomputed and those
    decide (:func:`meets_target`: up to an energy's own rounding), so that "target_energy" as
    the reason to stop means the result's ``best_energy`` is at most the target to that
    rounding; outside it the tracked value does, and costs nothing.
    """
    if target_energy is None:
        return False
    scale = memo(model, "energy_scale", lambda: float(model.energy_scale))
    window = _TARGET_RTOL * max(scale, abs(lowest))  # abs(lowest): the offset's rounding too
    if abs(lowest - target_energy) > window:
        return lowest < target_energy
    E = model._energy_unchecked(np.asarray(states, dtype=np.float64))
    return meets_target(model, float(E.min()), target_energy)


#: Ulps of ``max(energy_scale, |target|)`` by which an energy may exceed a target and still meet
#: it (:func:`meets_target`).
_TARGET_ULPS = 8


def meets_target(model: SpinGlass, energy: float, target_energy: float) -> bool:
    """``energy <= target_energy`` up to the rounding of an energy itself: the same state's
    ``H`` comes out an ulp apart when computed alone or among other rows (``J @ X.T`` sums in
    another order), so a target taken from ``exact``'s ``best_energy`` (one row) was missed by
    tabu with two replicas (7.1e-15 above it) and the run spent its whole ``time_limit``.
    ``_TARGET_ULPS`` ulps of ``max(energy_scale, |target|)`` are allowed: the reported
    ``best_energy`` is then the target to that rounding or lower."""
    scale = memo(model, "energy_scale", lambda: float(model.energy_scale))
    slack = _TARGET_ULPS * np.finfo(np.float64).eps * max(scale, abs(target_energy))
    return energy <= target_energy + slack


#: Longest chunk of a :class:`ChunkClock`, in seconds of work (progress and the target are
#: checked between chunks).
_MAX_CHUNK_S = 0.5


class ChunkClock:
    """Chunks of work sized to fill the time left before a deadline (the thermal tail of
    :mod:`.mfa_hybrid`, :mod:`.tabu` search): a first short chunk of ``first`` units measures
    the rate; each later chunk is an eighth of the units that still fit (at least ``least``,
    at most :data:`_MAX_CHUNK_S` of work), and the last one the rest. The rate is the mean over every chunk run, not the last one's:
    one slow chunk (a busy machine) must not make the rest look too short and end the work
    early (seen on G11 at 10 s). Only the work itself is timed (:meth:`run`).
    """

    def __init__(self, deadline: int, first: int, least: int) -> None:
        self.deadline, self.first, self.least = deadline, first, least
        self.spent, self.done = 0.0, 0

    def plan(self) -> tuple[int, int | None] | None:
        """``(k, fit)``: the next chunk's units and the units that still fit in the time left
        (None for the first, measuring chunk); None when the deadline has passed."""
        left = (self.deadline - time.perf_counter_ns()) * 1e-9
        if left <= 0.0:
            return None
        if self.done == 0:
            return self.first, None
        rate = max(self.spent / self.done, 1e-12)
        fit = max(int(0.97 * left / rate), 1)
        # an eighth of what fits, but no more than _MAX_CHUNK_S of work: with time_limit=1e6,
        # an eighth was days, with no progress report and no target check in between
        most = max(self.least, int(_MAX_CHUNK_S / rate))
        return min(fit, max(self.least, min(fit // 8, most))), fit

    def run(self, k: int, work: Callable[..., object], *args: Any) -> None:
        """Run ``work(*args)`` (``k`` units), timed."""
        t0 = time.perf_counter_ns()
        work(*args)
        self.spent += (time.perf_counter_ns() - t0) * 1e-9
        self.done += k
