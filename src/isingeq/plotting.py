"""Plots (matplotlib, non-interactive Agg backend): figures written to files."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["plot_bench", "plot_reproduce", "save_figure"]


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


def save_figure(fig: Any, path: str | Path, *, dpi: int = 120) -> Path:
    """Write ``fig`` to ``path`` atomically (a temporary file in the same folder, then a rename,
    so a reader never sees half a PNG) and close it."""
    import os
    import tempfile

    out = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=out.suffix, dir=out.parent)
    os.close(fd)
    try:
        fig.savefig(tmp, dpi=dpi)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
        _pyplot().close(fig)
    return out


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
    return save_figure(fig, path)


def plot_bench(
    instance: str,
    curves: Mapping[str, Sequence[Mapping[str, Any]]],
    path: str | Path,
    *,
    reference: float | None = None,
    reference_label: str = "best known",
    sense: str = "max",
) -> Path:
    """Objective against the time actually used, one line per solver, for one instance.

    Parameters
    ----------
    instance : str
        The instance's name (the title).
    curves : mapping solver -> sequence of dict
        Points with ``mean_time_s``, ``mean_objective``, ``min_objective``, ``max_objective``
        (one per budget, as in ``isingeq bench``'s summary); the band spans min..max over
        repeats.
    path : str or Path
        Output file (PNG).
    reference : float, optional
        Drawn as a dashed horizontal line (the best-known value).
    reference_label : str
        Its legend entry.
    sense : {"max", "min"}
        Says in the axis label which way is better.

    Returns
    -------
    Path
    """
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 4.2), constrained_layout=True)
    for solver, points in curves.items():
        pts = sorted(points, key=lambda p: p["mean_time_s"])
        if not pts:
            continue
        t = [max(p["mean_time_s"], 1e-6) for p in pts]
        (line,) = ax.plot(t, [p["mean_objective"] for p in pts], marker="o", label=solver)
        ax.fill_between(
            t,
            [p["min_objective"] for p in pts],
            [p["max_objective"] for p in pts],
            color=line.get_color(),
            alpha=0.15,
            linewidth=0,
        )
    if reference is not None:
        ax.axhline(reference, color="k", linestyle="--", linewidth=1, label=reference_label)
    from matplotlib.ticker import FuncFormatter, NullFormatter

    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("wall time used per run (s, mean over repeats)")
    ax.set_ylabel(f"objective ({'higher' if sense == 'max' else 'lower'} is better)")
    ax.set_title(f"{instance}: best objective per run (band: min..max over repeats)", fontsize=10)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    return save_figure(fig, path, dpi=110)
