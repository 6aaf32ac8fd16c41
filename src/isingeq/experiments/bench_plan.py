"""The plan of an ``isingeq bench`` run: instances, solvers, budgets, repeats and seeds.

:func:`make_plan` checks every option (cheap checks first) and then names the instances through
the one resolver, :func:`isingeq.datasets.resolve_many`, so ``paper-40`` here is the same model
as ``isingeq solve --instance paper-40`` and ``isingeq.resolve("paper-40")``. Seeds: repeat
``k`` of instance ``name`` uses :func:`seed_for` ``(seed, name, k)``, the same for every solver
and budget.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .. import datasets, io
from .._validation import check_int, check_real
from ..instance import Instance
from .peers import ADAPTERS, adapter

__all__ = [
    "DEFAULT_BUDGETS",
    "TTT",
    "BenchPlan",
    "budget_label",
    "check_budgets",
    "make_plan",
    "seed_for",
    "select_solvers",
]

#: Default time budgets (seconds).
DEFAULT_BUDGETS = (0.1, 1.0, 10.0)
#: Budget label of the time-to-target rows.
TTT = "ttt"


def budget_label(budget: float) -> str:
    """The budget as it is written in the records (``"0.1"``, ``"10"``)."""
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
    #: threads for isingeq's methods (numba, BLAS) and the torch-based peers; None: all cores
    threads: int | None = None

    def comparison(self) -> str:
        """Which CPU comparison this is, in words (the summary's config and the table's caption)."""
        torch = [s for s in self.solvers if getattr(ADAPTERS.get(s), "uses_torch", False)]
        extra = f" ({', '.join(torch)}: torch on the same)" if torch else ""
        if self.threads == 1:
            return "equal CPU: every solver on 1 thread"
        if self.threads is None:
            torch_note = f" ({', '.join(torch)}: torch's default threads)" if torch else ""
            return f"isingeq on all cores (numba's default), peers on 1 thread{torch_note}"
        return f"isingeq on {self.threads} threads, peers on 1{extra}"

    def seeds(self, instance: Instance) -> list[int]:
        """The run seeds of ``instance``, one per repeat."""
        return [seed_for(self.seed, instance.name, k) for k in range(self.repeats)]

    def keys(self) -> list[tuple[str, str, str, int]]:
        """Every (instance, solver, budget label, seed) this plan asks for, in run order."""
        out: list[tuple[str, str, str, int]] = []
        for inst in self.instances:
            seeds = self.seeds(inst)
            for b in self.budgets:
                for s in seeds:
                    out.extend((inst.name, solver, budget_label(b), s) for solver in self.all())
            if self.ttt:
                for solver in self.all():
                    out.extend((inst.name, solver, TTT, s) for s in seeds)
        return out

    def all(self) -> list[str]:
        """The solvers that run, then (when named by the user) those skipped here."""
        return self.solvers + (list(self.skipped) if self.explicit else [])


def select_solvers(names: Sequence[str] | None = None) -> tuple[list[str], dict[str, str]]:
    """``(runnable, skipped)``: the named solvers (default: every registered one that is part
    of the defaults; the optional MindQuantum adapters run only when named) split by
    ``available()``; ``skipped`` maps each solver that cannot run to the reason.

    Raises
    ------
    ValueError
        For an unknown solver name or an empty list.
    """
    chosen = (
        [k for k, f in ADAPTERS.items() if getattr(f, "default", True)]
        if names is None
        else list(dict.fromkeys(names))
    )
    if not chosen:
        raise ValueError("`solvers` must name at least one solver")
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


def check_budgets(budgets: Iterable[Any], name: str = "budgets") -> list[float]:
    """Budgets as sorted distinct positive finite floats; ValueError naming the bad one (as
    ``name``)."""
    out = sorted({check_real(name, b, low=0.0, low_open=True) for b in budgets})
    if not out:
        raise ValueError(f"`{name}` must list at least one time budget (seconds)")
    return out


def _entries(items: Iterable[Any]) -> list[Any]:
    """Every entry of ``items``: a string's comma list split (as the resolver splits it), a
    path as it is."""
    return [
        v.strip()
        for item in items
        for v in (str(item).split(",") if isinstance(item, str) else [item])
        if not isinstance(v, str) or v.strip()
    ]


def _once(name: str, values: Sequence[Any]) -> None:
    """Refuse a value listed twice, as ``reproduce`` refuses ``--methods greedy,greedy``: a
    repeat is a typo or a misunderstanding (it would not run twice), never dropped silently.
    One instance named two ways (``paper-40`` and ``paper-40@0``, or a suite's ``G1`` and
    ``G1``) is no repeat here: the resolver runs it once."""
    seen: list[Any] = []
    twice: list[Any] = []
    for v in values:
        if v in seen and v not in twice:
            twice.append(v)
        seen.append(v)
    if twice:
        shown = [str(v) if isinstance(v, os.PathLike) else v for v in twice]
        raise ValueError(f"`{name}` lists {shown} more than once; give each once")


def _check_suites(suites: Iterable[str], name: str = "suites") -> list[str]:
    """Suite names (or random-family specs, one instance each) as given; raise for others."""
    out = _entries(suites)
    _once(name, out)
    for s in out:
        if s not in datasets.SUITES and datasets.parse_random_spec(s, name=name) is None:
            datasets.suite(s)  # raises, naming the known suites
    return out


#: The listing that an unknown instance name's error points to (:func:`isingeq.datasets.names`;
#: the CLI's ``isingeq instances``), renamed through ``flag_names`` like a parameter.
_LISTING = "isingeq.datasets.names()"


def _check_format(format: str | None, named: Mapping[str, str], files: bool) -> None:
    """A known format, given with files (never ignored); errors name ``named``'s flags."""
    if format is None:
        return
    if not isinstance(format, str) or format.lower() not in io.FORMATS:
        raise ValueError(f"`{named['format']}` must be one of {sorted(io.FORMATS)}; got {format!r}")
    if not files:
        raise ValueError(
            f"`{named['format']}` applies to the `{named['files']}` files; got {format!r} and "
            f"no `{named['files']}` (give a file whose name does not tell its format as "
            f"`{named['files']}`)"
        )


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
    threads: int | None = None,
    format: str | None = None,
    flag_names: Mapping[str, str] | None = None,
) -> BenchPlan:
    """Validate every option (cheap checks first), then load the instances.

    Parameters
    ----------
    suites : iterable of str
        Suite names (:data:`isingeq.datasets.SUITES`) or random-family specs (``paper-40``);
        comma lists allowed.
    names : iterable of str
        Instance specs for :func:`isingeq.datasets.resolve_many` (``G22``, ``paper-40@7``, a
        file path); comma lists allowed.
    files : iterable of path
        Files :func:`isingeq.io.read` understands (every instance in a file is used).
    data_dir : path, optional
        The folder of the named instances.
    solvers, budgets, repeats, seed, target, ttt
        See :class:`BenchPlan`; ``seed`` is the root of the run seeds (:func:`seed_for`), it
        does not draw instances (a random family carries its own seed: ``paper-40@7``).
    threads : int, optional
        Threads for isingeq's methods (``numba.set_num_threads``, BLAS through threadpoolctl)
        and the torch-based peers (``torch.set_num_threads``), 1 .. numba's thread count;
        None (default) leaves every library at its default (all cores). The other peers are
        single-threaded either way, so ``threads=1`` is the equal-CPU comparison.
    format : str, optional
        The format (:data:`isingeq.io.FORMATS`) of every file of ``files`` (and any path
        among ``names``), where their names do not tell it (Biq Mac's ``g05_100.0``), as
        ``format`` of :func:`isingeq.datasets.resolve_many`; refused without ``files``.
    flag_names : mapping, optional
        The name an error gives a parameter (the CLI's ``{"repeats": "--repeats"}``): any of
        ``suites``, ``names``, ``files`` (an error about one of their specs names its own),
        ``data_dir``, ``solvers``, ``budgets``, ``repeats``, ``seed``, ``target``,
        ``threads``, ``format``; and ``isingeq.datasets.names()``, the listing an unknown
        name's error points to (the CLI's ``isingeq instances``).

    Raises
    ------
    ValueError, TypeError
        Naming the option and echoing the value (an unknown suite, a malformed spec, a
        solver, budget, suite, name or file listed twice, ...). One instance named two ways
        (``paper-40`` and ``paper-40@0``, or in a suite and by its name) runs once.
    FileNotFoundError
        When a named instance's file is missing and cannot be fetched.
    """
    sources = ("suites", "names", "files")
    options = ("data_dir", "solvers", "budgets", "repeats", "seed", "target", "threads", "format")
    named = {k: k for k in (*sources, *options, _LISTING)}
    named.update(flag_names or {})
    budgets = list(budgets)
    _once(named["budgets"], [check_real(named["budgets"], b) for b in budgets])
    budget_list = check_budgets(budgets, named["budgets"])
    repeats = check_int(named["repeats"], repeats, low=1)
    seed = check_int(named["seed"], seed, low=0)
    target = check_real(named["target"], target, low=0.0, high=1.0, low_open=True)
    if threads is not None:
        import numba

        cfg: Any = numba.config
        threads = check_int(named["threads"], threads, low=1, high=int(cfg.NUMBA_NUM_THREADS))
    if solvers is not None:
        _once(named["solvers"], list(solvers))
    runnable, skipped = select_solvers(solvers)
    given: dict[str, list[Any]] = {
        "suites": _check_suites(suites or [], named["suites"]),
        "names": _entries(names or []),
        "files": [Path(f) for f in files or []],  # a file is a file whatever its name says
    }
    _once(named["names"], given["names"])
    _once(named["files"], given["files"])
    _check_format(format, named, bool(given["files"]))
    listing = {_LISTING: named[_LISTING]}
    for key, items in given.items():  # each spec's error names where it came from
        datasets.check_specs(items, flag_names={"spec": named[key], **listing})
    if not any(given.values()):
        raise ValueError(
            f"no instances: give `{named['suites']}`, `{named['names']}` or `{named['files']}`"
        )
    # an error of the loading (a random family too large, a file of another format) names
    # the places the specs came from; the format is the files' (a pinned file keeps its name
    # and best-known value)
    specs: list[Any] = [s for items in given.values() for s in items]
    whence = " / ".join(named[key] for key, items in given.items() if items)
    whence_named = {"spec": whence, "data_dir": named["data_dir"], **listing}
    instances = datasets.resolve_many(specs, data_dir, format=format, flag_names=whence_named)
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
        threads=threads,
    )
