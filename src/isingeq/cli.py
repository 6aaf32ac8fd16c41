"""The ``isingeq`` command line (typer + rich).

Errors in what the user gave become one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import ast
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
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress_bar import ProgressBar
from rich.table import Table

from ._validation import check_int, check_real

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


def _number_list(name: str, text: str, kind: type, what: str) -> list[Any]:
    try:
        values = [kind(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise ValueError(
            f"`{name}` must be a comma-separated list of {what}s; got {text!r}"
        ) from None
    if not values:
        raise ValueError(f"`{name}` must list at least one {what}; got {text!r}")
    return values


def _int_list(name: str, text: str) -> list[int]:
    return _number_list(name, text, int, "integer")


def _float_list(name: str, text: str) -> list[float]:
    return _number_list(name, text, float, "number")


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


class _TimeBudgetColumn(ProgressColumn):
    """A bar that fills as wall time nears the time limit (a solve reports no steps of its own)."""

    def render(self, task: Task) -> ProgressBar:
        total = task.total or 1.0
        return ProgressBar(total=total, completed=min(task.elapsed or 0.0, total), width=40)


def _default_method() -> str:
    """``mfa-async``, isingeq's strongest method on dense and sparse models alike (README
    "Real instances and the peers"), where registered; else ``mfa``, else ``scipy-root``."""
    from .solvers import METHODS

    return next((m for m in ("mfa-async", "mfa") if m in METHODS), "scipy-root")


def _load_one(
    random: str | None, instance: str | None, file: Path | None, data_dir: Path | None, seq: Any
) -> tuple[str, Any, Any]:
    """``(label, model, Instance or None)`` from exactly one of --random / --instance / --file
    (the last two through the bench's resolver, so they take the same names and files)."""
    from .experiments.bench import resolve_instances
    from .instances import random_model

    given = [f for f, v in (("--random", random), ("--instance", instance), ("--file", file)) if v]
    if len(given) != 1:
        got = f"got {', '.join(given)}" if given else "got none"
        raise ValueError(f"give exactly one of --random, --instance or --file; {got}")
    if random is not None:
        return random, random_model(random, seq, name="--random"), None
    found = resolve_instances(
        names=None if instance is None else [instance],
        files=None if file is None else [file],
        data_dir=data_dir,
        seed=int(seq.generate_state(1)[0]),
    )
    what = (
        f"`--file` {str(file)!r} holds" if file is not None else f"`--instance` {instance!r} names"
    )
    if len(found) != 1:
        names = ", ".join(i.name for i in found[:3]) + (", ..." if len(found) > 3 else "")
        hint = "give one name" if file is None else "solve one of them by name with --instance"
        raise ValueError(f"{what} {len(found)} instances ({names}); {hint}")
    return instance if instance is not None else str(file), found[0].model, found[0]


def _solve_options(
    method: str, items: list[str], time_limit: float | None, num_reads: int | None
) -> tuple[str, dict[str, Any]]:
    """Merge ``--method name:k=v``, ``-o k=v``, ``--time-limit`` and ``--num-reads``; validate."""
    from .solvers import METHODS, method_options, parse_method_spec

    name, options = parse_method_spec(method)
    allowed = method_options(name)
    sources = dict.fromkeys(options, "--method")

    def add(key: str, value: Any, source: str) -> None:
        if key in options:
            raise ValueError(
                f"option {key!r} is given twice (in {sources[key]} and in {source}); give it once"
            )
        options[key] = value
        sources[key] = source

    for item in items:
        key, eq, raw = (p.strip() for p in item.partition("="))
        if not eq or not key:
            raise ValueError(f"`--option` must look like key=value; got {item!r}")
        if key not in allowed:
            raise ValueError(
                f"`--option` {item!r}: method {name!r} has no option {key!r}; "
                f"it accepts: {', '.join(allowed) or '(none)'}"
            )
        try:
            value: Any = ast.literal_eval(raw)
        except (ValueError, SyntaxError):
            value = raw
        add(key, value, "--option")
    for flag, key, value in (
        ("--time-limit", "time_limit", time_limit),
        ("--num-reads", "num_reads", num_reads),
    ):
        if value is None:
            continue
        if key not in allowed:
            having = [m for m in METHODS if key in method_options(m)]
            raise ValueError(
                f"method {name!r} has no {key.replace('_', ' ')} option, so `{flag}` cannot be "
                f"used with it; methods that have one: {', '.join(having) or '(none)'}"
            )
        if key == "time_limit":
            value = check_real(flag, value, low=0.0, low_open=True)
        else:
            value = check_int(flag, value, low=1)
        add(key, value, flag)
    return name, options


@app.command()
@_user_errors
def solve(
    random: Annotated[
        str | None,
        typer.Option(
            "--random",
            metavar="SPEC",
            help="A random model: 'paper:N' (eps_ij ~ U[-1, 1]) or 'sk:N' "
            "(Sherrington-Kirkpatrick).",
        ),
    ] = None,
    instance: Annotated[
        str | None,
        typer.Option(
            "--instance",
            metavar="NAME",
            help="A named instance with its best-known value: G1..G81, bqp50-1..bqp2500-10, "
            "gka1a, be100.1, ... (read from --data-dir).",
        ),
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            help="A model file (Gset/rudy, a one-instance bqp file, Biq Mac .sparse, dimod COO, "
            ".mtx, latfile, isingeq .npz; .gz too).",
        ),
    ] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option(help="Folder of the named instances (default $ISINGEQ_DATA or the cache)."),
    ] = None,
    method: Annotated[
        str | None,
        typer.Option(
            help="A registered method (`isingeq methods`), optionally with options as "
            "name:key=value;key=value. Default: 'mfa-async'.",
        ),
    ] = None,
    seed: Annotated[
        int,
        typer.Option(
            help="Root seed >= 0: one child draws the instance, the other runs the solver."
        ),
    ] = 0,
    time_limit: Annotated[
        float | None,
        typer.Option(help="Wall-time limit in seconds, for methods that take `time_limit`."),
    ] = None,
    num_reads: Annotated[
        int | None,
        typer.Option(help="Number of reads (samples), for methods that take `num_reads`."),
    ] = None,
    option: Annotated[
        list[str] | None,
        typer.Option(
            "--option",
            "-o",
            metavar="KEY=VALUE",
            help="Any other method option; repeat for more. Values are Python literals "
            "(t=50, polish=True), else strings (mode=continuation).",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Write the full result (samples' energies, info, instance, seed) as JSON."
        ),
    ] = None,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print the full result as JSON on stdout.")
    ] = False,
) -> None:
    """Solve one model and report the best energy found (and its state, with --json / --out).

    The model is a random one (--random), a named instance (--instance) or a file (--file); for
    the last two the instance's own objective (a cut, a QUBO value) and, where known, its gap to
    the best-known value are reported too.

    Examples: isingeq solve --random paper:1000 --method mfa --time-limit 1 --seed 3 --json;
    isingeq solve --instance G22 --time-limit 1 --data-dir ../shared/data
    """
    import numpy as np

    from .instances import parse_random_spec
    from .solvers import solve as run_solve

    # validate everything before building the model or solving
    if random is not None:
        parse_random_spec(random, name="--random")
    seed = check_int("--seed", seed, low=0)
    name, options = _solve_options(
        _default_method() if method is None else method, option or [], time_limit, num_reads
    )
    if out is not None:
        if out.is_dir():
            raise IsADirectoryError(f"`--out` must be a file path; got the folder {str(out)!r}")
        out.parent.mkdir(parents=True, exist_ok=True)

    instance_seq, solver_seq = np.random.SeedSequence(seed).spawn(2)
    label, model, inst = _load_one(random, instance, file, data_dir, instance_seq)
    limit = options.get("time_limit")
    columns: list[ProgressColumn] = [SpinnerColumn(), TextColumn("{task.description}")]
    if isinstance(limit, int | float) and not isinstance(limit, bool) and limit > 0:
        columns.append(_TimeBudgetColumn())
    else:
        limit = None
    columns.append(TimeElapsedColumn())
    # off a terminal (pipes, logs, CliRunner) rich would still leave an empty line on stderr
    progress_bar = Progress(
        *columns, console=err_console, transient=True, disable=not err_console.is_terminal
    )
    with progress_bar as progress:
        progress.add_task(f"{name} on {label}", total=limit)
        result = run_solve(model, method=name, rng=solver_seq, **options)

    summary = result.to_dict()
    record: dict[str, Any] = {
        "instance": label,
        "seed": seed,
        "method": summary.pop("method"),
        "options": options,
        **summary,
    }
    if inst is not None:
        objective = inst.objective(result.best_sample)
        record.update(
            {
                "objective": objective,
                "sense": inst.sense,
                "best_known": inst.best_known,
                "gap": inst.gap(objective) if inst.best_known is not None else None,
            }
        )
    # one line: best_sample and energies are long lists for large n
    text = json.dumps(record, default=str)
    if out is not None:
        out.write_text(text + "\n")
    if json_out:
        typer.echo(text)
    else:
        opts = ", ".join(f"{k}={v!r}" for k, v in options.items())
        table = Table(title="isingeq solve", show_header=False)
        table.add_column(style="bold")
        table.add_column(justify="right")
        table.add_row("instance", f"{label} (seed {seed})" if random else label)
        table.add_row("n", str(model.n))
        table.add_row("method", f"{name} ({opts})" if opts else name)
        table.add_row("best energy", f"{result.best_energy:.10g}")
        if inst is not None:
            table.add_row(f"objective ({inst.sense})", f"{record['objective']:.10g}")
            if record["gap"] is not None:
                table.add_row("best-known / gap", f"{inst.best_known:.10g} / {record['gap']:.4%}")
        table.add_row("time", f"{result.time_s:.4g} s")
        table.add_row("reads", str(result.num_reads))
        Console().print(table)
    if out is not None:
        err_console.print(f"result: {out}", highlight=False, soft_wrap=True)


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


def _gap_cell(gap: float | None) -> str:
    return "-" if gap is None else f"{100 * gap:.3f} %"


def _seconds(t: float | None) -> str:
    if t is None:
        return "-"
    return f"{t:.3g} s" if t >= 0.01 else f"{1e3 * t:.2g} ms"


def _bench_tables(summary: dict[str, Any]) -> list[Table]:
    cfg = summary["config"]
    budgets = cfg["budgets_s"]
    rows = summary["by_solver_budget"]
    solvers = list(dict.fromkeys(r["solver"] for r in rows))
    cell = {(r["solver"], r["budget_s"]): r for r in rows}
    n_inst = len(cfg["instances"])
    caption = (
        "cell: mean gap to the reference; below: mean of the best gap over repeats · "
        "mean wall time used. Best mean gap per budget in bold."
    )
    no_bk = [r["instance"] for r in summary["instances"] if r["best_known"] is None]
    if no_bk:
        caption += (
            f" No best-known value for {', '.join(no_bk)}: their gap is to the best objective "
            "found by any solver in this run."
        )
    title = (
        f"isingeq bench: mean gap over {n_inst} instance{'s' if n_inst != 1 else ''} x "
        f"{cfg['repeats']} repeat{'s' if cfg['repeats'] != 1 else ''} (lower is better)"
    )
    table = Table(title=title, caption=caption, min_width=len(title) + 4)
    table.add_column("solver", no_wrap=True)
    for b in budgets:
        table.add_column(f"{b:g} s", justify="right", no_wrap=True)
    table.add_column("failed", justify="right")
    best = {}
    for b in budgets:
        gaps = [cell[(s, b)]["mean_gap"] for s in solvers if cell[(s, b)]["mean_gap"] is not None]
        best[b] = min(gaps) if gaps else None
    for s in solvers:
        cells = []
        for b in budgets:
            r = cell[(s, b)]
            if r["skipped"] and not r["ok"]:
                cells.append("[dim]skipped[/]")
                continue
            top = _gap_cell(r["mean_gap"])
            if r["mean_gap"] is not None and r["mean_gap"] == best[b]:
                top = f"[bold green]{top}[/]"
            below = f"{_gap_cell(r['mean_best_gap'])} · {_seconds(r['mean_time_s'])}"
            cells.append(f"{top}\n[dim]{below}[/]")
        failed = sum(cell[(s, b)]["failed"] for b in budgets)
        table.add_row(s, *cells, f"[red]{failed}[/]" if failed else "0")
    out = [table]
    ttt = [r for r in summary["by_instance_solver"] if r["ttt_tries"]]
    instances = list(dict.fromkeys(r["instance"] for r in ttt))
    if ttt and len(instances) <= 12:
        src = sorted({r["ttt_source"] for r in ttt})
        title = (
            f"median time to {100 * cfg['target']:g} % of the reference "
            f"(reached / tries; from {', '.join(src)})"
        )
        ttt_caption: str | None = None
        if any(r.get("median_total_s") is not None for r in ttt):
            ttt_caption = (
                "below: the median total wall time of all tries (doubling peers: the runs that "
                "missed too; solvers that stop at the target: the same run)"
            )
        t2 = Table(title=title, caption=ttt_caption, min_width=min(len(title) + 4, 100))
        t2.add_column("solver", no_wrap=True)
        for name in instances:
            t2.add_column(name, justify="right", no_wrap=True)
        by = {(r["solver"], r["instance"]): r for r in ttt}
        for s in solvers:
            if not any((s, name) in by for name in instances):
                continue
            vals = []
            for name in instances:
                r = by.get((s, name))
                if r is None:
                    vals.append("-")
                    continue
                text = f"{_seconds(r['median_ttt_s'])} ({r['ttt_reached']}/{r['ttt_tries']})"
                if r.get("median_total_s") is not None:
                    text += f"\n[dim]total {_seconds(r['median_total_s'])}[/]"
                vals.append(text)
            t2.add_row(s, *vals)
        out.append(t2)
    return out


@app.command()
@_user_errors
def bench(
    suite: Annotated[
        list[str] | None,
        typer.Option(
            "--suite",
            help="A named suite (gset-800, gset-2000, beasley-250, beasley-1000, ...) or paper-N; "
            "repeat or give a comma list.",
        ),
    ] = None,
    instance: Annotated[
        list[str] | None,
        typer.Option(
            "--instance",
            help="Instance names (G1, bqp250-3, gka1a, paper-40); repeat or comma list.",
        ),
    ] = None,
    file: Annotated[
        list[Path] | None,
        typer.Option("--file", help="An instance file (any format isingeq reads); repeatable."),
    ] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option(help="Folder laid out like shared/data (default: $ISINGEQ_DATA, the cache)."),
    ] = None,
    solvers: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated solvers (mfa, mfa-async, greedy, dwave-sa, dwave-tabu, "
            "dwave-steepest, openjij-sa, sb); default: every one installed."
        ),
    ] = None,
    budgets: Annotated[str, typer.Option(help="Comma-separated time budgets in seconds.")] = (
        "0.1,1,10"
    ),
    repeats: Annotated[int, typer.Option(help="Runs (seeds) per instance, solver and budget.")] = 5,
    seed: Annotated[int, typer.Option(help="Root seed; per-run seeds are recorded.")] = 0,
    target: Annotated[
        float, typer.Option(help="Time-to-target goal as a fraction of the best-known value.")
    ] = 0.995,
    ttt: Annotated[
        bool,
        typer.Option(
            "--ttt/--no-ttt",
            help="Also measure time to target with doubling budgets (extra runs); without it, "
            "a coarse time to target comes from the budget runs.",
        ),
    ] = False,
    out: Annotated[
        Path,
        typer.Option(help="Output folder: records.csv (resumed if present), summary.json, PNGs."),
    ] = Path("isingeq-results/bench"),
    json_out: Annotated[
        bool, typer.Option("--json", help="Print the summary as JSON on stdout.")
    ] = False,
) -> None:
    """Benchmark isingeq's methods against peer solvers at equal time budgets.

    Example: isingeq bench --suite gset-800 --solvers mfa,dwave-sa --budgets 0.1,1 --repeats 3
    """
    from .experiments.bench import make_plan, run_bench, write_outputs

    # validate everything before any work or file
    plan = make_plan(
        suites=suite,
        names=instance,
        files=file,
        data_dir=data_dir,
        solvers=None if solvers is None else [v.strip() for v in solvers.split(",") if v.strip()],
        budgets=_float_list("--budgets", budgets),
        repeats=repeats,
        seed=seed,
        target=target,
        ttt=ttt,
    )
    if not plan.solvers:
        reasons = "; ".join(f"{k}: {v}" for k, v in plan.skipped.items())
        raise ValueError(f"none of the solvers can run here ({reasons})")
    for name, reason in plan.skipped.items():
        err_console.print(f"[yellow]note:[/] skipping {name}: {reason}", highlight=False)
    keys = plan.keys()
    with _progress(err_console) as progress:
        task = progress.add_task("bench", total=len(keys))

        def on_start(text: str) -> None:
            progress.update(task, description=text)

        def on_record(row: dict[str, Any]) -> None:
            progress.advance(task)

        def on_resume(done: int) -> None:
            progress.update(task, completed=done)
            if done:
                progress.console.print(
                    f"resuming: {done} of {len(keys)} runs are already in "
                    f"{out / 'records.csv'}; they are skipped",
                    highlight=False,
                    soft_wrap=True,
                )

        run = run_bench(plan, out, on_record=on_record, on_start=on_start, on_resume=on_resume)
    paths = write_outputs(run, out)
    if json_out:
        typer.echo(json.dumps(run.summary, indent=2, default=str))
    else:
        console = Console(width=max(100, Console().width))
        for table in _bench_tables(run.summary):
            console.print(table)
        err_console.print(
            f"{run.new} new runs, {run.resumed} resumed; records: {paths['records']}  "
            f"summary: {paths['summary']}  plots: {len(paths['plots'])} in {out}",
            highlight=False,
            soft_wrap=True,
        )
    if not run.complete:
        err_console.print("[yellow]interrupted:[/] the outputs cover the runs finished so far")
        raise typer.Exit(130)


@app.command()
@_user_errors
def analyze(
    sizes: Annotated[
        str, typer.Option(help="Comma-separated numbers of nodes.")
    ] = "4,6,8,10,12,14",
    trials: Annotated[int, typer.Option(help="Random paper instances per size.")] = 100,
    seed: Annotated[int, typer.Option(help="Root seed (children via SeedSequence.spawn).")] = 0,
    out: Annotated[
        Path, typer.Option(help="Output folder for records.csv, summary.json, analyze.png.")
    ] = Path("isingeq-results/analyze"),
    json_out: Annotated[
        bool, typer.Option("--json", help="Print the summary as JSON on stdout.")
    ] = False,
) -> None:
    """Count the t = inf solutions of eq. 16 (1-flip-stable states) on paper instances."""
    from .experiments.analyze import run_analyze, write_outputs

    size_list = _int_list("--sizes", sizes)
    trials = check_int("--trials", trials, low=1)
    with _progress(err_console) as progress:
        task = progress.add_task("analyze", total=len(size_list) * trials)
        records, summary = run_analyze(
            size_list,
            trials,
            seed,
            on_instance=lambda n, trial: progress.update(task, advance=1, description=f"n={n}"),
        )
    paths = write_outputs(records, summary, out)
    if json_out:
        typer.echo(json.dumps(summary, indent=2))
    else:
        table = Table(
            title=f"isingeq analyze: t = inf solutions of eq. 16, {trials} paper instances per n"
        )
        for col in ("n", "mean #solutions", "median", "max", "GS only solution", "GS basin"):
            table.add_column(col, justify="right", no_wrap=True)
        for r in summary:
            table.add_row(
                str(r["n"]),
                f"{r['mean_solutions']:.2f}",
                f"{r['median_solutions']:g}",
                str(r["max_solutions"]),
                _pct(r["unique_fraction"]),
                _pct(r["mean_basin"]),
            )
        Console(width=max(100, Console().width)).print(table)
        err_console.print(
            f"records: {paths['records']}  summary: {paths['summary']}  plot: {paths['plot']}"
        )


def _err_cell(mean: float | None, top: float | None) -> str:
    if mean is None or top is None or mean != mean:
        return "-"
    return f"{mean:.3g} · {top:.3g}"


def _perceptron_tables(summary: dict[str, Any]) -> list[Table]:
    cfg = summary["config"]
    k = cfg["instances"]
    mf = summary["mean_field"]
    ts = list(dict.fromkeys(r["t"] for r in mf))
    t1 = Table(
        title=f"eq. 16 as a perceptron: mean-field error max_i |<n_i>_eq16 - <n_i>_exact| "
        f"({k} paper instances per n)",
        caption="cell: mean, below it the max over instances. Last column: error of the exact "
        "identity P(n_i=1 | rest) = sigmoid(t xi_i), worst over all nodes, states and t.",
    )
    t1.add_column("n", justify="right", no_wrap=True)
    for t in ts:
        t1.add_column(f"t = {t:g}", justify="right", no_wrap=True)
    t1.add_column("identity", justify="right", no_wrap=True)
    for n in dict.fromkeys(r["n"] for r in mf):
        by_t = {r["t"]: r for r in mf if r["n"] == n}
        cells = [
            f"{by_t[t]['mean_mean_field_error']:.3g}\n[dim]max {by_t[t]['max_mean_field_error']:.3g}[/]"
            for t in ts
        ]
        worst = max(r["max_conditional_identity_error"] for r in by_t.values())
        t1.add_row(str(n), *cells, f"{worst:.1e}")
    t2 = Table(title=f"t = inf solutions of eq. 16 ({k} paper instances per n)")
    for col in ("n", "mean #solutions", "median", "max", "GS only solution", "GS basin"):
        t2.add_column(col, justify="right", no_wrap=True)
    for r in summary["fixed_points"]:
        t2.add_row(
            str(r["n"]),
            f"{r['mean_solutions']:.2f}",
            f"{r['median_solutions']:g}",
            str(r["max_solutions"]),
            _pct(r["unique_fraction"]),
            _pct(r["mean_basin"]),
        )
    rc = summary["reconstruction"]
    methods = list(dict.fromkeys(r["method"] for r in rc))
    t3 = Table(
        title=f"inverse problem: max |eps_fit - eps|, n = {cfg['recon_n']}, t = "
        f"{cfg['recon_t']:g}, exact samples ({k} paper instances)",
        caption="cell: median · max over instances (failed fits in red); time: mean fit time.",
    )
    t3.add_column("samples", justify="right")
    for m in methods:
        t3.add_column(m, justify="right", no_wrap=True)
        t3.add_column("time", justify="right", no_wrap=True)
    for S in dict.fromkeys(r["samples"] for r in rc):
        cells = []
        for m in methods:
            r = next(r for r in rc if r["samples"] == S and r["method"] == m)
            cell = _err_cell(r["median_error"], r["max_error"])
            if r["failed"]:
                cell += f" [red]({r['failed']} failed)[/]"
            cells += [cell, _seconds(r["mean_fit_time_s"])]
        t3.add_row(f"{S:,}", *cells)
    return [t1, t2, t3]


@app.command()
@_user_errors
def perceptron(
    sizes: Annotated[str, typer.Option(help="Comma-separated numbers of nodes (<= 24).")] = (
        "4,8,12"
    ),
    ts: Annotated[str, typer.Option(help="Comma-separated inverse temperatures t.")] = (
        "0.1,0.3,1,3,10"
    ),
    instances: Annotated[int, typer.Option(help="Random paper instances per size.")] = 5,
    samples: Annotated[
        str,
        typer.Option(help="Comma-separated sample counts for the inverse problem (n = 10, t = 1)."),
    ] = "300,1000,10000,100000",
    seed: Annotated[int, typer.Option(help="Root seed (children via SeedSequence.spawn).")] = 0,
    out: Annotated[
        Path,
        typer.Option(help="Output folder for the records CSVs, summary.json and the PNG plots."),
    ] = Path("isingeq-results/perceptron"),
    json_out: Annotated[
        bool, typer.Option("--json", help="Print the summary as JSON on stdout.")
    ] = False,
) -> None:
    """The perceptron view of eq. 16: exactness, the mean-field error, fixed points, learning eps.

    Example: isingeq perceptron --sizes 4,8 --ts 0.3,3 --instances 3 --samples 1000,10000
    """
    from .experiments.perceptron_demo import (
        PerceptronDemoConfig,
        _json_safe,
        run_perceptron_demo,
        write_outputs,
    )

    # validate everything before any work or file
    config = PerceptronDemoConfig(
        sizes=_int_list("--sizes", sizes),
        ts=_float_list("--ts", ts),
        instances=check_int("--instances", instances, low=1),
        samples=_int_list("--samples", samples),
        seed=check_int("--seed", seed, low=0),
    )
    with _progress(err_console) as progress:
        task = progress.add_task("perceptron", total=config.num_steps)
        run = run_perceptron_demo(
            config, on_step=lambda text: progress.update(task, advance=1, description=text)
        )
    paths = write_outputs(run, out)
    if json_out:
        typer.echo(json.dumps(_json_safe(run.summary), indent=2))
    else:
        console = Console(width=max(100, Console().width))
        for table in _perceptron_tables(run.summary):
            console.print(table)
        err_console.print(
            f"records: {paths['mean_field']}, {paths['fixed_points']}, "
            f"{paths['reconstruction']}  summary: {paths['summary']}  plots: "
            f"{paths['mean_field_plot']}, {paths['reconstruction_plot']}",
            highlight=False,
            soft_wrap=True,
        )


def main(argv: list[str] | None = None) -> Any:
    """Console-script entry point."""
    return app(args=argv if argv is not None else sys.argv[1:], prog_name="isingeq")


if __name__ == "__main__":  # pragma: no cover
    main()
