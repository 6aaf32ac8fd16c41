"""The ``isingeq`` command line (typer + rich).

Errors in what the user gave become one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import csv
import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

app = typer.Typer(
    help="Ground states of spin-glass Ising / QUBO models by solving their simultaneous equations (eq. 16).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err_console = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])


def _user_errors(fn: F) -> F:
    """Turn ValueError / TypeError / OSError into one line on stderr and exit 2."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (ValueError, TypeError, OSError) as exc:
            err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


def _int_list(name: str, text: str) -> list[int]:
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise ValueError(
            f"`{name}` must be a comma-separated list of integers; got {text!r}"
        ) from None
    if not values:
        raise ValueError(f"`{name}` must list at least one integer; got {text!r}")
    return values


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )


def _pct(x: float) -> str:
    return f"{100 * x:.2f} %"


@app.command()
@_user_errors
def reproduce(
    sizes: Annotated[str, typer.Option(help="Comma-separated numbers of nodes.")] = "6,12",
    trials: Annotated[int, typer.Option(help="Random instances per size.")] = 100,
    seed: Annotated[int, typer.Option(help="Root seed (children via SeedSequence.spawn).")] = 0,
    methods: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated method specs (name or name:key=value;...); default: every heuristic "
            "registered, scipy-root in both modes. Separate a spec's own options with ';'."
        ),
    ] = None,
    out: Annotated[
        Path, typer.Option(help="Output folder for records.csv, summary.json, reproduce.png.")
    ] = Path("isingeq-results/reproduce"),
    json_out: Annotated[
        bool, typer.Option("--json", help="Print the summary as JSON on stdout.")
    ] = False,
) -> None:
    """Reproduce the paper's table (eq. 16 vs the exact ground state) and beat it."""
    from .experiments.reproduce import (
        PAPER_TABLE,
        RECORD_FIELDS,
        default_methods,
        run_reproduce,
        write_outputs,
    )

    size_list = _int_list("--sizes", sizes)
    # specs are separated by ',' and a spec's own options by ';' on the command line
    method_list = default_methods() if methods is None else _split_specs(methods)
    # validate everything before any work or file
    from .experiments.reproduce import _check_inputs

    _check_inputs(size_list, trials, method_list)
    out.mkdir(parents=True, exist_ok=True)
    records_path = out / "records.csv"
    console = err_console
    with open(records_path, "w", newline="") as fh, _progress(console) as progress:
        writer = csv.DictWriter(fh, fieldnames=RECORD_FIELDS)
        writer.writeheader()
        task = progress.add_task("reproduce", total=len(size_list) * trials)

        def on_record(row: dict[str, Any]) -> None:
            writer.writerow(row)
            fh.flush()

        def on_instance(n: int, trial: int) -> None:
            progress.update(task, advance=1, description=f"n={n}")

        run = run_reproduce(
            size_list, trials, seed, method_list, on_record=on_record, on_instance=on_instance
        )
    paths = write_outputs(run, out, records_written=True)
    if json_out:
        keys = (
            "n",
            "method",
            "trials",
            "correct_rate",
            "energy_ratio",
            "gs_hit_rate",
            "mean_time_s",
        )
        typer.echo(json.dumps([{k: row[k] for k in keys} for row in run.summary], indent=2))
    else:
        table = Table(title=f"isingeq reproduce: {trials} paper instances per n, seed {seed}")
        table.add_column("n", justify="right")
        table.add_column("method", no_wrap=True)
        for col in ("correct rate", "energy ratio", "GS hits", "time/inst"):
            table.add_column(col, justify="right", no_wrap=True)
        for n in sorted({r["n"] for r in run.summary}):
            if n in PAPER_TABLE:
                c, e = PAPER_TABLE[n]
                table.add_row(
                    str(n), "[italic]paper (SciPy, as published)[/]", _pct(c), _pct(e), "-", "-"
                )
            for row in (r for r in run.summary if r["n"] == n):
                table.add_row(
                    str(n),
                    row["method"],
                    _pct(row["correct_rate"]),
                    _pct(row["energy_ratio"]),
                    _pct(row["gs_hit_rate"]),
                    f"{1e3 * row['mean_time_s']:.2f} ms",
                )
            table.add_section()
        Console(width=max(100, Console().width)).print(table)
        err_console.print(
            f"records: {paths['records']}  summary: {paths['summary']}  plot: {paths.get('plot', '-')}"
        )
    if not run.complete:
        err_console.print("[yellow]interrupted:[/] the outputs cover the instances finished so far")
        raise typer.Exit(130)


def _split_specs(text: str) -> list[str]:
    specs = [s.strip() for s in text.split(",") if s.strip()]
    if not specs:
        raise ValueError(f"`--methods` must list at least one method; got {text!r}")
    return specs


@app.command()
def methods() -> None:
    """List the registered methods and their options."""
    from . import solvers

    table = Table(title="isingeq methods")
    table.add_column("method")
    table.add_column("options")
    for name in solvers.METHODS:
        table.add_row(name, ", ".join(solvers.method_options(name)))
    Console().print(table)


def main(argv: list[str] | None = None) -> Any:
    """Console-script entry point."""
    return app(args=argv if argv is not None else sys.argv[1:], prog_name="isingeq")


if __name__ == "__main__":  # pragma: no cover
    main()
