"""Random instances: the paper's spin glass, the Sherrington-Kirkpatrick model and the
Edwards-Anderson spin glass on a lattice."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from ._resources import fmt_bytes, memory_shortfall
from ._validation import as_generator, check_int
from .model import SpinGlass

__all__ = ["ea_instance", "paper_instance", "sk_instance"]

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
        raise ValueError(
            f"`n`={n} is a dense {n} x {n} model ({fmt_bytes(8.0 * n * n)} a float64 matrix) "
            f"whose build needs at its peak ({copies} such arrays at once) {short}"
        )


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
    approaches the Parisi value ``-0.7633`` as ``n`` grows. :meth:`~isingeq.SpinGlass.to_spin`
    gives dimod's sign, ``E = h.s + sum_{i<j} Js_ij s_i s_j``: the couplings above are
    ``-Js``. Naive mean field (eq. 16) loses stability at ``t_c = 1/2`` here
    (:func:`isingeq.critical_t`), half the spin-glass transition ``t = 1``.

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


#: Bytes per bond at the peak of :func:`ea_instance`'s sparse build (index and value arrays of
#: the COO and CSR forms and SpinGlass.from_spin's copies): tracemalloc measured 278 on 2-D and
#: 255 on 3-D lattices (tests/test_generators.py checks it).
_EA_BYTES_PER_BOND = 300


def ea_instance(
    shape: int | Sequence[int],
    *,
    couplings: str = "pm1",
    periodic: bool = True,
    rng: Any = None,
) -> SpinGlass:
    """Edwards-Anderson spin glass ``E(s) = -sum_<ij> J_ij s_i s_j`` on a hypercubic lattice.

    The field's benchmark of sparse spin glasses (2-D and 3-D +-J or Gaussian lattices): one
    coupling per pair of nearest neighbours, no fields. Returned sparse and in 0/1 form (``s =
    2n - 1``) with the offset that keeps energies equal, as :func:`sk_instance` (whose note on
    ``to_spin``'s sign, ``-J``, holds here too); node
    ``(i_1, ..., i_d)`` is variable ``i_1 L_2 ... L_d + ... + i_d`` (C order). The ground-state
    energy per spin of the 2-D +-J model is about -1.40, of the 3-D one about -1.79.

    Parameters
    ----------
    shape : int or sequence of int
        The side lengths ``(L_1, ..., L_d)``, each >= 2; an int ``L`` is the square ``L x L``.
    couplings : {"pm1", "gaussian"}, default "pm1"
        ``J_ij = +-1`` with equal probability, or ``J_ij ~ N(0, 1)``.
    periodic : bool, default True
        Wrap every dimension (a torus); else open boundaries. A side of 2 with ``periodic``
        gives one bond per pair, not two.
    rng : None, int, SeedSequence or Generator

    Raises
    ------
    ValueError
        For a side below 2, an unknown ``couplings``, or a lattice whose build would not fit in
        memory (said before anything is allocated).

    Examples
    --------
    >>> m = ea_instance((4, 4), rng=0)          # 16 spins, 32 bonds on a torus
    >>> m.n, m.is_sparse, int(m.J.nnz) // 2
    (16, True, 32)
    >>> ea_instance(3, periodic=False, rng=0).J.nnz // 2    # 12 bonds on an open 3 x 3
    12
    """
    sides = [shape, shape] if isinstance(shape, int | np.integer) else list(shape)
    if not sides:
        raise ValueError("`shape` must give at least one side length; got an empty sequence")
    sides = [check_int(f"shape[{k}]", v, low=2) for k, v in enumerate(sides)]
    if couplings not in ("pm1", "gaussian"):
        raise ValueError(f"`couplings` must be 'pm1' or 'gaussian'; got {couplings!r}")
    if not isinstance(periodic, bool | np.bool_):
        raise TypeError(f"`periodic` must be True or False; got {periodic!r}")
    n = int(np.prod(sides, dtype=np.float64))
    bonds = n * len(sides)
    short = memory_shortfall(float(_EA_BYTES_PER_BOND) * bonds)
    if short is not None:
        raise ValueError(f"`shape`={tuple(sides)} ({n} spins, {bonds} bonds) needs {short}")
    gen = as_generator(rng)
    index = np.arange(n, dtype=np.int64).reshape(sides)
    heads, tails = [], []
    for axis, side in enumerate(sides):
        nxt = np.roll(index, -1, axis=axis)
        if not periodic or side == 2:  # open, or a side of 2: the wrap bond is the same pair
            keep = [slice(None)] * len(sides)
            keep[axis] = slice(0, side - 1)
            a, b = index[tuple(keep)], nxt[tuple(keep)]
        else:
            a, b = index, nxt
        heads.append(a.ravel())
        tails.append(b.ravel())
    i, j = np.concatenate(heads), np.concatenate(tails)
    if couplings == "pm1":
        J = gen.choice(np.array([-1.0, 1.0]), size=i.size)
    else:
        J = gen.standard_normal(i.size)
    upper = sp.coo_array((-J, (np.minimum(i, j), np.maximum(i, j))), shape=(n, n)).tocsr()
    return SpinGlass.from_spin(np.zeros(n), upper)
