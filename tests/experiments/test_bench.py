"""``isingeq bench``: records, failures, skipped peers, resume, outputs, time to target, CLI."""

from __future__ import annotations

import csv
import dataclasses
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

import isingeq
from isingeq import Instance, datasets, io
from isingeq.cli import app
from isingeq.experiments import bench, peers

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
runner = CliRunner()


def _paper(n: int, seed: int = 0, name: str | None = None) -> Instance:
    m = isingeq.paper_instance(n, rng=seed)
    best = isingeq.solve(m, method="exact").best_energy
    return Instance(name or f"paper-{n}", m, "min", best_known=best)


def _plan(instances: list[Instance], solvers: list[str], **kw: Any) -> bench.BenchPlan:
    kw.setdefault("budgets", [0.02])
    kw.setdefault("repeats", 2)
    return bench.BenchPlan(instances=instances, solvers=solvers, **kw)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


class Flaky(peers.Adapter):
    """Raises on the instance named "bad"; otherwise a random state."""

    name = "flaky"

    def run(self, instance: Instance, budget_s: float, seed: int) -> peers.RunOutcome:
        if instance.name == "bad":
            raise RuntimeError("boom\non two lines")
        x = np.random.default_rng(seed).integers(0, 2, instance.n).astype(np.uint8)
        return peers.RunOutcome(instance.model.energy(x), x, 0.0)


class BadState(peers.Adapter):
    name = "bad-state"

    def run(self, instance: Instance, budget_s: float, seed: int) -> peers.RunOutcome:
        return peers.RunOutcome(0.0, np.full(instance.n, 2, dtype=np.uint8), 0.0)


class Ghost(peers.Adapter):
    name = "ghost"
    requires = (("isingeq_no_such_module", "ghost-lib"),)


class Interrupting(peers.Adapter):
    name = "interrupting"

    def run(self, instance: Instance, budget_s: float, seed: int) -> peers.RunOutcome:
        if instance.name == "stop":
            raise KeyboardInterrupt
        x = np.zeros(instance.n, dtype=np.uint8)
        return peers.RunOutcome(instance.model.energy(x), x, 0.0)


@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch) -> None:
    for cls in (Flaky, BadState, Ghost, Interrupting):
        monkeypatch.setitem(peers.ADAPTERS, cls.name, cls)


def test_records_hold_recomputed_objectives_gaps_and_seeds(tmp_path: Path) -> None:
    inst = _paper(12)
    plan = _plan([inst], ["mfa", "greedy"], budgets=[0.02, 0.04])
    run = bench.run_bench(plan, tmp_path)
    assert run.complete and run.new == 2 * 2 * 2 and run.resumed == 0
    seeds = {bench.seed_for(0, inst.name, k) for k in range(2)}
    for r in run.records:
        assert r["status"] == "ok"
        assert r["seed"] in seeds
        assert r["objective"] == pytest.approx(inst.objective_of_energy(r["energy"]))
        # an independent gap: the exact ground state is the minimum and H_exact < 0 here
        assert r["gap"] == pytest.approx((r["objective"] - inst.best_known) / -inst.best_known)
        assert r["gap"] >= -1e-12  # never better than the exact ground state
        target = inst.best_known + 0.005 * abs(inst.best_known)
        assert r["reached"] == (r["objective"] <= target + 1e-9)
        assert r["time_s"] > 0
    # the file holds the same rows
    rows = _rows(tmp_path / "records.csv")
    assert [float(r["energy"]) for r in rows] == [r["energy"] for r in run.records]


def test_a_solver_that_crashes_is_recorded_as_failed_and_the_run_goes_on(
    tmp_path: Path, fakes: None
) -> None:
    good, bad = _paper(10, 1, "good"), _paper(10, 2, "bad")
    run = bench.run_bench(_plan([bad, good], ["flaky", "bad-state", "greedy"]), tmp_path)
    assert run.complete
    status = {(r["instance"], r["solver"]): r["status"] for r in run.records}
    assert status[("bad", "flaky")] == "failed: RuntimeError: boom on two lines"
    assert status[("good", "flaky")] == "ok"
    assert status[("good", "bad-state")].startswith("failed: ValueError: `x` must contain only 0")
    assert status[("bad", "greedy")] == status[("good", "greedy")] == "ok"
    by = {(r["solver"], r["budget_s"]): r for r in run.summary["by_solver_budget"]}
    assert by[("flaky", 0.02)]["failed"] == 2 and by[("flaky", 0.02)]["ok"] == 2
    assert by[("bad-state", 0.02)]["mean_gap"] is None


def test_an_unavailable_solver_is_skipped_with_its_reason(tmp_path: Path, fakes: None) -> None:
    runnable, skipped = bench.select_solvers(None)
    assert "ghost" not in runnable
    assert skipped["ghost"] == "ghost-lib is not installed: pip install 'isingeq[bench]'"
    runnable, skipped = bench.select_solvers(["greedy", "ghost"])
    assert runnable == ["greedy"] and list(skipped) == ["ghost"]
    plan = _plan([_paper(8)], runnable, skipped=skipped, explicit=True)
    run = bench.run_bench(plan, tmp_path)
    ghost = [r for r in run.records if r["solver"] == "ghost"]
    assert len(ghost) == 2
    assert all(r["status"] == f"skipped: {skipped['ghost']}" for r in ghost)
    # skipped rows are not finished: a later run tries again (and skips again here)
    again = bench.run_bench(plan, tmp_path)
    assert again.resumed == 2 and again.new == 2


def test_a_default_solver_that_cannot_run_is_shown_as_skipped(tmp_path: Path, fakes: None) -> None:
    # not named by the user, it has no rows: its table rows read like a solver that ran
    # with nothing to report (a gap of "-", 0 failed, 0 over budget)
    from isingeq.cli import render

    runnable, skipped = bench.select_solvers(None)
    assert "ghost" in skipped and "greedy" in runnable
    plan = _plan([_paper(8)], ["greedy"], skipped={"ghost": skipped["ghost"]})
    run = bench.run_bench(plan, tmp_path)
    assert not [r for r in run.records if r["solver"] == "ghost"]
    gaps, runs = render.bench_tables(run.summary)[:2]
    row = list(gaps.columns[0].cells).index("ghost")
    assert list(gaps.columns[1].cells)[row] == "[dim]skipped[/]"
    row = list(runs.columns[0].cells).index("ghost")
    assert {list(c.cells)[row] for c in runs.columns[1:]} == {"[dim]skipped[/]"}


def test_resume_skips_finished_runs_and_redoes_a_cut_line(tmp_path: Path) -> None:
    plan = _plan([_paper(10)], ["greedy"], budgets=[0.01, 0.02])
    first = bench.run_bench(plan, tmp_path)
    assert first.new == 4
    second = bench.run_bench(plan, tmp_path)
    assert (second.new, second.resumed) == (0, 4)
    assert len(_rows(tmp_path / "records.csv")) == 4
    # an interruption mid-write leaves half a line: that run is redone, the rest kept
    path = tmp_path / "records.csv"
    text = path.read_text()
    path.write_text(text[: text.rstrip("\n").rfind("\n") + 30])
    with pytest.warns(UserWarning, match="line 5 was cut short"):
        third = bench.run_bench(plan, tmp_path)
    assert (third.new, third.resumed) == (1, 3)
    assert len(_rows(path)) == 4
    # more repeats: only the new seeds run
    more = bench.run_bench(dataclasses.replace(plan, repeats=3), tmp_path)
    assert (more.new, more.resumed) == (2, 4)


def test_resume_false_starts_the_records_anew(tmp_path: Path) -> None:
    plan = _plan([_paper(10)], ["greedy"], target=0.9999)
    assert bench.run_bench(plan, tmp_path).new == 2
    # not refused under another target: the records are not kept
    fresh = bench.run_bench(dataclasses.replace(plan, target=0.99), tmp_path, resume=False)
    assert (fresh.new, fresh.resumed) == (2, 0)
    assert len(_rows(tmp_path / "records.csv")) == 2
    assert json.loads((tmp_path / "conditions.json").read_text())["target"] == 0.99
    (tmp_path / "records.csv").write_text("a,b\n1,2\n")  # another file is never overwritten
    with pytest.raises(ValueError, match="is not a records file of this experiment"):
        bench.run_bench(plan, tmp_path, resume=False)
    assert (tmp_path / "records.csv").read_text() == "a,b\n1,2\n"


def test_resume_refuses_a_foreign_csv(tmp_path: Path) -> None:
    (tmp_path / "records.csv").write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="is not a records file of this experiment"):
        bench.run_bench(_plan([_paper(6)], ["greedy"]), tmp_path)
    assert (tmp_path / "records.csv").read_text() == "a,b\n1,2\n"  # left as it was


def test_ctrl_c_keeps_the_records_and_summarizes_what_is_done(tmp_path: Path, fakes: None) -> None:
    plan = _plan([_paper(8, 1, "go"), _paper(8, 2, "stop")], ["interrupting"], repeats=1)
    run = bench.run_bench(plan, tmp_path)
    assert not run.complete
    assert [r["instance"] for r in run.records] == ["go"]
    assert run.summary["complete"] is False
    paths = bench.write_outputs(run, tmp_path)
    assert json.loads(paths["summary"].read_text())["complete"] is False


def test_outputs_csv_json_and_png(tmp_path: Path) -> None:
    insts = datasets.resolve_many(["paper-10@1", "paper-30@1"])
    plan = _plan(insts, ["mfa", "greedy"], budgets=[0.01, 0.03])
    run = bench.run_bench(plan, tmp_path)
    paths = bench.write_outputs(run, tmp_path)
    text = paths["summary"].read_text()
    assert "NaN" not in text and "Infinity" not in text
    summary = json.loads(text)
    refs = {r["instance"]: r for r in summary["instances"]}
    assert refs["paper-10@1"]["reference_kind"] == "exact ground state"
    # paper-30 has no best-known value: its gaps are to the best found by any solver
    assert refs["paper-30@1"]["best_known"] is None
    assert refs["paper-30@1"]["reference_kind"] == "best found in this run"
    best30 = min(r["objective"] for r in run.records if r["instance"] == "paper-30@1")
    assert refs["paper-30@1"]["reference"] == pytest.approx(best30)
    assert {(r["solver"], r["budget_s"]) for r in summary["by_solver_budget"]} == {
        (s, b) for s in ("mfa", "greedy") for b in (0.01, 0.03)
    }
    for row in summary["by_solver_budget"]:
        assert 0.0 <= row["mean_best_gap"] <= row["mean_gap"]
        # a run whose one read outlasts a 10 ms budget on a loaded machine is "over budget"
        assert row["runs"] == row["ok"] + row["over_budget"] == 4
    assert sorted(p.name for p in paths["plots"]) == [
        "bench_paper-10_1.png",
        "bench_paper-30_1.png",
        "performance_profile.png",
        "ttt_ecdf.png",
    ]
    for p in paths["plots"]:
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_time_to_target_on_a_small_maxcut_file(tmp_path: Path) -> None:
    # a 14-node weighted max-cut in Gset format; its best cut by exact enumeration
    rng = np.random.default_rng(5)
    edges = [(i, j) for i in range(1, 15) for j in range(i + 1, 15) if rng.random() < 0.4]
    lines = [f"14 {len(edges)}"] + [f"{i} {j} {rng.choice([-1, 1])}" for i, j in edges]
    path = tmp_path / "tiny.txt"
    path.write_text("\n".join(lines) + "\n")
    [inst] = io.read(path)
    exact = isingeq.solve(inst.model, method="exact")
    inst = dataclasses.replace(inst, best_known=float(inst.objective(exact.best_sample)))
    assert inst.sense == "max" and inst.best_known > 0
    plan = _plan([inst], ["mfa", "greedy"], budgets=[0.01, 0.04], ttt=True)
    run = bench.run_bench(plan, tmp_path / "out")
    ttt = [r for r in run.records if r["budget_s"] == bench.TTT]
    assert len(ttt) == 2 * 2
    for r in ttt:
        assert r["status"] == "ok" and r["reached"] is True
        assert r["objective"] >= 0.995 * inst.best_known - 1e-9
        assert 0.0 < r["ttt_s"] <= r["time_s"] + 1e-9
    rows = {r["solver"]: r for r in run.summary["by_instance_solver"]}
    assert rows["mfa"]["ttt_source"] == "ttt runs"
    assert rows["mfa"]["ttt_reached"] == 2 and rows["mfa"]["median_ttt_s"] > 0
    for solver in ("mfa", "greedy"):
        mine = [r for r in ttt if r["solver"] == solver]
        # the total wait covers every try, the ttt only the one that hit
        assert rows[solver]["median_total_s"] == pytest.approx(
            np.median([r["time_s"] for r in mine])
        )
        assert rows[solver]["median_total_s"] >= rows[solver]["median_ttt_s"] - 1e-12


class TargetFails(peers.Adapter):
    """Budget runs work; every time-to-target run raises."""

    name = "target-fails"

    def run(self, instance: Instance, budget_s: float, seed: int) -> peers.RunOutcome:
        x = np.zeros(instance.n, dtype=np.uint8)
        return peers.RunOutcome(instance.model.energy(x), x, budget_s)

    def time_to_target(self, *args: Any, **kw: Any) -> peers.TargetOutcome:
        raise RuntimeError("no target here")


def test_failed_time_to_target_runs_are_counted_not_replaced(tmp_path: Path) -> None:
    # they were counted nowhere, and the table showed a coarse time from the budget runs
    # in their place
    from isingeq.cli import render

    plan = _plan([_paper(8)], ["target-fails"], budgets=[0.01], ttt=True)
    run = bench.run_bench(plan, tmp_path, adapters={"target-fails": TargetFails()})
    ttt = [r for r in run.records if r["budget_s"] == bench.TTT]
    assert [r["status"] for r in ttt] == ["failed: RuntimeError: no target here"] * 2
    [row] = run.summary["by_instance_solver"]
    assert row["ttt_source"] == "ttt runs"
    assert (row["ttt_tries"], row["ttt_reached"], row["ttt_failed"]) == (0, 0, 2)
    assert run.summary["ttt_failed"] == {"target-fails": 2}
    runs_table = render.bench_tables(run.summary)[1]
    assert list(runs_table.columns[-1].cells) == ["[red]2[/]"]


def test_plan_names_instances_through_the_one_resolver(tmp_path: Path) -> None:
    path = tmp_path / "e.txt"
    path.write_text("3 2\n1 2 1\n2 3 1\n")
    plan = bench.make_plan(
        suites=["paper-6,paper-20@2"], names=["paper-6@0"], files=[path], solvers=["greedy"], seed=5
    )
    assert [i.name for i in plan.instances] == ["paper-6", "paper-20@2", "e"]
    # paper-N is paper-N@0 whatever the bench's seed: the model `isingeq solve --instance` gets
    assert np.array_equal(plan.instances[0].model.eps, isingeq.paper_instance(6, rng=0).eps)
    assert plan.instances[0].best_known == pytest.approx(
        isingeq.solve(isingeq.paper_instance(6, rng=0), method="exact").best_energy
    )
    assert np.array_equal(plan.instances[1].model.eps, isingeq.paper_instance(20, rng=2).eps)
    if (DATA / "gset" / "G1.txt").is_file():
        g1 = bench.make_plan(names=["G1"], data_dir=DATA, solvers=["greedy"]).instances[0]
        assert (g1.n, g1.best_known, g1.sense) == (800, 11624.0, "max")
        plan = bench.make_plan(suites=["gset-800"], data_dir=DATA, solvers=["greedy"])
        assert len(plan.instances) == 10


def test_cli_runs_writes_and_resumes(tmp_path: Path) -> None:
    out = tmp_path / "b"
    args = ["bench", "--instance", "paper-12", "--solvers", "mfa,greedy", "--budgets", "0.01"]
    args += ["--repeats", "2", "--out", str(out)]
    res = runner.invoke(app, [*args, "--json"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    assert summary["config"]["solvers"] == ["mfa", "greedy"]
    assert {p.name for p in out.iterdir()} == {
        "records.csv",
        "summary.json",
        "conditions.json",
        "bench_paper-12.png",
        "performance_profile.png",
        "ttt_ecdf.png",
    }
    again = runner.invoke(app, [*args, "--resume"])
    assert again.exit_code == 0, again.output
    assert "resuming: 4 of 4 runs" in again.stderr
    assert "0 new runs, 4 resumed" in again.stderr
    assert "isingeq bench: mean gap" in again.stdout and "greedy" in again.stdout


def test_cli_notes_a_skipped_solver(tmp_path: Path, fakes: None) -> None:
    args = ["bench", "--instance", "paper-8", "--solvers", "greedy,ghost", "--budgets", "0.01"]
    res = runner.invoke(app, [*args, "--repeats", "1", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert "note: skipping ghost: ghost-lib is not installed" in res.stderr


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (
            ["--solvers", "mfa,nope"],
            "unknown solver 'nope'; known solvers: mfa, mfa-async, mfa-hybrid, tabu, greedy",
        ),
        (["--suite", "gset-9"], "unknown suite 'gset-9' (did you mean 'gset'?); known suites:"),
        # these named the library's `spec`, not the flag that gave it
        (["--instance", "G999"], "`--instance` 'G999' is not a known instance"),
        (["--instance", "paper-x"], "`--instance` 'paper-x' must look like 'paper-N'"),
        (["--budgets", "0.1,x"], "`--budgets` must be a comma-separated list of numbers"),
        (["--budgets=0,1"], "`--budgets` must be > 0; got 0"),
        (["--budgets=-1"], "`--budgets` must be > 0; got -1"),
        (["--repeats", "0"], "`--repeats` must be >= 1; got 0"),
        (["--target", "1.5"], "`--target` must be <= 1; got 1.5"),
        (
            ["--file", "/no/such/file.txt"],
            "`--file` '/no/such/file.txt' is a path that does not exist",
        ),
        (["--suite", "paper-0"], "`--suite` 'paper-0' must look like 'paper-N'"),
        (["--data-dir", __file__, "--instance", "G1"], "(`--data-dir`, else $ISINGEQ_DATA) is a"),
        (
            ["--instance", "paper-6", "--suite", "paper-99999999"],
            "error: `--suite / --instance` 'paper-99999999': `n`=99999999 is a dense",
        ),
    ],
)
def test_cli_bad_input_is_one_line_and_exit_2(tmp_path: Path, args: list[str], match: str) -> None:
    base = ["bench", "--out", str(tmp_path / "o"), "--solvers", "greedy", "--repeats", "1"]
    if not any(a.startswith(("--suite", "--instance", "--file")) for a in args):
        base += ["--instance", "paper-6"]
    res = runner.invoke(app, [*base, *args])
    assert res.exit_code == 2, res.output
    assert match in res.stderr
    assert "Traceback" not in res.output
    assert len(res.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()


def test_cli_needs_some_instances(tmp_path: Path) -> None:
    res = runner.invoke(app, ["bench", "--solvers", "greedy", "--out", str(tmp_path)])
    assert res.exit_code == 2
    assert "no instances: give --suite, --instance or --file" in res.stderr
    assert not any(tmp_path.iterdir())


def test_cli_refuses_an_out_that_is_a_file(tmp_path: Path) -> None:
    out = tmp_path / "f"
    out.write_text("x")
    res = runner.invoke(
        app, ["bench", "--instance", "paper-6", "--solvers", "greedy", "--out", str(out)]
    )
    assert res.exit_code == 2 and "`--out` must be a folder" in res.stderr
    assert out.read_text() == "x"


def test_a_resume_under_another_target_or_thread_count_is_refused_and_touches_nothing(
    tmp_path: Path,
) -> None:
    # resumed rows kept their `reached` under the old target (a 0 % target rate for runs that
    # met the new one) and the summary said "1 thread" of runs made on 2
    inst = _paper(10)
    first = bench.run_bench(_plan([inst], ["greedy"], target=0.9999, threads=1), tmp_path)
    assert first.complete
    before = (tmp_path / "records.csv").read_bytes()
    assert json.loads((tmp_path / "conditions.json").read_text()) == {
        "seed": 0,
        "target": 0.9999,
        "threads": 1,
    }
    for kw, said in (
        # another root seed draws other run seeds: nothing was resumed, its rows stayed
        ({"target": 0.9999, "threads": 1, "seed": 5}, r"--seed 0 \(this run: 5\)"),
        ({"target": 0.99, "threads": 1}, r"--target 0\.9999 \(this run: 0\.99\)"),
        ({"target": 0.9999, "threads": 2}, r"--threads 1 \(this run: 2\)"),
        ({"target": 0.9999, "threads": None}, r"--threads 1 \(this run: None\)"),
    ):
        with pytest.raises(ValueError, match=said + r"; resuming would mix them"):
            bench.run_bench(_plan([inst], ["greedy"], **kw), tmp_path)
        assert (tmp_path / "records.csv").read_bytes() == before
    again = bench.run_bench(_plan([inst], ["greedy"], target=0.9999, threads=1), tmp_path)
    assert again.resumed == len(first.records)  # the same conditions resume as before
    # a folder of an older version (no conditions.json) is taken as it is
    (tmp_path / "conditions.json").unlink()
    bench.run_bench(_plan([inst], ["greedy"], target=0.99, threads=1), tmp_path)
    assert json.loads((tmp_path / "conditions.json").read_text())["target"] == 0.99


def test_a_resume_under_another_best_known_value_is_refused_and_touches_nothing(
    tmp_path: Path,
) -> None:
    # resumed rows kept `reached` / `beats_best_known` decided against the old best-known value
    # while the summary's gaps used the new one (an updated table, another data folder)
    inst = _paper(10)
    first = bench.run_bench(_plan([inst], ["greedy"]), tmp_path)
    assert first.complete
    before = (tmp_path / "records.csv").read_bytes()
    moved = dataclasses.replace(inst, best_known=inst.best_known - 1.0)
    with pytest.raises(ValueError, match=r"records of paper-10 scored against best-known -"):
        bench.run_bench(_plan([moved], ["greedy"]), tmp_path)
    assert (tmp_path / "records.csv").read_bytes() == before
    again = bench.run_bench(_plan([inst], ["greedy"]), tmp_path)  # the same value resumes
    assert again.resumed == len(first.records)


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"solvers": ["greedy", "greedy"]}, r"`solvers` lists \['greedy'\] more than once"),
        ({"budgets": [0.1, 1, 0.1]}, r"`budgets` lists \[0.1\] more than once"),
        ({"names": ["paper-6", "sk-6,paper-6"]}, r"`names` lists \['paper-6'\] more than once"),
        ({"suites": ["paper-6,paper-6"]}, r"`suites` lists \['paper-6'\] more than once"),
    ],
)
def test_plan_refuses_a_value_listed_twice(kw: dict[str, Any], match: str) -> None:
    # they were dropped silently; reproduce's check_inputs refuses them
    kw = {"names": ["paper-6"], "solvers": ["greedy"], **kw}
    with pytest.raises(ValueError, match=match + "; give each once"):
        bench.make_plan(**kw)


def test_plan_reads_files_of_a_given_format_and_never_ignores_it(tmp_path: Path) -> None:
    path = tmp_path / "edge.dat"
    path.write_text("3 2\n1 2 1\n2 3 1\n")
    with pytest.raises(ValueError, match="cannot tell the format"):
        bench.make_plan(files=[path], solvers=["greedy"])
    plan = bench.make_plan(names=["paper-6"], files=[path], format="gset", solvers=["greedy"])
    assert [i.name for i in plan.instances] == ["paper-6", "edge.dat"]
    assert plan.instances[1].objective([1, 0, 1]) == 2.0
    with pytest.raises(ValueError, match=r"`format` applies to the `files` files; got 'gset'"):
        bench.make_plan(names=["paper-6"], format="gset", solvers=["greedy"])
    with pytest.raises(ValueError, match=r"`format` must be one of \['beasley'"):
        bench.make_plan(files=[path], format="xyz", solvers=["greedy"])


def test_a_pinned_file_read_with_its_own_format_keeps_its_best_known_value() -> None:
    # --format skipped the table's check: g05_100.0 (the help's example) lost its 1430
    path = DATA / "biqmac" / "rudy" / "g05_100.0"
    if not path.is_file():
        pytest.skip("shared/data is not beside the repository")
    for fmt in (None, "rudy", "gset"):
        plan = bench.make_plan(files=[path], format=fmt, solvers=["greedy"])
        assert [(i.name, i.best_known) for i in plan.instances] == [("g05_100.0", 1430.0)]
    from isingeq import datasets

    assert datasets.resolve(path, format="rudy").best_known == 1430.0


def test_python_users_are_pointed_to_names_and_cli_users_to_the_command() -> None:
    with pytest.raises(ValueError, match=r"\(`isingeq.datasets.names\(\)` lists the names\)"):
        bench.make_plan(names=["G999"], solvers=["greedy"])
    cli = {"isingeq.datasets.names()": "isingeq instances"}
    with pytest.raises(ValueError, match=r"\(`isingeq instances` lists the names\)"):
        bench.make_plan(names=["G999"], solvers=["greedy"], flag_names=cli)


def test_a_fresh_run_removes_the_earlier_run_s_outputs_only(tmp_path: Path) -> None:
    plan = _plan([_paper(6)], ["greedy"], repeats=1)
    bench.run_bench(plan, tmp_path, resume=False)
    stale = ["summary.json", "bench_paper-6.png", "ttt_ecdf.png"]
    # named like ours but not the earlier run's (its records name neither): a user's, kept
    kept = ["notes.txt", "plot.png", "bench_G1.png", "certificates/G1_mfa_1_3.txt"]
    (tmp_path / "certificates").mkdir()
    for name in [*stale, *kept]:
        (tmp_path / name).write_text("x")
    bench.run_bench(plan, tmp_path, resume=True)  # a resume keeps them
    assert all((tmp_path / name).exists() for name in [*stale, *kept])
    bench.run_bench(plan, tmp_path, resume=False)
    assert not any((tmp_path / name).exists() for name in stale)
    assert all((tmp_path / name).read_text() == "x" for name in kept)
    # a certificate goes when a record's detail names it; the folder when that empties it
    (tmp_path / "certificates" / "G1_mfa_1_3.txt").unlink()
    (tmp_path / "certificates" / "old.txt").write_text("x")
    rows = [{"instance": "G9", "detail": '{"certificate": "certificates/old.txt"}'}]
    assert bench.remove_outputs(tmp_path, rows) == [tmp_path / "certificates" / "old.txt"]
    assert not (tmp_path / "certificates").exists()


def test_a_fresh_run_in_a_folder_without_records_removes_nothing(tmp_path: Path) -> None:
    (tmp_path / "bench_mine.png").write_text("x")  # not the bench's: no run was here
    bench.run_bench(_plan([_paper(6)], ["greedy"], repeats=1), tmp_path, resume=False)
    assert (tmp_path / "bench_mine.png").read_text() == "x"
