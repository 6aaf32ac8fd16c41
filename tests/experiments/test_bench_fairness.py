"""The fair benchmark (issue #10): budget use and its calibration, equal CPU, the tuning split,
values better than the best known."""

from __future__ import annotations

import csv
import json
import time
from pathlib import Path
from typing import Any, ClassVar

import numba
import numpy as np
import pytest

import isingeq
from isingeq import Instance, datasets
from isingeq.experiments import bench, peers
from isingeq.experiments.peers import _base as peers_base

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def _paper(n: int, seed: int = 0, name: str | None = None, best: float | None = None) -> Instance:
    m = isingeq.paper_instance(n, rng=seed)
    if best is None:
        best = isingeq.solve(m, method="exact").best_energy
    return Instance(name or f"paper-{n}", m, "min", best_known=best)


def _plan(instances: list[Instance], solvers: list[str], **kw: Any) -> bench.BenchPlan:
    kw.setdefault("budgets", [0.02])
    kw.setdefault("repeats", 1)
    return bench.BenchPlan(instances=instances, solvers=solvers, **kw)


class FakeClock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


# ---------------------------------------------------------------------------- calibration


class FakeSweeper(peers_base._SweepAdapter):
    """A sweep sampler on a fake clock: a call costs ``fixed + a * sweeps**p`` seconds."""

    name = "fake-sweeper"

    def __init__(self, clock: FakeClock, fixed: float, a: float, p: float) -> None:
        super().__init__()
        self.clock, self.cost = clock, (fixed, a, p)

    def _sample(self, st: dict[str, Any], sweeps: int, seed: int) -> Any:
        fixed, a, p = self.cost
        self.clock.t += fixed + a * sweeps**p
        return None

    def _setup(self, instance: Instance) -> dict[str, Any]:
        st: dict[str, Any] = {"sample_kw": {}, "note": {}}
        self._fit(st)
        return st

    def seconds(self, sweeps: int) -> float:
        fixed, a, p = self.cost
        return fixed + a * sweeps**p


@pytest.mark.parametrize(
    ("fixed", "a", "p"),
    [
        (0.005, 3e-5, 1.0),  # linear: G1-like
        (0.014, 4e-4, 0.85),  # sweeps get cheaper with length
        (0.002, 1e-4, 0.95),
    ],
)
@pytest.mark.parametrize("budget", [0.1, 1.0, 10.0])
def test_sweep_calibration_fills_the_budget_on_a_fake_clock(
    monkeypatch: pytest.MonkeyPatch, fixed: float, a: float, p: float, budget: float
) -> None:
    clock = FakeClock()
    monkeypatch.setattr(peers_base.time, "perf_counter", clock)
    sweeper = FakeSweeper(clock, fixed, a, p)
    inst = _paper(6)
    sweeper.calibrate(inst, budget)
    st = sweeper.prepare(inst)
    trials = st["trials"][budget]
    assert 1 <= len(trials) <= 3
    assert sum(t["wall_s"] for t in trials) <= 1.9 * min(budget, peers.SWEEP_TRIAL_MAX_S)
    fa, fp = st["law"][budget]
    sweeps = peers_base._sweeps_for(st["fixed_s"], fa, fp, budget, sweeper.min_sweeps)
    assert 0.9 <= sweeper.seconds(sweeps) / budget <= 1.1, (sweeps, fa, fp)


def test_a_fixed_cost_above_the_budget_stops_the_trials_and_is_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = FakeClock()
    monkeypatch.setattr(peers_base.time, "perf_counter", clock)
    sweeper = FakeSweeper(clock, 0.5, 1e-6, 1.0)
    inst = _paper(6)
    sweeper.calibrate(inst, 0.1)
    trials = sweeper.prepare(inst)["trials"][0.1]
    assert len(trials) == 1 and trials[0]["units"] == sweeper.min_sweeps
    reason = peers_base._over_budget(0.5, 0.5 + 1e-5, 0.1, "10 sweeps")
    assert reason is not None and "fixed cost per call is 0.5 s" in reason
    assert peers_base._over_budget(0.01, 0.02, 0.1, "10 sweeps") is None


def test_batches_fill_the_budget_on_a_fake_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FakeClock()
    monkeypatch.setattr(peers_base.time, "perf_counter", clock)

    def batch(k: int) -> tuple[float, np.ndarray]:
        clock.t += 1e-3 + 0.013 * k  # a fixed cost per call and per read
        return -float(k), np.zeros(3, dtype=np.uint8)

    e, _, reads, batches, over = peers_base._until_deadline(1.0, batch, 1024)
    assert 0.9 <= clock.t <= 1.0 + 1e-9 and over is None
    assert reads >= 60 and batches > 1 and e <= -1
    # one read longer than the budget: it runs, and says why it is over
    clock.t = 0.0
    *_, over = peers_base._until_deadline(0.005, batch, 1024)
    assert over is not None and "one read takes" in over


@pytest.mark.parametrize("name", ["dwave-sa", "openjij-sa", "dwave-tabu", "sb"])
def test_calibrated_peers_record_their_fit_and_budget_use(name: str, tmp_path: Path) -> None:
    a = peers.adapter(name)
    if a.available() is not None:
        pytest.skip(str(a.available()))
    inst = _paper(60, 1, "paper-60", best=-1e9)  # a gap, no exact ground state
    run = bench.run_bench(_plan([inst], [name], budgets=[0.3]), tmp_path)
    [r] = run.records
    assert r["status"] == "ok", r["status"]
    assert r["budget_use"] == pytest.approx(r["time_s"] / 0.3)
    assert 0.3 < r["budget_use"] < 3.0  # generous: the machine is shared
    detail = json.loads(r["detail"])
    assert detail["calibration_trials"], detail  # the budget's own trial runs
    row = run.summary["by_solver_budget"][0]
    assert row["under_budget_band"] + row["over_budget_band"] == int(
        not 0.9 <= r["budget_use"] <= 1.1
    )


def test_over_budget_is_recorded_and_left_out_of_the_means(tmp_path: Path) -> None:
    class Slow(peers.Adapter):
        name = "slow"

        def run(self, instance: Instance, budget_s: float, seed: int) -> peers.RunOutcome:
            time.sleep(0.03)  # the fixed cost of a call, larger than the budget
            x = np.zeros(instance.n, dtype=np.uint8)
            extra = {"over_budget": "its fixed cost per call is 0.03 s"}
            return peers.RunOutcome(instance.model.energy(x), x, 0.03, extra)

    inst = _paper(10)
    run = bench.run_bench(
        _plan([inst], ["slow", "greedy"], budgets=[0.005, 0.1]),
        tmp_path,
        adapters={"slow": Slow()},
    )
    by = {(r["solver"], r["budget_s"]): r for r in run.records}
    assert by[("slow", "0.005")]["status"] == "over budget: its fixed cost per call is 0.03 s"
    assert by[("slow", "0.005")]["budget_use"] > 1.1
    assert by[("slow", "0.1")]["status"] == "ok"  # it fits the larger budget
    rows = {(r["solver"], r["budget_s"]): r for r in run.summary["by_solver_budget"]}
    assert rows[("slow", 0.005)]["over_budget"] == 1
    assert rows[("slow", 0.005)]["mean_gap"] is None  # not averaged
    assert rows[("slow", 0.005)]["over_budget_band"] == 1
    assert rows[("slow", 0.1)]["under_budget_band"] == 1  # 0.03 s of 0.1 s
    # "over budget" rows are finished: a resumed run does not redo them
    again = bench.run_bench(
        _plan([inst], ["slow", "greedy"], budgets=[0.005, 0.1]),
        tmp_path,
        adapters={"slow": Slow()},
    )
    assert again.new == 0


def test_a_real_peer_over_a_tiny_budget_is_over_budget(tmp_path: Path) -> None:
    if not (DATA / "gset" / "G1.txt").is_file():
        pytest.skip(f"benchmark data not found at {DATA}")
    a = peers.adapter("dwave-sa")
    if a.available() is not None:
        pytest.skip(str(a.available()))
    inst = datasets.load("G1", DATA)
    run = bench.run_bench(_plan([inst], ["dwave-sa"], budgets=[1e-4]), tmp_path)
    [r] = run.records
    assert r["status"].startswith("over budget: its fixed cost per call is")
    assert run.summary["by_solver_budget"][0]["over_budget"] == 1


def test_isingeq_methods_use_their_budget(tmp_path: Path) -> None:
    run = bench.run_bench(
        _plan(
            [_paper(200, 2, "paper-200", best=-1e9)], ["mfa", "mfa-async", "greedy"], budgets=[0.3]
        ),
        tmp_path,
    )
    for r in run.records:
        assert r["status"] == "ok"
        assert r["budget_use"] >= 0.5, (r["solver"], r["budget_use"])  # generous: shared CPU


def test_old_records_files_are_read_and_upgraded(tmp_path: Path) -> None:
    plan = _plan([_paper(8)], ["greedy"], budgets=[0.01, 0.02])
    bench.run_bench(plan, tmp_path)
    path = tmp_path / "records.csv"
    with path.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    # rewrite in the layout before budget_use
    with path.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=bench.LEGACY_FIELDS, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    old = bench.read_records(path)
    assert [r["budget_use"] for r in old] == pytest.approx(
        [r["time_s"] / float(r["budget_s"]) for r in old]
    )
    again = bench.run_bench(plan, tmp_path)
    assert (again.new, again.resumed) == (0, 2)
    with path.open(newline="") as fh:
        assert next(csv.reader(fh)) == bench.RECORD_FIELDS  # rewritten in the new layout


# ---------------------------------------------------------------------------- equal CPU


def test_threads_hold_numba_during_the_run_and_restore_it(tmp_path: Path) -> None:
    seen: list[int] = []

    class Probe(peers.Adapter):
        name = "probe"

        def run(self, instance: Instance, budget_s: float, seed: int) -> peers.RunOutcome:
            seen.append(numba.get_num_threads())
            x = np.zeros(instance.n, dtype=np.uint8)
            return peers.RunOutcome(instance.model.energy(x), x, 0.0)

    before = numba.get_num_threads()
    plan = _plan([_paper(8)], ["probe", "mfa"], threads=1)
    run = bench.run_bench(plan, tmp_path, adapters={"probe": Probe()})
    assert seen and set(seen) == {1}
    assert numba.get_num_threads() == before
    cfg = run.summary["config"]
    assert cfg["threads"] == 1
    assert cfg["comparison"] == "equal CPU: every solver on 1 thread"
    r = next(r for r in run.records if r["solver"] == "mfa")
    assert r["cpu_s"] > 0
    assert _plan([], ["mfa"], threads=2).comparison() == "isingeq on 2 threads, peers on 1"


def test_limit_threads_limits_blas_and_torch() -> None:
    torch = pytest.importorskip("torch")
    before = torch.get_num_threads()
    with peers.limit_threads(1, torch=True) as done:
        assert done == {"numba": 1, "blas": 1, "torch": 1}
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before


def test_threads_is_validated() -> None:
    with pytest.raises(ValueError, match="`threads` must be >= 1; got 0"):
        bench.make_plan(names=["paper-6"], solvers=["greedy"], threads=0)


# ---------------------------------------------------------------------------- tuning split


def test_tuned_on_is_exactly_the_declared_set() -> None:
    expected = (
        {f"G{k}" for k in range(1, 12)}
        | {"G14", "G18", "G22", "G24", "G26", "G27", "G28", "G31", "G35", "G43", "G57"}
        | {f"bqp250-{k}" for k in range(1, 11)}
        | {f"bqp1000-{k}" for k in range(1, 11)}
    )
    assert expected | {"paper-1000", "paper-2000"} == datasets.TUNED_ON
    assert set(datasets.TUNED_ON) - {"paper-1000", "paper-2000"} <= set(datasets.names())
    for name in datasets.TUNED_ON:  # every name resolves (the paper ones without data)
        if name.startswith("paper-"):
            assert datasets.resolve(name).name == name


def test_gset_families_ship_with_the_package_and_match_the_data() -> None:
    fams = {n: datasets.gset_family(n) for n in datasets.names("gset")}
    assert len(fams) == 71 and set(fams.values()) == set(datasets.GSET_FAMILIES)
    assert datasets.SUITES["gset"] == datasets.names("gset")
    assert (
        sum(
            len(datasets.SUITES[f"gset-{g}-{w}"])
            for g in ("random", "planar", "toroidal")
            for w in ("unit", "signed")
        )
        == 71
    )
    assert datasets.SUITES["gset-toroidal-unit"] == ["G48", "G49", "G50"]
    table = DATA / "gset" / "best_known.csv"
    if not table.is_file():
        pytest.skip(f"benchmark data not found at {DATA}")
    with table.open(newline="") as fh:
        for row in csv.DictReader(fh):
            w = "±1" if row["weights"] == "+1/-1" else "+1"
            assert fams[row["name"]] == f"{row['graph_type']} {w}"


class Fixed(peers.Adapter):
    """A state with a given number of ones, per solver name: deterministic objectives."""

    ones: ClassVar[dict[str, int]] = {"one": 0, "two": 3}

    def __init__(self, name: str) -> None:
        super().__init__()
        self.label = name

    def run(self, instance: Instance, budget_s: float, seed: int) -> peers.RunOutcome:
        x = np.zeros(instance.n, dtype=np.uint8)
        x[: self.ones[self.label]] = 1
        return peers.RunOutcome(instance.model.energy(x), x, budget_s)


def test_summary_splits_tuned_on_and_counts_best_or_tied(tmp_path: Path) -> None:
    m = isingeq.SpinGlass(np.eye(6))  # H = -sum n_i: the more ones, the better
    # named like instances of the tuning set and of a Gset family (small stand-ins)
    tuned = Instance("G1", m, "min", best_known=-6.0)
    other = Instance("G62", m, "min", best_known=-6.0)
    plan = _plan([tuned, other], ["one", "two"], repeats=2)
    run = bench.run_bench(plan, tmp_path, adapters={"one": Fixed("one"), "two": Fixed("two")})
    s = run.summary
    assert s["config"]["tuned_on"] == ["G1"]
    split = {(r["split"], r["solver"]): r for r in s["by_split"]}
    assert split[("tuned on", "two")]["instances"] == 1
    assert split[("tuned on", "two")]["best_or_tied"] == 1
    assert split[("not tuned on", "one")]["best_or_tied"] == 0
    assert split[("not tuned on", "two")]["mean_gap"] == pytest.approx(0.5)
    fam = {(r["family"], r["solver"]): r for r in s["by_family"]}
    assert set(fam) == {(f, v) for f in ("random +1", "toroidal ±1") for v in ("one", "two")}
    assert fam[("toroidal ±1", "two")]["best_or_tied"] == 1
    by = {r["solver"]: r for r in s["by_solver_budget"]}
    assert by["two"]["best_or_tied"] == 2 and by["one"]["best_or_tied"] == 0
    # a tie counts for both
    Fixed.ones = {"one": 3, "two": 3}
    try:
        run = bench.run_bench(
            plan, tmp_path / "tie", adapters={"one": Fixed("one"), "two": Fixed("two")}
        )
    finally:
        Fixed.ones = {"one": 0, "two": 3}
    assert {r["solver"]: r["best_or_tied"] for r in run.summary["by_solver_budget"]} == {
        "one": 2,
        "two": 2,
    }


# ---------------------------------------------------------------------------- bad input


def test_beating_the_best_known_value_writes_a_certificate(tmp_path: Path) -> None:
    inst = _paper(10, 4)
    exact = inst.best_known
    assert exact is not None
    wrong = Instance("too-low", inst.model, "min", best_known=exact + 0.5)  # a stale table
    run = bench.run_bench(_plan([wrong, inst], ["mfa"], budgets=[0.05]), tmp_path)
    by = {r["instance"]: r for r in run.records}
    r = by["too-low"]
    assert r["status"] == "ok" and r["beats_best_known"] is True
    assert by["paper-10"]["beats_best_known"] is False
    cert = tmp_path / json.loads(r["detail"])["certificate"]
    assert cert.name == f"too-low_mfa_0.05_{r['seed']}.txt"  # budget: one file per run
    state, rest = cert.read_text().splitlines()
    x = np.array([int(c) for c in state], dtype=np.uint8)
    assert float(rest.split()[1]) == pytest.approx(inst.model.energy(x))
    assert inst.model.energy(x) == pytest.approx(r["objective"])
    [listed] = run.summary["beats_best_known"]
    assert listed["instance"] == "too-low" and listed["certificate"] == str(
        Path("certificates") / cert.name
    )
    with (tmp_path / "records.csv").open(newline="") as fh:
        rows = {row["instance"]: row for row in csv.DictReader(fh)}
    assert rows["too-low"]["beats_best_known"] == "True"


class Growing(peers.Adapter):
    """More ones the longer the budget (``H = -sum n_i`` below: better with time)."""

    name = "growing"

    def run(self, instance: Instance, budget_s: float, seed: int) -> peers.RunOutcome:
        x = np.zeros(instance.n, dtype=np.uint8)
        x[: 4 if budget_s < 0.03 else 5] = 1
        return peers.RunOutcome(instance.model.energy(x), x, budget_s)


def test_each_run_that_beats_the_best_known_value_keeps_its_own_certificate(
    tmp_path: Path,
) -> None:
    # the same seed runs at every budget: one certificate per seed was overwritten by the
    # next budget's state, so a row's certificate showed another run's objective
    stale = Instance("stale", isingeq.SpinGlass(np.eye(6)), "min", best_known=-3.0)
    plan = _plan([stale], ["growing"], budgets=[0.02, 0.04])
    run = bench.run_bench(plan, tmp_path, adapters={"growing": Growing()})
    rows = [r for r in run.records if r["beats_best_known"]]
    assert len(rows) == 2 and {r["objective"] for r in rows} == {-4.0, -5.0}
    certs = {json.loads(r["detail"])["certificate"] for r in rows}
    assert len(certs) == 2
    for r in rows:
        state, rest = (tmp_path / json.loads(r["detail"])["certificate"]).read_text().splitlines()
        x = np.array([int(c) for c in state], dtype=np.uint8)
        assert stale.objective(x) == r["objective"] == float(rest.split()[1])


# ---------------------------------------------------------------------------- MindQuantum


@pytest.mark.parametrize("name", ["mq-bsb", "mq-dsb"])
def test_mindquantum_adapters(name: str, tmp_path: Path) -> None:
    pytest.importorskip("mindquantum.algorithm.qaia")
    a = peers.adapter(name)
    assert a.available() is None and not a.default
    inst = _paper(20, 3)
    a.prepare(inst)
    a.calibrate(inst, 0.2)
    out = a.run(inst, 0.2, 7)
    assert out.best_sample.shape == (20,) and set(np.unique(out.best_sample)) <= {0, 1}
    assert out.best_energy == pytest.approx(inst.model.energy(out.best_sample))
    assert out.best_energy >= inst.best_known - 1e-9
    assert out.best_energy <= inst.best_known + 0.2 * abs(inst.best_known)  # it does anneal
    assert out.extra["calibration_trials"]
    # the same seed gives the same state (no global generator)
    again = peers.adapter(name)
    again.prepare(inst)
    st = again.prepare(inst)
    X1 = again._solve(st, 4, 50, None, 11)
    X2 = again._solve(st, 4, 50, None, 11)
    np.testing.assert_array_equal(X1, X2)


def test_optional_adapters_are_not_in_the_default_list() -> None:
    runnable, skipped = bench.select_solvers(None)
    assert "mq-bsb" not in runnable and "mq-bsb" not in skipped


def test_a_peer_that_cannot_fit_is_recorded_over_budget_without_running() -> None:
    """A known fixed cost above the band: the run is not made (it would take minutes on big
    graphs) and the record says why; it is left out of the means."""

    class Slow(peers.Adapter):
        name = "slow"

        def cannot_fit(self, instance: Instance, budget_s: float) -> str | None:
            return "its fixed cost per call is 5 s"

        def run(self, instance: Instance, budget_s: float, seed: int) -> peers.RunOutcome:
            raise AssertionError("must not run")

    inst = isingeq.resolve("paper-6")
    row, _ = bench._one_run(inst, Slow(), "slow", 0.01, 0, 1, float("nan"))
    assert row["status"] == "over budget: its fixed cost per call is 5 s (not run)"
    assert np.isnan(row["objective"])  # nothing to average


def test_sb_and_tabu_convert_the_model_once_untimed_not_in_every_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # sb.minimize rebuilt sb's Ising model on every timed call (0.24 s of 0.29 s on G22) and
    # TabuSampler its dense QUBO matrix: both are set-up, as OpenJij's model is
    from isingeq.experiments import peers

    inst = Instance("paper-30", isingeq.paper_instance(30, rng=1), "min")
    for name, owner, attr in (
        ("sb", "simulated_bifurcation.core.QuadraticPolynomial", "to_ising"),
        ("dwave-tabu", "dwave.samplers.TabuSampler", "_bqm_to_tabu_qubo"),
    ):
        a = peers.adapter(name)
        if a.available() is not None:
            pytest.skip(a.available())
        a.prepare(inst)
        a.calibrate(inst, 0.05)
        module, cls = owner.rsplit(".", 1)
        target = getattr(__import__(module, fromlist=[cls]), cls)

        def converted(*args: object, **kwargs: object) -> None:
            raise AssertionError("the model was converted inside a timed run")

        with monkeypatch.context() as m:
            m.setattr(target, attr, converted)
            out = a.run(inst, 0.05, 3)
        assert out.best_energy == pytest.approx(inst.model.energy(out.best_sample), abs=1e-9)


def test_sb_fits_its_pressure_ramp_to_a_short_run_and_restores_the_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from isingeq.experiments import peers

    a = peers.adapter("sb")
    if a.available() is not None:
        pytest.skip(a.available())
    import simulated_bifurcation as sb
    from simulated_bifurcation.core import Ising

    inst = Instance("paper-30", isingeq.paper_instance(30, rng=1), "min")
    st = a.prepare(inst)
    seen: list[tuple[int, float]] = []
    real = Ising.minimize

    def spy(self: Ising, **kwargs: object) -> object:
        env = sb.get_env()
        seen.append((int(kwargs["max_steps"]), env["time_step"] * env["pressure_slope"]))  # type: ignore[call-overload]
        return real(self, **kwargs)

    before = sb.get_env()
    monkeypatch.setattr(Ising, "minimize", spy)
    a._solve(st, 8, 250, None, 0)  # type: ignore[attr-defined]
    a._solve(st, 8, 2000, None, 0)  # type: ignore[attr-defined]
    assert seen[0] == (250, pytest.approx(1 / 250))  # the ramp ends at the last step
    assert seen[1] == (2000, pytest.approx(1 / 1000))  # long runs: sb's own ramp
    assert sb.get_env() == before
