from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from isingeq.cli import app

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
