"""Benchmark ``SpinGlass.from_bqm``: a 10^5-variable, 10^6-interaction sparse BQM converted at its
own size (issue #11 part 0), and the same BQM sampled through the dimod sampler.

For each case (BINARY / SPIN, integer labels / mixed str and tuple labels) a random BQM is built
from arrays (``dimod.BinaryQuadraticModel.from_numpy_vectors``: N(0, 1) biases on random pairs,
about ``--interactions`` of them), then converted ``--repeats`` times; the table gives the best
conversion time, the conversion's peak of traced (numpy / Python) memory (``tracemalloc``,
allocations by dimod's C++ core are not traced but the conversion makes none), that peak per
variable + interaction, and what one dense ``n x n`` float64 array would take instead. Before
this rewrite, a 20,000-variable, 60,000-interaction BQM took 43 s and 15 GB (issue #11).

With ``--sample-time S`` the first BQM is also sampled by
``isingeq.integrations.dimod.MeanFieldSampler`` for ``time_limit=S`` seconds (the SampleSet's
``info["timing"]`` is printed), and the process's peak RSS (``ru_maxrss``) is reported at the end.

Run:  python benchmarks/bench_bqm.py  [--variables 100000] [--interactions 1000000]
      [--repeats 3] [--sample-time 2]
"""

from __future__ import annotations

import argparse
import platform
import resource
import time
import tracemalloc

import dimod
import numpy as np
from _machine import ForeignLoad, git_revision
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
    ap.add_argument("--sample-time", type=float, default=0.0)
    args = ap.parse_args()
    console = Console()
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
    if args.sample_time > 0 and first is not None:
        from isingeq.integrations.dimod import MeanFieldSampler

        t0 = time.perf_counter()
        ss = MeanFieldSampler().sample(first, time_limit=args.sample_time, seed=0)
        wall = time.perf_counter() - t0
        timing = {k: f"{v / 1e9:.3f} s" for k, v in ss.info["timing"].items()}
        console.print(
            f"MeanFieldSampler().sample(bqm, time_limit={args.sample_time:g}, seed=0): "
            f"{len(ss)} reads, best energy {ss.first.energy:.6g}, method {ss.info['method']}, "
            f"wall {wall:.2f} s, timing {timing}"
        )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB on Linux
    console.print(f"process peak RSS {rss:.2f} GiB; {load.report()}")


if __name__ == "__main__":
    main()
