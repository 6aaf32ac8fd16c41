"""``isingeq bench`` on the command line: the equal-CPU option, the tuning split, budget use."""

from __future__ import annotations

import json
from pathlib import Path

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
