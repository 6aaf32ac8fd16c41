"""The 1-flip-stable states (eq. 16's ``t = inf`` solutions), and the ground state's basin.

Where no node of a state has a tied field ``xi_i = 0``, "1-flip stable" and "a 0/1 fixed point
of the ``t = inf`` layer" are the same thing. On a tie they part: the state is 1-flip stable
(flipping node ``i`` does not lower ``H``) and the asynchronous update keeps it, but the step
layer outputs ``step(0) = 1/2`` there, so :meth:`isingeq.Perceptron.is_fixed_point` says False.
Ties have probability zero for the paper's continuous ``eps``; integer weights (max-cut) have
them often.

Both enumerate: :func:`fixed_points` walks all ``2^n`` states with the exact solver's block Gray
code (:mod:`isingeq.solvers._kernels`); :func:`ground_state_basin` runs the asynchronous
``t = inf`` update (``isingeq.solvers.greedy.descend``) from every state or from random ones.
Stability is tested with the one tolerance of :func:`~isingeq.solvers.stability_slack`,
the same as :func:`isingeq.one_flip_stable` and :meth:`isingeq.Perceptron.iterate`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._validation import as_generator, check_int, check_model
from ..model import SpinGlass
from ..solvers import solve
from ..solvers.exact import EXACT_MAX_N, _plan
from ..solvers.greedy import descend, stability_slack
from . import _kernels
from ._common import ENUMERATE_MAX_N, check_enumerable, decode

__all__ = ["fixed_points", "ground_state_basin"]


def fixed_points(model: SpinGlass) -> NDArray[np.uint8]:
    """All 1-flip-stable states, one per row: eq. 16's ``t = inf`` solutions.

    A state is listed iff ``(2 n_i - 1) xi_i(n) >= stability_slack(model)`` for every ``i`` (no
    single flip lowers ``H`` beyond rounding; see :func:`~isingeq.solvers.stability_slack`
    for why the tolerance is there): the states :func:`isingeq.one_flip_stable` accepts, and
    where the asynchronous ``t = inf`` update (:meth:`isingeq.Perceptron.iterate`) ends. The
    ground state is always among them. Enumerates all ``2^n`` states (numba, parallel, the exact
    solver's block Gray code).

    A listed state with no tied field (``xi_i != 0`` for every ``i``) is a fixed point of the
    ``t = inf`` layer, and every 0/1 fixed point of the layer is listed. A listed state with a
    tie ``xi_i = 0`` is not a fixed point of :meth:`isingeq.Perceptron.forward`, whose
    ``step(0) = 1/2`` (see ``isingeq.perceptron.fixed_points``): integer weights such as
    max-cut's have such ties.

    Parameters
    ----------
    model : SpinGlass
        With ``n <= 36`` (:data:`isingeq.EXACT_MAX_N`).

    Returns
    -------
    ndarray of uint8, shape (num_solutions, n)
        Sorted by increasing energy (ties by state code); row 0 is a ground state.

    Raises
    ------
    TypeError
        If ``model`` is not a SpinGlass.
    ValueError
        If ``n > 36``.

    Examples
    --------
    >>> import isingeq
    >>> m = isingeq.SpinGlass([[1.0, -3.0], [0.0, 1.0]])
    >>> isingeq.fixed_points(m)
    array([[1, 0],
           [0, 1]], dtype=uint8)

    With ties (a 4-cycle max-cut, integer weights) some listed states are not layer fixed
    points:

    >>> ring = isingeq.SpinGlass.from_maxcut(4, [(0, 1), (1, 2), (2, 3), (3, 0)])
    >>> fp = isingeq.fixed_points(ring)
    >>> len(fp), int(isingeq.Perceptron(ring).is_fixed_point(fp).sum())
    (6, 2)
    """
    model = check_model(model)
    n = model.n
    if n > EXACT_MAX_N:
        raise ValueError(
            f"n={n} is too large for fixed_points (limit {EXACT_MAX_N}, the exact-method limit)"
        )
    h = np.ascontiguousarray(model.h, dtype=np.float64)
    J = np.ascontiguousarray(model.dense_J(), dtype=np.float64)
    k, n_chunks = _plan(n)  # the exact solver's block split
    slack = stability_slack(model)
    counts = np.zeros(n_chunks, dtype=np.int64)
    dummy = np.zeros(1, dtype=np.int64)
    _kernels.stable_states(h, J, k, n_chunks, slack, 0, counts, dummy)
    total = int(counts.sum())
    codes = np.zeros(max(total, 1), dtype=np.int64)
    _kernels.stable_states(h, J, k, n_chunks, slack, 1, counts, codes)
    codes = codes[:total]
    S = decode(codes, n)
    E = model._energy_unchecked(S.astype(np.float64))
    order = np.lexsort((codes, E))
    return np.asarray(S[order])


def ground_state_basin(
    model: SpinGlass,
    *,
    num_starts: int | None = None,
    rng: Any = None,
) -> float:
    """Fraction of starting states that the asynchronous ``t = inf`` update takes to a ground state.

    The update is :meth:`isingeq.Perceptron.iterate` with ``mode="asynchronous"`` (nodes in
    index order, 1-flip descent). A run counts when it ends at a state whose energy equals the
    ground-state energy (within ``1e-9 * energy_scale``).

    Parameters
    ----------
    model : SpinGlass
    num_starts : int, optional
        ``None``: every one of the ``2^n`` states is a start (``n <= 24``), so the result is the
        exact basin size as a fraction of state space. Otherwise that many uniform random starts.
    rng : None, int, SeedSequence or Generator
        For the random starts.

    Returns
    -------
    float in [0, 1]

    Raises
    ------
    ValueError
        If ``n > 36`` (the ground-state energy comes from ``isingeq.solve(model,
        method="exact")``), ``num_starts`` is None and ``n > 24``, or ``num_starts < 1``.

    Examples
    --------
    >>> import isingeq
    >>> m = isingeq.SpinGlass([[1.0, -3.0], [0.0, 2.0]])     # (0,1) is the ground state
    >>> isingeq.ground_state_basin(m)    # from 01 and 11; 00 and 10 end at (1, 0)
    0.5
    """
    model = check_model(model)
    gen = as_generator(rng)
    n = model.n
    if n > EXACT_MAX_N:
        raise ValueError(
            f"n={n} is too large for ground_state_basin (limit {EXACT_MAX_N}: it needs the "
            "exact ground-state energy, from isingeq.solve(model, method='exact'))"
        )
    if num_starts is None:
        check_enumerable(model, ENUMERATE_MAX_N, "ground_state_basin with every start")
        X0 = decode(np.arange(1 << n, dtype=np.int64), n)
    else:
        R = check_int("num_starts", num_starts, low=1)
        X0 = gen.integers(0, 2, size=(R, n), dtype=np.uint8)
    # the exact solver's ground-state energy (recomputed from the model, as every solver's):
    # the energy of fixed_points(model)[0], without listing every stable state
    e0 = float(solve(model, method="exact").best_energy)
    S, _ = descend(model, X0)
    E = model._energy_unchecked(S.astype(np.float64))
    limit = e0 + 1e-9 * model.energy_scale  # relative: the same basin at any coupling scale
    return float(np.mean(limit >= E))
