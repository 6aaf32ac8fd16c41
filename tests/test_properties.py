"""Property tests (hypothesis): conversions keep energies; exact is a lower bound."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import isingeq
from isingeq import SpinGlass

from .conftest import all_states, brute_energies

finite = st.floats(-10, 10, allow_nan=False, allow_infinity=False)


@st.composite
def models(draw: st.DrawFn, max_n: int = 7) -> SpinGlass:
    n = draw(st.integers(1, max_n))
    a = draw(arrays(np.float64, (n, n), elements=finite))
    off = draw(finite)
    return SpinGlass(np.triu(a), offset=off)


@st.composite
def model_and_states(draw: st.DrawFn) -> tuple[SpinGlass, np.ndarray]:
    m = draw(models())
    X = draw(arrays(np.uint8, (draw(st.integers(1, 6)), m.n), elements=st.integers(0, 1)))
    return m, X


@settings(max_examples=150, deadline=None)
@given(model_and_states())
def test_qubo_and_spin_energies_are_equal(ms: tuple[SpinGlass, np.ndarray]) -> None:
    m, X = ms
    hs, Js, off = m.to_spin()
    S = 2.0 * X - 1.0
    e_spin = S @ hs + np.einsum("ri,ij,rj->r", S, Js, S) + off
    np.testing.assert_allclose(e_spin, m.energy(X), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(
        SpinGlass.from_spin(hs, Js, off).energy(X), m.energy(X), rtol=1e-9, atol=1e-9
    )


@settings(max_examples=100, deadline=None)
@given(model_and_states())
def test_symmetric_form_and_dimod_keep_energies(ms: tuple[SpinGlass, np.ndarray]) -> None:
    m, X = ms
    back = SpinGlass.from_symmetric(m.J, m.h, offset=m.offset)
    np.testing.assert_allclose(back.energy(X), m.energy(X), rtol=1e-12, atol=1e-12)
    bqm = m.to_bqm()
    np.testing.assert_allclose(bqm.energies((X, range(m.n))), m.energy(X), rtol=1e-9, atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(models(max_n=8), st.integers(0, 2**32 - 1))
def test_no_method_goes_below_the_enumerated_ground_state(m: SpinGlass, seed: int) -> None:
    """The reference is itertools enumeration with H written from its definition, so the exact
    method is checked too (it must hit the minimum), not only used as the yardstick."""
    e0 = float(brute_energies(m.eps, all_states(m.n), m.offset).min())
    slack = 1e-9 * max(1.0, m.energy_scale)
    for method in isingeq.METHODS:
        e = isingeq.solve(m, method=method, rng=seed).best_energy
        assert e >= e0 - slack
        if method in isingeq.solvers.EXACT_METHODS:
            assert e <= e0 + slack
