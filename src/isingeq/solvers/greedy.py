"""``method="greedy"``: the asynchronous ``t = infinity`` update of eq. 16 (1-flip descent).

At ``t = infinity`` eq. 16 reads ``n_i = step(xi_i)``. Applied node by node (asynchronously) it is
exactly single-flip descent on ``H``: setting ``n_i = 1`` when ``xi_i > 0`` and ``n_i = 0`` when
``xi_i < 0`` never raises ``H`` (flipping ``n_i`` changes ``H`` by ``-xi_i`` or ``+xi_i``). Nodes
are visited **sequentially in index order**, sweep after sweep, until a sweep changes nothing: the
result is a fixed point of the ``t = infinity`` equation, i.e. 1-flip stable (no single flip lowers
``H``). Ties (``|xi_i|`` within the one stability tolerance,
:func:`~isingeq.solvers.stability_slack`) keep the current value, so every flip lowers ``H``
strictly, the descent always ends, and it ends in exactly the states
:func:`~isingeq.one_flip_stable` accepts.

:func:`~isingeq.polish` applies the same update to any result (``isingeq.polish(model, result)``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validation import check_int, check_model
from ..model import SpinGlass
from ..result import SolveResult
from . import _kernels
from ._common import fields, memo, start_states
from ._registry import register

__all__ = [
    "STABILITY_RTOL",
    "descend",
    "descent_converged",
    "one_flip_stable",
    "polish",
    "solve_greedy",
    "stability_slack",
]


def descend(
    model: SpinGlass, states: np.ndarray, max_sweeps: int = 10_000
) -> tuple[np.ndarray, np.ndarray]:
    """Run the asynchronous ``t = infinity`` update on each row of ``states`` (no validation).

    Returns the 1-flip-stable states (uint8, a new array) and the sweeps used per row.
    """
    X = np.array(states, dtype=np.uint8, order="C", copy=True)
    R = X.shape[0]
    G = fields(model, X)
    sweeps = np.zeros(R, dtype=np.int64)
    # a field within the stability slack of 0 is a tie and keeps x_i: the descent then ends in
    # exactly the states one_flip_stable accepts, and never flips on a rounding error
    tol = -stability_slack(model)
    if model.is_sparse:
        J = model.J
        _kernels.greedy_descent_csr(J.indptr, J.indices, J.data, X, G, max_sweeps, tol, sweeps)
    else:
        J = np.ascontiguousarray(model.J)
        _kernels.greedy_descent_dense(J, X, G, max_sweeps, tol, sweeps)
    return X, sweeps


def load_descent(model: SpinGlass) -> None:
    """Load :func:`descend`'s kernel for ``model``'s storage, on no rows
    (:func:`~._common.load_kernels`), with its fields' kernel for a sparse model."""
    descend(model, np.zeros((0, model.n), dtype=np.uint8), 1)
    if model.is_sparse:
        J, X = model.J, np.zeros((0, model.n))
        h = np.ascontiguousarray(model.h, dtype=np.float64)
        data = np.asarray(J.data, dtype=np.float64)
        _kernels.csr_fields(J.indptr, J.indices, data, h, X, X.copy())


def descent_converged(
    model: SpinGlass, X: np.ndarray, sweeps: np.ndarray, max_sweeps: int
) -> np.ndarray:
    """Which rows of :func:`descend`'s output reached its fixed point (are 1-flip stable):
    the ``converged`` extra of every method that ends with the descent (greedy's meaning).

    A row that took fewer than ``max_sweeps`` sweeps ended on a sweep that changed nothing;
    only the rows that used them all are tested (:func:`~isingeq.one_flip_stable`), so the
    usual case costs nothing.
    """
    ok = np.asarray(sweeps) < max_sweeps
    if not ok.all():
        ok[~ok] = one_flip_stable(model, X[~ok])
    return ok


def polish(model: SpinGlass, result: SolveResult, *, max_sweeps: int = 10_000) -> SolveResult:
    """Finish every sample of ``result`` with the ``t = infinity`` update (1-flip descent).

    Energies never rise. The result keeps its marginals and info; ``info["polish_sweeps"]`` is
    added and the method (``result.method`` and ``info["method"]``) becomes
    ``"<method>+greedy"``.

    Parameters
    ----------
    model : SpinGlass
        The model ``result`` was solved on.
    result : SolveResult
        Any method's result; its ``samples``, shape (num_reads, n), are the starting states.
    max_sweeps : int, default 10000
        Cap on sweeps per sample. The descent lowers ``H`` strictly with every flip, so it
        always ends; the cap only bounds the work on very large models.

    Returns
    -------
    SolveResult
        A new result with one 1-flip-stable sample per sample of ``result`` (unless a read hit
        ``max_sweeps``), its energies recomputed from ``model``; ``info`` is ``result.info``
        with ``"method"`` renamed as above and ``polish_sweeps``, shape (num_reads,), the
        sweeps each sample took.

    Raises
    ------
    TypeError
        If ``model`` is not a SpinGlass or ``result`` is not a SolveResult.
    ValueError
        If ``result.samples`` do not fit ``model`` (another ``n``), or ``max_sweeps < 1``.

    See Also
    --------
    isingeq.solvers.solve_greedy : the same descent from given or random states.

    Examples
    --------
    >>> import isingeq
    >>> m = isingeq.paper_instance(12, rng=0)
    >>> raw = isingeq.solve(m, method="scipy-root")
    >>> isingeq.polish(m, raw).best_energy <= raw.best_energy
    True
    """
    check_model(model)
    if not isinstance(result, SolveResult):
        raise TypeError(f"`result` must be a SolveResult; got {type(result).__name__}")
    model.check_states(result.samples, name="result.samples")
    max_sweeps = check_int("max_sweeps", max_sweeps, low=1)
    X, sweeps = descend(model, result.samples, max_sweeps)
    info = dict(result.info)
    info["polish_sweeps"] = sweeps
    method = f"{result.method}+greedy"
    if "method" in info:  # the info core names the method too: the two must agree
        info["method"] = method
    return SolveResult.from_samples(model, X, method, marginals=result.marginals, info=info)


@register("greedy")
def solve_greedy(
    model: SpinGlass,
    *,
    rng: np.random.Generator | None = None,
    num_reads: int | None = None,
    initial_states: Any = None,
    max_sweeps: int = 10_000,
) -> SolveResult:
    """1-flip descent: the asynchronous ``t = infinity`` update of eq. 16 from given or random states.

    Parameters
    ----------
    model : SpinGlass
    rng : None, int, SeedSequence or Generator, optional
        Draws the random initial states.
    num_reads : int, optional
        Number of descents: default the rows of ``initial_states``, else 1.
    initial_states : array_like, shape (n,) or (num_reads, n), optional
        0/1 starting states (one row is used for every read); uniform random if omitted.
    max_sweeps : int, default 10000
        Cap on sweeps per read; ``info["converged"]`` says which reads reached a fixed point.

    Returns
    -------
    SolveResult
        1-flip-stable samples; ``info``: the core of :mod:`isingeq.result` (``stopped`` is
        "converged" when every read is 1-flip stable, else "max_sweeps"), ``sweeps_per_read``,
        ``converged`` (per read).

    Raises
    ------
    ValueError
        If ``initial_states`` has the wrong shape or values other than 0/1, or if
        ``num_reads`` disagrees with it.

    Examples
    --------
    >>> import isingeq
    >>> r = isingeq.solvers.solve_greedy(isingeq.paper_instance(12, rng=0), num_reads=4, rng=0)
    >>> r.samples.shape, bool(r.info["converged"].all()), r.info["stopped"]
    ((4, 12), True, 'converged')
    """
    max_sweeps = check_int("max_sweeps", max_sweeps, low=1)
    gen = rng if rng is not None else np.random.default_rng()
    if initial_states is None:
        R = 1 if num_reads is None else check_int("num_reads", num_reads, low=1)
        X0 = gen.integers(0, 2, size=(R, model.n), dtype=np.uint8)
    else:
        X0 = start_states(model, initial_states, num_reads, binary=True).astype(np.uint8)
    X, sweeps = descend(model, X0, max_sweeps)
    stable = one_flip_stable(model, X)
    info = {
        "options": {"num_reads": X.shape[0]},
        "sweeps": int(sweeps.sum()),
        "stopped": "converged" if bool(stable.all()) else "max_sweeps",
        "sweeps_per_read": sweeps,
        "converged": stable,
    }
    return SolveResult.from_samples(model, X, "greedy", info=info)


#: Relative tolerance of the 1-flip-stability test; see :func:`~isingeq.solvers.stability_slack`.
STABILITY_RTOL = 1e-12


def stability_slack(model: SpinGlass) -> float:
    """The one tolerance of every 1-flip-stability test: ``-STABILITY_RTOL * energy_scale``.

    A state counts as 1-flip stable when ``(2 n_i - 1) xi_i >= stability_slack(model)`` for every
    ``i``. The slack is negative so that exact ties (``xi_i = 0``, e.g. ``0.3 - 0.1 - 0.2``) are
    stable whatever their rounding: fields kept incrementally (the descent and enumeration kernels
    add one column of ``J`` per flip) accumulate rounding of order ``1e-16`` times the field size,
    so the same tie can come out slightly positive in one computation and slightly negative in
    another. Scaling by ``energy_scale`` keeps the test invariant under rescaling ``eps``.
    :func:`~isingeq.one_flip_stable`, :func:`isingeq.fixed_points` and the convergence check of
    :meth:`isingeq.Perceptron.iterate` all use it, so they agree on near-ties.

    Parameters
    ----------
    model : SpinGlass

    Returns
    -------
    float
        ``<= 0``: ``-STABILITY_RTOL`` times ``model.energy_scale`` (``sum |eps_ij|``), 0 only
        for a model without a nonzero weight.

    Examples
    --------
    >>> import isingeq
    >>> m = isingeq.SpinGlass([[0.3, -0.1, -0.2], [0, 0, 0], [0, 0, 0]])
    >>> xi0 = float(m.local_field([1.0, 1.0, 1.0])[0])   # 0.3 - 0.1 - 0.2, rounded
    >>> xi0 < 0, xi0 >= stability_slack(m)
    (True, True)
    """
    # a pass over every coupling: once per model within a solve (a dense n = 3000 took 22 ms)
    scale = memo(model, "energy_scale", lambda: float(model.energy_scale))
    # relative, with no absolute floor: a BQM scaled by 1e-13 must have the same stable states
    # (a floor of 1e-12 made every field of such a model a tie: states 1 flip from better)
    return -STABILITY_RTOL * scale


def one_flip_stable(model: SpinGlass, states: Any) -> np.ndarray:
    """Whether each state is 1-flip stable (no single flip lowers ``H``): a ``t = inf`` solution.

    ``n_i = 1`` needs ``xi_i >= 0`` and ``n_i = 0`` needs ``xi_i <= 0``, both up to the slack
    :func:`~isingeq.solvers.stability_slack` (ties count as stable).

    Parameters
    ----------
    model : SpinGlass
    states : array_like, shape (n,) or (R, n)
        0/1 states.

    Returns
    -------
    ndarray of bool, shape (R,)
        One entry per state; shape (1,) for a single state of shape (n,).

    Raises
    ------
    TypeError
        If ``model`` is not a SpinGlass, or ``states`` are not real numbers.
    ValueError
        If ``states`` have the wrong length or a value other than 0 and 1.

    Examples
    --------
    >>> import isingeq
    >>> m = isingeq.SpinGlass([[1.0, -3.0], [0.0, 1.0]])
    >>> one_flip_stable(m, [[1, 0], [1, 1], [0, 0]]).tolist()
    [True, False, False]
    """
    check_model(model)
    X = np.atleast_2d(model.check_states(states, name="states")).astype(np.float64)
    xi = model.local_field(X)
    return np.all(xi * (2.0 * X - 1.0) >= stability_slack(model), axis=1)
