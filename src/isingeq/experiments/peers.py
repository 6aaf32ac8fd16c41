"""Solvers for ``isingeq bench``: isingeq's own methods and peer libraries, one adapter each.

Every adapter answers the same three questions:

* ``available()`` -- None when it can run here, else the reason (``"dwave-samplers is not
  installed: pip install 'isingeq[bench]'"``);
* ``prepare(instance)`` -- per-instance set-up that is not the solver's work and is done once,
  untimed: the dimod BQM (``model.to_bqm()``), a peer's own model object, and the calibration of
  peers that take no time limit (a few short runs that measure a fixed cost per call and a cost
  per sweep / step, from which a run's length is chosen to fill a budget);
* ``run(instance, budget_s, seed)`` -- one timed run that aims to use ``budget_s`` seconds and
  returns a :class:`RunOutcome`. The best state is chosen by ``instance.model.energy``
  (:mod:`isingeq.model`), never by the peer's own number; dimod samples are put in variable
  order ``0..n-1`` and SPIN values mapped by ``x = (s + 1) / 2``.

* ``calibrate(instance, budget_s)`` -- untimed, once per (instance, budget), before the first
  timed run at that budget: peers that take no time limit make a couple of trial runs sized
  to :data:`TRIAL_FRACTION` of the budget (capped at :data:`TRIAL_MAX_S`; the annealers: at
  1/4, 1/2 and 1 x the budget, capped at :data:`SWEEP_TRIAL_MAX_S`) and fit their cost
  (units: sweeps, steps, Tabu's timeout) from them and the short runs of ``prepare``: linear
  ``fixed + per_unit * units`` for steps and timeouts, ``fixed + a * sweeps**p`` for the
  annealers, whose sweeps get cheaper as a run gets longer. A 1 s budget is thus fitted on
  runs of 0.4-1 s, not on a span of a few ms that on a large instance was off by 5x. Every
  timed run refines the fit again.

How each one fills a budget (what a peer does not bound itself, the bench records honestly as
the wall time actually used, and its ``budget_use`` = time / budget; an adapter that knows it
cannot fit a budget -- its fixed cost per call is larger -- says why in ``extra["over_budget"]``
and the bench records such a run as "over budget: <why>"):

==================  =============================================================================
``mfa``             ``isingeq.solve(method="mfa", time_limit=budget)``; its set-up (``t_c``) counts
``mfa-async``       the same with ``method="mfa-async"``
``greedy``          isingeq's 1-flip descent from random states, in batches, until the budget
                    (the last batch shrunk to the time left)
``dwave-sa``        ``SimulatedAnnealingSampler``, one read, ``num_sweeps`` calibrated; its default
                    ``beta_range`` (a Python loop over every coupling, slow on dense models)
                    is computed once per instance, untimed, and passed in
``dwave-tabu``      ``TabuSampler``, one read, ``timeout`` = budget less its calibrated per-call cost
``dwave-steepest``  ``SteepestDescentSolver`` from random states, ``num_reads`` batches until the budget
                    (the last batch shrunk to the time left)
``openjij-sa``      ``openjij.SASampler`` on an OpenJij model built once, ``num_sweeps`` calibrated
``sb``              ``simulated_bifurcation.minimize`` on the spin form (``model.to_spin()``,
                    dense torch tensors), ``agents`` and ``max_steps`` calibrated, its
                    ``timeout`` as a guard; restarted, the last run shortened to the time left
``mq-bsb``          MindQuantum's ``BSB`` / ``DSB`` (``mindquantum.algorithm.qaia``, optional:
``mq-dsb``          ``pip install --no-deps mindquantum``) on the spin form (CSR), ``batch_size``
                    and ``n_iter`` calibrated like ``sb``; restarted like ``sb``
==================  =============================================================================

The module is long (over 500 lines) because it is one table of adapters behind one interface;
each peer's quirks stay next to its adapter. The costs that set these choices are measured by
``benchmarks/bench_peers_equal_time.py``, and their figures live in the README.
"""

from __future__ import annotations

import contextlib
import importlib
import math
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from ..instance import Instance

__all__ = [
    "ADAPTERS",
    "BUDGET_BAND",
    "SWEEP_TRIAL_MAX_S",
    "TRIAL_FRACTION",
    "TRIAL_MAX_S",
    "Adapter",
    "RunOutcome",
    "TargetOutcome",
    "adapter",
    "limit_threads",
    "states_from_sampleset",
]

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

        from ..generators import paper_instance
        from ..model import SpinGlass

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


# ---------------------------------------------------------------------------- isingeq's own


class MfaAdapter(Adapter):
    """isingeq ``mfa`` with ``time_limit=budget`` (and ``target_energy`` for time-to-target)."""

    name = "mfa"

    def _solve(self, instance: Instance, budget_s: float, seed: int, **kw: Any) -> Any:
        from ..solvers import solve

        return _timed(
            lambda: solve(
                instance.model,
                method=self.name,
                time_limit=budget_s,
                rng=np.random.default_rng(seed),
                **kw,
            )
        )

    def run(self, instance: Instance, budget_s: float, seed: int) -> RunOutcome:
        res, wall = self._solve(instance, budget_s, seed)
        extra = {k: res.info[k] for k in ("rounds", "sweeps", "stopped") if k in res.info}
        return RunOutcome(res.best_energy, res.best_sample, wall, extra)

    def time_to_target(
        self,
        instance: Instance,
        target_energy: float,
        max_budget_s: float,
        seed: int,
        *,
        first_budget_s: float = 0.01,
    ) -> TargetOutcome:
        """One run with ``target_energy``: it stops itself there and reports its own time."""
        res, wall = self._solve(instance, max_budget_s, seed, target_energy=target_energy)
        if res.info.get("stopped") == "target_energy":
            ttt = res.time_s
        elif res.best_energy <= target_energy:
            ttt = wall
        else:
            ttt = math.nan
        extra = {k: res.info[k] for k in ("rounds", "sweeps", "stopped") if k in res.info}
        return TargetOutcome(ttt, res.best_energy, res.best_sample, wall, extra)


class MfaAsyncAdapter(MfaAdapter):
    """isingeq ``mfa-async``, like ``mfa``: ``time_limit=budget``, ``target_energy`` for ttt."""

    name = "mfa-async"


class MfaHybridAdapter(MfaAdapter):
    """isingeq ``mfa-hybrid``, like ``mfa``: ``time_limit=budget``, ``target_energy`` for ttt."""

    name = "mfa-hybrid"


class GreedyAdapter(Adapter):
    """isingeq ``greedy`` (1-flip descent) from random states, restarted until the budget."""

    name = "greedy"

    def run(self, instance: Instance, budget_s: float, seed: int) -> RunOutcome:
        from ..solvers import solve

        gen = np.random.default_rng(seed)

        def batch(k: int) -> tuple[float, NDArray[np.uint8]]:
            r = solve(instance.model, method="greedy", num_reads=k, rng=gen)
            return r.best_energy, r.best_sample

        (e, x, reads, batches, over), wall = _timed(lambda: _until_deadline(budget_s, batch, 1024))
        extra: dict[str, Any] = {"num_reads": reads, "batches": batches}
        if over is not None:
            extra["over_budget"] = over
        return RunOutcome(e, x, wall, extra)


# ---------------------------------------------------------------------------- dwave-samplers


class _DimodAdapter(Adapter):
    requires = (("dimod", "dimod"), ("dwave.samplers", "dwave-samplers"))


class DwaveSAAdapter(_SweepAdapter, _DimodAdapter):
    """``dwave.samplers.SimulatedAnnealingSampler``: one read, ``num_sweeps`` fitted to the budget."""

    name = "dwave-sa"

    def _setup(self, instance: Instance) -> dict[str, Any]:
        sampler = _import("dwave.samplers").SimulatedAnnealingSampler()
        bqm = instance.model.to_bqm()
        ss, pre = _timed(lambda: sampler.sample(bqm, num_reads=1, num_sweeps=1, seed=0))
        beta_range = [float(v) for v in ss.info["beta_range"]]
        st: dict[str, Any] = {
            "sampler": sampler,
            "bqm": bqm,
            "sample_kw": {"beta_range": beta_range},
            "note": {"beta_range_s (untimed)": pre},
        }
        self._fit(st)
        return st


class DwaveTabuAdapter(_DimodAdapter):
    """``dwave.samplers.TabuSampler``: one read, ``timeout`` = budget less its per-call cost."""

    name = "dwave-tabu"

    def _setup(self, instance: Instance) -> dict[str, Any]:
        sampler = _import("dwave.samplers").TabuSampler()
        bqm = instance.model.to_bqm()
        t = min(
            _timed(lambda: sampler.sample(bqm, num_reads=1, timeout=1, seed=0))[1] for _ in range(2)
        )
        fixed = max(t - 1e-3, 0.0)
        return {"sampler": sampler, "bqm": bqm, "fixed_s": fixed, "per_budget": {None: fixed}}

    def cannot_fit(self, instance: Instance, budget_s: float) -> str | None:
        """Over budget when one call's cost beyond its timeout alone exceeds the band."""
        st = self.prepare(instance)
        return _over_budget(st["fixed_s"], st["fixed_s"] + 1e-3, budget_s, "timeout 1 ms")

    def _timeout_ms(self, st: dict[str, Any], budget_s: float) -> int:
        fixed = st["per_budget"].get(budget_s, st["per_budget"][None])
        return max(1, round(1000 * (budget_s - fixed)))

    def _sample(self, st: dict[str, Any], timeout_ms: int, seed: int) -> tuple[Any, float]:
        ss, wall = _timed(
            lambda: st["sampler"].sample(st["bqm"], num_reads=1, timeout=timeout_ms, seed=seed)
        )
        # what the call costs beyond its timeout (set-up, the last restart's overshoot)
        st["per_budget"][None] = max(wall - timeout_ms / 1000, 0.0)
        return ss, wall

    def calibrate(self, instance: Instance, budget_s: float) -> None:
        """Trial runs with ``timeout`` = the trial length less the cost beyond the timeout."""
        st = self.prepare(instance)
        if budget_s in st["per_budget"]:
            return
        if st["fixed_s"] > BUDGET_BAND[1] * budget_s:  # no run can fit: nothing to fit
            st["per_budget"][budget_s] = st["per_budget"][None]
            return
        aim, trials = _trial_s(budget_s), []
        for _ in range(2):
            timeout_ms = max(1, round(1000 * (aim - st["per_budget"][None])))
            _, wall = self._sample(st, timeout_ms, 0)
            trials.append({"timeout_ms": timeout_ms, "wall_s": wall})
            if 0.5 * aim <= wall <= 1.5 * aim:
                break
        st["per_budget"][budget_s] = st["per_budget"][None]
        st.setdefault("trials", {})[budget_s] = trials

    def run(self, instance: Instance, budget_s: float, seed: int) -> RunOutcome:
        st = self.prepare(instance)
        beyond = st["per_budget"].get(budget_s, st["per_budget"][None])
        timeout_ms = self._timeout_ms(st, budget_s)
        ss, wall = self._sample(st, timeout_ms, seed)
        st["per_budget"][budget_s] = st["per_budget"][None]
        e, x = _best(instance, states_from_sampleset(ss, instance.n))
        extra: dict[str, Any] = {
            "timeout_ms": timeout_ms,
            "fixed_s": st["fixed_s"],
            "beyond_timeout_s": beyond,
            "calibration_trials": st.get("trials", {}).get(budget_s, []),
        }
        over = _over_budget(st["fixed_s"], st["fixed_s"] + 1e-3, budget_s, "timeout 1 ms")
        if over is not None:
            extra["over_budget"] = over
        return RunOutcome(e, x, wall, extra)

    def time_to_target(
        self,
        instance: Instance,
        target_energy: float,
        max_budget_s: float,
        seed: int,
        *,
        first_budget_s: float = 0.01,
    ) -> TargetOutcome:
        """One run with Tabu's own ``energy_threshold`` (the BQM's energy is ``H``)."""
        st = self.prepare(instance)
        timeout_ms = max(1, round(1000 * max_budget_s))
        ss, wall = _timed(
            lambda: st["sampler"].sample(
                st["bqm"],
                num_reads=1,
                timeout=timeout_ms,
                seed=seed,
                energy_threshold=target_energy,
            )
        )
        e, x = _best(instance, states_from_sampleset(ss, instance.n))
        ttt = wall if e <= target_energy else math.nan
        return TargetOutcome(ttt, e, x, wall, {"timeout_ms": timeout_ms})


class DwaveSteepestAdapter(_DimodAdapter):
    """``dwave.samplers.SteepestDescentSolver`` from random states, reads batched to the budget."""

    name = "dwave-steepest"

    def _setup(self, instance: Instance) -> dict[str, Any]:
        return {
            "sampler": _import("dwave.samplers").SteepestDescentSolver(),
            "bqm": instance.model.to_bqm(),
        }

    def run(self, instance: Instance, budget_s: float, seed: int) -> RunOutcome:
        st = self.prepare(instance)
        gen = np.random.default_rng(seed)

        def batch(k: int) -> tuple[float, NDArray[np.uint8]]:
            ss = st["sampler"].sample(st["bqm"], num_reads=k, seed=_seed31(gen))
            return _best(instance, states_from_sampleset(ss, instance.n))

        (e, x, reads, batches, over), wall = _timed(lambda: _until_deadline(budget_s, batch, 4096))
        extra: dict[str, Any] = {"num_reads": reads, "batches": batches}
        if over is not None:
            extra["over_budget"] = over
        return RunOutcome(e, x, wall, extra)


# ---------------------------------------------------------------------------- OpenJij


class OpenJijSAAdapter(_SweepAdapter):
    """``openjij.SASampler``: one read, ``num_sweeps`` fitted to the budget.

    The OpenJij model is built once per instance (from dimod's BQM; OpenJij's own conversion
    inside ``sample`` is a Python loop over the couplings) and reused.
    """

    name = "openjij-sa"
    requires = (("dimod", "dimod"), ("openjij", "openjij"))

    def _setup(self, instance: Instance) -> dict[str, Any]:
        oj = _import("openjij")
        bqm = instance.model.to_bqm()
        ojbqm, conv = _timed(
            lambda: oj.model.model.BinaryQuadraticModel(
                dict(bqm.linear), dict(bqm.quadratic), bqm.offset, bqm.vartype, sparse=True
            )
        )
        st: dict[str, Any] = {
            "sampler": oj.SASampler(),
            "bqm": ojbqm,
            "sample_kw": {},
            "note": {"convert_s (untimed)": conv},
        }
        self._fit(st)
        return st


# ---------------------------------------------------------------------------- SB


class _StepAdapter(Adapter):
    """A peer run as ``steps`` steps of ``agents`` replicas, with no time limit of its own.

    ``prepare`` fits ``time = fixed + steps * step_s(agents)`` on short runs (``step_s``
    linear in the agents between :attr:`agents_lo` and :attr:`agents_hi`); ``calibrate``
    corrects it by a speed factor per budget from trial runs of about :func:`_trial_s`
    (budget), and each timed run's first whole run corrects it again. A run takes the most
    agents for which :attr:`steps_goal` steps fit the budget (fewer steps when even the fewest
    agents do not), then repeats whole runs with fresh agents while time is left, the last one
    shortened to the time left.
    """

    steps_goal: ClassVar[int] = 2000
    max_steps_factor: ClassVar[int] = 5
    min_steps: ClassVar[int] = 10
    agent_choices: ClassVar[tuple[int, ...]] = (256, 128, 64, 32, 16, 8)
    agents_lo: ClassVar[int] = 8
    agents_hi: ClassVar[int] = 128

    def _build(self, instance: Instance) -> dict[str, Any]:
        raise NotImplementedError

    def _solve(
        self, st: dict[str, Any], agents: int, steps: int, timeout: float | None, seed: int
    ) -> NDArray[np.uint8]:
        """The 0/1 states (one row per agent) of one whole run."""
        raise NotImplementedError

    def _setup(self, instance: Instance) -> dict[str, Any]:
        st = self._build(instance)

        def t(agents: int, steps: int) -> float:  # best of 2: the machine may be shared
            return min(_timed(lambda: self._solve(st, agents, steps, None, 0))[1] for _ in "ab")

        lo, hi = self.agents_lo, self.agents_hi
        t_short = _timed(lambda: self._solve(st, lo, 10, None, 0))[1]
        if t_short > 5.0:  # one short call takes seconds (sb on n >= 10000): do not fit more
            c = t_short / 10
            st.update(fixed_s=t_short, step_s_lo=c, step_s_hi=c * hi / lo, speed={None: 1.0})
            return st
        t_short = min(t_short, t(lo, 10))
        # spans of ~0.1-0.2 s (not a fixed step count: on n = 20000 a step of SB is ~0.1 s)
        k = int(min(max(0.1 / max(t_short / 10, 1e-9), 20), 200))
        c_lo = max((t(lo, 10 + k) - t_short) / k, 1e-9)
        fixed = max(t_short - 10 * c_lo, 0.0)
        if t_short < 1.0:
            k_hi = int(min(max(0.2 / (c_lo * hi / lo), 10), 110))
            c_hi = max((t(hi, k_hi) - fixed) / k_hi, c_lo)
        else:  # too slow to measure: a step costs at most agents-fold the fewest agents' step
            c_hi = c_lo * hi / lo
        st.update(fixed_s=fixed, step_s_lo=c_lo, step_s_hi=c_hi, speed={None: 1.0})
        return st

    def cannot_fit(self, instance: Instance, budget_s: float) -> str | None:
        """Over budget when one call's fixed cost alone exceeds the band."""
        st = self.prepare(instance)
        return _over_budget(st["fixed_s"], st["fixed_s"], budget_s, "its set-up alone")

    def _step_s(self, st: dict[str, Any], agents: int, speed: float) -> float:
        c_lo, c_hi = st["step_s_lo"], st["step_s_hi"]
        lo, hi = self.agents_lo, self.agents_hi
        return float(speed * (c_lo + (c_hi - c_lo) * (agents - lo) / (hi - lo)))

    def _shape(self, st: dict[str, Any], seconds: float, speed: float) -> tuple[int, int, float]:
        """``(agents, steps, expected s)`` of one whole run meant to take ``seconds``."""
        room = seconds - st["fixed_s"]
        agents = next(
            (a for a in self.agent_choices if self.steps_goal * self._step_s(st, a, speed) <= room),
            self.agent_choices[-1],
        )
        step_s = self._step_s(st, agents, speed)
        steps = _units_for(
            0.0, step_s, room, self.min_steps, self.max_steps_factor * self.steps_goal
        )
        return agents, steps, st["fixed_s"] + steps * step_s

    def calibrate(self, instance: Instance, budget_s: float) -> None:
        """Trial runs of about :func:`_trial_s` (budget): the speed factor for this budget."""
        st = self.prepare(instance)
        if budget_s in st["speed"]:
            return
        if st["fixed_s"] > BUDGET_BAND[1] * budget_s:  # no run can fit: nothing to fit
            st["speed"][budget_s] = st["speed"][None]
            return
        aim, trials = _trial_s(budget_s), []
        speed = st["speed"][None]
        for _ in range(3):
            agents, steps, expected = self._shape(st, aim, speed)
            t_run = time.perf_counter()
            self._solve(st, agents, steps, None, 0)
            wall = time.perf_counter() - t_run
            trials.append({"agents": agents, "steps": steps, "wall_s": wall})
            if wall - st["fixed_s"] > 0.1 * aim and expected > st["fixed_s"]:
                speed *= (wall - st["fixed_s"]) / (expected - st["fixed_s"])
            elif steps <= self.min_steps:
                break
            if 0.5 * aim <= wall <= 1.5 * aim:
                break
        st["speed"][budget_s] = st["speed"][None] = speed
        st.setdefault("trials", {})[budget_s] = trials

    def run(self, instance: Instance, budget_s: float, seed: int) -> RunOutcome:
        st = self.prepare(instance)
        speed = st["speed"].get(budget_s, st["speed"][None])
        agents, steps, expected = self._shape(st, budget_s, speed)
        gen = np.random.default_rng(seed)
        t0 = time.perf_counter()
        best_e, best_x, runs, took = math.inf, np.zeros(instance.n, dtype=np.uint8), 0, 0.0
        run_steps = steps
        while True:
            left = budget_s - (time.perf_counter() - t0) - st["fixed_s"]
            t_run = time.perf_counter()
            X = self._solve(st, agents, run_steps, max(left, _MIN_RUN_S), _seed31(gen))
            took = time.perf_counter() - t_run
            e, x = _best(instance, X)
            runs += 1
            if e < best_e:
                best_e, best_x = e, x
            if runs == 1 and took - st["fixed_s"] >= 0.02 and took < 0.99 * left + st["fixed_s"]:
                # the whole run finished (no timeout): refine the speed for this budget
                new = speed * (took - st["fixed_s"]) / (expected - st["fixed_s"])
                st["speed"][budget_s] = st["speed"][None] = new
            # the next run: as long as the first, or shortened to the time left
            rest = budget_s - (time.perf_counter() - t0) - st["fixed_s"]
            step_s = max((took - st["fixed_s"]) / run_steps, 1e-12)
            run_steps = min(steps, int(rest / step_s))
            if run_steps < max(self.min_steps, steps // 10):  # too short to be worth a run
                break
        wall = time.perf_counter() - t0
        extra: dict[str, Any] = {
            "agents": agents,
            "max_steps": steps,
            "runs": runs,
            "fixed_s": st["fixed_s"],
            "speed": speed,
            "calibration_trials": st.get("trials", {}).get(budget_s, []),
        }
        least = st["fixed_s"] + self.min_steps * self._step_s(st, self.agent_choices[-1], speed)
        over = _over_budget(st["fixed_s"], least, budget_s, f"{self.min_steps} steps")
        if over is not None:
            extra["over_budget"] = over
        return RunOutcome(best_e, best_x, wall, extra)


class SBAdapter(_StepAdapter):
    """``simulated_bifurcation.minimize`` (ballistic SB) on the spin form of the model.

    A run takes ``max_steps`` steps of ``agents`` replicas, both chosen from the calibration so
    that the run fits the budget (2000 steps when they fit: the default pressure ramp needs
    1000), with ``timeout`` as a guard. Its early stopping is off (it needs 2500+ steps to
    trigger). The coupling matrix is dense (n x n float32). Runs on torch's threads
    (``torch.set_num_threads``, set by the bench's ``threads``).
    """

    name = "sb"
    requires = (("torch", "torch"), ("simulated_bifurcation", "simulated-bifurcation"))
    uses_torch = True
    #: sb takes a dense n x n tensor; above this its fixed cost per call is tens of seconds to
    #: minutes (measured: ~4 s at n = 5000, ~250 s and ~9 GB at n = 20000), far above any budget
    max_n: ClassVar[int] = 5_000

    def _solve(
        self, st: dict[str, Any], agents: int, steps: int, timeout: float | None, seed: int
    ) -> NDArray[np.uint8]:
        torch, sb = st["torch"], st["sb"]
        with torch.random.fork_rng(devices=[]), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            torch.manual_seed(seed)
            spins, _ = sb.minimize(
                st["J"],
                st["h"],
                st["offset"],
                domain="spin",
                agents=agents,
                max_steps=steps,
                best_only=False,
                verbose=False,
                early_stopping=False,
                timeout=timeout,
            )
        # SB catches Ctrl-C itself and returns its current spins with a warning: pass it on
        if any("interrupted by user" in str(w.message) for w in caught):
            raise KeyboardInterrupt
        n = st["n"]
        return ((np.asarray(spins.cpu().numpy()).reshape(-1, n) + 1) // 2).astype(np.uint8)

    def _build(self, instance: Instance) -> dict[str, Any]:
        n = instance.n
        if n > self.max_n:
            raise ValueError(
                f"sb needs a dense {n} x {n} coupling matrix; n={n} is above the adapter's "
                f"limit {self.max_n}"
            )
        import scipy.sparse as sp

        torch, sb = _import("torch"), _import("simulated_bifurcation")
        hs, Js, off = instance.model.to_spin()
        Jd = Js.toarray() if sp.issparse(Js) else np.asarray(Js)
        return {
            "n": n,
            "torch": torch,
            "sb": sb,
            "J": torch.tensor(Jd, dtype=torch.float32),
            "h": torch.tensor(hs, dtype=torch.float32),
            "offset": float(off),
        }


# ---------------------------------------------------------------------------- MindQuantum

_MQ_INSTALL = (
    "pip install --no-deps mindquantum (its 0.12 wheel pins rich==10.9.0, which isingeq's "
    "CLI cannot run with; with --no-deps it needs only numpy, scipy and matplotlib)"
)


class _QaiaAdapter(_StepAdapter):
    """MindQuantum's QAIA solvers (``mindquantum.algorithm.qaia``) on the spin form, CPU float32.

    Their energy is ``-1/2 s.J.s - h.s``, so ``J = -(J_s + J_s^T)`` and ``h = -h_s`` from
    :meth:`isingeq.SpinGlass.to_spin`; the best state is still chosen by the model's ``H``.
    ``batch_size`` (agents) and ``n_iter`` (steps; 1000 is MindQuantum's default ramp) are
    calibrated like ``sb``. MindQuantum draws its start from NumPy's global generator; the
    adapter overwrites both ``x`` and ``y`` with draws from the run's own seed instead.
    """

    requires = (("mindquantum.algorithm.qaia", "mindquantum"),)
    install = _MQ_INSTALL
    default = False
    qaia_class: ClassVar[str] = ""
    steps_goal = 1000
    agent_choices = (64, 32, 16, 8, 4, 2, 1)
    agents_lo = 1
    agents_hi = 32

    def _build(self, instance: Instance) -> dict[str, Any]:
        import scipy.sparse as sp

        hs, Js, _ = instance.model.to_spin()
        Jc = sp.csr_matrix(Js) if sp.issparse(Js) else sp.csr_matrix(np.asarray(Js))
        Jm = sp.csr_matrix(-(Jc + Jc.T), dtype=np.float64)
        Jm.eliminate_zeros()
        cls = getattr(_import("mindquantum.algorithm.qaia"), self.qaia_class)
        return {"n": instance.n, "cls": cls, "J": Jm, "h": -np.asarray(hs, dtype=np.float64)}

    def _solve(
        self, st: dict[str, Any], agents: int, steps: int, timeout: float | None, seed: int
    ) -> NDArray[np.uint8]:
        gen = np.random.default_rng(seed)
        n = st["n"]
        x0 = 0.02 * (gen.random((n, agents)) - 0.5)
        solver = st["cls"](st["J"], st["h"], x=x0, n_iter=steps, batch_size=agents)
        solver.y = 0.02 * (gen.random((n, agents)) - 0.5)  # not NumPy's global generator
        solver.update()
        return (np.asarray(solver.x).T > 0).astype(np.uint8)


class MqBSBAdapter(_QaiaAdapter):
    """MindQuantum ``BSB`` (ballistic simulated bifurcation)."""

    name = "mq-bsb"
    qaia_class = "BSB"


class MqDSBAdapter(_QaiaAdapter):
    """MindQuantum ``DSB`` (discrete simulated bifurcation)."""

    name = "mq-dsb"
    qaia_class = "DSB"


#: Solver name -> adapter factory, in the order the bench runs them.
ADAPTERS: dict[str, Callable[[], Adapter]] = {
    cls.name: cls
    for cls in (
        MfaAdapter,
        MfaAsyncAdapter,
        MfaHybridAdapter,
        GreedyAdapter,
        DwaveSAAdapter,
        DwaveTabuAdapter,
        DwaveSteepestAdapter,
        OpenJijSAAdapter,
        SBAdapter,
        MqBSBAdapter,
        MqDSBAdapter,
    )
}


@contextlib.contextmanager
def limit_threads(threads: int | None, *, torch: bool = False) -> Iterator[dict[str, Any]]:
    """Run the block with isingeq's numba kernels, BLAS / OpenMP pools and (with ``torch``)
    torch on ``threads`` threads; restore the previous settings afterwards.

    ``None`` changes nothing (numba's and the libraries' defaults: all cores). BLAS and OpenMP
    pools are limited through ``threadpoolctl`` when it is installed (``isingeq[bench]``);
    without it they keep their defaults, which the returned dict says (``"blas"``).
    The peers other than the torch-based ones are single-threaded whatever this says.

    Yields
    ------
    dict
        What was set: ``numba``, ``blas`` (a number or the reason it was not), ``torch``.
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
        try:
            threadpool_limits = _import("threadpoolctl").threadpool_limits
        except ImportError:
            done["blas"] = (
                "not limited: threadpoolctl is not installed (pip install 'isingeq[bench]')"
            )
        else:
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


def adapter(name: str) -> Adapter:
    """A fresh adapter for a registered solver name.

    Raises
    ------
    ValueError
        For an unknown name (the message lists the known ones).

    Examples
    --------
    >>> adapter("mfa").available() is None
    True
    """
    try:
        factory = ADAPTERS[name]
    except KeyError:
        raise ValueError(f"unknown solver {name!r}; known solvers: {', '.join(ADAPTERS)}") from None
    return factory()
