"""Benchmark tabu's two move kernels on sparse models: the scan and the max-trees.

A tabu move flips the variable of largest gain among those not tabu (:mod:`isingeq.solvers.tabu`).
The scan (:func:`isingeq.solvers._kernels.tabu_moves`) reads every gain, ``O(n)`` a move; the
trees (:func:`isingeq.solvers._kernels.tabu_moves_sparse`) keep the gains in two max-trees and
update the ``O(degree)`` leaves a flip changes, ``O(degree log n)`` a move. This script times
both kernels on the same searches (one replica, one numba thread, the same start and stream;
where no two gains tie, they make the same moves) on Gset graphs from ``../shared/data`` and on
2-D +-J tori (``ea-LxL``), and prints the moves per second of each and their ratio, beside the
choice :func:`isingeq.solvers.tabu.by_trees` makes for the model: the crossover constant
``_TREE_FACTOR`` is read from the ratios.

Run:  python benchmarks/bench_tabu.py  [--gset G14,G22,G55,G81] [--tori 16,32,64,316,1000]
                                       [--seconds 1.0]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numba
import numpy as np
from _machine import ForeignLoad, git_revision
from rich.console import Console
from rich.table import Table

import isingeq
import isingeq.datasets
from isingeq.solvers import _kernels, tabu

console = Console()


def moves_per_second(model: isingeq.SpinGlass, trees: bool, seconds: float) -> float:
    """Moves per second of one replica's search, in doubling chunks until ``seconds`` pass."""
    n = model.n
    x0 = np.random.default_rng(0).integers(0, 2, size=(1, n), dtype=np.uint8)
    # the kernel under test, whatever by_trees says
    search = tabu.TabuSearch(
        model, x0, tabu.default_tenure(n), np.random.default_rng(1), trees=trees
    )
    search.advance(16)  # compiled / loaded (the trees are built when the search is made)
    moves, spent, chunk = 0, 0.0, 64
    while spent < seconds:
        t0 = time.perf_counter()
        search.advance(chunk)
        spent += time.perf_counter() - t0
        moves += chunk
        chunk *= 2
    return moves / spent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gset", default="G14,G22,G55,G81")
    ap.add_argument("--tori", default="16,32,64,316,1000", help="sides L of the L x L tori")
    ap.add_argument("--seconds", type=float, default=1.0, help="timed seconds per kernel")
    ap.add_argument("--data-dir", default=str(Path(__file__).resolve().parents[2] / "shared/data"))
    args = ap.parse_args()
    numba.set_num_threads(1)
    load = ForeignLoad()
    specs = [g for g in args.gset.split(",") if g] + [
        f"ea-{L}x{L}" for L in map(int, filter(None, args.tori.split(",")))
    ]
    table = Table(
        title=f"tabu moves per second, one replica, one thread (isingeq {git_revision()})"
    )
    for col in ("model", "n", "degree", "scan", "trees", "trees / scan", "by_trees"):
        table.add_column(col, justify="right")
    _kernels.tabu_moves_sparse  # noqa: B018  (imported: the scripts run against this tree)
    for spec in specs:
        model = isingeq.datasets.resolve(spec, data_dir=args.data_dir).model
        scan = moves_per_second(model, False, args.seconds)
        trees = moves_per_second(model, True, args.seconds)
        degree = model.J.nnz / model.n
        table.add_row(
            spec,
            f"{model.n:,}",
            f"{degree:.1f}",
            f"{scan:,.0f}",
            f"{trees:,.0f}",
            f"{trees / scan:.2f}x",
            str(tabu.by_trees(model)),
        )
    console.print(table)
    console.print(f"other processes kept {load.cores():.2f} cores busy on average")


if __name__ == "__main__":
    main()
