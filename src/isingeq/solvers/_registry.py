"""The solver registry: one dict from method name to ``solve_<name>`` function."""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Callable
from typing import Any

from .._validation import as_generator
from ..model import SpinGlass
from ..result import SolveResult

__all__ = ["METHODS", "method_options", "parse_method_spec", "register", "solve"]

SolverFn = Callable[..., SolveResult]

#: Registered methods, in registration order: name -> solve_<name>(model, *, rng, ...).
METHODS: dict[str, SolverFn] = {}
#: Methods that guarantee the ground state (not heuristics).
EXACT_METHODS: set[str] = set()


def register(name: str, *, exact: bool = False) -> Callable[[SolverFn], SolverFn]:
    """Register ``solve_<name>`` under ``name`` (used as a decorator in each solver module)."""

    def deco(fn: SolverFn) -> SolverFn:
        if name in METHODS:
            raise RuntimeError(f"method {name!r} registered twice")
        METHODS[name] = fn
        if exact:
            EXACT_METHODS.add(name)
        return fn

    return deco


def method_options(method: str) -> list[str]:
    """The keyword options that ``method`` accepts (besides ``rng``)."""
    fn = _lookup(method)
    return [
        p.name
        for p in inspect.signature(fn).parameters.values()
        if p.kind is inspect.Parameter.KEYWORD_ONLY and p.name != "rng"
    ]


def _lookup(method: str) -> SolverFn:
    if not isinstance(method, str):
        raise TypeError(f"`method` must be a string; got {type(method).__name__}")
    try:
        return METHODS[method]
    except KeyError:
        raise ValueError(
            f"unknown method {method!r}; choose one of: {', '.join(sorted(METHODS))}"
        ) from None


def solve(
    model: SpinGlass, method: str = "exact", *, rng: Any = None, **options: Any
) -> SolveResult:
    """Find low-energy states of ``model`` with a registered method.

    Parameters
    ----------
    model : SpinGlass
        The model (see :mod:`isingeq.model` for the energy convention).
    method : str, default "exact"
        A registered method: ``isingeq.METHODS`` lists them.
    rng : None, int, SeedSequence or Generator, optional
        The source of randomness, normalised once here and passed down.
    **options
        The method's keyword-only options (``isingeq.method_options(method)`` lists them).

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
    >>> isingeq.solve(m, method="exact").best_energy <= isingeq.solve(m, method="scipy-root").best_energy
    True
    """
    fn = _lookup(method)
    if not isinstance(model, SpinGlass):
        raise TypeError(
            f"`model` must be an isingeq.SpinGlass; got {type(model).__name__} "
            "(build one with SpinGlass(eps), SpinGlass.from_symmetric or SpinGlass.from_bqm)"
        )
    _check_options(method, options, TypeError, f"method {method!r} got")
    return fn(model, rng=as_generator(rng), **options)


def parse_method_spec(spec: str) -> tuple[str, dict[str, Any]]:
    """Split ``"name:key=value,key=value"`` into the method name and its options.

    Options may be separated by ``,`` or ``;`` (the CLI uses ``;`` since ``,`` separates specs).
    Values are read as Python literals where possible (``t=50``, ``polish=True``), else kept as
    strings (``mode=continuation``).

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
        try:
            value: Any = ast.literal_eval(raw.strip())
        except (ValueError, SyntaxError):
            value = raw.strip()
        opts[key.strip()] = value
    _check_options(name, opts, ValueError, f"method spec {spec!r}:")
    return name, opts


def _check_options(
    method: str, options: dict[str, Any], exc: type[Exception], context: str
) -> None:
    allowed = method_options(method)
    unknown = [k for k in options if k not in allowed]
    if unknown:
        raise exc(
            f"{context} unknown option(s) {', '.join(map(repr, unknown))}; "
            f"{method!r} accepts: {', '.join(allowed) or '(none)'}"
        )
