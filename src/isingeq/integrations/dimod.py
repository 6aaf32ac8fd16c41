"""isingeq as dimod samplers: drop-in replacements where Ocean code calls ``sampler.sample(bqm)``.

Two subclasses of :class:`dimod.Sampler`:

* :class:`MeanFieldSampler` runs one of isingeq's heuristics (eq. 16 of the paper solved by
  mean-field annealing and its relatives); by default the one ``isingeq.solve`` picks for large
  models (:data:`isingeq.solvers.AUTO_HEURISTIC`, ``mfa-hybrid``). It replaces
  ``dwave.samplers.SimulatedAnnealingSampler().sample(bqm, num_reads=..., seed=...)``.
* :class:`EnumerationSampler` runs ``method="exact"``: every one of the ``2^n`` states is
  visited (n <= 36), and it returns the ground states, the ``num_states`` lowest states and, at
  a finite inverse temperature ``t``, the exact Boltzmann marginals and ``log Z(t)``. It is
  named for what it does so that it is not confused with :class:`dimod.ExactSolver`, which
  returns *all* ``2^n`` states (and so stops near n = 20 for memory), while this one keeps only
  the lowest and reaches n = 36.

Both take any BQM (SPIN or BINARY, any hashable labels, :func:`isingeq.SpinGlass.from_bqm`
converts it at its own size) and return a :class:`dimod.SampleSet` in the BQM's vartype and
labels whose energies are the BQM's own, offset included (computed by ``bqm.energies``). The
energy convention behind them is stated once, in :mod:`isingeq.model`.

Both take isingeq's ``callback`` (every method takes it): it is called with each
:class:`isingeq.ProgressEvent` of the solve, whose energies are the BQM's own (offset included).

Unknown keyword arguments follow dimod's convention (:meth:`dimod.Sampler.remove_unknown_kwargs`):
they are dropped with a :class:`dimod.exceptions.SamplerUnknownArgWarning`, whose message names
the close match and what the sampler takes; turn it into an error with
``warnings.simplefilter("error", dimod.exceptions.SamplerUnknownArgWarning)``. Options given as
``None`` mean "the default", as in dwave-samplers.

Needs dimod: ``pip install "isingeq[dimod]"``; ``import isingeq`` alone never imports it.
"""

from __future__ import annotations

import dataclasses
import difflib
import inspect
import math
import time
import warnings
from collections.abc import Hashable, Mapping
from typing import Any

import numba
import numpy as np

from .._json import json_safe
from .._optional import require
from .._rows import distinct_rows
from .._validation import as_generator, check_int, check_real
from ..model import SpinGlass
from ..result import SolveResult
from ..solvers import (
    AUTO_HEURISTIC,
    DISPATCH_METHODS,
    EXACT_MAX_N,
    EXACT_METHODS,
    METHODS,
    method_options,
    solve,
)
from ..solvers.exact import _fmt_seconds, enumeration_seconds
from ..solvers.greedy import one_flip_stable

try:
    import dimod
except ImportError:  # pragma: no cover - depends on the environment
    require("dimod", "isingeq.integrations.dimod", "dimod")  # raises, naming the extra

__all__ = [
    "HEURISTICS",
    "TABU_SWEEPS_MAX_N",
    "TABU_TIME_LIMIT",
    "EnumerationSampler",
    "MeanFieldSampler",
]

#: The methods :class:`MeanFieldSampler` can run: every registered heuristic, the default first.
HEURISTICS: tuple[str, ...] = (
    AUTO_HEURISTIC,
    *(m for m in METHODS if m not in (*EXACT_METHODS, *DISPATCH_METHODS, AUTO_HEURISTIC)),
)

#: ``MeanFieldSampler("tabu")`` without ``time_limit`` or ``num_sweeps`` runs tabu's 100 sweeps
#: up to this many variables, and for :data:`TABU_TIME_LIMIT` seconds beyond (class Notes).
TABU_SWEEPS_MAX_N = 1000
#: Seconds: dwave-samplers' ``TabuSampler`` default ``timeout`` (100 ms).
TABU_TIME_LIMIT = 0.1


class _IsingEqSampler(dimod.Sampler):
    """What both samplers share: parameters, kwargs, seeds, conversion, the SampleSet."""

    method: str
    _parameters: dict[str, list[Any]]
    _properties: dict[str, Any]
    #: Options of the sampler itself (not in the isingeq method's signature); ``callback``
    #: is every method's (the registry's), passed through to the solve.
    _OWN: tuple[str, ...] = ("seed", "callback")

    def __init__(self, method: str) -> None:
        self.method = method
        self._parameters = {k: [] for k in (*self._OWN, *method_options(method))}
        sig = inspect.signature(METHODS[method]).parameters
        self._properties = {
            "method": method,
            "description": (self.__doc__ or "").strip().splitlines()[0],
            "defaults": {k: sig[k].default for k in method_options(method)},
            "num_threads": numba.get_num_threads(),
        }

    @property
    def parameters(self) -> dict[str, list[Any]]:
        """Keyword arguments :meth:`sample` accepts (dimod's convention: name -> [])."""
        return self._parameters

    @property
    def properties(self) -> dict[str, Any]:
        """The method, its defaults, and the numba threads the solvers run on."""
        return self._properties

    def __repr__(self) -> str:
        return f"{type(self).__name__}(method={self.method!r})"

    # ------------------------------------------------------------------ shared steps
    def _known(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        """Drop unknown kwargs with dimod's warning (close match named); drop ``None`` values."""
        if "method" in kwargs:
            raise TypeError(
                f"`method` is chosen when the sampler is made: {type(self).__name__}"
                f"(method={kwargs['method']!r}); this one runs {self.method!r}"
            )
        out = {}
        for key, value in kwargs.items():
            if key not in self._parameters:
                close = difflib.get_close_matches(key, list(self._parameters), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                warnings.warn(
                    f"Ignoring unknown kwarg: {key!r}{hint}; {type(self).__name__} running "
                    f"method {self.method!r} takes: {', '.join(self._parameters)}",
                    dimod.exceptions.SamplerUnknownArgWarning,
                    stacklevel=3,
                )
            elif value is not None:
                out[key] = value
        return out

    @staticmethod
    def _callback(options: dict[str, Any]) -> Any:
        """``callback`` taken out of ``options``; checked here, so that an empty BQM (which
        runs no solve) refuses a bad one too."""
        callback = options.pop("callback", None)
        if callback is not None and not callable(callback):
            raise TypeError(f"`callback` must be callable; got {type(callback).__name__}")
        return callback

    @staticmethod
    def _check_bqm(bqm: Any) -> None:
        if not isinstance(bqm, dimod.BinaryQuadraticModel):
            raise TypeError(f"`bqm` must be a dimod.BinaryQuadraticModel; got {type(bqm).__name__}")

    @staticmethod
    def _seed(seed: Any) -> tuple[np.random.Generator, int | None]:
        """A Generator from dimod's ``seed``, and the int seed to report (drawn when None)."""
        if seed is None:
            # drawn and reported in info["seed"], so that any run can be repeated exactly
            seed = int(np.random.SeedSequence().generate_state(1)[0])
        gen = as_generator(seed, name="seed")
        return gen, (int(seed) if isinstance(seed, int | np.integer) else None)

    def _sampleset(
        self,
        out: _Output,
        res: SolveResult,
        *,
        unique: bool,
        info: dict[str, Any],
        timing: dict[str, int],
        t_post: int,
    ) -> Any:
        """The SampleSet in the BQM's vartype and labels; energies the BQM's own, as
        ``bqm.energies`` gives them (:class:`_Output`)."""
        X = res.samples
        marginals = res.marginals
        occurrences = np.ones(len(X), dtype=np.int64)
        if unique:
            rows, occurrences = distinct_rows(X)
            X = X[rows]
            marginals = None if marginals is None else marginals[rows]
        states = X.astype(np.int8)  # dimod's sample dtype (uint8 overflows in its energy sums)
        if out.bqm.vartype is dimod.SPIN:
            states = 2 * states - 1
        energies = out.energies(states)
        if unique:  # distinct states, lowest energy first (stable: first seen first on ties)
            order = np.argsort(energies, kind="stable")
            states, energies, occurrences = states[order], energies[order], occurrences[order]
            marginals = None if marginals is None else marginals[order]
        ss = out.sampleset(states, energies, occurrences, {**info, **res.info})
        if marginals is not None:
            # dimod sorts sortable labels: the columns follow the SampleSet's variables, not
            # the BQM's order the solver used (a PyQUBO BQM's ['c', 'a', 'b'] came out shifted)
            ss.info["marginals"] = out.columns_of(marginals)
        ss.info["timing"] = {**timing, "postprocessing_ns": time.perf_counter_ns() - t_post}
        # plain Python, as Ocean's samplers keep info: dimod's SampleSet.__eq__ compares info
        # with !=, and numpy arrays there (marginals, converged, ...) made every == raise
        ss.info.update(json_safe(ss.info))
        return ss

    def _check_empty(self, bqm: Any, gen: np.random.Generator, options: dict[str, Any]) -> None:
        """An empty BQM has nothing to solve, but its offset and the options are checked as a
        solve checks them (a one-variable model's, whose result is dropped)."""
        if not math.isfinite(float(bqm.offset)):
            raise ValueError(f"`bqm` offset must be finite; got {bqm.offset!r}")
        # what the one-variable solve can check; not its time or reads (nothing to spend them
        # on), nor a cluster (nothing to enumerate)
        skip = ("initial_states", "time_limit", "num_reads", "client", "initial_states_generator")
        probe = {k: v for k, v in options.items() if k not in skip}
        if "initial_states" in options:
            X0 = options["initial_states"]
            if isinstance(X0, dimod.SampleSet):  # an empty BQM's own SampleSet holds no values
                X0 = X0.record.sample
            elif _is_labelled(X0):  # {} or [{}]: one state of no variables
                X0 = dimod.as_samples(X0)[0]
            X0 = np.asarray(X0, dtype=object)
            if X0.size:
                raise ValueError(
                    "`initial_states` holds values, but the BQM has no variables; pass none"
                )
        solve(SpinGlass(np.zeros((1, 1))), method=self.method, rng=gen, **probe)

    @staticmethod
    def _empty(
        bqm: Any, rows: int, info: dict[str, Any], t0: int, occurrences: int | None = None
    ) -> Any:
        """No variables: ``rows`` empty samples, each with the BQM's offset as its energy (one
        row of ``occurrences`` reads when they are aggregated)."""
        t1 = time.perf_counter_ns()
        counts = None if occurrences is None or rows != 1 else [occurrences]
        ss = dimod.SampleSet.from_samples_bqm(
            (np.zeros((rows, 0), dtype=np.int8), []), bqm, num_occurrences=counts
        )
        ss.info.update(info)
        ss.info["timing"] = {
            "preprocessing_ns": t1 - t0,
            "sampling_ns": 0,
            "postprocessing_ns": time.perf_counter_ns() - t1,
        }
        return ss


class MeanFieldSampler(_IsingEqSampler):
    """isingeq's mean-field heuristics (eq. 16) as a dimod sampler.

    Parameters
    ----------
    method : str, optional
        The heuristic to run, one of :data:`~isingeq.integrations.dimod.HEURISTICS` (every
        registered heuristic: ``mfa-hybrid``, ``mfa-async``, ``mfa``, ``greedy``, ``scipy-root``,
        ...); default :data:`isingeq.solvers.AUTO_HEURISTIC`, what ``isingeq.solve`` runs on models
        too large to enumerate. :attr:`parameters` lists that method's options
        (``docs/vocabulary.md``) and the sampler's own: ``seed``, ``unique``,
        ``initial_states_generator``, ``callback``.

    Raises
    ------
    ValueError
        If ``method`` is not a registered heuristic.

    Notes
    -----
    How it meets what users of the peer samplers ask for:

    * **a fixed wall time**: ``time_limit`` (seconds from the call, BQM conversion included)
      for the methods that take it (``mfa-hybrid``, ``mfa-async``, ``mfa``, ``tabu``);
    * **multi-threaded**: the methods run their replicas in parallel on numba's threads
      (``properties["num_threads"]``; set ``NUMBA_NUM_THREADS`` to change); by default
      ``mfa-hybrid`` runs one read per thread;
    * **a warm start from an earlier SampleSet**: ``initial_states`` takes a SampleSet (or
      samples with labels, or a plain array in ``bqm.variables`` order), matched by label and
      converted from either vartype;
    * **the best state each read met**, not its last one: the heuristics return, per read,
      the best state the replica reached (``mfa-hybrid`` keeps it through the cold tail,
      ``mfa-async`` and ``mfa`` over their rounds), finished by 1-flip descent (``scipy-root``
      returns the paper's rounded roots as they are);
    * **reproducible seeds**: the same ``seed`` (and options) gives the same SampleSet, on any
      number of threads (each read draws from its own stream); without a seed one is drawn
      and reported in ``info["seed"]``. A ``time_limit`` makes the work done depend on the
      machine's speed, so only runs without one repeat exactly (``tabu`` on more than
      :data:`~isingeq.integrations.dimod.TABU_SWEEPS_MAX_N` variables: pass ``num_sweeps``);
    * **several distinct solutions**: ``unique=True`` returns each distinct state once;
    * **a bounded default time**: ``tabu``'s own default, 100 sweeps of ``n`` moves that each
      scan ``n`` gains on a dense BQM (``O(degree log n)`` on a sparse one), is up to ``100 n^2``
      work: seconds at n = 5,000 and hours at 10^5, where dwave-samplers' ``TabuSampler`` stops
      after its ``timeout`` of 100 ms. Without ``time_limit`` or ``num_sweeps``,
      ``MeanFieldSampler("tabu")`` therefore runs the 100 sweeps up to
      :data:`~isingeq.integrations.dimod.TABU_SWEEPS_MAX_N` variables (about as long as that
      timeout, and repeatable) and ``time_limit=TABU_TIME_LIMIT`` (0.1 s, all reads in parallel)
      beyond; ``info["options"]["time_limit"]`` says which. The other methods' default schedules are
      a fixed number of sweeps over the couplings, so linear in the BQM's size.

    Examples
    --------
    >>> import dimod
    >>> from isingeq.integrations.dimod import MeanFieldSampler
    >>> bqm = dimod.BinaryQuadraticModel({"a": 1.0, "b": 0.5}, {("a", "b"): -2.0}, 0.5, "SPIN")
    >>> ss = MeanFieldSampler().sample(bqm, num_reads=4, seed=1)
    >>> {v: int(s) for v, s in ss.first.sample.items()}, float(ss.first.energy)
    ({'a': -1, 'b': -1}, -3.0)
    """

    _OWN = ("seed", "unique", "initial_states_generator", "callback")

    def __init__(self, method: str | None = None) -> None:
        method = AUTO_HEURISTIC if method is None else method
        if not isinstance(method, str) or method not in HEURISTICS:
            close = difflib.get_close_matches(str(method), HEURISTICS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            extra = " (use EnumerationSampler)" if str(method) in EXACT_METHODS else ""
            raise ValueError(
                f"`method` must be one of isingeq's heuristics {', '.join(HEURISTICS)}; "
                f"got {method!r}{hint}{extra}"
            )
        super().__init__(method)
        self._properties["methods"] = HEURISTICS

    def sample(
        self, bqm: Any, *, seed: Any = None, unique: bool | None = False, **parameters: Any
    ) -> Any:
        """Sample ``bqm`` with the sampler's heuristic.

        Parameters
        ----------
        bqm : dimod.BinaryQuadraticModel
            SPIN or BINARY, any hashable labels.
        seed : None, int, numpy SeedSequence or Generator, optional
            dimod's name for isingeq's ``rng``; reported in ``info["seed"]`` (drawn when None).
        unique : bool, default False
            Return each distinct state once, lowest energy first, with ``num_occurrences``
            counting the reads that ended there. When the reads found fewer distinct states
            than ``num_reads``, the SampleSet has fewer rows (it is never padded with worse
            states); ``num_occurrences`` still sums to the number of reads.
        num_reads : int, optional
            Reads (replicas); default the method's (``mfa-hybrid``: one per numba thread), or
            the number of ``initial_states`` rows.
        initial_states : SampleSet, samples-like or array, optional
            Warm start, one state for every read (a 1-D array, a dict) or rows, one per read
            (a SampleSet, even of one row, a 2-D array, a list of dicts, as in dimod): a
            :class:`dimod.SampleSet` or ``(array, labels)`` / dicts (matched by label; SPIN or
            BINARY), or a plain array: column ``k`` is variable ``k`` where the labels are
            ``0..n-1`` (dimod's convention, in whatever order the BQM holds them), else the
            columns follow ``bqm.variables`` (values in {-1, +1} are read as spins, values in
            [0, 1] as ``<n_i>``, 1 meaning the BINARY 1 / SPIN +1 state). With more rows than ``num_reads`` the first are used; with fewer,
            the rest come from ``initial_states_generator``, as in dwave-samplers. A read's
            start is a state it met: where the method's result is worse than a 0/1 start, the
            start is returned (``info["kept_starts"]`` counts them).
        initial_states_generator : {"random", "tile", "none"}, default "random"
            dimod's convention for the reads ``initial_states`` does not cover: random 0/1
            states (from ``seed``), the given rows repeated, or a ValueError; ``"tile"`` and
            ``"none"`` without ``initial_states`` are a ValueError, as in dwave-samplers.
        time_limit : float, optional
            Seconds of wall time from this call's entry: the BQM's conversion and the SampleSet's
            labels (sorted before the solve) are counted, and the method gets what they leave. What
            comes after is short: the method's last step (a 1-flip descent of each read) and the
            SampleSet's energies (``bqm.energies``) and record (``postprocessing_ns``);
            ``info["timing"]`` shows each part (``benchmarks/bench_bqm.py --sample-time`` measures
            them at 10^5 variables). Default none, except for ``tabu`` on more than
            :data:`~isingeq.integrations.dimod.TABU_SWEEPS_MAX_N` variables without ``num_sweeps``:
            0.1 s (Notes).
        callback : callable, optional
            Called with an :class:`isingeq.ProgressEvent` whenever the method checks its clock
            and once at the end (as ``isingeq.solve(..., callback=)``; :class:`isingeq.Trace`
            keeps them all); energies are the BQM's, offset included, and ``elapsed_s`` counts
            from the solve's start, after the BQM's conversion. Not called for a BQM without
            variables (nothing is solved).
        **parameters
            The method's other options (:attr:`parameters`; ``docs/vocabulary.md``).

        Returns
        -------
        dimod.SampleSet
            One row per read (row r = read r) or, with ``unique``, per distinct state; the BQM's
            vartype, labels and energies (offset included). ``info``: ``timing``
            (``preprocessing_ns``, ``sampling_ns``, ``postprocessing_ns``, as dwave-samplers),
            ``seed``, isingeq's info core (``method``, ``options``, ``time_ns``, ``sweeps``,
            ``stopped``) and the method's extras, and, for the methods that have them,
            ``marginals``: array (rows, num_variables), ``<n_i>`` = the mean-field probability
            of the upper value (1 or +1), row k for record k, columns in
            ``sampleset.variables`` order.

        Raises
        ------
        TypeError
            If ``bqm`` is not a BQM, ``method`` is passed here, or an option has a bad type.
        ValueError
            On NaN / infinite biases (named), ``initial_states`` with wrong labels, vartype
            values or shape, or an option out of range (the method's own message).
        """
        t0 = time.perf_counter_ns()
        self._check_bqm(bqm)
        options = self._known(parameters)
        gen, seed_used = self._seed(seed)
        unique = False if unique is None else unique  # None means the default, as for every option
        if not isinstance(unique, bool | np.bool_):
            raise TypeError(f"`unique` must be True or False; got {unique!r}")
        info: dict[str, Any] = {"seed": seed_used, "method": self.method}
        callback = self._callback(options)
        limit = options.get("time_limit")
        if limit is not None:
            limit = check_real("time_limit", limit, low=0.0, low_open=True)
        elif (
            self.method == "tabu"
            and "num_sweeps" not in options
            and bqm.num_variables > TABU_SWEEPS_MAX_N
        ):  # TabuSampler's default timeout, not 100 n^2 gain reads (class Notes)
            limit = options["time_limit"] = TABU_TIME_LIMIT
        fill = options.pop("initial_states_generator", "random")
        if fill not in _FILLS:
            raise ValueError(
                f"`initial_states_generator` must be one of {list(_FILLS)}; got {fill!r}"
            )
        if bqm.num_variables == 0:
            rows = check_int("num_reads", options.get("num_reads", 1), low=1)
            self._check_empty(bqm, gen, options)
            return self._empty(bqm, 1 if unique else rows, info, t0, occurrences=rows)
        model = SpinGlass.from_bqm(bqm)
        out = _Output(bqm)
        if "initial_states" in options:
            X0 = initial_states_array(bqm, options["initial_states"])
            if X0.ndim == 2:
                if "num_reads" not in options:  # one read per row; one read when there are none
                    options["num_reads"] = max(X0.shape[0], 1)
                X0 = _fit_rows(X0, options["num_reads"], fill, gen)
            options["initial_states"] = X0
        elif fill != "random":  # as dwave-samplers: nothing to repeat, no start of the caller's
            raise ValueError(
                f"`initial_states_generator`={fill!r} takes every start from `initial_states`, "
                "but got no `initial_states`; pass them, or leave initial_states_generator out"
            )
        if limit is not None:  # from this call's entry: what the conversion left
            spent = (time.perf_counter_ns() - t0) * 1e-9
            options["time_limit"] = max(limit - spent, 1e-3)
        held: list[Any] = []  # the "done" event, held until the starts kept below are in it
        inner = callback
        if callback is not None and "initial_states" in options:

            def inner(event: Any) -> None:
                if event.phase == "done":
                    held.append(event)
                else:
                    callback(event)

        t1 = time.perf_counter_ns()
        try:
            res = solve(model, method=self.method, rng=gen, callback=inner, **options)
        except BaseException:
            if held:  # Ctrl-C after the solve's end: the event as it was
                callback(held[0])
            raise
        t2 = time.perf_counter_ns()
        if "initial_states" in options:
            res = _keep_better_starts(model, res, options["initial_states"])
        if held:  # a kept start is the result's best: the last event says so too
            callback(dataclasses.replace(held[0], best_energy=float(res.best_energy)))
        if limit is not None:
            res.info["options"]["time_limit"] = limit
        timing = {"preprocessing_ns": t1 - t0, "sampling_ns": t2 - t1}
        return self._sampleset(out, res, unique=bool(unique), info=info, timing=timing, t_post=t2)


class EnumerationSampler(_IsingEqSampler):
    """isingeq's exact enumeration (``method="exact"``) as a dimod sampler: the lowest states.

    Every one of the ``2^n`` states is visited (block Gray code, numba threads; n <= 36), and
    the SampleSet holds the ground states (all of them when degenerate, up to
    ``max_degenerate``), then the next-lowest states up to ``num_states`` rows, lowest first.
    At a finite inverse temperature ``t`` it also gives the exact Boltzmann marginals
    (``info["marginals"]``) and ``info["log_z"]``. Unlike :class:`dimod.ExactSolver`, it does
    not return all ``2^n`` states.

    Notes
    -----
    ``seed`` is accepted so that code written for any sampler runs, and ignored (the method is
    deterministic: the same BQM always gives the same SampleSet). ``time_limit`` refuses,
    before starting, an enumeration expected to take longer (the enumeration cannot stop
    half-way and still prove anything). ``num_reads`` and ``initial_states`` mean nothing
    here and get dimod's unknown-argument warning, as with :class:`dimod.ExactSolver`.

    Examples
    --------
    >>> import dimod
    >>> from isingeq.integrations.dimod import EnumerationSampler
    >>> bqm = dimod.BinaryQuadraticModel({"a": 1.0, "b": 0.5}, {("a", "b"): -2.0}, 0.5, "SPIN")
    >>> ss = EnumerationSampler().sample(bqm, num_states=2, t=1.0)
    >>> [(int(s["a"]), int(s["b"]), float(e)) for s, e in ss.data(["sample", "energy"])]
    [(-1, -1, -3.0), (1, 1, 0.0)]
    >>> round(ss.info["marginals"][0][0], 3)  # P(a = +1) at t = 1
    0.049
    """

    _OWN = ("seed", "time_limit", "callback")

    def __init__(self) -> None:
        super().__init__("exact")
        self._properties["max_num_variables"] = EXACT_MAX_N

    def sample(self, bqm: Any, *, seed: Any = None, **parameters: Any) -> Any:
        """The lowest states of ``bqm`` by exact enumeration.

        Parameters
        ----------
        bqm : dimod.BinaryQuadraticModel
            SPIN or BINARY, any hashable labels, at most 36 variables.
        seed : optional
            Accepted and ignored (deterministic).
        num_states : int, default 1
            Rows wanted: the ground states, then the next-lowest states up to ``num_states``.
        max_degenerate : int, default 64
            Degenerate ground states kept at most (``info["degeneracy_truncated"]``).
        degeneracy_rtol : float, default 1e-9
            States this close to the minimum (times ``sum |biases|``) count as ground states.
        t : float, optional
            Also the exact Boltzmann marginals at inverse temperature ``t`` of
            ``exp(-t E)`` (``E`` the BQM's energy): ``info["marginals"]`` (a list of rows,
            num_variables), the probability of the upper value (1 or +1), the same row for
            every record, and ``info["log_z"]``.
        time_limit : float, optional
            Refuse (ValueError) an in-process enumeration expected to take longer than this
            many seconds, before starting (not with ``client``).
        client : distributed.Client, str or "local", optional
            Enumerate on a Dask cluster (``method="exact"``'s ``client``: a Client, a
            scheduler address, or ``"local"``); past 36 variables too, within
            ``isingeq.solvers.exact.DISTRIBUTED_MAX_SECONDS`` at the cluster's measured rate.
        callback : callable, optional
            Called with an :class:`isingeq.ProgressEvent` as the enumeration reports progress
            and once at the end (as ``isingeq.solve(..., callback=)``); energies are the BQM's,
            offset included. Not called for a BQM without variables.

        Returns
        -------
        dimod.SampleSet
            Lowest energy first, in the BQM's vartype and labels, energies the BQM's own.
            ``info``: ``timing``, isingeq's info (``num_ground_states``,
            ``degeneracy_truncated``, ``states_enumerated``, ...) and, with ``t``,
            ``marginals`` and ``log_z``. An empty BQM gives one empty sample (its only state)
            whose energy is the offset.

        Raises
        ------
        ValueError
            If the BQM has more than 36 variables, the expected time exceeds ``time_limit``,
            a bias is NaN / infinite, or an option is out of range.
        """
        t0 = time.perf_counter_ns()
        self._check_bqm(bqm)
        options = self._known(parameters)
        info: dict[str, Any] = {"seed": None, "method": "exact"}
        callback = self._callback(options)
        limit = options.pop("time_limit", None)
        n = bqm.num_variables
        on_cluster = "client" in options  # its guard measures the cluster's rate itself
        if n > EXACT_MAX_N and not on_cluster:
            raise ValueError(
                f"the BQM has {n} variables, too many for EnumerationSampler (limit "
                f"{EXACT_MAX_N}); use MeanFieldSampler, or enumerate on a Dask cluster "
                "(client=...)"
            )
        if limit is not None:
            limit = check_real("time_limit", limit, low=0.0, low_open=True)
            if on_cluster:
                raise ValueError(
                    "`time_limit` estimates an in-process enumeration; with `client` the "
                    "cluster's measured rate is checked against "
                    "isingeq.solvers.exact.DISTRIBUTED_MAX_SECONDS instead: pass one or the other"
                )
            need = enumeration_seconds(n)
            if need > limit:
                raise ValueError(
                    f"`time_limit`={limit:g} s is too short to enumerate the 2^{n} states of "
                    f"this BQM ({_fmt_seconds(need)} expected); raise it, or use "
                    "MeanFieldSampler(time_limit=...)"
                )
        if n == 0:
            self._check_empty(bqm, np.random.default_rng(0), options)
            ss = self._empty(bqm, 1, info, t0)
            if "t" in options:  # the one state: probability 1, Z = exp(-t offset)
                ss.info["marginals"] = [[]]
                ss.info["log_z"] = -float(options["t"]) * float(bqm.offset)
            return ss
        model = SpinGlass.from_bqm(bqm)
        out = _Output(bqm)
        t1 = time.perf_counter_ns()
        res = solve(model, method="exact", callback=callback, **options)
        t2 = time.perf_counter_ns()
        timing = {"preprocessing_ns": t1 - t0, "sampling_ns": t2 - t1}
        return self._sampleset(out, res, unique=False, info=info, timing=timing, t_post=t2)


# ---------------------------------------------------------------------- the SampleSet
class _Output:
    """The SampleSet's variables, made before the solve: a ``time_limit`` counts them, and
    what is left after the solve is the energies and the record.

    dimod's ``SampleSet.from_samples_bqm``, after the time limit, took several times a short
    ``time_limit`` on a 10^5-variable BQM (``benchmarks/bench_bqm.py``, figures in the
    README): it sorts the labels in Python (pairs of index and label, by a key function) and
    checks each label of the samples, once for the SampleSet and again for ``bqm.energies``.
    Here the labels are sorted once, as dimod sorts them (``columns``: the BQM's index of each
    of the SampleSet's variables, ``None`` where the order is the BQM's), and the energies
    are ``bqm.energies``'s own, of the samples in the BQM's order (a numpy sum in its order,
    for the same floats, was faster on two reads with str or tuple labels but slower on 32).
    """

    def __init__(self, bqm: Any) -> None:
        self.bqm = bqm
        self.columns, self.variables = _sampleset_variables(bqm)

    def columns_of(self, X: np.ndarray) -> np.ndarray:
        """``X``'s columns (the BQM's order) in the SampleSet's variables' order."""
        return X if self.columns is None else X[:, self.columns]

    def energies(self, states: np.ndarray) -> np.ndarray:
        """``bqm.energies`` of ``states`` (rows in the BQM's vartype and variables' order)."""
        return np.asarray(self.bqm.energies((states, self.bqm.variables)), dtype=np.float64)

    def sampleset(
        self, states: np.ndarray, energies: np.ndarray, occurrences: np.ndarray, info: dict
    ) -> Any:
        """The SampleSet of ``states`` (the BQM's order), as ``SampleSet.from_samples`` makes
        it (record fields, dtypes and sorted variables), without its work per label."""
        samples = self.columns_of(states)
        dtype = [
            ("sample", samples.dtype, (samples.shape[1],)),
            ("energy", energies.dtype),
            ("num_occurrences", occurrences.dtype),
        ]
        record = np.rec.array(np.zeros(len(samples), dtype=dtype))
        record["sample"] = samples
        record["energy"] = energies
        record["num_occurrences"] = occurrences
        return dimod.SampleSet(record, self.variables, info, self.bqm.vartype)


def _sampleset_variables(bqm: Any) -> tuple[np.ndarray | None, Any]:
    """``(columns, variables)``: the SampleSet's variables as ``SampleSet.from_samples`` orders
    them (sorted where the labels sort, else the BQM's order) and the BQM's index of each
    (``None`` where the order is the BQM's)."""
    labels = list(bqm.variables)
    n = len(labels)
    if all(type(v) is int for v in labels):
        # the common case, sorted by numpy: dimod keeps integer labels as C ssize_t
        columns = np.argsort(np.array(labels, dtype=np.int64))
    else:
        try:  # the comparisons dimod's sort makes (a TypeError there leaves the order as is)
            columns = np.array(sorted(range(n), key=labels.__getitem__), dtype=np.intp)
        except TypeError:
            return None, bqm.variables
    if np.array_equal(columns, np.arange(n)):
        return None, bqm.variables
    return columns, dimod.variables.Variables([labels[i] for i in columns])


# ---------------------------------------------------------------------- initial states
#: dimod's ``initial_states_generator`` values: how rows missing from ``initial_states`` (fewer
#: than ``num_reads``) are made -- random 0/1 states, the given rows repeated, or an error.
_FILLS = ("random", "tile", "none")


def _keep_better_starts(model: SpinGlass, res: SolveResult, X0: np.ndarray) -> SolveResult:
    """``res`` with each read's 0/1 start in place of its sample where the start is lower: a
    warm start is a state the read met, and a re-annealed start came back worse than the
    states it was given (an SA SampleSet of a 10^5-variable graph, at 0.3 s). Fractional
    starts (``<n_i>`` in (0, 1)) are not states and are left out."""
    starts = np.broadcast_to(np.atleast_2d(X0), res.samples.shape)
    binary = np.all((starts == 0.0) | (starts == 1.0), axis=1)
    if not binary.any():
        return res
    E0 = np.full(len(starts), np.inf)
    E0[binary] = model.energy(starts[binary])
    better = res.energies > E0
    if not better.any():
        return res
    X = res.samples.copy()
    X[better] = starts[better].astype(np.uint8)
    M = None if res.marginals is None else res.marginals.copy()
    if M is not None:
        M[better] = starts[better]
    info = {**res.info, "kept_starts": int(better.sum())}
    if "converged" in info:  # 1-flip stable: the start need not be
        converged = np.array(info["converged"], dtype=bool)
        converged[better] = one_flip_stable(model, X[better])
        info["converged"] = converged
    return SolveResult.from_samples(model, X, res.method, marginals=M, info=info)


def _fit_rows(X0: np.ndarray, num_reads: Any, fill: str, gen: np.random.Generator) -> np.ndarray:
    """``X0`` with ``num_reads`` rows, as dimod's samplers make them: the first ``num_reads``
    when there are more; the missing ones by ``fill`` (``"random"``: random 0/1 states drawn
    from the sampler's seed; ``"tile"``: the rows again, in order; ``"none"``: a ValueError)."""
    k = check_int("num_reads", num_reads, low=1)
    rows = X0.shape[0]
    if rows >= k:
        return X0[:k]
    if fill == "none":
        raise ValueError(
            f"`num_reads`={k} asks for more reads than `initial_states` has rows ({rows}); "
            "give initial_states_generator='random' or 'tile' to fill the rest, or more rows"
        )
    if fill == "tile":
        if rows == 0:  # np.resize would fill with zeros
            raise ValueError(
                "`initial_states_generator`='tile' has no rows to repeat: `initial_states` is "
                "empty; give initial_states_generator='random', or some rows"
            )
        return np.resize(X0, (k, X0.shape[1]))
    extra = gen.integers(0, 2, size=(k - rows, X0.shape[1])).astype(np.float64)
    return np.vstack([X0, extra])


def initial_states_array(bqm: Any, initial_states: Any) -> np.ndarray:
    """``initial_states`` as a float64 array of ``<n_i>`` in ``bqm.variables`` order.

    Labelled input (a :class:`dimod.SampleSet`, ``(array, labels)``, a dict or a list of
    dicts) is matched to the BQM by label. A plain array's column ``k`` is variable ``k`` where
    the BQM's labels are the integers ``0..n-1``, in any order (dimod's ``as_samples``
    convention, which dwave-samplers follow: a SampleSet's ``record.sample`` of such a BQM
    starts each variable where it was); for other labels, where dwave-samplers refuse a plain
    array, its columns are taken in ``bqm.variables`` order. SPIN values (a SampleSet's vartype, or values in {-1, +1}) become
    ``n = (s + 1) / 2``.

    Returns
    -------
    ndarray, shape (n,) or (k, n)
        (n,) for one state given as such (a 1-D array or a single dict), which starts every
        read; (k, n) for rows (a SampleSet, a 2-D array, a list of dicts), one per read, even
        when k = 1, as in dimod.

    Raises
    ------
    ValueError
        If labels are missing or unknown (the first of each is named), the shape does not fit
        the BQM, or the values are neither spins nor in [0, 1].
    """
    n = bqm.num_variables
    spin: bool | None = None
    labels: list[Hashable] | None = None
    rows = True  # rows (one read each) rather than one state for every read
    if isinstance(initial_states, dimod.SampleSet):
        X = np.asarray(initial_states.record.sample, dtype=np.float64)
        labels = list(initial_states.variables)
        spin = initial_states.vartype is dimod.SPIN
    elif _is_labelled(initial_states):
        if isinstance(initial_states, Mapping):
            rows = False
        elif isinstance(initial_states, tuple):
            rows = np.ndim(initial_states[0]) == 2
        arr, lab = dimod.as_samples(initial_states)
        X, labels = np.asarray(arr, dtype=np.float64), list(lab)
    else:
        try:
            X = np.asarray(initial_states, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                "`initial_states` must be a SampleSet, samples with labels, or a numeric array "
                f"with {n} columns; got {type(initial_states).__name__} ({exc})"
            ) from exc
        if X.ndim not in (1, 2) or X.shape[-1] != n:
            raise ValueError(
                f"`initial_states` must have shape ({n},) or (num_reads, {n}), one column per "
                f"BQM variable (column k for label k where the labels are 0..{n - 1}, else in "
                f"bqm.variables order); got shape {X.shape}"
            )
        rows = X.ndim == 2
        if _range_labels(bqm):
            # dimod.as_samples labels a plain array's columns 0..n-1, and dwave-samplers match
            # them to the BQM by label: so do we, where the BQM's labels are 0..n-1 in any
            # order (BQM.from_qubo adds them as its dict lists them)
            labels = list(range(n))
    if labels is not None:
        X = _match_labels(bqm, X, labels)
    if not np.isfinite(X).all():
        raise ValueError("`initial_states` must be finite")
    if spin is None:
        spin = bool(np.any(X == -1.0))
    if spin:
        if not np.all((X == -1.0) | (X == 1.0)):
            bad = X[(X != -1.0) & (X != 1.0)][0]
            raise ValueError(
                f"`initial_states` holds spins (-1 / +1) and so must hold only -1 and +1; got {bad:g}"
            )
        X = (X + 1.0) / 2.0
    elif not np.all((X >= 0.0) & (X <= 1.0)):
        bad = X[(X < 0.0) | (X > 1.0)][0]
        raise ValueError(
            "`initial_states` must hold BINARY 0/1 (or <n_i> in [0, 1]) or SPIN -1/+1 values; "
            f"got {bad:g}"
        )
    return X[0] if not rows and X.ndim == 2 else X


def _range_labels(bqm: Any) -> bool:
    """Whether the BQM's variables are the integers ``0..n-1`` (in any order)."""
    n = bqm.num_variables
    return all(
        isinstance(v, int | np.integer) and not isinstance(v, bool) and 0 <= v < n
        for v in bqm.variables
    )


def _is_labelled(x: Any) -> bool:
    """Samples with labels in dimod's samples-like forms: a dict, a list of dicts, or
    ``(array, labels)`` (a tuple of two whose second item is a sequence, not a number)."""
    if isinstance(x, Mapping):
        return True
    if isinstance(x, list) and x and isinstance(x[0], Mapping):
        return True
    return isinstance(x, tuple) and len(x) == 2 and not np.isscalar(x[1])


def _match_labels(bqm: Any, X: np.ndarray, labels: list[Hashable]) -> np.ndarray:
    """Columns of ``X`` (labelled ``labels``) reordered to ``bqm.variables``."""
    have = dimod.variables.Variables(labels)
    missing = [v for v in bqm.variables if v not in have]
    unknown = [v for v in labels if v not in bqm.variables]
    if missing or unknown or len(have) != len(labels):
        parts = []
        if missing:
            parts.append(f"{len(missing)} BQM variable(s) missing, e.g. {missing[0]!r}")
        if unknown:
            parts.append(f"{len(unknown)} label(s) not in the BQM, e.g. {unknown[0]!r}")
        if len(have) != len(labels):
            parts.append("repeated labels")
        raise ValueError(
            "`initial_states` labels must be the BQM's variables; got " + "; ".join(parts)
        )
    cols = np.fromiter((have.index(v) for v in bqm.variables), dtype=np.int64, count=len(have))
    return np.atleast_2d(X)[:, cols]
