from __future__ import annotations

import numpy as np
import pytest
from scipy.special import logsumexp

import isingeq
from isingeq import SpinGlass

from ..conftest import DATA, all_states, brute_energies, read_latfile


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 10])
@pytest.mark.parametrize("seed", range(6))
def test_exact_agrees_with_itertools_brute_force(n: int, seed: int) -> None:
    m = isingeq.paper_instance(n, rng=seed)
    X = all_states(n)
    E = brute_energies(m.eps, X)
    k = min(5, 2**n)
    r = isingeq.solve(m, method="exact", num_states=k)
    np.testing.assert_allclose(r.energies[:k], np.sort(E)[:k], atol=1e-12)
    assert r.best_energy == pytest.approx(E.min(), abs=1e-12)
    np.testing.assert_array_equal(r.best_sample, X[np.argmin(E)])
    assert r.info["num_ground_states"] == 1
    assert r.info["states_enumerated"] == 2**n


@pytest.mark.parametrize("n", [13, 14, 16, 21, 22])
def test_exact_across_the_block_and_chunk_boundaries(n: int) -> None:
    # n = 13 is one block; 14 adds one high bit; 21 and 22 use all 256 chunks (m >= 8)
    m = SpinGlass(isingeq.paper_instance(n, rng=n).eps, offset=1.5)
    best = np.inf
    runner = []
    for hi in range(2 ** max(n - 16, 0)):
        lo = all_states(min(n, 16))
        top = ((hi >> np.arange(max(n - 16, 0))) & 1).astype(np.uint8)
        X = np.hstack([lo, np.broadcast_to(top, (len(lo), len(top)))])
        E = m.energy(X)
        runner.append(np.sort(E)[:3])
        best = min(best, E.min())
    lowest3 = np.sort(np.concatenate(runner))[:3]
    r = isingeq.solve(m, method="exact", num_states=3)
    np.testing.assert_allclose(r.energies, lowest3, atol=1e-9)
    assert r.best_energy == pytest.approx(best, abs=1e-9)


@pytest.mark.parametrize("seed", range(4))
def test_exact_agrees_with_dimod_exact_solver(seed: int) -> None:
    dimod = pytest.importorskip("dimod")
    m = isingeq.paper_instance(9, rng=100 + seed)
    ss = dimod.ExactSolver().sample(m.to_bqm())
    r = isingeq.solve(m, method="exact", num_states=4)
    np.testing.assert_allclose(r.energies, np.sort(ss.record.energy)[:4], atol=1e-12)
    best = ss.first.sample
    np.testing.assert_array_equal(r.best_sample, [best[i] for i in range(9)])


def test_degenerate_ground_states_are_all_returned() -> None:
    # variables 2 and 3 are free (no couplings, no bias): 4 ground states
    eps = np.zeros((4, 4))
    eps[0, 0], eps[1, 1], eps[0, 1] = 1.0, -2.0, 0.5
    r = isingeq.solve(SpinGlass(eps), method="exact")
    assert r.info["num_ground_states"] == 4
    assert not r.info["degeneracy_truncated"]
    assert {tuple(s) for s in r.samples} == {(1, 0, a, b) for a in (0, 1) for b in (0, 1)}
    np.testing.assert_allclose(r.energies, -1.0)


def test_degeneracy_truncation_is_reported() -> None:
    r = isingeq.solve(SpinGlass(np.zeros((12, 12))), method="exact", max_degenerate=10)
    assert r.num_reads == 10
    assert r.info["num_ground_states"] == 10
    assert r.info["degeneracy_truncated"]


def test_num_ground_states_counts_the_ground_states_returned() -> None:
    # more ground states (4096) than max_degenerate, and num_states asks for more rows still:
    # every row returned is a ground state, and the count must say so
    r = isingeq.solve(
        SpinGlass(np.zeros((12, 12))), method="exact", max_degenerate=10, num_states=20
    )
    assert r.num_reads == 20
    np.testing.assert_array_equal(r.energies, 0.0)
    assert r.info["num_ground_states"] == 20
    assert r.info["degeneracy_truncated"]


def test_num_states_beyond_the_chunk_size_keeps_memory_to_the_states() -> None:
    # each chunk holds 2^13 states: room for num_states rows in each of its 8 chunks
    # (2^20 x 16 bytes apiece) is memory the enumeration can never fill
    import tracemalloc

    m = isingeq.paper_instance(16, rng=0)
    isingeq.solve(m, method="exact")  # kernels loaded outside the measurement
    tracemalloc.start()
    try:
        r = isingeq.solve(m, method="exact", num_states=2**20)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert r.num_reads == 2**16
    assert np.all(np.diff(r.energies) >= 0)
    assert peak < 48 * 2**20  # 2^16 states of 16 variables: a few MiB; was 134 MiB


def test_num_states_beyond_ground_states() -> None:
    eps = np.diag([1.0, 2.0, 4.0])
    r = isingeq.solve(SpinGlass(eps), method="exact", num_states=8)
    np.testing.assert_allclose(r.energies, -np.array([7, 6, 5, 4, 3, 2, 1, 0], dtype=float))


@pytest.mark.parametrize("n", [1, 4, 11, 15])
@pytest.mark.parametrize("t", [0.0, 0.3, 2.0, 40.0])
def test_exact_marginals_agree_with_direct_boltzmann_sums(n: int, t: float) -> None:
    m = SpinGlass(isingeq.paper_instance(n, rng=n + 1).eps, offset=-0.25)
    X = all_states(n)
    E = brute_energies(m.eps, X, offset=-0.25)
    log_z = logsumexp(-t * E)
    p = np.exp(-t * E - log_z) @ X
    r = isingeq.solve(m, method="exact", t=t)
    assert r.info["log_z"] == pytest.approx(log_z, rel=1e-12, abs=1e-12)
    assert r.marginals is not None and r.marginals.shape == (r.num_reads, n)
    for row in r.marginals:  # the same Boltzmann marginals beside every sample
        np.testing.assert_allclose(row, p, atol=1e-12)
    # the energy's mean and variance: specific heat t^2 Var H, entropy log Z + t <H>
    w = np.exp(-t * E - log_z)
    mean = float(w @ E)
    assert r.info["mean_energy"] == pytest.approx(mean, rel=1e-10, abs=1e-10)
    assert r.info["energy_variance"] == pytest.approx(
        float(w @ (E - mean) ** 2), rel=1e-9, abs=1e-10
    )


def test_exact_log_partition_does_not_overflow_at_huge_t() -> None:
    m = isingeq.paper_instance(12, rng=0)
    e0 = isingeq.solve(m, method="exact").best_energy
    log_z, p = isingeq.exact_log_partition(m, 1e8)
    assert np.isfinite(log_z)
    assert log_z == pytest.approx(-1e8 * e0, rel=1e-12)
    np.testing.assert_allclose(p, isingeq.solve(m, method="exact").best_sample, atol=1e-12)


@pytest.mark.parametrize(
    "folder", ["4x4_00000000", "4x4_00000001", "4x4_00000002", "weakstrongcluster"]
)
def test_reference_ground_states_from_the_spin_glass_server(folder: str) -> None:
    h, J = read_latfile(DATA / "cool" / folder / "latfile")
    e_per_spin = float((DATA / "cool" / folder / "gs_energy").read_text())
    m = SpinGlass.from_spin(h, J)
    r = isingeq.solve(m, method="exact")
    assert r.best_energy / m.n == pytest.approx(e_per_spin, abs=1e-5)


def test_exact_refuses_large_n_with_a_useful_message() -> None:
    m = SpinGlass(np.zeros((37, 37)))
    with pytest.raises(
        ValueError,
        match=r"n=37 is too large for method 'exact' \(limit 36; 2\^37 states would take about .* use method 'mfa-hybrid'",
    ):
        isingeq.solve(m, method="exact")
    # exact_log_partition takes no client, and a heuristic gives no log Z: the advice differs
    with pytest.raises(ValueError, match=r"too large for exact_log_partition") as err:
        isingeq.exact_log_partition(m, 1.0)
    assert "mfa-hybrid" not in str(err.value)
    assert "method='exact', t=t, client=...) enumerates" in str(err.value)
    assert "info['log_z']" in str(err.value)


def test_exact_log_partition_names_a_model_that_is_not_a_spin_glass() -> None:
    eps = isingeq.paper_instance(3, rng=0).eps
    with pytest.raises(TypeError, match=r"`model` must be an isingeq.SpinGlass; got ndarray"):
        isingeq.exact_log_partition(eps, 1.0)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("opts", "exc", "match"),
    [
        ({"num_states": 0}, ValueError, "`num_states` must be >= 1; got 0"),
        ({"num_states": 1.5}, TypeError, "`num_states` must be an integer"),
        ({"t": -1.0}, ValueError, "`t` must be >= 0"),
        ({"t": float("inf")}, ValueError, "`t` must be finite"),
        ({"max_degenerate": 0}, ValueError, "max_degenerate"),
        ({"bogus": 1}, TypeError, "unknown option.*'bogus'"),
    ],
)
def test_exact_bad_options(opts: dict[str, object], exc: type, match: str) -> None:
    with pytest.raises(exc, match=match):
        isingeq.solve(isingeq.paper_instance(3, rng=0), method="exact", **opts)
