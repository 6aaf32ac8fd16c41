"""``method="mfa-async"``: asynchronous mean-field annealing of eq. 16, finished at ``t = infinity``.

The same equation as :mod:`.mfa`, ``<n_i> = sigmoid(t xi_i)`` with ``xi = h + J <n>``, solved
node by node instead of all at once: sweep ``s`` visits ``i = 0..n-1`` and sets

    ``<n_i> = sigmoid(t_s (xi_i + u))``,   ``xi_i`` from the *current** ``<n_j>``,

so every update sees the ones before it (Gauss-Seidel rather than Jacobi). The asynchronous
update needs no damping (it cannot oscillate the way the synchronous one does on
antiferromagnetic couplings), and its fields are kept up to date incrementally, so a sweep costs
one pass over the couplings of the nodes that changed.

* ``t`` rises geometrically from ``t_start`` (default the critical ``t_c = 4 / lambda_max(J)``,
  :func:`isingeq.critical_t`) to ``t_end = 300 t_start``, one value per sweep;
* ``u`` is uniform noise on the field, of standard deviation ``noise`` x the typical field
  (the one unit of ``noise`` in every method) at the first sweep, shrinking linearly to 0 at the
  last; late in the ladder, where ``<n>`` has saturated, it lets a node cross a small field the
  wrong way, which keeps replicas apart and out of the first local minimum;
* the replicas run in parallel (numba, one stream of random numbers each), and the rounded
  states finish with the asynchronous ``t = infinity`` update (:mod:`.greedy`), so every sample
  is 1-flip stable.

With a ``time_limit`` it runs short rounds (``num_sweeps / 2`` sweeps, as many replicas as
there are threads), each fitted into the time left. One round in ``fresh_every`` starts afresh
from ``<n> = 1/2``; the others **reheat** the best state found so far: they start from it at
``t = 10 t_start`` with a smaller noise (``reheat``), so they search near it rather than from
scratch. It stops at ``target_energy`` once a round has reached it. The effect of reheating
and of the noise levels on the time to the best-known value is measured by
``benchmarks/bench_mfa_async_ttt.py`` (figures in the README, "Real instances and the peers").
"""

from __future__ import annotations

import math
import time
from typing import Any

import numba
import numpy as np

from .._validation import check_int, check_real
from ..backends import check_backend, check_dtype, torch_backend
from ..backends._colouring import load_colouring
from ..model import SpinGlass
from ..result import SolveResult
from . import _kernels, _progress
from ._common import (
    check_replica_memory,
    device_residuals,
    field_scale,
    ladder_ends,
    load_kernels,
    meets_target,
    reads_of,
    start_states,
    time_budget,
)
from ._registry import register
from .greedy import descend, descent_converged, load_descent

__all__ = ["load_sweeps", "solve_mfa_async"]

#: A conservative guess of the time per (coupling or node) x sweep on one core, used to fit the
#: first round of a time-limited run before any sweep has been timed.
_FIRST_GUESS_S = 2e-9


#: Seconds of work after which a round's sweeps are split into another kernel call (the clock,
#: the progress events and Ctrl-C are checked between calls).
_CHUNK_S = 0.25

#: Standard deviation of U(-1/2, 1/2): a uniform noise of std ``s`` has full width ``s * sqrt(12)``.
_UNIFORM_STD = 1.0 / math.sqrt(12.0)


def load_sweeps(model: SpinGlass) -> None:
    """Load the annealing kernel for ``model``'s storage, on no replicas
    (:func:`~._common.load_kernels`)."""
    no, M = np.zeros(0), np.zeros((0, model.n))
    keys, states = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64)
    args = (np.asarray(model.h, dtype=np.float64), no, no, M, keys, 0.0, M.copy(), states, False)
    J = model.J
    if model.is_sparse:
        _kernels.amfa_csr(J.indptr, J.indices, np.asarray(J.data, dtype=np.float64), *args)
    else:
        _kernels.amfa_dense(np.ascontiguousarray(J, dtype=np.float64), *args)


@register("mfa-async", interruptible=True, renamed={"max_polish_sweeps": "max_sweeps"})
def solve_mfa_async(
    model: SpinGlass,
    *,
    rng: np.random.Generator | None = None,
    num_reads: int | None = None,
    num_sweeps: int = 800,
    t_start: float | None = None,
    t_end: float | None = None,
    noise: float = 3.0 * _UNIFORM_STD,
    tol: float = 1e-4,
    reheat: float = 2.0 * _UNIFORM_STD,
    fresh_every: int = 4,
    time_limit: float | None = None,
    target_energy: float | None = None,
    initial_states: Any = None,
    max_sweeps: int = 10_000,
    backend: str = "numpy",
    device: str | None = None,
    dtype: str | None = None,
) -> SolveResult:
    """Asynchronous mean-field annealing of eq. 16 for a batch of replicas, then 1-flip descent.

    Option names and units are those of every method (``docs/vocabulary.md``); the defaults
    were chosen with ``benchmarks/bench_mfa_async_ttt.py`` and ``isingeq bench`` (README, "Real
    instances and the peers").

    Parameters
    ----------
    model : SpinGlass
        Dense or sparse (a numba kernel for each: CSR neighbour lists, or contiguous dense rows).
    rng : None, int, SeedSequence or Generator, optional
        Draws the starting points and the noise streams.
    num_reads : int, optional
        Replicas per round. Default the rows of a 2-D ``initial_states``, else 16, or with a ``time_limit`` the number of numba threads
        (rounds are short, so that the time left and the target are checked often).
    num_sweeps : int, default 800
        Sweeps (rungs of the ``t`` ladder) of the round; with a ``time_limit``, rounds have
        half as many, doubling after every 8 rounds up to 4 num_sweeps (8x the first). Longer
        ladders reach the best-known value more often per replica.
    t_start, t_end : float, optional
        Ends of the geometric ladder (absolute inverse temperatures); defaults ``t_c``
        (:func:`isingeq.critical_t`) and ``300 t_start``.
    noise : float >= 0, default 0.866 (= 3 / sqrt(12))
        Standard deviation of the uniform noise on ``xi`` at the first sweep, in units of the
        typical field (``sqrt(mean_i sum_j J_ij^2) / 2``), shrinking linearly to 0. The default
        is a uniform noise three typical fields wide; narrower noise reached the best-known
        value less often in single rounds.
    tol : float, default 1e-4
        Residual of eq. 16 below which a node counts as solved: an update that would change
        ``<n_i>`` by less than ``tol`` is not made (this saves most of the work once ``<n>``
        saturates).
    reheat : float >= 0, default 0.577 (= 2 / sqrt(12))
        Noise of the reheating rounds (standard deviation, same unit as ``noise``); 0 makes
        every round a fresh one.
    fresh_every : int >= 1, default 4
        With a ``time_limit``: rounds ``0, k, 2k, ...`` start afresh, the others reheat.
    time_limit : float, optional
        Seconds of wall time from entry. Run rounds until it is used up (see above), each
        shortened to fit the time left; a round that would be shorter than
        ``max(16, its length / 8)`` is not started.
    target_energy : float, optional
        Stop after the first round that reaches ``H <= target_energy``.
    initial_states : array_like, shape (n,) or (num_reads, n), optional
        Starting ``<n>`` in [0, 1] of the first round (default: ``1/2`` plus a little noise).
    max_sweeps : int, default 10000
        Cap on the sweeps of the final ``t = infinity`` descent, per read;
        ``info["converged"]`` says which reads reached its fixed point.
    backend : {"numpy", "torch"}, default "numpy"
        Where the sweeps run: the numba kernels (one replica per core, node after node), or
        torch on ``device`` (``isingeq.backends.torch.ColouredSweeps``): the coupling graph
        is coloured greedily and a sweep updates one colour class at a time, all its nodes and
        replicas at once -- the same asynchronous sweep in the order of the classes, parallel
        on a GPU for sparse graphs (few colours); a dense model has one node per class, so use
        ``mfa`` there. Pass ``num_reads`` on a GPU (hundreds of replicas cost little more than
        one). Measured by ``benchmarks/bench_gpu.py``.
    device : str, optional
        The torch device ("cpu", "cuda", "cuda:1", "mps", ...; default "cpu"), with
        ``backend="torch"`` only.
    dtype : {"float64", "float32", "float16", "bfloat16"}, optional
        Precision of the annealing: float64 for the numpy backend (its only one), float32 by
        default for torch (half precisions where the device supports them).

    Returns
    -------
    SolveResult
        ``samples`` (num_reads, n), the best per replica slot over the rounds, 1-flip stable
        unless ``max_sweeps`` cut the final descent short (``converged``, per read, as greedy's);
        ``marginals`` the slots' ``<n>`` before rounding; ``info``: the core of
        :mod:`isingeq.result` (``sweeps``: ladder sweeps summed over rounds; ``stopped``:
        "schedule", "time_limit" or "target_energy"), ``rounds``, ``reheats``, ``reads``
        (replicas annealed in all), ``t_schedule`` (first round), ``residual`` (per read, at
        ``t_end``), ``field_scale``, ``device`` (where the sweeps ran), ``colours`` (torch: colour
        classes, i.e. products per sweep).

    Raises
    ------
    ValueError
        On ``num_reads``, ``num_sweeps`` or ``fresh_every < 1``, ``t_end <= t_start``, negative
        ``noise``, ``reheat`` or ``tol``, ``time_limit <= 0``, bad ``initial_states``, an
        unknown ``backend`` or ``dtype``, an unavailable ``device`` (the message lists the
        available ones), or a model that does not fit in the device's memory.
    ImportError
        With ``backend="torch"`` when torch is not installed (``pip install "isingeq[torch]"``).

    Examples
    --------
    >>> import isingeq
    >>> m = isingeq.paper_instance(12, rng=0)
    >>> r = isingeq.solve(m, method="mfa-async", rng=1)
    >>> bool(abs(r.best_energy - isingeq.solve(m, method="exact").best_energy) < 1e-12)
    True
    """
    if backend == "torch":
        torch_backend()  # the first import of torch (about a second) is not the solve's time
    t_begin = time.perf_counter_ns()
    n = model.n
    threads = numba.get_num_threads()
    num_reads = reads_of(num_reads, initial_states, 16 if time_limit is None else threads)
    R = check_int("num_reads", num_reads, low=1)
    S0 = check_int("num_sweeps", num_sweeps, low=1)
    noise = check_real("noise", noise, low=0.0)
    tol = check_real("tol", tol, low=0.0)
    reheat = check_real("reheat", reheat, low=0.0)
    fresh_every = check_int("fresh_every", fresh_every, low=1)
    max_sweeps = check_int("max_sweeps", max_sweeps, low=1)
    backend = check_backend(backend, device)
    dtype = ("float64" if backend == "numpy" else "float32") if dtype is None else dtype
    dtype = check_dtype(dtype, backend, ("float64",))  # the numba kernels are float64
    host = check_replica_memory("mfa-async", model, R)
    time_limit, deadline, target_energy = time_budget(t_begin, time_limit, target_energy)
    t_start, t_end = ladder_ends(model, t_start, t_end, 1.0, 300.0)
    M_init = None
    if initial_states is not None:
        M_init = start_states(model, initial_states, R, binary=False)
    coloured = None
    if backend == "torch":  # after the options; it checks the device's memory before allocating
        # the colouring's numba load is not the solve's time either (see load_kernels below)
        deadline = load_kernels(deadline, lambda: load_colouring(model))
        coloured = torch_backend().ColouredSweeps(model, R, dtype, device, host_bytes=host)

    J = model.J
    h = np.asarray(model.h, dtype=np.float64)
    sparse = model.is_sparse
    if sparse:
        csr = (J.indptr, J.indices, np.asarray(J.data, dtype=np.float64))
        couplings = J.indices.size
    else:
        Jd = np.ascontiguousarray(J, dtype=np.float64)
        couplings = n * n // 4  # a dense row is one vectorised pass
    if coloured is None:  # numba's one-off loads are not the solve's time (see load_kernels)
        deadline = load_kernels(deadline, lambda: load_sweeps(model), lambda: load_descent(model))
    else:
        deadline = load_kernels(deadline, lambda: load_descent(model))
    field = field_scale(model)
    # the kernel takes the full width of its uniform noise
    width = noise / _UNIFORM_STD * field
    gen = rng if rng is not None else np.random.default_rng()

    best_X = np.zeros((R, n), dtype=np.uint8)
    best_E = np.full(R, np.inf)
    best_M = np.full((R, n), 0.5)
    best_C = np.zeros(R, dtype=bool)  # whether the slot's final descent reached its fixed point
    rounds = sweeps = reads = reheats = 0
    first = np.array([t_end])
    stopped = "schedule"
    per_sweep_s = _FIRST_GUESS_S * (couplings + 8 * n) * -(-R // threads)  # one round, R reads
    XI = np.empty((R, n)) if coloured is None else None  # a chunked round's fields and streams
    kst = np.empty(R, dtype=np.uint64)
    if coloured is not None and deadline is not None:
        # a coloured sweep costs a product per colour class (a dense model: n of them), which
        # the kernels' cost model above does not see: measure (it overran 0.05 s by 100x)
        left = (deadline - time.perf_counter_ns()) * 1e-9
        per_sweep_s = coloured.sweep_seconds(R, t_start, width, budget_s=0.05 * left)
    # torch: every sweep costs the same (no update is skipped), so the rate is the mean over
    # all the rounds' sweeps; the last round's alone, on a busy CPU, was one slow round that
    # made the next look too long and ended the solve early
    anneal_s, annealed = 0.0, 0

    def between(done: int) -> bool:
        """Between the colour classes of a torch round: progress, then whether to stop."""
        _progress.report("mfa-async", float(best_E.min()), sweeps + done, rounds)
        return _progress.stop_requested() or (
            deadline is not None and time.perf_counter_ns() >= deadline
        )

    while True:
        reheat_round = deadline is not None and reheat > 0.0 and rounds % fresh_every != 0
        if deadline is None:
            S = S0
        else:
            # half-length rounds, twice as long after every 8 rounds (up to 8x the first, i.e.
            # 4 num_sweeps): short rounds for a short budget, slower annealing where it allows
            S = max(1, (S0 << min(rounds // 8, 3)) >> 1)
            left = (deadline - time.perf_counter_ns()) * 1e-9
            fit = int(0.8 * left / per_sweep_s)
            if rounds > 0 and fit < max(16, S // 8):
                stopped = "time_limit"
                break  # too little time left for a useful round
            S = max(1, min(S, fit))
        if reheat_round:
            # from the best state so far: t from 10 t_start, narrower noise
            t_lo, w = min(10.0 * t_start, t_end / 2.0), reheat / _UNIFORM_STD * field
            M = np.repeat(best_X[np.argmin(best_E)][None, :].astype(np.float64), R, axis=0)
            reheats += 1
        else:
            t_lo, w = t_start, width
            if rounds == 0 and M_init is not None:
                M = M_init.copy()
            else:
                M = 0.5 + 0.01 * (gen.random((R, n)) - 0.5)
        ts = np.geomspace(t_lo, t_end, S) if S > 1 else np.array([t_end])
        if rounds == 0:
            first = ts
        amps = w * (1.0 - np.arange(S) / S)
        keys = gen.integers(0, 2**63 - 1, size=R, dtype=np.int64)
        t0 = time.perf_counter_ns()
        done = S
        if coloured is not None:
            # checked between colour classes, every _CHUNK_S of work as the numba calls below,
            # and at the deadline (perf_counter's clock, in seconds)
            until = math.inf if deadline is None else deadline * 1e-9
            done = coloured.anneal(ts, amps, M, keys, tol, between, _CHUNK_S, until)
        else:
            # a round longer than _CHUNK_S runs in several calls (bit for bit as in one), so the
            # clock, the progress events and Ctrl-C are checked in it: at 10^6 variables one
            # round was seconds, a 2 s budget took 3 s, and Ctrl-C waited for the round
            chunk = max(1, int(_CHUNK_S / per_sweep_s))
            done = 0
            while done < S:
                k = min(chunk, S - done)
                args = (h, ts[done : done + k], amps[done : done + k], M, keys, tol, XI, kst)
                if sparse:
                    _kernels.amfa_csr(*csr, *args, done > 0)
                else:
                    _kernels.amfa_dense(Jd, *args, done > 0)
                done += k
                if done < S:
                    _progress.report("mfa-async", float(best_E.min()), sweeps + done, rounds)
                    if _progress.stop_requested():
                        break
                    if deadline is not None and time.perf_counter_ns() >= deadline:
                        break
        elapsed = (time.perf_counter_ns() - t0) * 1e-9
        if coloured is not None:  # the mean over every round (see anneal_s above)
            anneal_s, annealed = anneal_s + elapsed, annealed + done
            per_sweep_s = max(anneal_s / max(annealed, 1), 1e-9)
        else:
            per_sweep_s = max(elapsed / max(done, 1), 1e-9)
        X, used = descend(model, (M > 0.5).astype(np.uint8), max_sweeps)
        E = model._energy_unchecked(X.astype(np.float64))
        better = best_E > E
        best_X[better], best_E[better], best_M[better] = X[better], E[better], M[better]
        best_C[better] = descent_converged(model, X, used, max_sweeps)[better]
        rounds += 1
        sweeps += done
        reads += R
        _progress.report("mfa-async", float(best_E.min()), sweeps, rounds)
        if target_energy is not None and meets_target(model, float(best_E.min()), target_energy):
            stopped = "target_energy"
            break
        if _progress.stop_requested():  # Ctrl-C, seen in a round or after it
            stopped = "interrupted"
            break
        if deadline is None:
            break
        if time.perf_counter_ns() >= deadline:
            stopped = "time_limit"
            break
    info: dict[str, Any] = {
        "options": {
            "num_reads": R,
            "t_start": t_start,
            "t_end": t_end,
            "dtype": dtype,
            "device": "cpu" if coloured is None else coloured.device,
        },
        "sweeps": sweeps,
        "stopped": stopped,
        "rounds": rounds,
        "reheats": reheats,
        "reads": reads,
        "t_schedule": first,
        "residual": device_residuals(coloured, model, best_M, t_end),
        "field_scale": field,
        "device": "cpu" if coloured is None else coloured.device,
        "converged": best_C,
    }
    if coloured is not None:
        info["colours"] = coloured.num_colours
    return SolveResult.from_samples(model, best_X, "mfa-async", marginals=best_M, info=info)
