"""Exactness of the perceptron view at finite ``t``, and eq. 16's one approximation.

For the Boltzmann distribution ``P(n) ~ exp(-t H(n))`` the conditional of one node given the rest
is exactly the layer's output (:mod:`isingeq.perceptron.layer`)::

    P(n_i = 1 | n_rest) = sigmoid(t xi_i(n))

(:func:`conditional_identity_error` checks this by enumeration). Eq. 16 replaces ``n_j`` inside
``xi_i`` by ``<n_j>``: that mean-field step is the approximation, measured by
:func:`mean_field_error` against the exact marginals, with eq. 16 solved by
:func:`~isingeq.perceptron.solve_eq16_continuation`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.special import expit

from .._validation import check_int, check_model, check_real
from ..model import SpinGlass
from ..solvers.exact import EXACT_MAX_N, exact_log_partition
from ._common import (
    ENUMERATE_MAX_N,
    all_log_probs,
    check_enumerable,
    check_t,
    renamed,
)
from .layer import Perceptron

__all__ = ["conditional_identity_error", "mean_field_error", "solve_eq16_continuation"]


def conditional_identity_error(model: SpinGlass, t: float) -> float:
    """``max |P(n_i = 1 | n_rest) - sigmoid(t xi_i(n))|`` over all nodes and all ``n_rest``.

    ``P`` is the exact Boltzmann distribution ``exp(-t H) / Z`` over all ``2^n`` states (log Z
    from :func:`isingeq.exact_log_partition`); the conditional is computed from the joint
    probabilities of the two states that differ in ``n_i`` only. The identity is exact, so the
    result is rounding error (of the order of machine epsilon).

    Parameters
    ----------
    model : SpinGlass
        With ``n <= 24``.
    t : float
        Finite inverse temperature, ``t >= 0``.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If ``n > 24`` or ``t`` is negative or not finite.

    Examples
    --------
    >>> import isingeq
    >>> m = isingeq.paper_instance(8, rng=1)
    >>> isingeq.conditional_identity_error(m, 2.0) < 1e-14
    True
    """
    model = check_model(model)
    t = check_t(t, allow_inf=False)
    check_enumerable(model, ENUMERATE_MAX_N, "conditional_identity_error")
    n = model.n
    logp = all_log_probs(model, t)
    codes = np.arange(1 << n, dtype=np.int64)
    J = model.dense_J()
    worst = 0.0
    for i in range(n):
        c0 = codes[((codes >> i) & 1) == 0]
        c1 = c0 | (1 << i)
        # P(n_i = 1 | rest) = p1 / (p0 + p1), in a form that neither overflows nor underflows
        cond = expit(logp[c1] - logp[c0])
        # xi_i = h_i + sum_j J_ji n_j, one j at a time: memory of the order of 2^n, not n 2^n
        xi = np.full(c0.shape, float(model.h[i]))
        for j in range(n):
            if j != i and J[j, i] != 0.0:
                xi += ((c0 >> j) & 1) * float(J[j, i])
        worst = max(worst, float(np.max(np.abs(cond - expit(t * xi)))))
    return worst


def solve_eq16_continuation(
    model: SpinGlass,
    t: float,
    *,
    num_sweeps: int = 50,
    damping: float = 0.5,
    max_sweeps: int = 10_000,
    tol: float = 1e-12,
    num_steps: int | None = None,
    max_iter: int | None = None,
) -> NDArray[np.float64]:
    """A solution of eq. 16 at ``t`` by damped fixed-point iteration, continued from small ``t``.

    At ``t = 0`` the solution is ``x = 1/2``; ``t`` rises geometrically from ``t / 1000`` (or
    jumps to ``t`` when ``num_sweeps`` is 1) and each step starts from the last solution, with
    ``x <- damping x + (1 - damping) sigmoid(t (J x + h))``. Continuation follows the one branch
    that starts at ``x = 1/2``, so the result does not depend on a random start. Where the
    damped update settles into a 2-cycle instead (strong antiferromagnetic couplings: a mode
    of slope below ``-(1 + damping) / (1 - damping)``), the step is finished by the
    asynchronous update (:meth:`isingeq.Perceptron.iterate`), which lowers the mean-field
    free energy node by node and so ends at a fixed point.

    Parameters
    ----------
    model : SpinGlass
    t : float
        Finite, ``>= 0``.
    num_sweeps : int, default 50
        Length of the ``t`` ladder (continuation steps).
    damping : float in [0, 1), default 0.5
        The weight on the old value (0 = undamped); damping keeps the synchronous update from
        cycling where no mode's slope is below ``-(1 + damping) / (1 - damping)``.
    max_sweeps : int, default 10000
        Cap on updates per ``t`` of the ladder (synchronous and asynchronous together).
    tol : float, default 1e-12
        An update that moves no entry by more than ``tol`` ends a ``t`` step.
    num_steps, max_iter : int, optional
        Deprecated spellings of ``num_sweeps`` and ``max_sweeps`` (DeprecationWarning).

    Returns
    -------
    ndarray, shape (n,)

    Raises
    ------
    TypeError
        If an option is given under both its new and its deprecated name.
    ValueError
        If ``t`` is negative or not finite, or an option is out of range.

    Examples
    --------
    >>> import isingeq
    >>> from isingeq.perceptron import solve_eq16_continuation
    >>> m = isingeq.paper_instance(6, rng=0)
    >>> x = solve_eq16_continuation(m, 1.0)
    >>> bool(isingeq.Perceptron(m, t=1.0).is_fixed_point(x, atol=1e-9))
    True
    """
    num_sweeps = renamed(
        "solve_eq16_continuation", "num_sweeps", num_sweeps, 50, "num_steps", num_steps
    )
    max_sweeps = renamed(
        "solve_eq16_continuation", "max_sweeps", max_sweeps, 10_000, "max_iter", max_iter
    )
    return _continuation(model, t, num_sweeps, damping, max_sweeps, tol)


def _continuation(
    model: SpinGlass, t: float, num_sweeps: int, damping: float, max_sweeps: int, tol: float
) -> NDArray[np.float64]:
    model = check_model(model)
    t = check_t(t, allow_inf=False)
    num_sweeps = check_int("num_sweeps", num_sweeps, low=1)
    damping = check_real("damping", damping, low=0.0, high=1.0, high_open=True)
    max_sweeps = check_int("max_sweeps", max_sweeps, low=1)
    tol = check_real("tol", tol, low=0.0)
    x = np.full(model.n, 0.5)
    ts = [t] if num_sweeps == 1 or t == 0 else list(np.geomspace(t / 1000.0, t, num_sweeps))
    for tk in ts:
        prev = None  # the iterate before x: a 2-cycle comes back to it
        for sweep in range(max_sweeps):
            new = damping * x + (1.0 - damping) * expit(tk * model.local_field(x))
            if np.max(np.abs(new - x)) <= tol:
                x = new
                break
            if prev is not None and np.max(np.abs(new - prev)) <= tol:
                # A 2-cycle, which damping does not remove where a mode's slope is below
                # -(1 + damping) / (1 - damping) (strong antiferromagnetic couplings). The
                # asynchronous update lowers the mean-field free energy at every node, so it
                # ends at a fixed point: finish this t step with it.
                left = max(1, max_sweeps - sweep - 1)
                run = Perceptron(model, t=tk).iterate(
                    new, mode="asynchronous", max_sweeps=left, tol=tol
                )
                x = run.states[0]
                break
            prev, x = x, new
    return np.asarray(x)


def mean_field_error(
    model: SpinGlass, t: float, *, num_sweeps: int = 50, num_steps: int | None = None
) -> float:
    """``max_i |<n_i>_eq16 - <n_i>_exact|`` at inverse temperature ``t``.

    ``<n>_eq16`` solves eq. 16 (:func:`~isingeq.perceptron.solve_eq16_continuation`: damped
    iteration with continuation from small ``t``); ``<n>_exact`` are the exact Boltzmann
    marginals (:func:`isingeq.exact_log_partition`). This measures the mean-field step, the one
    approximation between the exact conditional and eq. 16.

    On a model without fields (spin-symmetric: SK, EA lattices, max-cut) both are exactly 1/2
    at every ``t``, by the symmetry, and the error reads 0, although eq. 16's symmetric
    solution is unstable above :func:`isingeq.critical_t`: the marginals cannot show the
    approximation there (energies or correlations would).

    Parameters
    ----------
    model : SpinGlass
        With ``n <= 36``.
    t : float
        Finite, ``>= 0``.
    num_sweeps : int, default 50
        Continuation steps (the length of the ``t`` ladder of
        :func:`~isingeq.perceptron.solve_eq16_continuation`).
    num_steps : int, optional
        Deprecated spelling of ``num_sweeps`` (DeprecationWarning).

    Returns
    -------
    float in [0, 1]

    Raises
    ------
    ValueError
        If ``t`` is negative or not finite, or ``n > 36``.

    Examples
    --------
    >>> import isingeq
    >>> m = isingeq.paper_instance(6, rng=0)
    >>> isingeq.mean_field_error(m, 0.0)          # at t = 0 both are 1/2
    0.0
    """
    num_sweeps = renamed("mean_field_error", "num_sweeps", num_sweeps, 50, "num_steps", num_steps)
    model = check_model(model)
    t = check_t(t, allow_inf=False)
    # checked here, not left to exact_log_partition, whose advice (other methods, a Dask
    # client) is about options that this function does not take
    check_enumerable(model, EXACT_MAX_N, "mean_field_error")
    _, exact = exact_log_partition(model, t)
    x = _continuation(model, t, num_sweeps, 0.5, 10_000, 1e-12)
    return float(np.max(np.abs(x - exact)))
