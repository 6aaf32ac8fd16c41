"""Readable figures: legends that hide no point and name every line, axes that stay on the run,
and figures written into folders that do not exist yet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib.colors
import matplotlib.image
import numpy as np
import pytest

import isingeq
from isingeq.plotting import plot_reproduce, reproduce_figure, save_figure, solve_figure

PAPER = {6: (0.995, 0.9996), 12: (0.9891, 0.9972)}


def _summary(sizes: tuple[int, ...] = (6, 8)) -> list[dict[str, Any]]:
    rows = []
    for method, lo in (("exact", 1.0), ("greedy", 0.83), ("scipy-root", 0.9)):
        for k, n in enumerate(sizes):
            rate = min(1.0, lo + 0.05 * k)
            rows.append({"n": n, "method": method, "correct_rate": rate, "energy_ratio": rate})
    return rows


def test_reproduce_legend_is_outside_the_panels_and_hides_no_point() -> None:
    fig = reproduce_figure(_summary(), PAPER)
    assert all(ax.get_legend() is None for ax in fig.axes)  # no legend inside a panel
    (legend,) = fig.legends
    labels = [t.get_text() for t in legend.get_texts()]
    assert labels == ["exact", "greedy", "scipy-root", "paper (SciPy)"]
    fig.canvas.draw()
    box = legend.get_window_extent()
    for ax in fig.axes:
        assert not box.overlaps(ax.get_window_extent()), "the legend covers a panel"


def test_reproduce_draws_the_paper_only_within_the_sizes_run() -> None:
    fig = reproduce_figure(_summary((6, 8)), PAPER)
    for ax in fig.axes:
        stars = [line for line in ax.get_lines() if line.get_label() == "paper (SciPy)"]
        assert [list(line.get_xdata()) for line in stars] == [[6]]  # not n = 12
        lo, hi = ax.get_xlim()
        assert lo > 5 and hi < 9, (lo, hi)
    # sizes that do not reach a published n: no star at all, and no empty legend entry
    fig = reproduce_figure(_summary((20, 24)), PAPER)
    assert "paper (SciPy)" not in [t.get_text() for t in fig.legends[0].get_texts()]
    # a published n between the sizes run is drawn
    fig = reproduce_figure(_summary((6, 8, 16)), PAPER)
    stars = [line for line in fig.axes[0].get_lines() if line.get_label() == "paper (SciPy)"]
    assert list(stars[0].get_xdata()) == [6, 12]


def test_plot_reproduce_writes_the_figure(tmp_path: Path) -> None:
    out = plot_reproduce(_summary(), tmp_path / "rep.png", paper=PAPER)
    img = matplotlib.image.imread(out)
    assert img.ndim == 3 and float(img[..., :3].std()) > 0.05


def test_mfa_residual_panel_has_a_legend_and_coloured_axes() -> None:
    m = isingeq.paper_instance(30, rng=0)
    trace = isingeq.Trace()
    r = isingeq.solve(m, method="mfa", num_sweeps=32, trajectory=True, rng=0, callback=trace)
    fig = solve_figure(r, trace)
    res_ax = fig.axes[2]
    (twin,) = [
        ax for ax in fig.axes if ax is not res_ax and ax.get_shared_x_axes().joined(ax, res_ax)
    ]
    legends = [ax.get_legend() for ax in (res_ax, twin) if ax.get_legend() is not None]
    assert len(legends) == 1
    assert [t.get_text() for t in legends[0].get_texts()] == ["residual", "mean H of <n>"]
    for ax in (res_ax, twin):
        (line,) = ax.get_lines()
        colour = matplotlib.colors.to_rgba(line.get_color())
        assert matplotlib.colors.to_rgba(ax.yaxis.label.get_color()) == colour
        ticks = [t for t in ax.get_yticklabels() if t.get_text()]
        assert all(matplotlib.colors.to_rgba(t.get_color()) == colour for t in ticks)
    # the two colours differ, else the colouring says nothing
    a, b = (matplotlib.colors.to_rgba(ax.get_lines()[0].get_color()) for ax in (res_ax, twin))
    assert not np.allclose(a, b)


@pytest.mark.parametrize("name", ["new/deeper/fig.png", "new2/fig.svg"])
def test_save_figure_makes_the_missing_folder(tmp_path: Path, name: str) -> None:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    out = save_figure(fig, tmp_path / name)
    assert out == tmp_path / name and out.stat().st_size > 0
    assert [p.name for p in out.parent.iterdir()] == [out.name]  # no temporary file left


def test_save_figure_error_names_the_target_not_a_temporary_file(tmp_path: Path) -> None:
    import matplotlib.pyplot as plt

    blocker = tmp_path / "file"
    blocker.write_text("")
    fig, _ = plt.subplots()
    target = blocker / "sub" / "fig.png"  # its folder cannot be made: "file" is a file
    with pytest.raises(OSError, match="cannot write the figure") as info:
        save_figure(fig, target)
    assert str(target) in str(info.value) and "/." not in str(info.value)
    assert not plt.fignum_exists(fig.number)  # closed all the same
