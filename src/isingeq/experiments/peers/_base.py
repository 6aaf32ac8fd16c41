"""The bench adapters' protocol and what they share: outcomes, calibration, threads.

See :mod:`isingeq.experiments.peers` for the protocol and the table of adapters.
"""

from __future__ import annotations

import contextlib
import importlib
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from ...instance import Instance

_INSTALL = "pip install 'isingeq[bench]'"
_MIN_RUN_S = 1e-3  # shortest run a calibrated peer is asked for
#: A run uses its budget when ``time / budget`` is in this band (the bench counts the others).
BUDGET_BAND = (0.9, 1.1)
#: The annealers' last calibration trial runs this long at most (it is the budget itself below).
SWEEP_TRIAL_MAX_S = 2.5
#: Calibration trial runs of the other peers aim at this fraction of the budget ...
TRIAL_FRACTION = 0.4
#: ... but at most this many seconds (beyond ~2 s a cost per sweep is stable to ~1 %; every
#: timed run refines it anyway), so that a 10 s budget costs 2-4 s of untimed set-up, not 8.
TRIAL_MAX_S = 2.0


@dataclass
class RunOutcome:
    """What one run found: the best state, its energy ``H``, the wall time used, extras."""

    best_energy: float
    best_sample: NDArray[np.uint8]
    time_s: float
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class TargetOutcome:
    """Time to reach a target energy (NaN when not reached) and the best state met on the way.

    ``time_s`` is all the wall time spent (every try); ``ttt_s`` the time of the run that
    reached the target.
    """

    ttt_s: float
    best_energy: float
    best_sample: NDArray[np.uint8]
    time_s: float
    extra: dict[str, Any] = field(default_factory=dict)


@cache
def _missing(module: str, dist: str, install: str = _INSTALL) -> str | None:
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name is not None and module.startswith(exc.name):
            return f"{dist} is not installed: {install}"
        return f"{dist} cannot be imported ({exc}): {install}"
    except Exception as exc:  # a broken install: say so instead of crashing the bench
        return f"{dist} cannot be imported ({type(exc).__name__}: {exc})"
    return None


def _import(module: str) -> Any:
    return importlib.import_module(module)


def _best(instance: Instance, X: NDArray[np.uint8]) -> tuple[float, NDArray[np.uint8]]:
    """The lowest-``H`` row of a batch of 0/1 states (validated by the model)."""
    E = np.atleast_1d(instance.model.energy(np.atleast_2d(X)))
    i = int(np.argmin(E))
    return float(E[i]), np.array(np.atleast_2d(X)[i], dtype=np.uint8)


def states_from_sampleset(sampleset: Any, n: int) -> NDArray[np.uint8]:
    """A dimod ``SampleSet``'s samples as 0/1 rows in variable order ``0..n-1``.

    SPIN samples map to ``x = (s + 1) / 2``.

    Raises
    ------
    ValueError
        If the variables are not ``0..n-1`` or a value is not 0/1 (or -1/+1 for SPIN).
    """
    labels = list(sampleset.variables)
    if sorted(labels) != list(range(n)):
        raise ValueError(f"the sample set's variables are not 0..{n - 1}: {labels[:5]}...")
    raw = np.asarray(sampleset.record.sample)
    if str(getattr(sampleset.vartype, "name", sampleset.vartype)) == "SPIN":
        if not np.all(np.abs(raw) == 1):
            raise ValueError("a SPIN sample holds a value other than -1 and +1")
        raw = (raw + 1) // 2
    X = np.empty((raw.shape[0], n), dtype=np.uint8)
    X[:, np.asarray(labels, dtype=np.int64)] = raw
    if np.any(X > 1):  # catches values other than 0/1 (negatives wrapped on the uint8 cast)
        raise ValueError("a BINARY sample holds a value other than 0 and 1")
    return X


def _seed31(gen: np.random.Generator) -> int:
    return int(gen.integers(0, 2**31 - 1))  # dwave's SA rejects seeds >= 2**31


class Adapter:
    """One solver behind the bench's protocol (see the module docstring).

    Subclasses set ``name``, ``requires`` (``(module, distribution)`` pairs that must import)
    and implement ``_setup`` (per-instance, untimed; its value is cached for the last instance)
    and ``run``.
    """

    name: ClassVar[str] = ""
    requires: ClassVar[tuple[tuple[str, str], ...]] = ()
    #: how to install what ``requires`` names (in the "not installed" reason)
    install: ClassVar[str] = _INSTALL
    #: part of the default solver list (optional extras outside ``isingeq[bench]`` are not)
    default: ClassVar[bool] = True
    #: runs on torch's threads (the bench's ``threads`` sets ``torch.set_num_threads``)
    uses_torch: ClassVar[bool] = False

    def __init__(self) -> None:
        self._key: Instance | None = None
        self._state: Any = None

    def available(self) -> str | None:
        """None when the solver can run here, else the reason it cannot."""
        for module, dist in self.requires:
            reason = _missing(module, dist, self.install)
            if reason is not None:
                return reason
        return None

    def prepare(self, instance: Instance) -> Any:
        """Per-instance set-up (BQM, calibration), done once and cached for the last instance."""
        if self._key is not instance:
            self._key, self._state = None, None  # let the previous instance's state go first
            self._state = self._setup(instance)
            self._key = instance
        return self._state

    def _setup(self, instance: Instance) -> Any:
        return None

    def calibrate(self, instance: Instance, budget_s: float) -> None:
        """Untimed trial runs that fit this budget (once per instance and budget); default none.

        The bench calls it after :meth:`prepare` and before the first timed run at
        ``budget_s``; a peer that bounds its own time needs none.
        """

    def run(self, instance: Instance, budget_s: float, seed: int) -> RunOutcome:
        """One run aiming to use ``budget_s`` seconds of wall time."""
        raise NotImplementedError

    def cannot_fit(self, instance: Instance, budget_s: float) -> str | None:
        """Why no run of this solver can fit ``budget_s`` (its calibrated fixed cost per call
        alone is above the band), known before running; None when a run may fit. The bench
        then records the run as over budget without spending minutes on it."""
        return None

    def time_to_target(
        self,
        instance: Instance,
        target_energy: float,
        max_budget_s: float,
        seed: int,
        *,
        first_budget_s: float = 0.01,
    ) -> TargetOutcome:
        """Wall time of the first run, with budgets doubling from ``first_budget_s``, that reaches
        ``H <= target_energy``; the last try uses ``max_budget_s``. NaN when none does."""
        budget, total = min(first_budget_s, max_budget_s), 0.0
        best_e, best_x = math.inf, np.zeros(instance.n, dtype=np.uint8)
        tries: list[float] = []
        while True:
            t0 = time.perf_counter()
            out = self.run(instance, budget, seed)
            wall = time.perf_counter() - t0
            total += wall
            tries.append(budget)
            if out.best_energy < best_e:
                best_e, best_x = out.best_energy, out.best_sample
            if out.best_energy <= target_energy:
                return TargetOutcome(wall, best_e, best_x, total, {"budgets": tries})
            if budget >= max_budget_s:
                return TargetOutcome(math.nan, best_e, best_x, total, {"budgets": tries})
            budget = min(2.0 * budget, max_budget_s)

    def warm_up(self) -> None:
        """A tiny untimed run so that JIT compilation and first-call costs stay out of timings."""
        import scipy.sparse as sp

        from ...generators import paper_instance
        from ...model import SpinGlass

        dense = paper_instance(12, rng=0)
        try:
            for model in (dense, SpinGlass(sp.csr_array(dense.eps))):  # both kernel families
                inst = Instance("warm-up", model, "min")
                self.prepare(inst)
                self.calibrate(inst, 0.005)
                self.run(inst, 0.005, 0)
        finally:
            self._key, self._state = None, None


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def _until_deadline(
    budget_s: float, batch: Callable[[int], tuple[float, NDArray[np.uint8]]], max_batch: int
) -> tuple[float, NDArray[np.uint8], int, int, str | None]:
    """Call ``batch(k)`` (k reads; returns best energy and state) until the budget is used.

    ``k`` doubles from 1 while a batch takes under a tenth of the budget; when the next batch
    would not fit, it is shrunk to the reads expected to fit the time left (a read's cost from
    the last batch), and the loop stops when not even one read fits. The first batch always runs.
    Returns ``(best energy, best state, reads, batches, over_budget reason or None)``.
    """
    t0 = time.perf_counter()
    k, reads, batches = 1, 0, 0
    best_e, best_x = math.inf, np.zeros(0, dtype=np.uint8)
    over = None
    while True:
        s = time.perf_counter()
        e, x = batch(k)
        last = time.perf_counter() - s
        if batches == 0 and last > BUDGET_BAND[1] * budget_s:
            over = f"one read takes {last:.3g} s, above the {budget_s:g} s budget"
        reads, batches = reads + k, batches + 1
        if e < best_e:
            best_e, best_x = e, x
        per_read = last / k
        if last < budget_s / 10 and k < max_batch:
            k = 2 * k
        left = budget_s - (time.perf_counter() - t0)
        k = min(k, int(left / per_read)) if per_read > 0 else k
        if k < 1:
            return best_e, best_x, reads, batches, over


def _trial_s(budget_s: float) -> float:
    """The length a calibration trial run aims at for ``budget_s``."""
    return min(TRIAL_FRACTION * budget_s, TRIAL_MAX_S)


def _units_for(fixed_s: float, per_s: float, seconds: float, low: int, high: int = 1 << 30) -> int:
    """Units (sweeps, steps) expected to fill ``seconds`` by ``fixed + per * units``."""
    return int(min(max(low, (seconds - fixed_s) / per_s), high))


def _fit_linear(
    measure: Callable[[int], float], k0: int, k1: int, min_span_s: float, k_max: int
) -> tuple[float, float]:
    """``(fixed cost s, cost per unit s)`` from wall times at ``k0`` (best of 2) and at ``k``,
    ``k`` doubling from ``k1`` until the difference is at least ``min_span_s``."""
    t0 = min(measure(k0), measure(k0))
    k = k1
    while True:
        tk = measure(k)
        if tk - t0 >= min_span_s or k >= k_max:
            break
        k *= 2
    per = max((tk - t0) / (k - k0), 1e-12)
    return max(t0 - k0 * per, 0.0), per


def _over_budget(fixed_s: float, least_s: float, budget_s: float, what: str) -> str | None:
    """The reason a run cannot fit ``budget_s`` (its shortest run takes ``least_s``), or None."""
    if least_s <= BUDGET_BAND[1] * budget_s:
        return None
    return (
        f"its fixed cost per call is {fixed_s:.3g} s and its shortest run ({what}) "
        f"{least_s:.3g} s, above the {budget_s:g} s budget"
    )


def _sweeps_for(fixed_s: float, a: float, p: float, seconds: float, low: int) -> int:
    """Sweeps ``k`` with ``fixed + a * k**p = seconds`` (at least ``low``)."""
    room = seconds - fixed_s
    k = (room / a) ** (1.0 / p) if room > 0 else 0.0
    return int(min(max(low, k), 1 << 30))


#: Range of the fitted exponent of ``time = fixed + a * sweeps**p`` (see :class:`_SweepAdapter`):
#: a sweep does not get dearer as a run gets longer, so ``p > 1`` is timing noise (a trial
#: slowed by another process); the lower end bounds what noise the other way can do.
_EXPONENT_RANGE = (0.8, 1.0)


class _SweepAdapter(Adapter):
    """A peer with ``num_sweeps`` and no time limit: one read, the sweeps fitted to the budget.

    The cost of an annealing run is not linear in its sweeps: the longer the run, the longer
    the state sits near a minimum where few flips are accepted, so a sweep gets cheaper
    (measured once: dwave SA on G70 ran 2128 sweeps in 0.50 s but 4352 in 0.79 s). And on
    this shared machine a trial's cost per sweep moves by 10-30 % with the other processes
    (G81: 0.38, 0.49 and 0.33 ms per sweep at 102, 971 and 1861 sweeps), so a fit
    extrapolated from 0.4 x budget missed the 10 % band on G1, G70 and G81. So the fit is
    ``time = fixed + a * sweeps**p`` and it is not extrapolated far: ``prepare`` measures the
    fixed cost (1-sweep runs) and a first linear ``a``; ``calibrate`` runs three trials, at
    1/4, 1/2 and 1 x the budget (at most :data:`SWEEP_TRIAL_MAX_S`), each sized by the fit so
    far, and fits ``a`` and ``p`` through the last two (``p`` within ``_EXPONENT_RANGE``);
    each timed run refits ``a`` at that ``p`` from its own wall time. The untimed cost is
    1.75 x a budget of up to 2.5 s, 4.4 s for a longer one.
    """

    min_sweeps: ClassVar[int] = 10

    def _sample(self, st: dict[str, Any], sweeps: int, seed: int) -> Any:
        return st["sampler"].sample(
            st["bqm"], num_reads=1, num_sweeps=sweeps, seed=seed, **st["sample_kw"]
        )

    def _fit(self, st: dict[str, Any]) -> None:
        def measure(k: int) -> float:
            return _timed(lambda: self._sample(st, k, 0))[1]

        # the fixed cost from 1-sweep runs: a line through longer runs overstates it when
        # sweeps get cheaper with length
        st["fixed_s"], st["per_sweep_s"] = _fit_linear(measure, 1, 100, 0.05, 1 << 22)
        st["law"] = {None: (st["per_sweep_s"], 1.0)}

    def calibrate(self, instance: Instance, budget_s: float) -> None:
        st = self.prepare(instance)
        if budget_s in st["law"]:
            return
        fixed, (a, p) = st["fixed_s"], st["law"][None]
        top = min(budget_s, SWEEP_TRIAL_MAX_S)
        trials: list[dict[str, float]] = []
        for goal in (0.25 * top, 0.5 * top, top):
            k = _sweeps_for(fixed, a, p, goal, self.min_sweeps)
            wall = _timed(lambda k=k: self._sample(st, k, 0))[1]  # type: ignore[misc]
            trials.append({"units": k, "wall_s": wall})
            if wall - fixed <= 0.1 * goal:
                if k <= self.min_sweeps:  # the fixed cost fills the goal: nothing to fit
                    break
                continue
            a = (wall - fixed) / k**p
            if len(trials) >= 2:
                (k0, w0), (k1, w1) = ((t["units"], t["wall_s"]) for t in trials[-2:])
                if k1 > 1.3 * k0 and w0 - fixed > 0.05 * goal and w1 > w0:
                    lo, hi = _EXPONENT_RANGE
                    p = min(max(math.log((w1 - fixed) / (w0 - fixed)) / math.log(k1 / k0), lo), hi)
                    a = (w1 - fixed) / k1**p
        st["law"][budget_s] = st["law"][None] = (a, p)
        st.setdefault("trials", {})[budget_s] = trials

    def run(self, instance: Instance, budget_s: float, seed: int) -> RunOutcome:
        """One read with the sweeps fitted to the budget; the fit then learns from it."""
        st = self.prepare(instance)
        fixed = st["fixed_s"]
        a, p = st["law"].get(budget_s, st["law"][None])
        sweeps = _sweeps_for(fixed, a, p, budget_s, self.min_sweeps)
        ss, wall = _timed(lambda: self._sample(st, sweeps, seed))
        if wall - fixed >= 0.02:  # refine from a run long enough to measure it
            st["law"][budget_s] = st["law"][None] = ((wall - fixed) / sweeps**p, p)
        e, x = _best(instance, states_from_sampleset(ss, instance.n))
        extra: dict[str, Any] = {
            "num_sweeps": sweeps,
            "fixed_s": fixed,
            "cost_law": {"a": a, "p": p},
            "calibration_trials": st.get("trials", {}).get(budget_s, []),
            **st["note"],
        }
        least = fixed + a * self.min_sweeps**p
        over = _over_budget(fixed, least, budget_s, f"{self.min_sweeps} sweeps")
        if over is not None:
            extra["over_budget"] = over
        return RunOutcome(e, x, wall, extra)


@contextlib.contextmanager
def limit_threads(threads: int | None, *, torch: bool = False) -> Iterator[dict[str, Any]]:
    """Run the block with isingeq's numba kernels, BLAS / OpenMP pools and (with ``torch``)
    torch on ``threads`` threads; restore the previous settings afterwards.

    ``None`` changes nothing (numba's and the libraries' defaults: all cores). BLAS and OpenMP
    pools are limited through ``threadpoolctl``. The peers other than the torch-based ones are
    single-threaded whatever this says.

    Yields
    ------
    dict
        What was set: ``numba``, ``blas``, ``torch`` (None where nothing was).
    """
    if threads is None:
        yield {"numba": None, "blas": None, "torch": None}
        return
    import numba

    done: dict[str, Any] = {"numba": threads}
    old_numba = numba.get_num_threads()
    old_torch = None
    with contextlib.ExitStack() as stack:
        numba.set_num_threads(threads)
        stack.callback(numba.set_num_threads, old_numba)
        from threadpoolctl import threadpool_limits

        stack.enter_context(threadpool_limits(limits=threads))
        done["blas"] = threads
        if torch and _missing("torch", "torch") is None:
            tm = _import("torch")
            old_torch = tm.get_num_threads()
            tm.set_num_threads(threads)
            stack.callback(tm.set_num_threads, old_torch)
            done["torch"] = threads
        else:
            done["torch"] = None
        yield done
