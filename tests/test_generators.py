from __future__ import annotations

import tracemalloc
from typing import Any

import numpy as np
import pytest

import isingeq

from .conftest import all_states


def test_paper_instance_is_the_papers_distribution() -> None:
    m = isingeq.paper_instance(40, rng=0)
    iu = np.triu_indices(40)
    vals = m.eps[iu]
    assert np.all(np.abs(vals) <= 1.0)
    assert np.all(np.tril(m.eps, -1) == 0)
    # U[-1, 1]: mean 0, variance 1/3 (820 draws: loose bounds that a wrong distribution fails)
    assert abs(vals.mean()) < 0.08
    assert vals.var() == pytest.approx(1 / 3, abs=0.05)
    assert m.offset == 0.0


def test_seeds_reproduce() -> None:
    a = isingeq.paper_instance(5, rng=7)
    b = isingeq.paper_instance(5, rng=np.random.default_rng(7))
    c = isingeq.paper_instance(5, rng=8)
    assert a == b
    assert a != c


def test_sk_energy_is_the_spin_energy() -> None:
    m = isingeq.sk_instance(8, rng=3)
    hs, Js, off = m.to_spin()
    np.testing.assert_allclose(hs, 0.0, atol=1e-12)
    assert off == pytest.approx(0.0, abs=1e-12)
    X = all_states(8)
    S = 2.0 * X - 1.0
    np.testing.assert_allclose(m.energy(X), np.einsum("ri,ij,rj->r", S, Js, S), atol=1e-12)


def test_sk_ground_state_energy_is_near_parisi() -> None:
    # E0/n for n = 20 is about -0.70 (finite-size shifted from -0.7633); fixed seeds, wide bounds
    e = [
        isingeq.solve(isingeq.sk_instance(20, rng=s), method="exact").best_energy / 20
        for s in range(6)
    ]
    assert -0.85 < float(np.mean(e)) < -0.6


@pytest.mark.parametrize("gen", [isingeq.paper_instance, isingeq.sk_instance])
def test_bad_sizes(gen: object) -> None:
    with pytest.raises(ValueError, match="`n` must be >= 1; got 0"):
        gen(0)  # type: ignore[operator]
    with pytest.raises(TypeError, match="`n` must be an integer"):
        gen(2.5)  # type: ignore[operator]
    with pytest.raises(TypeError, match="`rng`"):
        gen(3, rng="seed")  # type: ignore[operator]


@pytest.mark.parametrize("gen", [isingeq.paper_instance, isingeq.sk_instance])
def test_a_dense_model_too_large_for_memory_is_refused_before_allocating(gen: Any) -> None:
    with pytest.raises(ValueError, match=r"`n`=10000000 is a dense 10000000 x 10000000 model"):
        gen(10_000_000, rng=0)


@pytest.mark.parametrize("gen", [isingeq.paper_instance, isingeq.sk_instance])
def test_the_memory_guard_covers_the_real_peak(gen: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # the guard must refuse whenever the build's real peak (numpy's allocations, as tracemalloc
    # sees them) exceeds the limit; sk_instance peaked at 10 n x n arrays against an estimate of 4
    n = 600
    gen(n, rng=0)  # warm up (numba, caches) outside the measurement
    tracemalloc.start()
    try:
        gen(n, rng=0)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    monkeypatch.setenv("ISINGEQ_MEMORY_LIMIT", str(int(0.95 * peak)))
    with pytest.raises(ValueError, match=f"`n`={n} is a dense"):
        gen(n, rng=0)
