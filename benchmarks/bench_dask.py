"""Benchmark the Dask runs (issue #12): reproduce's throughput and exact enumeration's scaling.

1. ``isingeq reproduce --sizes 20 --trials 200`` in-process, on a local cluster of 1 worker
   process (all cores as its threads, the default layout), of 1 worker on 1 thread (the unit
   the ``--workers`` cluster is made of, so the like-for-like scaling) and of ``--workers``
   worker processes (cores // workers threads each): instances/s of each, the ratios against
   both one-worker clusters (target >= 1.6x on 2 cores) and whether the records are identical
   (all columns but ``time_s``).
2. ``method="exact"`` at ``--exact-n`` (default 34): states/s in one process (numba on all
   cores, and on 1 thread) and on the local cluster; the scaling efficiency is the cluster's
   states/s over the single process's (all cores), and over workers x the 1-thread rate.

Clusters are started before the clock starts (their start-up is reported apart). Every figure
comes with the other processes' load while it ran (``_machine.ForeignLoad``): on a shared
machine the ratios are contaminated, and the script says so.

Run:  python benchmarks/bench_dask.py  [--trials 200] [--workers 2] [--exact-n 34] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

import numba
import numpy as np
from _machine import ForeignLoad, git_revision
from rich.console import Console

import isingeq
from isingeq.distributed import connect, local_layout
from isingeq.experiments.reproduce import run_reproduce

console = Console()


def _cpu_s(client: Any) -> float:
    """CPU seconds used so far by the cluster's worker processes (0 without a cluster)."""
    if client is None:
        return 0.0
    return sum(t.user + t.system for t in client.run(os.times).values())


def _load(load: ForeignLoad, wall: float, ours: float) -> str:
    """Other processes' load while a run took ``wall`` s, our workers' ``ours`` CPU-s excluded
    (``ForeignLoad`` counts every process but this one)."""
    foreign = max(load.cores() * wall - ours, 0.0)
    flag = "  [red]machine was shared: timings pessimistic[/red]" if foreign > 0.1 * wall else ""
    return f"other processes used {foreign:.1f} CPU-s (avg {foreign / wall:.2f} cores){flag}"


def _untimed(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k != "time_s"} for r in records]


def bench_reproduce(size: int, trials: int, workers: int, repeats: int = 3) -> None:
    console.rule(f"reproduce --sizes {size} --trials {trials}")
    runs: dict[str, tuple[float, list[dict[str, Any]]]] = {}
    one_thread = "local, 1 worker on 1 thread"
    for label, scheduler, w, threads in (
        ("in-process", None, None, None),
        ("local, 1 worker", "local", 1, None),
        (one_thread, "local", 1, 1),
        (f"local, {workers} workers", "local", workers, None),
    ):
        t0 = time.perf_counter()
        with connect(scheduler, workers=w, threads=threads) as client:
            start = time.perf_counter() - t0
            # warm up off the clock (imports, numba's compiled kernels), in-process too; enough
            # small instances that every worker gets some (each warms itself up once)
            run_reproduce([8], 32 * (w or 1), seed=1, scheduler=client)
            walls = []
            for _ in range(repeats):  # the median of several runs on the same cluster
                cpu0, load, t1 = _cpu_s(client), ForeignLoad(), time.perf_counter()
                run = run_reproduce([size], trials, seed=0, scheduler=client)
                walls.append(time.perf_counter() - t1)
                report = _load(load, walls[-1], _cpu_s(client) - cpu0)
            wall = float(np.median(walls))
        layout = "" if w is None else f" ({threads or local_layout(w)[1]} thread(s) each)"
        console.print(
            f"{label}{layout}: {trials / wall:.2f} instances/s (median of {repeats} runs: "
            f"{', '.join(f'{x:.2f}' for x in walls)} s; cluster start {start:.1f} s); last "
            f"run: {report}",
            highlight=False,
        )
        runs[label] = (trials / wall, run.records)
    one = runs["local, 1 worker"][0]
    many = runs[f"local, {workers} workers"][0]
    same = all(_untimed(r) == _untimed(runs["in-process"][1]) for _, r in runs.values())
    console.print(
        f"throughput {workers} workers / 1 worker: {many / one:.2f}x (target >= 1.6x on 2 cores); "
        f"/ 1 worker on 1 thread: {many / runs[one_thread][0]:.2f}x; vs in-process: "
        f"{many / runs['in-process'][0]:.2f}x; records identical: {same}",
        highlight=False,
    )


def bench_exact(n: int, workers: int) -> None:
    console.rule(f"exact, n = {n}")
    model = isingeq.paper_instance(n, rng=0)
    isingeq.solve(isingeq.paper_instance(16, rng=0), method="exact")  # compile / load
    rates = {}
    old = numba.get_num_threads()
    for label, threads in (("1 process, all cores", old), ("1 process, 1 thread", 1)):
        numba.set_num_threads(threads)
        load = ForeignLoad()
        r = isingeq.solve(model, method="exact")
        rates[label] = r.info["states_per_s"]
        console.print(f"{label}: {rates[label]:.3g} states/s; {load.report()}", highlight=False)
    numba.set_num_threads(old)
    with connect("local", workers=workers) as client:
        isingeq.solve(isingeq.paper_instance(22, rng=0), method="exact", client=client)  # warm
        cpu0, load, t1 = _cpu_s(client), ForeignLoad(), time.perf_counter()
        r = isingeq.solve(model, method="exact", client=client)
        report = _load(load, time.perf_counter() - t1, _cpu_s(client) - cpu0)
        cluster = r.info["states_per_s"]
        console.print(
            f"local cluster, {workers} workers, {r.info['blocks']} blocks: {cluster:.3g} "
            f"states/s; {report}",
            highlight=False,
        )
        local = isingeq.solve(model, method="exact") if n <= 30 else None
    if local is not None:
        same = bool(np.array_equal(local.samples, r.samples))
        console.print(f"same ground state as in-process: {same}", highlight=False)
    console.print(
        f"scaling efficiency: {cluster / rates['1 process, all cores']:.2f} of one process on all "
        f"cores; {cluster / (workers * rates['1 process, 1 thread']):.2f} of {workers} x one "
        f"thread. At this rate 2^34 states take {2.0**34 / cluster:.0f} s.",
        highlight=False,
    )


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--size", type=int, default=20)
    ap.add_argument("--trials", type=int, default=200)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--exact-n", type=int, default=34)
    ap.add_argument("--skip-reproduce", action="store_true")
    ap.add_argument("--skip-exact", action="store_true")
    ap.add_argument("--repeats", type=int, default=3, help="reproduce runs per cluster (median)")
    args = ap.parse_args()
    console.print(f"isingeq {git_revision()}, {os.cpu_count()} cores", highlight=False)
    if not args.skip_reproduce:
        bench_reproduce(args.size, args.trials, args.workers, args.repeats)
    if not args.skip_exact:
        bench_exact(args.exact_n, args.workers)


if __name__ == "__main__":
    main()
