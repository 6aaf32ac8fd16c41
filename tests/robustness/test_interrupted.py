"""Interrupted runs (issue #13, point 2): ``isingeq reproduce`` and ``isingeq bench`` killed with
SIGKILL at random points, several times, then run to the end with the same command. No finished
record is lost or duplicated; reproduce's records and summary equal an uninterrupted run's with
the same seed (all but the wall times); bench ran every planned run once, with the planned seed
(its objectives depend on the clock, so they are not compared)."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from isingeq.experiments import reproduce
from isingeq.experiments.records import csv_cell

ENTRY = "from isingeq.cli import main; main()"
TIMES = {"time_s"}


def count(path: Path) -> int:
    try:
        with open(path, "rb") as fh:
            return fh.read().count(b"\n")
    except FileNotFoundError:
        return 0


def kill_cycles(
    args: list[str], records: Path, total: int, seed: int, cycles: int = 4
) -> list[int]:
    """Start the command and SIGKILL it as soon as the records file has grown to a random
    number of lines short of ``total`` (so every kill lands inside the work, often mid-write),
    ``cycles`` times; then let it run to the end (it must succeed). Returns the kill points."""
    rng = np.random.default_rng(seed)
    files = records if isinstance(records, list) else [records]

    def count_all() -> int:
        return sum(count(f) for f in files)

    points = []
    for _ in range(cycles):
        have = count_all()
        if have >= total - 1:
            break  # one record left: let the final run do it
        target = int(rng.integers(have + 1, total))
        p = subprocess.Popen(
            [sys.executable, "-c", ENTRY, *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while p.poll() is None and count_all() < target and time.monotonic() < deadline:
            time.sleep(0.002)
        if p.poll() is None:
            os.kill(p.pid, signal.SIGKILL)
        p.wait()
        points.append(count_all())
    done = subprocess.run(
        [sys.executable, "-c", ENTRY, *args], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return points


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def test_reproduce_survives_kill_9(tmp_path: Path) -> None:
    args = ["--sizes", "6,10", "--trials", "80", "--methods", "greedy,mfa,mfa-async", "--seed", "3"]
    out = tmp_path / "killed"
    points = kill_cycles(
        ["reproduce", *args, "--out", str(out), "--resume"],
        out / "records.csv",
        1 + 2 * 80 * 4,
        seed=0,
    )
    assert len(points) >= 2 and all(1 <= k <= 2 * 80 * 4 for k in points), points  # mid-work
    got = rows(out / "records.csv")
    ref = reproduce.run_reproduce((6, 10), 80, seed=3, methods=["greedy", "mfa", "mfa-async"])
    keys = [(r["n"], r["trial"], r["method"]) for r in got]
    assert len(keys) == len(set(keys)) == 2 * 80 * 4  # nothing lost, nothing twice
    want = {(str(r["n"]), str(r["trial"]), r["method"]): r for r in ref.records}
    for r in got:
        w = want[(r["n"], r["trial"], r["method"])]
        for k in reproduce.RECORD_FIELDS:
            if k not in TIMES and k in w:
                assert r[k] == str(csv_cell(w[k])), (k, r[k], w[k])
    mine = reproduce.summarize([reproduce._parse(r) for r in got])
    for a, b in zip(mine, ref.summary, strict=True):
        assert {k: v for k, v in a.items() if k != "mean_time_s"} == {
            k: v for k, v in b.items() if k != "mean_time_s"
        }


def test_bench_survives_kill_9(tmp_path: Path) -> None:
    out = tmp_path / "bench"
    args = [
        "bench",
        "--instance",
        "paper-24,paper-30",
        "--solvers",
        "greedy,mfa-async",
        "--budgets",
        "0.1",
        "--repeats",
        "4",
        "--no-plots",
        "--resume",
        "--out",
        str(out),
    ]
    points = kill_cycles(args, out / "records.csv", 1 + 16, seed=1)
    assert points and all(k < 17 for k in points), points
    got = rows(out / "records.csv")
    keys = [(r["instance"], r["solver"], r["budget_s"], r["repeat"]) for r in got]
    assert len(keys) == len(set(keys)) == 2 * 2 * 4
    ref_out = tmp_path / "ref"
    subprocess.run(
        [sys.executable, "-c", ENTRY, *args[:-1], str(ref_out)], check=True, capture_output=True
    )
    ref = {
        (r["instance"], r["solver"], r["budget_s"], r["repeat"]): r["seed"]
        for r in rows(ref_out / "records.csv")
    }
    assert {k: r["seed"] for k, r in zip(keys, got, strict=True)} == ref
    assert all(r["status"] == "ok" for r in got)


def test_the_perceptron_experiments_survive_kill_9(tmp_path: Path) -> None:
    from isingeq.perceptron.experiment import (
        PerceptronDemoConfig,
        run_analyze,
        run_perceptron_demo,
    )

    out = tmp_path / "analyze"
    args = [
        "analyze",
        "--sizes",
        "8,10,12",
        "--trials",
        "40",
        "--seed",
        "2",
        "--out",
        str(out),
        "--resume",
        "--json",
    ]
    points = kill_cycles(args, out / "records.csv", 1 + 3 * 40, seed=2)
    assert points and all(k <= 3 * 40 for k in points), points
    records, _ = run_analyze([8, 10, 12], 40, seed=2)
    got = rows(out / "records.csv")
    assert [(r["n"], r["trial"]) for r in got] == [(str(r["n"]), str(r["trial"])) for r in records]
    for a, b in zip(got, records, strict=True):
        assert a == {k: str(csv_cell(v)) for k, v in b.items()}

    out = tmp_path / "perceptron"
    args = [
        "perceptron",
        "--sizes",
        "4,8",
        "--ts",
        "0.3,3",
        "--instances",
        "10",
        "--samples",
        "300,3000",
        "--seed",
        "4",
        "--out",
        str(out),
        "--resume",
        "--json",
    ]
    files = [out / f for f in ("mean_field.csv", "fixed_points.csv", "reconstruction.csv")]
    total = 3 + 2 * 10 * 2 + 2 * 10 + 10 * 2 * 3
    kill_cycles(args, files, total, seed=3)
    cfg = PerceptronDemoConfig(sizes=[4, 8], ts=[0.3, 3.0], trials=10, samples=[300, 3000], seed=4)
    ref = run_perceptron_demo(cfg)
    for name, want in (
        ("mean_field.csv", ref.mean_field),
        ("fixed_points.csv", ref.fixed_points),
        ("reconstruction.csv", ref.reconstruction),
    ):
        got = rows(out / name)
        assert len(got) == len(want), name
        for a, b in zip(got, want, strict=True):
            b = {k: str(csv_cell(v)) for k, v in b.items() if k != "fit_time_s"}
            assert {k: v for k, v in a.items() if k != "fit_time_s"} == b, name
