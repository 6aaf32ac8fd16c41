"""The bench's plots over every instance: the performance profile and the time-to-target ECDF.

The figures' lines are checked against fractions computed by hand on small synthetic records
and on a real slice of a bench records file; the PNGs are decoded and must show something.
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from pathlib import Path
from statistics import fmean
from typing import Any

import matplotlib.image
import numpy as np
import pytest
from typer.testing import CliRunner

from isingeq.cli import app
from isingeq.plotting import (
    performance_profile_figure,
    plot_performance_profile,
    plot_ttt_ecdf,
    ttt_ecdf_figure,
)

SLICE = Path(__file__).parent / "data" / "bench" / "gset_1s_slice.csv"


def rec(instance: str, solver: str, budget: str, seed: int, **kw: Any) -> dict[str, Any]:
    row = {
        "instance": instance,
        "sense": "max",
        "best_known": 100.0,
        "solver": solver,
        "budget_s": budget,
        "seed": seed,
        "objective": 100.0,
        "gap": 0.0,
        "target": 99.5,
        "reached": True,
        "ttt_s": math.nan,
        "time_s": float(budget) if budget != "ttt" else math.nan,
        "status": "ok",
    }
    row.update(kw)
    return row


def lines_by_label(fig: Any) -> dict[str, tuple[list[float], list[float]]]:
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    data = [(list(map(float, ln.get_xdata())), list(map(float, ln.get_ydata()))) for ln in ax.lines]
    assert len(labels) == len(data)
    return dict(zip(labels, data, strict=True))


def at(curve: tuple[list[float], list[float]], x: float) -> float:
    """The step curve's height at x (steps drawn "post": the last point at or left of x)."""
    xs, ys = curve
    heights = [y for xi, y in zip(xs, ys, strict=True) if xi <= x]
    return heights[-1] if heights else 0.0


# ------------------------------------------------------------------ performance profile


def profile_records() -> list[dict[str, Any]]:
    return [
        # A: s1 gaps 0 and 2 % (mean 1 %), s2 -0.5 % (better than best known: counts 0) and 0
        rec("A", "s1", "1", 1, objective=100.0, gap=0.0),
        rec("A", "s1", "1", 2, objective=98.0, gap=0.02),
        rec("A", "s2", "1", 1, objective=100.5, gap=-0.005),
        rec("A", "s2", "1", 2, objective=100.0, gap=0.0),
        # B: s1 0.1 % and 0.3 % (mean 0.2 %); s2 failed once, over budget once: no ok run
        rec("B", "s1", "1", 1, objective=99.9, gap=0.001),
        rec("B", "s1", "1", 2, objective=99.7, gap=0.003),
        rec("B", "s2", "1", 1, objective=math.nan, gap=math.nan, status="failed: boom"),
        rec("B", "s2", "1", 2, objective=50.0, gap=0.5, status="over budget: slow"),
        # C: no best-known value, gaps against the best found (200, by s1): s1 0 and 2 %,
        # s2 1 % and 1 %; a min instance would mirror this
        rec("C", "s1", "1", 1, best_known=None, objective=200.0, gap=math.nan),
        rec("C", "s1", "1", 2, best_known=None, objective=196.0, gap=math.nan),
        rec("C", "s2", "1", 1, best_known=None, objective=198.0, gap=math.nan),
        rec("C", "s2", "1", 2, best_known=None, objective=198.0, gap=math.nan),
        # a second budget for s1: every instance at gap 0
        *(rec(name, "s1", "10", 1) for name in "ABC"),
        # a ttt row is not a budget run: left out of the profile
        rec("A", "s2", "ttt", 1, objective=0.0, gap=1.0, ttt_s=0.5),
    ]


def test_profile_fractions_match_a_hand_computation() -> None:
    curves = lines_by_label(performance_profile_figure(profile_records()))
    assert set(curves) == {"s1 @ 1 s", "s1 @ 10 s", "s2 @ 1 s"}
    xs, ys = curves["s1 @ 1 s"]  # mean gaps in %: A 1, B 0.2, C 1
    assert xs[:4] == pytest.approx([0.0, 0.2, 1.0, 1.0])
    assert ys == pytest.approx([0.0, 1 / 3, 2 / 3, 1.0, 1.0])
    s1, s2, s1_long = curves["s1 @ 1 s"], curves["s2 @ 1 s"], curves["s1 @ 10 s"]
    for g, want1, want2 in [(0.0, 0, 1 / 3), (0.1, 0, 1 / 3), (0.5, 1 / 3, 1 / 3), (1.0, 1, 2 / 3)]:
        assert at(s1, g) == pytest.approx(want1)
        assert at(s2, g) == pytest.approx(want2)  # B never counts: no ok run
    assert at(s2, 1e6) == pytest.approx(2 / 3) and s2[1][-1] == pytest.approx(2 / 3)
    assert at(s1_long, 0.0) == 1.0
    for x, y in curves.values():  # both coordinates non-decreasing, y a fraction
        assert np.all(np.diff(x) >= 0) and np.all(np.diff(y) >= 0)
        assert min(y) >= 0.0 and max(y) <= 1.0


def test_profile_best_statistic_and_bad_statistic() -> None:
    curves = lines_by_label(performance_profile_figure(profile_records(), statistic="best"))
    xs, ys = curves["s1 @ 1 s"]  # best gaps in %: A 0, B 0.1, C 0
    assert xs[:4] == pytest.approx([0.0, 0.0, 0.0, 0.1])
    assert ys[:4] == pytest.approx([0.0, 1 / 3, 2 / 3, 1.0])
    with pytest.raises(ValueError, match="`statistic` must be 'mean' or 'best'; got 'median'"):
        performance_profile_figure(profile_records(), statistic="median")


def test_profile_of_a_real_records_file_matches_the_csv() -> None:
    with SLICE.open(newline="") as fh:
        raw = list(csv.DictReader(fh))
    names = {r["instance"] for r in raw}
    gaps: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for r in raw:
        if r["status"] == "ok":
            gaps[r["solver"]][r["instance"]].append(max(float(r["gap"]), 0.0))
    curves = lines_by_label(performance_profile_figure(SLICE))
    assert set(curves) == {f"{s} @ 1 s" for s in gaps}
    for solver, per in gaps.items():
        mean_pct = [100 * fmean(v) for v in per.values()]
        curve = curves[f"{solver} @ 1 s"]
        for g in [0.0, 0.05, 0.2, 0.5, 1.0, 3.0]:
            want = sum(m <= g + 1e-12 for m in mean_pct) / len(names)
            assert at(curve, g) == pytest.approx(want), (solver, g)
    # G55 has over-budget runs only for some solvers: their curves stop below 1
    short = {s for s, per in gaps.items() if len(per) < len(names)}
    assert short and all(curves[f"{s} @ 1 s"][1][-1] < 1.0 for s in short)


# ------------------------------------------------------------------ time-to-target ECDF


def ttt_records() -> list[dict[str, Any]]:
    return [
        # s1 ran with --ttt: times 0.5, never, 0.1 on A and 2.0 on B
        rec("A", "s1", "ttt", 1, ttt_s=0.5, time_s=0.5),
        rec("A", "s1", "ttt", 2, ttt_s=math.nan, time_s=3.0, reached=False),
        rec("A", "s1", "ttt", 3, ttt_s=0.1, time_s=0.1),
        rec("B", "s1", "ttt", 1, ttt_s=2.0, time_s=2.0),
        # s2 without --ttt: the smallest budget that reached (coarse)
        rec("A", "s2", "0.1", 1, time_s=0.11, reached=True),
        rec("A", "s2", "1", 1, time_s=1.01, reached=True),
        rec("A", "s2", "0.1", 2, time_s=0.1, reached=False),
        rec("A", "s2", "1", 2, time_s=1.02, reached=True),
        rec("A", "s2", "0.1", 3, time_s=0.1, reached=False),
        rec("A", "s2", "1", 3, time_s=1.0, reached=False),
        # no target (no reference): not a try
        rec("Z", "s2", "1", 1, target=math.nan, reached=None, time_s=0.01),
    ]


def test_ttt_ecdf_steps_at_the_right_times() -> None:
    fig = ttt_ecdf_figure(ttt_records())
    curves = lines_by_label(fig)
    assert set(curves) == {"s1 (3/4)", "s2 (2/3)"}
    xs, ys = curves["s1 (3/4)"]
    assert xs[1:-1] == pytest.approx([0.1, 0.5, 2.0])
    assert ys == pytest.approx([0.0, 0.25, 0.5, 0.75, 0.75])
    xs2, ys2 = curves["s2 (2/3)"]
    assert xs2[1:-1] == pytest.approx([0.11, 1.02])
    assert ys2 == pytest.approx([0.0, 1 / 3, 2 / 3, 2 / 3])
    s1 = curves["s1 (3/4)"]
    assert at(s1, 0.09) == 0.0 and at(s1, 0.1) == 0.25 and at(s1, 1.99) == 0.5
    assert "ttt runs" in fig.axes[0].get_title() and "coarse" in fig.axes[0].get_title()
    left, right = fig.axes[0].get_xlim()
    assert left < 0.1 and right > 2.0 and fig.axes[0].get_xscale() == "log"


# ------------------------------------------------------------------ files


def decoded(path: Path) -> np.ndarray:
    img = matplotlib.image.imread(path)
    assert img.ndim == 3 and img.shape[0] > 300 and img.shape[1] > 500
    return img


@pytest.mark.parametrize("plot", [plot_performance_profile, plot_ttt_ecdf])
def test_pngs_decode_and_show_curves(plot: Any, tmp_path: Path) -> None:
    path = plot(SLICE, tmp_path / "fig.png")
    assert path == tmp_path / "fig.png" and sorted(p.name for p in tmp_path.iterdir()) == [
        "fig.png"
    ]
    img = decoded(path)[..., :3]
    assert img.std() > 0.05  # not a blank canvas
    colours = {tuple(px) for px in (img.reshape(-1, 3) * 255).round().astype(int)[::7]}
    assert len(colours) > 50  # six solvers' colours, text and grid, antialiased


def test_bench_writes_both_figures_and_no_plots_skips_them(tmp_path: Path) -> None:
    base = ["bench", "--instance", "paper-8", "--solvers", "greedy,mfa", "--budgets", "0.01,0.02"]
    res = CliRunner().invoke(app, [*base, "--repeats", "2", "--out", str(tmp_path / "a")])
    assert res.exit_code == 0, res.output
    pngs = sorted(p.name for p in (tmp_path / "a").glob("*.png"))
    assert pngs == ["bench_paper-8.png", "performance_profile.png", "ttt_ecdf.png"]
    for name in pngs:
        assert decoded(tmp_path / "a" / name)[..., :3].std() > 0.05
    res = CliRunner().invoke(
        app, [*base, "--repeats", "1", "--no-plots", "--out", str(tmp_path / "b")]
    )
    assert res.exit_code == 0, res.output
    assert not list((tmp_path / "b").glob("*.png"))
    assert (tmp_path / "b" / "summary.json").exists()


# ---------------------------------------------------------------------------- one solve


def test_solve_figure_draws_the_trace_and_mfa_freezing(tmp_path: Path) -> None:
    import isingeq
    from isingeq.plotting import plot_solve, solve_figure

    m = isingeq.paper_instance(50, rng=0)
    trace = isingeq.Trace()
    r = isingeq.solve(m, method="mfa", num_sweeps=64, trajectory=True, rng=0, callback=trace)
    fig = solve_figure(r, trace)
    best_ax, heat_ax, res_ax = fig.axes[:3]
    ys = np.concatenate(
        [line.get_ydata() for line in best_ax.get_lines()[:-1] if line.get_label() != "time_limit"]
    )
    assert ys.min() == pytest.approx(r.best_energy)
    S = heat_ax.get_images()[0].get_array()
    assert S.shape == (50, r.info["trajectory_states"].shape[0])  # nodes x rungs
    assert float(S.min()) >= 0.0 and float(S.max()) <= 1.0
    np.testing.assert_allclose(
        sorted(np.asarray(S)[:, -1]), sorted(r.info["trajectory_states"][-1])
    )
    res_line = res_ax.get_lines()[0]
    np.testing.assert_allclose(res_line.get_xdata(), r.info["trajectory"][:, 0])
    out = plot_solve(r, tmp_path / "solve.png", trace)
    img = matplotlib.image.imread(out)
    assert img.ndim == 3 and float(img[..., :3].std()) > 0.05


def test_cli_solve_plot_and_quiet_json(tmp_path: Path) -> None:
    png = tmp_path / "s.png"
    res = CliRunner().invoke(
        app,
        [
            "solve",
            "--instance",
            "paper-40",
            "--method",
            "mfa-hybrid",
            "--time-limit",
            "0.3",
            "--plot",
            str(png),
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    assert res.stdout.count("\n") == 1  # the one JSON line, no live line when not a terminal
    img = matplotlib.image.imread(png)
    assert float(img[..., :3].std()) > 0.05
