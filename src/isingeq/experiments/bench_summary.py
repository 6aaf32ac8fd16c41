"""The summary of an ``isingeq bench`` run (gaps, hit rates, time to target) and its files.

Gaps come from :meth:`isingeq.Instance.gap`, the one gap formula, against each instance's
reference: its best-known value, or the best objective any solver found in the run when it has
none (the summary says which). Files go through :mod:`.records`.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import datasets
from ..instance import Instance
from .bench_plan import TTT, BenchPlan, budget_label
from .peers import BUDGET_BAND
from .records import json_safe, write_json

if TYPE_CHECKING:
    from .bench import BenchRun

__all__ = ["MAX_PLOTS", "record_key", "summarize", "times_to_target", "write_outputs"]

#: At most this many per-instance plots.
MAX_PLOTS = 12
#: Relative tolerance of "best or tied": a mean objective this close to the best one ties.
BEST_TOL = 1e-9


def record_key(row: dict[str, Any]) -> tuple[str, str, str, int]:
    """The (instance, solver, budget label, seed) of a record: what a resumed run skips."""
    return (str(row["instance"]), str(row["solver"]), str(row["budget_s"]), int(row["seed"]))


def _median_with_inf(values: Sequence[float]) -> float | None:
    """Median where NaN (not reached) counts as +inf; None when that median is not finite."""
    if not values:
        return None
    med = float(np.median([v if not math.isnan(v) else math.inf for v in values]))
    return med if math.isfinite(med) else None


def _reference(inst: Instance, found: float | None) -> tuple[float | None, str]:
    if inst.best_known is None:
        return found, "best found in this run"
    kind = "best known"
    if inst.meta.get("best_known") == "exact":
        kind = "exact ground state"
    elif inst.meta.get("status"):
        kind = str(inst.meta["status"]).replace("_", " ")  # "optimal", "best known"
    return float(inst.best_known), kind


def summarize(
    records: Sequence[dict[str, Any]], plan: BenchPlan, *, complete: bool = True
) -> dict[str, Any]:
    """Aggregate the plan's rows.

    Returns a dict with ``config`` (with ``threads`` and ``comparison``, the CPU comparison in
    words, and ``tuned_on``: the plan's instances in :data:`isingeq.datasets.TUNED_ON`);
    ``instances`` (reference value per instance: best-known, or the best found in the run;
    ``tuned_on``; Gset ``family``); ``by_solver_budget`` (per solver and budget: ``mean_gap``
    = mean over instances of the mean gap over repeats, ``mean_best_gap`` = mean over instances
    of the best gap over repeats, ``hit_rate`` = fraction of runs reaching the reference,
    ``best_or_tied`` = instances where its mean objective over repeats is the best of all
    solvers within 1e-9 relative, ``target_rate``, mean and max ``time_s``, ``mean_cpu_s``,
    ``mean/min/max_budget_use``, ``under_budget_band`` / ``over_budget_band`` = runs below
    0.9 / above 1.1 x budget, ``runs``, ``failed``, ``over_budget`` = runs with the status
    "over budget", left out of every average); ``by_split`` (the same aggregates over the
    "tuned on" and the "not tuned on" instances); ``by_family`` (over each Gset family);
    ``beats_best_known`` (runs better than the best-known value, with their certificate);
    ``by_instance_solver``
    (median time to target over seeds, from the ttt rows when the plan has them -- its
    ``ttt_failed`` counts those that raised, which are not tries -- else "coarse"
    from the budget runs: the time of the smallest budget that reached the target; per-budget
    mean / min / max objective and mean time, for plots); ``ttt_failed`` (per solver, the
    time-to-target runs that raised; empty without them). NaN and infinities are None.
    """
    wanted = set(plan.keys())
    rows = [r for r in records if record_key(r) in wanted]
    ok = [r for r in rows if r["status"] == "ok" and not math.isnan(r["objective"])]
    by_name = {inst.name: inst for inst in plan.instances}

    refs: dict[str, dict[str, Any]] = {}
    for inst in plan.instances:
        found = inst.best([r["objective"] for r in ok if r["instance"] == inst.name])
        ref, kind = _reference(inst, found)
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
        g = None if ref is None else by_name[r["instance"]].gap(r["objective"], reference=ref)
        return math.nan if g is None else g

    solvers = plan.solvers + list(plan.skipped)
    labels = {b: budget_label(b) for b in plan.budgets}
    # per (budget label, instance): each solver's mean objective over repeats, and the best
    groups: dict[tuple[str, str, str], list[float]] = {}
    for r in ok:
        if r["budget_s"] != TTT:
            groups.setdefault((r["budget_s"], r["instance"], r["solver"]), []).append(
                r["objective"]
            )
    means = {key: float(np.mean(v)) for key, v in groups.items()}
    best_mean: dict[tuple[str, str], float] = {}
    for (label, name, _), m in means.items():
        prev = best_mean.get((label, name))
        top = m if prev is None else by_name[name].best([prev, m])
        best_mean[(label, name)] = m if top is None else float(top)

    def tied(label: str, name: str, solver: str) -> bool:
        m = means.get((label, name, solver))
        if m is None:
            return False
        top = best_mean[(label, name)]
        return abs(m - top) <= BEST_TOL * max(1.0, abs(top))

    def aggregate(solver: str, label: str, names: set[str]) -> dict[str, Any]:
        good = [
            r
            for r in ok
            if r["solver"] == solver and r["budget_s"] == label and r["instance"] in names
        ]
        per_inst: dict[str, list[float]] = {}
        for r in good:
            per_inst.setdefault(r["instance"], []).append(gap(r))
        gaps_mean = [float(np.mean(g)) for g in per_inst.values() if not np.isnan(g).any()]
        gaps_best = [float(np.min(g)) for g in per_inst.values() if not np.isnan(g).any()]
        gaps = [g for g in map(gap, good) if not math.isnan(g)]
        return {
            "instances": len(gaps_mean),
            "mean_gap": float(np.mean(gaps_mean)) if gaps_mean else None,
            "mean_best_gap": float(np.mean(gaps_best)) if gaps_best else None,
            "hit_rate": float(np.mean([g <= 1e-9 for g in gaps])) if gaps else None,
            "best_or_tied": sum(tied(label, name, solver) for name in per_inst),
        }

    all_names = set(by_name)
    tuned = {n for n in all_names if n in datasets.TUNED_ON}
    splits = {"tuned on": tuned, "not tuned on": all_names - tuned}
    families: dict[str, set[str]] = {}
    for name in all_names:
        fam = datasets.gset_family(name)
        if fam is not None:
            families.setdefault(fam, set()).add(name)
    lo, hi = BUDGET_BAND

    by_sb, by_split, by_family = [], [], []
    for solver in solvers:
        for b in plan.budgets:
            label = labels[b]
            mine = [r for r in rows if r["solver"] == solver and r["budget_s"] == label]
            good = [r for r in ok if r["solver"] == solver and r["budget_s"] == label]
            timed = [r for r in mine if not math.isnan(r.get("budget_use", math.nan))]
            timed = [r for r in timed if not str(r["status"]).startswith(("failed", "skipped"))]
            uses = [r["budget_use"] for r in timed]
            reached = [r["reached"] for r in good if r["reached"] is not None]
            times = [r["time_s"] for r in good]
            cpus = [r["cpu_s"] for r in good if not math.isnan(r["cpu_s"])]
            by_sb.append(
                {
                    "solver": solver,
                    "budget_s": b,
                    "runs": len(mine),
                    "ok": len(good),
                    "failed": sum(str(r["status"]).startswith("failed") for r in mine),
                    "skipped": sum(str(r["status"]).startswith("skipped") for r in mine),
                    "over_budget": sum(str(r["status"]).startswith("over budget") for r in mine),
                    **aggregate(solver, label, all_names),
                    "target_rate": float(np.mean(reached)) if reached else None,
                    "mean_time_s": float(np.mean(times)) if times else None,
                    "max_time_s": float(np.max(times)) if times else None,
                    "mean_cpu_s": float(np.mean(cpus)) if cpus else None,
                    "mean_budget_use": float(np.mean(uses)) if uses else None,
                    "min_budget_use": float(np.min(uses)) if uses else None,
                    "max_budget_use": float(np.max(uses)) if uses else None,
                    "under_budget_band": sum(u < lo for u in uses),
                    "over_budget_band": sum(u > hi for u in uses),
                }
            )
            for split, names in splits.items():
                if names:
                    by_split.append(
                        {"split": split, "solver": solver, "budget_s": b}
                        | aggregate(solver, label, names)
                    )
            for fam in datasets.GSET_FAMILIES:
                if fam in families:
                    by_family.append(
                        {"family": fam, "solver": solver, "budget_s": b}
                        | aggregate(solver, label, families[fam])
                    )

    beats = [
        {
            "instance": r["instance"],
            "solver": r["solver"],
            "budget_s": r["budget_s"],
            "seed": r["seed"],
            "objective": r["objective"],
            "best_known": r["best_known"],
            "certificate": json.loads(r["detail"] or "{}").get("certificate"),
        }
        for r in rows
        if r.get("beats_best_known") is True
    ]

    def failed_ttt(r: dict[str, Any]) -> bool:
        return r["budget_s"] == TTT and str(r["status"]).startswith("failed")

    by_is = []
    for inst in plan.instances:
        seeds = plan.seeds(inst)
        has_target = not math.isnan(inst.target_objective(plan.target))
        for solver in solvers:
            mine = [r for r in ok if r["instance"] == inst.name and r["solver"] == solver]
            failed = sum(
                failed_ttt(r) for r in rows if r["instance"] == inst.name and r["solver"] == solver
            )
            if mine:
                entry = _instance_solver(inst, solver, mine, seeds, plan, has_target, gap)
                by_is.append(entry | {"ttt_failed": failed})
    return json_safe(
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
                "threads": plan.threads,
                "comparison": plan.comparison(),
                "budget_band": list(BUDGET_BAND),
                "tuned_on": sorted(tuned),
            },
            "complete": complete,
            "instances": [
                {
                    **ref,
                    "tuned_on": ref["instance"] in tuned,
                    "family": datasets.gset_family(ref["instance"]),
                }
                for ref in refs.values()
            ],
            "by_solver_budget": by_sb,
            "by_split": by_split,
            "by_family": by_family,
            "beats_best_known": beats,
            "by_instance_solver": by_is,
            "ttt_failed": (
                {s: sum(failed_ttt(r) for r in rows if r["solver"] == s) for s in solvers}
                if plan.ttt
                else {}
            ),
        }
    )


def times_to_target(
    mine: Sequence[dict[str, Any]], seeds: Sequence[int] | None = None
) -> tuple[list[float], list[float], str]:
    """Time to target per seed of one (instance, solver), from its "ok" records.

    From the ``ttt`` rows when there are any (``ttt_s``; the totals are their ``time_s``, every
    try of the doubling ladder), else "coarse" from the budget runs: the wall time of the
    smallest budget that reached the target. NaN where a seed never reached it.

    Parameters
    ----------
    mine : sequence of dict
        The records of one instance and one solver with status "ok".
    seeds : sequence of int, optional
        The seeds to report (coarse source); default every seed among the budget runs.

    Returns
    -------
    ttts : list of float
    totals : list of float
        The whole wait per ttt row (empty for the coarse source).
    source : str
        "ttt runs" or "budget runs (coarse)".
    """
    ttt_rows = [r for r in mine if r["budget_s"] == TTT]
    if ttt_rows:
        ttts = [r["ttt_s"] for r in ttt_rows]
        # the whole wait: every try of the doubling ladder, not only the one that hit
        totals = [r["time_s"] if not math.isnan(r["ttt_s"]) else math.nan for r in ttt_rows]
        return ttts, totals, "ttt runs"
    if seeds is None:
        seeds = sorted({int(r["seed"]) for r in mine})
    ttts = []
    for s in seeds:
        runs = sorted(
            (r for r in mine if r["seed"] == s and r["budget_s"] != TTT),
            key=lambda r: float(r["budget_s"]),
        )
        hit = [r["time_s"] for r in runs if r["reached"]]
        if runs:
            ttts.append(hit[0] if hit else math.nan)
    return ttts, [], "budget runs (coarse)"


def _instance_solver(
    inst: Instance,
    solver: str,
    mine: list[dict[str, Any]],
    seeds: list[int],
    plan: BenchPlan,
    has_target: bool,
    gap: Any,
) -> dict[str, Any]:
    """One row of ``by_instance_solver``: time to target over seeds and the budget curve."""
    if plan.ttt and not any(r["budget_s"] == TTT for r in mine):
        # the plan's ttt runs all failed or were skipped: no tries, not a coarse stand-in
        ttts: list[float] = []
        totals: list[float] = []
        source = "ttt runs"
    else:
        ttts, totals, source = times_to_target(mine, seeds)
    curve = []
    for b in plan.budgets:
        at = [r for r in mine if r["budget_s"] == budget_label(b)]
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
    return {
        "instance": inst.name,
        "solver": solver,
        "best_objective": inst.best(r["objective"] for r in mine),
        "median_ttt_s": _median_with_inf(ttts) if has_target else None,
        "median_total_s": _median_with_inf(totals) if has_target and totals else None,
        "ttt_reached": int(sum(not math.isnan(t) for t in ttts)) if has_target else 0,
        "ttt_tries": len(ttts) if has_target else 0,
        "ttt_source": source if has_target else "no target (no best-known value)",
        "curve": curve,
    }


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)


def write_outputs(
    run: BenchRun, out_dir: str | os.PathLike[str], *, plots: bool = True
) -> dict[str, Any]:
    """Write ``summary.json`` and the plots: up to :data:`MAX_PLOTS` ``bench_<instance>.png``,
    ``performance_profile.png`` and ``ttt_ecdf.png`` (over every instance of the plan).

    ``records.csv`` is already on disk (streamed by :func:`isingeq.experiments.bench.run_bench`).
    With ``plots=False`` only the summary is written (plots of a large run take seconds, and a
    run resumed for more seeds redraws them anyway).
    Returns the paths: ``records``, ``summary``, ``plots`` (a list of every PNG written) and
    ``profile`` / ``ttt_ecdf`` (None when not drawn).
    """
    out = Path(out_dir)
    paths: dict[str, Any] = {
        "records": out / "records.csv",
        "plots": [],
        "profile": None,
        "ttt_ecdf": None,
    }
    payload = {**run.summary, "resumed_runs": run.resumed, "new_runs": run.new}
    paths["summary"] = write_json(out / "summary.json", payload)
    if not plots:
        return paths
    from ..plotting import plot_bench, plot_performance_profile, plot_ttt_ecdf

    wanted = set(run.plan.keys())
    mine = [r for r in run.records if record_key(r) in wanted]
    if any(r["status"] == "ok" for r in mine):
        paths["profile"] = plot_performance_profile(mine, out / "performance_profile.png")
        paths["ttt_ecdf"] = plot_ttt_ecdf(mine, out / "ttt_ecdf.png")
        paths["plots"] += [paths["profile"], paths["ttt_ecdf"]]

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
