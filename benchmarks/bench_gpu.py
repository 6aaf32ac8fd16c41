"""Benchmark the torch backend on a GPU: sweep rate, achieved TFLOP/s, objective at 1 s and 10 s.

Targets (issue #12), on a GPU:

* dense n = 10,000, R = 1,024 replicas: the mfa sweep (one ``addmm`` of J (n x n) by the
  states (n x R), then elementwise passes) at >= 40 % of the card's dense fp32 peak (plain
  float32) or tf32 peak (``torch.set_float32_matmul_precision("high")``); achieved TFLOP/s =
  2 n^2 R / (time per sweep), the product's flops only;
* Gset G81 (n = 20,000, a 2-D torus, sparse): the objective (cut value) at 1 s with the torch
  backend (mfa-async's coloured sweep, and mfa) >= CPU mfa-async's at 1 s.

It prints the card's name, sweeps/s, TFLOP/s against the peak (a table of known cards by name;
``--peak-tflops`` overrides it), and the objective of each solver at each budget (``--budgets``,
default 1 and 10 s; wall time from the call, set-up and transfers included) beside CPU
mfa-async on the same instance (dense: H, lower is better; G81: the cut, higher is better).

``--small --device cpu`` runs the same code at tiny sizes on the CPU (n = 300, R = 32, a 20 x 20
torus instead of G81, budgets 0.2 and 0.5 s); ``tests/backends/test_bench_gpu.py`` runs it.

Run:  python benchmarks/bench_gpu.py [--device cuda] [--gset ../shared/data/gset/G81.txt]
      [--peak-tflops X] [--budgets 1,10] [--json out.json] [--small]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

import numba
import numpy as np
import torch
from bench_torch import torus

import isingeq
from isingeq.backends.torch import ColouredSweeps, MeanFieldSweeps, resolve_device
from isingeq.instance import Instance
from isingeq.solvers._common import field_scale

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_GSET = ROOT.parent / "shared" / "data" / "gset" / "G81.txt"

#: Dense peaks in TFLOP/s (no sparsity), from the vendors' data sheets: (fp32, tf32 tensor).
#: Matched by substring of torch.cuda.get_device_name, first match wins (order matters).
PEAKS: list[tuple[str, float, float]] = [
    ("H200", 67.0, 494.7),
    ("H100 PCIe", 51.2, 378.0),
    ("H100", 67.0, 494.7),  # SXM
    ("A100", 19.5, 156.0),
    ("L40S", 91.6, 183.0),
    ("L4", 30.3, 60.0),
    ("A10", 31.2, 62.5),
    ("RTX 4090", 82.6, 82.6),
    ("V100", 15.7, float("nan")),  # no tf32
    ("T4", 8.1, float("nan")),
]
TARGET_PEAK = 0.40


def card(dev: torch.device) -> str:
    if dev.type == "cuda":
        return torch.cuda.get_device_name(dev)
    return f"{dev.type}: {platform.processor() or platform.machine()}, {os.cpu_count()} cores"


def peaks(name: str, override: float | None) -> tuple[float, float]:
    if override is not None:
        return override, override
    for key, fp32, tf32 in PEAKS:
        if key in name:
            return fp32, tf32
    return float("nan"), float("nan")


def sync(dev: torch.device) -> None:
    if dev.type == "cuda":
        torch.cuda.synchronize(dev)


def dense_rate(
    model: isingeq.SpinGlass, R: int, dtype: str, dev: torch.device, seconds: float
) -> tuple[float, int]:
    """Sweeps per second of mfa's sweep on ``dev`` (noise on), timed over about ``seconds``."""
    eng = MeanFieldSweeps(model, R, dtype, str(dev))
    S0 = np.random.default_rng(0).uniform(0.4, 0.6, size=(model.n, R)).astype(np.float32)
    eng.load(S0, np.full(R, 0.5), np.ones(R), 1)
    t, sig = isingeq.critical_t(model), 0.8 * field_scale(model)
    for k in range(3):  # warm-up: cuBLAS heuristics, allocator
        eng.sweep(t, sig, k)
    sync(dev)
    t0 = time.perf_counter()
    k = 0
    while True:
        for _ in range(10):
            eng.sweep(t, sig, k)
            k += 1
        sync(dev)
        if time.perf_counter() - t0 >= seconds:
            break
    del eng
    return k / (time.perf_counter() - t0), k


def coloured_rate(
    model: isingeq.SpinGlass, R: int, dev: torch.device, seconds: float, K: int
) -> float:
    """Sweeps per second of mfa-async's coloured sweep on ``dev`` (float32, noise on), in
    rounds of ``K`` sweeps (each round copies the states to the device and back, as a
    solve's round does)."""
    eng = ColouredSweeps(model, R, "float32", str(dev))
    M0 = np.random.default_rng(0).uniform(0.4, 0.6, size=(R, model.n))
    keys = np.arange(1, R + 1, dtype=np.int64)
    t = isingeq.critical_t(model)
    ts, amps = np.full(K, t), np.full(K, 3.0 * field_scale(model))
    eng.anneal(ts[:1], amps[:1], M0.copy(), keys, 1e-4)
    t0, done = time.perf_counter(), 0
    while time.perf_counter() - t0 < seconds:
        eng.anneal(ts, amps, M0.copy(), keys, 1e-4)  # ends with a copy to the host
        done += K
    return done / (time.perf_counter() - t0)


def objective(inst: Any, r: isingeq.SolveResult) -> tuple[float, float]:
    """(objective, wall seconds) of a solve: the cut for a max-cut instance, else H."""
    e = r.best_energy
    return (float(inst.objective_of_energy(e)) if inst is not None else e), r.info["time_ns"] / 1e9


def main(argv: list[str] | None = None) -> dict[str, Any]:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--device", default="cuda")
    p.add_argument("--small", action="store_true", help="tiny sizes (a CPU check)")
    p.add_argument("--n", type=int, default=None, help="dense n (default 10000; --small 300)")
    p.add_argument("--reads", type=int, default=None, help="R (default 1024; --small 32)")
    p.add_argument("--gset", default=str(DEFAULT_GSET), help="the sparse instance (Gset format)")
    p.add_argument("--budgets", default=None, help="seconds, comma-separated (default 1,10)")
    p.add_argument("--rate-seconds", type=float, default=None, help="timing per rate (default 3)")
    p.add_argument("--peak-tflops", type=float, default=None, help="override the card's peak")
    p.add_argument("--json", default=None, help="also write the figures to this file")
    a = p.parse_args(argv)
    small = a.small
    n = a.n or (300 if small else 10_000)
    R = a.reads or (32 if small else 1024)
    budgets = [float(b) for b in (a.budgets or ("0.2,0.5" if small else "1,10")).split(",")]
    rate_s = a.rate_seconds or (0.3 if small else 3.0)
    dev = resolve_device(a.device)
    name = card(dev)
    fp32_peak, tf32_peak = peaks(name, a.peak_tflops)
    out: dict[str, Any] = {"card": name, "device": str(dev), "torch": torch.__version__}
    print(f"card: {name}  (device {dev}, torch {torch.__version__}, isingeq {isingeq.__version__})")
    print(f"CPU for mfa-async: {os.cpu_count()} cores, numba {numba.get_num_threads()} threads")
    print(f"peaks (dense, TFLOP/s): fp32 {fp32_peak:g}, tf32 {tf32_peak:g}")

    # ---- dense: sweep rate and TFLOP/s
    dense = isingeq.paper_instance(n, rng=0)
    flop = 2.0 * n * n * R
    print(f"\ndense paper instance n = {n}, R = {R}: mfa sweep")
    print("| precision | sweeps/s | ms/sweep | TFLOP/s | % of peak | target >= 40 % |")
    print("|---|---|---|---|---|---|")
    rows = []
    prev = torch.get_float32_matmul_precision()
    for label, dtype, matmul, peak in (
        ("fp32", "float32", "highest", fp32_peak),
        ("tf32", "float32", "high", tf32_peak),
        ("bf16", "bfloat16", "highest", float("nan")),
    ):
        if label == "tf32" and dev.type != "cuda":
            continue  # tf32 is a CUDA tensor-core mode
        torch.set_float32_matmul_precision(matmul)
        rate, sweeps = dense_rate(dense, R, dtype, dev, rate_s)
        torch.set_float32_matmul_precision(prev)
        tflops = flop * rate / 1e12
        frac = tflops / peak
        verdict = "" if np.isnan(frac) else ("PASS" if frac >= TARGET_PEAK else "FAIL")
        print(
            f"| {label} | {rate:.1f} | {1e3 / rate:.3f} | {tflops:.2f} | "
            f"{'n/a' if np.isnan(frac) else f'{100 * frac:.1f} %'} | {verdict} |"
        )
        rows.append({"precision": label, "sweeps_per_s": rate, "sweeps": sweeps, "tflops": tflops,
                     "peak_tflops": peak, "fraction_of_peak": frac})  # fmt: skip
    out["dense"] = {"n": n, "reads": R, "rates": rows}

    # ---- sparse: G81 (or a torus)
    inst = None
    if small or not Path(a.gset).exists():
        if not small:
            print(f"\n{a.gset} not found: a 141 x 141 torus stands in for G81", file=sys.stderr)
        side = 20 if small else 141
        sparse, sparse_name = torus(side), f"torus {side} x {side}"
        inst = Instance(sparse_name, sparse, "max", scale=-1.0)  # from_maxcut: H = -cut
    else:
        inst = isingeq.io.gset.read_gset(a.gset)
        sparse, sparse_name = inst.model, Path(a.gset).stem
    col = ColouredSweeps(sparse, 1, "float32", str(dev)).num_colours
    c_rate = coloured_rate(sparse, R, dev, rate_s, 5 if small else 100)
    s_rate, _ = dense_rate(sparse, R, "float32", dev, rate_s)
    print(f"\n{sparse_name} (n = {sparse.n}, sparse), R = {R}, float32:")
    print(f"mfa-async coloured sweep ({col} colours): {c_rate:.1f} sweeps/s, "
          f"{c_rate * sparse.n * R / 1e9:.2f} G node updates/s")  # fmt: skip
    print(f"mfa synchronous sparse sweep: {s_rate:.1f} sweeps/s")
    out["sparse"] = {"name": sparse_name, "n": sparse.n, "colours": col,
                     "coloured_sweeps_per_s": c_rate, "mfa_sweeps_per_s": s_rate}  # fmt: skip

    # ---- objective at each budget, beside CPU mfa-async
    runs: list[tuple[str, Any, Any, str, dict[str, Any]]] = [
        (f"dense n = {n}", dense, None, "mfa", {"backend": "torch", "device": str(dev)}),
        (sparse_name, sparse, inst, "mfa-async", {"backend": "torch", "device": str(dev)}),
        (sparse_name, sparse, inst, "mfa", {"backend": "torch", "device": str(dev)}),
    ]
    print("\nobjective at each budget (dense: H, lower is better; sparse: cut, higher is better);")
    print("in brackets the solve's wall time in s (the final descent on the CPU can overrun it)")
    print("| instance | solver | " + " | ".join(f"{b:g} s" for b in budgets) + " |")
    print("|---|---|" + "---|" * len(budgets))
    results = []
    cpu_rows: dict[str, list[float]] = {}
    for label, model, ins, method, opts in runs:
        if label not in cpu_rows:
            got = [
                objective(ins, isingeq.solve(model, method="mfa-async", rng=0, time_limit=b))
                for b in budgets
            ]
            cpu_rows[label] = [v for v, _ in got]
            print(
                f"| {label} | CPU mfa-async | "
                + " | ".join(f"{v:.6g} ({w:.2f})" for v, w in got)
                + " |"
            )
            results.append({"instance": label, "solver": "cpu mfa-async", "objective": got})
        got = [
            objective(
                ins, isingeq.solve(model, method=method, rng=0, time_limit=b, num_reads=R, **opts)
            )
            for b in budgets
        ]
        sense = -1.0 if ins is None else 1.0  # dense: lower H is better
        ok = sense * got[0][0] >= sense * cpu_rows[label][0]
        print(
            f"| {label} | {dev.type} torch {method} (R = {R}) | "
            + " | ".join(f"{v:.6g} ({w:.2f})" for v, w in got)
            + f" |  first budget {'>=' if ok else '<'} CPU's"
        )
        results.append({"instance": label, "solver": f"torch {method}", "objective": got,
                        "at_least_cpu_at_first_budget": bool(ok)})  # fmt: skip
    out["budgets"] = budgets
    out["objectives"] = results
    if a.json:
        Path(a.json).write_text(json.dumps(out, indent=1))
    return out


if __name__ == "__main__":
    main()
