"""The paper's experiment (section 4): eq. 16 against the exact ground state, N = 6 and 12.

For each size ``n`` and trial, a paper instance (:func:`isingeq.paper_instance`) is solved by the
exact solver and by each method; per (n, method) the run reports

* **correct rate** -- the fraction of nodes equal to the *nearest* exact ground state (minimum
  Hamming distance over the degenerate ground states), pooled over all trials (the paper's
  597/600 = 99.50 % reading);
* **energy ratio** -- the mean over trials of ``H_found / H_exact`` (= ``(-H_found)/(-H_exact)``,
  the paper's ratio). ``H_exact <= 0`` always holds here (the empty state has ``H = 0``); when
  ``H_exact = 0`` (within the degeneracy tolerance) the ratio is undefined, and the trial counts
  1 if the method also reached ``H = 0`` and 0 otherwise; ``zero_gs_instances`` says how often;
* **ground-state hit rate** -- the fraction of trials whose best energy equals ``H_exact``
  (within the exact solver's degeneracy tolerance);
* **mean time** per instance (wall time of the solve).

A method that raises on an instance does not stop the run: its record says ``status`` =
``"failed: Type: message"`` (the other methods' records of that instance are made as usual; when
the exact solve raises, the instance's every record says so), the summary counts it in
``failed`` and leaves it out of the rates. On Dask, a task that still fails after its retries (a
worker killed again and again) gives such a record for every (instance, method) of its batch.
An interruption (Ctrl-C) still stops the run.

Files: with ``out_dir``, records stream to ``records.csv`` as they exist (an interrupted run
keeps what it finished); :func:`write_outputs` adds ``summary.json`` and ``reproduce.png``.
Both go through the records layer (:mod:`.records`).

Seeds: instance ``(n, trial)`` is drawn from ``SeedSequence(seed, spawn_key=(n,)).spawn(trials)``
and each method's generator from that child with the method's label mixed in, so a record does
not depend on which other sizes or methods were run.
"""

from __future__ import annotations

import contextlib
import os
import time
import warnings
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numba
import numpy as np

from .._validation import check_int
from ..generators import paper_instance
from ..solvers import (
    EXACT_MAX_N,
    EXACT_METHODS,
    METHODS,
    method_options,
    parse_method_spec,
    solve,
)
from ..solvers._registry import DISPATCH_METHODS
from .records import DASK_TASK_FAILED, RecordsFile, failure_status, write_csv, write_json

__all__ = [
    "PAPER_TABLE",
    "RECORD_FIELDS",
    "ReproduceRun",
    "check_inputs",
    "default_methods",
    "failed_record",
    "run_reproduce",
    "summarize",
    "write_outputs",
]

#: The paper's table: n -> (correct rate, energy ratio).
PAPER_TABLE: dict[int, tuple[float, float]] = {6: (0.9950, 0.9996), 12: (0.9891, 0.9972)}

RECORD_FIELDS = [
    "n",
    "trial",
    "method",
    "energy",
    "exact_energy",
    "energy_ratio",
    "correct_nodes",
    "hamming",
    "gs_hit",
    "time_s",
    "converged",
    "num_ground_states",
    "seed",
    "status",
]
#: The columns before ``seed`` (such files are not resumed: they do not say their seed).
LEGACY_FIELDS = RECORD_FIELDS[: RECORD_FIELDS.index("seed")]
#: The columns before ``status`` (files of versions where a failure stopped the run: every row
#: read from them is "ok").
PRE_STATUS_FIELDS = RECORD_FIELDS[: RECORD_FIELDS.index("status")]
#: Columns of a record that a failed row leaves empty (nothing was measured).
_MEASURED = [f for f in RECORD_FIELDS if f not in ("n", "trial", "method", "seed", "status")]


def default_methods() -> list[str]:
    """Every registered heuristic, with scipy-root in both of its modes (paper, continuation).

    Methods that only dispatch to another (``auto``) are left out: they would repeat a row.

    Examples
    --------
    >>> default_methods()[:2]
    ['scipy-root', 'scipy-root:mode=continuation']
    """
    # the paper's method first, then the others in registration order
    names = sorted(
        (m for m in METHODS if m not in EXACT_METHODS | DISPATCH_METHODS),
        key=lambda m: m != "scipy-root",
    )
    out: list[str] = []
    for name in names:
        out.append(name)
        if name == "scipy-root":
            out.append("scipy-root:mode=continuation")
    return out


@dataclass
class ReproduceRun:
    """Per-instance records and the per-(n, method) summary of one reproduce run."""

    sizes: list[int]
    trials: int
    seed: int
    methods: list[str]
    records: list[dict[str, Any]] = field(default_factory=list)
    summary: list[dict[str, Any]] = field(default_factory=list)
    complete: bool = False
    #: Seconds spent compiling (or loading from numba's cache) the methods' kernels before the
    #: first timed instance, in this process; reported apart, never inside a record's time.
    warm_up_s: float = 0.0


def _method_seed(child: np.random.SeedSequence, label: str) -> np.random.SeedSequence:
    return np.random.SeedSequence(
        child.entropy, spawn_key=(*child.spawn_key, zlib.crc32(label.encode()))
    )


def check_inputs(
    sizes: Iterable[int],
    trials: int,
    methods: Sequence[str],
    *,
    flag_names: Mapping[str, str] | None = None,
) -> tuple[list[int], list[tuple[str, str, dict[str, Any]]]]:
    """Check sizes, trials and method specs; return the sizes and ``(label, name, options)``.

    ``flag_names`` maps a parameter (``sizes``, ``trials``, ``methods``) to the name its errors
    give it (the CLI's ``--sizes``).

    Raises
    ------
    ValueError
        If a size is outside 1..36 or listed twice, ``trials < 1``, or a method spec is
        unknown, malformed, listed twice or ``"exact"`` (always run, as the reference).
    """
    named = {k: k for k in ("sizes", "trials", "methods")}
    named.update(flag_names or {})
    sizes = list(sizes)
    if not sizes:
        raise ValueError(f"`{named['sizes']}` must list at least one size; got none")
    for n in sizes:
        check_int(named["sizes"], n, low=1, high=EXACT_MAX_N)
    twice = sorted({int(n) for n in sizes if sizes.count(n) > 1})
    if twice:
        raise ValueError(
            f"`{named['sizes']}` lists {twice} more than once; every size runs the same "
            f"instances (seeded by size and trial), so give each once: got {sizes}"
        )
    check_int(named["trials"], trials, low=1)
    specs = []
    for label in methods:
        name, opts = parse_method_spec(label)
        specs.append((label, name, opts))
    twice_m = sorted({m for m in methods if list(methods).count(m) > 1})
    if twice_m:
        raise ValueError(f"`{named['methods']}` lists {twice_m} more than once; give each once")
    if "exact" in methods:
        # its records would share the reference's label: two "exact" rows per instance
        raise ValueError(
            f"`{named['methods']}` lists 'exact', which every run solves already (the reference each "
            f"method is scored against); leave it out: got {list(methods)}"
        )
    return [int(n) for n in sizes], specs


def run_reproduce(
    sizes: Iterable[int] = (6, 12),
    trials: int = 100,
    seed: int = 0,
    methods: Sequence[str] | None = None,
    *,
    out_dir: str | os.PathLike[str] | None = None,
    on_record: Callable[[dict[str, Any]], None] | None = None,
    on_instance: Callable[[int, int], None] | None = None,
    resume: bool = False,
    scheduler: Any = None,
    workers: int | None = None,
    on_resume: Callable[[int], None] | None = None,
    flag_names: Mapping[str, str] | None = None,
) -> ReproduceRun:
    """Run the paper's experiment; return records and summary.

    Parameters
    ----------
    sizes : iterable of int
        Numbers of nodes (1..36, the exact solver's limit).
    trials : int
        Random instances per size.
    seed : int
        Root seed.
    methods : sequence of str, optional
        Method specs ``"name"`` or ``"name:key=value,..."``; default :func:`default_methods`.
    out_dir : path, optional
        Stream each record to ``out_dir/records.csv`` as soon as it exists (the folder is
        created after every input is checked; an earlier file there is replaced unless
        ``resume``).
    on_record : callable, optional
        Called with each record as soon as it exists.
    on_instance : callable, optional
        Called with ``(n, trial)`` after each instance (for progress bars).
    resume : bool, default False
        Keep the instances already complete in ``out_dir/records.csv`` (every method's row, the
        same seed) and run only the others, so an interrupted run picks up where it stopped.
        An instance whose Dask task failed (its records end ``(Dask task)``) is run again; a
        file with records this run does not cover (other methods or sizes, more trials) is
        refused rather than cut.
    scheduler : None, "local", str or distributed.Client, optional
        None (default): in-process. Otherwise a Dask run (:mod:`isingeq.distributed`), one task
        per batch of instances, each instance with its own seed, so the records are the same as in-process
        whatever the number of workers; they stream to the file as tasks finish. Throughput
        against one worker: ``benchmarks/bench_dask.py``.
    workers : int, optional
        Worker processes of ``scheduler="local"`` (default one per core).
    on_resume : callable, optional
        Called with the number of instances kept from the file, before the others run (for
        progress bars: those instances are done).
    flag_names : mapping, optional
        The name an error gives a parameter (``sizes``, ``trials``, ``seed``, ``methods``,
        ``resume``, ``scheduler``; the CLI's ``{"seed": "--seed"}``).

    Returns
    -------
    ReproduceRun
        ``complete`` is False if the run was interrupted; records and summary then cover the
        instances finished so far. Records are in the in-process order (size, trial, method)
        whatever the order in which a Dask run finished them.

    Raises
    ------
    ValueError
        If a size is outside 1..36, ``trials < 1``, a method spec is unknown or an option's
        value is refused by its method (in the warm-up), or ``resume`` finds records of another
        seed or records this run does not cover. Every such check, and the scheduler's
        connection, comes before ``out_dir`` is touched.
    ImportError
        With a scheduler but without Dask (``pip install "isingeq[dask]"``).
    OSError
        If the scheduler cannot be reached.
    """
    named = {k: k for k in ("sizes", "trials", "seed", "methods", "resume", "scheduler")}
    named.update(flag_names or {})
    methods = list(default_methods() if methods is None else methods)
    size_list, specs = check_inputs(sizes, trials, methods, flag_names=named)
    seed = check_int(named["seed"], seed, low=0)
    run = ReproduceRun(size_list, trials, seed, methods)
    from ..distributed import connect

    with connect(scheduler, workers=workers, name=named["scheduler"]) as client:
        # the scheduler first: a bad one (or a missing Dask) must leave the folder alone; then
        # the warm-up, where a method that cannot run (an option's value out of range, a
        # missing dependency) raises, before the folder is touched too
        run.warm_up_s += warm_up(specs)
        with _stream(out_dir, resume, run, named) as (append, done):
            if on_resume is not None and done:
                on_resume(len(done))
            try:
                _run(run, specs, append, on_record, on_instance, done, client)
                run.complete = True
            except KeyboardInterrupt:
                run.complete = False
    order = {(n, t): i for i, (n, t, _) in enumerate(_instances(run))}
    labels = {m: i for i, m in enumerate(["exact", *methods])}
    run.records.sort(key=lambda r: (order[(int(r["n"]), int(r["trial"]))], labels[r["method"]]))
    if run.complete and out_dir is not None:
        # the file in the in-process order, so that two runs' files compare line by line
        write_csv(Path(out_dir) / "records.csv", RECORD_FIELDS, run.records)
    run.summary = summarize(run.records)
    return run


@contextlib.contextmanager
def _stream(
    out_dir: str | os.PathLike[str] | None,
    resume: bool,
    run: ReproduceRun,
    named: Mapping[str, str],
) -> Iterator[tuple[Callable[..., None], set[tuple[int, int]]]]:
    """``(append, done)``: where rows go, and the instances an earlier run finished (errors
    name the parameters as ``named`` says)."""
    if out_dir is None:
        yield (lambda row, sync=True: None), set()
        return
    rec = RecordsFile(
        Path(out_dir) / "records.csv", RECORD_FIELDS, older=[LEGACY_FIELDS, PRE_STATUS_FIELDS]
    )
    if not resume:
        with rec.fresh():
            yield rec.append, set()
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a cut last line: said once, by rec.resume() below
        earlier = rec.read()
    seeds = {r["seed"] for r in earlier} - {str(run.seed)}
    if seeds:
        raise ValueError(
            f"{named['resume']}: {str(rec.path)!r} holds records of seed {sorted(seeds)} ('' = "
            f"a version that did not record it), not {named['seed']}={run.seed}; resume with "
            "that seed or choose another output folder"
        )
    labels = {"exact", *run.methods}
    _refuse_foreign(rec.path, earlier, run, labels, named)
    rows: dict[tuple[int, int], list[dict[str, str]]] = {}
    for r in earlier:
        rows.setdefault((int(r["n"]), int(r["trial"])), []).append(r)
    # an instance is done when every method has its row, and none failed for want of a
    # worker (a task that Dask gave up on is run again; a method's own error is a result)
    done = {
        key
        for key, rs in rows.items()
        if {r["method"] for r in rs} >= labels
        and not any(r.get("status", "").endswith(DASK_TASK_FAILED) for r in rs)
    }
    # an instance cut short (some of its rows written) is dropped from the file and redone
    rec = RecordsFile(
        rec.path,
        RECORD_FIELDS,
        older=[LEGACY_FIELDS, PRE_STATUS_FIELDS],
        finished=lambda r: (int(r["n"]), int(r["trial"])) in done and r["method"] in labels,
    )
    with rec.resume() as old:
        # the finished instances' rows, parsed back, so that the summary covers the whole run
        run.records.extend(_parse(r) for r in old)
        yield rec.append, done


def _refuse_foreign(
    path: Path,
    earlier: list[dict[str, str]],
    run: ReproduceRun,
    labels: set[str],
    named: Mapping[str, str],
) -> None:
    """A ValueError when ``--resume`` would drop records of the file that this run does not
    cover (other methods, sizes, or trials beyond ``trials``): nothing is written."""
    methods = sorted({r["method"] for r in earlier} - labels)
    sizes = sorted({int(r["n"]) for r in earlier} - set(run.sizes))
    beyond = max((int(r["trial"]) for r in earlier), default=-1) >= run.trials
    what = [
        *([f"methods {methods}"] if methods else []),
        *([f"sizes {sizes}"] if sizes else []),
        *([f"trials beyond {run.trials}"] if beyond else []),
    ]
    if what:
        raise ValueError(
            f"{named['resume']}: {str(path)!r} holds records of {', '.join(what)} that this run "
            "does not cover, and resuming would drop them; resume with options that cover them "
            f"(the same {named['methods']}, {named['sizes']} and at least as many "
            f"{named['trials']}) or choose another output folder"
        )


def _parse(row: dict[str, str]) -> dict[str, Any]:
    """A record read back from ``records.csv`` with its types (the writer's inverse)."""
    flags = {"True": True, "False": False, "": ""}
    out: dict[str, Any] = dict(row)
    out["status"] = row.get("status") or "ok"  # a file of a version before the column
    for k in ("n", "trial", "seed"):
        out[k] = int(row[k])
    if out["status"] != "ok":
        out.update(dict.fromkeys(_MEASURED))
        return out
    for k in ("correct_nodes", "hamming", "num_ground_states"):
        out[k] = int(row[k])
    for k in ("energy", "exact_energy", "energy_ratio", "time_s"):
        out[k] = float(row[k])
    out["gs_hit"] = flags[row["gs_hit"]]
    out["converged"] = flags[row["converged"]]
    return out


def _instance_rows(
    n: int, trial: int, child: np.random.SeedSequence, specs: list[tuple[str, str, dict[str, Any]]]
) -> list[dict[str, Any]]:
    """One instance's records: the exact solve, then each method (one task of a Dask run).

    A method that raises gets a failed record and the others go on; an exact solve that raises
    fails the instance's every record (nothing can be scored without it)."""
    root = int(child.entropy)  # type: ignore[arg-type]  # the run's root seed
    model = paper_instance(n, rng=np.random.default_rng(child))
    try:
        exact = solve(model, method="exact")
    except Exception as exc:
        status = failure_status(exc)
        return [
            failed_record(
                n, trial, label, root, status if label == "exact" else status + " (exact)"
            )
            for label in ["exact", *(spec[0] for spec in specs)]
        ]
    gs = exact.samples[: exact.info["num_ground_states"]]
    e0 = exact.best_energy
    tol = max(exact.info["degeneracy_tol"], 1e-12)
    rows = [_record(n, trial, "exact", exact, gs, e0, tol, seed=root)]
    for label, name, opts in specs:
        try:
            res = solve(model, method=name, rng=_method_seed(child, label), **opts)
        except Exception as exc:
            rows.append(failed_record(n, trial, label, root, failure_status(exc)))
            continue
        rows.append(_record(n, trial, label, res, gs, e0, tol, seed=root))
    return rows


def failed_record(n: int, trial: int, label: str, seed: int, status: str) -> dict[str, Any]:
    """The record of a method that raised on instance ``(n, trial)``: ``status`` says how,
    the measured columns are empty (None)."""
    return {
        "n": n,
        "trial": trial,
        "method": label,
        **dict.fromkeys(_MEASURED),
        "seed": seed,
        "status": status,
    }


#: Method specs whose kernels this process has compiled or loaded already (see :func:`warm_up`).
_WARM: set[str] = set()


def warm_up(specs: list[tuple[str, str, dict[str, Any]]]) -> float:
    """Run ``exact`` and every method once, untimed, on a small paper instance, so that no
    record's time includes a JIT compile or a numba cache load (they took 43 ms inside the
    first n = 6 instance, against 0.2 ms per instance after). Once per process and set of
    methods (a Dask worker warms itself up before its first task). ``time_limit`` is dropped
    for the warm-up (what runs is the same code, for less time). Returns the seconds spent.
    """
    key = repr(specs)
    if key in _WARM:
        return 0.0
    t0 = time.perf_counter()
    probe = paper_instance(10, rng=0)
    solve(probe, method="exact")
    for _label, name, opts in specs:
        solve(probe, method=name, rng=0, **{k: v for k, v in opts.items() if k != "time_limit"})
    _WARM.add(key)
    return time.perf_counter() - t0


def _instance_batch(
    items: list[tuple[int, int, np.random.SeedSequence]],
    specs: list[tuple[str, str, dict[str, Any]]],
) -> list[tuple[int, int, list[dict[str, Any]]]]:
    """Several instances' records (one task of a Dask run): the paper's instances take
    milliseconds, less than a task's own cost in Dask, so tasks carry a batch of them."""
    warm_up(specs)
    return [(n, trial, _instance_rows(n, trial, child, specs)) for n, trial, child in items]


#: Batches per worker thread a Dask run makes at least: two, so that a worker that finishes
#: first takes another's second batch. Fewer, larger tasks cost the caller less (the scheduler
#: and client share the cores with the workers: 8 per thread gave 58-60 instances/s on 2
#: workers, 2 per thread 64, ``benchmarks/bench_dask.py``).
_TASKS_PER_THREAD = 2
#: Instances per batch at most: a batch's records reach the file (and the progress bar) when it
#: ends, and an interruption loses the batches running; a paper instance takes milliseconds.
_MAX_BATCH = 64
#: Worker threads the split assumes on a cluster with no worker yet (an adaptive one, e.g.
#: dask-jobqueue's ``adapt()``, grows with the tasks pending): split as for one thread, its few
#: large tasks would keep the workers that join later idle.
_THREADS_WITHOUT_WORKERS = 16


def _batches(
    todo: list[tuple[int, int, np.random.SeedSequence]], threads: int
) -> list[list[tuple[int, int, np.random.SeedSequence]]]:
    """``todo`` cut, per size, into a multiple of ``threads`` batches (at least
    ``_TASKS_PER_THREAD`` per thread, at most ``_MAX_BATCH`` instances each) whose sizes differ
    by one at most (a short last batch would leave a worker idle at the end of the run).

    Examples
    --------
    >>> todo = [(20, t, None) for t in range(200)]
    >>> [len(b) for b in _batches(todo, 2)]
    [50, 50, 50, 50]
    >>> sorted({len(b) for b in _batches(todo * 5, 2)}), len(_batches(todo * 5, 2))
    ([62, 63], 16)
    """
    threads = max(threads, 1)
    out: list[list[tuple[int, int, np.random.SeedSequence]]] = []
    for n in dict.fromkeys(item[0] for item in todo):
        items = [item for item in todo if item[0] == n]
        count = max(_TASKS_PER_THREAD * threads, -(-len(items) // _MAX_BATCH))
        count = min(len(items), -(-count // threads) * threads)
        size, extra = divmod(len(items), count)
        start = 0
        for k in range(count):
            stop = start + size + (k < extra)
            out.append(items[start:stop])
            start = stop
    return out


def _pin_defaults(
    specs: list[tuple[str, str, dict[str, Any]]], n: int
) -> list[tuple[str, str, dict[str, Any]]]:
    """The specs with ``num_reads`` fixed to what each method resolves here, in this process.

    Some methods default ``num_reads`` to numba's thread count (tabu, mfa-hybrid); a Dask
    worker has other threads than the caller, so the value this process would use travels with
    the task, and the records stay those of the in-process run. Each method is run once on a
    probe to learn it (a ``time_limit`` cut to a millisecond: whether one is given is what
    matters), then remembered for this process's thread count: the caller's serial start of
    a Dask run, which the workers wait for.
    """
    key = (repr(specs), n, numba.get_num_threads())
    if key in _PINNED:
        return _PINNED[key]
    probe = paper_instance(n, rng=0)
    out = []
    for label, name, opts in specs:
        if "num_reads" in method_options(name) and "num_reads" not in opts:
            probe_opts = dict(opts)
            if probe_opts.get("time_limit") is not None:
                probe_opts["time_limit"] = min(float(probe_opts["time_limit"]), 1e-3)
            res = solve(probe, method=name, rng=0, **probe_opts)
            opts = {**opts, "num_reads": res.info["options"]["num_reads"]}
        out.append((label, name, opts))
    _PINNED[key] = out
    return out


#: ``_pin_defaults``'s answers in this process: (specs, n, numba threads) -> pinned specs.
_PINNED: dict[tuple[str, int, int], list[tuple[str, str, dict[str, Any]]]] = {}


def _instances(run: ReproduceRun) -> list[tuple[int, int, np.random.SeedSequence]]:
    """Every ``(n, trial, seed)`` of the run, in the in-process order."""
    out: list[tuple[int, int, np.random.SeedSequence]] = []
    for n in run.sizes:
        children = np.random.SeedSequence(run.seed, spawn_key=(n,)).spawn(run.trials)
        out.extend((n, trial, child) for trial, child in enumerate(children))
    return out


def _run(
    run: ReproduceRun,
    specs: list[tuple[str, str, dict[str, Any]]],
    append: Callable[..., None],
    on_record: Callable[[dict[str, Any]], None] | None,
    on_instance: Callable[[int, int], None] | None,
    done: set[tuple[int, int]],
    client: Any = None,
) -> None:
    """Every instance of every size not in ``done``: rows appended as each instance finishes.

    In-process, instance by instance; with a Dask ``client``, one task per batch of instances
    (:func:`_batches`), the rows appended in the order the tasks finish (the seeds travel with
    the tasks, so the rows are the same as in-process).
    """
    todo = [(n, trial, child) for n, trial, child in _instances(run) if (n, trial) not in done]

    def emit(n: int, trial: int, rows: list[dict[str, Any]]) -> None:
        for k, row in enumerate(rows):
            run.records.append(row)
            append(row, sync=k == len(rows) - 1)  # an instance's rows count together
            if on_record is not None:
                on_record(row)
        if on_instance is not None:
            on_instance(n, trial)

    if client is None:
        for n, trial, child in todo:
            emit(n, trial, _instance_rows(n, trial, child, specs))
        return
    from ..distributed import stream

    # the caller warmed up in this process (run_reproduce), so that a method that cannot run at
    # all stopped the run before anything was submitted; every worker warms itself up before
    # its first task
    pinned = {n: _pin_defaults(specs, n) for n in run.sizes}
    threads = sum(client.nthreads().values()) or _THREADS_WITHOUT_WORKERS
    batches = _batches(todo, threads)
    tasks = [(k, (batch, pinned[batch[0][0]])) for k, batch in enumerate(batches)]
    labels = ["exact", *(spec[0] for spec in specs)]
    for out in stream(client, _instance_batch, tasks, threads=1):
        if out.error is None:
            for n, trial, rows in out.value:
                emit(n, trial, rows)
            continue
        # the task failed after its retries (its worker killed again and again, or the task
        # could not run there): every record of its instances says so, and the run goes on
        status = failure_status(out.error) + DASK_TASK_FAILED
        for n, trial, _child in batches[out.key]:
            emit(n, trial, [failed_record(n, trial, label, run.seed, status) for label in labels])


def _record(
    n: int, trial: int, label: str, res: Any, gs: np.ndarray, e0: float, tol: float, *, seed: int
) -> dict[str, Any]:
    best = res.best_sample
    ham = int((gs != best[None, :]).sum(axis=1).min())
    e = res.best_energy
    if abs(e0) <= tol:
        ratio = 1.0 if e <= e0 + tol else 0.0
    else:
        ratio = e / e0
    conv = res.info.get("converged")
    return {
        "n": n,
        "trial": trial,
        "method": label,
        "energy": e,
        "exact_energy": e0,
        "energy_ratio": ratio,
        "correct_nodes": n - ham,
        "hamming": ham,
        "gs_hit": bool(e <= e0 + tol),
        "time_s": res.time_s,
        "converged": "" if conv is None else bool(np.all(conv)),
        "num_ground_states": len(gs),
        "seed": seed,
        "status": "ok",
    }


def summarize(records: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Aggregate records per (n, method), in first-seen order.

    ``trials`` counts the records that ran ("ok"), ``failed`` the others, which the rates leave
    out (None when no record of the group ran).
    """
    groups: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for r in records:
        groups.setdefault((int(r["n"]), str(r["method"])), []).append(r)
    out = []
    for (n, method), group in groups.items():
        rows = [r for r in group if r.get("status", "ok") == "ok"]
        k = len(rows)
        out.append(
            {
                "n": n,
                "method": method,
                "trials": k,
                "failed": len(group) - k,
                "correct_rate": sum(r["correct_nodes"] for r in rows) / (n * k) if k else None,
                "energy_ratio": float(np.mean([r["energy_ratio"] for r in rows])) if k else None,
                "gs_hit_rate": sum(bool(r["gs_hit"]) for r in rows) / k if k else None,
                "mean_time_s": float(np.mean([r["time_s"] for r in rows])) if k else None,
                "zero_gs_instances": sum(abs(r["exact_energy"]) <= 1e-12 for r in rows),
            }
        )
    return out


def write_outputs(
    run: ReproduceRun, out_dir: str | os.PathLike[str], *, records_written: bool = False
) -> dict[str, Path]:
    """Write ``records.csv`` (unless streamed by ``run_reproduce(out_dir=...)``),
    ``summary.json`` and ``reproduce.png`` under ``out_dir``; return their paths."""
    out = Path(out_dir)
    paths = {
        "records": out / "records.csv",
        "summary": out / "summary.json",
        "plot": out / "reproduce.png",
    }
    if not records_written:
        write_csv(paths["records"], RECORD_FIELDS, run.records)
    payload = {
        "sizes": run.sizes,
        "trials": run.trials,
        "seed": run.seed,
        "methods": run.methods,
        "complete": run.complete,
        "warm_up_s": run.warm_up_s,
        "paper": [
            {"n": n, "correct_rate": c, "energy_ratio": e} for n, (c, e) in PAPER_TABLE.items()
        ],
        "summary": run.summary,
    }
    write_json(paths["summary"], payload)
    if run.summary:
        from ..plotting import plot_reproduce

        plot_reproduce(run.summary, paths["plot"], paper=PAPER_TABLE)
    else:
        paths.pop("plot")
    return paths
