"""``method="mfa"``: batched mean-field annealing of eq. 16, finished at ``t = infinity``.

Eq. 16, ``<n_i> = sigmoid(t xi_i)`` with ``xi = h + J <n>`` (see :mod:`isingeq.model`), is solved
for ``num_reads`` replicas at once while ``t`` rises from a value below the model's critical
``t_c = 4 / lambda_max(J)`` (where the solution is unique) to saturation:

* the replicas are the columns of one (n, R) array, so a sweep is one matrix product (BLAS for
  dense models, a parallel numba CSR kernel for sparse ones) followed by one fused numba pass;
  small dense models and sparse ones run a block of sweeps per numba call, product included
  (bit-identical; a call per sweep cost small models a tenth of their time, and Python threads
  a GIL hand-over per sweep: ``benchmarks/bench_threads.py --table pool``);
* ``S <- d S + (1 - d) sigmoid(t (h + J S + noise))``, damping ``d`` (the weight on the old
  value) per replica (0.5, or alternating 0.5 and 0.75 when the couplings are mostly negative),
  at each rung of a geometric ``t`` ladder; the noise on ``xi`` (standard deviation ``noise``
  times the typical field, an Irwin-Hall(4) variate hashed from a counter, annealed linearly in
  ``log t`` to 0) and randomised starts keep the replicas apart; replica 0 is noise-free from
  ``<n> = 1/2``, the paper's deterministic path, in the first round (not on spin-symmetric
  models such as max-cut, where ``xi(1/2) = 0`` and that path never leaves 1/2);
* the ladder stops early once every ``<n_i>`` has saturated (``min(<n>, 1 - <n>) < 1e-4``) and
  the residual ``max |S - sigmoid(t xi)|`` is below ``tol``;
* the rounded states finish with the asynchronous ``t = infinity`` update (:mod:`.greedy`), so
  every sample is 1-flip stable (on a GPU, a dense model's replicas first descend there,
  :func:`isingeq.backends.torch.steepest_descent`).

With a ``time_limit`` the annealing is repeated with fresh replicas until the time is used up
(or ``target_energy`` is reached), keeping the best state per replica slot.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import scipy.sparse as sp

from .._validation import check_int, check_real
from ..backends import check_backend, check_dtype, torch_backend
from ..model import SpinGlass, _real_array
from ..result import SolveResult
from . import _kernels, _progress
from ._common import (
    check_replica_memory,
    device_residuals,
    field_scale,
    half_is_stuck,
    ladder_ends,
    load_kernels,
    meets_target,
    pow2,
    reads_of,
    start_states,
    time_budget,
)
from ._registry import register
from .greedy import descend, descent_converged, load_descent, stability_slack

__all__ = ["solve_mfa"]

_SATURATION = 1e-4
#: Dense models up to this many nodes run their sweeps fused in numba, product included
#: (:func:`~isingeq.solvers._kernels.mfa_sweeps_dense`); larger ones take the product in NumPy.
_FUSED_MAX_N = 128


#: Fields larger than this (2^60), or smaller than its inverse, are kept in units of a power of
#: two near them (:func:`_field_unit`); ordinary models stay in their own units, bit for bit.
_UNIT_MAX = 2.0**60


def _field_unit(model: SpinGlass) -> float:
    """1.0, or for a model whose field scale and biases lie all beyond :data:`_UNIT_MAX` or all
    below its inverse the power of two nearest its largest coefficient: the sweeps then hold
    ``J / unit`` and ``h / unit`` and use ``t * unit`` and ``noise / unit``, so ``t xi`` is the
    same number (dividing by a power of two is exact) while ``J`` and ``h`` fit in float32
    (coefficients of 1e-40 were 0 there) and ``t`` stays below the kernels' cap of 1e30 (the
    torch backend always works so).
    """
    h = model.h
    big = max(field_scale(model), float(np.abs(h).max()) if h.size else 0.0)
    if 1.0 / _UNIT_MAX <= big <= _UNIT_MAX:
        return 1.0
    J = model.J
    data = J.data if sp.issparse(J) else np.asarray(J)
    top = max(float(data.max(initial=0.0)), -float(data.min(initial=0.0)), float(np.abs(h).max()))
    return pow2(top)


class _Sweeps:
    """The synchronous sweeps on numpy arrays (n, R): the product and the update, fused in one
    numba call for several sweeps (:func:`~isingeq.solvers._kernels.mfa_sweeps_dense`, BLAS;
    :func:`~isingeq.solvers._kernels.mfa_sweeps_csr`, a parallel numba CSR product).

    ``isingeq.backends.torch.MeanFieldSweeps`` is its torch twin (``backend="torch"``).
    """

    def __init__(self, model: SpinGlass, dtype: np.dtype[Any]) -> None:
        J = model.J
        self.sparse = sp.issparse(J)
        # the unit of the fields: 1, or for couplings beyond _UNIT_MAX (float32 ends at 3.4e38,
        # where the cast made them inf and the sweeps NaN) or below its inverse (float32 made
        # them 0 below 1e-45) a power of two near their size
        self.unit = _field_unit(model)
        u = self.unit
        if self.sparse:
            self.indptr, self.indices = J.indptr, J.indices
            self.data = (J.data if u == 1.0 else J.data / u).astype(dtype)
        else:
            self.J = np.ascontiguousarray(J if u == 1.0 else np.asarray(J) / u, dtype=dtype)
        # dense models above _FUSED_MAX_N nodes: NumPy's BLAS for the product, a call per sweep
        self.fused = self.sparse or model.n <= _FUSED_MAX_N
        self.no_J = np.empty((0, 0), dtype=dtype)
        self.h = (model.h if u == 1.0 else model.h / u).astype(dtype)
        self.device = "cpu"

    def load_kernels(self) -> None:
        """Load the sweep kernel for these arrays' dtypes, with no sweeps
        (:func:`~._common.load_kernels`)."""
        S = np.zeros((1, 1), dtype=self.h.dtype)
        no, one = np.zeros(0), np.zeros(1)
        rest = (np.empty_like(S), S, self.h, no, no, one, one, 0, 1, np.zeros(1))
        if self.sparse:
            _kernels.mfa_sweeps_csr(self.indptr, self.indices, self.data, *rest)
        else:
            _kernels.mfa_sweeps_dense(self.no_J, *rest)

    def load(self, S: np.ndarray, step: np.ndarray, mask: np.ndarray, key: int) -> None:
        self.S, self.step, self.mask, self.key = S, step, mask, key
        self.XI = np.empty_like(S)
        self.res = np.full(S.shape[0], np.inf)

    def sweeps(self, ts: np.ndarray, sigs: list[float], k: int) -> None:
        """Sweeps ``k, k + 1, ...`` at the inverse temperatures ``ts`` with noise ``sigs``."""
        # fused: xi = J S + h + noise, S += step (sigmoid(t xi) - S), residual per row
        t = np.asarray(ts, dtype=np.float64)
        sg = np.asarray(sigs, dtype=np.float64)
        if self.unit != 1.0:  # fields in units of self.unit: t xi and the noise unchanged
            t, sg = t * self.unit, sg / self.unit
        size = self.S.size
        key = self.key + k * size
        XI, S, h, step, mask, res = self.XI, self.S, self.h, self.step, self.mask, self.res
        if self.sparse:
            ijv = (self.indptr, self.indices, self.data)
            _kernels.mfa_sweeps_csr(*ijv, XI, S, h, t, sg, step, mask, key, size, res)
        elif self.fused:
            _kernels.mfa_sweeps_dense(self.J, XI, S, h, t, sg, step, mask, key, size, res)
        else:
            for j in range(len(t)):  # the product in NumPy, then the pass alone
                np.matmul(self.J, S, out=XI)
                one = (t[j : j + 1], sg[j : j + 1], step, mask, key + j * size, size, res)
                _kernels.mfa_sweeps_dense(self.no_J, XI, S, h, *one)

    def sweep(self, t: float, sig: float, k: int) -> None:
        self.sweeps(np.array([t]), [sig], k)

    def residual(self) -> float:
        return float(self.res.max())

    def states(self) -> np.ndarray:
        return self.S

    def sync(self) -> None:
        pass


@register(
    "mfa",
    interruptible=True,
    renamed={"num_steps": "num_sweeps", "max_polish_sweeps": "max_sweeps"},
)
def solve_mfa(
    model: SpinGlass,
    *,
    rng: np.random.Generator | None = None,
    num_reads: int | None = None,
    num_sweeps: int | None = None,
    t_start: float | None = None,
    t_end: float | None = None,
    schedule: Any = None,
    damping: Any = None,
    noise: float = 0.8,
    init_spread: float = 0.2,
    tol: float = 1e-6,
    dtype: str = "float32",
    time_limit: float | None = None,
    target_energy: float | None = None,
    initial_states: Any = None,
    trajectory: bool = False,
    max_sweeps: int = 10_000,
    backend: str = "numpy",
    device: str | None = None,
) -> SolveResult:
    """Mean-field annealing of eq. 16 for a batch of replicas, finished by 1-flip descent.

    Option names and units are those of every method (``docs/vocabulary.md``). The defaults
    were chosen with ``isingeq reproduce --sizes 16,20,24`` and ``isingeq bench`` (README,
    "The paper's table" and "Real instances and the peers").

    Parameters
    ----------
    model : SpinGlass
        Dense or sparse.
    rng : None, int, SeedSequence or Generator, optional
        Draws the starting points and the noise.
    num_reads : int, optional
        Replicas annealed together (columns of one matrix). Default the rows of a 2-D
        ``initial_states``, else 64, or 16 with a ``time_limit``: without a limit, enough
        replicas that small paper instances are solved exactly nearly always; within a short
        budget, more restarts of fewer replicas reach lower energies.
    num_sweeps : int, optional
        Rungs of the geometric ``t`` ladder, one sweep each (unless ``schedule`` is given).
        Default 300, or 600 with a ``time_limit`` (the ladder is compressed when it does not
        fit).
    t_start, t_end : float, optional
        Ends of the ladder (absolute inverse temperatures). Defaults: ``t_start = t_c / 2``
        with ``t_c = 4 / lambda_max(J)`` (see :func:`isingeq.critical_t`), ``t_end = 1000
        t_start``.
    schedule : array_like, optional
        An explicit increasing sequence of positive ``t`` values (overrides the three above).
    damping : float in [0, 1) or array of shape (num_reads,), optional
        Weight on the old value: ``<n> <- damping <n> + (1 - damping) sigmoid(t xi)`` (0 = the
        plain synchronous update), one value for all replicas or one per replica. Default 0.5,
        except for models whose couplings are mostly negative (``sum J < -sum |J| / 2``, e.g.
        max-cut), where replicas alternate 0.5 and 0.75: antiferromagnetic couplings make the
        synchronous update oscillate, and heavier damping stops that.
    noise : float >= 0, default 0.8
        Standard deviation of the noise added to ``xi`` at the first rung, in units of the
        typical field (``sqrt(mean_i sum_j J_ij^2) / 2``), annealed linearly in ``log t`` to 0;
        replica 0 gets none in the first round, except on models where ``<n> = 1/2`` is a
        fixed point it could not leave (``_common.half_is_stuck``: max-cut, Ising
        models without fields; ``info["read0_deterministic"]`` says which). The noise is an
        Irwin-Hall(4) variate (a sum of four uniforms, standardised), hashed from a counter so
        that results do not depend on threads.
    init_spread : float in [0, 1], default 0.2
        Starting points ``1/2 + U(-spread/2, spread/2)``; replica 0 starts at exactly 1/2 in
        the first round (with the same exception as for ``noise``).
    tol : float, default 1e-6
        Residual of eq. 16 (``max |<n_i> - sigmoid(t xi_i)|``) below which a saturated ladder
        stops early.
    dtype : {"float32", "float64", "float16", "bfloat16"}, default "float32"
        Precision of the annealing (the final descent and all energies are float64); the
        half precisions need ``backend="torch"`` (their energy error is measured by
        ``benchmarks/bench_torch.py``).
    time_limit : float, optional
        Seconds of wall time from entry. Repeat the annealing with fresh replicas until it is
        used up; one round if omitted. Round ``k`` uses a ladder ``2^k`` times longer than the
        first (up to 64 times, unless ``schedule`` is given), so a long budget anneals more
        slowly. When a round would not fit in the time left, the rest of its ladder is
        compressed to fewer rungs (``info["ladder_compressed"]``), so it still reaches
        ``t_end``; a round that runs out of time anyway returns its current states, polished.
        A round stops early enough to leave its finish (the descent, the energies) and the
        solve's inside the limit (``_finish_reserve``); a limit shorter than the set-up
        (``t_c``), one sweep and one finish is overrun by them (seconds on a 10^6-node lattice:
        ``benchmarks/bench_time_limit.py``; mfa-async and mfa-hybrid keep such limits).
    target_energy : float, optional
        Stop as soon as a sample reaches ``H <= target_energy``.
    initial_states : array_like, shape (n,) or (num_reads, n), optional
        Starting ``<n>`` in [0, 1] for the first round (replaces the default starts).
    trajectory : bool, default False
        Record ``(t, mean energy of <n>, residual)`` per rung of the first round in
        ``info["trajectory"]`` (shape (steps, 3)), and the first read's ``<n_i>`` at up to 256
        of those rungs in ``info["trajectory_states"]`` (k, n), at ``t`` =
        ``info["trajectory_states_t"]`` (how the averages freeze; ``isingeq solve --plot``).
    max_sweeps : int, default 10000
        Cap on the sweeps of the final ``t = infinity`` descent, per read (on a GPU, a dense
        model's device descent first takes at most ``max_sweeps`` x n single flips per read);
        ``info["converged"]`` says which reads reached its fixed point.
    backend : {"numpy", "torch"}, default "numpy"
        Where the sweeps run: numpy / BLAS and numba on this machine's cores, or torch tensors
        on ``device`` (``isingeq.backends.torch``: a GPU runs thousands of replicas in one
        product). The ladder, the rounds and the final float64 descent are the same (on a GPU,
        a dense model's replicas first descend on the device, in float32: the CPU's descent of
        a thousand replicas cut short by a ``time_limit`` took seconds); torch's noise is
        Gaussian of the same standard deviation, from a ``torch.Generator`` seeded by ``rng``.
        Sweep times of both on one machine: ``benchmarks/bench_torch.py``; on a GPU:
        ``benchmarks/bench_gpu.py``.
    device : str, optional
        The torch device ("cpu", "cuda", "cuda:1", "mps", ...; default "cpu"), with
        ``backend="torch"`` only.

    Returns
    -------
    SolveResult
        ``samples`` (num_reads, n), 1-flip stable unless ``max_sweeps`` cut the final descent
        short; ``marginals`` (num_reads, n), the continuous ``<n>`` of the best round's slots;
        ``info``: the core of :mod:`isingeq.result` (``stopped``: "schedule", "saturated",
        "time_limit" or "target_energy"), ``rounds``, ``t_schedule`` (first round),
        ``saturated``, ``residual`` (per read, at ``t_end``), ``ladder_compressed``, ``dtype``,
        ``field_scale``, ``device`` (where the sweeps ran), ``converged`` (per read: the
        sample is 1-flip stable, as greedy's), ``read0_deterministic`` (read 0 ran without
        noise in the first round, from 1/2 or from its row of ``initial_states``).

    Raises
    ------
    ValueError
        On a schedule that is not positive and increasing, ``num_reads < 1``, ``damping``
        outside [0, 1), ``time_limit <= 0``, ``initial_states`` of the wrong shape or values,
        an unknown ``backend``, an unavailable ``device`` (the message lists the available
        ones), or a model that does not fit in the device's memory (with the estimate).
    ImportError
        With ``backend="torch"`` when torch is not installed (``pip install "isingeq[torch]"``).

    Examples
    --------
    >>> import isingeq
    >>> m = isingeq.paper_instance(12, rng=0)
    >>> r = isingeq.solve(m, method="mfa", rng=1)
    >>> bool(abs(r.best_energy - isingeq.solve(m, method="exact").best_energy) < 1e-12)
    True
    """
    if backend == "torch":
        torch_backend()  # the first import of torch (about a second) is not the solve's time
    t_begin = time.perf_counter_ns()
    n = model.n
    num_reads = reads_of(num_reads, initial_states, 64 if time_limit is None else 16)
    if num_sweeps is None:
        num_sweeps = 300 if time_limit is None else 600
    R = check_int("num_reads", num_reads, low=1)
    if damping is not None and np.ndim(damping) == 0:
        damping = check_real("damping", damping, low=0.0, high=1.0, high_open=True)
    noise = check_real("noise", noise, low=0.0)
    init_spread = check_real("init_spread", init_spread, low=0.0, high=1.0)
    tol = check_real("tol", tol, low=0.0, low_open=True)
    max_sweeps = check_int("max_sweeps", max_sweeps, low=1)
    backend = check_backend(backend, device)
    dtype = check_dtype(dtype, backend, ("float32", "float64"))
    dt = np.dtype("float32" if dtype in ("float16", "bfloat16") else dtype)  # host-side states
    host = check_replica_memory("mfa", model, R)
    time_limit, deadline, target_energy = time_budget(t_begin, time_limit, target_energy)
    ts = _schedule(model, schedule, num_sweeps, t_start, t_end)
    S_init = None
    if initial_states is not None:
        S_init = start_states(model, initial_states, R, binary=False)
    damp = _damping(damping, R, model)
    # after every option is checked (a bad one must not wait for a model's copy to a device);
    # the torch backend checks the device's memory before it allocates there
    eng: Any = (
        torch_backend().MeanFieldSweeps(model, R, dtype, device, host_bytes=host)
        if backend == "torch"
        else _Sweeps(model, dt)
    )
    # numba's one-off loads are not the solve's time (they were read as the sweep rate)
    loads = [] if backend == "torch" else [eng.load_kernels]
    deadline = load_kernels(deadline, *loads, lambda: load_descent(model))
    gen = rng if rng is not None else np.random.default_rng()
    step = 1.0 - damp  # the kernel moves S by step * (sigmoid(t xi) - S)
    scale = field_scale(model)
    sigma0 = noise * scale
    best_X = np.zeros((R, n), dtype=np.uint8)
    best_E = np.full(R, np.inf)
    best_M = np.full((R, n), 0.5)
    best_C = np.zeros(R, dtype=bool)  # whether the slot's final descent reached its fixed point
    rounds = 0
    sweeps_total = 0
    stopped = "schedule"
    info: dict[str, Any] = {"t_schedule": ts}
    traj: list[tuple[float, float, float]] = []
    traj_states: list[np.ndarray] = []
    compressed = False
    # what a round's finish (descent, energies) cost, measured; the solve's own finish (the
    # residual, the result's energies) costs about as much (None: no round finished yet)
    finish_ns: int | None = None
    # replica 0 follows the paper's path (from 1/2, no noise) unless 1/2 is a fixed point it
    # cannot leave (spin-symmetric models: max-cut, field-free Ising); then it is like the others
    stuck = S_init is None and half_is_stuck(model)
    # from given starts read 0 is noise-free too (the flag said False there)
    info["read0_deterministic"] = not stuck
    while True:
        # ---- one annealing round
        if rounds == 0 and S_init is not None:
            S = np.ascontiguousarray(S_init.T, dtype=dt)
        else:
            S = (0.5 + init_spread * (gen.random((n, R)) - 0.5)).astype(dt)
            if rounds == 0 and not stuck:
                S[:, 0] = 0.5
        round_key = int(gen.integers(0, 2**62))
        noise_mask = np.ones(R)
        if rounds == 0 and not stuck:
            noise_mask[0] = 0.0
        eng.load(S, step, noise_mask, round_key)
        round_stop = "schedule"
        ladder = ts
        if deadline is not None and schedule is None and rounds > 0 and len(ts) > 1:
            # restarts with doubling ladders (x1, x2, x4, ...; the last one compressed to fit):
            # short rounds for diversity, long ones where the budget allows slower annealing
            ladder = np.geomspace(ts[0], ts[-1], len(ts) << min(rounds, 6))
        log_span = float(np.log(ts[-1] / ts[0])) if len(ts) > 1 else 1.0
        round_start = last_check = time.perf_counter_ns()
        swept_ns = 0  # the sweeps' own time (not the trajectory's energies): the reserve's unit
        k = 0
        while k < len(ladder):
            # one numba call per block of sweeps up to the next saturation check; one sweep at
            # a time where the clock or the trajectory is read after each
            one_by_one = deadline is not None or (trajectory and rounds == 0)
            stop = k + 1 if one_by_one else min(len(ladder), (k // 8 + 1) * 8)
            block = ladder[k:stop]
            if trajectory and rounds == 0:
                S = eng.states()
                E_before = float(model._energy_unchecked(S.T.astype(np.float64)).mean())
            sigs = [0.0] * len(block)
            if sigma0 > 0.0:
                # annealed linearly in log t, so a compressed ladder keeps the same noise path
                for j, t in enumerate(block):
                    progress = float(np.log(t / ts[0])) / log_span if len(ts) > 1 else 1.0
                    sigs[j] = sigma0 * max(0.0, 1.0 - progress)
            sweep_start = time.perf_counter_ns()
            eng.sweeps(block, sigs, k)
            if deadline is not None:
                eng.sync()
            swept_ns += time.perf_counter_ns() - sweep_start
            if trajectory and rounds == 0:
                traj.append((float(block[0]), E_before, eng.residual()))
                traj_states.append(eng.states()[:, 0].astype(np.float64))
            sweeps_total += len(block)
            k = stop
            if _progress.stop_requested():  # Ctrl-C: finish as at a time limit
                round_stop = "interrupted"
                break
            if deadline is not None:
                now = time.perf_counter_ns()
                reserve = _finish_reserve(finish_ns, swept_ns / k)
                if now + swept_ns / k + reserve >= deadline:  # the next sweep would not fit
                    round_stop = "time_limit"
                    break
                if k % 8 == 4 and len(ladder) - k > 4:
                    # fit the rest of the ladder into the time left (keeping ~25 % for slower
                    # sweeps, beyond the finish's reserve), so a short budget still anneals
                    # all the way; the rate is the slower of the round's and the last sweeps'
                    per_sweep = max((now - round_start) / k, (now - last_check) / min(k, 8))
                    fit = int(0.75 * (deadline - reserve - now) / max(per_sweep, 1.0))
                    if fit < len(ladder) - k:
                        ladder = np.concatenate(
                            [ladder[:k], np.geomspace(ladder[k], ts[-1], max(fit, 2))]
                        )
                        compressed = True
                    last_check = now
            if (
                (k % 8 == 0 or k == len(ladder))
                and eng.residual() < tol
                and float(np.minimum(S := eng.states(), 1.0 - S).max()) < _SATURATION
            ):
                round_stop = "saturated"
                break
            if k % 8 == 0 and k < len(ladder) and _progress.active():
                # news between the saturation checks too: an untimed run is one round, which
                # reported nothing until it ended (best_E: the rounds before, inf in the first)
                _progress.report("mfa", float(best_E.min()), sweeps_total, rounds)
        # ---- finish at t = infinity: round, then asynchronous step updates
        finish_start = time.perf_counter_ns()
        S = eng.states()
        # on a GPU, a dense model's replicas descend there first (the CPU's float64 descent
        # from states cut short took seconds for thousands of replicas); that one decides
        X0 = eng.descended(-stability_slack(model), max_sweeps) if backend == "torch" else None
        X, used = descend(model, (S.T > 0.5).astype(np.uint8) if X0 is None else X0, max_sweeps)
        E = model._energy_unchecked(X.astype(np.float64))
        better = best_E > E
        best_X[better] = X[better]
        best_E[better] = E[better]
        best_M[better] = S.T[better]
        best_C[better] = descent_converged(model, X, used, max_sweeps)[better]
        finish_ns = time.perf_counter_ns() - finish_start
        rounds += 1
        stopped = round_stop
        _progress.report("mfa", float(best_E.min()), sweeps_total, rounds)
        if rounds == 1:
            info["saturated"] = (
                round_stop == "saturated" or float(np.minimum(S, 1 - S).max()) < _SATURATION
            )
        if target_energy is not None and meets_target(model, float(best_E.min()), target_energy):
            stopped = "target_energy"
            break
        if round_stop == "interrupted" or _progress.stop_requested():
            stopped = "interrupted"
            break
        # a round stopped for its reserve may have finished in far less (the first round's
        # reserve is a guess): the next round goes on while a sweep and a finish still fit
        fits = swept_ns / max(k, 1) + 2 * finish_ns
        if deadline is None or time.perf_counter_ns() + fits >= deadline:
            if deadline is not None:
                stopped = "time_limit"
            break
    info.update(
        {
            "options": {
                "num_reads": R,
                "num_sweeps": len(ts),
                "t_start": float(ts[0]),
                "t_end": float(ts[-1]),
                "damping": damp.tolist() if len(set(damp.tolist())) > 1 else float(damp[0]),
                "dtype": dtype,
                "device": eng.device,
            },
            "sweeps": sweeps_total,
            "stopped": stopped,
            "rounds": rounds,
            "residual": device_residuals(eng, model, best_M, float(ts[-1])),
            "dtype": dtype,
            "ladder_compressed": compressed,
            "converged": best_C,
            "field_scale": scale,
            "device": eng.device,
        }
    )
    if trajectory:
        info["trajectory"] = np.array(traj).reshape(-1, 3)
        # <n_i> of the first read at up to 256 rungs spread over the round (the freezing plot)
        keep = np.unique(np.linspace(0, len(traj) - 1, min(len(traj), 256)).round().astype(int))
        info["trajectory_states"] = np.array([traj_states[i] for i in keep]).reshape(-1, n)
        info["trajectory_states_t"] = info["trajectory"][keep, 0]
    return SolveResult.from_samples(model, best_X, "mfa", marginals=best_M, info=info)


def _finish_reserve(finish_ns: int | None, per_sweep_ns: float) -> float:
    """Nanoseconds a timed round keeps for its finish and the solve's: twice the measured
    finish of an earlier round, or 8 sweeps' time (the sweeps' own) in the first, where a round
    stopped early by too large a guess is followed by another.

    On a 10^6-node lattice the descent, the energies, the residual and the result cost about
    7 sweeps' time, all of it after the deadline before (``benchmarks/bench_time_limit.py``;
    README, "big models"). On small models both terms are microseconds.
    """
    return 2.0 * finish_ns if finish_ns is not None else 8.0 * per_sweep_ns


def _antiferromagnetic(model: SpinGlass) -> bool:
    """Whether the couplings are mostly negative: ``sum J < -sum |J| / 2`` (max-cut: -1)."""
    J = model.J
    data = J.data if sp.issparse(J) else np.asarray(J)
    total = float(np.abs(data).sum())
    return total > 0.0 and float(data.sum()) < -0.5 * total


def _damping(damping: Any, R: int, model: SpinGlass) -> np.ndarray:
    """Per-replica damping (weight on the old value), shape (R,), each in [0, 1) (None: the
    default, see solve_mfa)."""
    if damping is None:
        if _antiferromagnetic(model):
            return np.where(np.arange(R) % 2 == 0, 0.5, 0.75)
        return np.full(R, 0.5)
    d = np.asarray(damping, dtype=np.float64)
    if d.ndim == 0:
        d = np.full(R, float(d))
    if d.shape != (R,):
        raise ValueError(
            f"`damping` must be a number or one value per replica, shape ({R},); got shape {d.shape}"
        )
    ok = (d >= 0.0) & (d < 1.0)
    if not np.all(ok):
        raise ValueError(
            f"`damping` must lie in [0, 1) (the weight on the old value; 0 = undamped); got "
            f"{d[~ok][0]:g}"
        )
    return d


def _schedule(
    model: SpinGlass, schedule: Any, num_sweeps: int, t_start: float | None, t_end: float | None
) -> np.ndarray:
    if schedule is not None:
        # named and echoed: a string schedule failed in numpy's cast, naming nothing
        ts = _real_array("schedule", schedule, "t values (real numbers)").astype(np.float64)
        if ts.ndim != 1 or ts.size < 1:
            raise ValueError(f"`schedule` must be a 1-D sequence of t values; got shape {ts.shape}")
        bad = ~(np.isfinite(ts) & (ts > 0))
        if bad.any():
            k = int(np.argmax(bad))
            raise ValueError(
                f"`schedule` must hold positive finite t values; got schedule[{k}] = {ts[k]:g}"
            )
        down = np.diff(ts) <= 0
        if down.any():
            k = int(np.argmax(down)) + 1
            raise ValueError(
                f"`schedule` must be strictly increasing; got schedule[{k}] = {ts[k]:g} after "
                f"{ts[k - 1]:g}"
            )
        return ts
    num_sweeps = check_int("num_sweeps", num_sweeps, low=1)
    t_start, t_end = ladder_ends(model, t_start, t_end, 0.5, 1000.0, ordered=num_sweeps > 1)
    return np.geomspace(t_start, t_end, num_sweeps) if num_sweeps > 1 else np.array([t_end])
