"""The CLI's tables keep every column readable: on an 80-column terminal and in a pipe."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from typer.testing import CliRunner

import isingeq
from isingeq.cli import app, render
from isingeq.solvers._vocabulary import COMMON

runner = CliRunner()
BUDGETS = "0.01,0.02,0.03,0.04,0.05"


@pytest.fixture(scope="module")
def bench_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    """A small bench with five budgets: its JSON summary and its tables as printed in a pipe
    (the second call reads the finished records back)."""
    out = tmp_path_factory.mktemp("bench")
    args = ["bench", "--instance", "paper-12,paper-12@1", "--solvers", "greedy,tabu"]
    args += ["--budgets", BUDGETS, "--repeats", "1", "--out", str(out)]
    res = runner.invoke(app, [*args, "--json"])
    assert res.exit_code == 0, res.output
    piped = runner.invoke(app, args)
    assert piped.exit_code == 0, piped.output
    return json.loads(res.stdout), piped.stdout


def _render(tables: list[Any], width: int, terminal: bool) -> str:
    console = Console(width=width, file=io.StringIO(), force_terminal=terminal, color_system=None)
    render.print_tables(tables, console)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    return str(text)


BENCH_HEADERS = ("solver", "best or tied", "budget use", "over budget", "failed")


@pytest.mark.parametrize("width", [60, 80, 100])
def test_bench_tables_show_every_column_on_a_narrow_terminal(
    bench_run: tuple[dict[str, Any], str], width: int
) -> None:
    summary, _ = bench_run
    text = _render(render.bench_tables(summary), width, terminal=True)
    assert max(len(line) for line in text.splitlines()) <= width
    words = " ".join(text.split())
    for head in BENCH_HEADERS:
        # a header may wrap inside its column, but each of its words is there, whole
        for word in head.split():
            assert f" {word} " in words, (head, text)
    for b in BUDGETS.split(","):
        assert f"{float(b):g} s" in text
    # every solver's counts are printed, none squeezed to nothing
    for row in summary["by_solver_budget"]:
        assert f"│ {row['solver']}" in text
    assert "…" not in text


def test_bench_tables_in_a_pipe_are_whole(bench_run: tuple[dict[str, Any], str]) -> None:
    summary, piped = bench_run
    band = summary["config"].get("budget_band", (0.9, 1.1))
    for text in (piped, _render(render.bench_tables(summary), 80, terminal=False)):
        for head in (*BENCH_HEADERS, f"budget use < {band[0]:g} / > {band[1]:g}"):
            assert head in text, text
        assert "…" not in text
    for solver in ("greedy", "tabu"):
        assert piped.count(f"│ {solver} ") >= 2  # in the gap table and in the runs table


def test_bench_tables_show_instance_names_as_they_are(
    bench_run: tuple[dict[str, Any], str],
) -> None:
    # a file stem like 'run[v2]' was read as rich markup: the caption said "for run:" and
    # the time-to-target header and the beats table lost the bracket
    summary, _ = bench_run
    text = json.dumps(summary).replace("paper-12@1", "run[v2]").replace("paper-12", "g[big]")
    renamed = json.loads(text)
    for inst in renamed["instances"]:
        inst["best_known"] = None
    for row in renamed["by_instance_solver"]:
        row.update(ttt_tries=1, ttt_reached=1, median_ttt_s=0.01, ttt_source="budget runs")
    beat = {"instance": "run[v2]", "solver": "tabu", "budget_s": 0.01, "seed": 1}
    beat.update(objective=1.0, best_known=0.5, certificate="out/run[v2].json")
    renamed["beats_best_known"] = [beat]
    out = _render(render.bench_tables(renamed), 200, terminal=False)
    words = " ".join(out.split())
    assert "No best-known value for g[big], run[v2]" in words or (
        "No best-known value for run[v2], g[big]" in words
    )
    assert "run[v2] ┃" in out and "│ run[v2] " in out and "out/run[v2].json" in out


def test_reproduce_table_shows_a_method_spec_as_it_is() -> None:
    row = {"n": 5, "method": "mfa:tail=[x]", "correct_rate": 1.0, "energy_ratio": 1.0}
    row.update(gs_hit_rate=1.0, mean_time_s=0.001, failed=1)
    out = _render([render.reproduce_table([row], 2, 0, {})], 120, terminal=False)
    assert "mfa:tail=[x] (1 failed)" in out


def test_a_wide_table_in_a_pipe_is_printed_at_its_natural_width() -> None:
    from rich.table import Table

    table = Table(title="wide")
    for k in range(8):
        table.add_column(f"column number {k}", no_wrap=True)
    table.add_row(*[f"value {k}" for k in range(8)])
    text = _render([table], 80, terminal=False)
    assert "column number 7" in text and "value 7" in text
    assert max(len(line) for line in text.splitlines()) > 80
    # and on an 80-column terminal it fits the terminal
    assert max(len(line) for line in _render([table], 80, True).splitlines()) <= 80


def test_methods_lists_rng_and_callback_that_every_method_takes() -> None:
    res = runner.invoke(app, ["methods"])
    assert res.exit_code == 0, res.output
    assert "Every method also takes" in res.stdout
    for option in ("rng", "callback"):
        assert option in COMMON
        assert f"\n{option} (" in res.stdout
    assert "ProgressEvent" in res.stdout
    model = isingeq.paper_instance(8, rng=0)
    for method in isingeq.METHODS:  # what the table promises: every method calls it
        trace = isingeq.Trace()
        isingeq.solve(model, method=method, rng=0, callback=trace)
        assert trace.events, method


def test_vocabulary_page_lists_what_every_method_takes() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "vocabulary.md").read_text()
    para = doc[doc.index("Every method also takes") :].split("\n\n")[0]
    for option in COMMON:
        assert f"`{option}`" in para, para


def test_failure_lines_group_errors_by_label_most_frequent_first() -> None:
    from isingeq.cli.render import failure_lines

    records = [
        {"solver": "a", "status": "ok"},
        {"solver": "a", "status": "failed: ValueError: bad"},
        {"solver": "b", "status": "failed: ValueError: worse"},
        {"solver": "b", "status": "failed: ValueError: worse"},
        {"solver": "c", "status": "over budget: 2 s"},
    ]
    lines = failure_lines(records, lambda r: r["solver"])
    assert lines == ["b, 2 runs: ValueError: worse", "a, 1 run: ValueError: bad"]
    many = [{"solver": str(k), "status": f"failed: E{k}"} for k in range(7)]
    lines = failure_lines(many, lambda r: r["solver"], limit=5)
    assert len(lines) == 6 and lines[-1].startswith("... and 2 other failures")
    assert failure_lines(records[:1], lambda r: r["solver"]) == []
