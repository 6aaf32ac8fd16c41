"""``isingeq perceptron`` and ``isingeq analyze`` through the CLI (moved from the old test files)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from isingeq.cli import app


def test_analyze_cli_writes_table_and_outputs(tmp_path: Path) -> None:
    out = tmp_path
    res = CliRunner().invoke(
        app, ["analyze", "--sizes", "3,5", "--trials", "6", "--out", str(out), "--json"]
    )
    assert res.exit_code == 0, res.output
    assert (out / "records.csv").exists() and (out / "analyze.png").exists()
    summary = json.loads(res.stdout)
    assert [r["n"] for r in summary] == [3, 5]
    for r in summary:
        assert r["mean_solutions"] >= 1 and 0 <= r["unique_fraction"] <= 1
        assert 0 < r["mean_basin"] <= 1
    bad = CliRunner().invoke(app, ["analyze", "--sizes", "3,x", "--out", str(out)])
    assert bad.exit_code == 2


def test_cli_json_and_outputs(tmp_path: Path) -> None:
    out = tmp_path / "res"
    args = ["perceptron", "--sizes", "3", "--ts", "0.5,2", "--instances", "2"]
    res = CliRunner().invoke(app, [*args, "--samples", "200,2000", "--out", str(out), "--json"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    assert set(summary) == {"config", "mean_field", "fixed_points", "reconstruction"}
    assert [(r["n"], r["t"]) for r in summary["mean_field"]] == [(3, 0.5), (3, 2.0)]
    assert {r["samples"] for r in summary["reconstruction"]} == {200, 2000}
    assert (out / "summary.json").exists() and (out / "reconstruction.png").exists()
    table = CliRunner().invoke(app, [*args, "--samples", "200", "--out", str(out)])
    assert table.exit_code == 0, table.output
    assert "mean-field error" in table.stdout and "pseudolikelihood" in table.stdout


@pytest.mark.parametrize(
    "bad",
    [["--sizes", "3,x"], ["--ts", "1,nan"], ["--samples", "5"], ["--instances", "0"]],
)
def test_cli_bad_input_is_one_line_and_exit_2(bad: list[str], tmp_path: Path) -> None:
    out = tmp_path / "never"
    res = CliRunner().invoke(app, ["perceptron", *bad, "--out", str(out)])
    assert res.exit_code == 2
    assert "Traceback" not in res.output and res.output.strip().startswith("error:")
    assert not out.exists()  # validated before any work or file


@pytest.mark.parametrize("count", ["0", "5"])
def test_cli_too_few_samples_say_the_same_bound(count: str, tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["perceptron", "--samples", count, "--out", str(tmp_path / "x")])
    assert res.exit_code == 2
    assert f"`--samples` must be >= 11 (fitting n=10 nodes needs n + 1 samples); got {count}" in (
        " ".join(res.output.split())
    )
