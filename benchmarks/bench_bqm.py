"""Benchmark ``SpinGlass.from_bqm``: a 10^5-variable, 10^6-interaction sparse BQM converted at its
own size (issue #11 part 0), and the same BQM sampled through the dimod sampler.

For each case (BINARY / SPIN, integer labels / mixed str and tuple labels) a random BQM is built
from arrays (``dimod.BinaryQuadraticModel.from_numpy_vectors``: N(0, 1) biases on random pairs,
about ``--interactions`` of them), then converted ``--repeats`` times; the table gives the best
conversion time, the conversion's peak of traced (numpy / Python) memory (``tracemalloc``,
allocations by dimod's C++ core are not traced but the conversion makes none), that peak per
variable + interaction, and what one dense ``n x n`` float64 array would take instead. Before
this rewrite, a 20,000-variable, 60,000-interaction BQM took 43 s and 15 GB (issue #11).

With ``--sample-time S[,S...]`` a BQM is also sampled by
``isingeq.integrations.dimod.MeanFieldSampler`` with ``time_limit=S`` for each S and each of
``--methods`` (default: the sampler's default), ``--sample-repeats`` times each after a warm-up
call (numba's kernels loaded), each run started once other processes leave the machine idle
(waited for ``--idle-wait`` seconds at most): the table gives the median and the largest wall
time of the whole call, that median over the limit, and the median of each part of the
SampleSet's ``info["timing"]``. The BQM is
``--sample-bqm``: ``random`` (the table's first: BINARY, ``--interactions`` random pairs, int
labels), ``regular3`` (a random 3-regular graph, ``dimod.generators.uniform`` SPIN biases in
[-1, 1], int labels), ``lattice`` (a 2-D square lattice of about ``--variables`` nodes,
``dimod.generators.ran_r(1, ...)``, tuple labels) or ``dict`` (BINARY, built from Python
dicts with ``--interactions`` random pairs, str labels "x0", "x1", ... that sort otherwise).
The process's peak RSS (``ru_maxrss``) is reported at the end.

Run:  python benchmarks/bench_bqm.py  [--variables 100000] [--interactions 1000000]
      [--repeats 3] [--sample-time 0.1,1] [--methods mfa-hybrid,tabu,mfa-async]
      [--sample-bqm random|regular3|lattice|dict] [--sample-repeats 3] [--idle-wait 5]
"""

from __future__ import annotations

import argparse
import math
import platform
import resource
import statistics
import time
import tracemalloc

import dimod
import numpy as np
from _machine import ForeignLoad, git_revision, wait_idle
from rich.console import Console
from rich.table import Table

import isingeq
from isingeq import SpinGlass


def build(n: int, m: int, vartype: str, mixed: bool, seed: int = 0) -> dimod.BinaryQuadraticModel:
    rng = np.random.default_rng(seed)
    i, j = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = i != j
    labels = [f"v{k}" if k % 2 else ("t", k) for k in range(n)] if mixed else None
    return dimod.BinaryQuadraticModel.from_numpy_vectors(
        rng.normal(size=n),
        (i[keep], j[keep], rng.normal(size=int(keep.sum()))),
        0.5,
        vartype,
        variable_order=labels,
    )


def sample_bqm(kind: str, n: int, m: int) -> dimod.BinaryQuadraticModel:
    """The BQM ``--sample-bqm`` names (module docstring)."""
    if kind == "random":
        return build(n, m, "BINARY", False)
    if kind == "dict":
        rng = np.random.default_rng(0)
        i, j = rng.integers(0, n, m), rng.integers(0, n, m)
        keep = i != j
        linear = {f"x{k}": float(b) for k, b in enumerate(rng.normal(size=n))}
        biases = rng.normal(size=int(keep.sum())).tolist()
        pairs = zip(i[keep].tolist(), j[keep].tolist(), biases, strict=True)
        quadratic = {(f"x{u}", f"x{v}"): b for u, v, b in pairs}
        return dimod.BinaryQuadraticModel(linear, quadratic, 1.5, "BINARY")
    import networkx as nx

    if kind == "regular3":
        graph = nx.random_regular_graph(3, n, seed=0)
        return dimod.generators.uniform(graph, "SPIN", low=-1.0, high=1.0, seed=0)
    side = math.isqrt(n)
    return dimod.generators.ran_r(1, nx.grid_2d_graph(side, side), seed=0)


def time_sampler(
    console: Console,
    bqm: dimod.BinaryQuadraticModel,
    kind: str,
    methods: list[str | None],
    limits: list[float],
    repeats: int,
    idle_wait: float,
) -> None:
    """Wall time of ``MeanFieldSampler(method).sample(bqm, time_limit=...)`` and its parts."""
    from isingeq.integrations.dimod import MeanFieldSampler

    table = Table(
        title=f"MeanFieldSampler(method).sample(bqm, time_limit=T), {kind} BQM: "
        f"{bqm.num_variables:,} variables, {bqm.num_interactions:,} interactions; "
        f"median of {repeats} runs",
    )
    cols = ("method", "T s", "wall s", "max s", "wall/T", "pre s", "sampling s", "post s", "reads")
    for col in cols:
        table.add_column(col, justify="right")
    busy = []
    for method in methods:
        sampler = MeanFieldSampler(method)
        sampler.sample(bqm, time_limit=0.05, seed=0)  # numba's kernels loaded
        for limit in limits:
            walls, parts = [], []
            for r in range(repeats):
                wait_idle(idle_wait)
                load = ForeignLoad()
                t0 = time.perf_counter()
                ss = sampler.sample(bqm, time_limit=limit, seed=r)
                walls.append(time.perf_counter() - t0)
                busy.append(load.cores())
                parts.append(ss.info["timing"])
            wall = statistics.median(walls)
            part = {k: statistics.median(p[k] for p in parts) / 1e9 for k in parts[0]}
            table.add_row(
                sampler.method,
                f"{limit:g}",
                f"{wall:.3f}",
                f"{max(walls):.3f}",
                f"{wall / limit:.2f}",
                f"{part['preprocessing_ns']:.3f}",
                f"{part['sampling_ns']:.3f}",
                f"{part['postprocessing_ns']:.3f}",
                str(len(ss)),
            )
    console.print(table)
    console.print(
        f"other processes kept {max(busy):.2f} cores busy at most during a timed run "
        f"(median {statistics.median(busy):.2f})"
    )


def convert(bqm: dimod.BinaryQuadraticModel, repeats: int) -> tuple[SpinGlass, float, int]:
    """Best time of ``repeats`` conversions and the traced peak of one of them."""
    best = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        model = SpinGlass.from_bqm(bqm)
        best = min(best, time.perf_counter() - t0)
    tracemalloc.start()
    try:
        model = SpinGlass.from_bqm(bqm)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return model, best, peak


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--variables", type=int, default=100_000)
    ap.add_argument("--interactions", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--sample-time", default="", help="seconds, comma-separated: 0.1,1")
    ap.add_argument("--methods", default="", help="comma-separated; default the sampler's")
    ap.add_argument(
        "--sample-bqm", choices=("random", "regular3", "lattice", "dict"), default="random"
    )
    ap.add_argument("--sample-repeats", type=int, default=3)
    ap.add_argument(
        "--idle-wait", type=float, default=5.0, help="seconds to wait for an idle machine"
    )
    args = ap.parse_args()
    limits = [float(t) for t in args.sample_time.split(",") if t.strip()]
    methods: list[str | None] = [m.strip() for m in args.methods.split(",") if m.strip()]
    console = Console(width=120)
    n, m = args.variables, args.interactions
    load = ForeignLoad()
    table = Table(
        title=f"SpinGlass.from_bqm: {n:,} variables, ~{m:,} interactions",
        caption=f"git {git_revision()} · isingeq {isingeq.__version__} · dimod "
        f"{dimod.__version__} · {platform.processor() or platform.machine()}",
    )
    for col in ("vartype", "labels", "build BQM", "convert (best)", "peak traced", "bytes/(n+m)"):
        table.add_column(col, justify="right")
    first = None
    for vartype, mixed in (("BINARY", False), ("SPIN", False), ("BINARY", True)):
        t0 = time.perf_counter()
        bqm = build(n, m, vartype, mixed)
        t_build = time.perf_counter() - t0
        model, best, peak = convert(bqm, args.repeats)
        assert model.is_sparse and model.n == n
        first = first or bqm
        size = n + bqm.num_interactions
        table.add_row(
            vartype,
            "str / tuple" if mixed else "int",
            f"{t_build:.2f} s",
            f"{best:.3f} s",
            f"{peak / 2**20:.0f} MiB",
            f"{peak / size:.0f}",
        )
    console.print(table)
    console.print(f"one dense n x n float64 array would be {8 * n * n / 2**30:,.0f} GiB")
    if limits and first is not None:
        bqm = first if args.sample_bqm == "random" else sample_bqm(args.sample_bqm, n, m)
        time_sampler(
            console,
            bqm,
            args.sample_bqm,
            methods or [None],
            limits,
            args.sample_repeats,
            args.idle_wait,
        )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB on Linux
    console.print(f"process peak RSS {rss:.2f} GiB; {load.report()}")


if __name__ == "__main__":
    main()
