"""method="auto": what it chooses, and that an option asking for enumeration is never dropped."""

from __future__ import annotations

import math

import numpy as np
import pytest

import isingeq
from isingeq.solvers.auto import AUTO_EXACT_MAX_N


@pytest.mark.parametrize("t", [0.0, -0.0, 0])
def test_t_zero_asks_for_exact_marginals_like_any_other_t(t: float) -> None:
    # t = 0 compared equal to False and was taken for "no t": on a model above auto's own
    # enumeration size it ran the heuristic and returned no marginals and no log Z
    n = AUTO_EXACT_MAX_N + 1
    m = isingeq.paper_instance(n, rng=0)
    r = isingeq.solve(m, t=t, rng=0)
    assert r.method == "exact"
    assert r.info["auto"]["reason"] == "`t` needs exact enumeration"
    assert r.info["log_z"] == pytest.approx(n * math.log(2.0), rel=1e-12)
    assert r.marginals is not None
    np.testing.assert_allclose(r.marginals, 0.5, atol=1e-12)


@pytest.mark.parametrize(
    ("t", "error"), [(-1.0, ValueError), (math.nan, ValueError), ("1", TypeError)]
)
def test_a_bad_t_is_named_as_such_whatever_the_size(t: object, error: type) -> None:
    # above exact's limit it read "`t` needs exact enumeration", as if the value were fine
    for n in (10, 40):
        with pytest.raises(error, match=r"`t` must be"):
            isingeq.solve(isingeq.paper_instance(n, rng=0), t=t)
