"""Validation helpers shared by the public entry points (never used inside kernels)."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from .model import SpinGlass

__all__ = ["as_generator", "check_int", "check_real"]


def as_generator(rng: Any, name: str = "rng") -> np.random.Generator:
    """Normalise ``rng`` (None | int | SeedSequence | Generator) to a Generator, once."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, np.random.SeedSequence):
        return np.random.default_rng(rng)
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        if int(rng) < 0:
            raise ValueError(f"`{name}` must be a non-negative integer seed; got {rng}")
        return np.random.default_rng(int(rng))
    raise TypeError(
        f"`{name}` must be None, an int, a numpy SeedSequence or a numpy Generator; "
        f"got {type(rng).__name__}"
    )


def check_int(name: str, value: Any, *, low: int | None = None, high: int | None = None) -> int:
    """An integer within [low, high]; TypeError/ValueError naming ``name`` otherwise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"`{name}` must be an integer; got {value!r}")
    v = int(value)
    if low is not None and v < low:
        raise ValueError(f"`{name}` must be >= {low}; got {v}")
    if high is not None and v > high:
        raise ValueError(f"`{name}` must be <= {high}; got {v}")
    return v


def check_real(
    name: str,
    value: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    allow_inf: bool = False,
) -> float:
    """A real number within the given bounds; TypeError/ValueError naming ``name`` otherwise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"`{name}` must be a real number; got {value!r}")
    v = float(value)
    if np.isnan(v) or (np.isinf(v) and not allow_inf):
        raise ValueError(f"`{name}` must be finite; got {v}")
    if low is not None and (v < low or (low_open and v == low)):
        raise ValueError(f"`{name}` must be {'>' if low_open else '>='} {low:g}; got {v:g}")
    if high is not None and (v > high or (high_open and v == high)):
        raise ValueError(f"`{name}` must be {'<' if high_open else '<='} {high:g}; got {v:g}")
    return v


def check_model(model: Any, name: str = "model") -> SpinGlass:
    """``model`` itself when it is a :class:`isingeq.SpinGlass`; a TypeError naming ``name``
    otherwise (a raw ``eps`` array failed deep inside with an AttributeError)."""
    if not isinstance(model, SpinGlass):
        raise TypeError(f"`{name}` must be an isingeq.SpinGlass; got {type(model).__name__}")
    return model
