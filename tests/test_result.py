"""SolveResult.from_samples, the public way to build a result: it checks what it scores."""

from __future__ import annotations

import numpy as np
import pytest

import isingeq
from isingeq import SolveResult


@pytest.mark.parametrize(
    ("samples", "value"),
    [([[1, 0, -1]], "-1"), ([[1, 2, 0]], "2"), ([[1.0, 0.7, 0.0]], "0.7")],
)
def test_from_samples_refuses_values_other_than_0_and_1(samples: object, value: str) -> None:
    m = isingeq.paper_instance(3, rng=0)
    # -1 would wrap to 255 in uint8, 2 be scored, 0.7 be truncated to 0
    with pytest.raises(ValueError, match=rf"`samples` must contain only 0 and 1; got {value}"):
        SolveResult.from_samples(m, np.array(samples), "x")


def test_from_samples_refuses_bad_dtypes_shapes_and_no_rows() -> None:
    m = isingeq.paper_instance(3, rng=0)
    with pytest.raises(TypeError, match="`samples` must hold 0/1 numbers"):
        SolveResult.from_samples(m, np.array([["1", "0", "1"]]), "x")
    with pytest.raises(ValueError, match=r"`samples` must have shape \(3,\)"):
        SolveResult.from_samples(m, np.zeros((2, 4)), "x")
    with pytest.raises(
        ValueError, match=r"`samples` must have at least one row; got shape \(0, 3\)"
    ):
        SolveResult.from_samples(m, np.zeros((0, 3)), "x")


def test_from_samples_scores_good_samples_of_any_real_dtype() -> None:
    m = isingeq.paper_instance(3, rng=0)
    for s in ([1, 0, 1], [[1.0, 0.0, 1.0]], np.array([[True, False, True]])):
        r = SolveResult.from_samples(m, s, "x")  # type: ignore[arg-type]
        assert r.samples.dtype == np.uint8 and r.samples.shape == (1, 3)
        assert r.best_energy == m.energy([1, 0, 1])


def test_spins_are_the_samples_as_int8_plus_minus_one_with_the_spin_form_energy() -> None:
    # 2 * samples - 1 on uint8 wraps -1 to 255 (a new user's energies came out 361369)
    m = isingeq.paper_instance(8, rng=2)
    r = isingeq.solve(m, method="exact", num_states=4)
    s = r.spins
    assert s.dtype == np.int8 and s.shape == r.samples.shape and set(np.unique(s)) <= {-1, 1}
    hs, Js, off = m.to_spin()
    energies = [float(hs @ x + x @ np.asarray(Js) @ x + off) for x in s.astype(np.float64)]
    np.testing.assert_allclose(energies, r.energies, atol=1e-12)
