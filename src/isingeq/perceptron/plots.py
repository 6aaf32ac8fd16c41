"""Plots of the perceptron experiments (:mod:`isingeq.perceptron.experiment`), as PNG files.

matplotlib is imported when a plot is drawn (as in :mod:`isingeq.plotting`), not on import.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["plot_analyze", "plot_mean_field", "plot_reconstruction"]


def plot_analyze(summary: Sequence[dict[str, Any]], path: str | Path) -> Path:
    """Mean number of solutions, unique fraction and ground-state basin against n (PNG)."""
    from ..plotting import _pyplot, save_figure

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
    return save_figure(fig, path)


def plot_mean_field(summary: Sequence[dict[str, Any]], path: str | Path) -> Path:
    """Mean-field error of eq. 16 against ``t``, one line per ``n`` (mean, bars to the max)."""
    from ..plotting import _pyplot, save_figure

    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 4.2), constrained_layout=True)
    positive = all(r["mean_mean_field_error"] > 0 and r["t"] > 0 for r in summary)
    for n in dict.fromkeys(r["n"] for r in summary):
        rows = sorted((r for r in summary if r["n"] == n), key=lambda r: r["t"])
        mean = np.array([r["mean_mean_field_error"] for r in rows])
        top = np.array([r["max_mean_field_error"] for r in rows])
        ax.errorbar(
            [r["t"] for r in rows],
            mean,
            yerr=[np.zeros_like(mean), top - mean],
            marker="o",
            capsize=3,
            label=f"n = {n}",
        )
    if positive:
        ax.set_xscale("log")
        ax.set_yscale("log")
    ax.set_xlabel("inverse temperature t")
    ax.set_ylabel("max_i |<n_i>_eq16 - <n_i>_exact|")
    ax.set_title("mean-field error of eq. 16 (mean over instances, bar to max)")
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    return save_figure(fig, path)


def plot_reconstruction(summary: Sequence[dict[str, Any]], path: str | Path) -> Path:
    """``max |eps_fit - eps|`` against the number of samples, log-log, one line per method.

    Fits :func:`isingeq.fit` refused (``failed`` in the summary: separable samples, samples on
    a face of the marginal polytope, a constant column) are in neither the median nor the band;
    the point says how many there were (each method's note a line below the one before, as
    methods refuse the same samples at nearly the same median).
    """
    from ..plotting import _pyplot, save_figure

    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 4.2), constrained_layout=True)
    for k, method in enumerate(dict.fromkeys(r["method"] for r in summary)):
        rows = sorted(
            (r for r in summary if r["method"] == method and r["fits"]), key=lambda r: r["samples"]
        )
        if not rows:
            continue
        S = np.array([r["samples"] for r in rows], dtype=float)
        med = np.array([r["median_error"] for r in rows])
        (line,) = ax.loglog(S, med, "o-", label=f"{method} (median)")
        ax.fill_between(S, med, [r["max_error"] for r in rows], alpha=0.15)
        for r in rows:  # refused fits (separable samples) are in no band: say so at the point
            if r["failed"]:
                ax.annotate(
                    f"{r['failed']} of {r['fits'] + r['failed']} refused",
                    (r["samples"], r["median_error"]),
                    xytext=(6, -12 - 10 * k),
                    textcoords="offset points",
                    fontsize=8,
                    color=line.get_color(),
                )
    rows = [r for r in summary if r["fits"]]
    if rows:
        S = np.array(sorted({r["samples"] for r in rows}), dtype=float)
        ref = min(r["median_error"] for r in rows if r["samples"] == S[-1])
        ax.loglog(S, ref * np.sqrt(S[-1] / S), "k:", label="~ samples^-1/2")
    ax.set_xlabel("number of exact samples")
    ax.set_ylabel("max |eps_fit - eps|")
    ax.set_title("reconstruction error (band: median to max over instances)")
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    return save_figure(fig, path)
