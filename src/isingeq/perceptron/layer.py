"""The model as a recurrent perceptron layer, and its fixed-point iteration (eq. 16).

With the bias ``h = diag(eps)`` and the symmetric zero-diagonal coupling ``J`` of
:mod:`isingeq.model`, eq. 16 is one recurrent perceptron layer applied to its own output::

    layer(x) = sigmoid(t (J x + h))            x in [0, 1]^n
    eq. 16:    x = layer(x)

so the solutions of eq. 16 are, by definition, the fixed points of the layer. At
``t = infinity`` the sigmoid becomes a step. ``sigmoid(t * 0) = 1/2`` for every ``t``, so the
limit keeps ``step(0) = 1/2``; a 0/1 vector is then a fixed point of :meth:`Perceptron.forward`
iff it is *strictly* 1-flip stable (``xi_i > 0`` where ``n_i = 1``, ``xi_i < 0`` where
``n_i = 0``). The asynchronous update (:meth:`Perceptron.iterate` with ``mode="asynchronous"``)
keeps a node's value on a tie ``xi_i = 0``, as :mod:`isingeq.solvers.greedy` does; it ends in
a 1-flip-stable state of :func:`isingeq.one_flip_stable` (``(2 n_i - 1) xi_i >= 0`` for all
``i``, up to the one tolerance :func:`~isingeq.solvers.stability_slack`), and every such
state is left unchanged except where a tie ``xi_i = 0`` has come out of rounding as a tiny
nonzero number. For the paper's instances (continuous ``eps``) ties have probability zero;
:func:`isingeq.fixed_points` lists all the 1-flip-stable states.

``damping`` means the weight on the **old** value everywhere in :mod:`isingeq.perceptron`:
``x <- damping x + (1 - damping) layer(x)``, so 0 is the undamped update.
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError, dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit

from .._validation import check_int, check_model, check_real
from ..model import SpinGlass
from ..solvers.greedy import descend, one_flip_stable
from ._common import check_t, reject_tensor, renamed

__all__ = ["FixedPointResult", "Perceptron"]

_MODES = ("synchronous", "asynchronous")


def step_sigmoid(a: NDArray[np.float64], t: float) -> NDArray[np.float64]:
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
        Whether a fixed point was reached: a sweep changed no entry by more than ``tol`` (at
        ``t = inf`` in asynchronous mode: the end state is 1-flip stable,
        :func:`isingeq.one_flip_stable`).
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
    :mod:`isingeq.model`); eq. 16 is ``x = layer(x)``. See ``isingeq.perceptron.layer`` for the
    statements about its fixed points. Calling the layer, ``p(x)``, is :meth:`forward`.

    A Perceptron is read-only, as its :class:`FixedPointResult` is: assigning ``model`` or ``t``
    (or anything else) raises :class:`dataclasses.FrozenInstanceError` (an AttributeError); make
    a new one instead, ``Perceptron(p.model, t=2.0)``. Inputs are NumPy arrays or array_likes; a
    torch tensor that requires grad or lives on a GPU is refused with a TypeError that says how to
    convert it (a plain CPU tensor is read as an array).

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
    dataclasses.FrozenInstanceError
        On assigning an attribute after construction.

    Examples
    --------
    >>> import isingeq
    >>> m = isingeq.SpinGlass([[1.0, -3.0], [0.0, 1.0]])
    >>> p = isingeq.Perceptron(m)                 # t = inf: a step activation
    >>> p.forward([1, 0])                         # xi = (1, -2): a fixed point
    array([1., 0.])
    >>> p([1, 1])                                 # the same as p.forward: xi = (-2, -2)
    array([0., 0.])
    >>> r = p.iterate([[1, 1]], mode="asynchronous")
    >>> r.states, r.converged
    (array([[0., 1.]]), array([ True]))
    """

    __slots__ = ("model", "t")
    model: SpinGlass
    t: float

    def __init__(self, model: SpinGlass, t: float = np.inf) -> None:
        # validated once, here; __setattr__ refuses any later assignment
        object.__setattr__(self, "model", check_model(model))
        object.__setattr__(self, "t", check_t(t))

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(
            f"cannot assign to `{name}`: a Perceptron is read-only (its `model` and `t` are "
            f"validated when it is made); make a new one, e.g. Perceptron(p.model, t=...)"
        )

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete `{name}`: a Perceptron is read-only")

    def __reduce__(self) -> tuple[Any, ...]:
        # pickle and copy rebuild through __init__ (the default would assign the slots)
        return (type(self), (self.model, self.t))

    def __repr__(self) -> str:
        return f"Perceptron(n={self.model.n}, t={self.t:g})"

    def __call__(self, x: ArrayLike) -> NDArray[np.float64]:
        """``p(x)`` is :meth:`forward`: one application of the layer."""
        return self.forward(x)

    @property
    def weights(self) -> Any:
        """``J``: symmetric, zero diagonal, shape (n, n) (dense array or CSR)."""
        return self.model.J

    @property
    def bias(self) -> NDArray[np.float64]:
        """``h = diag(eps)``, shape (n,)."""
        return self.model.h

    def _inputs(self, x: ArrayLike, name: str) -> NDArray[np.float64]:
        reject_tensor(name, x)
        try:
            arr = np.asarray(x)
        except ValueError as exc:  # ragged nested lists
            raise ValueError(
                f"`{name}` must be an array of shape (n,) or (R, n) with n={self.model.n}; "
                f"got rows of inconsistent length ({exc})"
            ) from None
        if arr.dtype == object or not (
            np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_
        ):
            raise TypeError(f"`{name}` must hold real numbers; got dtype {arr.dtype}")
        if np.iscomplexobj(arr):
            raise TypeError(f"`{name}` must hold real numbers; got complex dtype {arr.dtype}")
        X = arr.astype(np.float64)
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
        TypeError
            If ``x`` is not real numbers (strings, complex, None), or is a torch tensor that
            requires grad or is off the CPU (convert it with ``x.detach().cpu().numpy()``).
        ValueError
            If ``x`` has the wrong shape or non-finite entries.
        """
        X = self._inputs(x, "x")
        return step_sigmoid(self.model.local_field(X), self.t)

    def is_fixed_point(self, x: ArrayLike, *, atol: float = 1e-9) -> NDArray[np.bool_]:
        """Whether ``max_i |layer(x)_i - x_i| <= atol`` for each row (a solution of eq. 16).

        Parameters
        ----------
        x : array_like, shape (n,) or (R, n)
            Points to test, as for :meth:`forward`.
        atol : float, default 1e-9

        Returns
        -------
        ndarray of bool, shape (R,) for ``x`` of shape (R, n), 0-d for ``x`` of shape (n,)
            As :meth:`forward` keeps the leading shape of ``x`` and this reduces over its
            last axis, one point gives one answer (a 0-d array: ``bool(...)``), not a list of
            one.

        Raises
        ------
        TypeError, ValueError
            As :meth:`forward`; a negative ``atol``.

        Examples
        --------
        >>> import isingeq
        >>> p = isingeq.Perceptron(isingeq.SpinGlass([[1.0, -3.0], [0.0, 1.0]]))
        >>> p.is_fixed_point([[1, 0], [0, 1], [1, 1]]).tolist()
        [True, True, False]
        >>> p.is_fixed_point([1, 0]).shape, bool(p.is_fixed_point([1, 0]))
        ((), True)
        """
        atol = check_real("atol", atol, low=0.0)
        X = self._inputs(x, "x")
        return np.asarray(np.max(np.abs(self.forward(X) - X), axis=-1) <= atol)

    def iterate(
        self,
        initial_states: ArrayLike | None = None,
        *,
        mode: str = "asynchronous",
        max_sweeps: int = 1000,
        tol: float | None = None,
        damping: float = 0.0,
        x0: ArrayLike | None = None,
    ) -> FixedPointResult:
        """Fixed-point iteration of the layer from each row of ``initial_states``.

        Parameters
        ----------
        initial_states : array_like, shape (n,) or (R, n)
            Starting points; 0/1 at ``t = inf``, values in [0, 1] otherwise.
        mode : {"asynchronous", "synchronous"}
            ``"synchronous"``: ``x <- damping x + (1 - damping) layer(x)`` on all nodes at once
            (it may cycle: ``converged`` says so). ``"asynchronous"``: nodes updated one at a
            time in index order, each seeing the newest values; at ``t = inf`` a tie
            ``xi_i = 0`` keeps the current value and the run is 1-flip descent on ``H``
            (``isingeq.solvers.greedy.descend``), which always ends. A sparse model stays
            sparse (its CSR rows are the columns each node reads).
        max_sweeps : int, default 1000
            Cap on sweeps per run (a sweep updates every node once).
        tol : float, optional
            A sweep that moves no entry by more than ``tol`` ends the run as converged (default
            1e-12). Not used at ``t = inf`` in asynchronous mode, so not accepted there:
            ``converged`` is then :func:`isingeq.one_flip_stable` of the end state (its one
            tolerance, for ties).
        damping : float in [0, 1), default 0
            Synchronous mode only: the weight on the old value (0 = undamped). Damping a
            2-cycle of the synchronous update lets it settle. The asynchronous update uses
            each new value at once and has no damping, so a nonzero value is refused there.
        x0 : array_like, optional
            Deprecated spelling of ``initial_states`` (DeprecationWarning).

        Returns
        -------
        FixedPointResult

        Raises
        ------
        TypeError
            If no starting points are given, or both ``initial_states`` and ``x0``.
        ValueError
            On a bad ``mode``, out-of-range option, wrong shape, (at ``t = inf``) non-0/1
            starting values, or an option the mode does not use (``damping`` other than 0 in
            asynchronous mode, ``tol`` at ``t = inf`` in asynchronous mode): an option is never
            silently ignored.

        Examples
        --------
        >>> import isingeq
        >>> m = isingeq.SpinGlass.from_symmetric([[0, 2.0], [2.0, 0]], h=[-1.0, -1.0])
        >>> r = isingeq.Perceptron(m).iterate([[1, 0]], mode="synchronous", max_sweeps=10)
        >>> r.converged.tolist(), r.states.tolist()       # (1,0) -> (0,1) -> (1,0): a 2-cycle
        ([False], [[1.0, 0.0]])
        """
        start = renamed("iterate", "initial_states", initial_states, None, "x0", x0)
        if start is None:
            raise TypeError("iterate() missing the starting points `initial_states`")
        if mode not in _MODES:
            raise ValueError(f"`mode` must be one of {_MODES}; got {mode!r}")
        max_sweeps = check_int("max_sweeps", max_sweeps, low=1)
        tol_given = tol is not None
        tol = check_real("tol", 1e-12 if tol is None else tol, low=0.0)
        damping = check_real("damping", damping, low=0.0, high=1.0, high_open=True)
        t = self.t
        if mode == "asynchronous" and damping != 0.0:
            raise ValueError(
                f"`damping` applies to mode='synchronous' only (the asynchronous update uses each "
                f"new value at once); got damping={damping:g} with mode='asynchronous'"
            )
        if mode == "asynchronous" and np.isinf(t) and tol_given:
            raise ValueError(
                f"`tol` is not used at t = inf in mode='asynchronous' (the run is 1-flip descent "
                f"and `converged` is isingeq.one_flip_stable of its end); got tol={tol:g}"
            )
        X = np.array(np.atleast_2d(self._inputs(start, "initial_states")), dtype=np.float64)
        R, n = X.shape
        if np.isinf(t):
            if not np.all((X == 0) | (X == 1)):
                raise ValueError("`initial_states` must be 0/1 at t = inf")
            if mode == "asynchronous":
                S, sw = descend(self.model, X.astype(np.uint8), max_sweeps)
                conv = np.asarray(one_flip_stable(self.model, S), dtype=bool)
                return FixedPointResult(S.astype(np.float64), conv, sw, mode, t)
        converged = np.zeros(R, dtype=bool)
        sweeps = np.zeros(R, dtype=np.int64)
        h = self.model.h
        column = self._columns() if mode == "asynchronous" else None
        for _ in range(max_sweeps):
            active = ~converged
            if not active.any():
                break
            Xa = X[active]
            old = Xa.copy()
            if mode == "synchronous":
                new = step_sigmoid(self.model.local_field(Xa), t)
                Xa = damping * Xa + (1.0 - damping) * new
            else:
                assert column is not None
                for i in range(n):
                    idx, vals = column(i)
                    xi = h[i] + (Xa @ vals if idx is None else Xa[:, idx] @ vals)
                    Xa[:, i] = step_sigmoid(xi, t)
            X[active] = Xa
            sweeps[active] += 1
            done = np.max(np.abs(Xa - old), axis=1) <= tol
            idx = np.flatnonzero(active)
            converged[idx[done]] = True
        return FixedPointResult(X, converged, sweeps, mode, t)

    def _columns(self) -> Any:
        """``i -> (rows, values)`` of column ``i`` of ``J`` (``rows`` None: all of them).

        A sparse ``J`` is read from its CSR rows (``J`` is symmetric, so row ``i`` is column
        ``i``), never densified: a 30,000-node ring would need 6.7 GiB dense.
        """
        if self.model.is_sparse:
            Jc = sp.csr_array(self.model.J)
            ptr, ind, dat = Jc.indptr, Jc.indices, Jc.data
            return lambda i: (ind[ptr[i] : ptr[i + 1]], dat[ptr[i] : ptr[i + 1]])
        J = self.model.dense_J()
        return lambda i: (None, J[:, i])
