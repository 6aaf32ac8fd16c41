"""``method="greedy"``: the asynchronous ``t = infinity`` update of eq. 16 (1-flip descent).

At ``t = infinity`` eq. 16 reads ``n_i = step(xi_i)``. Applied node by node (asynchronously) it
is exactly single-flip descent on ``H``: setting ``n_i = 1`` when ``xi_i > 0`` and ``n_i = 0``
when ``xi_i < 0`` never raises ``H`` (flipping ``n_i`` changes ``H`` by ``-xi_i`` or ``+xi_i``).
Nodes are visited **sequentially in index order**, sweep after sweep, until a sweep changes
nothing: the result is a fixed point of the ``t = infinity`` equation, i.e. 1-flip stable (no
single flip lowers ``H``). Ties (``xi_i == 0``) keep the current value, so every flip lowers
``H`` strictly and the descent always ends.

:func:`polish` applies the same update to any result (``isingeq.polish(model, result)``).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from .._validation import check_int
from ..model import SpinGlass
from ..result import SolveResult
from . import _kernels
from ._registry import register

__all__ = ["descend", "one_flip_stable", "polish", "solve_greedy"]


def descend(
    model: SpinGlass, states: np.ndarray, max_sweeps: int = 10_000
) -> tuple[np.ndarray, np.ndarray]:
    """Run the asynchronous ``t = infinity`` update on each row of ``states`` (no validation).

    Returns the 1-flip-stable states (uint8, a new array) and the sweeps used per row.
    """
    X = np.array(states, dtype=np.uint8, order="C", copy=True)
    R = X.shape[0]
    G = np.ascontiguousarray(model.local_field(X.astype(np.float64)), dtype=np.float64)
    sweeps = np.zeros(R, dtype=np.int64)
    if model.is_sparse:
        J = model.J
        _kernels.greedy_descent_csr(J.indptr, J.indices, J.data, X, G, max_sweeps, sweeps)
    else:
        _kernels.greedy_descent_dense(np.ascontiguousarray(model.J), X, G, max_sweeps, sweeps)
    return X, sweeps


def polish(model: SpinGlass, result: SolveResult, *, max_sweeps: int = 10_000) -> SolveResult:
    """Finish every sample of ``result`` with the ``t = infinity`` update (1-flip descent).

    Energies never rise. The result keeps its marginals and info; ``info["polish_sweeps"]`` is
    added and the method becomes ``"<method>+greedy"``.

    Examples
    --------
    >>> import isingeq
    >>> m = isingeq.paper_instance(12, rng=0)
    >>> raw = isingeq.solve(m, method="scipy-root")
    >>> isingeq.polish(m, raw).best_energy <= raw.best_energy
    True
    """
    if not isinstance(result, SolveResult):
        raise TypeError(f"`result` must be a SolveResult; got {type(result).__name__}")
    model.check_states(result.samples, name="result.samples")
    max_sweeps = check_int("max_sweeps", max_sweeps, low=1)
    X, sweeps = descend(model, result.samples, max_sweeps)
    info = dict(result.info)
    info["polish_sweeps"] = sweeps
    return SolveResult.from_samples(
        model, X, f"{result.method}+greedy", marginals=result.marginals, info=info
    )


@register("greedy")
def solve_greedy(
    model: SpinGlass,
    *,
    rng: np.random.Generator | None = None,
    num_reads: int = 1,
    initial_states: Any = None,
    max_sweeps: int = 10_000,
) -> SolveResult:
    """1-flip descent: the asynchronous ``t = infinity`` update of eq. 16 from given or random states.

    Parameters
    ----------
    model : SpinGlass
    rng : Generator, optional
        Draws the random initial states.
    num_reads : int, default 1
        Number of descents (ignored rows count must match ``initial_states`` when given).
    initial_states : array_like, shape (num_reads, n) or (n,), optional
        0/1 starting states; uniform random if omitted.
    max_sweeps : int, default 10000
        Cap on sweeps per read; ``info["stable"]`` says which reads reached a fixed point.

    Returns
    -------
    SolveResult
        1-flip-stable samples; ``info``: ``sweeps``, ``stable``, ``time_ns``.

    Raises
    ------
    ValueError
        If ``initial_states`` has the wrong shape or values other than 0/1, or if
        ``num_reads`` disagrees with it.
    """
    R = check_int("num_reads", num_reads, low=1)
    max_sweeps = check_int("max_sweeps", max_sweeps, low=1)
    gen = rng if rng is not None else np.random.default_rng()
    if initial_states is None:
        X0 = gen.integers(0, 2, size=(R, model.n), dtype=np.uint8)
    else:
        X0 = np.atleast_2d(model.check_states(initial_states, name="initial_states"))
        if num_reads != 1 and X0.shape[0] != R:
            raise ValueError(
                f"`num_reads`={R} disagrees with `initial_states`, which has {X0.shape[0]} rows"
            )
    t0 = time.perf_counter_ns()
    X, sweeps = descend(model, X0, max_sweeps)
    info = {
        "sweeps": sweeps,
        "stable": one_flip_stable(model, X),
        "time_ns": time.perf_counter_ns() - t0,
    }
    return SolveResult.from_samples(model, X, "greedy", info=info)


def one_flip_stable(model: SpinGlass, states: Any) -> np.ndarray:
    """Whether each state is 1-flip stable (no single flip lowers ``H``): a ``t = inf`` solution.

    ``n_i = 1`` needs ``xi_i >= 0`` and ``n_i = 0`` needs ``xi_i <= 0``.

    Examples
    --------
    >>> import isingeq
    >>> m = isingeq.SpinGlass([[1.0, -3.0], [0.0, 1.0]])
    >>> one_flip_stable(m, [[1, 0], [1, 1], [0, 0]]).tolist()
    [True, False, False]
    """
    X = np.atleast_2d(model.check_states(states, name="states")).astype(np.float64)
    xi = model.local_field(X)
    slack = -1e-12 * max(1.0, model.energy_scale)  # fields are kept incrementally
    return np.all(xi * (2.0 * X - 1.0) >= slack, axis=1)
