"""``isingeq reproduce``, ``bench``, ``analyze`` and ``perceptron``: the experiments.

Each command checks its flags and its output folder before any work or file, runs the
library's experiment (which writes its records through :mod:`isingeq.experiments.records`)
and renders the summary (:mod:`.render`). The harnesses are imported inside the commands.
"""

from __future__ import annotations

import contextlib
import json
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from .._validation import check_int, check_real
from . import render
from ._progress import steps
from .app import (
    LISTING,
    app,
    check_out_dir,
    err_console,
    interrupted,
    parse_list,
    user_errors,
)

SchedulerOpt = Annotated[
    str | None,
    typer.Option(
        help="Run on Dask: 'local' (a cluster of worker processes here) or a scheduler address "
        '(tcp://host:8786). Default: in-process. Needs pip install "isingeq\\[dask]".'
    ),
]
WorkersOpt = Annotated[
    int | None,
    typer.Option(
        help="Worker processes of --scheduler local (threads per worker: cores // workers). "
        "Default: one per core."
    ),
]


@contextlib.contextmanager
def _dask_errors() -> Iterator[None]:
    """A missing optional Dask is a user error (one line, exit 2), like a bad flag."""
    try:
        yield
    except ImportError as exc:
        raise ValueError(str(exc)) from None


#: The flags of ``analyze`` and ``perceptron`` by their library parameters' names (errors
#: about a resumed folder name the flag).
_FLAGS = {
    "sizes": "--sizes",
    "trials": "--trials",
    "instances": "--trials",
    "seed": "--seed",
    "ts": "--ts",
    "samples": "--samples",
}


#: The flags of ``reproduce`` and ``bench`` by their library parameters' names (the harnesses'
#: ``flag_names``: their errors name the flag the user typed, not the parameter).
_REPRODUCE_FLAGS = {
    k: f"--{k}" for k in ("sizes", "trials", "seed", "methods", "resume", "scheduler")
}
_BENCH_FLAGS = {
    **{
        k: f"--{k}"
        for k in ("solvers", "budgets", "repeats", "seed", "target", "threads", "format")
    },
    "scheduler": "--scheduler",
    "suites": "--suite",
    "names": "--instance",
    "files": "--file",
    "data_dir": "--data-dir",
    **LISTING,
}


def _check_workers(workers: int | None, scheduler: str | None) -> None:
    if workers is None:
        return
    if scheduler != "local":
        raise ValueError(f"--workers applies to --scheduler local only; got --workers {workers}")
    check_int("--workers", workers, low=1)


def _interrupted(complete: bool, what: str) -> None:
    if not complete:
        interrupted(f"the outputs cover the {what} finished so far")


@app.command()
@user_errors
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
    resume: Annotated[
        bool,
        typer.Option(
            "--resume/--fresh",
            help="Keep the instances already complete in --out's records.csv and run the others "
            "(refused when they were made with another --seed, or other --methods / --sizes or "
            "more --trials than given); --fresh (default) starts the file anew.",
        ),
    ] = False,
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = None,
) -> None:
    """Reproduce the paper's table (eq. 16 vs the exact ground state) and beat it.

    Example: isingeq reproduce --sizes 20 --trials 200 --scheduler local --workers 2
    """
    from ..experiments.reproduce import (
        PAPER_TABLE,
        check_inputs,
        default_methods,
        run_reproduce,
        write_outputs,
    )

    size_list = parse_list("--sizes", sizes, int)
    seed = check_int("--seed", seed, low=0)  # errors name the flag, not run_reproduce's `seed`
    _check_workers(workers, scheduler)
    method_list = default_methods() if methods is None else parse_list("--methods", methods)
    check_inputs(size_list, trials, method_list, flag_names=_REPRODUCE_FLAGS)  # before any work
    check_out_dir("--out", out)
    with steps(err_console, "reproduce", len(size_list) * trials) as advance, _dask_errors():
        run = run_reproduce(
            size_list,
            trials,
            seed,
            method_list,
            out_dir=out,
            on_instance=lambda n, trial: advance(f"n={n}"),
            resume=resume,
            scheduler=scheduler,
            workers=workers,
            on_resume=lambda done: advance("resumed", done),
            flag_names=_REPRODUCE_FLAGS,
        )
    paths = write_outputs(run, out, records_written=True)
    if json_out:
        keys = (
            "n",
            "method",
            "trials",
            "failed",
            "correct_rate",
            "energy_ratio",
            "gs_hit_rate",
            "mean_time_s",
        )
        typer.echo(json.dumps([{k: row[k] for k in keys} for row in run.summary], indent=2))
    else:
        table = render.reproduce_table(
            run.summary, trials, seed, PAPER_TABLE, complete=run.complete
        )
        render.print_tables([table])
        _failures(run.records, lambda r: f"{r['method']} (n={r['n']})")
        err_console.print(
            f"records: {paths['records']}  summary: {paths['summary']}  "
            f"plot: {paths.get('plot', '-')}",
            highlight=False,
            soft_wrap=True,
        )
    _interrupted(run.complete, "instances")


@app.command()
@user_errors
def bench(
    suite: Annotated[
        list[str] | None,
        typer.Option(
            "--suite",
            metavar="SUITE",
            help="A named suite (gset-800, gset-2000, beasley-250, beasley-1000, ...; `isingeq "
            "instances` lists them) or a random family paper-N\\[@SEED]; repeat or give a comma "
            "list.",
        ),
    ] = None,
    instance: Annotated[
        list[str] | None,
        typer.Option(
            "--instance",
            metavar="SPEC",
            help="Instance specs, as in `isingeq solve --instance` (G1, bqp250-3, gka1a: "
            "`isingeq instances` lists the names; paper-40 = paper-40@0, paper-40@7, a file); "
            "repeat or comma list.",
        ),
    ] = None,
    file: Annotated[
        list[Path] | None,
        typer.Option(
            "--file",
            metavar="PATH",
            help="An instance file (any format isingeq reads; every instance it holds); "
            "repeatable.",
        ),
    ] = None,
    file_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="The format of the --file files (and paths given to --instance) where their "
            "names do not tell it, as in "
            "`isingeq solve --format` (g05_100.0: --format rudy): gset, rudy, beasley, biqmac, "
            "coo, mtx, latfile, tnac4o or npz.",
        ),
    ] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option(help="Folder laid out like shared/data (default: $ISINGEQ_DATA, the cache)."),
    ] = None,
    solvers: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated solvers (mfa, mfa-async, mfa-hybrid, tabu, greedy, dwave-sa, dwave-tabu, "
            "dwave-steepest, openjij-sa, sb; optional: mq-bsb, mq-dsb); default: every one "
            "installed but the optional ones."
        ),
    ] = None,
    budgets: Annotated[str, typer.Option(help="Comma-separated time budgets in seconds.")] = (
        "0.1,1,10"
    ),
    repeats: Annotated[int, typer.Option(help="Runs (seeds) per instance, solver and budget.")] = 5,
    seed: Annotated[
        int, typer.Option(help="Root of the run seeds (recorded per run); not the instances'.")
    ] = 0,
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
    threads: Annotated[
        int | None,
        typer.Option(
            help="Threads for isingeq's methods (numba, BLAS) and torch-based peers; 1 is the "
            "equal-CPU comparison (every peer is single-threaded). Default: all cores."
        ),
    ] = None,
    out: Annotated[
        Path,
        typer.Option(help="Output folder for records.csv, conditions.json, summary.json, PNGs."),
    ] = Path("isingeq-results/bench"),
    plots: Annotated[
        bool,
        typer.Option(
            "--plots/--no-plots",
            help="Draw the PNGs: objective against time per instance, the performance profile "
            "(performance_profile.png) and the time-to-target ECDF (ttt_ecdf.png).",
        ),
    ] = True,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print the summary as JSON on stdout.")
    ] = False,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume/--fresh",
            help="Keep the runs already finished in --out's records.csv and run the others "
            "(refused when they were made with another --seed, --target, --threads or "
            "best-known value; runs outside this plan stay in the file, out of the summary); "
            "--fresh (default) starts the file anew and removes the earlier run's summary.json, "
            "PNGs and certificates/ (nothing else in --out).",
        ),
    ] = False,
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = None,
) -> None:
    """Benchmark isingeq's methods against peer solvers at equal time budgets.

    Example: isingeq bench --suite gset-800 --solvers mfa,dwave-sa --budgets 0.1,1 --repeats 3
    --threads 1

    With --scheduler, one Dask task per run; a worker runs one timed run at a time on its own
    cores (threads per worker: cores // --workers), so timed runs never share a core.
    """
    from ..experiments.bench import make_plan, run_bench, write_outputs
    from ..experiments.bench_summary import record_key

    # validate everything before any work or file (make_plan's errors name the flags)
    budget_list = parse_list("--budgets", budgets, float)
    _check_workers(workers, scheduler)
    solver_list = None if solvers is None else parse_list("--solvers", solvers)
    if not (suite or instance or file):
        raise ValueError("no instances: give --suite, --instance or --file")
    check_out_dir("--out", out)
    plan = make_plan(
        suites=suite,
        names=instance,
        files=file,
        data_dir=data_dir,
        solvers=solver_list,
        budgets=budget_list,
        repeats=repeats,
        seed=seed,
        target=target,
        ttt=ttt,
        threads=threads,
        format=file_format,
        flag_names=_BENCH_FLAGS,
    )
    if not plan.solvers:
        reasons = "; ".join(f"{k}: {v}" for k, v in plan.skipped.items())
        raise ValueError(f"none of the solvers can run here ({reasons})")
    for name, reason in plan.skipped.items():
        # escaped: a reason such as "pip install 'isingeq[bench]'" is not markup
        err_console.print(f"[yellow]note:[/] skipping {name}: {escape(reason)}", highlight=False)
    total = len(plan.keys())

    def on_resume(done: int) -> None:
        advance(n=done)
        if done:
            err_console.print(
                f"resuming: {done} of {total} runs are already in {out / 'records.csv'}; "
                "they are skipped",
                highlight=False,
                soft_wrap=True,
            )

    with steps(err_console, "bench", total) as advance, _dask_errors():
        run = run_bench(
            plan,
            out,
            on_record=lambda row: advance(),
            on_start=lambda text: advance(text, n=0),
            on_resume=on_resume,
            scheduler=scheduler,
            workers=workers,
            resume=resume,
            flag_names=_BENCH_FLAGS,
        )
    planned = set(plan.keys())
    outside = sum(record_key(r) not in planned for r in run.records)
    if outside:
        err_console.print(
            f"note: {out / 'records.csv'} also holds {outside} runs outside this plan (other "
            "instances, solvers, budgets or repeats); they stay in the file, left out of the "
            "summary",
            highlight=False,
            soft_wrap=True,
        )
    paths = write_outputs(run, out, plots=plots)
    if json_out:
        typer.echo(json.dumps(run.summary, indent=2))
    else:
        render.print_tables(render.bench_tables(run.summary))
        _failures(run.records, lambda r: f"{r['solver']} on {r['instance']}")
        err_console.print(
            f"{run.new} new runs, {run.resumed} resumed; records: {paths['records']}  "
            f"summary: {paths['summary']}  plots: {len(paths['plots'])} in {out}",
            highlight=False,
            soft_wrap=True,
        )
    _interrupted(run.complete, "runs")


def _failures(records: Any, label: Any) -> None:
    """The errors behind the tables' failed counts, on stderr (:func:`render.failure_lines`)."""
    for line in render.failure_lines(records, label):
        err_console.print(f"[red]failed[/] {escape(line)}", highlight=False, soft_wrap=True)


@app.command()
@user_errors
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
    resume: Annotated[
        bool,
        typer.Option(
            "--resume/--fresh",
            help="Keep the instances already in --out's records.csv and run the rest (refused "
            "when they were made with another --seed, or more --sizes / --trials than given); "
            "--fresh (default) starts the file anew.",
        ),
    ] = False,
) -> None:
    """Count the t = inf solutions of eq. 16 (1-flip-stable states) on paper instances.

    The same count is part 2 of `isingeq perceptron`; this is its alias.
    """
    from ..perceptron.experiment import (
        analyze_config,
        check_resume,
        run_analyze,
        write_analyze_outputs,
    )
    from ..solvers import EXACT_MAX_N

    # every input checked before the records file is created or emptied
    size_list = [
        check_int("--sizes", n, low=1, high=EXACT_MAX_N) for n in parse_list("--sizes", sizes, int)
    ]
    trials = check_int("--trials", trials, low=1)
    seed = check_int("--seed", seed, low=0)
    check_out_dir("--out", out)
    if resume:  # here for the flags' names; run_analyze checks it again
        check_resume(
            out, analyze_config(size_list, trials, seed), names=_FLAGS, resume_name="--resume"
        )
    with steps(err_console, "analyze", len(size_list) * trials) as advance:
        records, summary = run_analyze(
            size_list,
            trials,
            seed,
            on_instance=lambda n, trial: advance(f"n={n}"),
            out_dir=out,
            resume=resume,
        )
    paths = write_analyze_outputs(records, summary, out)
    if json_out:
        from ..experiments.records import json_safe

        typer.echo(json.dumps(json_safe(summary), indent=2))
    else:
        title = f"isingeq analyze: t = inf solutions of eq. 16, {trials} paper instances per n"
        render.print_tables([render.analyze_table(summary, title)])
        err_console.print(
            f"records: {paths['records']}  summary: {paths['summary']}  plot: {paths['plot']}",
            highlight=False,
            soft_wrap=True,
        )


@app.command()
@user_errors
def perceptron(
    sizes: Annotated[str, typer.Option(help="Comma-separated numbers of nodes (<= 24).")] = (
        "4,8,12"
    ),
    ts: Annotated[str, typer.Option(help="Comma-separated inverse temperatures t.")] = (
        "0.1,0.3,1,3,10"
    ),
    trials: Annotated[
        int | None, typer.Option(help="Random paper instances per size (default 5).")
    ] = None,
    instances: Annotated[
        int | None, typer.Option(hidden=True, help="Deprecated spelling of --trials.")
    ] = None,
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
    resume: Annotated[
        bool,
        typer.Option(
            "--resume/--fresh",
            help="Keep the instances already in --out's records CSVs and run the rest (refused "
            "when they were made with another --seed, --ts or --samples, or more --sizes / "
            "--trials than given); --fresh (default) starts them anew.",
        ),
    ] = False,
) -> None:
    """The perceptron view of eq. 16: exactness, the mean-field error, fixed points, learning eps.

    Example: isingeq perceptron --sizes 4,8 --ts 0.3,3 --trials 3 --samples 1000,10000
    """
    from ..experiments.records import json_safe
    from ..perceptron import ENUMERATE_MAX_N
    from ..perceptron.experiment import (
        PerceptronDemoConfig,
        check_resume,
        check_sample_counts,
        run_perceptron_demo,
        write_outputs,
    )

    # validate everything before any work or file, each error naming its flag
    if instances is not None:
        if trials is not None:
            raise ValueError(
                f"give --trials only (--instances is its deprecated spelling); got --trials "
                f"{trials} and --instances {instances}"
            )
        trials = check_int("--instances", instances, low=1)
    elif trials is not None:
        trials = check_int("--trials", trials, low=1)
    recon_n = PerceptronDemoConfig.recon_n
    config = PerceptronDemoConfig(
        sizes=[
            check_int("--sizes", n, low=1, high=ENUMERATE_MAX_N)
            for n in parse_list("--sizes", sizes, int)
        ],
        ts=[check_real("--ts", t, low=0.0) for t in parse_list("--ts", ts, float)],
        trials=5 if trials is None else trials,
        samples=check_sample_counts("--samples", parse_list("--samples", samples, int), recon_n),
        seed=check_int("--seed", seed, low=0),
    )
    check_out_dir("--out", out)
    if resume:  # here for the flags' names; run_perceptron_demo checks it again
        check_resume(out, config.run_config(), names=_FLAGS, resume_name="--resume")
    if instances is not None:  # said once everything is valid, so that an error stays one line
        warnings.warn(
            "`--instances` is deprecated and will be removed; use `--trials`",
            DeprecationWarning,
            stacklevel=2,
        )
    with steps(err_console, "perceptron", config.num_steps) as advance:
        run = run_perceptron_demo(
            config, on_step=lambda text: advance(text), out_dir=out, resume=resume
        )
    paths: dict[str, Any] = write_outputs(run, out)
    if json_out:
        typer.echo(json.dumps(json_safe(run.summary), indent=2))
    else:
        render.print_tables(render.perceptron_tables(run.summary))
        err_console.print(
            f"records: {paths['mean_field']}, {paths['fixed_points']}, "
            f"{paths['reconstruction']}  summary: {paths['summary']}  plots: "
            f"{paths['mean_field_plot']}, {paths['reconstruction_plot']}",
            highlight=False,
            soft_wrap=True,
        )
