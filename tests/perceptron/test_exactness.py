"""Exactness of the conditional, the mean-field step, and the continuation solver of eq. 16."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import expit

import isingeq
from isingeq import Perceptron, SpinGlass
from isingeq.perceptron import solve_eq16_continuation
from isingeq.perceptron._common import all_log_probs

from .reference import all_states


@pytest.mark.parametrize(("n", "seed", "t"), [(1, 0, 1.0), (5, 1, 0.7), (9, 2, 3.0)])
def test_log_probs_match_the_energies_of_every_state(n: int, seed: int, t: float) -> None:
    # the exact solver's low-block table with k = n is the energy of every state (code bit i = n_i)
    m = isingeq.paper_instance(n, rng=seed)
    X = all_states(n)
    codes = (X.astype(np.int64) << np.arange(n)).sum(axis=1)
    w = -t * m.energy(X)
    ref = w - (w.max() + np.log(np.exp(w - w.max()).sum()))
    np.testing.assert_allclose(all_log_probs(m, t)[codes], ref, atol=1e-12)


@pytest.mark.parametrize("t", [0.0, 0.3, 1.0, 5.0, 40.0])
@pytest.mark.parametrize(("n", "seed"), [(1, 0), (4, 1), (9, 2)])
def test_conditional_identity_holds_to_machine_precision(n: int, seed: int, t: float) -> None:
    m = isingeq.paper_instance(n, rng=seed)
    # rounding of log-probabilities of size t * |H| is all that is left
    assert isingeq.conditional_identity_error(m, t) < 1e-15 * max(1.0, t * m.energy_scale)


def test_conditional_identity_memory_is_of_the_order_of_the_probabilities() -> None:
    # ENUMERATE_MAX_N = 24 is sized for a few arrays of 2^n numbers (128 MiB each at n = 24);
    # an (2^(n-1), n) table of states per node is n / 2 times that (6 GiB at n = 24)
    import tracemalloc

    n = 16
    m = isingeq.paper_instance(n, rng=0)
    isingeq.conditional_identity_error(m, 1.0)  # compile outside the measurement
    tracemalloc.start()
    try:
        isingeq.conditional_identity_error(m, 1.0)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 8 * 2**n


def test_mean_field_step_is_the_approximation() -> None:
    m = isingeq.paper_instance(8, rng=0)
    assert isingeq.mean_field_error(m, 0.0) == 0.0
    small = isingeq.mean_field_error(m, 0.05)
    mid = isingeq.mean_field_error(m, 2.0)
    assert small < 1e-3  # O(t^2) at small t
    assert mid > 10 * small  # and clearly nonzero where couplings matter
    x = solve_eq16_continuation(m, 2.0)
    assert Perceptron(m, t=2.0).is_fixed_point(x, atol=1e-9)


def test_continuation_damping_is_the_weight_on_the_old_value() -> None:
    m = isingeq.paper_instance(4, rng=3)
    x0 = np.full(4, 0.5)
    for d in (0.0, 0.5, 0.8):
        one = solve_eq16_continuation(m, 2.0, num_sweeps=1, max_sweeps=1, damping=d)
        np.testing.assert_allclose(one, d * x0 + (1 - d) * expit(2.0 * m.local_field(x0)))


@pytest.mark.parametrize("sparse", [False, True])
def test_continuation_returns_a_solution_where_the_damped_update_cycles(sparse: bool) -> None:
    # every pair antiferromagnetic: at the symmetric point the uniform mode of the synchronous
    # update has slope -t (n - 1) x (1 - x), and damping 0.5 keeps it above -1 only while that
    # is above -3; beyond (t = 2, 5 at n = 12) the damped update settles into a 2-cycle
    n = 12
    J = -(np.ones((n, n)) - np.eye(n))
    m = SpinGlass.from_symmetric(J, h=np.full(n, (n - 1) / 2 + 0.3))
    if sparse:
        m = SpinGlass(sp.csr_array(m.eps))
    for t in (2.0, 5.0):
        x = solve_eq16_continuation(m, t)
        assert Perceptron(m, t=t).is_fixed_point(x, atol=1e-9)
        # so mean_field_error compares the exact marginals with a solution of eq. 16
        assert isingeq.mean_field_error(m, t) == pytest.approx(
            np.max(np.abs(x - isingeq.exact_log_partition(m, t)[1])), abs=1e-9
        )


def test_old_option_names_still_work_with_a_deprecation_warning() -> None:
    m = isingeq.paper_instance(5, rng=1)
    new = solve_eq16_continuation(m, 1.0, num_sweeps=7, max_sweeps=30)
    with pytest.warns(DeprecationWarning, match="`num_steps` is deprecated.*use `num_sweeps`"):
        old = solve_eq16_continuation(m, 1.0, num_steps=7, max_sweeps=30)
    assert np.array_equal(new, old)
    with pytest.warns(DeprecationWarning, match="`max_iter` is deprecated.*use `max_sweeps`"):
        old = solve_eq16_continuation(m, 1.0, num_sweeps=7, max_iter=30)
    assert np.array_equal(new, old)
    with pytest.warns(DeprecationWarning, match="`num_steps` is deprecated.*use `num_sweeps`"):
        e_old = isingeq.mean_field_error(m, 1.0, num_steps=7)
    assert e_old == isingeq.mean_field_error(m, 1.0, num_sweeps=7)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        solve_eq16_continuation(m, 1.0, num_sweeps=7, max_sweeps=30)
    with pytest.raises(TypeError, match="both `num_sweeps` and its deprecated spelling"):
        solve_eq16_continuation(m, 1.0, num_sweeps=7, num_steps=7)
    with pytest.raises(TypeError, match="unexpected keyword"):
        solve_eq16_continuation(m, 1.0, num_iter=7)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected keyword"):
        isingeq.mean_field_error(m, 1.0, max_iter=7)  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="`num_sweeps` must be >= 1"):
        solve_eq16_continuation(m, 1.0, num_sweeps=0)


def test_bad_inputs_name_the_parameter() -> None:
    m = isingeq.paper_instance(3, rng=0)
    with pytest.raises(ValueError, match="`t` must be finite"):
        isingeq.conditional_identity_error(m, np.inf)
    with pytest.raises(ValueError, match="n=25 is too large for conditional_identity_error"):
        isingeq.conditional_identity_error(SpinGlass(np.eye(25)), 1.0)
    with pytest.raises(TypeError, match=r"`model` must be an isingeq\.SpinGlass"):
        isingeq.mean_field_error(np.eye(3), 1.0)  # type: ignore[arg-type]


def test_mean_field_error_beyond_the_limit_names_itself_not_other_options() -> None:
    with pytest.raises(ValueError, match=r"n=37 is too large for mean_field_error") as info:
        isingeq.mean_field_error(isingeq.paper_instance(37, rng=0), 1.0)
    assert "client" not in str(info.value) and "mfa-hybrid" not in str(info.value)
