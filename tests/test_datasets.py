from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import isingeq.datasets as ds

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
needs_data = pytest.mark.skipif(not SHARED.is_dir(), reason="shared/data is not beside the repo")


@needs_data
@pytest.mark.parametrize(
    ("name", "n", "best", "sense"),
    [
        ("G1", 800, 11624, "max"),
        ("G22", 2000, 13359, "max"),
        ("bqp250-3", 250, None, "max"),
        ("gka1a", 50, None, "min"),
        ("be100.1", 100, -19412, "min"),
        ("g05_100.0", 100, None, "max"),
    ],
)
def test_load_named_instances(name: str, n: int, best: float | None, sense: str) -> None:
    inst = ds.load(name, data_dir=SHARED, fetch=False)
    assert inst.name == name and inst.n == n and inst.sense == sense
    assert inst.best_known == ds.info(name).best_known
    if best is not None:
        assert inst.best_known == best


@needs_data
def test_best_known_is_reached_by_the_stored_solutions() -> None:
    import csv

    rows = list(csv.DictReader((SHARED / "beasley" / "solutions.csv").read_text().splitlines()))
    for row in rows:
        if row["name"] in ("bqp50-1", "bqp250-3", "bqp1000-1"):
            inst = ds.load(row["name"], data_dir=SHARED, fetch=False)
            x = np.array([int(c) for c in row["x"]], dtype=np.uint8)
            assert inst.objective(x) == pytest.approx(inst.best_known)
            assert inst.gap(inst.objective(x)) == pytest.approx(0.0)
    x = np.array([int(c) for c in (SHARED / "gset" / "solutions" / "G1.txt").read_text().strip()])
    g1 = ds.load("G1", data_dir=SHARED, fetch=False)
    assert g1.objective(x) == g1.best_known == 11624


@needs_data
def test_environment_variable_names_the_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ds.DATA_ENV, str(SHARED))
    assert ds.default_data_dir() == SHARED
    assert ds.load("G43", fetch=False).n == 1000


def test_missing_file_without_fetch_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"G1\.txt is missing \(instance 'G1'\)"):
        ds.load("G1", data_dir=tmp_path, fetch=False)


def test_unknown_names_and_suites() -> None:
    with pytest.raises(ValueError, match="unknown instance 'G999'"):
        ds.load("G999")
    with pytest.raises(ValueError, match="did you mean 'G22'"):
        ds.info("g22")
    with pytest.raises(ValueError, match="unknown suite 'nope'; known suites"):
        ds.suite("nope")


def test_suites_and_table() -> None:
    assert ds.suite("gset-800") == [f"G{k}" for k in range(1, 11)]
    assert ds.suite("beasley-1000")[0] == "bqp1000-1"
    assert len(ds.suite("gka")) == 45
    assert len(ds.names("gset")) == 71
    assert ds.info("bqp2500-1").n == 2500
