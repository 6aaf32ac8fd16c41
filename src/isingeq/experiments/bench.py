"""``isingeq bench``: isingeq's methods and peer solvers on named instances, at equal time budgets.

A run is one (instance, solver, budget, seed): the solver's adapter (:mod:`.peers`) is asked to
use ``budget`` seconds, and the bench records

* **objective** -- the instance's own objective (cut, QUBO value; :class:`isingeq.Instance`) of
  the best state, whose energy ``H`` (:mod:`isingeq.model`) the bench recomputes itself;
* **gap** -- ``(best_known - objective) / |best_known|`` for "max", the mirror for "min"
  (>= 0 unless a better value is found);
* **time_s** / **cpu_s** -- the wall and process CPU time the run actually used (a peer that
  cannot bound its time may overshoot; that is recorded, not hidden);
* **reached** -- whether the objective is at least as good as the **target**,
  ``best_known - (1 - target) |best_known|`` (``0.995 x best`` for a positive cut);
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
recorded in the row. Rows stream to ``records.csv`` as they finish; a run started again on the
same folder skips the (instance, solver, budget, seed) keys already there with status "ok" or
"failed". A solver that raises is recorded as ``failed: <Type: message>`` and the run goes on.

``paper-N`` instances (:func:`isingeq.paper_instance` with the root seed, objective ``H``,
sense "min") get their exact ground state as best-known value when ``N <= 24``; above that they
have none and the summary measures their gap against the best objective any solver found in
the run (it says so).
"""

from __future__ import annotations

import contextlib
import csv
import json
import math
import os
import re
import time
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .._validation import check_int, check_real
from ..problems import Instance
from .peers import ADAPTERS, Adapter, adapter

__all__ = [
    "DEFAULT_BUDGETS",
    "RECORD_FIELDS",
    "BenchPlan",
    "BenchRun",
    "make_plan",
    "run_bench",
    "seed_for",
    "summarize",
    "target_objective",
    "write_outputs",
]

#: Default time budgets (seconds).
DEFAULT_BUDGETS = (0.1, 1.0, 10.0)
#: Budget label of the time-to-target rows.
TTT = "ttt"
#: ``paper-N`` instances up to this size get their exact ground state as best-known value.
PAPER_EXACT_MAX_N = 24
#: At most this many per-instance plots.
MAX_PLOTS = 12

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
]
_FLOATS = ("best_known", "objective", "gap", "energy", "target", "ttt_s", "time_s", "cpu_s")
_PAPER = re.compile(r"paper-(\d+)$")


@dataclass
class BenchPlan:
    """What to run: validated instances, solvers, budgets, repeats, seed and target."""

    instances: list[Instance]
    solvers: list[str]
    budgets: list[float]
    repeats: int = 5
    seed: int = 0
    target: float = 0.995
    ttt: bool = False
    #: solver -> reason, for solvers that cannot run here
    skipped: dict[str, str] = field(default_factory=dict)
    #: solvers named by the user (their skipped runs get rows); else the defaults were used
    explicit: bool = False

    def keys(self) -> list[tuple[str, str, str, int]]:
        """Every (instance, solver, budget label, seed) this plan asks for, in run order."""
        out: list[tuple[str, str, str, int]] = []
        for inst in self.instances:
            seeds = [seed_for(self.seed, inst.name, k) for k in range(self.repeats)]
            for b in self.budgets:
                for s in seeds:
                    out.extend((inst.name, solver, _label(b), s) for solver in self._all())
            if self.ttt:
                for solver in self._all():
                    out.extend((inst.name, solver, TTT, s) for s in seeds)
        return out

    def _all(self) -> list[str]:
        return self.solvers + (list(self.skipped) if self.explicit else [])


@dataclass
class BenchRun:
    """Records (resumed and new) and the summary of one bench run."""

    plan: BenchPlan
    records: list[dict[str, Any]] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    resumed: int = 0
    new: int = 0
    complete: bool = False


def _label(budget: float) -> str:
    return f"{budget:g}"


def seed_for(root: int, name: str, k: int) -> int:
    """The integer seed of repeat ``k`` on instance ``name`` (same for every solver and budget).

    Examples
    --------
    >>> seed_for(0, "G1", 0) == seed_for(0, "G1", 0) != seed_for(0, "G1", 1)
    True
    """
    ss = np.random.SeedSequence(root, spawn_key=(zlib.crc32(name.encode()), k))
    # 31 bits: dwave-samplers' SA rejects seeds >= 2**31 despite its message saying 2**32 - 1
    return int(ss.generate_state(1, dtype=np.uint32)[0] >> 1)


def target_objective(instance: Instance, target: float, reference: float | None = None) -> float:
    """The objective a run must reach: ``ref - (1 - target) |ref|`` ("max"), mirrored for "min".

    ``ref`` is ``reference`` or the instance's best-known value (NaN when there is neither).

    Examples
    --------
    >>> from isingeq import SpinGlass
    >>> cut = Instance("c", SpinGlass([[1.0]]), "max", best_known=200.0, scale=-1.0)
    >>> qubo = Instance("q", SpinGlass([[1.0]]), "min", best_known=-200.0)
    >>> target_objective(cut, 0.995), target_objective(qubo, 0.995)
    (199.0, -199.0)
    """
    ref = instance.best_known if reference is None else reference
    if ref is None:
        return math.nan
    slack = (1.0 - target) * abs(float(ref))
    return float(ref) - slack if instance.sense == "max" else float(ref) + slack


def _better_or_equal(instance: Instance, value: float, bound: float) -> bool:
    tol = 1e-9 * max(1.0, abs(bound))
    return value >= bound - tol if instance.sense == "max" else value <= bound + tol


# ---------------------------------------------------------------------------- the plan


def _paper(name: str, n_text: str, seed: int) -> Instance:
    from ..generators import paper_instance
    from ..solvers import solve

    n = int(n_text)
    if not 1 <= n <= 100_000:
        raise ValueError(f"`{name}`: a paper instance needs 1 <= N <= 100000; got N={n}")
    model = paper_instance(n, rng=seed)
    best = float(solve(model, method="exact").best_energy) if n <= PAPER_EXACT_MAX_N else None
    return Instance(
        name,
        model,
        "min",
        best_known=best,
        source=f"isingeq.paper_instance({n}, rng={seed})",
        meta={"best_known": "exact" if best is not None else "none"},
    )


def _split(values: Iterable[str] | None) -> list[str]:
    return [v.strip() for text in (values or []) for v in str(text).split(",") if v.strip()]


def resolve_instances(
    suites: Iterable[str] | None = None,
    names: Iterable[str] | None = None,
    files: Iterable[str | os.PathLike[str]] | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    seed: int = 0,
) -> list[Instance]:
    """Instances from named suites, dataset names and files, in that order, without repeats.

    Every name and file is checked before anything is loaded.

    Parameters
    ----------
    suites : iterable of str
        ``isingeq.datasets.SUITES`` names or ``paper-N``; comma lists allowed.
    names : iterable of str
        Instance names (``G22``, ``bqp250-3``, ``paper-40``); comma lists allowed.
    files : iterable of path
        Files :func:`isingeq.io.read` understands (every instance in a file is used).
    data_dir : path, optional
        Passed to :func:`isingeq.datasets.load` (default: ``$ISINGEQ_DATA`` or the cache).
    seed : int
        Draws ``paper-N`` instances.

    Raises
    ------
    ValueError
        On an unknown suite or name, or when nothing is given.
    FileNotFoundError
        For a missing file.
    """
    from .. import datasets, io

    wanted: list[str] = []
    for s in _split(suites):
        if _PAPER.match(s):
            wanted.append(s)
            continue
        try:
            wanted.extend(datasets.suite(s))
        except ValueError:
            raise ValueError(
                f"unknown suite {s!r}; known suites: {', '.join(sorted(datasets.SUITES))}, "
                "'paper-N' (one paper instance of N nodes)"
            ) from None
    for name in _split(names):
        if not _PAPER.match(name):
            datasets.info(name)  # raises for an unknown name
        wanted.append(name)
    paths = [Path(f) for f in files or []]
    for p in paths:
        if not p.is_file():
            raise FileNotFoundError(f"`--file` {str(p)!r} does not exist or is not a file")
    if not wanted and not paths:
        raise ValueError("no instances: give --suite, --instance or --file")
    out: dict[str, Instance] = {}
    for name in dict.fromkeys(wanted):
        m = _PAPER.match(name)
        out[name] = _paper(name, m.group(1), seed) if m else datasets.load(name, data_dir)
    for p in paths:
        for inst in io.read(p):
            if inst.name in out:
                raise ValueError(
                    f"instance name {inst.name!r} from {str(p)!r} is used twice; rename the file"
                )
            out[inst.name] = inst
    return list(out.values())


def select_solvers(names: Sequence[str] | None = None) -> tuple[list[str], dict[str, str]]:
    """``(runnable, skipped)``: the named solvers (default: all registered) split by
    ``available()``; ``skipped`` maps each solver that cannot run to the reason.

    Raises
    ------
    ValueError
        For an unknown solver name or an empty list.
    """
    chosen = list(ADAPTERS) if names is None else list(dict.fromkeys(names))
    if not chosen:
        raise ValueError("`--solvers` must name at least one solver")
    for name in chosen:
        adapter(name)  # raises for an unknown name
    runnable, skipped = [], {}
    for name in chosen:
        reason = adapter(name).available()
        if reason is None:
            runnable.append(name)
        else:
            skipped[name] = reason
    return runnable, skipped


def check_budgets(budgets: Iterable[Any]) -> list[float]:
    """Budgets as sorted distinct positive finite floats; ValueError naming the bad one."""
    out = sorted({check_real("budgets", b, low=0.0, low_open=True) for b in budgets})
    if not out:
        raise ValueError("`budgets` must list at least one time budget (seconds)")
    return out


def make_plan(
    *,
    suites: Iterable[str] | None = None,
    names: Iterable[str] | None = None,
    files: Iterable[str | os.PathLike[str]] | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    solvers: Sequence[str] | None = None,
    budgets: Iterable[float] = DEFAULT_BUDGETS,
    repeats: int = 5,
    seed: int = 0,
    target: float = 0.995,
    ttt: bool = False,
) -> BenchPlan:
    """Validate every option (cheap checks first), then load the instances.

    Raises
    ------
    ValueError, TypeError
        Naming the option and echoing the value; FileNotFoundError for missing files / data.
    """
    budget_list = check_budgets(budgets)
    repeats = check_int("repeats", repeats, low=1)
    seed = check_int("seed", seed, low=0)
    target = check_real("target", target, low=0.0, high=1.0, low_open=True)
    runnable, skipped = select_solvers(solvers)
    instances = resolve_instances(suites, names, files, data_dir, seed)
    return BenchPlan(
        instances=instances,
        solvers=runnable,
        budgets=budget_list,
        repeats=repeats,
        seed=seed,
        target=target,
        ttt=bool(ttt),
        skipped=skipped,
        explicit=solvers is not None,
    )


# ---------------------------------------------------------------------------- records on disk


def _cell(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return repr(value)
    return value


def _parse(row: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = dict(row)
    for k in _FLOATS:
        out[k] = float(row[k]) if row[k] not in ("", None) else math.nan
    if math.isnan(out["best_known"]):
        out["best_known"] = None
    out["n"] = int(row["n"])
    out["repeat"] = int(row["repeat"])
    out["seed"] = int(row["seed"])
    out["reached"] = {"True": True, "False": False}.get(row["reached"])
    return out


def _key(row: dict[str, Any]) -> tuple[str, str, str, int]:
    return (str(row["instance"]), str(row["solver"]), str(row["budget_s"]), int(row["seed"]))


def read_records(path: Path) -> list[dict[str, Any]]:
    """Finished rows (status "ok" or "failed: ...") of an earlier ``records.csv``.

    Rows cut short by an interruption and "skipped" rows are left out (they are redone).

    Raises
    ------
    ValueError
        If the file's columns are not the bench's.
    """
    with open(path, newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != RECORD_FIELDS:
            raise ValueError(
                f"{str(path)!r} is not a bench records file (columns {reader.fieldnames}); "
                "choose another --out"
            )
        rows = []
        for row in reader:
            if None in row or any(v is None for v in row.values()):
                continue  # a line cut short
            if not (row["status"] == "ok" or row["status"].startswith("failed")):
                continue
            try:
                rows.append(_parse(row))
            except ValueError:
                continue
    return rows


# ---------------------------------------------------------------------------- the run


def _status(exc: BaseException) -> str:
    msg = " ".join(str(exc).split())
    if len(msg) > 300:
        msg = msg[:297] + "..."
    return f"failed: {type(exc).__name__}: {msg}" if msg else f"failed: {type(exc).__name__}"


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
        reached = _better_or_equal(inst, objective, target)
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
        "detail": json.dumps(detail or {}, default=_jsonable, sort_keys=True),
    }


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    return str(obj)


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
) -> BenchRun:
    """Run the plan, streaming rows to ``out_dir/records.csv`` and resuming from it.

    Parameters
    ----------
    plan : BenchPlan
        From :func:`make_plan`.
    out_dir : path
        Folder of ``records.csv`` (created). Keys already recorded there are skipped.
    on_record : callable, optional
        Called with each new row once it is on disk (progress bars).
    on_start : callable, optional
        Called with a short description before each run.
    on_resume : callable, optional
        Called once with the number of planned runs already in ``records.csv`` (skipped).
    adapters : dict, optional
        Solver name -> adapter object (default: fresh ones from the registry).

    Returns
    -------
    BenchRun
        ``complete`` is False after Ctrl-C; records and summary then cover what was done.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "records.csv"
    old = read_records(path) if path.exists() else []
    planned = set(plan.keys())
    done = {_key(r) for r in old}
    run = BenchRun(plan, records=list(old), resumed=len(planned & done))
    # rewrite the file clean (no cut lines or skipped rows), then append to it
    tmp = path.with_suffix(".csv.part")
    with open(tmp, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=RECORD_FIELDS)
        w.writeheader()
        w.writerows({k: _cell(v) for k, v in r.items()} for r in old)
    tmp.replace(path)
    if on_resume is not None:
        on_resume(run.resumed)

    objs = dict(adapters or {})
    for name in plan.solvers:
        objs.setdefault(name, adapter(name))
    warmed: set[str] = set()

    with open(path, "a", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=RECORD_FIELDS)

        def emit(row: dict[str, Any]) -> None:
            writer.writerow({k: _cell(v) for k, v in row.items()})
            fh.flush()
            run.records.append(row)
            run.new += 1
            done.add(_key(row))
            if on_record is not None:
                on_record(row)

        try:
            for inst in plan.instances:
                _bench_instance(plan, inst, objs, done, warmed, emit, on_start)
            run.complete = True
        except KeyboardInterrupt:
            run.complete = False
        finally:
            for obj in objs.values():  # free the last instance's BQMs and tensors
                obj._key, obj._state = None, None
    run.summary = summarize(run.records, plan, complete=run.complete)
    return run


def _bench_instance(
    plan: BenchPlan,
    inst: Instance,
    objs: dict[str, Adapter],
    done: set[tuple[str, str, str, int]],
    warmed: set[str],
    emit: Callable[[dict[str, Any]], None],
    on_start: Callable[[str], None] | None,
) -> None:
    seeds = [seed_for(plan.seed, inst.name, k) for k in range(plan.repeats)]
    target = target_objective(inst, plan.target)
    labels = [_label(b) for b in plan.budgets] + ([TTT] if plan.ttt else [])
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
            setup_error[solver] = _status(exc) + " (in set-up)"
    for b in plan.budgets:
        label = _label(b)
        for k, s in enumerate(seeds):
            for solver in todo:
                if (inst.name, solver, label, s) in done:
                    continue
                if solver in setup_error:
                    emit(_row(inst, solver, label, k, s, target, status=setup_error[solver]))
                    continue
                if on_start is not None:
                    on_start(f"{inst.name} · {solver} · {label} s · seed {k + 1}/{plan.repeats}")
                emit(_one_run(inst, objs[solver], solver, b, k, s, target))
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
                emit(_ttt_run(inst, objs[solver], solver, max(plan.budgets), k, s, target))


def _one_run(
    inst: Instance, obj: Adapter, solver: str, budget: float, k: int, seed: int, target: float
) -> dict[str, Any]:
    c0, t0 = time.process_time(), time.perf_counter()
    try:
        res = obj.run(inst, budget, seed)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        energy = _energy_of(inst, res.best_sample)
    except Exception as exc:
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        return _row(
            inst,
            solver,
            _label(budget),
            k,
            seed,
            target,
            time_s=wall,
            cpu_s=cpu,
            status=_status(exc),
        )
    return _row(
        inst,
        solver,
        _label(budget),
        k,
        seed,
        target,
        energy=energy,
        time_s=wall,
        cpu_s=cpu,
        detail=res.extra,
    )


def _ttt_run(
    inst: Instance, obj: Adapter, solver: str, max_budget: float, k: int, seed: int, target: float
) -> dict[str, Any]:
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
        return _row(inst, solver, TTT, k, seed, target, time_s=wall, cpu_s=cpu, status=_status(exc))
    ttt = res.ttt_s if energy <= target_energy else math.nan
    return _row(
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


# ---------------------------------------------------------------------------- the summary


def _median_with_inf(values: Sequence[float]) -> float | None:
    """Median where NaN (not reached) counts as +inf; None when that median is not finite."""
    if not values:
        return None
    med = float(np.median([v if not math.isnan(v) else math.inf for v in values]))
    return med if math.isfinite(med) else None


def summarize(
    records: Sequence[dict[str, Any]], plan: BenchPlan, *, complete: bool = True
) -> dict[str, Any]:
    """Aggregate the plan's rows.

    Returns a dict with ``config``; ``instances`` (reference value per instance: best-known,
    or the best found in the run); ``by_solver_budget`` (per solver and budget: ``mean_gap``
    = mean over instances of the mean gap over repeats, ``mean_best_gap`` = mean over instances
    of the best gap over repeats, ``hit_rate`` = fraction of runs reaching the reference,
    ``target_rate``, mean and max ``time_s``, ``runs``, ``failed``); ``by_instance_solver``
    (median time to target over seeds, from the ttt rows when there are any, else "coarse"
    from the budget runs: the time of the smallest budget that reached the target; per-budget
    mean / min / max objective and mean time, for plots).
    """
    wanted = set(plan.keys())
    rows = [r for r in records if _key(r) in wanted]
    ok = [r for r in rows if r["status"] == "ok" and not math.isnan(r["objective"])]
    by_name = {inst.name: inst for inst in plan.instances}

    refs: dict[str, dict[str, Any]] = {}
    for inst in plan.instances:
        objs = [r["objective"] for r in ok if r["instance"] == inst.name]
        found = (max(objs) if inst.sense == "max" else min(objs)) if objs else None
        if inst.best_known is not None:
            ref: float | None = float(inst.best_known)
            kind = "best known"
            if inst.meta.get("best_known") == "exact":
                kind = "exact ground state"
            elif inst.meta.get("status"):
                kind = str(inst.meta["status"]).replace("_", " ")  # "optimal", "best known"
        else:
            ref, kind = found, "best found in this run"
        refs[inst.name] = {
            "instance": inst.name,
            "n": inst.n,
            "sense": inst.sense,
            "best_known": inst.best_known,
            "reference": ref,
            "reference_kind": kind,
            "best_found": found,
        }

    def gap(r: dict[str, Any]) -> float:
        ref = refs[r["instance"]]["reference"]
        if ref is None:
            return math.nan
        inst = by_name[r["instance"]]
        diff = ref - r["objective"] if inst.sense == "max" else r["objective"] - ref
        return float(diff / abs(ref)) if ref != 0 else float(diff)

    solvers = plan.solvers + list(plan.skipped)
    by_sb = []
    for solver in solvers:
        for b in plan.budgets:
            label = _label(b)
            mine = [r for r in rows if r["solver"] == solver and r["budget_s"] == label]
            good = [r for r in ok if r["solver"] == solver and r["budget_s"] == label]
            per_inst: dict[str, list[float]] = {}
            for r in good:
                per_inst.setdefault(r["instance"], []).append(gap(r))
            means = [float(np.mean(g)) for g in per_inst.values() if not np.isnan(g).any()]
            bests = [float(np.min(g)) for g in per_inst.values() if not np.isnan(g).any()]
            gaps = [gap(r) for r in good]
            reached = [r["reached"] for r in good if r["reached"] is not None]
            times = [r["time_s"] for r in good]
            by_sb.append(
                {
                    "solver": solver,
                    "budget_s": b,
                    "runs": len(mine),
                    "ok": len(good),
                    "failed": sum(str(r["status"]).startswith("failed") for r in mine),
                    "skipped": sum(str(r["status"]).startswith("skipped") for r in mine),
                    "instances": len(means),
                    "mean_gap": float(np.mean(means)) if means else None,
                    "mean_best_gap": float(np.mean(bests)) if bests else None,
                    "hit_rate": (
                        float(np.mean([g <= 1e-9 for g in gaps if not math.isnan(g)]))
                        if any(not math.isnan(g) for g in gaps)
                        else None
                    ),
                    "target_rate": float(np.mean(reached)) if reached else None,
                    "mean_time_s": float(np.mean(times)) if times else None,
                    "max_time_s": float(np.max(times)) if times else None,
                }
            )

    by_is = []
    for inst in plan.instances:
        seeds = [seed_for(plan.seed, inst.name, k) for k in range(plan.repeats)]
        for solver in solvers:
            mine = [r for r in ok if r["instance"] == inst.name and r["solver"] == solver]
            if not mine:
                continue
            ttt_rows = [r for r in mine if r["budget_s"] == TTT]
            totals: list[float] = []
            if ttt_rows:
                ttts, source = [r["ttt_s"] for r in ttt_rows], "ttt runs"
                # the whole wait: every try of the doubling ladder, not only the one that hit
                totals = [r["time_s"] if not math.isnan(r["ttt_s"]) else math.nan for r in ttt_rows]
            else:
                ttts, source = [], "budget runs (coarse)"
                for s in seeds:
                    hit = [
                        r["time_s"]
                        for r in sorted(
                            (r for r in mine if r["seed"] == s and r["budget_s"] != TTT),
                            key=lambda r: float(r["budget_s"]),
                        )
                        if r["reached"]
                    ]
                    if any(r["seed"] == s for r in mine):
                        ttts.append(hit[0] if hit else math.nan)
            curve = []
            for b in plan.budgets:
                at = [r for r in mine if r["budget_s"] == _label(b)]
                if at:
                    o = [r["objective"] for r in at]
                    curve.append(
                        {
                            "budget_s": b,
                            "mean_time_s": float(np.mean([r["time_s"] for r in at])),
                            "mean_objective": float(np.mean(o)),
                            "min_objective": float(np.min(o)),
                            "max_objective": float(np.max(o)),
                            "mean_gap": float(np.mean([gap(r) for r in at])),
                        }
                    )
            objs = [r["objective"] for r in mine]
            has_target = not math.isnan(target_objective(inst, plan.target))
            by_is.append(
                {
                    "instance": inst.name,
                    "solver": solver,
                    "best_objective": max(objs) if inst.sense == "max" else min(objs),
                    "median_ttt_s": _median_with_inf(ttts) if has_target else None,
                    "median_total_s": _median_with_inf(totals) if has_target and totals else None,
                    "ttt_reached": int(sum(not math.isnan(t) for t in ttts)) if has_target else 0,
                    "ttt_tries": len(ttts) if has_target else 0,
                    "ttt_source": source if has_target else "no target (no best-known value)",
                    "curve": curve,
                }
            )
    return _finite(
        {
            "config": {
                "instances": [inst.name for inst in plan.instances],
                "solvers": plan.solvers,
                "skipped_solvers": plan.skipped,
                "budgets_s": plan.budgets,
                "repeats": plan.repeats,
                "seed": plan.seed,
                "target": plan.target,
                "ttt": plan.ttt,
            },
            "complete": complete,
            "instances": list(refs.values()),
            "by_solver_budget": by_sb,
            "by_instance_solver": by_is,
        }
    )


def _finite(obj: Any) -> Any:
    """NaN and infinities as None, so that the summary is valid JSON."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite(v) for v in obj]
    return obj


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)


def write_outputs(run: BenchRun, out_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """Write ``summary.json`` and up to :data:`MAX_PLOTS` ``bench_<instance>.png`` plots.

    ``records.csv`` is already on disk (streamed by :func:`run_bench`). Returns the paths:
    ``records``, ``summary`` and ``plots`` (a list).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Any] = {
        "records": out / "records.csv",
        "summary": out / "summary.json",
        "plots": [],
    }
    payload = {**run.summary, "resumed_runs": run.resumed, "new_runs": run.new}
    paths["summary"].write_text(json.dumps(payload, indent=2, default=_jsonable) + "\n")
    from ..plotting import plot_bench

    refs = {r["instance"]: r for r in run.summary.get("instances", [])}
    for inst in run.plan.instances[:MAX_PLOTS]:
        curves = {
            r["solver"]: r["curve"]
            for r in run.summary.get("by_instance_solver", [])
            if r["instance"] == inst.name and r["curve"]
        }
        if not curves:
            continue
        ref = refs[inst.name]
        paths["plots"].append(
            plot_bench(
                inst.name,
                curves,
                out / f"bench_{_safe(inst.name)}.png",
                reference=ref["reference"],
                reference_label=ref["reference_kind"],
                sense=inst.sense,
            )
        )
    return paths
