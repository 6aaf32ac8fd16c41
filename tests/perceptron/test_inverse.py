"""Samplers of the Boltzmann distribution and the inverse problem (learning eps from samples)."""

from __future__ import annotations

import itertools
import re
import warnings
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp

import isingeq
from isingeq import SpinGlass
from isingeq.perceptron import min_samples


def exact_probs(m: SpinGlass, t: float) -> tuple[np.ndarray, np.ndarray]:
    X = np.array(list(itertools.product((0, 1), repeat=m.n)), dtype=np.uint8)
    w = np.exp(-t * m.energy(X))
    return X, w / w.sum()


def test_exact_sampler_matches_the_distribution_and_is_seeded() -> None:
    m = isingeq.paper_instance(3, rng=2)
    X, p = exact_probs(m, 1.5)
    S = 200_000
    samples = isingeq.sample_boltzmann(m, 1.5, S, rng=0)
    assert samples.shape == (S, 3) and samples.dtype == np.uint8
    freq = np.array([np.mean(np.all(samples == x, axis=1)) for x in X])
    sigma = np.sqrt(p * (1 - p) / S)
    assert np.all(np.abs(freq - p) < 5 * sigma + 1e-12)
    assert np.array_equal(samples[:100], isingeq.sample_boltzmann(m, 1.5, 100, rng=0))


def _assert_moments_match(samples: np.ndarray, X: np.ndarray, p: np.ndarray) -> None:
    """The samples' marginals and pair correlations are those of the states ``X`` weighted by
    their exact probabilities ``p`` (to 0.02)."""
    np.testing.assert_allclose(samples.mean(axis=0), p @ X, atol=0.02)
    np.testing.assert_allclose(
        (samples.T.astype(float) @ samples) / len(samples),
        X.T.astype(float) @ (p[:, None] * X),
        atol=0.02,
    )


def test_gibbs_marginals_and_correlations_match_exact() -> None:
    m = isingeq.paper_instance(6, rng=3)
    X, p = exact_probs(m, 1.0)
    G = isingeq.sample_boltzmann(m, 1.0, 100_000, rng=1, method="gibbs", burn_in=200)
    _assert_moments_match(G, X, p)
    again = isingeq.sample_boltzmann(m, 1.0, 50, rng=1, method="gibbs", burn_in=200)
    assert np.array_equal(again, G[:50])
    thin = isingeq.sample_boltzmann(
        m, 1.0, 10, rng=1, method="gibbs", burn_in=3, thin=4, initial_state=[0] * 6
    )
    assert thin.shape == (10, 6)


def test_pseudolikelihood_error_shrinks_with_samples_n10() -> None:
    # the case: n = 10, t = 1, exact samples
    true = isingeq.paper_instance(10, rng=3)
    errs = []
    for S in (1_000, 10_000, 100_000):
        X = isingeq.sample_boltzmann(true, 1.0, S, rng=S)
        errs.append(isingeq.reconstruction_error(isingeq.fit(X, t=1.0), true))
    assert errs[0] > errs[1] > errs[2]
    assert errs[2] < 0.1  # typical errors over many instances: benchmarks/bench_inverse.py


def test_fit_divides_by_t_and_recovers_eps_at_another_temperature() -> None:
    true = isingeq.paper_instance(5, rng=8)
    X = isingeq.sample_boltzmann(true, 2.0, 100_000, rng=0)
    assert isingeq.reconstruction_error(isingeq.fit(X, t=2.0), true) < 0.1
    # the same data read at the wrong t gives eps scaled by 2
    wrong = isingeq.fit(X, t=1.0)
    assert isingeq.reconstruction_error(wrong, true) > 0.5
    with pytest.raises(ValueError, match=r"`learned` \(n=3\) and `true` \(n=5\) must be"):
        isingeq.reconstruction_error(isingeq.paper_instance(3, rng=0), true)


def test_mean_field_is_good_for_weak_couplings_and_biased_for_strong() -> None:
    weak = SpinGlass(0.1 * isingeq.paper_instance(6, rng=1).eps)
    X = isingeq.sample_boltzmann(weak, 1.0, 200_000, rng=0)
    mf = isingeq.fit(X, t=1.0, method="mean-field")
    assert isingeq.reconstruction_error(mf, weak) < 0.03
    strong = isingeq.paper_instance(8, rng=1)
    Y = isingeq.sample_boltzmann(strong, 1.0, 100_000, rng=0)
    err_mf = isingeq.reconstruction_error(isingeq.fit(Y, t=1.0, method="mean-field"), strong)
    err_pl = isingeq.reconstruction_error(isingeq.fit(Y, t=1.0), strong)
    assert err_pl < 0.1 < err_mf


def test_bad_samples_are_refused_with_clear_messages() -> None:
    rng = np.random.default_rng(0)
    X = rng.integers(0, 2, size=(50, 4))
    with pytest.raises(ValueError, match=r"only 0 and 1; got 2 at row 0, column 1"):
        isingeq.fit([[0, 2, 1], *X[:10, :3].tolist()])
    with pytest.raises(ValueError, match="inconsistent length"):
        isingeq.fit([[0, 1, 1], [1, 0]])
    with pytest.raises(ValueError, match=r"2-D array"):
        isingeq.fit([0, 1, 1])
    with pytest.raises(ValueError, match=r"has 4 rows; fitting n=4 nodes needs at least 5"):
        isingeq.fit(X[:4])
    assert min_samples(4) == 5
    Y = X.copy()
    Y[:, 2] = 1
    with pytest.raises(ValueError, match=r"1 constant column\(s\): 2 \(always 1\)"):
        isingeq.fit(Y)
    with pytest.raises(ValueError, match="constant column"):
        isingeq.fit(Y, method="mean-field", l2=1.0)
    reg = isingeq.fit(Y, l2=1e-2)  # regularised: finite, and the constant node's bias is positive
    assert np.all(np.isfinite(reg.eps)) and reg.h[2] > 0
    Z = X.copy()
    Z[:, 3] = 1 - Z[:, 0]
    with pytest.raises(ValueError, match="covariance is singular"):
        isingeq.fit(Z, method="mean-field")
    with pytest.raises(ValueError, match="`method` must be one of"):
        isingeq.fit(X, method="ml")
    with pytest.raises(ValueError, match="`t` must be > 0"):
        isingeq.fit(X, t=0.0)
    assert isingeq.fit(X.astype(bool)).n == 4


@pytest.mark.parametrize(("option", "value"), [("l2", 0.1), ("tol", 1e-6), ("max_iter", 50)])
def test_pseudolikelihood_only_options_are_refused_with_mean_field(
    option: str, value: object
) -> None:
    # mean-field inversion is one matrix inverse: no penalty, no optimiser to stop
    X = isingeq.sample_boltzmann(isingeq.paper_instance(4, rng=1), 1.0, 2_000, rng=0)
    with pytest.raises(
        ValueError, match=rf"`{option}` applies to methods 'pseudolikelihood' and 'likelihood'"
    ):
        isingeq.fit(X, method="mean-field", **{option: value})  # type: ignore[arg-type]
    isingeq.fit(X, method="pseudolikelihood", **{option: value})  # type: ignore[arg-type]


def test_sampler_bad_inputs() -> None:
    m = isingeq.paper_instance(3, rng=0)
    with pytest.raises(ValueError, match=r"n=25 is too large for method 'exact'.*'gibbs'"):
        isingeq.sample_boltzmann(SpinGlass(np.eye(25)), 1.0, 10)
    with pytest.raises(ValueError, match="`method` must be one of"):
        isingeq.sample_boltzmann(m, 1.0, 10, method="metropolis")
    with pytest.raises(ValueError, match="`num_samples` must be >= 1"):
        isingeq.sample_boltzmann(m, 1.0, 0)
    with pytest.raises(TypeError, match="`rng`"):
        isingeq.sample_boltzmann(m, 1.0, 10, rng="seed")
    # Gibbs has no size limit
    big = isingeq.sample_boltzmann(isingeq.paper_instance(30, rng=0), 1.0, 5, rng=0, method="gibbs")
    assert big.shape == (5, 30)


def test_fit_that_stops_short_raises_naming_max_iter() -> None:
    m = isingeq.paper_instance(6, rng=3)
    X = isingeq.sample_boltzmann(m, 1.0, 20_000, rng=1)
    with pytest.raises(ValueError, match=r"did not converge within max_iter=1 .*L-BFGS-B: .*"):
        isingeq.fit(X, max_iter=1)
    # the defaults converge (no raise) on the README's and the bench's kind of case, but one
    # (seed 0, 300 samples: separable, below)
    for seed in range(3):
        true = isingeq.paper_instance(10, rng=seed)
        for S in (300, 1_000, 10_000):
            if (seed, S) != (0, 300):
                isingeq.fit(isingeq.sample_boltzmann(true, 1.0, S, rng=seed), t=1.0)


@pytest.mark.parametrize(
    ("n", "t", "S", "seed", "rng"),
    [(10, 1.0, 300, 0, 0), (10, 3.0, 10_000, 1004, 1)],  # fitted unchecked: errors 25 and 679
)
def test_separable_samples_are_refused_and_l2_fits_them(
    n: int, t: float, S: int, seed: int, rng: int
) -> None:
    true = isingeq.paper_instance(n, rng=seed)
    X = isingeq.sample_boltzmann(true, t, S, rng=rng)
    with pytest.raises(ValueError, match=r"separable: .*node\(s\) \d.*l2 > 0"):
        isingeq.fit(X, t=t)
    learned = isingeq.fit(X, t=t, l2=1e-3)  # a prior: the maximum exists
    assert np.max(np.abs(learned.eps)) < 10


def test_separated_nodes_by_linear_programming() -> None:
    from isingeq.perceptron.inverse import _separated_nodes

    # node 2 copies node 0: node 0 predicts it (and it predicts node 0) without error
    rows = [[0, 0, 0], [1, 0, 1], [0, 1, 0], [1, 1, 1]]
    np.testing.assert_array_equal(_separated_nodes(np.array(rows, dtype=float)), [0, 2])
    # every configuration seen: no direction raises them all
    every = [[a, b, c] for a in (0, 1) for b in (0, 1) for c in (0, 1)]
    assert _separated_nodes(np.array(every, dtype=float)).size == 0
    # one constant column is separation too (its bias alone)
    assert list(_separated_nodes(np.array([[0, 1], [1, 1]], dtype=float))) == [1]


def test_small_separable_samples_are_refused_before_the_fit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from isingeq.perceptron import inverse

    def no_fit(*args: object, **kwargs: object) -> None:
        raise AssertionError("the optimiser ran on separable samples")

    monkeypatch.setattr(inverse, "minimize", no_fit)
    bad = isingeq.sample_boltzmann(isingeq.paper_instance(10, rng=0), 1.0, 300, rng=0)
    with pytest.raises(ValueError, match="separable"):
        isingeq.fit(bad, t=1.0)


def test_big_separability_check_runs_only_on_suspect_fits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from isingeq.perceptron import inverse

    good = isingeq.sample_boltzmann(isingeq.paper_instance(10, rng=1), 1.0, 1_000, rng=1)
    bad = isingeq.sample_boltzmann(isingeq.paper_instance(10, rng=0), 1.0, 300, rng=0)
    monkeypatch.setattr(inverse, "_ALWAYS_CHECK_NNZ", 0)  # every programme "big"
    calls: list[int] = []
    real = inverse._separated_nodes
    monkeypatch.setattr(inverse, "_separated_nodes", lambda U: calls.append(1) or real(U))
    isingeq.fit(good, t=1.0)  # logits below 10: not checked
    assert calls == []
    with pytest.raises(ValueError, match="separable"):  # diverging logits: checked
        isingeq.fit(bad, t=1.0)
    assert calls == [1]
    monkeypatch.setattr(inverse, "_MAX_CHECK_NNZ", 0)  # too big to check: a warning
    with pytest.warns(RuntimeWarning, match="too big to run .*l2 > 0"):
        learned = isingeq.fit(bad, t=1.0)
    assert np.max(np.abs(learned.eps)) > 10  # what the check exists to catch


def test_line_search_failure_at_a_minimum_is_accepted() -> None:
    # L-BFGS-B's line search gives up here with max |gradient| ~3e-9: flat to rounding, a minimum
    m = isingeq.paper_instance(4, rng=2)
    X = isingeq.sample_boltzmann(m, 2.0, 20_000, rng=2)[:60]
    learned = isingeq.fit(X, t=2.0, l2=1e-2)
    assert np.all(np.isfinite(learned.eps))


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("initial_state", [1, 0, 0]),
        ("initial_state", [1, 0, 0, 1, 1]),
        ("burn_in", 10),
        ("thin", 2),
    ],
)
def test_gibbs_only_options_are_refused_with_method_exact(option: str, value: object) -> None:
    m = isingeq.paper_instance(5, rng=3)
    with pytest.raises(ValueError, match=rf"`{option}` applies to method='gibbs' only"):
        isingeq.sample_boltzmann(m, 1.0, 5, rng=0, method="exact", **{option: value})


def test_gibbs_initial_state_is_checked_and_used() -> None:
    m = isingeq.paper_instance(5, rng=3)
    with pytest.raises(ValueError, match=r"`initial_state` must have shape \(5,\)"):
        isingeq.sample_boltzmann(m, 1.0, 5, rng=0, method="gibbs", initial_state=[1, 0, 0])
    with pytest.raises(ValueError, match="`initial_state` must contain only 0 and 1"):
        isingeq.sample_boltzmann(m, 1.0, 5, rng=0, method="gibbs", initial_state=[2, 0, 0, 0, 0])
    # with no burn-in the first sample is one sweep from the start. On a ring with h = 0.5 and
    # J = -1 at t = 50 a sweep is (to 1e-10) the t = inf update: (0,1,0,1,...) stays, while
    # from all zeros node 0 turns on, node 1 stays off, ... giving (1,0,1,0,...)
    r = ring(12)
    for start, first in (([0, 1] * 6, [0, 1] * 6), ([0] * 12, [1, 0] * 6)):
        X = isingeq.sample_boltzmann(
            r, 50.0, 2, rng=0, method="gibbs", burn_in=0, initial_state=start
        )
        assert X[0].tolist() == first


def ring(n: int) -> SpinGlass:
    i = np.arange(n)
    rows, cols = np.minimum(i, (i + 1) % n), np.maximum(i, (i + 1) % n)
    eps = sp.coo_array((np.full(n, -1.0), (rows, cols)), shape=(n, n)).tocsr()
    eps = eps + sp.diags_array(np.full(n, 0.5)).tocsr()
    return SpinGlass(sp.csr_array(eps))


def test_gibbs_on_a_sparse_model_is_the_dense_chain_without_densifying(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    small = ring(12)
    dense = SpinGlass(small.eps.toarray())
    kw = {"rng": 5, "method": "gibbs", "burn_in": 20, "thin": 2}
    want = isingeq.sample_boltzmann(dense, 0.8, 200, **kw)  # type: ignore[arg-type]
    # the sparse path never builds the n x n matrix: a 30,000-node ring (6.7 GiB dense) runs
    monkeypatch.setattr(SpinGlass, "dense_J", lambda self: pytest.fail("densified"))
    got = isingeq.sample_boltzmann(small, 0.8, 200, **kw)  # type: ignore[arg-type]
    assert np.array_equal(got, want)
    big = isingeq.sample_boltzmann(ring(30_000), 1.0, 3, rng=0, method="gibbs", burn_in=2)
    assert big.shape == (3, 30_000) and 0 < big.mean() < 1
    assert isingeq.reconstruction_error(ring(30_000), ring(30_000)) == 0.0


def test_small_inputs_are_validated() -> None:
    with pytest.raises(ValueError, match="`n` must be >= 1; got -3"):
        min_samples(-3)
    with pytest.raises(TypeError, match=r"`n` must be an integer; got 2\.5"):
        min_samples(2.5)  # type: ignore[arg-type]
    rng = np.random.default_rng(0)
    X = rng.integers(0, 2, size=(200, 4))
    with pytest.raises(TypeError, match="`samples` must be real 0/1 values; got complex"):
        isingeq.fit(X.astype(complex))
    # sparse samples are the same data
    a = isingeq.fit(sp.csr_array(X))
    assert np.array_equal(a.eps, isingeq.fit(X).eps)


@pytest.mark.parametrize("method", ["exact", "gibbs"])
def test_sample_count_beyond_memory_is_refused_before_drawing(
    monkeypatch: pytest.MonkeyPatch, method: str
) -> None:
    monkeypatch.setenv("ISINGEQ_MEMORY_LIMIT", "1MiB")
    m = isingeq.paper_instance(8, rng=0)
    with pytest.raises(ValueError, match=r"num_samples=1000000 on n=8 needs about .*1 MiB"):
        isingeq.sample_boltzmann(m, 1.0, 1_000_000, rng=0, method=method)
    assert isingeq.sample_boltzmann(m, 1.0, 1_000, rng=0, method=method).shape == (1_000, 8)


def test_l2_is_a_ridge_penalty_on_the_mean_loss_and_its_bias_stays() -> None:
    # the docs' claim: l2 / 2 ||t eps||^2 is added to the *mean* loss, so repeating every sample
    # ten times (the same mean loss) gives the same fit; a fixed Gaussian prior would not
    m = isingeq.paper_instance(5, rng=3)
    X = isingeq.sample_boltzmann(m, 1.0, 200_000, rng=0)
    small = X[:2_000]
    once = isingeq.fit(small, t=1.0, l2=1e-2)
    tenfold = isingeq.fit(np.tile(small, (10, 1)), t=1.0, l2=1e-2)
    np.testing.assert_allclose(tenfold.eps, once.eps, atol=1e-6)
    # and so its bias does not shrink with more samples, unlike the unpenalised fit's error
    err = {
        (S, l2): isingeq.reconstruction_error(isingeq.fit(X[:S], t=1.0, l2=l2), m)
        for S in (10_000, 200_000)
        for l2 in (1e-2, 0.0)
    }
    assert err[200_000, 1e-2] > 0.5 * err[10_000, 1e-2]
    assert err[200_000, 1e-2] > 2 * err[200_000, 0.0]
    doc = " ".join((isingeq.fit.__doc__ or "").split())
    assert "Gaussian prior)" not in doc and "ridge penalty" in doc
    assert "precision ``l2 * num_samples``" in doc


def test_the_separable_message_calls_l2_a_ridge_penalty() -> None:
    m = isingeq.paper_instance(8, rng=1)
    X = isingeq.sample_boltzmann(m, 1.0, 20, rng=1)  # 20 rows, 17 distinct: separable
    with pytest.raises(ValueError, match="separable") as info:
        isingeq.fit(X, t=1.0)
    msg = str(info.value)
    assert "ridge penalty on the mean loss" in msg and "precision l2 * num_samples" in msg
    assert "biases it towards 0 at any sample size" in msg


def test_mean_field_on_separable_samples_warns() -> None:
    m = isingeq.paper_instance(8, rng=1)
    X = isingeq.sample_boltzmann(m, 1.0, 20, rng=1)  # separable (see above), no constant column
    assert np.linalg.cond(np.cov(X, rowvar=False)) < 100  # not an ill-conditioned covariance
    with pytest.warns(RuntimeWarning, match=r"method='mean-field' on separable `samples` \(20 r"):
        learned = isingeq.fit(X, t=1.0, method="mean-field")
    assert isingeq.reconstruction_error(learned, m) > 3  # what the warning is about
    # enough samples: the same instance fits without a warning (RuntimeWarnings are errors here)
    Y = isingeq.sample_boltzmann(m, 1.0, 20_000, rng=1)
    assert isingeq.reconstruction_error(isingeq.fit(Y, t=1.0, method="mean-field"), m) < 1.5


@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 70])
def test_distinct_rows_are_those_of_np_unique(n: int) -> None:
    from isingeq._rows import distinct_rows

    X = np.random.default_rng(n).integers(0, 2, size=(300, n)).astype(np.float64)
    first, counts = distinct_rows(X)
    U, ref_first, ref_counts = np.unique(X, axis=0, return_index=True, return_counts=True)
    by_first = np.argsort(ref_first)
    np.testing.assert_array_equal(first, ref_first[by_first])  # first seen, first listed
    np.testing.assert_array_equal(counts, ref_counts[by_first])
    np.testing.assert_array_equal(X[first], U[by_first])
    assert counts.sum() == len(X)
    assert [len(a) for a in distinct_rows(X[:0])] == [0, 0]


# ------------------------------------------------------------------ parallel tempering
def _two_valleys(n: int) -> SpinGlass:
    """A ferromagnet whose fields make all-0 and all-1 equally likely: two valleys n flips
    apart (a Gibbs chain at low temperature stays in the one it starts in)."""
    eps = np.triu(np.random.default_rng(0).uniform(0.5, 1.0, (n, n)), 1)
    eps[np.diag_indices(n)] = -(eps + eps.T).sum(axis=1) / 2
    return SpinGlass(eps)


def test_tempering_weighs_valleys_a_gibbs_chain_cannot_cross() -> None:
    m = _two_valleys(12)
    assert m.energy(np.zeros(12)) == pytest.approx(m.energy(np.ones(12)), abs=1e-12)
    exact = isingeq.solve(m, method="exact", t=3.0).marginals[0]
    start = {"initial_state": np.zeros(12, dtype=np.uint8), "burn_in": 100, "rng": 1}
    stuck = isingeq.sample_boltzmann(m, 3.0, 4000, method="gibbs", **start)  # type: ignore[arg-type]
    assert stuck.mean() < 0.05  # the chain never left all-zeros
    X = isingeq.sample_boltzmann(m, 3.0, 4000, method="tempering", **start)  # type: ignore[arg-type]
    np.testing.assert_allclose(X.mean(axis=0), exact, atol=0.05)
    assert 0.3 < X.all(axis=1).mean() < 0.7  # both valleys, about half the time each


def test_tempering_matches_the_exact_distribution() -> None:
    m = isingeq.paper_instance(8, rng=5)
    X, p = exact_probs(m, 2.0)
    T = isingeq.sample_boltzmann(m, 2.0, 40_000, rng=2, method="tempering", ladder=6)
    _assert_moments_match(T, X, p)
    energies = m.energy(T)
    assert energies.mean() == pytest.approx(
        isingeq.solve(m, method="exact", t=2.0).info["mean_energy"], abs=0.05
    )
    # seeded, and the same chain stored dense or sparse
    again = isingeq.sample_boltzmann(m, 2.0, 40_000, rng=2, method="tempering", ladder=6)
    assert np.array_equal(again, T)
    sparse = SpinGlass(sp.csr_array(m.eps))
    kw = {"rng": 3, "method": "tempering", "burn_in": 50}
    assert np.array_equal(
        isingeq.sample_boltzmann(sparse, 2.0, 300, **kw),  # type: ignore[arg-type]
        isingeq.sample_boltzmann(m, 2.0, 300, **kw),  # type: ignore[arg-type]
    )


def test_tempering_options_are_checked() -> None:
    m = isingeq.paper_instance(5, rng=0)
    with pytest.raises(ValueError, match="`ladder` applies to method='tempering' only"):
        isingeq.sample_boltzmann(m, 1.0, 5, method="gibbs", ladder=4)
    with pytest.raises(ValueError, match="`ladder` must increase to the sampled t=1"):
        isingeq.sample_boltzmann(m, 1.0, 5, method="tempering", ladder=[0.5, 0.9])
    with pytest.raises(ValueError, match="`ladder` must increase"):
        isingeq.sample_boltzmann(m, 1.0, 5, method="tempering", ladder=[0.5, 0.5, 1.0])
    with pytest.raises(ValueError, match="finite inverse temperatures"):
        isingeq.sample_boltzmann(m, 1.0, 5, method="tempering", ladder=[np.nan, 1.0])
    with pytest.raises(ValueError, match="`ladder` must be >= 1"):
        isingeq.sample_boltzmann(m, 1.0, 5, method="tempering", ladder=0)
    # one rung is one Gibbs chain at t; t = 0 is the uniform distribution
    assert isingeq.sample_boltzmann(m, 1.0, 5, method="tempering", ladder=[1.0]).shape == (5, 5)
    flat = isingeq.sample_boltzmann(m, 0.0, 4000, method="tempering", rng=0)
    assert abs(flat.mean() - 0.5) < 0.03


def test_tempering_alternates_pairs_in_calls_of_one_sweep(monkeypatch: pytest.MonkeyPatch) -> None:
    # the pairs' parity came from the sweep's index within a call: with calls of one sweep
    # (n K > 2^21) only the even pairs were ever tried, and the coldest chain saw one neighbour
    from isingeq.perceptron import _kernels as pk
    from isingeq.perceptron import inverse

    calls: list[np.ndarray] = []
    kernel = pk.tempering_sweeps

    def spy(*args: Any) -> None:
        kernel(*args)
        calls.append(np.array(args[-2]))  # the tries of each pair so far

    monkeypatch.setattr(pk, "tempering_sweeps", spy)
    monkeypatch.setattr(inverse, "_TEMPERING_CHUNK_ENTRIES", 1)  # one sweep per call
    m = isingeq.paper_instance(6, rng=0)
    ladder = [0.2, 0.4, 0.6, 0.8, 1.0]
    X = isingeq.sample_boltzmann(m, 1.0, 40, rng=0, method="tempering", ladder=ladder, burn_in=0)
    assert X.shape == (40, 6) and len(calls) == 40
    assert calls[-1].tolist() == [20, 20, 20, 20]  # every pair, odd ones too, every other sweep


def test_tempering_warns_when_neighbouring_rungs_rarely_swap() -> None:
    m = _two_valleys(30)
    with pytest.warns(RuntimeWarning, match=r"neighbouring pairs of the ladder swapped in under"):
        isingeq.sample_boltzmann(m, 5.0, 200, rng=0, method="tempering", ladder=[0.01, 5.0])
    with pytest.raises(ValueError, match=r"`ladder` must be 1-D; got shape \(2, 1\)"):
        isingeq.sample_boltzmann(m, 1.0, 5, method="tempering", ladder=[[0.5], [1.0]])
    with pytest.raises(TypeError, match="`ladder` must be a number of rungs or inverse"):
        isingeq.sample_boltzmann(m, 1.0, 5, method="tempering", ladder="abc")
    tiny = isingeq.sample_boltzmann(m, 5e-324, 3, rng=0, method="tempering")  # t / 10 is 0
    assert tiny.shape == (3, 30)


def test_tempering_chains_in_parallel_give_the_same_samples(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from isingeq.perceptron import inverse

    m = isingeq.ea_instance((10, 10), rng=4)
    kw = {"rng": 6, "method": "tempering", "burn_in": 20, "ladder": 8}
    monkeypatch.setattr(inverse, "_TEMPERING_PARALLEL_ENTRIES", 1 << 40)  # serial
    serial = isingeq.sample_boltzmann(m, 1.5, 50, **kw)  # type: ignore[arg-type]
    monkeypatch.setattr(inverse, "_TEMPERING_PARALLEL_ENTRIES", 1)  # parallel
    assert np.array_equal(isingeq.sample_boltzmann(m, 1.5, 50, **kw), serial)  # type: ignore[arg-type]


def test_tempering_judges_only_pairs_tried_often_enough() -> None:
    # one sweep (burn_in=0, one sample) tries each even pair once and the odd ones never; the
    # warning called a pair with 0 swaps in 1 try (or in none, "0.0 % of their tries") rare
    from isingeq.perceptron import RARE_SWAPS, inverse

    m = isingeq.paper_instance(200, rng=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        for burn_in, num_samples in ((0, 1), (5, 5)):
            X = isingeq.sample_boltzmann(
                m, 3.0, num_samples, rng=0, method="tempering", burn_in=burn_in
            )
            assert X.shape == (num_samples, 200)
    # the minimum: the fewest tries in which a pair swapping at RARE_SWAPS swaps at least once
    # with probability 0.99
    k = inverse._MIN_SWAP_TRIES
    assert (1 - RARE_SWAPS) ** k <= 0.01 < (1 - RARE_SWAPS) ** (k - 1)
    ts = np.array([0.1, 0.5, 1.0, 2.0])
    few = np.array([k - 1, k - 1, k - 1])
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        inverse._warn_rare_swaps(ts, few, np.zeros(3, dtype=np.int64))  # none judged
    tried = np.array([k - 1, k, 5 * k])
    swapped = np.array([0, 1, 5 * k // 2])
    with pytest.warns(RuntimeWarning) as record:
        inverse._warn_rare_swaps(ts, tried, swapped)
    (message,) = [str(w.message) for w in record]
    assert message.startswith("parallel tempering: 1 of 2 neighbouring pairs of the ladder")
    assert f"first: t=0.5 and 1, 1 swaps in {k} tries, 1.1%" in message
    assert f"1 pairs tried under {k} times not judged" in message
    # a well-sampled run (the default burn-in) is judged, and the message gives the tries
    with pytest.warns(RuntimeWarning, match=r"t=0\.01 and 5, 0 swaps in 600 tries, 0\.0%\)"):
        isingeq.sample_boltzmann(
            _two_valleys(30), 5.0, 200, rng=0, method="tempering", ladder=[0.01, 5.0]
        )


def test_tempering_ladder_may_end_at_t_up_to_rounding_and_samples_at_t() -> None:
    m = isingeq.paper_instance(5, rng=0)
    t = 0.1 + 0.2  # 0.30000000000000004
    typed = np.array([0.1, 0.3])
    X = isingeq.sample_boltzmann(m, t, 50, rng=0, method="tempering", ladder=typed, burn_in=5)
    assert typed[-1] == 0.3  # the caller's array is left alone
    # the last chain ran at t itself: the same samples as a ladder ending exactly at t
    same = isingeq.sample_boltzmann(m, t, 50, rng=0, method="tempering", ladder=[0.1, t], burn_in=5)
    assert np.array_equal(X, same)
    # a real mismatch is refused, with the digits that show it
    with pytest.raises(
        ValueError,
        match=r"sampled t=0\.3 \(its last value, to a relative 1e-12\); its last value is "
        r"0\.30000000001; got \[0\.1, 0\.30000000001\]",
    ):
        isingeq.sample_boltzmann(m, 0.3, 5, method="tempering", ladder=[0.1, 0.30000000001])
    with pytest.raises(ValueError, match=r"t=0\.30000000000000004 .*its last value is 0\.2;"):
        isingeq.sample_boltzmann(m, t, 5, method="tempering", ladder=[0.1, 0.2])
    with pytest.raises(ValueError, match=r"ladder\[1\]=0\.3000000000000001 \(taken as t=0\.3\) is"):
        isingeq.sample_boltzmann(m, 0.3, 5, method="tempering", ladder=[0.3, 0.3000000000000001])
    with pytest.raises(ValueError, match=r"ladder\[2\]=0\.2 is not above ladder\[1\]=0\.2; got"):
        isingeq.sample_boltzmann(m, 1.0, 5, method="tempering", ladder=[0.1, 0.2, 0.2, 1.0])


def test_chain_initial_state_message_asks_for_one_state() -> None:
    m = isingeq.paper_instance(10, rng=0)
    for method in ("gibbs", "tempering"):
        for start, shape in (([0] * 9, "(9,)"), ([[0] * 10] * 2, "(2, 10)")):
            message = f"`initial_state` must have shape (10,) (one 0/1 state); got shape {shape}"
            with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
                isingeq.sample_boltzmann(m, 1.0, 5, rng=0, method=method, initial_state=start)
    with pytest.raises(TypeError, match="`initial_state` must hold 0/1 numbers"):
        isingeq.sample_boltzmann(m, 1.0, 5, rng=0, method="gibbs", initial_state="0" * 10)
    # the model's own check keeps its wording for batches (SpinGlass.check_states)
    with pytest.raises(ValueError, match=r"\(10,\) or \(num_states, 10\)"):
        m.check_states([0] * 9)
