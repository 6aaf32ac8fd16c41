"""Resuming ``isingeq perceptron`` / ``isingeq analyze``: only the configuration that made the
records, nothing touched before every input is checked, and the one column name ``trial``."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from isingeq.cli import app
from isingeq.perceptron import experiment as pd

PERCEPTRON = ["perceptron", "--sizes", "3", "--ts", "0.5", "--trials", "2", "--samples", "100"]
ANALYZE = ["analyze", "--sizes", "4", "--trials", "3"]


def invoke(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def snapshot(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


def csv_rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def perceptron_out(tmp_path: Path) -> Path:
    out = tmp_path / "o5"
    res = invoke(*PERCEPTRON, "--out", str(out), "--json")
    assert res.exit_code == 0, res.output
    return out


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (["--seed", "1"], "was made with --seed 0; got --seed 1"),
        (["--ts", "0.7"], "was made with --ts 0.5; got --ts 0.7"),  # crashed: zero-size array
        (["--samples", "1000"], "was made with --samples 100; got --samples 1000"),  # NaN rows
        (["--trials", "1"], "was made with --trials 2; got --trials 1, which would drop"),
    ],
)
def test_perceptron_resume_refuses_another_configuration_and_touches_nothing(
    perceptron_out: Path, change: list[str], said: str
) -> None:
    before = snapshot(perceptron_out)
    # a flag given twice takes its last value
    res = invoke(*PERCEPTRON, "--out", str(perceptron_out), "--resume", "--json", *change)
    assert res.exit_code == 2, res.output
    assert res.output.startswith("error: `--resume`: ") and said in res.output, res.output
    assert snapshot(perceptron_out) == before  # refused before any file was touched


def test_perceptron_resume_refuses_in_the_library_too(perceptron_out: Path) -> None:
    cfg = pd.PerceptronDemoConfig(sizes=[3], ts=[0.5], trials=2, samples=[100], seed=1)
    with pytest.raises(ValueError, match=r"`resume`: .* was made with seed=0; got seed=1"):
        pd.run_perceptron_demo(cfg, out_dir=perceptron_out, resume=True)


def test_perceptron_resume_that_adds_sizes_and_trials_equals_a_fresh_run(
    perceptron_out: Path, tmp_path: Path
) -> None:
    more = ["--sizes", "3,4", "--ts", "0.5", "--trials", "3", "--samples", "100"]
    res = invoke("perceptron", *more, "--out", str(perceptron_out), "--resume", "--json")
    assert res.exit_code == 0, res.output
    fresh = tmp_path / "fresh"
    assert invoke("perceptron", *more, "--out", str(fresh), "--json").exit_code == 0
    for name in ("mean_field.csv", "fixed_points.csv", "reconstruction.csv"):
        got, want = csv_rows(perceptron_out / name), csv_rows(fresh / name)
        drop = {"fit_time_s"}
        assert [{k: v for k, v in r.items() if k not in drop} for r in got] == [
            {k: v for k, v in r.items() if k not in drop} for r in want
        ], name
    config = json.loads((perceptron_out / pd.RUN_CONFIG_FILE).read_text())
    assert config["sizes"] == [3, 4] and config["trials"] == 3 and config["seed"] == 0


def test_one_column_name_and_older_files_read_on_resume(perceptron_out: Path) -> None:
    for name in ("mean_field.csv", "fixed_points.csv", "reconstruction.csv"):
        with open(perceptron_out / name, newline="") as fh:
            header = next(csv.reader(fh))
        assert "trial" in header and "instance" not in header, (name, header)
    # a folder of a version before config.json, whose files said `instance`: its finished
    # run's summary.json gives the configuration, and the old column is read
    want = {n: csv_rows(perceptron_out / n) for n in ("mean_field.csv", "reconstruction.csv")}
    for name in want:
        path = perceptron_out / name
        header, rest = path.read_text().split("\n", 1)
        path.write_text(header.replace("trial", "instance") + "\n" + rest)
    (perceptron_out / pd.RUN_CONFIG_FILE).unlink()
    res = invoke(*PERCEPTRON, "--out", str(perceptron_out), "--resume", "--json")
    assert res.exit_code == 0, res.output
    for name, rows in want.items():
        got = csv_rows(perceptron_out / name)
        assert [r["trial"] for r in got] == [r["trial"] for r in rows]
        assert [r.get("error", r.get("mean_field_error")) for r in got] == [
            r.get("error", r.get("mean_field_error")) for r in rows
        ]


def test_resume_of_records_that_do_not_say_their_configuration_is_refused(
    perceptron_out: Path,
) -> None:
    (perceptron_out / pd.RUN_CONFIG_FILE).unlink()
    (perceptron_out / "summary.json").unlink()
    before = snapshot(perceptron_out)
    res = invoke(*PERCEPTRON, "--out", str(perceptron_out), "--resume")
    assert res.exit_code == 2 and "do not say how they were made" in res.output, res.output
    assert snapshot(perceptron_out) == before


def test_analyze_resume_refuses_another_seed_and_keeps_the_records(tmp_path: Path) -> None:
    out = tmp_path / "o3"
    assert invoke(*ANALYZE, "--out", str(out), "--json").exit_code == 0
    before = snapshot(out)
    res = invoke(*ANALYZE, "--out", str(out), "--seed", "1", "--resume")
    assert res.exit_code == 2
    assert "`--resume`: " in res.output and "was made with --seed 0; got --seed 1" in res.output
    assert snapshot(out) == before
    with pytest.raises(ValueError, match=r"was made with seed=0; got seed=1"):
        pd.run_analyze([4], 3, seed=1, out_dir=out, resume=True)
    with pytest.raises(ValueError, match=r"was made with sizes=4; got sizes=5, which would drop"):
        pd.run_analyze([5], 3, seed=0, out_dir=out, resume=True)
    assert snapshot(out) == before
    # the same seed with more trials resumes, and equals a fresh run
    records, _ = pd.run_analyze([4], 5, seed=0, out_dir=out, resume=True)
    assert records == pd.run_analyze([4], 5, seed=0)[0]


@pytest.mark.parametrize("bad", [["--seed", "-1"], ["--trials", "0"], ["--sizes", "40"]])
def test_analyze_bad_flags_leave_the_earlier_records(tmp_path: Path, bad: list[str]) -> None:
    out = tmp_path / "o3"
    assert invoke(*ANALYZE, "--out", str(out)).exit_code == 0
    before = snapshot(out)
    assert len(csv_rows(out / "records.csv")) == 3
    res = invoke(*ANALYZE, "--out", str(out), *bad)  # a flag given twice takes its last value
    assert res.exit_code == 2
    assert res.output.startswith(f"error: `{bad[0]}`"), res.output  # names the flag
    assert snapshot(out) == before  # the earlier records.csv is left whole


def test_run_analyze_validates_seed() -> None:
    with pytest.raises(ValueError, match="`seed` must be >= 0; got -1"):
        pd.run_analyze([4], 2, seed=-1)
    with pytest.raises(TypeError, match="`seed` must be an integer"):
        pd.run_analyze([4], 2, seed=0.5)  # type: ignore[arg-type]


def test_trials_flag_and_its_deprecated_spelling(tmp_path: Path) -> None:
    new = invoke(*PERCEPTRON, "--out", str(tmp_path / "a"), "--json")
    assert new.exit_code == 0 and "deprecated" not in new.output
    old_args = [*PERCEPTRON, "--out", str(tmp_path / "b"), "--json"]
    old_args[old_args.index("--trials")] = "--instances"
    old = CliRunner().invoke(app, old_args)
    assert old.exit_code == 0, old.output
    assert "warning: `--instances` is deprecated" in old.stderr and "`--trials`" in old.stderr
    a, b = json.loads(old.stdout), json.loads(new.stdout)
    assert a["config"] == b["config"] and a["mean_field"] == b["mean_field"]
    both = invoke(*PERCEPTRON, "--instances", "3", "--out", str(tmp_path / "c"))
    assert both.exit_code == 2 and "--trials" in both.output and not (tmp_path / "c").exists()
    helptext = invoke("perceptron", "--help").output
    assert "--trials" in helptext and "--instances" not in helptext


@pytest.mark.parametrize(
    ("bad", "flag"),
    [
        (["--ts", "-1"], "`--ts` must be >= 0"),
        (["--sizes", "25"], "`--sizes` must be <= 24"),
        (["--samples", "5"], "`--samples` must be >= 11"),
        (["--trials", "0"], "`--trials` must be >= 1"),
        (["--seed", "-2"], "`--seed` must be >= 0"),
    ],
)
def test_perceptron_errors_name_the_flag(bad: list[str], flag: str, tmp_path: Path) -> None:
    out = tmp_path / "never"
    res = invoke("perceptron", *bad, "--out", str(out))
    assert res.exit_code == 2 and res.output.startswith(f"error: {flag}"), res.output
    assert not out.exists()


def test_a_config_of_the_version_that_said_instances_resumes(perceptron_out: Path) -> None:
    # PerceptronDemoConfig.instances became trials (the CLI's --trials): a folder whose
    # config.json still says "instances" is the same configuration
    path = perceptron_out / pd.RUN_CONFIG_FILE
    config = json.loads(path.read_text())
    config["instances"] = config.pop("trials")
    path.write_text(json.dumps(config))
    res = invoke(*PERCEPTRON, "--out", str(perceptron_out), "--resume", "--json")
    assert res.exit_code == 0, res.output
    assert json.loads(path.read_text())["trials"] == config["instances"]
