"""``isingeq analyze``: how many ``t = inf`` solutions eq. 16 has on paper instances, against n.

For each size ``n`` and each of ``trials`` paper instances (``eps_ij ~ U[-1, 1]``), every
``t = inf`` solution of eq. 16 is enumerated (:func:`isingeq.fixed_points`), and the basin of
the ground state under the asynchronous update (nodes in index order, from every one of the
``2^n`` starts, or from ``num_starts`` random starts above ``n = 20``) is measured
(:func:`isingeq.ground_state_basin`).

Seeds: instance ``(n, trial)`` uses ``SeedSequence(seed, spawn_key=(n,)).spawn(trials)[trial]``,
so a row does not depend on which other sizes are run.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .._validation import check_int
from ..generators import paper_instance
from ..perceptron import fixed_points, ground_state_basin
from ..solvers.exact import EXACT_MAX_N

__all__ = ["ANALYZE_FIELDS", "plot_analyze", "run_analyze"]

ANALYZE_FIELDS = ("n", "trial", "num_solutions", "unique", "basin", "basin_exact")
#: Above this n the basin is estimated from random starts instead of all 2^n.
_ALL_STARTS_MAX_N = 20


def run_analyze(
    sizes: Sequence[int],
    trials: int,
    seed: int = 0,
    *,
    num_starts: int = 4096,
    on_instance: Callable[[int, int], None] | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Records (one per instance) and a summary (one row per n).

    Summary columns: ``n``, ``trials``, ``mean_solutions``, ``median_solutions``,
    ``max_solutions``, ``unique_fraction`` (instances whose ground state is the only solution),
    ``mean_basin`` (fraction of starts that reach the ground state).

    Examples
    --------
    >>> records, summary = run_analyze([4], 5, seed=0)
    >>> len(records), summary[0]["n"], summary[0]["mean_solutions"] >= 1
    (5, 4, True)
    """
    ns = [check_int("sizes", n, low=1, high=EXACT_MAX_N) for n in sizes]
    trials = check_int("trials", trials, low=1)
    num_starts = check_int("num_starts", num_starts, low=1)
    records: list[dict[str, Any]] = []
    summary: list[dict[str, Any]] = []
    for n in ns:
        children = np.random.SeedSequence(seed, spawn_key=(n,)).spawn(trials)
        rows = []
        for trial, child in enumerate(children):
            inst_seed, start_seed = child.spawn(2)
            model = paper_instance(n, rng=inst_seed)
            count = len(fixed_points(model))
            exact = n <= _ALL_STARTS_MAX_N
            basin = ground_state_basin(
                model, num_starts=None if exact else num_starts, rng=start_seed
            )
            row = {
                "n": n,
                "trial": trial,
                "num_solutions": count,
                "unique": count == 1,
                "basin": basin,
                "basin_exact": exact,
            }
            rows.append(row)
            if on_instance is not None:
                on_instance(n, trial)
        records.extend(rows)
        counts = np.array([r["num_solutions"] for r in rows])
        summary.append(
            {
                "n": n,
                "trials": trials,
                "mean_solutions": float(counts.mean()),
                "median_solutions": float(np.median(counts)),
                "max_solutions": int(counts.max()),
                "unique_fraction": float(np.mean(counts == 1)),
                "mean_basin": float(np.mean([r["basin"] for r in rows])),
            }
        )
    return records, summary


def plot_analyze(summary: Sequence[dict[str, Any]], path: str | Path) -> Path:
    """Mean number of solutions, unique fraction and ground-state basin against n (PNG)."""
    from ..plotting import _pyplot

    plt = _pyplot()
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8), constrained_layout=True)
    ns = [r["n"] for r in summary]
    axes[0].semilogy(ns, [r["mean_solutions"] for r in summary], "o-")
    axes[0].set_title("mean number of t = inf solutions")
    axes[1].plot(ns, [100 * r["unique_fraction"] for r in summary], "o-")
    axes[1].set_title("ground state is the only solution (% of instances)")
    axes[2].plot(ns, [100 * r["mean_basin"] for r in summary], "o-")
    axes[2].set_title("ground-state basin, async update (% of starts)")
    for ax in axes:
        ax.set_xlabel("nodes n")
        ax.grid(alpha=0.3)
    out = Path(path)
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out


def write_outputs(
    records: Sequence[dict[str, Any]], summary: Sequence[dict[str, Any]], out: Path
) -> dict[str, Path]:
    """``records.csv``, ``summary.json`` and ``analyze.png`` under ``out``."""
    import csv

    out.mkdir(parents=True, exist_ok=True)
    paths = {"records": out / "records.csv", "summary": out / "summary.json"}
    with open(paths["records"], "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=ANALYZE_FIELDS)
        writer.writeheader()
        writer.writerows(records)
    paths["summary"].write_text(json.dumps(list(summary), indent=2))
    paths["plot"] = plot_analyze(summary, out / "analyze.png")
    return paths
