"""benchmarks/bench_gpu.py runs end to end at tiny sizes on the CPU (``--small --device cpu``),
so that the GPU command is known to work before a GPU runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")

SCRIPT = Path(__file__).parents[2] / "benchmarks" / "bench_gpu.py"


def test_bench_gpu_small_on_cpu(tmp_path: Path) -> None:
    out = tmp_path / "gpu.json"
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--small", "--device", "cpu", "--json", str(out),
         "--budgets", "0.2", "--rate-seconds", "0.1"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "card: cpu" in run.stdout and "sweeps/s" in run.stdout
    rec = json.loads(out.read_text())
    assert rec["device"] == "cpu" and rec["dense"]["n"] == 300 and rec["dense"]["reads"] == 32
    assert [r["precision"] for r in rec["dense"]["rates"]] == ["fp32", "bf16"]  # no tf32 on CPU
    assert all(r["sweeps_per_s"] > 0 and r["tflops"] > 0 for r in rec["dense"]["rates"])
    assert rec["sparse"]["colours"] == 2  # the 20 x 20 torus is bipartite
    solvers = [r["solver"] for r in rec["objectives"]]
    assert solvers.count("cpu mfa-async") == 2 and "torch mfa-async" in solvers
    for r in rec["objectives"]:
        value, wall = r["objective"][0]
        assert wall > 0
        if "torus" in r["instance"]:
            assert 0 < value <= 800  # a cut of the 800-edge torus with +-1 weights


def test_bench_gpu_refuses_an_unavailable_device() -> None:
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--small", "--device", "warp-drive"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode != 0 and "`device`='warp-drive' is not a torch device" in run.stderr
