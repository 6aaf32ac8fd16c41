"""Plots (matplotlib, non-interactive Agg backend): figures written to files."""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "performance_profile_figure",
    "plot_bench",
    "plot_performance_profile",
    "plot_reproduce",
    "plot_solve",
    "plot_ttt_ecdf",
    "reproduce_figure",
    "save_figure",
    "solve_figure",
    "ttt_ecdf_figure",
]


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


def check_figure_path(name: str, path: str | Path) -> str:
    """The image format of ``path`` (its extension); a ValueError naming ``name`` when
    matplotlib cannot write it, so that a command refuses it before it solves anything."""
    from matplotlib.backend_bases import FigureCanvasBase

    formats = FigureCanvasBase.get_supported_filetypes()
    fmt = Path(path).suffix.lower().removeprefix(".")
    if fmt not in formats:
        raise ValueError(
            f"`{name}` {str(path)!r} must end in an image extension matplotlib writes "
            f"({', '.join('.' + f for f in sorted(formats))}); got {('.' + fmt) if fmt else 'none'}"
        )
    return fmt


def save_figure(fig: Any, path: str | Path, *, dpi: int = 120) -> Path:
    """Write ``fig`` to ``path`` atomically (a temporary file in the same folder, then a rename,
    so a reader never sees half a PNG) and close it. A missing folder is created, as the CLI's
    ``--out`` files' are; an error names ``path``, not the temporary file.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        Closed afterwards, also when writing fails, so a loop of plots holds no figures.
    path : str or Path
        The output file; its extension (``.png``, ``.pdf``, ``.svg``, ...) picks the format.
    dpi : int, default 120
        Resolution of raster formats.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    ValueError
        If matplotlib cannot write ``path``'s extension (the message lists the ones it can).
    OSError
        If the folder cannot be created or the file written.
    """
    import os

    from ._files import temp_beside

    out = Path(path)
    try:
        # the format from the target's extension, not the temporary name's random tail
        fmt = check_figure_path("path", out)
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = temp_beside(out, out.suffix)
        except OSError as exc:
            raise OSError(
                exc.errno, f"cannot write the figure {str(out)!r}: {exc.strerror}"
            ) from None
        os.close(fd)
        try:
            fig.savefig(tmp, dpi=dpi, format=fmt)
            os.replace(tmp, out)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    finally:
        _pyplot().close(fig)
    return out


def reproduce_figure(
    summary: Sequence[Mapping[str, Any]],
    paper: Mapping[int, tuple[float, float]] | None = None,
) -> Any:
    """Correct rate and energy ratio against n, one line per method, the paper's points beside.

    Parameters
    ----------
    summary : sequence of dict
        Rows with ``n``, ``method``, ``correct_rate``, ``energy_ratio`` (as from ``reproduce``).
    paper : mapping n -> (correct rate, energy ratio), optional
        The published points; only those within the sizes of ``summary`` are drawn (a point
        beyond them would stretch the axis past what was run).

    Returns
    -------
    matplotlib.figure.Figure
        Two panels (correct rate, energy ratio) and one legend for both, outside the panels
        (on the right), so that it hides no point.
    """
    plt = _pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
    methods = list(dict.fromkeys(r["method"] for r in summary))
    for method in methods:
        # a group whose every record failed has no rates (None): no point
        rows = sorted(
            (r for r in summary if r["method"] == method and r["correct_rate"] is not None),
            key=lambda r: r["n"],
        )
        ns = [r["n"] for r in rows]
        style = "--" if method == "exact" else "-"
        axes[0].plot(ns, [100 * r["correct_rate"] for r in rows], style, marker="o", label=method)
        axes[1].plot(ns, [100 * r["energy_ratio"] for r in rows], style, marker="o", label=method)
    sizes = [r["n"] for r in summary]
    ps = [n for n in sorted(paper or {}) if sizes and min(sizes) <= n <= max(sizes)]
    if paper and ps:
        axes[0].plot(ps, [100 * paper[n][0] for n in ps], "k*", ms=12, label="paper (SciPy)")
        axes[1].plot(ps, [100 * paper[n][1] for n in ps], "k*", ms=12, label="paper (SciPy)")
    from matplotlib.ticker import MaxNLocator

    for ax, title in zip(
        axes, ("correct rate (% of nodes)", "energy ratio H_found / H_exact (%)"), strict=True
    ):
        ax.set_xlabel("nodes n")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(title)
        ax.grid(alpha=0.3)
    handles, labels = axes[1].get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, fontsize=8, loc="outside right upper")
    return fig


def plot_reproduce(
    summary: Sequence[Mapping[str, Any]],
    path: str | Path,
    paper: Mapping[int, tuple[float, float]] | None = None,
) -> Path:
    """Write :func:`reproduce_figure` to ``path`` (PNG, atomically).

    Parameters
    ----------
    summary : sequence of dict
        Rows with ``n``, ``method``, ``correct_rate``, ``energy_ratio`` (as from ``reproduce``).
    path : str or Path
        Output file (PNG).
    paper : mapping n -> (correct rate, energy ratio), optional
        The published points, drawn where they fall within the sizes run.

    Returns
    -------
    Path
    """
    return save_figure(reproduce_figure(summary, paper), path)


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


# ------------------------------------------------------------------ bench: every instance at once

Records = Sequence[Mapping[str, Any]] | str | Path


def _bench_records(records: Records) -> list[dict[str, Any]]:
    """Rows with status "ok" and an objective, from a list of dicts or a ``records.csv``."""
    if isinstance(records, str | Path):
        from .experiments.bench import read_records

        rows: list[dict[str, Any]] = read_records(records)
    else:
        rows = [dict(r) for r in records]
    out = []
    for r in rows:
        objective = float(r.get("objective", math.nan))
        if r.get("status") == "ok" and not math.isnan(objective):
            out.append(r)
    return out


def _gaps(rows: Sequence[Mapping[str, Any]]) -> list[float]:
    """Each row's gap: its ``gap`` when it has one, else against the best objective any row of
    the same instance has (an instance without a best-known value, as ``bench``'s summary
    measures it)."""
    from .instance import relative_gap

    best: dict[str, float] = {}
    for r in rows:
        o, name = float(r["objective"]), str(r["instance"])
        better = max if r["sense"] == "max" else min
        best[name] = better(best.get(name, o), o)
    out = []
    for r in rows:
        g = float(r.get("gap", math.nan))
        if math.isnan(g):
            g = relative_gap(float(r["objective"]), best[str(r["instance"])], str(r["sense"]))
        out.append(g)
    return out


def _step_curve(values: Sequence[float], total: int) -> tuple[list[float], list[float]]:
    """The ECDF of the finite ``values`` over ``total`` tries: x sorted, y = k / total."""
    xs = sorted(v for v in values if math.isfinite(v))
    return xs, [(k + 1) / total for k in range(len(xs))]


def _solver_styles(solvers: Sequence[str]) -> dict[str, str]:
    cycle = _pyplot().rcParams["axes.prop_cycle"].by_key()["color"]
    return {s: cycle[k % len(cycle)] for k, s in enumerate(solvers)}


def performance_profile_figure(records: Records, *, statistic: str = "mean") -> Any:
    """Fraction of instances within a gap ``g`` of the reference, against ``g``.

    One curve per solver and budget: a point ``(g, y)`` says that on a fraction ``y`` of the
    instances in the records the solver's gap at that budget was ``g`` or less (the gap over
    its repeats reduced by ``statistic``). An instance where the solver has no "ok" run counts
    as never within any gap, so curves end below 1 where a solver failed. Gaps below 0 (better
    than the best-known value) count as 0. The x axis is symmetric-log in percent, linear
    below 0.01 %, so that gap 0 (the reference reached) is on the axis.

    Parameters
    ----------
    records : sequence of dict, str or Path
        ``isingeq bench`` records (``isingeq.experiments.bench.RECORD_FIELDS``), or the
        path of a ``records.csv``. Only rows with status "ok" count; ``ttt`` rows are left out.
    statistic : {"mean", "best"}, default "mean"
        The gap of an instance: the mean over repeats (as ``mean_gap`` in the summary) or the
        best one (``mean_best_gap``).

    Returns
    -------
    matplotlib.figure.Figure
        One step line per (solver, budget), labelled ``"<solver> @ <budget> s"``; its x data
        are the sorted gaps in percent, its y data the fraction of instances within them,
        between a first point (0, 0) and a last one (right edge, the final fraction).

    Raises
    ------
    ValueError
        If ``statistic`` is not "mean" or "best".
    """
    from .experiments.bench_plan import TTT

    if statistic not in ("mean", "best"):
        raise ValueError(f"`statistic` must be 'mean' or 'best'; got {statistic!r}")
    reduce = statistics.fmean if statistic == "mean" else min
    rows = [r for r in _bench_records(records) if str(r["budget_s"]) != TTT]
    instances = sorted({str(r["instance"]) for r in rows})
    per: dict[tuple[str, str], dict[str, list[float]]] = {}
    for r, g in zip(rows, _gaps(rows), strict=True):
        key = (str(r["solver"]), str(r["budget_s"]))
        per.setdefault(key, {}).setdefault(str(r["instance"]), []).append(max(g, 0.0))
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.2, 4.6), constrained_layout=True)
    solvers = list(dict.fromkeys(k[0] for k in per))
    budgets = sorted({k[1] for k in per}, key=float)
    colours = _solver_styles(solvers)
    styles = ["-", "--", ":", "-."]
    top = 0.0
    for solver in solvers:
        for b, budget in enumerate(budgets):
            gaps = per.get((solver, budget))
            if gaps is None:
                continue
            inst_gaps = [100.0 * float(reduce(v)) for v in gaps.values()]
            xs, ys = _step_curve(inst_gaps, len(instances))
            top = max([top, *xs])
            ax.step(
                [0.0, *xs],
                [0.0, *ys],
                where="post",
                color=colours[solver],
                linestyle=styles[b % len(styles)],
                label=f"{solver} @ {budget} s",
            )
    right = max(1.0, 2.0 * top)
    for line in ax.get_lines():  # carry each curve to the right edge at its final height
        x, y = list(line.get_xdata()), list(line.get_ydata())
        line.set_data([*x, right], [*y, y[-1]])
    ax.set_xscale("symlog", linthresh=0.01, linscale=0.5)
    ax.set_xlim(0.0, right)
    ax.set_ylim(0.0, 1.02)
    ax.set_xlabel("gap to the best-known value g (%, symlog; 0 = reached)")
    ax.set_ylabel("fraction of instances within g")
    ax.set_title(
        f"performance profile: {len(instances)} instances, {statistic} gap over repeats",
        fontsize=10,
    )
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=7, loc="lower right", ncol=2 if len(ax.get_lines()) > 8 else 1)
    return fig


def ttt_ecdf_figure(records: Records) -> Any:
    """Fraction of runs that reached the target by time ``t``, one curve per solver.

    A run is one (instance, seed) of a solver on an instance that has a target (a best-known
    value). Its time to target is the ``ttt_s`` of its ``ttt`` row when the bench ran with
    ``--ttt``, else, coarsely, the wall time of the smallest budget that reached the target
    (``isingeq.experiments.bench_summary.times_to_target``); a run that never reached it
    counts in the denominator only, so a curve's height at the right is the solver's success
    rate. The time axis is logarithmic where the times span more than a decade.

    Parameters
    ----------
    records : sequence of dict, str or Path
        ``isingeq bench`` records, or the path of a ``records.csv``.

    Returns
    -------
    matplotlib.figure.Figure
        One step line per solver, labelled ``"<solver> (<reached>/<runs>)"``; its x data are
        the sorted times to target in seconds, its y data the fraction of runs reached by then,
        between a first point (left edge, 0) and a last one (right edge, the success rate).
    """
    from .experiments.bench_summary import times_to_target

    rows = [r for r in _bench_records(records) if math.isfinite(float(r.get("target", math.nan)))]
    groups: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for r in rows:
        groups.setdefault(str(r["solver"]), {}).setdefault(str(r["instance"]), []).append(r)
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.2, 4.6), constrained_layout=True)
    colours = _solver_styles(list(groups))
    sources, lo, hi = set(), math.inf, 0.0
    for solver, by_instance in groups.items():
        times: list[float] = []
        for mine in by_instance.values():
            ttts, _, source = times_to_target(mine)
            times += ttts
            sources.add(source)
        xs, ys = _step_curve(times, len(times))
        if xs:
            lo, hi = min(lo, xs[0]), max(hi, xs[-1])
        ax.step(
            xs,
            ys,
            where="post",
            color=colours[solver],
            label=f"{solver} ({len(xs)}/{len(times)})",
        )
    left, right = (lo / 1.5, hi * 1.5) if hi > 0 else (1e-3, 1.0)
    for line in ax.get_lines():  # from 0 at the left edge to the success rate at the right
        x, y = list(line.get_xdata()), list(line.get_ydata())
        line.set_data([left, *x, right], [0.0, *y, y[-1] if y else 0.0])
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    if right / left > 10:  # log where the times span decades; a narrower span reads better linear
        ax.set_xscale("log")
        ax.xaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0), numticks=15))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlim(left, right)
    ax.set_ylim(0.0, 1.02)
    ax.set_xlabel("wall time t (s)")
    ax.set_ylabel("fraction of runs at the target by t")
    what = ", ".join(sorted(sources)) or "no runs with a target"
    ax.set_title(f"time to target (ECDF over instances x seeds; from {what})", fontsize=10)
    ax.grid(alpha=0.3, which="both")
    if ax.get_lines():
        ax.legend(fontsize=7, loc="upper left", title="reached / runs", title_fontsize=7)
    return fig


def plot_performance_profile(
    records: Records, path: str | Path, *, statistic: str = "mean"
) -> Path:
    """Write :func:`performance_profile_figure` to ``path`` (PNG, atomically).

    Parameters
    ----------
    records : sequence of dict, str or Path
        ``isingeq bench`` records, or the path of a ``records.csv``, as in
        :func:`performance_profile_figure`.
    path : str or Path
        The output file; its extension picks the format (:func:`save_figure`).
    statistic : {"mean", "best"}, default "mean"
        The gap of an instance over its repeats, as in :func:`performance_profile_figure`.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    ValueError
        If ``statistic`` is not "mean" or "best", or ``path`` has an extension matplotlib
        cannot write.
    """
    return save_figure(performance_profile_figure(records, statistic=statistic), path, dpi=110)


def plot_ttt_ecdf(records: Records, path: str | Path) -> Path:
    """Write :func:`ttt_ecdf_figure` to ``path`` (PNG, atomically).

    Parameters
    ----------
    records : sequence of dict, str or Path
        ``isingeq bench`` records, or the path of a ``records.csv``, as in
        :func:`ttt_ecdf_figure`.
    path : str or Path
        The output file; its extension picks the format (:func:`save_figure`).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    ValueError
        If ``path`` has an extension matplotlib cannot write.
    """
    return save_figure(ttt_ecdf_figure(records), path, dpi=110)


# ---------------------------------------------------------------------------- one solve


def solve_figure(result: Any, trace: Any = None, *, objective: Any = None) -> Any:
    """How one solve went: the best value against time, and how eq. 16's averages froze.

    Panels:

    * **best so far** against wall time, one step per progress event of ``trace``
      (:class:`isingeq.Trace`, the ``callback`` of the solve), coloured by phase (e.g. the
      mean-field phase and tabu search of mfa-hybrid), in ``H`` or, with ``objective`` (a
      function of the energy, e.g. ``Instance.objective_of_energy``), in the instance's own
      objective;
    * where the result has them (mfa with ``trajectory=True``): the first read's ``<n_i>``
      against ``t`` as a heatmap, the nodes ordered by when they froze (first ``t`` with
      ``|<n_i> - 1/2| > 0.45``), so the freezing front is visible; and eq. 16's residual
      ``max_i |<n_i> - sigmoid(t xi_i)|`` with the mean energy of ``<n>`` against ``t``.

    Parameters
    ----------
    result : SolveResult
        The solve's result. Without a ``trace`` the first panel is its one final point
        (``result.time_s``, ``result.best_energy``); the second and third panels need the
        ``trajectory_states``, ``trajectory_states_t`` and ``trajectory`` entries of its
        ``info`` (mfa with ``trajectory=True``).
    trace : Trace, optional
        The :class:`~isingeq.Trace` passed as the solve's ``callback``; anything with an
        ``events`` list of :class:`~isingeq.ProgressEvent` does. The ``time_limit`` of its
        last event is drawn as a dotted vertical line.
    objective : callable, optional
        Maps an energy ``H`` to the value to draw (e.g. ``Instance.objective_of_energy``);
        default ``H`` itself.

    Returns
    -------
    matplotlib.figure.Figure
        One panel, or three where ``result.info`` has the trajectory (the tests read its
        artists' data).
    """
    import numpy as np

    plt = _pyplot()
    info = result.info
    states = info.get("trajectory_states")
    panels = 1 if states is None else 3
    fig, axes = plt.subplots(1, panels, figsize=(5.2 * panels, 4.0), squeeze=False)
    ax = axes[0, 0]
    conv = objective if objective is not None else (lambda e: e)
    events = list(getattr(trace, "events", []) or [])
    if events:
        low = math.inf
        phases: dict[str, tuple[list[float], list[float]]] = {}
        for ev in events:
            low = min(low, ev.best_energy)
            if math.isfinite(low):
                xs, ys = phases.setdefault(ev.phase, ([], []))
                xs.append(ev.elapsed_s)
                ys.append(float(conv(low)))
        for phase, (xs, ys) in phases.items():
            ax.step(xs, ys, where="post", marker="o", ms=2.5, lw=1.2, label=phase)
        limit = events[-1].time_limit
        if limit is not None:
            ax.axvline(limit, color="0.5", ls=":", lw=1, label="time_limit")
        ax.set_xlabel("wall time from entry (s)")
        ax.legend(fontsize=7)
    else:  # no trace: the one final point
        ax.plot([result.time_s], [float(conv(result.best_energy))], "o")
        ax.set_xlabel("wall time (s)")
    ax.set_ylabel("objective, best so far" if objective is not None else "H, lowest so far")
    ax.set_title(f"{result.method}: best so far", fontsize=9)
    ax.grid(alpha=0.3)
    if states is not None:
        S = np.asarray(states, dtype=np.float64)
        ts = np.asarray(info["trajectory_states_t"], dtype=np.float64)
        frozen = np.abs(S - 0.5) > 0.45
        first = np.where(frozen.any(axis=0), frozen.argmax(axis=0), S.shape[0])
        order = np.lexsort((S[-1], first))
        ax2 = axes[0, 1]
        im = ax2.imshow(
            S[:, order].T,
            aspect="auto",
            origin="lower",
            cmap="coolwarm",
            vmin=0.0,
            vmax=1.0,
            extent=(0, S.shape[0], 0, S.shape[1]),
            interpolation="nearest",
        )
        ticks = np.linspace(0, S.shape[0] - 1, min(5, S.shape[0])).round().astype(int)
        ax2.set_xticks(ticks + 0.5, [f"{ts[i]:.3g}" for i in ticks])
        ax2.set_xlabel("t (rungs of the first round)")
        ax2.set_ylabel("node (ordered by freezing)")
        ax2.set_title("<n_i> of read 0 against t", fontsize=9)
        fig.colorbar(im, ax=ax2, fraction=0.05)
        traj = np.asarray(info["trajectory"], dtype=np.float64)
        ax3 = axes[0, 2]
        (res_line,) = ax3.loglog(
            traj[:, 0], np.maximum(traj[:, 2], 1e-16), color="C3", label="residual"
        )
        ax3.set_xlabel("t")
        ax3.set_ylabel("eq. 16 residual max_i |<n_i> - sigmoid(t xi_i)|", fontsize=8, color="C3")
        ax3.tick_params(axis="y", which="both", colors="C3")
        ax3.set_title("eq. 16 residual and mean H of <n>", fontsize=9)
        ax4 = ax3.twinx()
        (h_line,) = ax4.semilogx(traj[:, 0], traj[:, 1], color="C0", label="mean H of <n>")
        ax4.set_ylabel("mean H of <n>", fontsize=8, color="C0")
        ax4.tick_params(axis="y", which="both", colors="C0")
        # one legend for the two axes' lines, on the twin (drawn above both)
        ax4.legend(handles=[res_line, h_line], fontsize=7, loc="best")
        ax3.grid(alpha=0.3, which="both")
    fig.tight_layout()
    return fig


def plot_solve(result: Any, path: str | Path, trace: Any = None, *, objective: Any = None) -> Path:
    """Write :func:`solve_figure` to ``path`` (PNG, atomically).

    Parameters
    ----------
    result : SolveResult
        The solve's result, as in :func:`solve_figure`.
    path : str or Path
        The output file; its extension picks the format (:func:`save_figure`).
    trace : Trace, optional
        The solve's :class:`~isingeq.Trace`, as in :func:`solve_figure`.
    objective : callable, optional
        Maps an energy to the value drawn, as in :func:`solve_figure`.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    ValueError
        If ``path`` has an extension matplotlib cannot write.
    """
    return save_figure(solve_figure(result, trace, objective=objective), path, dpi=110)
