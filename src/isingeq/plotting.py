"""Plots (matplotlib, non-interactive Agg backend): figures written to files."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["plot_reproduce"]


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


def plot_reproduce(
    summary: Sequence[Mapping[str, Any]],
    path: str | Path,
    paper: Mapping[int, tuple[float, float]] | None = None,
) -> Path:
    """Correct rate and energy ratio against n, one line per method, the paper's points beside.

    Parameters
    ----------
    summary : sequence of dict
        Rows with ``n``, ``method``, ``correct_rate``, ``energy_ratio`` (as from ``reproduce``).
    path : str or Path
        Output file (PNG).
    paper : mapping n -> (correct rate, energy ratio), optional

    Returns
    -------
    Path
    """
    plt = _pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    methods = list(dict.fromkeys(r["method"] for r in summary))
    for method in methods:
        rows = sorted((r for r in summary if r["method"] == method), key=lambda r: r["n"])
        ns = [r["n"] for r in rows]
        style = "--" if method == "exact" else "-"
        axes[0].plot(ns, [100 * r["correct_rate"] for r in rows], style, marker="o", label=method)
        axes[1].plot(ns, [100 * r["energy_ratio"] for r in rows], style, marker="o", label=method)
    if paper:
        ps = sorted(paper)
        axes[0].plot(ps, [100 * paper[n][0] for n in ps], "k*", ms=12, label="paper (SciPy)")
        axes[1].plot(ps, [100 * paper[n][1] for n in ps], "k*", ms=12, label="paper (SciPy)")
    for ax, title in zip(
        axes, ("correct rate (% of nodes)", "energy ratio H_found / H_exact (%)"), strict=True
    ):
        ax.set_xlabel("nodes n")
        ax.set_title(title)
        ax.grid(alpha=0.3)
    axes[1].legend(fontsize=8, loc="lower left")
    out = Path(path)
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out
