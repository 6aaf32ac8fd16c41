"""Benchmark how the replica-parallel kernels scale with numba's threads on small models.

Every heuristic runs its replicas (``num_reads``) in a numba ``prange``, one replica per thread.
On small models a replica's arrays are a few cache lines, and replicas that share a line slow
each other down (false sharing: each write by one thread evicts the line from the other's
cache). This script times ``solve`` per method and thread count with ``num_reads`` fixed (the
same work on 1 and on all threads), on paper instances (dense, ``--sizes``) and on Gset graphs
(sparse, ``--gset``, read from ``../shared/data``), and prints the speedup of all threads over
one: 2 on 2 cores is perfect.

A second table times solves run side by side on Python threads (a thread pool of one thread per
core, each solve on one numba and one BLAS thread: a Dask worker's threads, a server's), against the same
solves one after another: the kernels release the GIL (``nogil``), so the pool's threads overlap
except in ``solve``'s Python code.

Run:  python benchmarks/bench_threads.py  [--sizes 20,100,800] [--gset G14,G55] [--reads 2]
                                           [--table both|threads|pool]
"""

from __future__ import annotations

import argparse
import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numba
from _machine import ForeignLoad, git_revision
from rich.console import Console
from rich.table import Table
from threadpoolctl import threadpool_limits

import isingeq
import isingeq.datasets

console = Console()

#: Each method with a fixed schedule, so a solve does the same work whatever the threads.
METHODS = {
    "tabu": {"num_sweeps": 200},
    "mfa-async": {},
    "mfa-hybrid": {},
}


def _time(models: list[isingeq.SpinGlass], method: str, opts: dict, threads: int) -> float:
    """Seconds per solve, the mean over ``models``, on ``threads`` numba threads."""
    numba.set_num_threads(threads)
    isingeq.solve(models[0], method=method, rng=0, **opts)  # compile / load, untimed
    t0 = time.perf_counter()
    for k, m in enumerate(models):
        isingeq.solve(m, method=method, rng=k, **opts)
    return (time.perf_counter() - t0) / len(models)


#: The pool table's methods: every method with a fixed schedule (exact up to ``EXACT_MAX`` nodes).
POOL_METHODS = {**METHODS, "mfa": {}, "greedy": {}, "scipy-root": {}, "exact": {}}
EXACT_MAX = 24


def _time_pool(models: list[isingeq.SpinGlass], method: str, opts: dict, workers: int) -> float:
    """Seconds per solve, ``models`` solved on a pool of ``workers`` Python threads, each solve
    on one numba thread and one BLAS thread (1 worker: one after another); passes over
    ``models`` repeat until half a second has passed, so that millisecond solves are timed over
    many."""

    def one(k: int) -> None:
        numba.set_num_threads(1)  # thread-local: this solve's thread only
        isingeq.solve(models[k % len(models)], method=method, rng=k, **opts)

    # BLAS on one thread too (process-wide, as Dask's workers set it): OpenBLAS's own threads
    # on top of the pool's would oversubscribe the cores (mfa at n = 100: 1.2x instead of 1.9x)
    with threadpool_limits(1, user_api="blas"), ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, range(workers)))  # compile / load, untimed
        done, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < 0.5:
            list(pool.map(one, range(done, done + len(models))))
            done += len(models)
    return (time.perf_counter() - t0) / done


def _table(title: str, cores: int, cols: tuple[str, str] | None = None) -> Table:
    table = Table(title=title)
    one, many = cols or ("1 thread", f"{cores} threads")
    for col in ("model", "method", one, many, "speedup"):
        table.add_column(col, justify="right")
    return table


def _row(table: Table, label: str, method: str, one: float, many: float) -> None:
    """A row: seconds per solve one way and the other, and the speedup."""
    table.add_row(
        label, method, f"{1e3 * one:.2f} ms", f"{1e3 * many:.2f} ms", f"{one / many:.2f}x"
    )


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", default="20,100,800")
    ap.add_argument("--reads", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--gset", default="G14,G55", help="sparse graphs ('' for none)")
    ap.add_argument("--repeats", type=int, default=10, help="paper instances per cell")
    ap.add_argument("--data-dir", default=str(Path(__file__).parents[2] / "shared" / "data"))
    ap.add_argument(
        "--table", choices=("both", "threads", "pool"), default="both", help="which table(s)"
    )
    args = ap.parse_args()
    cores = numba.config.NUMBA_NUM_THREADS
    console.print(
        f"isingeq {git_revision()}, {os.cpu_count()} cores, numba threads 1 and {cores}, "
        f"num_reads={args.reads}",
        highlight=False,
    )
    load = ForeignLoad()
    kinds: dict[str, list[isingeq.SpinGlass]] = {}
    for n in (int(v) for v in args.sizes.split(",") if v):
        kinds[f"paper n={n}"] = [isingeq.paper_instance(n, rng=k) for k in range(args.repeats)]
    for name in (v for v in args.gset.split(",") if v):
        inst = isingeq.datasets.load(name, data_dir=args.data_dir)
        kinds[f"{name} (n={inst.model.n}, sparse)"] = [inst.model]
    if args.table != "pool":
        table = _table(f"time per solve, 1 thread vs {cores} (num_reads = {args.reads})", cores)
        for label, models in kinds.items():
            for method, fixed in METHODS.items():
                opts = {**fixed, "num_reads": args.reads}
                _row(
                    table,
                    label,
                    method,
                    _time(models, method, opts, 1),
                    _time(models, method, opts, cores),
                )
        numba.set_num_threads(cores)
        console.print(table)
    if args.table != "threads":
        title = (
            f"time per solve on Python threads, 1 vs {cores} (numba and BLAS on 1 thread each; "
            f"num_reads = {args.reads} for {', '.join(METHODS)}, the default for the others)"
        )
        pool = _table(title, cores, ("serial", f"{cores} Python threads"))
        for label, models in kinds.items():
            if len(models) < cores:
                continue  # one Gset graph: nothing to run side by side
            for method, fixed in POOL_METHODS.items():
                if method == "exact" and models[0].n > EXACT_MAX:
                    continue
                opts = {**fixed, "num_reads": args.reads} if method in METHODS else fixed
                one = _time_pool(models, method, opts, 1)
                _row(pool, label, method, one, _time_pool(models, method, opts, cores))
        console.print(pool)
    console.print(load.report(), highlight=False)


if __name__ == "__main__":
    main()
