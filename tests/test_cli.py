from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

import isingeq
from isingeq.cli import app
from isingeq.instances import parse_random_spec, random_model

from .conftest import all_states, brute_energies

runner = CliRunner()


def test_reproduce_json(tmp_path: Path) -> None:
    out = tmp_path / "r"
    res = runner.invoke(
        app,
        [
            "reproduce",
            "--sizes",
            "4,5",
            "--trials",
            "3",
            "--seed",
            "2",
            "--out",
            str(out),
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert {(r["n"], r["method"]) for r in rows} >= {
        (4, "exact"),
        (5, "scipy-root"),
        (5, "scipy-root:mode=continuation"),
    }
    for r in rows:
        assert set(r) == {
            "n",
            "method",
            "trials",
            "correct_rate",
            "energy_ratio",
            "gs_hit_rate",
            "mean_time_s",
        }
        assert 0.0 <= r["correct_rate"] <= 1.0 and 0.0 <= r["gs_hit_rate"] <= 1.0
    assert (
        (out / "records.csv").exists()
        and (out / "summary.json").exists()
        and (out / "reproduce.png").exists()
    )


def test_reproduce_table_shows_the_paper_rows(tmp_path: Path) -> None:
    res = runner.invoke(
        app,
        [
            "reproduce",
            "--sizes",
            "6",
            "--trials",
            "2",
            "--methods",
            "scipy-root:mode=continuation;num_t=8",
            "--out",
            str(tmp_path),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "paper (SciPy, as published)" in res.stdout
    assert "99.50 %" in res.stdout and "99.96 %" in res.stdout
    assert "scipy-root:mode=continuation;num_t=8" in res.stdout


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["--sizes", "6,x"], "`--sizes` must be a comma-separated list of integers; got '6,x'"),
        (["--sizes", "0"], "`sizes` must be >= 1; got 0"),
        (["--trials", "0"], "`trials` must be >= 1; got 0"),
        (["--methods", "foo"], "unknown method 'foo'"),
        (["--methods", "scipy-root:bogus=1"], "unknown option(s) 'bogus'"),
        (["--methods", "scipy-root:mode=fast"], "`mode` must be 'plain' or 'continuation'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, args: list[str], match: str) -> None:
    res = runner.invoke(
        app, ["reproduce", "--trials", "1", "--sizes", "4", "--out", str(tmp_path), *args]
    )
    assert res.exit_code == 2
    assert match in res.stderr
    assert "Traceback" not in res.output
    assert len(res.stderr.strip().splitlines()) == 1


def test_methods_lists_the_registry() -> None:
    res = runner.invoke(app, ["methods"])
    assert res.exit_code == 0
    assert "exact" in res.stdout and "scipy-root" in res.stdout


# ---------------------------------------------------------------- isingeq solve


def _solve_json(*args: str) -> dict[str, Any]:
    res = runner.invoke(app, ["solve", *args, "--json"])
    assert res.exit_code == 0, res.output
    assert res.stderr == ""  # the spinner is transient and stays off a non-terminal stderr
    return json.loads(res.stdout)


def _cli_model(spec: str, seed: int) -> isingeq.SpinGlass:
    """The model `isingeq solve --random spec --seed seed` solves (first SeedSequence child)."""
    return random_model(spec, np.random.SeedSequence(seed).spawn(2)[0])


def test_solve_json_reports_a_consistent_best_state() -> None:
    d = _solve_json("--random", "paper:30", "--method", "scipy-root", "--seed", "3")
    assert {
        "best_energy",
        "time_s",
        "n",
        "method",
        "best_sample",
        "seed",
        "instance",
        "info",
        "options",
        "num_reads",
        "energies",
    } <= set(d)
    assert (d["n"], d["method"], d["seed"], d["instance"]) == (30, "scipy-root", 3, "paper:30")
    assert d["time_s"] > 0 and d["info"]["time_ns"] > 0
    model = _cli_model("paper:30", 3)
    assert len(d["best_sample"]) == 30 and set(d["best_sample"]) <= {0, 1}
    assert model.energy(d["best_sample"]) == pytest.approx(d["best_energy"], abs=1e-12)
    assert d["best_energy"] == min(d["energies"])


def test_solve_exact_on_paper_8_finds_the_ground_state() -> None:
    d = _solve_json("--random", "paper:8", "--method", "exact", "--seed", "5")
    model = _cli_model("paper:8", 5)
    brute = brute_energies(model.eps, all_states(8))
    assert d["best_energy"] == pytest.approx(brute.min(), abs=1e-12)
    assert model.energy(d["best_sample"]) == pytest.approx(brute.min(), abs=1e-12)


def test_solve_sk_instance() -> None:
    d = _solve_json("--random", "sk:10", "--method", "exact", "--seed", "1")
    model = _cli_model("sk:10", 1)
    assert d["n"] == 10 and d["instance"] == "sk:10"
    assert d["best_energy"] == pytest.approx(isingeq.solve(model, method="exact").best_energy)
    # an sk instance is not the paper instance drawn from the same seed
    assert not np.allclose(model.eps, _cli_model("paper:10", 1).eps)


def test_solve_seed_is_reproducible_and_matters() -> None:
    args = ("--random", "paper:40", "--method", "scipy-root", "--num-reads", "3")
    a = _solve_json(*args, "--seed", "7")
    b = _solve_json(*args, "--seed", "7")
    c = _solve_json(*args, "--seed", "8")
    assert a["energies"] == b["energies"] and a["best_sample"] == b["best_sample"]
    assert a["energies"] != c["energies"]


def test_solve_passes_method_options() -> None:
    d = _solve_json(
        "--random",
        "paper:12",
        "--method",
        "scipy-root:mode=continuation",
        "-o",
        "num_t=8",
        "--option",
        "t_end=2e3",
        "--num-reads",
        "2",
    )
    assert d["options"] == {"mode": "continuation", "num_t": 8, "t_end": 2000.0, "num_reads": 2}
    assert d["num_reads"] == 2 and len(d["energies"]) == 2
    direct = isingeq.solve(
        _cli_model("paper:12", 0),
        method="scipy-root",
        rng=np.random.SeedSequence(0).spawn(2)[1],
        mode="continuation",
        num_t=8,
        t_end=2000.0,
        num_reads=2,
    )
    assert d["energies"] == direct.energies.tolist()


def test_solve_default_method() -> None:
    d = _solve_json("--random", "paper:10", "--time-limit", "0.2")
    assert d["method"] == "mfa-async"


SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
needs_data = pytest.mark.skipif(not SHARED.is_dir(), reason="shared/data is not beside the repo")


@needs_data
def test_solve_a_named_instance_reports_its_objective_and_gap() -> None:
    d = _solve_json("--instance", "G1", "--data-dir", str(SHARED), "--time-limit", "0.3")
    assert d["method"] == "mfa-async"  # the default
    inst = isingeq.datasets.load("G1", SHARED)
    x = np.array(d["best_sample"], dtype=np.uint8)
    assert d["objective"] == inst.objective(x) == -d["best_energy"]  # H = -cut
    assert (d["sense"], d["best_known"]) == ("max", 11624.0)
    assert d["gap"] == pytest.approx((11624.0 - d["objective"]) / 11624.0)
    assert 0.0 <= d["gap"] < 0.01


@needs_data
def test_solve_a_file_and_refuse_a_file_of_several_instances(tmp_path: Path) -> None:
    inst = isingeq.datasets.load("bqp250-2", SHARED)
    path = tmp_path / "one.npz"
    isingeq.io.save_npz(inst, path)
    d = _solve_json("--file", str(path), "--method", "greedy")
    x = np.array(d["best_sample"], dtype=np.uint8)
    assert d["objective"] == pytest.approx(inst.objective(x)) and d["sense"] == "max"
    res = runner.invoke(app, ["solve", "--file", str(SHARED / "beasley" / "bqp250.txt")])
    assert res.exit_code == 2
    assert "holds 10 instances (bqp250-1, bqp250-2, bqp250-3, ...)" in res.stderr


def test_solve_out_writes_json_and_prints_a_table(tmp_path: Path) -> None:
    out = tmp_path / "runs" / "solve.json"
    res = runner.invoke(
        app,
        ["solve", "--random", "paper:9", "--method", "exact", "--seed", "2", "--out", str(out)],
    )
    assert res.exit_code == 0, res.output
    d = json.loads(out.read_text())
    assert (d["instance"], d["seed"], d["method"], d["n"]) == ("paper:9", 2, "exact", 9)
    assert d["best_energy"] == pytest.approx(_cli_model("paper:9", 2).energy(d["best_sample"]))
    assert "best energy" in res.stdout and f"{d['best_energy']:.10g}" in res.stdout
    assert str(out) in res.stderr


@pytest.mark.skipif(
    "mfa" not in isingeq.METHODS or "time_limit" not in isingeq.method_options("mfa"),
    reason="needs method 'mfa' with a time_limit option",
)
def test_solve_time_limit_reaches_the_solver() -> None:
    d = _solve_json("--random", "paper:50", "--method", "mfa", "--time-limit", "0.5")
    assert d["options"] == {"time_limit": 0.5}
    assert _cli_model("paper:50", 0).energy(d["best_sample"]) == pytest.approx(d["best_energy"])


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (
            ["--random", "paper:x"],
            "`--random` must look like 'paper:N' or 'sk:N' with N >= 1; got 'paper:x'",
        ),
        (["--random", "paper:0"], "with N >= 1; got 'paper:0'"),
        (["--random", "gset:10"], "got 'gset:10'"),
        (["--random", "paper:8", "--method", "foo"], "unknown method 'foo'"),
        (
            ["--random", "paper:8", "--method", "exact", "-o", "bogus=1"],
            "method 'exact' has no option 'bogus'",
        ),
        (
            ["--random", "paper:8", "--method", "scipy-root:bogus=1"],
            "unknown option(s) 'bogus'",
        ),
        (
            ["--random", "paper:8", "--method", "exact", "-o", "t"],
            "`--option` must look like key=value; got 't'",
        ),
        (
            ["--random", "paper:8", "--method", "exact", "--time-limit", "1"],
            "method 'exact' has no time limit option",
        ),
        (
            ["--random", "paper:8", "--method", "exact", "--num-reads", "2"],
            "method 'exact' has no num reads option",
        ),
        (
            ["--random", "paper:8", "--method", "scipy-root", "--num-reads", "0"],
            "`--num-reads` must be >= 1; got 0",
        ),
        (
            ["--random", "paper:8", "--method", "scipy-root:mode=continuation", "-o", "mode=plain"],
            "option 'mode' is given twice",
        ),
        (
            ["--random", "paper:8", "--method", "scipy-root", "-o", "mode=fast"],
            "`mode` must be 'plain' or 'continuation'",
        ),
        (["--random", "paper:40", "--method", "exact"], "n=40 is too large for method 'exact'"),
        (["--random", "paper:8", "--seed", "-1"], "`--seed` must be >= 0; got -1"),
        ([], "give exactly one of --random, --instance or --file; got none"),
        (["--random", "paper:8", "--file", "x.txt"], "got --random, --file"),
        (["--file", "no/such/file.txt"], "`--file` 'no/such/file.txt' does not exist"),
        (["--random", "paper:10000000"], "is a dense 10000000 x 10000000 model that needs"),
        (["--instance", "paper-5,paper-6"], "names 2 instances (paper-5, paper-6); give one name"),
    ],
)
def test_solve_bad_input_is_one_line_and_exit_2(args: list[str], match: str) -> None:
    res = runner.invoke(app, ["solve", *args])
    assert res.exit_code == 2, res.output
    assert match in res.stderr
    assert "Traceback" not in res.output
    assert len(res.stderr.strip().splitlines()) == 1
    assert res.stdout == ""


def test_solve_out_must_not_be_a_folder(tmp_path: Path) -> None:
    res = runner.invoke(app, ["solve", "--random", "paper:4", "--out", str(tmp_path)])
    assert res.exit_code == 2
    assert "`--out` must be a file path" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


def test_random_model_matches_the_generators() -> None:
    assert parse_random_spec(" sk: 12 ") == ("sk", 12)
    a = random_model("paper:6", rng=4)
    assert np.array_equal(a.eps, isingeq.paper_instance(6, rng=4).eps)
    with pytest.raises(ValueError, match="`spec` must look like"):
        random_model("paper:-3")
    with pytest.raises(TypeError, match="must be a string"):
        random_model(12)  # type: ignore[arg-type]
