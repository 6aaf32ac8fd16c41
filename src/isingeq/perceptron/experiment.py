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
   (:func:`isingeq.sample_boltzmann`), for each method of :func:`isingeq.fit`:
   pseudo-likelihood, exact likelihood (``recon_n <= LIKELIHOOD_MAX_N``; above it the fits
   are recorded as failed, with the reason) and naive mean-field inversion.

Seeds: instance ``(n, k)`` is drawn from ``SeedSequence(seed, spawn_key=(n,)).spawn(instances)[k]
.spawn(3)[0]``, the same instance ``isingeq analyze`` uses as its trial ``k`` (the column
``trial`` in every records file), so all three parts look at one family of instances. Part 3 draws its samples from ``.spawn(3)[2]``. The samples for
the sample counts are prefixes of one draw of ``max(samples)`` rows; exact samples are independent,
and a prefix of the uniforms is the same as a shorter draw, so a row does not depend on which
other sample counts (or sizes) are run.

Files go through the records layer (:mod:`isingeq.experiments.records`): CSV and JSON written
atomically, NaN as an empty cell / ``null``. Beside the records, ``config.json``
(:data:`RUN_CONFIG_FILE`) says how they were made: the seed and every option that changes a
record. A resumed run (``resume=True``, ``--resume``) must match it (:func:`check_resume`), so
that one folder never mixes records of two configurations.
"""

from __future__ import annotations

import json
import math
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .._validation import check_int, check_real
from ..experiments.records import Journal, RecordsFile, write_csv, write_json
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
    "RUN_CONFIG_FILE",
    "PerceptronDemoConfig",
    "PerceptronDemoRun",
    "analyze_config",
    "analyze_journal",
    "check_resume",
    "check_sample_counts",
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


#: Records files that said ``instance`` for the column now called ``trial`` (read on resume).
_RENAMED = {"instance": "trial"}


def analyze_journal(out_dir: str | Path, *, resume: bool = False) -> Journal:
    """The :class:`Journal` of :func:`run_analyze`'s records in ``out_dir/records.csv``.

    It does not check that a resumed file was made with the same seed: :func:`run_analyze`
    with ``out_dir`` does (:func:`check_resume`).
    """
    return Journal(
        Path(out_dir) / "records.csv", ANALYZE_FIELDS, ["n", "trial"], _TYPES, 1, resume=resume
    )


#: Above this n the basin is estimated from random starts instead of all 2^n.
_ALL_STARTS_MAX_N = 20
#: Random starts per instance above :data:`_ALL_STARTS_MAX_N`.
_NUM_STARTS = 4096

#: The file beside the records that says how they were made (:func:`check_resume`).
RUN_CONFIG_FILE = "config.json"
#: Each experiment's records files and their columns (checked before a resume reads them).
_RECORD_FILES: dict[str, dict[str, tuple[str, ...]]] = {}
#: Options that change every record: a resume must give the same value.
_SAME = {
    "analyze": ("seed", "num_starts"),
    "perceptron": ("seed", "ts", "samples", "recon_n", "recon_t"),
}
#: Options that only choose which records exist: a resume may add records, never drop any
#: (the summary and the final files cover this run's sizes and trials only).
_SIZES_KEY = "sizes"
_TRIALS_KEY = "trials"


def analyze_config(
    sizes: Sequence[int], trials: int, seed: int = 0, *, num_starts: int = _NUM_STARTS
) -> dict[str, Any]:
    """The configuration of a :func:`run_analyze` run, as ``config.json`` records it.

    Examples
    --------
    >>> analyze_config([4, 6], 10, seed=1)["seed"]
    1
    """
    return {
        "experiment": "analyze",
        "sizes": [check_int("sizes", n, low=1, high=EXACT_MAX_N) for n in sizes],
        "trials": check_int("trials", trials, low=1),
        "seed": check_int("seed", seed, low=0),
        "num_starts": check_int("num_starts", num_starts, low=1),
    }


def _show(key: str, value: Any, names: Mapping[str, str] | None) -> str:
    """``seed=0`` (a parameter) or ``--seed 0`` (a flag, when ``names`` maps it)."""
    items = value if isinstance(value, list | tuple) else [value]
    text = ",".join(f"{v:g}" if isinstance(v, float) else str(v) for v in items)
    name = (names or {}).get(key)
    return f"{key}={text}" if name is None else f"{name} {text}"


def _read_config(path: Path, pick: Callable[[Any], Any]) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    try:
        got = pick(json.loads(path.read_text()))
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise ValueError(
            f"{str(path)!r} cannot be read as a run's configuration ({exc}); choose another "
            "output folder or remove the file"
        ) from None
    if not isinstance(got, dict):
        return None
    got = dict(got)
    if "instances" in got and "trials" not in got:  # a perceptron run before the rename
        got["trials"] = got.pop("instances")
    return got


def check_resume(
    out_dir: str | Path,
    config: Mapping[str, Any],
    *,
    names: Mapping[str, str] | None = None,
    resume_name: str = "resume",
) -> None:
    """Refuse to resume records in ``out_dir`` that another configuration made (reads only).

    ``config`` is :func:`analyze_config` or :meth:`PerceptronDemoConfig.run_config`. Records
    are keyed by ``(n, trial)`` only, so a resume with another seed, other ``ts`` or other
    sample counts would mix two runs' numbers (or crash on rows of the wrong count): every
    option of ``_SAME`` must match the folder's ``config.json``. ``sizes`` and ``trials`` may
    grow (more records), never shrink (records dropped). A folder with records but no
    configuration (made before it was recorded) is refused too, as ``isingeq reproduce``
    refuses records that do not say their seed.

    Parameters
    ----------
    out_dir : path
    config : mapping
    names : mapping of str to str, optional
        How to name each option in the message (the CLI's flags, ``{"seed": "--seed"}``);
        default: the parameter's own name.
    resume_name : str
        How to name the resume option (``"--resume"`` in the CLI).

    Raises
    ------
    ValueError
        Naming the option and both values ("``--resume``: 'o5' was made with --seed 0; got
        --seed 1; ..."), or a file that is not this experiment's.
    """
    out = Path(out_dir)
    kind = str(config["experiment"])
    fresh = "--fresh" if resume_name.startswith("--") else "resume=False"
    again = (
        f"resume with the same options, choose another output folder, or start it afresh ({fresh})"
    )
    rows = 0
    for name, fields in _RECORD_FILES[kind].items():
        rec = RecordsFile(out / name, fields, renamed=_RENAMED)
        rec.check()  # another experiment's file: its own message, before anything else
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a cut last line: said once, by the run itself
            rows += len(rec.read())
    saved = _read_config(out / RUN_CONFIG_FILE, lambda d: d)
    if saved is not None and saved.get("experiment") != kind:
        raise ValueError(
            f"`{resume_name}`: {str(out)!r} holds the records of isingeq "
            f"{saved.get('experiment')}, not {kind}; choose another output folder"
        )
    if not rows:
        return  # nothing to mix with: the run starts the folder
    if saved is None and kind == "perceptron":
        # a finished run of a version before config.json: its summary says the configuration
        saved = _read_config(out / "summary.json", lambda d: d["config"])
    if saved is None:
        raise ValueError(
            f"`{resume_name}`: {str(out)!r} holds records that do not say how they were made "
            f"(no {RUN_CONFIG_FILE}: a run of an older isingeq); choose another output folder, "
            f"or start it afresh ({fresh})"
        )
    for key in _SAME[kind]:
        old, new = saved.get(key), config[key]
        if json.loads(json.dumps(old)) != json.loads(json.dumps(new)):
            raise ValueError(
                f"`{resume_name}`: {str(out)!r} was made with {_show(key, old, names)}; got "
                f"{_show(key, new, names)}; {again}"
            )
    dropped = sorted(set(saved.get(_SIZES_KEY) or []) - set(config[_SIZES_KEY]))
    if dropped:
        raise ValueError(
            f"`{resume_name}`: {str(out)!r} was made with "
            f"{_show(_SIZES_KEY, saved[_SIZES_KEY], names)}; got "
            f"{_show(_SIZES_KEY, config[_SIZES_KEY], names)}, which would drop the records of "
            f"n={','.join(map(str, dropped))}; resume with sizes that include them, or choose "
            "another output folder"
        )
    tk = _TRIALS_KEY
    if int(saved.get(tk) or 0) > int(config[tk]):
        raise ValueError(
            f"`{resume_name}`: {str(out)!r} was made with {_show(tk, saved[tk], names)}; got "
            f"{_show(tk, config[tk], names)}, which would drop the records of the trials beyond "
            "it; resume with at least as many, or choose another output folder"
        )


def _start_folder(out: Path, config: Mapping[str, Any], resume: bool) -> None:
    """Check a resume (:func:`check_resume`), then record ``config`` beside the records."""
    if resume:
        check_resume(out, config)
    write_json(out / RUN_CONFIG_FILE, dict(config))


def run_analyze(
    sizes: Sequence[int],
    trials: int,
    seed: int = 0,
    *,
    num_starts: int = _NUM_STARTS,
    on_instance: Callable[[int, int], None] | None = None,
    journal: Journal | None = None,
    out_dir: str | Path | None = None,
    resume: bool = False,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Records (one per instance) and a summary (one row per n).

    With ``out_dir``, each instance's record is appended to ``out_dir/records.csv`` as it is
    finished, beside ``config.json``; with ``resume`` a run continues from the instances
    already there, after :func:`check_resume` has checked that they were made with the same
    seed (and ``num_starts``) and that none would be dropped. Every input is checked before
    the folder is touched. A ``journal`` (:func:`analyze_journal`) instead of ``out_dir``
    streams the records with no configuration check (``isingeq perceptron``'s part 2, whose
    own configuration is checked by :func:`run_perceptron_demo`).

    Summary columns: ``n``, ``trials``, ``mean_solutions``, ``median_solutions``,
    ``max_solutions``, ``unique_fraction`` (instances whose ground state is the only solution),
    ``mean_basin`` (fraction of starts that reach the ground state).

    Examples
    --------
    >>> records, summary = run_analyze([4], 5, seed=0)
    >>> len(records), summary[0]["n"], summary[0]["mean_solutions"] >= 1
    (5, 4, True)
    """
    config = analyze_config(sizes, trials, seed, num_starts=num_starts)
    ns, trials, seed, num_starts = (config[k] for k in ("sizes", "trials", "seed", "num_starts"))
    if out_dir is not None:
        if journal is not None:
            raise TypeError("run_analyze() takes `out_dir` or `journal`, not both")
        out = Path(out_dir)
        _start_folder(out, config, resume)
        with analyze_journal(out, resume=resume) as j:
            return run_analyze(
                ns, trials, seed, num_starts=num_starts, on_instance=on_instance, journal=j
            )
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


MEAN_FIELD_FIELDS = ("n", "trial", "t", "conditional_identity_error", "mean_field_error")
RECONSTRUCTION_FIELDS = ("n", "t", "trial", "samples", "method", "error", "fit_time_s", "failed")
_RECORD_FILES.update(
    analyze={"records.csv": ANALYZE_FIELDS},
    perceptron={
        "mean_field.csv": MEAN_FIELD_FIELDS,
        "fixed_points.csv": ANALYZE_FIELDS,
        "reconstruction.csv": RECONSTRUCTION_FIELDS,
    },
)


def check_sample_counts(name: str, samples: Sequence[int], recon_n: int) -> tuple[int, ...]:
    """Sample counts of the inverse problem, each ``>= recon_n + 1`` (what :func:`isingeq.fit`
    needs); the error names ``name`` (``"samples"``, or the CLI's ``"--samples"``).

    Examples
    --------
    >>> check_sample_counts("samples", [100, 20], 10)
    (100, 20)
    """
    need = min_samples(recon_n)
    # one bound, one message: 0 and 5 both fall short of n + 1 for the same reason
    out = tuple(check_int(name, s) for s in samples)
    for s in out:
        if s < need:
            raise ValueError(
                f"`{name}` must be >= {need} (fitting n={recon_n} nodes needs n + 1 samples); "
                f"got {s}"
            )
    return out


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
    >>> cfg = PerceptronDemoConfig(sizes=[4, 6], ts=[1.0], trials=2, samples=[100])
    >>> cfg.num_steps                 # 2 sizes x 2 trials x 2 parts + 2 trials x 1 count
    10
    """

    sizes: Sequence[int] = (4, 8, 12)
    ts: Sequence[float] = (0.1, 0.3, 1.0, 3.0, 10.0)
    trials: int = 5
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
        samples = check_sample_counts("samples", tup("samples", self.samples), recon_n)
        # each once, in the order given (as samples are): a repeat doubled records and rows
        object.__setattr__(self, "sizes", tuple(dict.fromkeys(sizes)))
        object.__setattr__(self, "ts", tuple(dict.fromkeys(ts)))
        object.__setattr__(self, "samples", tuple(sorted(set(samples))))
        object.__setattr__(self, "trials", check_int("trials", self.trials, low=1))
        object.__setattr__(self, "seed", check_int("seed", self.seed, low=0))
        object.__setattr__(self, "recon_n", recon_n)
        object.__setattr__(
            self, "recon_t", check_real("recon_t", self.recon_t, low=0.0, low_open=True)
        )

    @property
    def num_steps(self) -> int:
        """Progress steps: one per (n, trial) in parts 1 and 2, one per (trial, count) in 3."""
        return 2 * len(self.sizes) * self.trials + self.trials * len(self.samples)

    def to_dict(self) -> dict[str, Any]:
        return {
            "sizes": list(self.sizes),
            "ts": list(self.ts),
            "trials": self.trials,
            "samples": list(self.samples),
            "seed": self.seed,
            "recon_n": self.recon_n,
            "recon_t": self.recon_t,
        }

    def run_config(self) -> dict[str, Any]:
        """What ``config.json`` records: :meth:`to_dict` and the experiment's name."""
        return {"experiment": "perceptron", **self.to_dict()}


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
    >>> cfg = PerceptronDemoConfig(sizes=[3], ts=[0.1, 2.0], trials=2, samples=[100])
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
        for k, child in enumerate(_instance_seeds(n, config.trials, config.seed)):

            def one(n: int = n, k: int = k, child: Any = child) -> list[dict[str, Any]]:
                model, _ = _instance(child, n)
                return [
                    {
                        "n": n,
                        "trial": k,
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
    refuses (a constant column, separable samples, a singular covariance) is recorded with
    ``error`` NaN and the reason in ``failed``; a mean-field fit on separable samples, which
    :func:`isingeq.fit` returns with a RuntimeWarning, is recorded with its error (the warning
    is not repeated).

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
    >>> cfg = PerceptronDemoConfig(sizes=[3], ts=[1.0], trials=1, samples=[200, 20_000],
    ...                            recon_n=3)
    >>> records, summary = run_reconstruction(cfg)
    >>> pl = [r for r in summary if r["method"] == "pseudolikelihood"]
    >>> pl[0]["samples"], pl[1]["samples"], pl[1]["max_error"] < pl[0]["max_error"]
    (200, 20000, True)
    """
    n, t = config.recon_n, config.recon_t
    top = max(config.samples)
    records: list[dict[str, Any]] = []
    for k, child in enumerate(_instance_seeds(n, config.trials, config.seed)):

        def one(k: int = k, child: Any = child) -> list[dict[str, Any]]:
            model, sample_seed = _instance(child, n)
            X = sample_boltzmann(model, t, top, rng=sample_seed)
            rows = []
            for S in config.samples:
                for method in FIT_METHODS:
                    t0 = time.perf_counter()
                    try:
                        with warnings.catch_warnings():
                            # mean-field on separable samples warns: the table reports the
                            # error that warning is about, so it is not repeated on stderr
                            warnings.filterwarnings(
                                "ignore", "method='mean-field' on separable", RuntimeWarning
                            )
                            learned = fit(X[:S], t=t, method=method)
                    except ValueError as exc:
                        error, failed = math.nan, str(exc)
                    else:
                        error, failed = reconstruction_error(learned, model), ""
                    rows.append(
                        {
                            "n": n,
                            "t": t,
                            "trial": k,
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
    (fsync'd), beside ``config.json`` (:meth:`PerceptronDemoConfig.run_config`), and with
    ``resume`` a run continues after an interruption from the instances already finished.
    :func:`check_resume` first refuses, before any file is touched, records made with another
    seed, ``ts``, sample counts, ``recon_n`` or ``recon_t``, or records it would drop (fewer
    sizes or instances). Files of a version that called the ``trial`` column ``instance`` are
    read.

    Examples
    --------
    >>> cfg = PerceptronDemoConfig(sizes=[3], ts=[1.0], trials=2, samples=[100], recon_n=3)
    >>> run = run_perceptron_demo(cfg)
    >>> sorted(run.summary)
    ['config', 'fixed_points', 'mean_field', 'reconstruction']
    >>> len(run.mean_field), len(run.fixed_points), len(run.reconstruction)
    (2, 2, 6)
    """

    def step(text: str) -> None:
        if on_step is not None:
            on_step(text)

    run = PerceptronDemoRun(config)
    out = None if out_dir is None else Path(out_dir)
    if out is not None:
        _start_folder(out, config.run_config(), resume)

    def journal(name: str, fields: Sequence[str], keys: list[str], per: int) -> Journal:
        return Journal(
            None if out is None else out / name,
            fields,
            keys,
            _TYPES,
            per,
            resume=resume,
            renamed=_RENAMED,
        )

    with journal("mean_field.csv", MEAN_FIELD_FIELDS, ["n", "trial"], len(config.ts)) as j:
        run.mean_field, mf_summary = run_mean_field(
            config, on_instance=lambda n, k: step(f"mean field n={n}"), journal=j
        )
    with journal("fixed_points.csv", ANALYZE_FIELDS, ["n", "trial"], 1) as j:
        run.fixed_points, fp_summary = run_analyze(
            config.sizes,
            config.trials,
            config.seed,
            on_instance=lambda n, k: step(f"fixed points n={n}"),
            journal=j,
        )
    per = len(config.samples) * len(FIT_METHODS)
    with journal("reconstruction.csv", RECONSTRUCTION_FIELDS, ["trial"], per) as j:
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
