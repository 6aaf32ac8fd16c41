"""Progress on stderr: a counted bar for experiments, a spinner with a time budget for a solve."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress_bar import ProgressBar


def counted(console: Console) -> Progress:
    """A transient bar: description, bar, done / total, elapsed and remaining time.

    Drawn on a terminal only: off one (pipes, logs, CliRunner) rich would still leave an empty
    line on stderr, before the summary line or an ``error:`` line.
    """
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )


@contextlib.contextmanager
def steps(console: Console, name: str, total: int) -> Iterator[Callable[..., None]]:
    """``advance(description=None, n=1)`` for a counted bar of ``total`` steps."""
    with counted(console) as progress:
        task = progress.add_task(name, total=total)

        def advance(description: str | None = None, n: int = 1) -> None:
            if description is None:
                progress.advance(task, n)
            else:
                progress.update(task, advance=n, description=description)

        yield advance


class TimeBudgetColumn(ProgressColumn):
    """A bar that fills as wall time nears the time limit (a solve reports no steps of its own)."""

    def render(self, task: Task) -> ProgressBar:
        total = task.total or 1.0
        return ProgressBar(total=total, completed=min(task.elapsed or 0.0, total), width=40)


@contextlib.contextmanager
def spinner(
    console: Console,
    description: str,
    time_limit: float | None,
    *,
    show: Callable[[float], str] = "{:.10g}".format,
    enabled: bool = True,
) -> Iterator[Callable[[Any], None]]:
    """A live line while one solve runs: a spinner, the time-budget bar when there is a limit,
    elapsed time, and the solve's news (phase, best so far, rounds, sweeps).

    Yields the ``callback`` to give the solve (:class:`isingeq.ProgressEvent`); ``show``
    formats the best energy (e.g. as the instance's objective). Off a terminal, or with
    ``enabled=False`` (``--json``), nothing is drawn and the callback does nothing.
    """
    # plain text: an instance's name is the user's (a file stem like 'run[1]' is no markup)
    columns: list[ProgressColumn] = [
        SpinnerColumn(),
        TextColumn("{task.description}", markup=False),
    ]
    if time_limit is not None:
        columns.append(TimeBudgetColumn())
    columns.append(TimeElapsedColumn())
    # off a terminal (pipes, logs, CliRunner) rich would still leave an empty line on stderr
    live = enabled and console.is_terminal
    with Progress(*columns, console=console, transient=True, disable=not live) as progress:
        task = progress.add_task(description, total=time_limit)

        def on_event(event: Any) -> None:
            if not live or event.phase == "done":
                return
            news = f"{event.phase} · best {show(event.best_energy)}"
            if event.rounds:
                news += f" · {event.rounds} rounds"
            progress.update(task, description=f"{description} · {news} · {event.sweeps} sweeps")

        yield on_event
