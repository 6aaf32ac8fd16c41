"""``isingeq bench`` on the command line: the equal-CPU option, the tuning split, budget use."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from isingeq.cli import app

runner = CliRunner()


def test_cli_threads_caption_and_a_better_value_are_shown(tmp_path: Path) -> None:
    args = ["bench", "--instance", "paper-12", "--solvers", "mfa,greedy", "--budgets", "0.02"]
    res = runner.invoke(app, [*args, "--repeats", "1", "--threads", "1", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert "equal CPU: every solver on 1 thread" in res.stdout
    assert "not tuned on" in res.stdout and "budget" in res.stdout
    bad = runner.invoke(app, [*args, "--threads", "0", "--out", str(tmp_path / "x")])
    assert bad.exit_code == 2 and "`--threads` must be >= 1; got 0" in bad.stderr


@pytest.mark.parametrize(
    ("flag", "value", "match"),
    [
        ("--repeats", "0", "`--repeats` must be >= 1; got 0"),
        ("--seed", "-1", "`--seed` must be >= 0; got -1"),
        ("--target", "2", "`--target` must be <= 1; got 2"),
        ("--budgets", "0.1,-1", "`--budgets` must be > 0; got -1"),
    ],
)
def test_cli_errors_name_the_flag(tmp_path: Path, flag: str, value: str, match: str) -> None:
    # they named make_plan's parameters (`repeats`), unlike solve's and analyze's errors
    args = ["bench", "--instance", "paper-10", "--solvers", "greedy", "--budgets", "0.02"]
    res = runner.invoke(app, [*args, flag, value, "--out", str(tmp_path / "o")])
    assert res.exit_code == 2, res.output
    assert res.stderr == f"error: {match}\n"
    assert not (tmp_path / "o").exists()


def test_cli_json_summary_has_the_fairness_keys(tmp_path: Path) -> None:
    args = ["bench", "--instance", "paper-10", "--solvers", "greedy", "--budgets", "0.02"]
    res = runner.invoke(app, [*args, "--repeats", "1", "--json", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    s = json.loads(res.stdout)
    assert s["config"]["threads"] is None
    assert s["config"]["comparison"].startswith("isingeq on all cores")
    row = s["by_solver_budget"][0]
    for key in (
        "best_or_tied",
        "mean_cpu_s",
        "mean_budget_use",
        "under_budget_band",
        "over_budget_band",
        "over_budget",
    ):
        assert key in row
    assert [r["split"] for r in s["by_split"]] == ["not tuned on"]
    assert s["by_family"] == [] and s["beats_best_known"] == []


BASE = ["bench", "--instance", "paper-8", "--solvers", "greedy", "--budgets", "0.01"]


def _bench(out: Path, *args: str) -> Any:
    return runner.invoke(app, [*BASE, "--repeats", "1", "--no-plots", "--out", str(out), *args])


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines()


def test_fresh_is_the_default_and_resume_keeps_the_finished_runs(tmp_path: Path) -> None:
    # bench resumed whatever was in --out, unlike reproduce, analyze and perceptron, whose
    # --resume/--fresh (default) it now has
    first = _bench(tmp_path)
    assert first.exit_code == 0, first.output
    records = tmp_path / "records.csv"
    assert len(_lines(records)) == 2
    again = _bench(tmp_path)
    assert again.exit_code == 0, again.output
    assert "1 new runs, 0 resumed" in again.stderr and "resuming" not in again.stderr
    assert len(_lines(records)) == 2  # started anew, not appended to
    row = _lines(records)[1]
    resumed = _bench(tmp_path, "--resume")
    assert resumed.exit_code == 0, resumed.output
    assert "resuming: 1 of 1 runs" in resumed.stderr
    assert "0 new runs, 1 resumed" in resumed.stderr
    assert _lines(records) == [_lines(records)[0], row]  # kept, not run again
    fresh = _bench(tmp_path, "--fresh")
    assert fresh.exit_code == 0 and "1 new runs, 0 resumed" in fresh.stderr


def test_resume_refuses_records_of_another_seed_naming_it(tmp_path: Path) -> None:
    # another --seed has other run seeds: nothing was resumed, and its rows sat in the file
    # beside this run's; reproduce refuses such a resume, and so does bench now
    assert _bench(tmp_path, "--seed", "3").exit_code == 0
    before = (tmp_path / "records.csv").read_bytes()
    res = _bench(tmp_path, "--seed", "4", "--resume")
    assert res.exit_code == 2, res.output
    assert "records made with --seed 3 (this run: 4)" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    assert (tmp_path / "records.csv").read_bytes() == before
    assert _bench(tmp_path, "--seed", "4", "--fresh").exit_code == 0  # starts anew


def test_resume_keeps_runs_outside_the_plan_in_the_file_and_says_so(tmp_path: Path) -> None:
    # other solvers, budgets or instances are kept (never dropped) and left out of the summary
    assert _bench(tmp_path).exit_code == 0
    args = [*BASE[:4], "mfa", "--budgets", "0.02", "--repeats", "1", "--no-plots", "--json"]
    res = runner.invoke(app, [*args, "--out", str(tmp_path), "--resume"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    assert summary["config"]["solvers"] == ["mfa"]
    solvers = [line.split(",")[4] for line in _lines(tmp_path / "records.csv")[1:]]
    assert sorted(solvers) == ["greedy", "mfa"]
    said = " ".join(res.stderr.split())
    assert "also holds 1 runs outside this plan" in said and "left out of the summary" in said


def test_resume_help_reads_as_reproduce_s() -> None:
    def resume_help(command: str) -> str:
        res = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"})
        text = " ".join(res.stdout.replace("│", " ").split())
        return text.split("--resume --fresh ", 1)[1].split(" [default: fresh]")[0]

    bench_help, reproduce_help = resume_help("bench"), resume_help("reproduce")
    for text in (bench_help, reproduce_help):
        assert text.startswith("Keep the ") and "in --out's records.csv and run the " in text
        assert "refused when they were made with another --seed" in text
        assert "--fresh (default) starts the file anew" in text


# --- the review's five defects: --format, the listing of names, repeats, metavars, --fresh ---


def _edge(tmp_path: Path) -> Path:
    path = tmp_path / "edge.dat"  # a Gset file under a name that does not tell its format
    path.write_text("3 2\n1 2 1\n2 3 1\n")
    return path


def test_format_reads_the_file_files_whose_name_does_not_tell_it(tmp_path: Path) -> None:
    # the reader's error says "pass format= (--format in the CLI)", and bench had no --format
    path = _edge(tmp_path)
    args = ["bench", "--file", str(path), "--solvers", "greedy", "--budgets", "0.02"]
    args += ["--repeats", "1", "--no-plots", "--json"]
    bare = runner.invoke(app, [*args, "--out", str(tmp_path / "a")])
    assert bare.exit_code == 2 and "--format" in bare.stderr
    res = runner.invoke(app, [*args, "--format", "gset", "--out", str(tmp_path / "b")])
    assert res.exit_code == 0, res.output
    assert [r["instance"] for r in json.loads(res.stdout)["instances"]] == ["edge.dat"]


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["--instance", "paper-6"], "`--format` applies to the `--file` files; got 'gset'"),
        (["--file", "FILE"], "`--format` must be one of ['beasley', 'biqmac', 'coo', 'gset'"),
    ],
)
def test_format_is_never_ignored(tmp_path: Path, args: list[str], match: str) -> None:
    args = [str(_edge(tmp_path)) if a == "FILE" else a for a in args]
    fmt = "gset" if "--instance" in args else "gsett"
    res = runner.invoke(app, ["bench", *args, "--format", fmt, "--out", str(tmp_path / "o")])
    assert res.exit_code == 2, res.output
    assert res.stderr.startswith(f"error: {match}") and len(res.stderr.splitlines()) == 1
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("command", [["bench", "--solvers", "greedy"], ["solve"]])
def test_an_unknown_name_points_to_the_cli_listing(tmp_path: Path, command: list[str]) -> None:
    # it said "(isingeq.datasets.names() lists the names)", a Python call, to CLI users
    res = runner.invoke(app, [*command, "--instance", "G999", "--out", str(tmp_path / "o")])
    assert res.exit_code == 2, res.output
    assert "(`isingeq instances` lists the names)" in res.stderr
    assert "datasets.names()" not in res.stderr


def test_instances_lists_the_names_the_families_and_the_suites() -> None:
    res = runner.invoke(app, ["instances"], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    for text in ("gset", "G1", "G81", "beasley", "bqp250-3", "chimera", "gset-800", "paper-N"):
        assert text in res.stdout
    one = runner.invoke(app, ["instances", "--family", "gset"], env={"COLUMNS": "200"})
    assert one.exit_code == 0, one.output
    assert "G43" in one.stdout and "bqp250-3" not in one.stdout
    bad = runner.invoke(app, ["instances", "--family", "gsett"])
    assert bad.exit_code == 2
    assert bad.stderr.startswith("error: unknown `--family` 'gsett' (did you mean 'gset'?)")


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["--solvers", "greedy,greedy"], "`--solvers` lists ['greedy'] more than once"),
        (["--budgets", "0.02,0.1,0.02"], "`--budgets` lists [0.02] more than once"),
        (["--budgets", "0.1,0.10"], "`--budgets` lists [0.1] more than once"),
        (["--instance", "paper-6,paper-6"], "`--instance` lists ['paper-6'] more than once"),
        (["--instance", "paper-6", "--instance", "paper-6"], "`--instance` lists ['paper-6']"),
        (["--suite", "paper-6", "--suite", "paper-6"], "`--suite` lists ['paper-6'] more than"),
        (["--file", "FILE", "--file", "FILE"], "`--file` lists ['FILE'] more than once"),
    ],
)
def test_repeats_are_refused_as_reproduce_refuses_them(
    tmp_path: Path, args: list[str], match: str
) -> None:
    # bench dropped them silently; reproduce refuses `--methods greedy,greedy`
    path = str(_edge(tmp_path).with_suffix(".gset").resolve())
    _edge(tmp_path).rename(path)
    args = [path if a == "FILE" else a for a in args]
    base = ["bench", "--out", str(tmp_path / "o"), "--repeats", "1", "--no-plots"]
    if "--solvers" not in args:
        base += ["--solvers", "greedy"]
    if not any(a in ("--suite", "--instance", "--file") for a in args):
        base += ["--instance", "paper-6"]
    res = runner.invoke(app, [*base, *args])
    assert res.exit_code == 2, res.output
    assert res.stderr.startswith(f"error: {match.replace('FILE', path)}")
    assert "give each once" in res.stderr and len(res.stderr.splitlines()) == 1
    assert not (tmp_path / "o").exists()


def test_one_instance_named_two_ways_is_still_run_once(tmp_path: Path) -> None:
    # paper-6 is paper-6@0: resolve_many merges them, as it merges a suite's and a name's G1
    res = _bench(tmp_path, "--instance", "paper-6", "--instance", "paper-6@0", "--suite", "paper-6")
    assert res.exit_code == 0, res.output
    assert sorted({line.split(",")[0] for line in _lines(tmp_path / "records.csv")[1:]}) == [
        "paper-6",
        "paper-8",
    ]


def test_bench_list_options_show_a_metavar_not_a_python_type() -> None:
    res = runner.invoke(app, ["bench", "--help"], env={"COLUMNS": "200"})
    rows = {
        line.strip("│ ").split()[0]: line.strip("│ ").split()
        for line in res.stdout.splitlines()
        if line.strip("│ ").startswith("--")
    }
    assert rows["--suite"][1] == "SUITE" and rows["--file"][1] == "PATH"
    assert rows["--format"][1] == "<str>"


def test_fresh_removes_the_earlier_run_s_certificates_and_plots_only(tmp_path: Path) -> None:
    # --fresh started records.csv anew but left the old run's certificates/ and PNGs beside it
    assert _bench(tmp_path).exit_code == 0
    stale = [tmp_path / "bench_paper-8.png", tmp_path / "performance_profile.png"]
    stale.append(tmp_path / "ttt_ecdf.png")
    # a user's files, some named like ours (no record of the earlier run names them)
    mine = [tmp_path / "notes.txt", tmp_path / "figure.png", tmp_path / "certificates" / "a.md"]
    mine += [tmp_path / "bench_G1.png", tmp_path / "certificates" / "G1_mfa_1_123.txt"]
    (tmp_path / "certificates").mkdir()
    for path in [*stale, *mine]:
        path.write_bytes(b"x")
    resumed = _bench(tmp_path, "--resume")
    assert resumed.exit_code == 0, resumed.output
    assert all(p.exists() for p in [*stale, *mine])  # a resume keeps the earlier outputs
    fresh = _bench(tmp_path)
    assert fresh.exit_code == 0, fresh.output
    assert not any(p.exists() for p in stale)
    assert all(p.read_bytes() == b"x" for p in mine)  # never anything the bench did not write
