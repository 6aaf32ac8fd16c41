"""Random instances: the paper's spin glass and the Sherrington-Kirkpatrick model."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._resources import memory_shortfall
from ._validation import as_generator, check_int
from .model import SpinGlass

__all__ = ["paper_instance", "sk_instance"]

#: float64 n x n arrays alive at the peak of each dense build (numpy's allocations as tracemalloc
#: counts them): paper, the draw's triangle + SpinGlass's copy of eps, its triangle, J and a
#: temporary; sk, also the draw, its scaled and negated copies and SpinGlass.from_spin's
#: Ju / Jsym / -4 Ju / diag temporaries (tests/test_generators.py checks both against reality)
_PAPER_COPIES = 5
_SK_COPIES = 10


def _check_fits(n: int, copies: int) -> None:
    """Refuse, before allocating, a dense ``n x n`` build of ``copies`` float64 arrays at its
    peak that exceeds the memory limit (:mod:`isingeq._resources`)."""
    short = memory_shortfall(copies * 8.0 * n * n)
    if short is not None:
        raise ValueError(f"`n`={n} is a dense {n} x {n} model that needs {short}")


def paper_instance(n: int, rng: Any = None) -> SpinGlass:
    """The paper's instance: ``eps_ij ~ U[-1, 1]`` independently for every ``i <= j`` (eq. 4).

    Parameters
    ----------
    n : int
        Number of variables, >= 1.
    rng : None, int, SeedSequence or Generator

    Returns
    -------
    SpinGlass
        Dense, upper-triangular ``eps`` (diagonal = bias), ``offset = 0``.

    Raises
    ------
    ValueError
        For ``n < 1``, or an ``n`` whose dense model would not fit in physical memory (said
        before anything is allocated).

    Examples
    --------
    >>> m = paper_instance(4, rng=0)
    >>> m.n, bool((abs(m.eps) <= 1).all()), bool((m.eps[1, 0] == 0))
    (4, True, True)
    """
    n = check_int("n", n, low=1)
    _check_fits(n, _PAPER_COPIES)
    gen = as_generator(rng)
    eps = np.triu(gen.uniform(-1.0, 1.0, size=(n, n)))
    return SpinGlass(eps)


def sk_instance(n: int, rng: Any = None) -> SpinGlass:
    """Sherrington-Kirkpatrick spin glass ``E(s) = -sum_{i<j} J_ij s_i s_j``, ``J_ij ~ N(0, 1/n)``.

    Returned in 0/1 form (``s = 2n - 1``) with the offset that keeps energies equal, so
    ``model.energy(x)`` is the SK energy of ``s = 2x - 1``; the ground-state energy per spin
    approaches the Parisi value ``-0.7633`` as ``n`` grows.

    Parameters
    ----------
    n : int
        Number of spins, >= 1 (refused like :func:`paper_instance` when too large).
    rng : None, int, SeedSequence or Generator

    Examples
    --------
    >>> m = sk_instance(5, rng=0)
    >>> x = [1, 0, 1, 1, 0]
    >>> hs, Js, off = m.to_spin()
    >>> s = 2 * np.array(x) - 1
    >>> bool(np.isclose(m.energy(x), hs @ s + s @ Js @ s + off))
    True
    """
    n = check_int("n", n, low=1)
    _check_fits(n, _SK_COPIES)
    gen = as_generator(rng)
    J = np.triu(gen.standard_normal((n, n)), k=1) / np.sqrt(n)
    return SpinGlass.from_spin(np.zeros(n), -J)
