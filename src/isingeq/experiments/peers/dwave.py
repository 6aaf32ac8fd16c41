"""dwave-samplers as bench adapters: SimulatedAnnealingSampler, TabuSampler, SteepestDescentSolver."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ...instance import Instance
from ._base import (
    BUDGET_BAND,
    Adapter,
    RunOutcome,
    TargetOutcome,
    _best,
    _import,
    _over_budget,
    _seed31,
    _SweepAdapter,
    _timed,
    _trial_s,
    _until_deadline,
    states_from_sampleset,
)

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
    """``dwave.samplers.TabuSampler``: one read, ``timeout`` = budget less its per-call cost.

    ``TabuSampler.sample`` builds a dense n x n QUBO matrix in Python on every call (0.026 s
    of a 0.13 s per-call cost on G22, 0.24 s of 1.08 s on G55); the adapter builds it once,
    untimed, with the sampler's own ``_bqm_to_tabu_qubo``, and hands it to the sampler, which
    otherwise runs as is (tenure, initial state, seeds). The other peers' conversions are
    set-up too (OpenJij's model, dwave-sa's ``beta_range``, sb's ``Ising``).
    """

    name = "dwave-tabu"

    def _setup(self, instance: Instance) -> dict[str, Any]:
        samplers = _import("dwave.samplers")
        bqm = instance.model.to_bqm()
        qubo = samplers.TabuSampler._bqm_to_tabu_qubo(bqm.binary)
        sampler = samplers.TabuSampler()
        # an instance attribute shadows the static method: called with the BQM we pass
        sampler._bqm_to_tabu_qubo = lambda _binary: qubo
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
