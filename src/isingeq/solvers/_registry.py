"""The solver registry: one dict from method name to ``solve_<name>`` function, and options.

Registering a solver (``@register("name")``) wraps it once, so that every method, called
directly as ``solve_<name>(model, rng=0, ...)`` or as ``isingeq.solve(model, "name", ...)``,
keeps the same promises (:mod:`isingeq.result` lists them):

* ``rng`` (None | int | SeedSequence | Generator) is normalised to a Generator at entry;
* an unknown option is a TypeError naming the close matches (or the methods that take it);
  a renamed option still works, with a DeprecationWarning that names its new spelling;
* ``callback`` (a function of a :class:`~isingeq.solvers._progress.ProgressEvent`) sees the
  solve's progress events (:mod:`._progress`);
* ``info`` gets its common core: ``method``, ``options`` (every option with its resolved
  value), ``time_ns`` (wall time from entry to return, set-up included), and the method's own
  ``sweeps`` and ``stopped``.

Option values given as text (``"name:key=value;key=value"``, or ``key=value`` items from the
command line) are parsed here too, and only here: :func:`parse_method_spec`,
:func:`resolve_options`.
"""

from __future__ import annotations

import ast
import difflib
import functools
import inspect
import re
import time
import warnings
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

from .._validation import as_generator
from ..model import SpinGlass
from ..result import INFO_CORE, SolveResult
from . import _progress
from ._common import solve_memo

__all__ = [
    "EXACT_METHODS",
    "INTERRUPTIBLE_METHODS",
    "METHODS",
    "RENAMED",
    "method_options",
    "parse_method_spec",
    "register",
    "resolve_options",
    "solve",
]

SolverFn = Callable[..., SolveResult]

#: Registered methods, in registration order: name -> solve_<name>(model, *, rng, ...).
METHODS: dict[str, SolverFn] = {}
#: Methods that guarantee the ground state (not heuristics).
EXACT_METHODS: set[str] = set()
#: Methods that stop at their next clock check on Ctrl-C and keep the best so far.
INTERRUPTIBLE_METHODS: set[str] = set()
#: Methods that choose another method and run it (``auto``).
DISPATCH_METHODS: set[str] = set()
#: Renamed options still accepted with a DeprecationWarning: method -> {old: new}.
RENAMED: dict[str, dict[str, str]] = {}
#: method -> its keyword options (besides ``rng``), in signature order; read once at registration.
_OPTIONS: dict[str, list[str]] = {}


def _describe(value: Any) -> Any:
    """An option's value for ``info["options"]``: arrays by shape, so info stays small."""
    if isinstance(value, np.ndarray) and value.size > 16:
        return f"<array shape {value.shape} {value.dtype}>"
    if isinstance(value, list | tuple) and len(value) > 16:
        return f"<{type(value).__name__} of {len(value)}>"
    return value


def register(
    name: str,
    *,
    exact: bool = False,
    dispatch: bool = False,
    interruptible: bool = False,
    renamed: Mapping[str, str] | None = None,
) -> Callable[[SolverFn], SolverFn]:
    """Register ``solve_<name>`` under ``name`` (a decorator in each solver module).

    Parameters
    ----------
    name : str
        The method name users pass to :func:`solve`.
    exact : bool
        The method guarantees the ground state.
    dispatch : bool
        The method runs another registered method (whose result already has the info core).
    interruptible : bool
        The method stops at its next clock check when Ctrl-C asks it to
        (:func:`._progress.stop_requested`; ``info["stopped"] == "interrupted"``), and the
        outermost solve then raises :class:`~._progress.Interrupted` with the result.
    renamed : mapping, optional
        ``{old option name: new option name}`` still accepted, with a DeprecationWarning.
    """

    def deco(fn: SolverFn) -> SolverFn:
        if name in METHODS:
            raise RuntimeError(f"method {name!r} registered twice")
        sig = inspect.signature(fn)
        params = [
            p
            for p in sig.parameters.values()
            if p.kind is inspect.Parameter.KEYWORD_ONLY and p.name != "rng"
        ]
        old_names = dict(renamed or {})
        for new in old_names.values():
            if new not in sig.parameters:
                raise RuntimeError(f"{name!r}: renamed option points to unknown {new!r}")

        @functools.wraps(fn)
        def wrapper(
            model: SpinGlass, *, rng: Any = None, callback: Any = None, **options: Any
        ) -> SolveResult:
            t0 = time.perf_counter_ns()
            if not isinstance(model, SpinGlass):
                raise TypeError(
                    f"`model` must be an isingeq.SpinGlass; got {type(model).__name__} "
                    "(build one with SpinGlass(eps), SpinGlass.from_symmetric or "
                    "SpinGlass.from_bqm)"
                )
            options = _renamed(name, options, old_names, TypeError)
            gen = as_generator(rng)
            with (
                solve_memo(),
                _progress.watching(callback, name, options.get("time_limit"), t0) as mine,
                _progress.interruptible(interruptible) as stop,
            ):
                res = fn(model, rng=gen, **options)
                if mine:
                    # the whole solve's sweeps and rounds (info's), as the "done" phase says
                    rounds = res.info.get("rounds", res.info.get("mean_field", {}).get("rounds", 0))
                    _progress.report("done", res.best_energy, res.info.get("sweeps", 0), rounds)
            info = res.info
            if not dispatch:
                resolved = info.pop("options", {})
                given = {p.name: options.get(p.name, p.default) for p in params}
                info["method"] = name
                info["options"] = {k: _describe(v) for k, v in {**given, **resolved}.items()}
                missing = [k for k in INFO_CORE if k not in info and k != "time_ns"]
                if missing:  # a solver bug, not a user error
                    raise RuntimeError(f"method {name!r} did not report {missing} in its info")
            info["time_ns"] = time.perf_counter_ns() - t0
            if stop is not None and stop.requested:  # info["stopped"]: "interrupted", or
                raise _progress.Interrupted(res)  # the method's reason if it had just ended
            return res

        METHODS[name] = wrapper
        _OPTIONS[name] = [p.name for p in params]
        if exact:
            EXACT_METHODS.add(name)
        if interruptible:
            INTERRUPTIBLE_METHODS.add(name)
        if dispatch:
            DISPATCH_METHODS.add(name)
        if old_names:
            RENAMED[name] = old_names
        return wrapper

    return deco


def _renamed(
    method: str, options: dict[str, Any], old_names: Mapping[str, str], exc: type[Exception]
) -> dict[str, Any]:
    """Map deprecated option names to the new ones (warning), and refuse unknown ones."""
    allowed = method_options(method)
    out: dict[str, Any] = {}
    for key, value in options.items():
        if key in old_names:
            new = old_names[key]
            if new in options:
                raise exc(
                    f"method {method!r} got both {key!r} and its new spelling {new!r}; give {new!r}"
                )
            warnings.warn(
                f"method {method!r}: option {key!r} is deprecated; use {new!r}",
                DeprecationWarning,
                stacklevel=4,
            )
            key = new
        elif key not in allowed:
            raise exc(_unknown(method, key, allowed))
        out[key] = value
    return out


#: Names users bring from dimod / dwave-samplers, and what isingeq calls the same thing.
_OTHER_NAMES = {
    "seed": "the seed is called `rng` here: an int, SeedSequence or Generator; `seed` is the "
    "dimod samplers' name",
    "timeout": "a wall-time limit is `time_limit` here, in seconds; dwave's TabuSampler "
    "`timeout` is in milliseconds",
}


def _unknown(method: str, key: str, allowed: list[str]) -> str:
    every = list(dict.fromkeys([*allowed, *(o for m in METHODS for o in _OPTIONS.get(m, ()))]))
    close = difflib.get_close_matches(key, every, n=1)
    name = key if key in every else close[0] if close else None
    owners = [m for m in METHODS if name in _OPTIONS.get(m, ())]
    hint = f" (did you mean {name!r}?)" if name != key and name in allowed else ""
    if name is not None and name not in allowed:  # another method's option (or a typo of one)
        what = "" if name == key else f"did you mean {name!r}? "
        hint = f" ({what}an option of {', '.join(owners)}: choose one of them as the method)"
    if key in _OTHER_NAMES:  # another library's name for one of isingeq's
        hint = f" ({_OTHER_NAMES[key]})"
    return (
        f"method {method!r} got unknown option {key!r}{hint}; it accepts: "
        f"{', '.join(allowed) or '(none)'}"
    )


def method_options(method: str) -> list[str]:
    """The keyword options that ``method`` accepts (besides ``rng``), in signature order.

    Parameters
    ----------
    method : str
        A registered method (``isingeq.METHODS``), e.g. ``"mfa"``; case must match.

    Returns
    -------
    list of str
        The names :func:`~isingeq.solve` passes on to the method; any other option is a
        TypeError there, except ``rng`` and ``callback``, which every method takes (deprecated
        spellings of an option are accepted with a DeprecationWarning but not listed). A new
        list, so the caller may change it.

    Raises
    ------
    TypeError
        If ``method`` is not a string.
    ValueError
        If ``method`` is not registered (the closest registered name is suggested).

    Examples
    --------
    >>> method_options("greedy")
    ['num_reads', 'initial_states', 'max_sweeps']
    """
    _lookup(method)
    return list(_OPTIONS[method])


def _lookup(method: str) -> SolverFn:
    if not isinstance(method, str):
        raise TypeError(f"`method` must be a string; got {type(method).__name__}")
    try:
        return METHODS[method]
    except KeyError:
        # case too: "MFA" is "mfa" (difflib compares characters as they are)
        lower = {m.lower(): m for m in METHODS}
        close = difflib.get_close_matches(method.lower(), list(lower), n=1)
        hint = f" (did you mean {lower[close[0]]!r}?)" if close else ""
        raise ValueError(
            f"unknown method {method!r}{hint}; choose one of: {', '.join(METHODS)}"
        ) from None


def solve(
    model: SpinGlass, method: str = "auto", *, rng: Any = None, **options: Any
) -> SolveResult:
    """Find low-energy states of ``model`` with a registered method.

    Parameters
    ----------
    model : SpinGlass
        The model (see :mod:`isingeq.model` for the energy convention).
    method : str, default "auto"
        A registered method (``isingeq.METHODS``). ``"auto"`` enumerates small models exactly
        and runs the strongest heuristic on the others; ``result.info["auto"]`` says which.
    rng : None, int, SeedSequence or Generator, optional
        The source of randomness, normalised once and passed down.
    callback : callable, optional
        Called with a :class:`isingeq.ProgressEvent` (best energy so far, sweeps, rounds,
        elapsed time against ``time_limit``) whenever the method checks its clock, and once at
        the end; :class:`isingeq.Trace` keeps them all. It runs in the solver's thread.
    **options
        The method's keyword-only options (``isingeq.method_options(method)`` lists them;
        ``docs/vocabulary.md`` says what each means, in one unit for every method).

    Returns
    -------
    SolveResult

    Raises
    ------
    ValueError
        If ``method`` is unknown or an option has a bad value.
    TypeError
        If ``model`` is not a SpinGlass or an option is not accepted by ``method``.

    Examples
    --------
    >>> import isingeq
    >>> m = isingeq.paper_instance(8, rng=1)
    >>> r = isingeq.solve(m)
    >>> r.method, r.info["auto"]["chosen"]
    ('exact', 'exact')
    >>> r.best_energy <= isingeq.solve(m, method="scipy-root").best_energy
    True
    """
    fn = _lookup(method)
    return fn(model, rng=rng, **options)


def _literal(raw: str) -> Any:
    try:
        return ast.literal_eval(raw.strip())
    except (ValueError, SyntaxError):
        return raw.strip()


def parse_method_spec(spec: str) -> tuple[str, dict[str, Any]]:
    """Split ``"name:key=value,key=value"`` into the method name and its options.

    Options may be separated by ``,`` or ``;`` (the CLI uses ``;`` since ``,`` separates specs).
    Values are read as Python literals where possible (``t_end=50``, ``polish=True``), else kept
    as strings (``mode=continuation``). Renamed options are mapped to their new names with a
    DeprecationWarning.

    Examples
    --------
    >>> parse_method_spec("scipy-root:mode=continuation,t_end=1e3")
    ('scipy-root', {'mode': 'continuation', 't_end': 1000.0})
    """
    if not isinstance(spec, str) or not spec.strip():
        raise ValueError(
            f"a method spec must be a non-empty string like 'name:key=value'; got {spec!r}"
        )
    name, _, rest = spec.strip().partition(":")
    name = name.strip()
    _lookup(name)
    opts: dict[str, Any] = {}
    for item in filter(None, (p.strip() for p in re.split(r"[;,]", rest))):
        key, eq, raw = item.partition("=")
        if not eq or not key.strip():
            raise ValueError(f"method spec {spec!r}: option {item!r} must look like key=value")
        opts[key.strip()] = _literal(raw)
    try:
        opts = _renamed(name, opts, RENAMED.get(name, {}), ValueError)
    except ValueError as exc:
        raise ValueError(f"method spec {spec!r}: {exc}") from None
    return name, opts


def resolve_options(
    method: str,
    items: Iterable[str] = (),
    **named: Any,
) -> tuple[str, dict[str, Any]]:
    """One method's options from a spec, ``key=value`` items and named values, checked.

    Parameters
    ----------
    method : str
        A method spec (``"name"`` or ``"name:key=value;..."``, see :func:`parse_method_spec`).
    items : iterable of str
        More options as ``"key=value"`` strings (values parsed as in the spec).
    **named
        Options given by name (``time_limit=1.0``); ``None`` values are left out.

    Returns
    -------
    name : str
    options : dict

    Raises
    ------
    ValueError
        For a malformed item, an option the method does not take, or an option given twice.

    Examples
    --------
    >>> resolve_options("mfa-async:num_sweeps=200", ["noise=0.5"], time_limit=1.0)
    ('mfa-async', {'num_sweeps': 200, 'noise': 0.5, 'time_limit': 1.0})
    """
    name, options = parse_method_spec(method)
    allowed = method_options(name)
    where = dict.fromkeys(options, "the method spec")

    def add(key: str, value: Any, source: str) -> None:
        if key in options:
            raise ValueError(
                f"option {key!r} is given twice (in {where[key]} and in {source}); give it once"
            )
        options[key] = value
        where[key] = source

    for item in items:
        key, eq, raw = (p.strip() for p in str(item).partition("="))
        if not eq or not key:
            raise ValueError(f"an option must look like key=value; got {item!r}")
        try:
            (key, value), *_ = _renamed(
                name, {key: _literal(raw)}, RENAMED.get(name, {}), ValueError
            ).items()
        except ValueError as exc:
            raise ValueError(f"option {item!r}: {exc}") from None
        add(key, value, "the options")
    for key, value in named.items():
        if value is None:
            continue
        if key not in allowed:
            having = [m for m in METHODS if key in method_options(m)]
            raise ValueError(
                f"method {name!r} has no option {key!r}; methods that have it: "
                f"{', '.join(having) or '(none)'}"
            )
        add(key, value, f"{key}=")
    return name, options
