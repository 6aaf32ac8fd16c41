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


def test_ea_instance_is_the_lattice_spin_glass() -> None:
    import itertools

    m = isingeq.ea_instance((3, 4), rng=5)
    assert m.n == 12 and m.is_sparse
    hs, Js, off = m.to_spin()
    assert not np.any(hs)
    # every nearest-neighbour pair of the 3 x 4 torus, and nothing else, coupled +-1
    pairs = {
        tuple(sorted((r * 4 + c, ((r + dr) % 3) * 4 + (c + dc) % 4)))
        for r, c in itertools.product(range(3), range(4))
        for dr, dc in ((1, 0), (0, 1))
    }
    Jd = np.triu(np.asarray(Js.todense() if hasattr(Js, "todense") else Js), 1)
    Jd = Jd + np.triu(np.asarray(Js.todense() if hasattr(Js, "todense") else Js).T, 1)
    coupled = {(int(i), int(j)) for i, j in zip(*np.nonzero(Jd), strict=True)}
    assert coupled == pairs and len(pairs) == 24
    assert set(np.abs(Jd[np.nonzero(Jd)])) == {1.0}
    # energies are -sum J_ij s_i s_j of the spins s = 2x - 1
    x = np.random.default_rng(0).integers(0, 2, (20, 12))
    s = 2 * x - 1
    E = np.einsum("ri,ij,rj->r", s, Jd, s) + off
    np.testing.assert_allclose(m.energy(x), E, atol=1e-12)


def test_ea_instance_boundaries_couplings_and_errors() -> None:
    assert isingeq.ea_instance(4, rng=0).J.nnz // 2 == 32  # an int is a square torus
    assert isingeq.ea_instance(4, periodic=False, rng=0).J.nnz // 2 == 24
    assert isingeq.ea_instance((2, 2), rng=0).J.nnz // 2 == 4  # a side of 2: one bond a pair
    assert isingeq.ea_instance((3, 3, 3), rng=0).J.nnz // 2 == 81
    g = isingeq.ea_instance(6, couplings="gaussian", rng=1)
    assert len(set(np.round(np.abs(g.J.data), 9))) > 10
    a, b = isingeq.ea_instance(5, rng=3), isingeq.ea_instance(5, rng=3)
    assert a == b and a != isingeq.ea_instance(5, rng=4)
    # the 2-D +-J ground state: about -1.40 per spin (exact on a 4 x 4 torus: a sanity range)
    gs = isingeq.solve(isingeq.ea_instance(4, rng=2), method="exact").best_energy / 16
    assert -1.75 < gs < -1.1
    with pytest.raises(ValueError, match=r"`shape\[1\]` must be >= 2"):
        isingeq.ea_instance((4, 1))
    with pytest.raises(ValueError, match="`couplings` must be 'pm1' or 'gaussian'"):
        isingeq.ea_instance(4, couplings="binary")
    with pytest.raises(ValueError, match="at least one side"):
        isingeq.ea_instance(())
    with pytest.raises(TypeError, match="`periodic` must be True or False"):
        isingeq.ea_instance(4, periodic="yes")  # type: ignore[arg-type]


def test_ea_instance_too_big_is_refused_before_allocating(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ISINGEQ_MEMORY_LIMIT", "1MiB")
    with pytest.raises(ValueError, match=r"`shape`=\(1000, 1000\) \(1000000 spins, 2000000 bonds"):
        isingeq.ea_instance(1000)


@pytest.mark.parametrize("shape", [(200, 200), (30, 30, 30)])
def test_ea_instance_memory_estimate_covers_its_peak(shape: tuple[int, ...]) -> None:
    from isingeq.generators import _EA_BYTES_PER_BOND

    tracemalloc.start()
    try:
        m = isingeq.ea_instance(shape, rng=0)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak <= _EA_BYTES_PER_BOND * (m.J.nnz // 2)
