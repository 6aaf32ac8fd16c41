"""Benchmark ``method="mfa"`` throughput: dense sweeps against BLAS GEMM, and a large sparse run.

Targets checked (PASS/FAIL columns):

* dense: at n = 2000, R = 64 a mfa sweep runs at >= 50 % of the float32 GEMM rate measured in the
  same run (``np.matmul(J32, S32, out=buf)``, best of repeats, GFLOP/s = 2 n^2 R / t);
* sparse: n = 100,000 with 1,000,000 random couplings i < j (10 per node on average, so each
  row of the symmetric ``J`` holds about 20 entries), 1,000 sweeps, R = 8: the solve
  finishes in under 60 s with the process's peak memory under 2 GiB.

How a dense sweep is timed: ``isingeq.solve(model, method="mfa", num_reads=R, num_sweeps=K,
tol=1e-30, ...)`` (``tol`` so tiny that the ladder never stops early; ``info["sweeps"]`` is
checked), best of repeats, for K and for K = 1; ``per sweep = (t(K) - t(1)) / (K - 1)`` removes
setup (``critical_t``'s eigensolve, the noise scale) and the final 1-flip polish. A second
estimate from two long ladders, ``(t(K) - t(K/3)) / (K - K/3)``, is shown as a cross-check: the
K = 1 run polishes a far-from-stable state, so its polish costs more than a long run's. "noise
default" is mfa's default ``noise`` (> 0: hashed Irwin-Hall noise added inside the fused sweep
kernel; its value is read from the signature and printed); "none (0)" is ``noise=0``.

The machine may be shared: every timed mfa run (and each GEMM batch, each sparse subprocess)
first waits, up to ``--wait-idle`` seconds, for other processes to go idle; the CPU time other
processes used during each section is printed under it.

The sparse run happens in a fresh subprocess so that its peak RSS (``ru_maxrss``) is that of the
run alone: imports, a tiny warm-up solve (numba JIT compile or cache load, reported separately),
building the model and the timed solve.

Run:  python benchmarks/bench_mfa_throughput.py  [--n 2000] [--reads 64] [--steps 300]
      [--repeats 3] [--sparse-n 100000] [--sparse-couplings 1000000] [--no-sparse]
      [--wait-idle 60]
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import platform
import resource
import subprocess
import sys
import time

import numba
import numpy as np
import scipy.sparse as sp
from _machine import ForeignLoad, git_revision, wait_idle
from rich.console import Console
from rich.table import Table

import isingeq

NOISE_DEFAULT = inspect.signature(isingeq.solvers.mfa.solve_mfa).parameters["noise"].default
NOISES = ((f"default ({NOISE_DEFAULT:g})", NOISE_DEFAULT), ("none (0)", 0.0))
GEMM_TARGET = 0.50  # fraction of the same-run float32 GEMM rate
SPARSE_TIME_TARGET_S = 60.0
SPARSE_MEM_TARGET_GIB = 2.0


def best_time(fn, repeats: int, wait_each: bool = True) -> float:
    """Best wall time of ``repeats`` calls, each after :func:`wait_idle` (or only the first)."""
    best = np.inf
    for i in range(repeats):
        if wait_each or i == 0:
            wait_idle(WAIT_IDLE_S)
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def gemm_time(J: np.ndarray, S: np.ndarray, repeats: int) -> float:
    out = np.empty((J.shape[0], S.shape[1]), dtype=J.dtype)
    np.matmul(J, S, out=out)  # warm up (thread pool, caches)
    return best_time(lambda: np.matmul(J, S, out=out), repeats, wait_each=False)


def mfa_time(model, R: int, K: int, noise: float, dtype: str, repeats: int) -> float:
    def run() -> None:
        r = isingeq.solve(
            model,
            method="mfa",
            num_reads=R,
            num_sweeps=K,
            schedule=None,
            tol=1e-30,
            noise=noise,
            dtype=dtype,
            rng=0,
        )
        assert r.info["sweeps"] == K, (r.info["sweeps"], K)

    return best_time(run, repeats)


def ok(flag: bool) -> str:
    return "[green]PASS[/green]" if flag else "[red]FAIL[/red]"


# ------------------------------------------------------------------------------------- dense
def dense_section(console: Console, args: argparse.Namespace) -> None:
    n, R, K = args.n, args.reads, args.steps
    K_mid = max(2, K // 3)
    model = isingeq.paper_instance(n, rng=0)
    S = np.random.default_rng(1).random((n, R))
    J = np.asarray(model.J)
    gemm_reps = max(10, 3 * args.repeats)
    mats = {
        dt: (np.ascontiguousarray(J, dtype=dt), np.ascontiguousarray(S, dtype=dt))
        for dt in ("float32", "float64")
    }
    # GEMM is timed before and after the mfa runs; the faster (the machine's real rate, the
    # stricter baseline) is used, and a gap between the two shows the machine was not steady
    gemm_before = {dt: gemm_time(*mats[dt], gemm_reps) for dt in mats}
    flops = 2.0 * n * n * R

    # warm up: JIT / cache load of the polish kernels
    isingeq.solve(isingeq.paper_instance(50, rng=0), method="mfa", num_reads=4)

    table = Table(
        title=(
            f"mfa dense sweep rate, n = {n}, R = {R}: per sweep = (t(K={K}) - t(K=1)) / {K - 1}, "
            f"best of {args.repeats} (cross-check: (t({K}) - t({K_mid}))/{K - K_mid})"
        )
    )
    for col in (
        "dtype",
        "noise",
        "t(K=1)",
        f"t(K={K_mid})",
        f"t(K={K})",
        "per sweep",
        "eff. GFLOP/s",
        "vs f32 GEMM",
        "vs same-dtype GEMM",
        "per sweep (x-check)",
        "x-check vs f32 GEMM",
        ">= 50 % f32 GEMM",
    ):
        table.add_column(col, justify="right")
    runs = []
    for dt in ("float32", "float64"):
        for label, noise in NOISES:
            t1 = mfa_time(model, R, 1, noise, dt, args.repeats)
            tm = mfa_time(model, R, K_mid, noise, dt, args.repeats)
            tk = mfa_time(model, R, K, noise, dt, args.repeats)
            runs.append((dt, label, t1, tm, tk))
    gemm_after = {dt: gemm_time(*mats[dt], gemm_reps) for dt in mats}
    gemm = {dt: min(gemm_before[dt], gemm_after[dt]) for dt in mats}

    gtable = Table(title=f"GEMM J @ S, n = {n}, R = {R}, best of {gemm_reps}")
    for col in ("dtype", "before mfa runs", "after mfa runs", "used (faster)", "GFLOP/s"):
        gtable.add_column(col, justify="right")
    for dt in mats:
        gtable.add_row(
            dt,
            f"{gemm_before[dt] * 1e3:.2f} ms",
            f"{gemm_after[dt] * 1e3:.2f} ms",
            f"{gemm[dt] * 1e3:.2f} ms",
            f"{flops / gemm[dt] / 1e9:.1f}",
        )
    console.print(gtable)
    for dt, label, t1, tm, tk in runs:
        per = (tk - t1) / (K - 1)
        per_x = (tk - tm) / (K - K_mid)
        eff = flops / per / 1e9
        frac = gemm["float32"] / per
        frac_x = gemm["float32"] / per_x
        verdict = ok(frac >= GEMM_TARGET) if dt == "float32" else "(n/a: float64)"
        table.add_row(
            dt,
            label,
            f"{t1:.3f} s",
            f"{tm:.3f} s",
            f"{tk:.3f} s",
            f"{per * 1e3:.2f} ms",
            f"{eff:.1f}",
            f"{frac:.1%}",
            f"{gemm[dt] / per:.1%}",
            f"{per_x * 1e3:.2f} ms",
            f"{frac_x:.1%}",
            verdict,
        )
    console.print(table)
    console.print(
        "  'vs f32 GEMM' = GEMM time / mfa per-sweep time; the target applies to the default "
        "dtype (float32). 'noise default' adds hashed Irwin-Hall noise inside the fused sweep kernel; 'none' skips it."
    )


# ------------------------------------------------------------------------------------ sparse
def sparse_model(n: int, m: int, seed: int) -> isingeq.SpinGlass:
    """``m`` random pairs (i < j after ordering; self-pairs dropped, duplicates summed) + bias."""
    gen = np.random.default_rng(seed)
    a = gen.integers(0, n, size=m)
    b = gen.integers(0, n, size=m)
    w = gen.uniform(-1.0, 1.0, size=m)
    keep = a != b
    lo, hi, w = np.minimum(a, b)[keep], np.maximum(a, b)[keep], w[keep]
    diag = np.arange(n)
    rows = np.concatenate([lo, diag])
    cols = np.concatenate([hi, diag])
    vals = np.concatenate([w, gen.uniform(-1.0, 1.0, size=n)])
    eps = sp.coo_array((vals, (rows, cols)), shape=(n, n)).tocsr()  # sums duplicates
    eps.sum_duplicates()
    return isingeq.SpinGlass(eps)


def _maxrss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB on Linux


def warmup(reads: int, noise: float) -> None:
    """A tiny sparse solve: compiles (or loads from numba's cache) the sparse kernels."""
    tiny = sparse_model(200, 1000, seed=1)
    isingeq.solve(tiny, method="mfa", num_reads=reads, num_sweeps=20, noise=noise, rng=0)


def cold_jit_seconds(reads: int) -> float | None:
    """Wall time of :func:`warmup` in a fresh process with an empty numba cache (imports excluded)."""
    import tempfile

    here = os.path.dirname(os.path.abspath(__file__))
    code = (
        f"import time, sys; sys.path.insert(0, {here!r}); import bench_mfa_throughput as b; "
        f"t0 = time.perf_counter(); b.warmup({reads}, 1.0); print(time.perf_counter() - t0)"
    )
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
        )
    try:
        return float(out.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return None


def sparse_child(n: int, m: int, steps: int, reads: int, noise: float) -> None:
    """Runs in the subprocess; prints one JSON line."""
    rec: dict[str, float | int | str] = {"rss_after_import_gib": _maxrss_gib()}
    t0 = time.perf_counter()
    warmup(reads, noise)
    rec["warmup_s"] = time.perf_counter() - t0
    rec["rss_after_warmup_gib"] = _maxrss_gib()
    t0 = time.perf_counter()
    model = sparse_model(n, m, seed=0)
    rec["build_s"] = time.perf_counter() - t0
    rec["pairs"] = int(sp.triu(model.eps, k=1).nnz)
    rec["rss_after_build_gib"] = _maxrss_gib()
    t0 = time.perf_counter()
    r = isingeq.solve(
        model, method="mfa", num_reads=reads, num_sweeps=steps, tol=1e-30, noise=noise, rng=0
    )
    rec["solve_s"] = time.perf_counter() - t0
    rec["sweeps"] = int(r.info["sweeps"])
    rec["stopped"] = str(r.info["stopped"])
    rec["best_energy"] = float(r.best_energy)
    rec["peak_rss_gib"] = _maxrss_gib()
    print(json.dumps(rec))


def sparse_section(console: Console, args: argparse.Namespace) -> None:
    n, m, steps, reads = args.sparse_n, args.sparse_couplings, args.sparse_steps, args.sparse_reads
    table = Table(
        title=(
            f"mfa sparse: n = {n:,}, {m:,} random pairs i<j drawn, {steps:,} sweeps, R = {reads} "
            "(fresh subprocess each)"
        )
    )
    for col in (
        "noise",
        "pairs (nnz i<j)",
        "sweeps",
        "JIT/cache warm-up",
        "build model",
        "solve (wall)",
        "per sweep",
        "peak RSS",
        "RSS before solve",
        "best energy",
        f"< {SPARSE_TIME_TARGET_S:.0f} s",
        f"< {SPARSE_MEM_TARGET_GIB:.0f} GiB",
    ):
        table.add_column(col, justify="right")
    for label, noise in NOISES:
        wait_idle(WAIT_IDLE_S)
        cmd = [
            sys.executable,
            os.path.abspath(__file__),
            "--_sparse-child",
            json.dumps({"n": n, "m": m, "steps": steps, "reads": reads, "noise": noise}),
        ]
        out = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if out.returncode != 0:
            console.print(f"[red]sparse child failed ({out.returncode}):[/red]\n{out.stderr}")
            continue
        rec = json.loads(out.stdout.strip().splitlines()[-1])
        assert rec["sweeps"] == steps, rec
        table.add_row(
            label,
            f"{rec['pairs']:,}",
            f"{rec['sweeps']:,}",
            f"{rec['warmup_s']:.2f} s",
            f"{rec['build_s']:.2f} s",
            f"{rec['solve_s']:.2f} s",
            f"{rec['solve_s'] / rec['sweeps'] * 1e3:.2f} ms",
            f"{rec['peak_rss_gib']:.3f} GiB",
            f"{rec['rss_after_build_gib']:.3f} GiB",
            f"{rec['best_energy']:.1f}",
            ok(rec["solve_s"] < SPARSE_TIME_TARGET_S),
            ok(rec["peak_rss_gib"] < SPARSE_MEM_TARGET_GIB),
        )
    console.print(table)
    cold = cold_jit_seconds(reads)
    console.print(
        "  JIT/cache warm-up: a tiny sparse solve in the same subprocess, excluded from 'solve' "
        "(a cache load when numba's on-disk cache is warm); with an empty NUMBA_CACHE_DIR the same warm-up "
        "(cold compile of the kernels it uses) takes "
        + (f"{cold:.2f} s." if cold is not None else "? (the cold run failed).")
    )
    console.print(
        "  solve (wall) includes setup (ARPACK lambda_max for t_c, noise scale) and the final "
        "1-flip polish; peak RSS is the subprocess's ru_maxrss (imports, model and solve)."
    )


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--reads", type=int, default=64)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--sparse-n", type=int, default=100_000)
    ap.add_argument("--sparse-couplings", type=int, default=1_000_000)
    ap.add_argument("--sparse-steps", type=int, default=1000)
    ap.add_argument("--sparse-reads", type=int, default=8)
    ap.add_argument(
        "--wait-idle",
        type=float,
        default=60.0,
        help="before each timed run, wait up to this many seconds for other processes to go idle",
    )
    ap.add_argument("--width", type=int, default=170, help="console width for the tables")
    ap.add_argument("--no-dense", action="store_true")
    ap.add_argument("--no-sparse", action="store_true")
    ap.add_argument("--_sparse-child", dest="sparse_child", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.sparse_child is not None:
        p = json.loads(args.sparse_child)
        sparse_child(p["n"], p["m"], p["steps"], p["reads"], p["noise"])
        return
    global WAIT_IDLE_S
    WAIT_IDLE_S = args.wait_idle
    console = Console(width=args.width)
    console.print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"numba {numba.__version__} ({numba.get_num_threads()} threads), numpy {np.__version__}; "
        f"isingeq {isingeq.__version__} at {git_revision()}"
    )
    if not args.no_dense:
        load = ForeignLoad()
        dense_section(console, args)
        console.print("  dense: " + load.report())
    if not args.no_sparse:
        load = ForeignLoad()
        sparse_section(console, args)
        console.print("  sparse: " + load.report())


if __name__ == "__main__":
    main()
