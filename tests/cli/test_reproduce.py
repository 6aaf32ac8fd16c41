"""``isingeq reproduce`` through the CLI: JSON, the table, errors, nothing half-written."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from isingeq.cli import app

runner = CliRunner()


def test_reproduce_json(tmp_path: Path) -> None:
    out = tmp_path / "r"
    args = ["reproduce", "--sizes", "4,5", "--trials", "3", "--seed", "2", "--out", str(out)]
    res = runner.invoke(app, [*args, "--json"])
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
            "failed",
            "correct_rate",
            "energy_ratio",
            "gs_hit_rate",
            "mean_time_s",
        }
        assert 0.0 <= r["correct_rate"] <= 1.0 and 0.0 <= r["gs_hit_rate"] <= 1.0
    assert {p.name for p in out.iterdir()} == {"records.csv", "summary.json", "reproduce.png"}
    records = (out / "records.csv").read_text().splitlines()
    assert len(records) == 1 + 2 * 3 * len({r["method"] for r in rows})


def test_json_leaves_stderr_empty_off_a_terminal(tmp_path: Path) -> None:
    # the progress bar left an empty line on stderr in a pipe (and before an error line)
    args = ["reproduce", "--sizes", "4", "--trials", "2", "--out", str(tmp_path), "--json"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    assert res.stderr == ""
    json.loads(res.stdout)


def test_reproduce_table_shows_the_paper_rows(tmp_path: Path) -> None:
    spec = "scipy-root:mode=continuation;num_sweeps=8"
    res = runner.invoke(
        app,
        ["reproduce", "--sizes", "6", "--trials", "2", "--methods", spec, "--out", str(tmp_path)],
    )
    assert res.exit_code == 0, res.output
    assert "paper (SciPy, as published)" in res.stdout
    assert "99.50 %" in res.stdout and "99.96 %" in res.stdout
    assert spec in res.stdout


def test_an_interrupted_run_s_table_says_how_many_instances_its_rows_cover() -> None:
    # the partial table was titled "2000 paper instances per n" like a finished run's
    from isingeq.cli import render
    from isingeq.experiments import reproduce as rp

    run = rp.run_reproduce((5, 6), 4, 0, ["greedy"])
    rows = [dict(r, trials=3 if r["n"] == 5 else 2) for r in run.summary]
    title = str(render.reproduce_table(rows, 2000, 0, {}, complete=False).title)
    assert title == (
        "isingeq reproduce, interrupted: the rows cover 2-3 of 2000 paper instances per n, seed 0"
    )
    assert "interrupted" not in str(render.reproduce_table(run.summary, 4, 0, {}).title)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["--sizes", "6,x"], "`--sizes` must be a comma-separated list of integers; got '6,x'"),
        # errors name the flag, as analyze's and solve's do (they named the library's `sizes`)
        (["--sizes", "0"], "`--sizes` must be >= 1; got 0"),
        (["--sizes", "37"], "`--sizes` must be <= 36; got 37"),
        (["--trials", "0"], "`--trials` must be >= 1; got 0"),
        (["--seed", "-1"], "`--seed` must be >= 0; got -1"),
        (["--scheduler", "local", "--workers", "0"], "`--workers` must be >= 1; got 0"),
        (["--methods", "foo"], "unknown method 'foo'"),
        (["--methods", "scipy-root:bogus=1"], "unknown option 'bogus'"),
        (["--methods", "scipy-root:t_end=-1"], "`t_end` must be > 0; got -1"),
        # these named the library's `methods` and `scheduler`
        (["--methods", "greedy,exact"], "`--methods` lists 'exact'"),
        (["--methods", "greedy,greedy"], "`--methods` lists ['greedy'] more than once"),
        (["--scheduler", "nohost"], "`--scheduler` must be 'local' or a scheduler address"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, args: list[str], match: str) -> None:
    out = tmp_path / "o"
    res = runner.invoke(
        app, ["reproduce", "--trials", "1", "--sizes", "4", "--out", str(out), *args]
    )
    assert res.exit_code == 2
    assert match in res.stderr
    assert "Traceback" not in res.output
    assert res.stderr.startswith("error:") and len(res.stderr.splitlines()) == 1
    assert not out.exists()


def test_an_out_that_is_a_file_is_refused_before_any_work(tmp_path: Path) -> None:
    out = tmp_path / "f"
    out.write_text("keep me")
    res = runner.invoke(app, ["reproduce", "--trials", "1", "--sizes", "4", "--out", str(out)])
    assert res.exit_code == 2 and "`--out` must be a folder" in res.stderr
    assert out.read_text() == "keep me"


def test_failed_records_are_marked_in_the_table_and_counted_in_the_json(
    tmp_path: Path, fragile_method: object
) -> None:
    from tests.conftest import FRAGILE

    args = ["reproduce", "--sizes", "5", "--trials", "8", "--seed", "3", "--methods"]
    args += [f"{FRAGILE},greedy", "--out", str(tmp_path / "r")]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    (line,) = [ln for ln in res.stdout.splitlines() if FRAGILE in ln]
    failed = int(line.split("(")[1].split(" failed")[0])
    assert 0 < failed < 8
    # and why, on stderr (the errors were only in records.csv): one line per distinct error
    why = [ln for ln in res.stderr.splitlines() if ln.startswith(f"failed {FRAGILE} (n=5), ")]
    runs = [int(ln.split(", ")[1].split(" run")[0]) for ln in why]
    assert sum(runs) == failed or (len(why) == 5 and sum(runs) < failed)  # 5 shown, then "..."
    assert all(": RuntimeError: fragile on this instance" in ln for ln in why[:5])
    res = runner.invoke(app, [*args[:-2], "--out", str(tmp_path / "j"), "--json"])
    rows = {r["method"]: r for r in json.loads(res.stdout)}
    assert rows[FRAGILE]["failed"] == failed and rows[FRAGILE]["trials"] == 8 - failed
    assert rows["greedy"]["failed"] == 0 and rows["greedy"]["trials"] == 8
    with open(tmp_path / "j" / "records.csv", newline="") as fh:
        status = [r["status"] for r in csv.DictReader(fh)]
    assert sum(s.startswith("failed: RuntimeError") for s in status) == failed


def test_a_resume_of_another_seed_names_the_flags(tmp_path: Path) -> None:
    # it said "resume: ... not seed=2", the library's parameters
    args = ["reproduce", "--sizes", "4", "--trials", "1", "--methods", "greedy"]
    assert runner.invoke(app, [*args, "--seed", "1", "--out", str(tmp_path)]).exit_code == 0
    res = runner.invoke(app, [*args, "--seed", "2", "--out", str(tmp_path), "--resume"])
    assert res.exit_code == 2, res.output
    said = " ".join(res.stderr.split())
    assert said.startswith("error: --resume: ") and "not --seed=2; resume with" in said
    res = runner.invoke(app, [*args[:-1], "mfa", "--seed", "1", "--out", str(tmp_path), "--resume"])
    assert res.exit_code == 2, res.output
    assert "(the same --methods, --sizes and at least as many --trials)" in res.stderr
