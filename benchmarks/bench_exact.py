"""Benchmark the exact solver: states/s for n = 20..30 and ratios against baselines in the same run.

Baselines measured here, now, on the same machine:
* a plain single-core Gray-code loop (numba, incremental local fields, O(n) work per state), the
  textbook method the block kernel replaces;
* ``dimod.ExactSolver`` at n = 16, 18, 20 (the reference solver of the D-Wave Ocean stack).

Run:  python benchmarks/bench_exact.py  [--max-n 30] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numba
import numpy as np
from numba import njit
from rich.console import Console
from rich.table import Table

import isingeq


@njit(cache=True)
def plain_gray_code(h, J):  # pragma: no cover - baseline, compiled
    """Single-core Gray-code enumeration with O(n) local-field updates per state."""
    n = h.shape[0]
    x = np.zeros(n, dtype=np.int64)
    g = h.copy()  # xi = h + J x
    e = 0.0
    best = 0.0
    for step in range(1, 1 << n):
        j = 0
        while not (step >> j) & 1:
            j += 1
        d = 1.0 - 2.0 * x[j]
        e -= d * g[j]
        x[j] ^= 1
        for i in range(n):
            g[i] += d * J[i, j]
        if e < best:
            best = e
    return best


def timed(fn, repeats: int) -> float:
    best = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--max-n", type=int, default=30)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--no-dimod", action="store_true")
    args = ap.parse_args()
    console = Console()
    console.print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"numba {numba.__version__} ({numba.get_num_threads()} threads), numpy {np.__version__}"
    )
    # warm up (JIT / cache load)
    warm = isingeq.paper_instance(16, rng=0)
    isingeq.solve(warm, method="exact")
    plain_gray_code(warm.h, warm.dense_J())

    table = Table(title="exact enumeration: states per second (best of repeats)")
    for col in ("n", "isingeq exact", "time", "plain Gray code (1 core)", "time", "ratio"):
        table.add_column(col, justify="right")
    for n in range(20, args.max_n + 1, 2):
        m = isingeq.paper_instance(n, rng=n)
        reps = args.repeats if n <= 28 else 1
        t_ours = timed(lambda m=m: isingeq.solve(m, method="exact"), reps)
        e_ours = isingeq.solve(m, method="exact").best_energy
        if n <= 26:
            t_plain = timed(lambda m=m: plain_gray_code(m.h, m.dense_J()), 1)
            e_plain = plain_gray_code(m.h, m.dense_J())
            # the plain loop accumulates rounding over 2^n steps; ours is re-checked in float64
            assert abs(e_plain - e_ours) < 1e-6 * abs(e_ours), (e_plain, e_ours)
            plain = (
                f"{2**n / t_plain / 1e6:,.0f} M/s",
                f"{t_plain:.3f} s",
                f"{t_plain / t_ours:.1f}x",
            )
        else:
            plain = ("-", "-", "-")
        table.add_row(str(n), f"{2**n / t_ours / 1e6:,.0f} M/s", f"{t_ours:.3f} s", *plain)
    console.print(table)

    if args.no_dimod:
        return
    import dimod

    table = Table(title="isingeq exact vs dimod.ExactSolver (same instance, same answer checked)")
    for col in ("n", "dimod.ExactSolver", "isingeq exact", "speed-up"):
        table.add_column(col, justify="right")
    for n in (16, 18, 20):
        m = isingeq.paper_instance(n, rng=100 + n)
        bqm = m.to_bqm()
        t0 = time.perf_counter()
        ss = dimod.ExactSolver().sample(bqm)
        t_dimod = time.perf_counter() - t0
        t_ours = timed(lambda m=m: isingeq.solve(m, method="exact"), args.repeats)
        assert abs(ss.first.energy - isingeq.solve(m, method="exact").best_energy) < 1e-9
        table.add_row(
            str(n), f"{t_dimod:.3f} s", f"{t_ours * 1e3:.2f} ms", f"{t_dimod / t_ours:,.0f}x"
        )
    console.print(table)


if __name__ == "__main__":
    main()
