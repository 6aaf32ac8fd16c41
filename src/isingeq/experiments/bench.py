"""``isingeq bench``: isingeq's methods and peer solvers on named instances, at equal time budgets.

A run is one (instance, solver, budget, seed): the solver's adapter (:mod:`.peers`) is asked to
use ``budget`` seconds, and the bench records

* **objective** -- the instance's own objective (cut, QUBO value; :class:`isingeq.Instance`) of
  the best state, whose energy ``H`` (:mod:`isingeq.model`) the bench recomputes itself;
* **gap** -- :meth:`isingeq.Instance.gap`: ``(best_known - objective) / |best_known|`` for
  "max", the mirror for "min" (>= 0 unless a better value is found);
* **time_s** / **cpu_s** -- the wall and process CPU time (every thread of the process) the
  run actually used (a peer that cannot bound its time may overshoot; that is recorded, not
  hidden), and **budget_use** = ``time_s / budget``. A run outside [0.9, 1.1] x budget is
  counted by the summary; a run over 1.1 x budget because the solver's fixed cost per call is
  larger than the budget gets the status ``over budget: <why>`` and is left out of the
  averages (it has its own count);
* **beats_best_known** -- True when the objective is better than the instance's best-known
  value: the state is written to ``certificates/<instance>_<solver>_<budget>_<seed>.txt``
  (the 0/1 state on one line, then its recomputed objective; one file per run, the budget
  ``ttt`` for a time-to-target run) for checking, and the summary lists it;
* **reached** -- whether the objective is at least as good as the **target**,
  :meth:`isingeq.Instance.target_objective` (``0.995 x best`` for a positive cut);
* with ``ttt=True``, one more row per (instance, solver, seed) with budget ``"ttt"``: the
  **time to target** ``ttt_s``, the wall time of the first run that reached it with budgets
  doubling from 0.01 s up to the largest budget (mfa, mfa-async and Tabu stop themselves at the
  target within one run of the largest budget), NaN when none did; its ``time_s`` is the
  **total** wall time of all the tries. For a solver that stops itself the two are the same run;
  for a doubling peer ``ttt_s`` leaves out the tries that failed (the budget that suffices is
  not known in advance), so the summary gives both medians (``median_ttt_s``,
  ``median_total_s``).

Seeds: repeat ``k`` of instance ``name`` uses the (31-bit) integer drawn from
``SeedSequence(seed, spawn_key=(crc32(name), k))``, the same for every solver and budget, and
recorded in the row. Rows stream to ``records.csv`` as they finish; a run that resumes
(``resume=True``, the CLI's ``--resume``) skips the (instance, solver, budget, seed) keys already
there with status "ok", "over budget" or "failed" (a file of the layout before ``budget_use`` is
read and rewritten in the new one) and keeps the file's runs outside its plan (other instances,
solvers, budgets or repeats: in the file, not in the summary); it is refused when
``conditions.json`` says the records were made with another root ``seed``, ``target`` or
``threads``. ``resume=False`` (the CLI's default ``--fresh``) starts the file anew and removes
the earlier run's summary, plots and certificates (:func:`remove_outputs`: those its records
name, nothing else). A solver that raises is recorded as ``failed: <Type: message>`` and the
run goes on. Before its first timed run at a budget on an instance, each solver calibrates
itself for that budget, untimed (:meth:`.peers.Adapter.calibrate`). With ``threads`` the whole run (set-up
included) holds isingeq's numba and BLAS pools and torch to that many threads
(:func:`.peers.limit_threads`).

Instances are named through :func:`isingeq.datasets.resolve_many`: ``paper-N`` is
``paper-N@0`` (:func:`isingeq.paper_instance` ``(N, rng=0)``, objective ``H``, sense "min"),
the same model as ``isingeq solve --instance paper-N``; ``paper-N@SEED`` draws another. They get
their exact ground state as best-known value when ``N <= 24``; above that they have none and
the summary measures their gap against the best objective any solver found in the run (it says
so).

The module is split in three: the plan (:mod:`.bench_plan`), the run and its records (here,
files through :mod:`.records`) and the summary (:mod:`.bench_summary`).
"""

from __future__ import annotations

import contextlib
import csv
import json
import math
import os
import re
import time
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..instance import Instance
from .bench_plan import (
    DEFAULT_BUDGETS,
    TTT,
    BenchPlan,
    budget_label,
    check_budgets,
    make_plan,
    seed_for,
    select_solvers,
)
from .bench_summary import record_key, summarize, write_outputs
from .peers import ADAPTERS, BUDGET_BAND, Adapter, adapter, limit_threads
from .records import (
    DASK_TASK_FAILED,
    RecordsFile,
    failure_status,
    json_safe,
    write_csv,
    write_json,
)

__all__ = [
    "DEFAULT_BUDGETS",
    "LEGACY_FIELDS",
    "RECORD_FIELDS",
    "TTT",
    "BenchPlan",
    "BenchRun",
    "beats_best_known",
    "check_budgets",
    "make_plan",
    "read_records",
    "remove_outputs",
    "run_bench",
    "seed_for",
    "select_solvers",
    "summarize",
    "write_certificate",
    "write_outputs",
]

RECORD_FIELDS = [
    "instance",
    "n",
    "sense",
    "best_known",
    "solver",
    "budget_s",
    "repeat",
    "seed",
    "objective",
    "gap",
    "energy",
    "target",
    "reached",
    "ttt_s",
    "time_s",
    "cpu_s",
    "status",
    "detail",
    "budget_use",
    "beats_best_known",
]
#: The columns before ``budget_use`` (files of that layout are read and upgraded on resume).
LEGACY_FIELDS = RECORD_FIELDS[: RECORD_FIELDS.index("budget_use")]
_FLOATS = (
    "best_known",
    "objective",
    "gap",
    "energy",
    "target",
    "ttt_s",
    "time_s",
    "cpu_s",
    "budget_use",
)
#: Relative tolerance under which an objective counts as equal to the best-known value.
BEATS_TOL = 1e-9


@dataclass
class BenchRun:
    """Records (resumed and new) and the summary of one bench run."""

    plan: BenchPlan
    records: list[dict[str, Any]] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    resumed: int = 0
    new: int = 0
    complete: bool = False


# ---------------------------------------------------------------------------- records on disk


def _parse(row: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = dict(row)
    for k in _FLOATS:
        v = row.get(k)
        out[k] = float(v) if v not in ("", None) else math.nan
    if math.isnan(out["budget_use"]) and row["budget_s"] != TTT:  # a legacy row
        out["budget_use"] = out["time_s"] / float(row["budget_s"])
    out["beats_best_known"] = {"True": True, "False": False}.get(row.get("beats_best_known") or "")
    if math.isnan(out["best_known"]):
        out["best_known"] = None
    out["n"] = int(row["n"])
    out["repeat"] = int(row["repeat"])
    out["seed"] = int(row["seed"])
    out["reached"] = {"True": True, "False": False}.get(row["reached"])
    return out


def _finished(row: dict[str, str]) -> bool:
    """A row an earlier run finished: status "ok", "over budget: ..." or "failed: ...", readable
    (not a row whose Dask task failed: :data:`~isingeq.experiments.records.DASK_TASK_FAILED`)."""
    if not (row["status"] == "ok" or row["status"].startswith(("failed", "over budget"))):
        return False  # "skipped" rows are redone
    if row["status"].endswith(DASK_TASK_FAILED):
        return False  # the Dask task failed, not the solver: redone, as in reproduce
    try:
        _parse(row)
    except ValueError:
        return False
    return True


def records_file(out_dir: str | os.PathLike[str]) -> RecordsFile:
    """The bench's ``records.csv`` in ``out_dir`` (finished rows: status "ok" or "failed")."""
    return RecordsFile(
        Path(out_dir) / "records.csv", RECORD_FIELDS, finished=_finished, older=[LEGACY_FIELDS]
    )


def read_records(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Finished rows (status "ok" or "failed: ...") of an earlier ``records.csv``, parsed.

    Rows cut short by an interruption and "skipped" rows are left out (they are redone).

    Raises
    ------
    ValueError
        If the file's columns are not the bench's.
    """
    rec = RecordsFile(path, RECORD_FIELDS, finished=_finished, older=[LEGACY_FIELDS])
    return [_parse(r) for r in rec.read()]


# ---------------------------------------------------------------------------- the run


def _row(
    inst: Instance,
    solver: str,
    budget: str,
    k: int,
    seed: int,
    target: float,
    *,
    energy: float = math.nan,
    time_s: float = math.nan,
    cpu_s: float = math.nan,
    ttt_s: float = math.nan,
    status: str = "ok",
    detail: dict[str, Any] | None = None,
) -> dict[str, Any]:
    ok = not math.isnan(energy)
    objective = float(inst.objective_of_energy(energy)) if ok else math.nan
    gap = inst.gap(objective) if ok else None
    reached = None
    if ok and not math.isnan(target):
        reached = inst.better_or_equal(objective, target)
    use = time_s / float(budget) if budget != TTT else math.nan
    return {
        "instance": inst.name,
        "n": inst.n,
        "sense": inst.sense,
        "best_known": inst.best_known,
        "solver": solver,
        "budget_s": budget,
        "repeat": k,
        "seed": seed,
        "objective": objective,
        "gap": math.nan if gap is None else gap,
        "energy": energy,
        "target": target,
        "reached": reached,
        "ttt_s": ttt_s,
        "time_s": time_s,
        "cpu_s": cpu_s,
        "status": status,
        "detail": json.dumps(json_safe(detail or {}), sort_keys=True),
        "budget_use": use,
        "beats_best_known": beats_best_known(inst, objective) if ok else None,
    }


def beats_best_known(inst: Instance, objective: float) -> bool:
    """Whether ``objective`` is better than the instance's best-known value (beyond 1e-9 rel.)."""
    if inst.best_known is None or math.isnan(objective):
        return False
    bk = float(inst.best_known)
    slack = BEATS_TOL * max(1.0, abs(bk))
    return objective > bk + slack if inst.sense == "max" else objective < bk - slack


def write_certificate(
    out_dir: str | os.PathLike[str],
    inst: Instance,
    solver: str,
    seed: int,
    sample: Any,
    *,
    budget: str | None = None,
) -> Path:
    """``certificates/<instance>_<solver>_<budget>_<seed>.txt`` (without ``budget``:
    ``<instance>_<solver>_<seed>.txt``): the 0/1 state on one line, then its objective
    recomputed from the instance (for checking a value better than the best known).

    A seed runs at every budget, so the budget label keeps each run's certificate apart."""
    x = np.asarray(sample, dtype=np.uint8).ravel()
    objective = float(inst.objective(x))
    parts = [inst.name, solver] + ([] if budget is None else [budget]) + [str(seed)]
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", "_".join(parts))
    path = Path(out_dir) / CERTIFICATES / f"{safe}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "".join(map(str, x.tolist()))
        + f"\nobjective {objective!r} ({inst.sense}); best known {inst.best_known!r}; "
        f"instance {inst.name} ({inst.source or 'in memory'}), solver {solver}, seed {seed}\n"
    )
    return path


def _energy_of(inst: Instance, sample: Any) -> float:
    x = np.asarray(sample)
    if x.ndim != 1:
        raise ValueError(f"the solver's best sample must have shape ({inst.n},); got {x.shape}")
    return float(inst.model.energy(x))  # validates the 0/1 values and the length


def run_bench(
    plan: BenchPlan,
    out_dir: str | os.PathLike[str],
    *,
    on_record: Callable[[dict[str, Any]], None] | None = None,
    on_start: Callable[[str], None] | None = None,
    on_resume: Callable[[int], None] | None = None,
    adapters: dict[str, Adapter] | None = None,
    scheduler: Any = None,
    workers: int | None = None,
    resume: bool = True,
    flag_names: Mapping[str, str] | None = None,
) -> BenchRun:
    """Run the plan, streaming rows to ``out_dir/records.csv`` (resuming from it by default).

    Parameters
    ----------
    plan : BenchPlan
        From :func:`make_plan`.
    out_dir : path
        Folder of ``records.csv`` and ``conditions.json`` (created).
    on_record : callable, optional
        Called with each new row once it is on disk (progress bars).
    on_start : callable, optional
        Called with a short description before each run.
    on_resume : callable, optional
        Called once with the number of planned runs already in ``records.csv`` (skipped).
    adapters : dict, optional
        Solver name -> adapter object (default: fresh ones from the registry). In-process only.
    scheduler : None, "local", str or distributed.Client, optional
        None (default): in-process, run after run. Otherwise a Dask run
        (:mod:`isingeq.distributed`): one task per (instance, solver, budget, repeat), its seed
        the same :func:`seed_for` as in-process, rows streamed to ``records.csv`` as tasks
        finish (so the resume logic above applies; a task that failed after its retries is
        recorded ``failed: ... (Dask task)`` and run again by a resumed run, as in
        :func:`isingeq.experiments.reproduce.run_reproduce`). Timed runs never share a core:
        each task holds its worker process for its whole run (set-up, calibration and the timed
        run),
        with ``threads`` (default: the worker's threads) for numba / BLAS / torch, and a worker
        owns ``nthreads`` cores (``"local"``: ``cores // workers``). The cost: at most one
        timed run per worker at a time, and each worker sets a solver up and calibrates it for
        itself, again whenever it moves to another instance (an adapter keeps the set-up of
        its last instance only). ``benchmarks/bench_dask.py`` measures the throughput.
    workers : int, optional
        Worker processes of ``scheduler="local"`` (default one per core).
    resume : bool, default True
        Keep the runs already finished in ``out_dir/records.csv`` and run the others (the
        file's runs outside the plan stay in it, out of the summary); refused when
        ``out_dir/conditions.json`` says they were made with another ``seed``, ``target`` or
        ``threads``. False starts the file anew (the CLI's default, ``--fresh``) and, where
        the folder held a bench's records, removes that run's summary, plots and certificates
        (:func:`remove_outputs`: those files only).
    flag_names : mapping, optional
        The name an error gives a parameter (the CLI's ``{"scheduler": "--scheduler"}``).

    Returns
    -------
    BenchRun
        ``complete`` is False after Ctrl-C; records and summary then cover what was done.

    Raises
    ------
    ValueError
        If ``out_dir/records.csv`` exists with other columns (it is left as it is), or, with
        ``resume``, if ``out_dir/conditions.json`` says its records were made with another
        ``seed``, ``target`` or ``threads`` (other run seeds; their ``reached`` and time to
        target, or their CPU, are not this plan's; nothing is touched), or if a record of a
        planned instance was scored against another best-known value.
    ImportError
        With a scheduler but without Dask (``pip install "isingeq[dask]"``).
    OSError
        If the scheduler cannot be reached.
    """
    rec = records_file(out_dir)
    if resume:  # before anything is touched, the scheduler included
        _check_conditions(out_dir, plan)
        _check_records(rec, plan)
    else:
        rec.check()  # a file of another experiment is never overwritten
    if scheduler is not None:
        called = dict(flag_names or {}).get("scheduler", "scheduler")
        return _run_bench_dask(
            plan, out_dir, on_record, on_resume, scheduler, workers, resume, called
        )
    _write_conditions(out_dir, plan)
    objs = dict(adapters or {})
    for name in plan.solvers:
        if name not in objs:
            objs[name] = adapter(name)
    warmed: set[str] = set()
    planned = set(plan.keys())
    run = BenchRun(plan)
    # the file is rewritten clean (no cut lines or skipped rows), or anew, then appended to
    with _records(rec, resume) as old:
        done, emit = _resumed(run, old, rec, planned, on_resume, on_record)

        torch = any(getattr(objs[s], "uses_torch", False) for s in plan.solvers)
        try:
            with limit_threads(plan.threads, torch=torch):
                for inst in plan.instances:
                    _bench_instance(plan, inst, objs, done, warmed, emit, on_start, out_dir)
            run.complete = True
        except KeyboardInterrupt:
            run.complete = False
        finally:
            for obj in objs.values():  # free the last instance's BQMs and tensors
                obj._key, obj._state = None, None
    run.summary = summarize(run.records, plan, complete=run.complete)
    return run


#: The plan's settings that a record's values depend on beyond its key (instance, solver,
#: budget, seed): the target fraction (its ``reached`` and the time-to-target runs) and the
#: threads (its CPU); and the root seed, of which the keys' seeds are drawn. Kept in
#: ``out_dir/conditions.json``: a run that resumed records of another target or thread count
#: reported a target rate of 0 for runs that met its target, and "1 thread" for runs made on
#: 2; one of another root seed resumed nothing and left the other seed's runs in the file (a
#: resume with another seed is refused, as ``reproduce --resume`` refuses it).
_CONDITIONS = ("seed", "target", "threads")


def _conditions(plan: BenchPlan) -> dict[str, Any]:
    return {key: getattr(plan, key) for key in _CONDITIONS}


def _check_conditions(out_dir: str | os.PathLike[str], plan: BenchPlan) -> None:
    """A ValueError, naming each setting and both values, when ``out_dir``'s records were
    made under other conditions (a folder without the file is of an older version: its
    records are taken as they are)."""
    path = Path(out_dir) / "conditions.json"
    if not path.is_file():
        return
    try:
        earlier = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ValueError(f"{str(path)!r} cannot be read ({err}); move it away") from err
    flags = {"seed": "--seed", "target": "--target", "threads": "--threads"}
    now = _conditions(plan)
    differ = [
        f"{flags[k]} {earlier.get(k)} (this run: {now[k]})"
        for k in _CONDITIONS
        if k in earlier and earlier[k] != now[k]
    ]
    if differ:
        raise ValueError(
            f"{str(out_dir)!r} holds records made with {', '.join(differ)}; resuming would mix "
            "them with this run's (their run seeds, target hits or CPU are not this run's): use "
            "the same options, --fresh to start anew, or another --out"
        )


def _check_records(rec: RecordsFile, plan: BenchPlan) -> None:
    """Refuse an earlier ``records.csv`` that is not the bench's (:meth:`RecordsFile.check`),
    or whose records of a planned instance were scored against another best-known value or
    sense (another ``--data-dir``, or an updated table): their ``reached`` and
    ``beats_best_known`` were decided against that value, and resuming would keep them beside
    gaps computed against this one."""
    rec.check()
    if not rec.path.is_file():
        return
    now = {inst.name: inst for inst in plan.instances}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a cut last line: said once, when the run resumes
        rows = rec.read()
    for row in rows:
        inst = now.get(row["instance"])
        if inst is None:
            continue
        old = _parse(row)
        if old["best_known"] != inst.best_known or old["sense"] != inst.sense:
            raise ValueError(
                f"{str(rec.path)!r} holds records of {inst.name} scored against best-known "
                f"{old['best_known']} ({old['sense']}); this run's is {inst.best_known} "
                f"({inst.sense}): resuming would keep their target hits and flags beside this "
                "run's gaps; use the same data, or another --out"
            )


@contextlib.contextmanager
def _records(rec: RecordsFile, resume: bool) -> Iterator[list[dict[str, str]]]:
    """Open ``rec`` for appending: after an earlier run's finished rows, which it yields
    (``resume``), or anew (an empty list)."""
    if resume:
        with rec.resume() as old:
            yield old
    else:
        earlier = rec.path.is_file()  # a bench's records (checked): the folder held a run
        rows = _raw_rows(rec.path) if earlier else []  # what that run wrote, before truncating
        with rec.fresh():
            if earlier:
                remove_outputs(rec.path.parent, rows)
            yield []


#: Where :func:`write_certificate` writes, in the run's folder.
CERTIFICATES = "certificates"


def _raw_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a records file as text, none if it cannot be read (its outputs are then
    the fixed-name ones only)."""
    try:
        with open(path, newline="") as fh:
            return list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error):
        return []


def remove_outputs(
    out_dir: str | os.PathLike[str], records: Sequence[Mapping[str, Any]] = ()
) -> list[Path]:
    """Remove an earlier run's outputs from ``out_dir`` (a fresh run's start), which would
    otherwise sit beside the new run's as if they were its own.

    Parameters
    ----------
    out_dir : path
        The run's folder.
    records : sequence of mapping
        The earlier run's records (``instance``, ``detail``): which plots and certificates it
        wrote.

    Returns
    -------
    list of Path
        The files removed: ``summary.json``, ``performance_profile.png``, ``ttt_ecdf.png``,
        the records' instances' ``bench_<instance>.png`` and the certificates their details
        name (the ``certificates`` folder too when that leaves it empty). Nothing else: a
        file of the user's named like ours (``bench_notes.png``) stays.
    """
    from .bench_summary import _safe

    out = Path(out_dir)
    certificates = out / CERTIFICATES
    named: set[Path] = set()
    for r in records:
        if r.get("instance"):
            named.add(out / f"bench_{_safe(str(r['instance']))}.png")
        try:
            cert = json.loads(str(r.get("detail") or "{}")).get("certificate")
        except (ValueError, AttributeError):
            cert = None
        if cert and not certificates.is_symlink():
            named.add(certificates / Path(str(cert)).name)
    stale = [
        out / "summary.json",
        out / "performance_profile.png",
        out / "ttt_ecdf.png",
        *sorted(named),
    ]
    removed = []
    for path in stale:
        if path.is_file() and not path.is_symlink():
            path.unlink()
            removed.append(path)
    if certificates.is_dir() and not certificates.is_symlink():
        with contextlib.suppress(OSError):  # kept when anything else is in it
            certificates.rmdir()
    return removed


def _write_conditions(out_dir: str | os.PathLike[str], plan: BenchPlan) -> None:
    write_json(Path(out_dir) / "conditions.json", _conditions(plan))  # atomic, folder made


def _resumed(
    run: BenchRun,
    old: list[dict[str, str]],
    rec: RecordsFile,
    planned: set[tuple[str, str, str, int]],
    on_resume: Callable[[int], None] | None,
    on_record: Callable[[dict[str, Any]], None] | None,
) -> tuple[set[tuple[str, str, str, int]], Callable[[dict[str, Any]], None]]:
    """Take in an earlier run's rows; return the keys done and ``emit`` (write, keep, count)."""
    run.records = [_parse(r) for r in old]
    done = {record_key(r) for r in run.records}
    run.resumed = len(planned & done)
    if on_resume is not None:
        on_resume(run.resumed)

    def emit(row: dict[str, Any]) -> None:
        rec.append(row)
        run.records.append(row)
        run.new += 1
        done.add(record_key(row))
        if on_record is not None:
            on_record(row)

    return done, emit


def _run_bench_dask(
    plan: BenchPlan,
    out_dir: str | os.PathLike[str],
    on_record: Callable[[dict[str, Any]], None] | None,
    on_resume: Callable[[int], None] | None,
    scheduler: Any,
    workers: int | None,
    resume: bool,
    name: str,
) -> BenchRun:
    """:func:`run_bench` on Dask: one exclusive task per planned key, rows as tasks finish."""
    from ..distributed import connect

    rec = records_file(out_dir)
    run = BenchRun(plan)
    order = {key: i for i, key in enumerate(plan.keys())}
    torch = any(getattr(ADAPTERS.get(s), "uses_torch", False) for s in plan.solvers)
    with connect(scheduler, workers=workers, name=name) as client, _records(rec, resume) as old:
        _write_conditions(out_dir, plan)
        _dask_tasks(plan, run, client, rec, old, order, torch, out_dir, on_resume, on_record)
    planned = {(r["instance"], r["solver"], r["budget_s"], r["seed"]): r for r in run.records}
    run.records = sorted(planned.values(), key=lambda r: order.get(record_key(r), len(order)))
    if run.complete:
        # the file in the plan's order, as an in-process run writes it (tasks finish in any
        # order), so that two runs' files compare line by line; rows of other plans follow
        write_csv(rec.path, RECORD_FIELDS, run.records)
    run.summary = summarize(run.records, plan, complete=run.complete)
    return run


def _dask_tasks(
    plan: BenchPlan,
    run: BenchRun,
    client: Any,
    rec: RecordsFile,
    old: list[dict[str, str]],
    order: dict[tuple[Any, ...], int],
    torch: bool,
    out_dir: str | os.PathLike[str],
    on_resume: Callable[[int], None] | None,
    on_record: Callable[[dict[str, Any]], None] | None,
) -> None:
    """Submit every planned key not in the file, and write each row as its task finishes.

    Raises
    ------
    ValueError
        If ``plan.threads`` exceeds a worker's threads (a timed run holds one worker and would
        be capped to its threads: the records would say more than it used).
    """
    from ..distributed import describe, stream

    fewest = min(client.nthreads().values(), default=0)
    if plan.threads is not None and fewest and plan.threads > fewest:
        raise ValueError(
            f"`threads`={plan.threads} is more than the {fewest} thread(s) of a worker of "
            f"{describe(client)!r}: a timed run holds one worker and runs on its threads; use "
            f"--threads {fewest} or less, or fewer, larger workers (--workers)"
        )
    done, emit = _resumed(run, old, rec, set(order), on_resume, on_record)

    tasks = []
    for inst in plan.instances:
        target = inst.target_objective(plan.target)
        for label, solver, k, s in _keys(plan, inst):
            if (inst.name, solver, label, s) in done:
                continue
            if solver in plan.skipped:
                emit(
                    _row(
                        inst,
                        solver,
                        label,
                        k,
                        s,
                        target,
                        status=f"skipped: {plan.skipped[solver]}",
                    )
                )
                continue
            args = (inst, solver, label, k, s, target, max(plan.budgets), plan.threads, torch)
            tasks.append(((inst, solver, label, k, s, target), args))
    try:
        for out in stream(client, _remote_run, tasks, threads=plan.threads, exclusive=True):
            inst, solver, label, k, s, target = out.key
            if out.error is not None:  # the worker died too often, or the task could not run
                status = failure_status(out.error) + DASK_TASK_FAILED  # redone on resume
                emit(_row(inst, solver, label, k, s, target, status=status))
                continue
            row, sample = out.value
            emit(_certify(row, inst, solver, s, sample, out_dir))
        run.complete = True
    except KeyboardInterrupt:
        run.complete = False


def _keys(plan: BenchPlan, inst: Instance) -> list[tuple[str, str, int, int]]:
    """``(budget label, solver, repeat, seed)`` of every run of ``inst``, in the plan's order."""
    seeds = plan.seeds(inst)
    out = [
        (budget_label(b), solver, k, s)
        for b in plan.budgets
        for k, s in enumerate(seeds)
        for solver in plan.all()
    ]
    if plan.ttt:
        out.extend((TTT, solver, k, s) for solver in plan.all() for k, s in enumerate(seeds))
    return out


#: A worker's state across the bench tasks it runs: adapters (their set-up and calibrations
#: kept for the last instance they prepared), instances by name (the object an adapter's
#: set-up is keyed on, so that it is reused by the next task of the same instance), and the
#: solvers warmed up.
_WORKER: dict[str, Any] = {"adapters": {}, "instances": {}, "warmed": set()}


def _same_instance(a: Instance, b: Instance) -> bool:
    """Whether two instances are the same problem: a worker outlives a run, and a file of the
    same name may have changed between two runs on one cluster (its model is compared)."""
    fields = ("name", "sense", "best_known", "scale", "shift", "source")
    return all(getattr(a, f) == getattr(b, f) for f in fields) and a.model == b.model


def _remote_run(
    inst: Instance,
    solver: str,
    label: str,
    k: int,
    seed: int,
    target: float,
    max_budget: float,
    threads: int | None,
    torch: bool,
) -> tuple[dict[str, Any], Any]:
    """One bench task on a Dask worker: set-up and calibration (untimed, cached), then the run.

    Every error becomes the row's status, as in-process, so the run goes on.
    """
    from ..distributed import worker_threads

    cached = _WORKER["instances"].get(inst.name)
    if cached is None or not _same_instance(cached, inst):
        _WORKER["instances"][inst.name] = cached = inst
    inst = cached
    obj = _WORKER["adapters"].get(solver)
    if obj is None:
        obj = _WORKER["adapters"][solver] = adapter(solver)
    with limit_threads(worker_threads() if threads is None else threads, torch=torch):
        if solver not in _WORKER["warmed"]:
            _WORKER["warmed"].add(solver)
            with contextlib.suppress(Exception):  # a real failure shows in the run below
                obj.warm_up()
        try:
            obj.prepare(inst)
        except Exception as exc:
            return _row(
                inst, solver, label, k, seed, target, status=failure_status(exc) + " (in set-up)"
            ), None
        if label == TTT:
            if math.isnan(target):
                reason = "skipped: no best-known value to set a target"
                return _row(inst, solver, TTT, k, seed, target, status=reason), None
            return _ttt_run(inst, obj, solver, max_budget, k, seed, target)
        budget = float(label)
        try:
            # once per prepared instance and budget: the adapter keeps its calibrations with
            # its set-up, and forgets both when it prepares another instance
            obj.calibrate(inst, budget)
        except Exception as exc:
            status = failure_status(exc) + " (in calibration)"
            return _row(inst, solver, label, k, seed, target, status=status), None
        return _one_run(inst, obj, solver, budget, k, seed, target)


def _bench_instance(
    plan: BenchPlan,
    inst: Instance,
    objs: dict[str, Adapter],
    done: set[tuple[str, str, str, int]],
    warmed: set[str],
    emit: Callable[[dict[str, Any]], None],
    on_start: Callable[[str], None] | None,
    out_dir: str | os.PathLike[str],
) -> None:
    seeds = plan.seeds(inst)
    target = inst.target_objective(plan.target)
    labels = [budget_label(b) for b in plan.budgets] + ([TTT] if plan.ttt else [])
    # solvers that cannot run here: a "skipped" row per key when they were asked for by name
    if plan.explicit:
        for solver, reason in plan.skipped.items():
            for label in labels:
                for k, s in enumerate(seeds):
                    if (inst.name, solver, label, s) not in done:
                        emit(_row(inst, solver, label, k, s, target, status=f"skipped: {reason}"))
    todo = [
        solver
        for solver in plan.solvers
        if any((inst.name, solver, lb, s) not in done for lb in labels for s in seeds)
    ]
    setup_error: dict[str, str] = {}
    for solver in todo:  # untimed set-up: warm-up, BQM, calibration
        obj = objs[solver]
        if on_start is not None:
            on_start(f"{inst.name}: set-up of {solver}")
        if solver not in warmed:
            warmed.add(solver)
            with contextlib.suppress(Exception):  # a real failure shows in the runs below
                obj.warm_up()
        try:
            obj.prepare(inst)
        except Exception as exc:
            setup_error[solver] = failure_status(exc) + " (in set-up)"
    calibrated: set[tuple[str, float]] = set()
    for b in plan.budgets:
        label = budget_label(b)
        for k, s in enumerate(seeds):
            for solver in todo:
                if (inst.name, solver, label, s) in done:
                    continue
                if solver in setup_error:
                    emit(_row(inst, solver, label, k, s, target, status=setup_error[solver]))
                    continue
                if (solver, b) not in calibrated:  # untimed: trial runs at this budget
                    calibrated.add((solver, b))
                    if on_start is not None:
                        on_start(f"{inst.name}: calibration of {solver} for {label} s")
                    try:
                        objs[solver].calibrate(inst, b)
                    except Exception as exc:
                        setup_error[solver] = failure_status(exc) + " (in calibration)"
                        emit(_row(inst, solver, label, k, s, target, status=setup_error[solver]))
                        continue
                if on_start is not None:
                    on_start(f"{inst.name} · {solver} · {label} s · seed {k + 1}/{plan.repeats}")
                row, sample = _one_run(inst, objs[solver], solver, b, k, s, target)
                emit(_certify(row, inst, solver, s, sample, out_dir))
    if plan.ttt:
        for solver in todo:
            for k, s in enumerate(seeds):
                if (inst.name, solver, TTT, s) in done:
                    continue
                if solver in setup_error:
                    emit(_row(inst, solver, TTT, k, s, target, status=setup_error[solver]))
                    continue
                if math.isnan(target):
                    reason = "skipped: no best-known value to set a target"
                    emit(_row(inst, solver, TTT, k, s, target, status=reason))
                    continue
                if on_start is not None:
                    on_start(f"{inst.name} · {solver} · time to target · seed {k + 1}")
                row, sample = _ttt_run(inst, objs[solver], solver, max(plan.budgets), k, s, target)
                emit(_certify(row, inst, solver, s, sample, out_dir))


def _one_run(
    inst: Instance,
    obj: Adapter,
    solver: str,
    budget: float,
    k: int,
    seed: int,
    target: float,
) -> tuple[dict[str, Any], Any]:
    """One timed run: its row, and its best sample when it beats the best-known value."""
    why = obj.cannot_fit(inst, budget)
    if why is not None:  # known before running: do not spend minutes on a run that cannot fit
        status = f"over budget: {why} (not run)"
        return _row(inst, solver, budget_label(budget), k, seed, target, status=status), None
    c0, t0 = time.process_time(), time.perf_counter()
    try:
        res = obj.run(inst, budget, seed)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        energy = _energy_of(inst, res.best_sample)
    except Exception as exc:
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        row = _row(
            inst,
            solver,
            budget_label(budget),
            k,
            seed,
            target,
            time_s=wall,
            cpu_s=cpu,
            status=failure_status(exc),
        )
        return row, None
    extra = dict(res.extra)
    status = "ok"
    over = extra.get("over_budget")
    if over and wall > BUDGET_BAND[1] * budget:
        status = f"over budget: {over}"
    row = _row(
        inst,
        solver,
        budget_label(budget),
        k,
        seed,
        target,
        energy=energy,
        time_s=wall,
        cpu_s=cpu,
        status=status,
        detail=extra,
    )
    return row, (res.best_sample if row["beats_best_known"] else None)


def _certify(
    row: dict[str, Any],
    inst: Instance,
    solver: str,
    seed: int,
    sample: Any,
    out_dir: str | os.PathLike[str] | None,
) -> dict[str, Any]:
    """A row that beats the best-known value: write its certificate, name it in the detail.

    Done where the records are written (a Dask worker's disk may not be the caller's)."""
    if not row["beats_best_known"] or out_dir is None or sample is None:
        return row
    path = write_certificate(out_dir, inst, solver, seed, sample, budget=str(row["budget_s"]))
    detail = json.loads(row["detail"])
    detail["certificate"] = str(Path(CERTIFICATES) / path.name)
    row["detail"] = json.dumps(json_safe(detail), sort_keys=True)
    return row


def _ttt_run(
    inst: Instance,
    obj: Adapter,
    solver: str,
    max_budget: float,
    k: int,
    seed: int,
    target: float,
) -> tuple[dict[str, Any], Any]:
    """One time-to-target run: its row, and its best sample when it beats the best-known value."""
    target_energy = inst.energy_of_objective(target)
    # a hair of slack so that float noise in H does not miss a target met exactly
    target_energy += 1e-9 * max(1.0, abs(target_energy))
    c0, t0 = time.process_time(), time.perf_counter()
    try:
        res = obj.time_to_target(inst, target_energy, max_budget, seed)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        energy = _energy_of(inst, res.best_sample)
    except Exception as exc:
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        row = _row(
            inst, solver, TTT, k, seed, target, time_s=wall, cpu_s=cpu, status=failure_status(exc)
        )
        return row, None
    ttt = res.ttt_s if energy <= target_energy else math.nan
    row = _row(
        inst,
        solver,
        TTT,
        k,
        seed,
        target,
        energy=energy,
        time_s=wall,
        cpu_s=cpu,
        ttt_s=ttt,
        detail=res.extra,
    )
    return row, (res.best_sample if row["beats_best_known"] else None)
