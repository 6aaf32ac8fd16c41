"""``isingeq solve``, ``isingeq methods`` and ``isingeq instances``: one model, one method; the
registry's vocabulary; the named instances.

Neither imports an experiment harness (:mod:`isingeq.experiments`): the instance comes from the
one resolver (:func:`isingeq.datasets.resolve`), the options from the registry
(:func:`isingeq.solvers._registry.resolve_options`), the solve from :func:`isingeq.solve`.
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from .._validation import check_int, check_real
from . import render
from ._progress import spinner
from .app import LISTING, app, check_out_file, err_console, flag, interrupted, user_errors

_OLD_RANDOM = re.compile(r"\s*(paper|sk)\s*:\s*([0-9]+)\s*$")


def _spec(
    random: str | None, instance: str | None, file: Path | None, seed: int
) -> tuple[str, Any]:
    """``(flag, spec)`` from exactly one of --instance / --file / the deprecated --random."""
    given = [f for f, v in (("--instance", instance), ("--file", file), ("--random", random)) if v]
    if len(given) != 1:
        got = f"got {', '.join(given)}" if given else "got none"
        raise ValueError(f"give exactly one of --instance or --file; {got}")
    if instance is not None:
        return "--instance", instance
    if file is not None:
        return "--file", file
    assert random is not None
    m = _OLD_RANDOM.match(random)
    if m is None:
        raise ValueError(
            f"`--random` {random!r} is the old spelling of a random instance and must look like "
            "'paper:N' or 'sk:N'; use --instance paper-N@SEED or sk-N@SEED instead"
        )
    new = f"{m.group(1)}-{int(m.group(2))}" + (f"@{seed}" if seed else "")
    warnings.warn(
        f"--random {random!r} is deprecated; it now means --instance {new} (a random family "
        "takes its seed in the spec, and --seed seeds the solver)",
        DeprecationWarning,
        stacklevel=2,
    )
    return "--random", new


#: What the command line gives a solve through flags of its own, not as method options
#: (``isingeq.solve`` takes them as keywords, so the registry's hints name those).
_FLAG_NOT_OPTION = {
    "rng": "the solver's seed is the flag --seed here (rng=SEED in isingeq.solve)",
    "seed": "the solver's seed is the flag --seed here (rng=SEED in isingeq.solve)",
    "callback": "the command gives the solve its own callback (the live line, --plot)",
}


def _no_flag_as_option(method: str, items: list[str]) -> None:
    """Refuse ``-o rng=3`` / ``-o seed=3`` naming ``--seed`` (the registry's hint for ``seed``,
    "called `rng` here", is Python's: ``-o rng=3`` was then an unknown option)."""
    keys = [str(item).partition("=")[0].strip() for item in items]
    keys += [p.partition("=")[0].strip() for p in re.split(r"[;,]", method.partition(":")[2])]
    for key in keys:
        if key in _FLAG_NOT_OPTION:
            raise ValueError(f"option {key!r}: {_FLAG_NOT_OPTION[key]}")


def _input_file(spec: Any) -> Path | None:
    """The file that ``spec`` reads (``PATH``, or ``PATH#K`` / ``PATH#NAME``), if any."""
    text = str(spec).strip()
    for candidate in (text, text.rpartition("#")[0]):
        path = Path(candidate).expanduser()
        if candidate and path.is_file():
            return path.resolve()
    return None


def _not_the_input(out: Path | None, plot: Path | None, source: Path | None) -> None:
    """Refuse an output path that is the input file: it would be overwritten."""
    for name, path in (("--out", out), ("--plot", plot)):
        if source is not None and path is not None and path.resolve() == source:
            raise ValueError(f"{name} {str(path)!r} is the input file; it would be overwritten")


@app.command()
@user_errors
def solve(
    instance: Annotated[
        str | None,
        typer.Option(
            "--instance",
            metavar="SPEC",
            help="The instance: a name with its best-known value (G1..G81, bqp50-1..bqp2500-10, "
            "gka1a, be100.1, ...; read from --data-dir), a random family paper-N\\[@SEED] "
            "(eps_ij ~ U[-1, 1]), sk-N\\[@SEED] (Sherrington-Kirkpatrick) or ea-LxL\\[@SEED] "
            "(+-J torus, any dimension: ea-8x8x8), SEED default 0, or "
            "a file path (PATH#K or PATH#NAME: one instance of a file of several). The same "
            "spec gives the same model as isingeq.resolve(SPEC).",
        ),
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            help="A model file (Gset/rudy, a one-instance bqp file, Biq Mac .sparse, dimod COO, "
            ".mtx, latfile, tnac4o, isingeq .npz; .gz too); the same as --instance PATH.",
        ),
    ] = None,
    file_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="The file's format where its name does not tell it, e.g. Biq Mac's rudy "
            "files (g05_100.0: --format rudy): gset, rudy, beasley, biqmac, coo, mtx, "
            "latfile, tnac4o or npz.",
        ),
    ] = None,
    random: Annotated[
        str | None,
        typer.Option(
            "--random",
            metavar="SPEC",
            help="Deprecated: 'paper:N' / 'sk:N' still work, mapped to --instance paper-N@SEED "
            "(SEED = --seed) with a warning; write --instance paper-N@SEED instead.",
        ),
    ] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option(help="Folder of the named instances (default $ISINGEQ_DATA or the cache)."),
    ] = None,
    method: Annotated[
        str,
        typer.Option(
            help="A registered method (`isingeq methods`), optionally with options as "
            "name:key=value;key=value. 'auto': exact where it is cheap, else the strongest "
            "heuristic (the result says which).",
        ),
    ] = "auto",
    seed: Annotated[
        int, typer.Option(help="The solver's seed >= 0 (rng=SEED in isingeq.solve).")
    ] = 0,
    time_limit: Annotated[
        float | None,
        typer.Option(
            help="Wall-time limit in seconds, for methods that take `time_limit` (a CLI call "
            "also loads numba's kernels once, outside it; the first call after installing "
            "compiles them, once: README, one vocabulary)."
        ),
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
            "(t_end=50, mf_fraction=0.5), else strings (mode=continuation).",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Write the full result (every sample and its energy, info, instance, seed) as JSON."
        ),
    ] = None,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print the full result as JSON on stdout.")
    ] = False,
    plot: Annotated[
        Path | None,
        typer.Option(
            help="Draw the solve to this image (.png, .pdf, .svg, ...; its folder is made "
            "like --out's): the best objective against time (per phase) and, for mfa, <n_i> "
            "freezing against t and eq. 16's residual. For mfa this turns on "
            "-o trajectory=True, which runs the first round's sweeps one at a time and "
            "evaluates the energy after each: the plotted run is slower (two to four times as long "
            "without a time limit) and, "
            "with --time-limit, does fewer sweeps than the same solve without --plot.",
        ),
    ] = None,
) -> None:
    """Solve one instance and report the best energy found, its objective and gap.

    Examples: isingeq solve --instance paper-1000@3 --method mfa --time-limit 1 --json;
    isingeq solve --instance G22 --time-limit 1 --data-dir ../shared/data

    Ctrl-C stops auto, mfa, mfa-async, mfa-hybrid, tabu and scipy-root at their next clock
    check: the best found so far is reported and written as usual, then exit code 130. In
    --json and --out, `gap` is a fraction (the table shows it in %), `objective` in the
    instance's own terms.
    """
    from .._json import json_safe
    from ..datasets import resolve
    from ..solvers import solve as run_solve
    from ..solvers._progress import Interrupted, ProgressEvent, Trace
    from ..solvers._registry import METHODS, method_options, resolve_options

    # validate everything before loading the instance or solving
    seed = check_int("--seed", seed, low=0)
    if time_limit is not None:
        time_limit = check_real("--time-limit", time_limit, low=0.0, low_open=True)
    if num_reads is not None:
        num_reads = check_int("--num-reads", num_reads, low=1)
    which, spec = _spec(random, instance, file, seed)
    with flag("--method / --option"):
        _no_flag_as_option(method, option or [])
        name, options = resolve_options(method, option or [])
    # the flags' own options, each error naming its flag (not `--method / --option`)
    for flag_name, key, value in (
        ("--time-limit", "time_limit", time_limit),
        ("--num-reads", "num_reads", num_reads),
    ):
        if value is None:
            continue
        if key not in method_options(name):
            having = ", ".join(m for m in METHODS if key in method_options(m))
            raise ValueError(
                f"{flag_name}: method {name!r} has no option {key!r}; methods that have it: {having}"
            )
        if key in options:
            raise ValueError(
                f"{flag_name} and the option {key}={options[key]!r} (--method / --option) give "
                f"{key!r} twice; give it once"
            )
        options[key] = value
    # the input file, which no output may overwrite
    _not_the_input(out, plot, _input_file(spec))
    if out is not None:
        check_out_file("--out", out)
    if plot is not None:
        check_out_file("--plot", plot)
        from ..plotting import check_figure_path

        check_figure_path("--plot", plot)
        if out is not None and plot.resolve() == out.resolve():
            raise ValueError(f"--out and --plot are the same file {str(out)!r}; give two paths")
        if name == "mfa":  # the freezing heatmap and the residual come from mfa's trajectory
            # (which costs time: the --plot help and the README say so)
            options.setdefault("trajectory", True)
    with flag(which):
        named = {"spec": which, "data_dir": "--data-dir", "format": "--format", **LISTING}
        inst = resolve(spec, data_dir, format=file_format, flag_names=named)
    # a named instance's file (in --data-dir) is known once it is found
    _not_the_input(out, plot, _input_file(inst.source))

    trace = Trace()

    def best(energy: float) -> str:
        return f"{float(inst.objective_of_energy(energy)):.10g}"

    live = spinner(
        err_console,
        f"{name} on {inst.name}",
        options.get("time_limit"),
        show=best,
        enabled=not json_out,
    )
    with live as on_event:

        def callback(event: ProgressEvent) -> None:
            trace(event)
            on_event(event)

        try:
            result = run_solve(inst.model, method=name, rng=seed, callback=callback, **options)
            stopped_by_user = False
        except Interrupted as stop:  # Ctrl-C: the best found so far is reported and written
            result, stopped_by_user = stop.result, True

    summary = result.to_dict()
    objective = float(inst.objective(result.best_sample))
    record: dict[str, Any] = {
        "instance": inst.name,
        "seed": seed,
        "method": summary.pop("method"),
        "options": options,
        **summary,
        "objective": objective,
        "sense": inst.sense,
        "best_known": inst.best_known,
        "gap": inst.gap(objective),
    }
    if out is not None or json_out:
        # one line: best_sample and energies are long lists for large n. The sample lists are
        # JSON already (to_dict): only the rest goes through json_safe, whose walk of every
        # entry took 15 s on 16 reads of 10^6 variables (and ran without --json or --out)
        lists = ("best_sample", "energies", "samples")
        safe = json_safe({k: v for k, v in record.items() if k not in lists})
        text = json.dumps({k: record[k] if k in lists else safe[k] for k in record})
        if out is not None:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text + "\n")
    if json_out:
        typer.echo(text)
    else:
        # the name as it is, not as rich markup (a file stem like 'run[1]')
        Console().print(render.solve_table({**record, "instance": escape(inst.name)}))
    if out is not None:
        err_console.print(f"result: {escape(str(out))}", highlight=False, soft_wrap=True)
    if plot is not None:
        from ..plotting import plot_solve

        plot_solve(result, plot, trace, objective=inst.objective_of_energy)
        err_console.print(f"plot: {escape(str(plot))}", highlight=False, soft_wrap=True)
    if stopped_by_user:
        interrupted("stopped by Ctrl-C; the result is the best found before it")


@app.command()
@user_errors
def methods() -> None:
    """List the registered methods, their options and defaults (one vocabulary for all)."""
    from .. import solvers
    from ..solvers._vocabulary import COMMON

    vocabulary = getattr(solvers, "VOCABULARY", None)
    render.print_tables([render.methods_table(solvers.METHODS, vocabulary, COMMON)])


@app.command()
@user_errors
def instances(
    family: Annotated[
        str | None,
        typer.Option(help="List every instance of this family (gset, beasley, ...) instead."),
    ] = None,
) -> None:
    """List the named instances (by family, with their sizes) and the suites.

    Each name is a spec of `isingeq solve --instance` and `isingeq bench --instance`, each
    suite one of `isingeq bench --suite`; the random families and files are specs too.
    """
    from .. import datasets

    try:
        entries = [datasets.info(name) for name in datasets.names(family)]
    except ValueError as exc:  # its message names the parameter `family`
        raise ValueError(str(exc).replace("`family`", "`--family`")) from None
    forms = (
        "Also specs: a random family paper-N[@SEED], sk-N[@SEED] or ea-LxL[@SEED] (drawn, "
        "SEED default 0), or a file path (PATH#K or PATH#NAME: one instance of a file of "
        "several)."
    )
    render.print_tables(
        render.instances_tables(
            entries,
            None if family is not None else datasets.SUITES,
            escape(forms),
        )
    )
