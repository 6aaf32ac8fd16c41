"""Benchmark the torch backend against the numpy backend on this machine's CPU, same run.

Target (issue #12): torch on the CPU within 2x of the numpy backend's sweep time at n = 2000,
R = 64 (dense, float32).

* sweep time: ``mfa``'s sweep objects (``isingeq.solvers.mfa._Sweeps``, numpy / BLAS + the fused
  numba pass; ``isingeq.backends.torch.MeanFieldSweeps``) loaded with the same states, ``K``
  sweeps at ``t = t_c`` with the default noise, best of ``--repeats``; also one sparse model
  (n = ``--sparse-n``, a 2-D torus of +-1 couplings like Gset G81) and, for mfa-async, the
  coloured torch sweep against the numba kernel (one replica per core);
* whole solves: ``isingeq.solve(model, "mfa", num_sweeps=300, tol=1e-30)`` on both backends
  (the same ladder; the final descent runs on the CPU in both);
* precision: for float64, float32, float16 and bfloat16 on the torch backend, the error of one
  sweep's field ``xi = h + J S`` against float64 (in units of the typical field), and the best
  energy of a full solve with the same seed against float64's (relative difference).

Every timed section waits (up to ``--wait-idle`` s) for other processes to go idle and the CPU
time other processes used meanwhile is printed (the machine may be shared).

Run:  python benchmarks/bench_torch.py  [--n 2000] [--reads 64] [--sweeps 50] [--repeats 3]
      [--sparse-n 20000] [--wait-idle 30]
"""

from __future__ import annotations

import argparse
import inspect
import math
import time
from collections.abc import Callable
from typing import Any

import numba
import numpy as np
import scipy.sparse as sp
import torch
from _machine import ForeignLoad, git_revision, wait_idle

import isingeq
from isingeq.backends._colouring import colour_classes
from isingeq.backends.torch import ColouredSweeps, MeanFieldSweeps
from isingeq.solvers import _kernels
from isingeq.solvers._common import field_scale
from isingeq.solvers.mfa import _Sweeps

NOISE = inspect.signature(isingeq.solvers.mfa.solve_mfa).parameters["noise"].default
TARGET_RATIO = 2.0


def torus(side: int, rng: int = 0) -> isingeq.SpinGlass:
    """Max-cut on a ``side x side`` torus with +-1 weights (the shape of Gset G81)."""
    g = np.random.default_rng(rng)
    idx = np.arange(side * side).reshape(side, side)
    edges = np.concatenate(
        [
            np.stack([idx.ravel(), np.roll(idx, -1, axis=1).ravel()], axis=1),
            np.stack([idx.ravel(), np.roll(idx, -1, axis=0).ravel()], axis=1),
        ]
    )
    return isingeq.SpinGlass.from_maxcut(side * side, edges, g.choice([-1.0, 1.0], len(edges)))


def best_time(fn: Callable[[], Any], repeats: int, wait: float) -> float:
    best = np.inf
    for _ in range(repeats):
        wait_idle(wait)
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return float(best)


def sweep_time(eng: Any, model: isingeq.SpinGlass, R: int, K: int, a: argparse.Namespace) -> float:
    """Seconds per sweep of ``eng`` (numpy or torch), best of repeats."""
    S0 = np.random.default_rng(0).uniform(0.4, 0.6, size=(model.n, R)).astype(np.float32)
    t = isingeq.critical_t(model)
    sig = NOISE * field_scale(model)
    step, mask = np.full(R, 0.5), np.ones(R)

    def run() -> None:
        eng.load(S0.copy(), step, mask, 1)
        for k in range(K):
            eng.sweep(t, sig, k)
        eng.sync()

    eng.load(S0.copy(), step, mask, 1)
    eng.sweep(t, sig, 0)  # warm-up: JIT, first-touch allocations
    return best_time(run, a.repeats, a.wait_idle) / K


def async_time(
    model: isingeq.SpinGlass, R: int, K: int, a: argparse.Namespace
) -> tuple[float, float]:
    """Seconds per sweep of mfa-async's numba kernel (R replicas) and of the coloured torch
    sweep (R replicas at once), same noise widths and ladder."""
    csr = sp.csr_array(model.J)
    h = model.h
    ts = np.full(K, isingeq.critical_t(model))
    amps = np.full(K, 3.0 * field_scale(model))
    M0 = np.random.default_rng(0).uniform(0.4, 0.6, size=(R, model.n))
    keys = np.arange(1, R + 1, dtype=np.int64)
    args = (csr.indptr, csr.indices, csr.data.astype(np.float64), h)
    XI, states = np.empty_like(M0), np.empty(R, dtype=np.uint64)  # left for a next call
    _kernels.amfa_csr(*args, ts[:1], amps[:1], M0.copy(), keys, 1e-4, XI, states, False)
    numba_s = best_time(
        lambda: _kernels.amfa_csr(*args, ts, amps, M0.copy(), keys, 1e-4, XI, states, False),
        a.repeats,
        a.wait_idle,
    )
    eng = ColouredSweeps(model, R, "float32", "cpu")
    eng.anneal(ts[:1], amps[:1], M0.copy(), keys, 1e-4)
    torch_s = best_time(lambda: eng.anneal(ts, amps, M0.copy(), keys, 1e-4), a.repeats, a.wait_idle)
    return numba_s / K, torch_s / K


def precision(model: isingeq.SpinGlass, R: int) -> list[tuple[str, float, float, float]]:
    """(dtype, max field error, rms field error (typical fields), relative best-energy
    difference against float64) for each torch dtype."""
    S = np.random.default_rng(1).uniform(0, 1, size=(model.n, R))
    ref_xi = model.h[:, None] + model.J @ S
    scale = field_scale(model)
    ref = isingeq.solve(model, method="mfa", rng=0, num_reads=R, backend="torch", dtype="float64")
    out = []
    for dtype in ("float64", "float32", "float16", "bfloat16"):
        eng = MeanFieldSweeps(model, R, dtype, "cpu")
        Sd = torch.from_numpy(S).to(eng.dtype)
        # the engine holds h and J over its power-of-two scale: its field is xi / eng.scale
        xi = torch.addmm(eng.h, eng.J, Sd).to(torch.float64).numpy() * eng.scale
        err = np.abs(xi - ref_xi) / scale
        r = isingeq.solve(model, method="mfa", rng=0, num_reads=R, backend="torch", dtype=dtype)
        rel = (r.best_energy - ref.best_energy) / abs(ref.best_energy)
        out.append((dtype, float(err.max()), float(np.sqrt(np.mean(err**2))), float(rel)))
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=2000)
    p.add_argument("--reads", type=int, default=64)
    p.add_argument("--sweeps", type=int, default=50)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--sparse-n", type=int, default=20000)
    p.add_argument("--wait-idle", type=float, default=30.0)
    a = p.parse_args()
    n, R, K = a.n, a.reads, a.sweeps
    print(
        f"isingeq {git_revision()}, torch {torch.__version__} ({torch.get_num_threads()} threads), "
        f"numpy {np.__version__}, numba {numba.__version__} ({numba.get_num_threads()} threads)"
    )
    load = ForeignLoad()
    dense = isingeq.paper_instance(n, rng=0)
    side = math.isqrt(a.sparse_n)
    sparse = torus(side)

    print(f"\nmfa sweep, float32, default noise ({NOISE:g}), best of {a.repeats} x {K} sweeps:")
    print("| model | numpy backend | torch backend (cpu) | torch / numpy | target |")
    print("|---|---|---|---|---|")
    for name, model, target in (
        (f"dense n = {n}, R = {R}", dense, True),
        (f"sparse torus n = {side * side}, R = {R}", sparse, False),
    ):
        t_np = sweep_time(_Sweeps(model, np.dtype(np.float32)), model, R, K, a)
        t_to = sweep_time(MeanFieldSweeps(model, R, "float32", "cpu"), model, R, K, a)
        ratio = t_to / t_np
        verdict = (
            f"<= {TARGET_RATIO:g}x: {'PASS' if ratio <= TARGET_RATIO else 'FAIL'}" if target else ""
        )
        print(f"| {name} | {t_np * 1e3:.2f} ms | {t_to * 1e3:.2f} ms | {ratio:.2f}x | {verdict} |")

    print(f"\nmfa-async sweep, sparse torus n = {side * side}, R = {R}, default noise width:")
    t_nb, t_col = async_time(sparse, R, K, a)
    ncol = len(colour_classes(sparse))
    print(
        "| numba kernel (node by node) | torch coloured (cpu, float32) | colours | torch / numba |"
    )
    print("|---|---|---|---|")
    print(f"| {t_nb * 1e3:.2f} ms | {t_col * 1e3:.2f} ms | {ncol} | {t_col / t_nb:.2f}x |")

    print(
        f"\nwhole mfa solve, dense n = {n}, R = {R}, 300 sweeps (tol=1e-30), best of {a.repeats}:"
    )
    opts = {"num_reads": R, "num_sweeps": 300, "tol": 1e-30}
    walls = {}
    for backend in ("numpy", "torch"):
        isingeq.solve(dense, method="mfa", rng=0, backend=backend, num_sweeps=2, num_reads=R)
        walls[backend] = best_time(
            lambda b=backend: isingeq.solve(dense, method="mfa", rng=0, backend=b, **opts),
            a.repeats,
            a.wait_idle,
        )
    print(
        f"numpy {walls['numpy']:.2f} s, torch {walls['torch']:.2f} s "
        f"(torch / numpy {walls['torch'] / walls['numpy']:.2f}x)"
    )

    print(f"\nprecision on the torch backend, dense n = {n}, R = {R} (against float64):")
    print("| dtype | field error max | field error rms | best energy vs float64 |")
    print("|---|---|---|---|")
    for dtype, emax, erms, rel in precision(dense, R):
        print(f"| {dtype} | {emax:.2e} | {erms:.2e} | {rel:+.2e} |")
    print(
        "(field error in typical fields sqrt(mean_i sum_j J_ij^2) / 2; energy: (H - H64) / |H64|,"
    )
    print(" negative = lower (better) than float64's)")
    print("\n" + load.report().replace("[red]", "").replace("[/red]", ""))


if __name__ == "__main__":
    main()
