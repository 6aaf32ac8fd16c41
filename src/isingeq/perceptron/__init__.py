"""The perceptron view of eq. 16: the model as a recurrent layer, its fixed points, exactness,
and the inverse problem.

With ``h = diag(eps)`` and ``J`` of :mod:`isingeq.model`, eq. 16 is one recurrent perceptron
layer applied to its own output, ``x = sigmoid(t (J x + h))``; its solutions are the layer's
fixed points. At ``t = inf`` the asynchronous update ends in the 1-flip-stable states, which are
the step layer's 0/1 fixed points where no field is tied (``xi_i = 0``: the step gives 1/2
there; see :mod:`.fixed_points`).

In machine-learning terms the equation is a known one. With symmetric, zero-diagonal ``J`` it is
the naive mean-field equation of a Boltzmann machine (0/1 units, weights ``J``, biases ``h``,
``P(n) ~ exp(-t H(n))``) and the fixed-point equation of a continuous Hopfield network of gain
``t``; iterating it while raising ``t`` is mean-field annealing (the ``mfa`` solvers). At
``t = inf`` the asynchronous update is a binary Hopfield network whose energy is ``H``: no
update raises ``H``, and its attractors (the states no single update changes) are the
1-flip-stable states. The layer is recurrent and its weights are given, not trained;
"perceptron" is the form of one node's update. Learning the weights from samples
(:mod:`.inverse`) is fully visible Boltzmann-machine learning.

The statements and their proofs by enumeration live in the modules:

========================  =====================================================================
module                    contents
========================  =====================================================================
:mod:`.layer`             :class:`Perceptron` (``forward`` = calling it, ``is_fixed_point``,
                          ``iterate``; read-only) and :class:`FixedPointResult`: the layer
                          and its fixed-point iteration; the ``t = inf`` limit and its tie
                          rules
:mod:`.fixed_points`      :func:`fixed_points` (the 1-flip-stable states, by the exact
                          solver's Gray-code enumeration), :func:`ground_state_basin`
:mod:`.exactness`         :func:`conditional_identity_error` (the layer *is* the exact
                          Boltzmann conditional), :func:`mean_field_error` and
                          :func:`solve_eq16_continuation` (eq. 16's one approximation)
:mod:`.inverse`           :func:`sample_boltzmann` (exact, Gibbs or tempering), :func:`fit`
                          (pseudo-likelihood, exact likelihood or mean-field),
                          :func:`reconstruction_error`
:mod:`.experiment`        the runs behind ``isingeq perceptron`` and ``isingeq analyze``
:mod:`.plots`             their PNG plots
``_kernels``              numba kernels: stable-state enumeration, Gibbs sweeps (dense, CSR)
========================  =====================================================================

Vocabulary, as in the solvers: ``damping`` is the weight on the **old** value
(``x <- damping x + (1 - damping) layer(x)``, 0 = undamped), ``max_sweeps`` caps the sweeps of
an iteration, ``num_sweeps`` is the length of a ``t`` ladder, ``initial_states`` are starting
points. 1-flip stability is tested everywhere with the one tolerance of
:func:`~isingeq.solvers.stability_slack`.

Examples
--------
>>> import isingeq
>>> from isingeq.perceptron import Perceptron, fixed_points
>>> m = isingeq.SpinGlass([[1.0, -3.0], [0.0, 1.0]])     # no tied field: the two agree
>>> fixed_points(m).tolist()
[[1, 0], [0, 1]]
>>> Perceptron(m).is_fixed_point(fixed_points(m)).tolist()
[True, True]
"""

from ._common import ENUMERATE_MAX_N
from .exactness import conditional_identity_error, mean_field_error, solve_eq16_continuation
from .fixed_points import fixed_points, ground_state_basin
from .inverse import (
    FIT_METHODS,
    LIKELIHOOD_MAX_N,
    RARE_SWAPS,
    SAMPLE_METHODS,
    TEMPERING_RUNGS,
    fit,
    min_samples,
    reconstruction_error,
    sample_boltzmann,
)
from .layer import FixedPointResult, Perceptron

__all__ = [
    "ENUMERATE_MAX_N",
    "FIT_METHODS",
    "LIKELIHOOD_MAX_N",
    "RARE_SWAPS",
    "SAMPLE_METHODS",
    "TEMPERING_RUNGS",
    "FixedPointResult",
    "Perceptron",
    "conditional_identity_error",
    "fit",
    "fixed_points",
    "ground_state_basin",
    "mean_field_error",
    "min_samples",
    "reconstruction_error",
    "sample_boltzmann",
    "solve_eq16_continuation",
]
