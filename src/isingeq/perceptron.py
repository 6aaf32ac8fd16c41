"""The perceptron view of eq. 16: the model as a recurrent layer, its fixed points, and exactness.

With the bias ``h = diag(eps)`` and the symmetric zero-diagonal coupling ``J`` of
:mod:`isingeq.model`, eq. 16 is one recurrent perceptron layer applied to its own output::

    layer(x) = sigmoid(t (J x + h))            x in [0, 1]^n
    eq. 16:    x = layer(x)

so the solutions of eq. 16 are, by definition, the fixed points of the layer. At
``t = infinity`` the sigmoid becomes a step. ``sigmoid(t * 0) = 1/2`` for every ``t``, so the
limit keeps ``step(0) = 1/2``; a 0/1 vector is then a fixed point of :meth:`Perceptron.forward`
iff it is *strictly* 1-flip stable (``xi_i > 0`` where ``n_i = 1``, ``xi_i < 0`` where
``n_i = 0``). The asynchronous update (:meth:`Perceptron.iterate` with ``mode="asynchronous"``)
keeps a node's value on a tie ``xi_i = 0``, as :mod:`isingeq.solvers.greedy` does; its fixed
points are exactly the 1-flip-stable states of :func:`isingeq.one_flip_stable`
(``(2 n_i - 1) xi_i >= 0`` for all ``i``). For the paper's instances (continuous ``eps``) ties
have probability zero and the two sets agree; :func:`fixed_points` lists them all.

Exactness. For the Boltzmann distribution ``P(n) ~ exp(-t H(n))`` the conditional of one node
given the rest is exactly the layer's output::

    P(n_i = 1 | n_rest) = sigmoid(t xi_i(n))

(:func:`conditional_identity_error` checks this by enumeration). Eq. 16 replaces ``n_j`` inside
``xi_i`` by ``<n_j>``: that mean-field step is the approximation, measured by
:func:`mean_field_error`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit

from . import _perceptron_kernels as _pk
from ._validation import as_generator, check_int, check_real
from .model import SpinGlass
from .solvers.exact import EXACT_MAX_N, exact_log_partition
from .solvers.greedy import descend

__all__ = [
    "ENUMERATE_MAX_N",
    "FixedPointResult",
    "Perceptron",
    "conditional_identity_error",
    "fixed_points",
    "ground_state_basin",
    "mean_field_error",
    "solve_eq16_continuation",
]

#: Largest n for functions that hold all 2^n probabilities or starts in memory (2^24 float64 = 128 MiB).
ENUMERATE_MAX_N = 24
_MODES = ("synchronous", "asynchronous")


def _check_model(model: Any) -> SpinGlass:
    if not isinstance(model, SpinGlass):
        raise TypeError(f"`model` must be a SpinGlass; got {type(model).__name__}")
    return model


def _check_t(t: Any, *, allow_inf: bool = True) -> float:
    return check_real("t", t, low=0.0, allow_inf=allow_inf)


def _check_enumerable(model: SpinGlass, limit: int, what: str) -> None:
    if model.n > limit:
        raise ValueError(
            f"n={model.n} is too large for {what} (limit {limit}: it enumerates all 2^n states)"
        )


def _step_sigmoid(a: NDArray[np.float64], t: float) -> NDArray[np.float64]:
    """``sigmoid(t a)``, with the ``t = inf`` limit ``step(a)`` and ``step(0) = 1/2``."""
    if np.isinf(t):
        return np.where(a > 0, 1.0, np.where(a < 0, 0.0, 0.5))
    return np.asarray(expit(t * a), dtype=np.float64)


@dataclass(frozen=True)
class FixedPointResult:
    """The outcome of :meth:`Perceptron.iterate`.

    Attributes
    ----------
    states : ndarray, shape (R, n)
        The last iterate of each run (float64 in [0, 1]; 0/1 at ``t = inf``).
    converged : ndarray of bool, shape (R,)
        Whether a sweep changed no entry by more than ``tol`` (a fixed point was reached).
    sweeps : ndarray of int, shape (R,)
        Sweeps used per run (a synchronous sweep is one application of the layer).
    mode : str
    t : float
    """

    states: NDArray[np.float64]
    converged: NDArray[np.bool_]
    sweeps: NDArray[np.int64]
    mode: str
    t: float


class Perceptron:
    """The model as a recurrent perceptron layer ``layer(x) = sigmoid(t (J x + h))``.

    Weights ``J`` (symmetric, zero diagonal) and bias ``h = diag(eps)`` are the model's own (see
    :mod:`isingeq.model`); eq. 16 is ``x = layer(x)``. See :mod:`isingeq.perceptron` for the
    statements about its fixed points.

    Parameters
    ----------
    model : SpinGlass
    t : float, default inf
        Inverse temperature, ``t >= 0``; ``inf`` gives the step activation (``step(0) = 1/2``).

    Raises
    ------
    TypeError
        If ``model`` is not a SpinGlass or ``t`` is not a real number.
    ValueError
        If ``t`` is negative or NaN.

    Examples
    --------
    >>> import isingeq
    >>> m = isingeq.SpinGlass([[1.0, -3.0], [0.0, 1.0]])
    >>> p = isingeq.Perceptron(m)                 # t = inf: a step activation
    >>> p.forward([1, 0])                         # xi = (1, -2): a fixed point
    array([1., 0.])
    >>> p.forward([1, 1])                         # xi = (-2, -2)
    array([0., 0.])
    >>> r = p.iterate([[1, 1]], mode="asynchronous")
    >>> r.states, r.converged
    (array([[0., 1.]]), array([ True]))
    """

    __slots__ = ("model", "t")

    def __init__(self, model: SpinGlass, t: float = np.inf) -> None:
        self.model = _check_model(model)
        self.t = _check_t(t)

    def __repr__(self) -> str:
        return f"Perceptron(n={self.model.n}, t={self.t:g})"

    @property
    def weights(self) -> Any:
        """``J``: symmetric, zero diagonal, shape (n, n) (dense array or CSR)."""
        return self.model.J

    @property
    def bias(self) -> NDArray[np.float64]:
        """``h = diag(eps)``, shape (n,)."""
        return self.model.h

    def _inputs(self, x: ArrayLike, name: str) -> NDArray[np.float64]:
        X = np.asarray(x, dtype=np.float64)
        if X.ndim not in (1, 2) or X.shape[-1] != self.model.n:
            raise ValueError(
                f"`{name}` must have shape (n,) or (R, n) with n={self.model.n}; got shape "
                f"{np.shape(x)}"
            )
        if not np.all(np.isfinite(X)):
            raise ValueError(f"`{name}` must be finite")
        return X

    def forward(self, x: ArrayLike) -> NDArray[np.float64]:
        """One application of the layer: ``sigmoid(t (J x + h))``.

        Parameters
        ----------
        x : array_like, shape (n,) or (R, n)
            Inputs (any real values; eq. 16 uses ``x in [0, 1]``).

        Returns
        -------
        ndarray, same shape as ``x``

        Raises
        ------
        ValueError
            If ``x`` has the wrong shape or non-finite entries.
        """
        X = self._inputs(x, "x")
        return _step_sigmoid(self.model.local_field(X), self.t)

    def is_fixed_point(self, x: ArrayLike, *, atol: float = 1e-9) -> NDArray[np.bool_]:
        """Whether ``max_i |layer(x)_i - x_i| <= atol`` for each row (a solution of eq. 16).

        Examples
        --------
        >>> import isingeq
        >>> p = isingeq.Perceptron(isingeq.SpinGlass([[1.0, -3.0], [0.0, 1.0]]))
        >>> p.is_fixed_point([[1, 0], [0, 1], [1, 1]]).tolist()
        [True, True, False]
        """
        atol = check_real("atol", atol, low=0.0)
        X = np.atleast_2d(self._inputs(x, "x"))
        return np.asarray(np.max(np.abs(self.forward(X) - X), axis=1) <= atol)

    def iterate(
        self,
        x0: ArrayLike,
        *,
        mode: str = "asynchronous",
        max_sweeps: int = 1000,
        tol: float = 1e-12,
        damping: float = 0.0,
    ) -> FixedPointResult:
        """Fixed-point iteration of the layer from each row of ``x0``.

        Parameters
        ----------
        x0 : array_like, shape (n,) or (R, n)
            Starting points; 0/1 at ``t = inf``, values in [0, 1] otherwise.
        mode : {"asynchronous", "synchronous"}
            ``"synchronous"``: ``x <- (1 - damping) layer(x) + damping x`` on all nodes at once
            (it may cycle: ``converged`` says so). ``"asynchronous"``: nodes updated one at a
            time in index order, each seeing the newest values; at ``t = inf`` a tie
            ``xi_i = 0`` keeps the current value and the run is 1-flip descent on ``H``
            (:func:`isingeq.solvers.greedy.descend`), which always ends.
        max_sweeps : int, default 1000
        tol : float, default 1e-12
            A sweep that moves no entry by more than ``tol`` ends the run as converged.
        damping : float in [0, 1), default 0
            Synchronous mode only.

        Returns
        -------
        FixedPointResult

        Raises
        ------
        ValueError
            On a bad ``mode``, out-of-range option, wrong shape, or (at ``t = inf``) non-0/1
            starting values.

        Examples
        --------
        >>> import isingeq
        >>> m = isingeq.SpinGlass.from_symmetric([[0, 2.0], [2.0, 0]], h=[-1.0, -1.0])
        >>> r = isingeq.Perceptron(m).iterate([[1, 0]], mode="synchronous", max_sweeps=10)
        >>> r.converged.tolist(), r.states.tolist()       # (1,0) -> (0,1) -> (1,0): a 2-cycle
        ([False], [[1.0, 0.0]])
        """
        if mode not in _MODES:
            raise ValueError(f"`mode` must be one of {_MODES}; got {mode!r}")
        max_sweeps = check_int("max_sweeps", max_sweeps, low=1)
        tol = check_real("tol", tol, low=0.0)
        damping = check_real("damping", damping, low=0.0, high=1.0, high_open=True)
        X = np.array(np.atleast_2d(self._inputs(x0, "x0")), dtype=np.float64)
        R, n = X.shape
        t = self.t
        if np.isinf(t):
            if not np.all((X == 0) | (X == 1)):
                raise ValueError("`x0` must be 0/1 at t = inf")
            if mode == "asynchronous":
                S, sw = descend(self.model, X.astype(np.uint8), max_sweeps)
                conv = self._async_stable(S)
                return FixedPointResult(S.astype(np.float64), conv, sw, mode, t)
        converged = np.zeros(R, dtype=bool)
        sweeps = np.zeros(R, dtype=np.int64)
        h = self.model.h
        J = self.model.dense_J() if mode == "asynchronous" else None
        for _ in range(max_sweeps):
            active = ~converged
            if not active.any():
                break
            Xa = X[active]
            old = Xa.copy()
            if mode == "synchronous":
                new = _step_sigmoid(self.model.local_field(Xa), t)
                Xa = (1.0 - damping) * new + damping * Xa
            else:
                for i in range(n):
                    assert J is not None
                    xi = h[i] + Xa @ J[:, i]
                    Xa[:, i] = _step_sigmoid(xi, t)
            X[active] = Xa
            sweeps[active] += 1
            done = np.max(np.abs(Xa - old), axis=1) <= tol
            idx = np.flatnonzero(active)
            converged[idx[done]] = True
        return FixedPointResult(X, converged, sweeps, mode, t)

    def _async_stable(self, S: NDArray[np.uint8]) -> NDArray[np.bool_]:
        xi = self.model.local_field(S.astype(np.float64))
        return np.asarray(np.all(xi * (2.0 * S - 1.0) >= 0, axis=1))


def fixed_points(model: SpinGlass, *, tol: float = 0.0) -> NDArray[np.uint8]:
    """Every ``t = inf`` solution of eq. 16: all 1-flip-stable states, one per row.

    A state is listed iff ``(2 n_i - 1) xi_i(n) >= -tol * model.energy_scale`` for every ``i``
    (no single flip lowers ``H`` by more than the tolerance); these are exactly the fixed points
    of the asynchronous ``t = inf`` update (:meth:`Perceptron.iterate`). The ground state is
    always among them. Enumerates all ``2^n`` states (numba, parallel, Gray code).

    Parameters
    ----------
    model : SpinGlass
        With ``n <= 36`` (:data:`isingeq.EXACT_MAX_N`).
    tol : float, default 0
        Relative tolerance for ties (fields are updated incrementally, so exact ties may come
        out as ``-1e-16``; pass e.g. ``1e-12`` for models with exact ties such as integer
        couplings).

    Returns
    -------
    ndarray of uint8, shape (num_solutions, n)
        Sorted by increasing energy (ties by state code); row 0 is a ground state.

    Raises
    ------
    ValueError
        If ``n > 36``.

    Examples
    --------
    >>> import isingeq
    >>> m = isingeq.SpinGlass([[1.0, -3.0], [0.0, 1.0]])
    >>> isingeq.fixed_points(m)
    array([[1, 0],
           [0, 1]], dtype=uint8)
    """
    model = _check_model(model)
    tol = check_real("tol", tol, low=0.0)
    n = model.n
    if n > EXACT_MAX_N:
        raise ValueError(
            f"n={n} is too large for fixed_points (limit {EXACT_MAX_N}, the exact-method limit)"
        )
    h = np.ascontiguousarray(model.h, dtype=np.float64)
    J = np.ascontiguousarray(model.dense_J(), dtype=np.float64)
    k = min(n, 16)
    nb = 1 << (n - k)
    slack = -tol * max(1.0, model.energy_scale) if tol > 0 else 0.0
    counts = np.zeros(nb, dtype=np.int64)
    dummy = np.zeros(1, dtype=np.int64)
    _pk.stable_states(h, J, k, slack, 0, counts, dummy)
    codes = np.zeros(max(int(counts.sum()), 1), dtype=np.int64)
    _pk.stable_states(h, J, k, slack, 1, counts, codes)
    codes = codes[: int(counts.sum())]
    S = ((codes[:, None] >> np.arange(n, dtype=np.int64)[None, :]) & 1).astype(np.uint8)
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

    The update is :meth:`Perceptron.iterate` with ``mode="asynchronous"`` (nodes in index
    order, 1-flip descent). A run counts when it ends at a state whose energy equals the
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

    Examples
    --------
    >>> import isingeq
    >>> m = isingeq.SpinGlass([[1.0, -3.0], [0.0, 2.0]])     # (0,1) is the ground state
    >>> isingeq.ground_state_basin(m)    # from 01 and 11; 00 and 10 end at (1, 0)
    0.5
    """
    model = _check_model(model)
    gen = as_generator(rng)
    n = model.n
    gs = fixed_points(model)[:1]
    e0 = float(model.energy(gs)[0])
    if num_starts is None:
        _check_enumerable(model, ENUMERATE_MAX_N, "ground_state_basin with every start")
        codes = np.arange(1 << n, dtype=np.int64)
        X0 = ((codes[:, None] >> np.arange(n, dtype=np.int64)[None, :]) & 1).astype(np.uint8)
    else:
        R = check_int("num_starts", num_starts, low=1)
        X0 = gen.integers(0, 2, size=(R, n), dtype=np.uint8)
    S, _ = descend(model, X0)
    E = model._energy_unchecked(S.astype(np.float64))
    limit = e0 + 1e-9 * max(1.0, model.energy_scale)
    return float(np.mean(limit >= E))


def _all_log_probs(model: SpinGlass, t: float) -> NDArray[np.float64]:
    """``log P(code)`` for every code (bit ``i`` = ``n_i``), normalised with the exact log Z."""
    E = np.empty(1 << model.n)
    _pk.all_energies(
        np.ascontiguousarray(model.h, dtype=np.float64),
        np.ascontiguousarray(model.dense_J(), dtype=np.float64),
        E,
    )
    log_z, _ = exact_log_partition(model, t)
    return np.asarray(-t * (E + model.offset) - log_z)


def conditional_identity_error(model: SpinGlass, t: float) -> float:
    """``max |P(n_i = 1 | n_rest) - sigmoid(t xi_i(n))|`` over all nodes and all ``n_rest``.

    ``P`` is the exact Boltzmann distribution ``exp(-t H) / Z`` over all ``2^n`` states (log Z
    from :func:`isingeq.exact_log_partition`); the conditional is computed from the joint
    probabilities of the two states that differ in ``n_i`` only. The identity is exact, so the
    result is rounding error (about ``1e-16``).

    Parameters
    ----------
    model : SpinGlass
        With ``n <= 24``.
    t : float
        Finite inverse temperature, ``t >= 0``.

    Returns
    -------
    float

    Examples
    --------
    >>> import isingeq
    >>> m = isingeq.paper_instance(8, rng=1)
    >>> isingeq.conditional_identity_error(m, 2.0) < 1e-14
    True
    """
    model = _check_model(model)
    t = _check_t(t, allow_inf=False)
    _check_enumerable(model, ENUMERATE_MAX_N, "conditional_identity_error")
    n = model.n
    logp = _all_log_probs(model, t)
    codes = np.arange(1 << n, dtype=np.int64)
    worst = 0.0
    for i in range(n):
        c0 = codes[((codes >> i) & 1) == 0]
        c1 = c0 | (1 << i)
        # P(n_i = 1 | rest) = p1 / (p0 + p1), in a form that neither overflows nor underflows
        cond = expit(logp[c1] - logp[c0])
        X0 = ((c0[:, None] >> np.arange(n, dtype=np.int64)[None, :]) & 1).astype(np.float64)
        xi = model.h[i] + X0 @ np.asarray(model.dense_J()[:, i])
        worst = max(worst, float(np.max(np.abs(cond - expit(t * xi)))))
    return worst


def solve_eq16_continuation(
    model: SpinGlass,
    t: float,
    *,
    num_steps: int = 50,
    damping: float = 0.5,
    max_iter: int = 10_000,
    tol: float = 1e-12,
) -> NDArray[np.float64]:
    """A solution of eq. 16 at ``t`` by damped fixed-point iteration, continued from small ``t``.

    At ``t = 0`` the solution is ``x = 1/2``; ``t`` rises geometrically from ``t / 1000`` (or
    linearly from 0 when ``num_steps`` is 1) and each step starts from the last solution, with
    ``x <- damping x + (1 - damping) sigmoid(t (J x + h))``.

    Examples
    --------
    >>> import isingeq
    >>> from isingeq.perceptron import solve_eq16_continuation
    >>> m = isingeq.paper_instance(6, rng=0)
    >>> x = solve_eq16_continuation(m, 1.0)
    >>> bool(isingeq.Perceptron(m, t=1.0).is_fixed_point(x, atol=1e-9)[0])
    True
    """
    model = _check_model(model)
    t = _check_t(t, allow_inf=False)
    num_steps = check_int("num_steps", num_steps, low=1)
    damping = check_real("damping", damping, low=0.0, high=1.0, high_open=True)
    max_iter = check_int("max_iter", max_iter, low=1)
    tol = check_real("tol", tol, low=0.0)
    x = np.full(model.n, 0.5)
    ts = [t] if num_steps == 1 or t == 0 else list(np.geomspace(t / 1000.0, t, num_steps))
    for tk in ts:
        for _ in range(max_iter):
            new = damping * x + (1.0 - damping) * expit(tk * model.local_field(x))
            if np.max(np.abs(new - x)) <= tol:
                x = new
                break
            x = new
    return np.asarray(x)


def mean_field_error(model: SpinGlass, t: float, *, num_steps: int = 50) -> float:
    """``max_i |<n_i>_eq16 - <n_i>_exact|`` at inverse temperature ``t``.

    ``<n>_eq16`` solves eq. 16 (:func:`solve_eq16_continuation`: damped iteration with
    continuation from small ``t``); ``<n>_exact`` are the exact Boltzmann marginals
    (:func:`isingeq.exact_log_partition`). This measures the mean-field step, the one
    approximation between the exact conditional and eq. 16.

    Parameters
    ----------
    model : SpinGlass
        With ``n <= 36``.
    t : float
        Finite, ``>= 0``.
    num_steps : int, default 50
        Continuation steps.

    Returns
    -------
    float in [0, 1]

    Examples
    --------
    >>> import isingeq
    >>> m = isingeq.paper_instance(6, rng=0)
    >>> isingeq.mean_field_error(m, 0.0)          # at t = 0 both are 1/2
    0.0
    """
    model = _check_model(model)
    t = _check_t(t, allow_inf=False)
    _, exact = exact_log_partition(model, t)
    x = solve_eq16_continuation(model, t, num_steps=num_steps)
    return float(np.max(np.abs(x - exact)))
