"""Simulated bifurcation as bench adapters: simulated-bifurcation's ``sb`` and MindQuantum's BSB / DSB."""

from __future__ import annotations

import math
import time
import warnings
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from ...instance import Instance
from ._base import (
    _MIN_RUN_S,
    BUDGET_BAND,
    Adapter,
    RunOutcome,
    _best,
    _import,
    _over_budget,
    _seed31,
    _timed,
    _trial_s,
    _units_for,
)

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
    """simulated-bifurcation's ballistic SB (``Ising.minimize``) on the spin form of the model.

    The model is converted once, untimed, to sb's ``Ising`` (``build_model(J, h,
    offset).to_ising("spin")``): ``sb.minimize`` redoes that conversion on every call, 0.24 s
    of a 0.29 s one-step call on G22 (n = 2000) and about 4 s at n = 5000, which counted as sb's
    fixed cost per run; the other peers' conversions are set-up too (OpenJij's model,
    dwave-sa's ``beta_range``). The same seed gives the same spins either way.

    A run takes ``max_steps`` steps of ``agents`` replicas, both chosen from the calibration so
    that the run fits the budget (2000 steps when they fit), with ``timeout`` as a guard. sb's
    pressure ramp reaches 1 after ``1 / (time_step * pressure_slope)`` = 1000 steps by default;
    a run of fewer steps gets the slope that ends the ramp at its last step (as a user fits the
    ramp to the steps a budget allows: at 0.2 s on G14 the default ramp, cut at ~630 steps,
    gave a mean gap of 1.67 %, the fitted one 1.04 %). Its early stopping is off (it needs
    2500+ steps to trigger). The coupling matrix is dense (n x n float32). Runs on torch's
    threads (``torch.set_num_threads``, set by the bench's ``threads``).
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
        env = sb.get_env()
        ramp = round(1.0 / (env["time_step"] * env["pressure_slope"]))  # steps to pressure 1
        try:
            if steps < ramp:  # the ramp ends at the run's last step (see the class docstring)
                sb.set_env(pressure_slope=1.0 / (env["time_step"] * steps))
            with torch.random.fork_rng(devices=[]), warnings.catch_warnings(record=True) as w:
                warnings.simplefilter("always")
                torch.manual_seed(seed)
                spins = st["ising"].minimize(
                    agents=agents,
                    max_steps=steps,
                    verbose=False,
                    early_stopping=False,
                    timeout=timeout,
                )
        finally:
            sb.set_env(**env)
        # SB catches Ctrl-C itself and returns its current spins with a warning: pass it on
        if any("interrupted by user" in str(x.message) for x in w):
            raise KeyboardInterrupt
        n = st["n"]
        # (n, agents) spins, +-1
        return ((np.asarray(spins.cpu().numpy()).T.reshape(-1, n) + 1) // 2).astype(np.uint8)

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
        J = torch.tensor(Jd, dtype=torch.float32)
        h = torch.tensor(hs, dtype=torch.float32)
        # converted once here, untimed (sb.minimize converts on every call)
        ising = sb.build_model(J, h, float(off)).to_ising("spin")
        return {"n": n, "torch": torch, "sb": sb, "ising": ising}


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
