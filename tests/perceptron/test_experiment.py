"""The experiments behind ``isingeq perceptron`` and ``isingeq analyze`` (no CLI here)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

import isingeq
from isingeq.perceptron import experiment as pd
from isingeq.perceptron.experiment import ANALYZE_FIELDS, run_analyze, write_analyze_outputs

from .reference import all_states, as_set, basin_by_hand

SMALL = {"sizes": [3, 5], "ts": [0.1, 1.0, 5.0], "trials": 2, "samples": [60, 600, 20_000]}


@pytest.fixture(scope="module")
def small_run() -> pd.PerceptronDemoRun:
    return pd.run_perceptron_demo(pd.PerceptronDemoConfig(**SMALL, seed=3, recon_n=4))


def test_numbers_are_sane(small_run: pd.PerceptronDemoRun) -> None:
    run = small_run
    assert len(run.mean_field) == 2 * 2 * 3
    assert len(run.fixed_points) == 2 * 2
    assert len(run.reconstruction) == 2 * 3 * len(isingeq.perceptron.FIT_METHODS)
    # the conditional identity is exact: only rounding is left
    assert max(r["conditional_identity_error"] for r in run.mean_field) < 1e-12
    for r in run.summary["mean_field"]:
        assert 0.0 <= r["mean_mean_field_error"] <= r["max_mean_field_error"] <= 1.0
    # the mean-field step is O(t^2) at small t and clearly nonzero at t = 1
    by = {(r["n"], r["t"]): r for r in run.summary["mean_field"]}
    for n in (3, 5):
        assert by[(n, 0.1)]["max_mean_field_error"] < 1e-2
        assert by[(n, 1.0)]["mean_mean_field_error"] > by[(n, 0.1)]["mean_mean_field_error"]
    for r in run.summary["fixed_points"]:
        assert r["mean_solutions"] >= 1 and 0 < r["mean_basin"] <= 1
    rc = {(r["samples"], r["method"]): r for r in run.summary["reconstruction"]}
    assert all(r["failed"] == 0 for r in rc.values())
    pl_small, pl_large = rc[(60, "pseudolikelihood")], rc[(20_000, "pseudolikelihood")]
    assert pl_large["max_error"] < pl_small["max_error"]
    assert pl_large["mean_error"] < pl_small["mean_error"]
    assert pl_large["max_error"] < 0.25  # 20k exact samples of a 4-node model


def test_records_are_recomputed_from_the_seeds(small_run: pd.PerceptronDemoRun) -> None:
    cfg = small_run.config
    # instance (n, k) is the one `isingeq analyze` uses as its trial k
    for rec in small_run.mean_field[:3]:
        child = np.random.SeedSequence(3, spawn_key=(rec["n"],)).spawn(2)[rec["trial"]]
        m = isingeq.paper_instance(rec["n"], rng=child.spawn(2)[0])
        assert rec["mean_field_error"] == isingeq.mean_field_error(m, rec["t"])
    records, _ = run_analyze(cfg.sizes, cfg.trials, cfg.seed)
    assert records == small_run.fixed_points
    # sample counts do not interact: a row is the same when run alone
    alone, _ = pd.run_reconstruction(
        pd.PerceptronDemoConfig(**{**SMALL, "samples": [600]}, seed=3, recon_n=4)
    )
    want = [r for r in small_run.reconstruction if r["samples"] == 600]
    assert [r["error"] for r in alone] == [r["error"] for r in want]


def test_refused_fit_is_recorded_not_raised() -> None:
    # 5 samples of 4 nodes at strong coupling: a constant column is likely; either way no raise
    cfg = pd.PerceptronDemoConfig(sizes=[2], ts=[1.0], trials=3, samples=[5], recon_n=4)
    cfg = pd.PerceptronDemoConfig(**{**cfg.to_dict(), "recon_t": 30.0})
    records, summary = pd.run_reconstruction(cfg)
    for r in records:
        assert (r["failed"] == "") == np.isfinite(r["error"])
    for r in summary:
        assert r["fits"] + r["failed"] == 3
    assert any(r["failed"] for r in records)


def test_write_outputs(small_run: pd.PerceptronDemoRun, tmp_path: Path) -> None:
    paths = pd.write_outputs(small_run, tmp_path / "out")
    for key in ("mean_field", "fixed_points", "reconstruction", "summary"):
        assert paths[key].stat().st_size > 0
    for key in ("mean_field_plot", "reconstruction_plot"):
        assert paths[key].read_bytes()[:4] == b"\x89PNG"
    with open(paths["reconstruction"]) as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(small_run.reconstruction)
    assert set(rows[0]) == set(pd.RECONSTRUCTION_FIELDS)
    summary = json.loads(paths["summary"].read_text())
    assert summary["config"]["samples"] == [60, 600, 20_000]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"sizes": [25]}, "`sizes` must be <= 24"),
        ({"ts": [-1.0]}, "`ts` must be >= 0"),
        ({"trials": 0}, "`trials` must be >= 1"),
        ({"samples": [10]}, r"`samples` must be >= 11 \(fitting n=10"),
        ({"recon_t": 0.0}, "`recon_t` must be > 0"),
        ({"sizes": []}, "`sizes` must list at least one value"),
    ],
)
def test_bad_config_names_the_parameter(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        pd.PerceptronDemoConfig(**kwargs)  # type: ignore[arg-type]


def test_repeated_sizes_and_temperatures_are_taken_once() -> None:
    # `--ts 1,1` doubled the records and the summary's rows (samples were already deduplicated)
    cfg = pd.PerceptronDemoConfig(sizes=[4, 3, 4], ts=[1.0, 0.5, 1.0], samples=[300, 300])
    assert (cfg.sizes, cfg.ts, cfg.samples) == ((4, 3), (1.0, 0.5), (300,))


def test_run_analyze_records_match_brute_force() -> None:
    records, summary = run_analyze([3, 5], 3, seed=2)
    assert [(r["n"], r["trial"]) for r in records] == [(n, k) for n in (3, 5) for k in range(3)]
    for rec in records:
        child = np.random.SeedSequence(2, spawn_key=(rec["n"],)).spawn(3)[rec["trial"]]
        m = isingeq.paper_instance(rec["n"], rng=child.spawn(2)[0])
        X = all_states(m.n)
        stable = isingeq.one_flip_stable(m, X)
        assert rec["num_solutions"] == int(stable.sum())
        assert as_set(isingeq.fixed_points(m)) == as_set(X[stable])
        assert rec["unique"] == (rec["num_solutions"] == 1)
        assert rec["basin"] == basin_by_hand(m) and rec["basin_exact"]
    for row in summary:
        counts = [r["num_solutions"] for r in records if r["n"] == row["n"]]
        assert row["mean_solutions"] == pytest.approx(np.mean(counts))
        assert row["max_solutions"] == max(counts)


def test_write_analyze_outputs(tmp_path: Path) -> None:
    records, summary = run_analyze([3], 2, seed=0)
    paths = write_analyze_outputs(records, summary, tmp_path / "an")
    with open(paths["records"]) as fh:
        rows = list(csv.DictReader(fh))
    assert [int(r["num_solutions"]) for r in rows] == [r["num_solutions"] for r in records]
    assert tuple(rows[0]) == ANALYZE_FIELDS
    assert json.loads(paths["summary"].read_text()) == summary
    assert paths["plot"].read_bytes()[:4] == b"\x89PNG"


def test_summary_json_writes_nan_as_null(small_run: pd.PerceptronDemoRun, tmp_path: Path) -> None:
    run = pd.PerceptronDemoRun(small_run.config, summary={"x": [float("nan"), 1.0]})
    run.summary.update({k: v for k, v in small_run.summary.items()})
    paths = pd.write_outputs(run, tmp_path / "nan")
    assert json.loads(paths["summary"].read_text())["x"] == [None, 1.0]


@pytest.mark.parametrize("count", [0, -3, 5])
def test_too_few_samples_get_one_message(count: int) -> None:
    # 0, -3 and 5 fall short of n + 1 for the same reason: one bound, one message
    with pytest.raises(
        ValueError, match=rf"`--samples` must be >= 11 \(fitting n=10 nodes.*got {count}"
    ):
        pd.check_sample_counts("--samples", [100, count], 10)
    with pytest.raises(TypeError, match="`--samples` must be an integer"):
        pd.check_sample_counts("--samples", [1.5], 10)  # type: ignore[list-item]
