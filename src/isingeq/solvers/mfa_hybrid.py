"""``method="mfa-hybrid"``: eq. 16 by mean-field annealing, then its ``t = infinity`` update with
tabu memory (well-connected models) or with a cold thermal tail (sparse ones).

Two phases of the same equation, ``n_i = sigmoid(t xi_i)`` with ``xi = h + J n`` (see
:mod:`isingeq.model`):

1. **Mean field** (:mod:`.mfa_async`): eq. 16 solved for the averages ``<n_i>`` while ``t``
   rises, node by node, for ``mf_fraction`` of the budget. It finds good basins fast, and on
   dense couplings it is the strongest method isingeq has; but it is the *naive* mean-field
   equation, and on low-dimensional sparse graphs (2D planar and toroidal lattices, where short
   loops dominate) its fixed points freeze in poor configurations.
2. **The ``t = infinity`` update, from the mean-field states**, in one of two forms
   (``tail``):

   * ``"tabu"`` (:mod:`.tabu`): every move flips the variable of largest gain among those not
     flipped recently. Once the mean field has frozen in a good basin, the memory walks across
     the barriers to the neighbouring minima that annealing would need a long cold tail to
     cross. A move scans all ``n`` gains, so the time of one sweep buys ``d + 1`` moves at
     mean degree ``d``: many on a dense model, few on a sparse one.
   * ``"thermal"``: node ``i`` flips when its gain ``(1 - 2 n_i) xi_i`` (the drop in ``H``) plus
     a one-sided exponential noise of scale ``1 / t`` is positive, i.e. with probability
     ``min(1, exp(t gain))`` (the Metropolis rule), while ``t`` rises geometrically from
     ``t_start`` to ``t_end``. This is the long cold tail that makes simulated annealing strong
     on sparse graphs; the mean-field phase replaces its hot start.

How the work is split is read off the model: measured, the mean field does better the more
neighbours a node has (a node's field sums more terms; naive mean field becomes exact with the
coordination number for a ferromagnet, not for a spin glass, where the Onsager term of TAP
theory stays), and tabu search pays where a move is cheap next to a sweep. Three regimes, by the
mean degree ``d``:

* **dense**, ``d >= 16`` and a density ``d / n`` of 8 % or more (the OR-Library and Biq Mac
  QUBOs, 10 % to 100 % dense, and the paper's instances): half the budget to the mean field,
  half to tabu search;
* **well connected but sparse**, ``d >= 16`` below that density (Gset G1-G10, 6 %; G22-G31
  and G43-G47, 1-2 %): the whole budget to the mean field (measured: half of it to tabu, whose
  moves are slower there, lost up to 0.2 % on G1-G10 and 0.07 % on G24-G31);
* **sparse**, ``d < 16`` (planar, toroidal, sparse random graphs): a fifth to the mean field
  and the rest to the thermal tail.

The replicas (one per thread by default) run both phases in parallel; the best state each has
met (after any tabu move; for the thermal tail, at the end of a sweep: within a sweep the state
is not compared) ends 1-flip stable (:func:`isingeq.polish`'s update). The phase split, the second phase and
the tail's ends were chosen on the declared tuning instances only (``isingeq.datasets.TUNED_ON``)
and are measured by ``benchmarks/bench_hybrid.py`` (figures in the README, "Real instances and
the peers").
"""

from __future__ import annotations

import math
import time
from typing import Any

import numba
import numpy as np
import scipy.sparse as sp

from .._validation import check_int, check_real
from ..model import SpinGlass
from ..result import SolveResult
from . import _kernels, _progress
from ._common import (
    T_MAX,
    ChunkClock,
    fields,
    load_kernels,
    memo,
    reads_of,
    target_reached,
    time_budget,
)
from ._registry import METHODS, register
from .greedy import descend, descent_converged, load_descent
from .mfa_async import load_sweeps
from .scipy_root import critical_t
from .tabu import TabuSearch, couplings, default_tenure, load_moves

__all__ = ["mean_degree", "solve_mfa_hybrid", "tail_ends"]

#: Default share of the budget for the mean-field phase: sparse models (then the thermal tail),
#: well-connected ones (the mean field alone), and dense ones (then tabu search).
_SPARSE_MF, _CONNECTED_MF, _DENSE_MF = 0.2, 1.0, 0.5
#: Density (mean degree / n) from which tabu search is the second phase: a move scans all n
#: gains, so a sweep's time buys d + 1 moves, at least 0.08 n of them from here (below it, on
#: Gset G1-G10 at 6 %, the mean field alone was better; benchmarks/bench_hybrid.py).
_TABU_DENSITY = 0.08
#: The tabu phase's kernel: the scan, on which the phase's work per sweep and its defaults
#: were measured and tuned (None: :func:`.tabu.by_trees` chooses, as ``method="tabu"`` does).
_TABU_TREES: bool | None = False
#: The second phases: tabu search (:mod:`.tabu`) or the thermal cold tail.
_TAILS = ("tabu", "thermal")
#: Mean degree from which a model counts as well connected (the mean field alone is stronger).
_CONNECTED_DEGREE = 16.0
#: Default tail start in units of the critical ``t_c`` (where the mean-field phase has frozen).
_START_TC = 3.0
#: Default tail end: ``_END_FACTOR * ln(100) / delta``, where an uphill step of the smallest
#: energy scale ``delta`` is taken once in 100^_END_FACTOR tries (frozen).
_END_FACTOR = 3.0


def mean_degree(model: SpinGlass) -> float:
    """The mean number of nodes each node is coupled to (``n - 1`` for the paper's instances)."""
    J = model.J
    nnz = J.nnz if sp.issparse(J) else int(np.count_nonzero(J))
    return float(nnz) / model.n


def _resolution(model: SpinGlass) -> float:
    """The smallest energy scale of the model: the least nonzero ``|J_ij|`` or ``|h_i|``, but no
    less than 1e-3 of their median (continuous couplings have arbitrarily small ones)."""
    J = model.J
    data = J.data if sp.issparse(J) else np.asarray(J).ravel()
    vals = np.abs(np.concatenate([np.asarray(data, dtype=np.float64), model.h]))
    vals = vals[vals > 0.0]
    if vals.size == 0:
        return 1.0
    return float(max(vals.min(), 1e-3 * np.median(vals)))


def tail_ends(model: SpinGlass, t_start: float | None, t_end: float | None) -> tuple[float, float]:
    """The cold tail's ladder ends, validated: defaults ``3 t_c`` and ``3 ln(100) / delta``
    (:func:`_resolution`), with ``t_start`` lowered below ``t_end`` when the default would not be."""
    if t_end is None:
        # t scales as 1 / the couplings (a cap of 1e25 made the tail of a model scaled by 1e-30
        # a random walk: every uphill step taken); T_MAX keeps subnormal couplings finite
        resolution = memo(model, "resolution", lambda: _resolution(model))  # a pass over J
        t_end = min(_END_FACTOR * math.log(100.0) / resolution, T_MAX)
    t_end = check_real("t_end", t_end, low=0.0, low_open=True)
    if t_start is None:
        tc = critical_t(model)
        t_start = _START_TC * tc if np.isfinite(tc) else t_end / 100.0
        t_start = min(t_start, t_end / 10.0)
    t_start = check_real("t_start", t_start, low=0.0, low_open=True)
    if t_end <= t_start:
        raise ValueError(f"`t_end` must be > t_start={t_start:g}; got {t_end:g}")
    return t_start, t_end


@register("mfa-hybrid", interruptible=True)
def solve_mfa_hybrid(
    model: SpinGlass,
    *,
    rng: np.random.Generator | None = None,
    num_reads: int | None = None,
    num_sweeps: int = 2000,
    mf_fraction: float | None = None,
    tail: str | None = None,
    t_start: float | None = None,
    t_end: float | None = None,
    time_limit: float | None = None,
    target_energy: float | None = None,
    initial_states: Any = None,
    max_sweeps: int = 10_000,
) -> SolveResult:
    """Mean-field annealing of eq. 16, then its ``t = infinity`` update (tabu or thermal tail).

    Option names and units are those of every method (``docs/vocabulary.md``). The defaults
    were chosen on the tuning instances (``isingeq.datasets.TUNED_ON``) with
    ``benchmarks/bench_hybrid.py``.

    Parameters
    ----------
    model : SpinGlass
        Dense or sparse (a numba kernel for each).
    rng : None, int, SeedSequence or Generator, optional
        Draws the mean-field starts and noise, and the tail's random streams.
    num_reads : int, optional
        Replicas, each running both phases; default the rows of a 2-D ``initial_states``, else
        the number of numba threads (one replica per core: a longer tail helps more than more
        replicas).
    num_sweeps : int, default 2000
        Length of the second phase without a ``time_limit`` (with one, it fills the time left):
        sweeps of the thermal tail, or for tabu the moves that cost as much, ``d + 1`` moves a
        sweep at mean degree ``d`` (a move scans ``n`` gains, a sweep ``n (d + 1)`` couplings).
    mf_fraction : float in [0, 1], optional
        Share of ``time_limit`` given to the mean-field phase (without a limit: one round of
        mfa-async at its defaults); 0 skips the phase and starts the second from random states,
        1 skips the second phase. Default by the mean degree ``d`` (``mean_degree``): 0.5
        on dense models (``d >= 16`` and ``d >= 0.08 n``), 1 on well-connected sparse ones
        (``d >= 16``), else 0.2: the mean-field equation approaches the exact one as every node
        sees many others, and there it deserves the larger share (module docstring). With
        ``tail`` given: 0.5 before tabu, 0.2 before the thermal tail.
    tail : {"tabu", "thermal"}, optional
        The second phase (module docstring); default "tabu" on dense models, else "thermal".
    t_start, t_end : float, optional
        Ends of the thermal tail's ladder (absolute inverse temperatures). Defaults: ``3 t_c``
        (:func:`isingeq.critical_t`: the mean-field phase has frozen by then) and
        ``3 ln(100) / delta`` with ``delta`` the model's smallest coupling or bias (an uphill
        step of ``delta`` is then taken once in 10^6 tries). With tabu search as the second
        phase there is no ladder (``info["options"]`` says None), and giving them is a
        ValueError.
    time_limit : float, optional
        Seconds of wall time from entry; the tail is fitted into what the mean-field phase
        leaves (its ladder is run in chunks and compressed when sweeps are slower than
        measured).
    target_energy : float, optional
        Stop as soon as a replica reaches ``H <= target_energy`` (checked between chunks).
    initial_states : array_like, shape (n,) or (num_reads, n), optional
        Starting ``<n>`` in [0, 1] of the mean-field phase.
    max_sweeps : int, default 10000
        Cap on the sweeps of the final ``t = infinity`` descent, per read.

    Returns
    -------
    SolveResult
        ``samples`` (num_reads, n): the best state each replica met (the thermal tail compares
        at the end of each sweep), 1-flip stable (unless
        ``max_sweeps`` cut its final descent short); no
        ``marginals`` (the tail works on 0/1 states). ``info``: the core of
        :mod:`isingeq.result` (``sweeps``: mean-field plus tail sweeps; ``stopped``:
        "schedule", "time_limit" or "target_energy"), ``mean_field`` (the mean-field phase's
        ``best_energy``, ``sweeps``, ``rounds``), ``tail_sweeps``, ``t_schedule`` (the tail
        ladder's chunk ends), ``converged`` (per read: the sample is 1-flip stable, False only
        where ``max_sweeps`` cut the final descent short; as greedy's).

    Raises
    ------
    ValueError
        On ``num_reads`` or ``num_sweeps < 1``, ``mf_fraction`` outside [0, 1], a ladder that
        does not rise, ``time_limit <= 0``, or bad ``initial_states``.

    Examples
    --------
    >>> import isingeq
    >>> m = isingeq.paper_instance(12, rng=0)
    >>> r = isingeq.solve(m, method="mfa-hybrid", rng=1)
    >>> bool(abs(r.best_energy - isingeq.solve(m, method="exact").best_energy) < 1e-12)
    True
    """
    t_begin = time.perf_counter_ns()
    n = model.n
    # one read per row of a 2-D initial_states, as every method does
    R = check_int("num_reads", reads_of(num_reads, initial_states, numba.get_num_threads()), low=1)
    S_tail = check_int("num_sweeps", num_sweeps, low=1)
    degree = mean_degree(model)
    connected = degree >= min(_CONNECTED_DEGREE, n - 1)
    dense = connected and degree >= _TABU_DENSITY * n
    if mf_fraction is None:
        if tail is None:
            mf_fraction = _DENSE_MF if dense else _CONNECTED_MF if connected else _SPARSE_MF
        else:  # a second phase asked for by name runs, with its own regime's share
            mf_fraction = _DENSE_MF if tail == "tabu" else _SPARSE_MF
    tail_asked = tail is not None
    if tail is None:
        tail = "tabu" if dense else "thermal"
    if tail not in _TAILS:
        raise ValueError(f"`tail` must be one of {', '.join(map(repr, _TAILS))}; got {tail!r}")
    mf_fraction = check_real("mf_fraction", mf_fraction, low=0.0, high=1.0)
    max_sweeps = check_int("max_sweeps", max_sweeps, low=1)
    time_limit, deadline, target_energy = time_budget(t_begin, time_limit, target_energy)
    t_lo: float | None = None  # no ladder for tabu: its ends (a pass over J, a median) were
    t_hi: float | None = None  # 0.1 s of a 0.1 s budget on a dense n = 2000
    if tail == "thermal" or t_start is not None or t_end is not None:
        t_lo, t_hi = tail_ends(model, t_start, t_end)  # bad values are named first
    if tail == "tabu" and (t_start is not None or t_end is not None):  # never silently ignored
        raise ValueError(
            "`t_start` / `t_end` set the thermal tail's ladder, and this run's second phase is "
            f"tabu search ({'asked for' if tail_asked else 'the default on a dense model'}); "
            "pass tail='thermal' to use them"
        )
    gen = rng if rng is not None else np.random.default_rng()
    # numba's one-off loads are not the solve's time (they were read as the rate of the tail)
    loads = [
        lambda: load_descent(model),
        lambda: load_moves(model, _TABU_TREES) if tail == "tabu" else load_tail(model),
    ]
    if mf_fraction > 0.0:
        loads.append(lambda: load_sweeps(model))
    deadline = load_kernels(deadline, *loads)

    # ---- phase 1: mean field (mfa-async), one sample per replica
    mf_info: dict[str, Any] = {
        "fraction": mf_fraction,
        "best_energy": None,
        "sweeps": 0,
        "rounds": 0,
    }
    if mf_fraction > 0.0:
        mf_opts: dict[str, Any] = {"num_reads": R, "initial_states": initial_states}
        if time_limit is not None:
            mf_opts["time_limit"] = mf_fraction * time_limit
        if target_energy is not None:
            mf_opts["target_energy"] = target_energy
        mf = METHODS["mfa-async"](model, rng=gen, **mf_opts)
        X = np.array(mf.samples, dtype=np.uint8)
        mf_info = {
            "fraction": mf_fraction,
            "best_energy": mf.best_energy,
            "sweeps": mf.info["sweeps"],
            "rounds": mf.info["rounds"],
        }
        if mf.info["stopped"] in ("target_energy", "interrupted") or mf_fraction == 1.0:
            return _result(
                model,
                X,
                mf_info,
                0,
                mf.info["stopped"],
                t_lo,
                t_hi,
                [] if t_lo is None else [t_lo],
                tail,
                max_sweeps=max_sweeps,
            )
    else:
        if initial_states is not None:
            raise ValueError("`initial_states` start the mean-field phase: give mf_fraction > 0")
        X = gen.integers(0, 2, size=(R, n), dtype=np.uint8)

    if tail == "tabu":  # ---- phase 2 on well-connected models: tabu search (eq. 16 at t = inf)
        # without a time limit: num_sweeps sweeps' worth of work; a move (a scan of n gains and a
        # row of J) costs about n, a sweep n (d + 1) for mean degree d, so a sweep is d + 1 moves
        per_sweep = degree + 1.0
        moves = max(1, round(S_tail * per_sweep))
        search = TabuSearch(model, X, default_tenure(n), gen, trees=_TABU_TREES)
        stopped = search.run(moves=moves, deadline=deadline, target_energy=target_energy)
        return _result(
            model,
            search.best_X,
            mf_info,
            round(search.moves / per_sweep),
            stopped,
            t_lo,
            t_hi,
            [] if t_lo is None else [t_lo],
            tail,
            max_sweeps=max_sweeps,
        )

    # ---- phase 2: the cold tail, in chunks of the ladder so the clock and target are checked
    G = fields(model, X)
    E = np.zeros(R)
    best_X = X.copy()
    best_E = np.zeros(R)
    states = gen.integers(1, 2**63 - 1, size=R, dtype=np.int64).astype(np.uint64)
    both = couplings(model)

    def run(ts: np.ndarray) -> None:
        _kernels.tail_sweeps(*both, ts, X, G, E, best_X, best_E, states)

    e0 = model._energy_unchecked(X.astype(np.float64))  # energies where the tail began
    assert t_lo is not None and t_hi is not None  # the thermal tail's ladder (tail_ends)
    log_lo, log_span = math.log(t_lo), math.log(t_hi / t_lo)
    u = 0.0  # position on the ladder, 0 (t_start) .. 1 (t_end)
    done = 0
    stopped = "schedule"
    marks = [t_lo]
    if deadline is None:
        chunks = max(1, min(16, S_tail // 64))
        for c in range(chunks):
            k0, k1 = c * S_tail // chunks, (c + 1) * S_tail // chunks
            ts = np.exp(log_lo + log_span * np.arange(k0, k1) / max(S_tail - 1, 1))
            run(ts)
            done += k1 - k0
            marks.append(float(ts[-1]))
            lowest = float((e0 + best_E).min())
            _progress.report("thermal tail", lowest, done)
            if target_reached(model, lowest, target_energy, best_X):
                stopped = "target_energy"
                break
            if _progress.stop_requested():
                stopped = "interrupted"
                break
    else:
        # a first chunk of 4 sweeps at t_start measures the rate; the ladder is then compressed
        # into the sweeps that still fit
        clock = ChunkClock(deadline, first=4, least=32)
        while u < 1.0:
            step = clock.plan()
            if step is None:
                stopped = "time_limit"
                break
            k, fit = step
            new_u = u if fit is None else 1.0 if k == fit else u + (1.0 - u) * k / fit
            ts = np.exp(log_lo + log_span * np.linspace(u, new_u, k))
            clock.run(k, run, ts)
            u = new_u
            done += k
            marks.append(float(ts[-1]))
            lowest = float((e0 + best_E).min())
            _progress.report("thermal tail", lowest, done)
            if target_reached(model, lowest, target_energy, best_X):
                stopped = "target_energy"
                break
            if _progress.stop_requested():
                stopped = "interrupted"
                break
        if stopped == "schedule" and time.perf_counter_ns() >= deadline:
            stopped = "time_limit"
    return _result(
        model, best_X, mf_info, done, stopped, t_lo, t_hi, marks, tail, max_sweeps=max_sweeps
    )


def load_tail(model: SpinGlass) -> None:
    """Load the thermal tail's kernel for ``model``'s storage, on no replicas
    (:func:`~._common.load_kernels`)."""
    n = model.n
    X, G, v = np.zeros((0, n), dtype=np.uint8), np.zeros((0, n)), np.zeros(0)
    no_states = np.zeros(0, dtype=np.uint64)
    _kernels.tail_sweeps(*couplings(model), np.zeros(0), X, G, v, X.copy(), v.copy(), no_states)


def _result(
    model: SpinGlass,
    X: np.ndarray,
    mf_info: dict[str, Any],
    tail_sweeps: int,
    stopped: str,
    t_lo: float | None,
    t_hi: float | None,
    marks: list[float],
    tail: str,
    *,
    max_sweeps: int = 10_000,
) -> SolveResult:
    Xs, used = descend(model, X, max_sweeps)
    info: dict[str, Any] = {
        "options": {
            "num_reads": X.shape[0],
            "t_start": t_lo,
            "t_end": t_hi,
            "mf_fraction": mf_info["fraction"],
            "tail": tail,
        },
        "sweeps": int(mf_info["sweeps"]) + int(tail_sweeps),
        "stopped": stopped,
        "mean_field": mf_info,
        "tail_sweeps": int(tail_sweeps),
        "t_schedule": np.array(marks),
        "converged": descent_converged(model, Xs, used, max_sweeps),
    }
    return SolveResult.from_samples(model, Xs, "mfa-hybrid", info=info)
