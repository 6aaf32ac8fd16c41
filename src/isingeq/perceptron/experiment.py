"""The experiments behind ``isingeq perceptron`` and ``isingeq analyze``, on paper instances.

``isingeq analyze`` (:func:`run_analyze`): for each size ``n`` and each of ``trials`` paper
instances (``eps_ij ~ U[-1, 1]``), every ``t = inf`` solution of eq. 16 is enumerated
(:func:`isingeq.fixed_points`), and the basin of the ground state under the asynchronous update
(nodes in index order, from every one of the ``2^n`` starts, or from ``num_starts`` random starts
above ``n = 20``) is measured (:func:`isingeq.ground_state_basin`). Instance ``(n, trial)`` uses
``SeedSequence(seed, spawn_key=(n,)).spawn(trials)[trial]``, so a row does not depend on which
other sizes are run.

``isingeq perceptron`` (:func:`run_perceptron_demo`) has three parts:

1. **Exactness and the mean-field step** (:func:`run_mean_field`): for each size ``n``, instance
   and inverse temperature ``t``, the exact conditional identity error
   ``max |P(n_i = 1 | n_rest) - sigmoid(t xi_i)|`` (:func:`isingeq.conditional_identity_error`,
   rounding error only) and the mean-field error ``max_i |<n_i>_eq16 - <n_i>_exact|``
   (:func:`isingeq.mean_field_error`), the one approximation in eq. 16.
2. **Fixed points** (:func:`run_analyze`): number of ``t = inf`` solutions of eq. 16 and the
   ground-state basin of the asynchronous update.
3. **The inverse problem** (:func:`run_reconstruction`): ``max |eps_fit - eps|``
   (:func:`isingeq.reconstruction_error`) against the number of exact samples
   (:func:`isingeq.sample_boltzmann`), for pseudo-likelihood and naive mean-field inversion
   (:func:`isingeq.fit`).

Seeds: instance ``(n, k)`` is drawn from ``SeedSequence(seed, spawn_key=(n,)).spawn(instances)[k]
.spawn(3)[0]``, the same instance ``isingeq analyze`` uses as its trial ``k``, so all three parts
look at one family of instances. Part 3 draws its samples from ``.spawn(3)[2]``. The samples for
the sample counts are prefixes of one draw of ``max(samples)`` rows; exact samples are independent,
and a prefix of the uniforms is the same as a shorter draw, so a row does not depend on which
other sample counts (or sizes) are run.

Files go through the records layer (:mod:`isingeq.experiments.records`): CSV and JSON written
atomically, NaN as an empty cell / ``null``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .._validation import check_int, check_real
from ..experiments.records import Journal, write_csv, write_json
from ..generators import paper_instance
from ..model import SpinGlass
from ..solvers.exact import EXACT_MAX_N
from ._common import ENUMERATE_MAX_N
from .exactness import conditional_identity_error, mean_field_error
from .fixed_points import fixed_points, ground_state_basin
from .inverse import FIT_METHODS, fit, min_samples, reconstruction_error, sample_boltzmann
from .plots import plot_analyze, plot_mean_field, plot_reconstruction

__all__ = [
    "ANALYZE_FIELDS",
    "MEAN_FIELD_FIELDS",
    "RECONSTRUCTION_FIELDS",
    "PerceptronDemoConfig",
    "PerceptronDemoRun",
    "analyze_journal",
    "plot_analyze",
    "plot_mean_field",
    "plot_reconstruction",
    "run_analyze",
    "run_mean_field",
    "run_perceptron_demo",
    "run_reconstruction",
    "write_analyze_outputs",
    "write_outputs",
]

ANALYZE_FIELDS = ("n", "trial", "num_solutions", "unique", "basin", "basin_exact")
#: How each records column reads back from a CSV cell (resumed runs, :class:`Journal`).
_TYPES: dict[str, Any] = {
    "n": int,
    "trial": int,
    "instance": int,
    "samples": int,
    "num_solutions": int,
    "unique": bool,
    "basin_exact": bool,
    "basin": float,
    "t": float,
    "conditional_identity_error": float,
    "mean_field_error": float,
    "error": float,
    "fit_time_s": float,
    "method": str,
    "failed": str,
}


def analyze_journal(out_dir: str | Path, *, resume: bool = False) -> Journal:
    """The :class:`Journal` of :func:`run_analyze`'s records in ``out_dir/records.csv``."""
    return Journal(
        Path(out_dir) / "records.csv", ANALYZE_FIELDS, ["n", "trial"], _TYPES, 1, resume=resume
    )


#: Above this n the basin is estimated from random starts instead of all 2^n.
_ALL_STARTS_MAX_N = 20


def run_analyze(
    sizes: Sequence[int],
    trials: int,
    seed: int = 0,
    *,
    num_starts: int = 4096,
    on_instance: Callable[[int, int], None] | None = None,
    journal: Journal | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Records (one per instance) and a summary (one row per n).

    With a ``journal`` (:func:`analyze_journal`), each instance's record is appended to the
    records file as it is finished, and a resumed run takes finished instances from the file.

    Summary columns: ``n``, ``trials``, ``mean_solutions``, ``median_solutions``,
    ``max_solutions``, ``unique_fraction`` (instances whose ground state is the only solution),
    ``mean_basin`` (fraction of starts that reach the ground state).

    Examples
    --------
    >>> records, summary = run_analyze([4], 5, seed=0)
    >>> len(records), summary[0]["n"], summary[0]["mean_solutions"] >= 1
    (5, 4, True)
    """
    ns = [check_int("sizes", n, low=1, high=EXACT_MAX_N) for n in sizes]
    trials = check_int("trials", trials, low=1)
    num_starts = check_int("num_starts", num_starts, low=1)
    records: list[dict[str, Any]] = []
    summary: list[dict[str, Any]] = []
    for n in ns:
        children = np.random.SeedSequence(seed, spawn_key=(n,)).spawn(trials)
        rows = []
        for trial, child in enumerate(children):

            def one(n: int = n, trial: int = trial, child: Any = child) -> list[dict[str, Any]]:
                inst_seed, start_seed = child.spawn(2)
                model = paper_instance(n, rng=inst_seed)
                count = len(fixed_points(model))
                exact = n <= _ALL_STARTS_MAX_N
                basin = ground_state_basin(
                    model, num_starts=None if exact else num_starts, rng=start_seed
                )
                return [
                    {
                        "n": n,
                        "trial": trial,
                        "num_solutions": count,
                        "unique": count == 1,
                        "basin": basin,
                        "basin_exact": exact,
                    }
                ]

            rows.extend(one() if journal is None else journal.unit((n, trial), one))
            if on_instance is not None:
                on_instance(n, trial)
        records.extend(rows)
        counts = np.array([r["num_solutions"] for r in rows])
        summary.append(
            {
                "n": n,
                "trials": trials,
                "mean_solutions": float(counts.mean()),
                "median_solutions": float(np.median(counts)),
                "max_solutions": int(counts.max()),
                "unique_fraction": float(np.mean(counts == 1)),
                "mean_basin": float(np.mean([r["basin"] for r in rows])),
            }
        )
    return records, summary


def write_analyze_outputs(
    records: Sequence[dict[str, Any]], summary: Sequence[dict[str, Any]], out: str | Path
) -> dict[str, Path]:
    """``records.csv``, ``summary.json`` and ``analyze.png`` under ``out`` (of :func:`run_analyze`)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "records": write_csv(out / "records.csv", ANALYZE_FIELDS, records),
        "summary": write_json(out / "summary.json", list(summary)),
    }
    paths["plot"] = plot_analyze(summary, out / "analyze.png")
    return paths


MEAN_FIELD_FIELDS = ("n", "instance", "t", "conditional_identity_error", "mean_field_error")
RECONSTRUCTION_FIELDS = ("n", "t", "instance", "samples", "method", "error", "fit_time_s", "failed")


@dataclass(frozen=True)
class PerceptronDemoConfig:
    """The validated inputs of :func:`run_perceptron_demo` (build it first: it does no work).

    Raises
    ------
    ValueError, TypeError
        Naming the parameter: sizes outside ``1..24`` (the enumeration limit), a negative or
        non-finite ``t``, fewer than one instance, a sample count below ``recon_n + 1`` (what
        :func:`isingeq.fit` needs), ``recon_n`` outside ``2..24`` or ``recon_t <= 0``.

    Examples
    --------
    >>> cfg = PerceptronDemoConfig(sizes=[4, 6], ts=[1.0], instances=2, samples=[100])
    >>> cfg.num_steps                 # 2 sizes x 2 instances x 2 parts + 2 instances x 1 count
    10
    """

    sizes: Sequence[int] = (4, 8, 12)
    ts: Sequence[float] = (0.1, 0.3, 1.0, 3.0, 10.0)
    instances: int = 5
    samples: Sequence[int] = (300, 1_000, 10_000, 100_000)
    seed: int = 0
    recon_n: int = 10
    recon_t: float = 1.0

    def __post_init__(self) -> None:
        def tup(name: str, values: Any) -> tuple[Any, ...]:
            if isinstance(values, str | bytes) or not isinstance(values, Sequence):
                raise TypeError(f"`{name}` must be a sequence; got {values!r}")
            if not values:
                raise ValueError(f"`{name}` must list at least one value; got {values!r}")
            return tuple(values)

        sizes = tuple(
            check_int("sizes", n, low=1, high=ENUMERATE_MAX_N) for n in tup("sizes", self.sizes)
        )
        ts = tuple(check_real("ts", t, low=0.0) for t in tup("ts", self.ts))
        recon_n = check_int("recon_n", self.recon_n, low=2, high=ENUMERATE_MAX_N)
        need = min_samples(recon_n)
        samples = tuple(check_int("samples", s, low=1) for s in tup("samples", self.samples))
        for s in samples:
            if s < need:
                raise ValueError(
                    f"`samples` must be >= {need} (fitting n={recon_n} nodes needs n + 1 samples); "
                    f"got {s}"
                )
        object.__setattr__(self, "sizes", sizes)
        object.__setattr__(self, "ts", ts)
        object.__setattr__(self, "samples", tuple(sorted(set(samples))))
        object.__setattr__(self, "instances", check_int("instances", self.instances, low=1))
        object.__setattr__(self, "seed", check_int("seed", self.seed, low=0))
        object.__setattr__(self, "recon_n", recon_n)
        object.__setattr__(
            self, "recon_t", check_real("recon_t", self.recon_t, low=0.0, low_open=True)
        )

    @property
    def num_steps(self) -> int:
        """Progress steps: one per (n, instance) in parts 1 and 2, one per (instance, count) in 3."""
        return 2 * len(self.sizes) * self.instances + self.instances * len(self.samples)

    def to_dict(self) -> dict[str, Any]:
        return {
            "sizes": list(self.sizes),
            "ts": list(self.ts),
            "instances": self.instances,
            "samples": list(self.samples),
            "seed": self.seed,
            "recon_n": self.recon_n,
            "recon_t": self.recon_t,
        }


@dataclass
class PerceptronDemoRun:
    """Records (one list per part) and the summary of :func:`run_perceptron_demo`.

    ``summary`` has the keys ``config``, ``mean_field`` (one row per ``(n, t)``),
    ``fixed_points`` (one row per ``n``, as :func:`run_analyze`) and
    ``reconstruction`` (one row per ``(samples, method)``).
    """

    config: PerceptronDemoConfig
    mean_field: list[dict[str, Any]] = field(default_factory=list)
    fixed_points: list[dict[str, Any]] = field(default_factory=list)
    reconstruction: list[dict[str, Any]] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)


def _instance_seeds(n: int, instances: int, seed: int) -> list[np.random.SeedSequence]:
    """One child per instance; ``.spawn(3)[0]`` is the instance ``run_analyze`` draws."""
    return np.random.SeedSequence(seed, spawn_key=(n,)).spawn(instances)


def _instance(child: np.random.SeedSequence, n: int) -> tuple[SpinGlass, np.random.SeedSequence]:
    inst_seed, _, sample_seed = child.spawn(3)  # [1] is analyze's start seed: left unused
    return paper_instance(n, rng=inst_seed), sample_seed


def run_mean_field(
    config: PerceptronDemoConfig,
    *,
    on_instance: Callable[[int, int], None] | None = None,
    journal: Journal | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Conditional identity error and mean-field error for every size, instance and ``t``
    (with a ``journal``, each instance's rows streamed to the records file and resumable).

    Returns
    -------
    records : list of dict
        One per ``(n, instance, t)`` with :data:`MEAN_FIELD_FIELDS`.
    summary : list of dict
        One per ``(n, t)``: ``n``, ``t``, ``instances``, ``mean_mean_field_error``,
        ``max_mean_field_error``, ``max_conditional_identity_error``.

    Examples
    --------
    >>> cfg = PerceptronDemoConfig(sizes=[3], ts=[0.1, 2.0], instances=2, samples=[100])
    >>> records, summary = run_mean_field(cfg)
    >>> len(records), [r["t"] for r in summary]
    (4, [0.1, 2.0])
    >>> max(r["conditional_identity_error"] for r in records) < 1e-12
    True
    """
    records: list[dict[str, Any]] = []
    summary: list[dict[str, Any]] = []
    for n in config.sizes:
        rows = []
        for k, child in enumerate(_instance_seeds(n, config.instances, config.seed)):

            def one(n: int = n, k: int = k, child: Any = child) -> list[dict[str, Any]]:
                model, _ = _instance(child, n)
                return [
                    {
                        "n": n,
                        "instance": k,
                        "t": t,
                        "conditional_identity_error": conditional_identity_error(model, t),
                        "mean_field_error": mean_field_error(model, t),
                    }
                    for t in config.ts
                ]

            rows.extend(one() if journal is None else journal.unit((n, k), one))
            if on_instance is not None:
                on_instance(n, k)
        records.extend(rows)
        for t in config.ts:
            sel = [r for r in rows if r["t"] == t]
            mf = np.array([r["mean_field_error"] for r in sel])
            summary.append(
                {
                    "n": n,
                    "t": t,
                    "instances": len(sel),
                    "mean_mean_field_error": float(mf.mean()),
                    "max_mean_field_error": float(mf.max()),
                    "max_conditional_identity_error": max(
                        r["conditional_identity_error"] for r in sel
                    ),
                }
            )
    return records, summary


def run_reconstruction(
    config: PerceptronDemoConfig,
    *,
    on_fit: Callable[[int, int], None] | None = None,
    journal: Journal | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``max |eps_fit - eps|`` against the number of exact samples, per fitting method.

    For each instance (size ``config.recon_n``), one draw of ``max(config.samples)`` exact samples
    at ``config.recon_t``; each method of :data:`isingeq.perceptron.FIT_METHODS` is fitted on the
    first ``S`` rows for every ``S`` in ``config.samples``. A fit that :func:`isingeq.fit`
    refuses (a constant column, a singular covariance) is recorded with ``error`` NaN and the
    reason in ``failed``.

    Returns
    -------
    records : list of dict
        One per ``(instance, samples, method)`` with :data:`RECONSTRUCTION_FIELDS`.
    summary : list of dict
        One per ``(samples, method)``: ``samples``, ``method``, ``fits`` (that succeeded),
        ``failed``, ``mean_error``, ``median_error``, ``max_error`` (NaN when none succeeded),
        ``mean_fit_time_s``.

    Examples
    --------
    >>> cfg = PerceptronDemoConfig(sizes=[3], ts=[1.0], instances=1, samples=[200, 20_000],
    ...                            recon_n=3)
    >>> records, summary = run_reconstruction(cfg)
    >>> pl = [r for r in summary if r["method"] == "pseudolikelihood"]
    >>> pl[0]["samples"], pl[1]["samples"], pl[1]["max_error"] < pl[0]["max_error"]
    (200, 20000, True)
    """
    n, t = config.recon_n, config.recon_t
    top = max(config.samples)
    records: list[dict[str, Any]] = []
    for k, child in enumerate(_instance_seeds(n, config.instances, config.seed)):

        def one(k: int = k, child: Any = child) -> list[dict[str, Any]]:
            model, sample_seed = _instance(child, n)
            X = sample_boltzmann(model, t, top, rng=sample_seed)
            rows = []
            for S in config.samples:
                for method in FIT_METHODS:
                    t0 = time.perf_counter()
                    try:
                        learned = fit(X[:S], t=t, method=method)
                    except ValueError as exc:
                        error, failed = math.nan, str(exc)
                    else:
                        error, failed = reconstruction_error(learned, model), ""
                    rows.append(
                        {
                            "n": n,
                            "t": t,
                            "instance": k,
                            "samples": S,
                            "method": method,
                            "error": error,
                            "fit_time_s": time.perf_counter() - t0,
                            "failed": failed,
                        }
                    )
            return rows

        records.extend(one() if journal is None else journal.unit((k,), one))
        if on_fit is not None:
            for S in config.samples:
                on_fit(k, S)
    summary: list[dict[str, Any]] = []
    for S in config.samples:
        for method in FIT_METHODS:
            sel = [r for r in records if r["samples"] == S and r["method"] == method]
            ok = np.array([r["error"] for r in sel if not r["failed"]])
            summary.append(
                {
                    "samples": S,
                    "method": method,
                    "fits": int(ok.size),
                    "failed": len(sel) - int(ok.size),
                    "mean_error": float(ok.mean()) if ok.size else math.nan,
                    "median_error": float(np.median(ok)) if ok.size else math.nan,
                    "max_error": float(ok.max()) if ok.size else math.nan,
                    "mean_fit_time_s": float(np.mean([r["fit_time_s"] for r in sel])),
                }
            )
    return records, summary


def run_perceptron_demo(
    config: PerceptronDemoConfig,
    *,
    on_step: Callable[[str], None] | None = None,
    out_dir: str | Path | None = None,
    resume: bool = False,
) -> PerceptronDemoRun:
    """All three parts; ``on_step(description)`` is called after each of ``config.num_steps``.

    With ``out_dir``, every part's records stream to its CSV there as each instance finishes
    (fsync'd), and with ``resume`` a run continues after an interruption from the instances
    already finished (the same config and seed; the seeds are per instance).

    Examples
    --------
    >>> cfg = PerceptronDemoConfig(sizes=[3], ts=[1.0], instances=2, samples=[100], recon_n=3)
    >>> run = run_perceptron_demo(cfg)
    >>> sorted(run.summary)
    ['config', 'fixed_points', 'mean_field', 'reconstruction']
    >>> len(run.mean_field), len(run.fixed_points), len(run.reconstruction)
    (2, 2, 4)
    """

    def step(text: str) -> None:
        if on_step is not None:
            on_step(text)

    run = PerceptronDemoRun(config)
    out = None if out_dir is None else Path(out_dir)

    def journal(name: str, fields: Sequence[str], keys: list[str], per: int) -> Journal:
        return Journal(
            None if out is None else out / name, fields, keys, _TYPES, per, resume=resume
        )

    with journal("mean_field.csv", MEAN_FIELD_FIELDS, ["n", "instance"], len(config.ts)) as j:
        run.mean_field, mf_summary = run_mean_field(
            config, on_instance=lambda n, k: step(f"mean field n={n}"), journal=j
        )
    with journal("fixed_points.csv", ANALYZE_FIELDS, ["n", "trial"], 1) as j:
        run.fixed_points, fp_summary = run_analyze(
            config.sizes,
            config.instances,
            config.seed,
            on_instance=lambda n, k: step(f"fixed points n={n}"),
            journal=j,
        )
    per = len(config.samples) * len(FIT_METHODS)
    with journal("reconstruction.csv", RECONSTRUCTION_FIELDS, ["instance"], per) as j:
        run.reconstruction, rc_summary = run_reconstruction(
            config, on_fit=lambda k, S: step(f"fit S={S}"), journal=j
        )
    run.summary = {
        "config": config.to_dict(),
        "mean_field": mf_summary,
        "fixed_points": fp_summary,
        "reconstruction": rc_summary,
    }
    return run


def write_outputs(run: PerceptronDemoRun, out: str | Path) -> dict[str, Path]:
    """Under ``out``: one records CSV per part, ``summary.json`` and two PNG plots.

    Files: ``mean_field.csv``, ``fixed_points.csv``, ``reconstruction.csv``, ``summary.json``
    (NaN written as ``null``; NaN is an empty cell in the CSV files), ``mean_field.png``, ``reconstruction.png``.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "mean_field": write_csv(out / "mean_field.csv", MEAN_FIELD_FIELDS, run.mean_field),
        "fixed_points": write_csv(out / "fixed_points.csv", ANALYZE_FIELDS, run.fixed_points),
        "reconstruction": write_csv(
            out / "reconstruction.csv", RECONSTRUCTION_FIELDS, run.reconstruction
        ),
        "summary": write_json(out / "summary.json", run.summary),
    }
    paths["mean_field_plot"] = plot_mean_field(run.summary["mean_field"], out / "mean_field.png")
    paths["reconstruction_plot"] = plot_reconstruction(
        run.summary["reconstruction"], out / "reconstruction.png"
    )
    return paths
