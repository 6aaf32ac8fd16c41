"""Instance specs: short strings that name a model to build, such as ``paper:1000`` or ``sk:64``.

The command line takes these (``isingeq solve --random paper:1000``); the generators themselves
live in :mod:`isingeq.generators`. Named instances and files are :mod:`isingeq.datasets` and
:mod:`isingeq.io`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .generators import paper_instance, sk_instance
from .model import SpinGlass

__all__ = ["RANDOM_KINDS", "parse_random_spec", "random_model"]

#: Random-instance kinds: spec prefix -> generator ``(n, rng) -> SpinGlass``.
RANDOM_KINDS: dict[str, Callable[[int, Any], SpinGlass]] = {
    "paper": paper_instance,
    "sk": sk_instance,
}


def parse_random_spec(spec: str, *, name: str = "spec") -> tuple[str, int]:
    """Split a random-instance spec ``"<kind>:<N>"`` into its kind and size.

    Parameters
    ----------
    spec : str
        ``"paper:N"`` (:func:`isingeq.paper_instance`) or ``"sk:N"``
        (:func:`isingeq.sk_instance`), with an integer ``N >= 1``.
    name : str, default "spec"
        How error messages name the parameter (the CLI passes ``"--random"``).

    Returns
    -------
    kind : str
        A key of :data:`RANDOM_KINDS`.
    n : int
        The number of variables.

    Raises
    ------
    ValueError
        If ``spec`` does not have that form; the message echoes it.
    TypeError
        If ``spec`` is not a string.

    Examples
    --------
    >>> parse_random_spec("paper:1000")
    ('paper', 1000)
    >>> parse_random_spec("paper:x", name="--random")
    Traceback (most recent call last):
    ...
    ValueError: `--random` must look like 'paper:N' or 'sk:N' with N >= 1; got 'paper:x'
    """
    if not isinstance(spec, str):
        raise TypeError(f"`{name}` must be a string like 'paper:N'; got {type(spec).__name__}")
    kinds = " or ".join(f"'{k}:N'" for k in RANDOM_KINDS)
    expected = f"`{name}` must look like {kinds} with N >= 1; got {spec!r}"
    kind, sep, size = spec.strip().partition(":")
    if not sep or kind.strip() not in RANDOM_KINDS:
        raise ValueError(expected)
    try:
        n = int(size.strip())
    except ValueError:
        raise ValueError(expected) from None
    if n < 1:
        raise ValueError(expected)
    return kind.strip(), n


def random_model(spec: str, rng: Any = None, *, name: str = "spec") -> SpinGlass:
    """Build the random model that ``spec`` names (``"paper:N"`` or ``"sk:N"``).

    Parameters
    ----------
    spec : str
        See :func:`parse_random_spec`.
    rng : None, int, SeedSequence or Generator
        Passed to the generator; the same ``rng`` gives the same model.
    name : str, default "spec"
        How error messages name the parameter.

    Returns
    -------
    SpinGlass

    Raises
    ------
    ValueError
        If ``spec`` is malformed (see :func:`parse_random_spec`), or if the dense model would
        not fit in this machine's physical memory (the generators check before allocating).

    Examples
    --------
    >>> m = random_model("sk:6", rng=0)
    >>> m.n, m.energy([0] * 6) == random_model("sk:6", rng=0).energy([0] * 6)
    (6, True)
    """
    kind, n = parse_random_spec(spec, name=name)
    try:
        return RANDOM_KINDS[kind](n, rng)
    except ValueError as exc:  # the generator's memory check: say which spec asked for it
        raise ValueError(f"`{name}` {spec!r}: {exc}") from None
