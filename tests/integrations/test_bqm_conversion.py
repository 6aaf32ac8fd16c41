"""``SpinGlass.from_bqm`` / ``to_bqm`` (issue #11 part 0): any labels, sparse stays sparse, O(nnz)
memory, energies equal to the BQM's own, and bad biases named."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

import isingeq
from isingeq import SpinGlass

from ._bqms import mixed_labels, random_bqm

dimod = pytest.importorskip("dimod")


@pytest.mark.parametrize("vartype", ["BINARY", "SPIN"])
@pytest.mark.parametrize(("n", "m"), [(8, 6), (8, 40), (30, 60)])
def test_energies_equal_with_mixed_labels(vartype: str, n: int, m: int) -> None:
    bqm = random_bqm(dimod, n, m, vartype, seed=n + m, labels=mixed_labels(n), offset=-1.25)
    model = SpinGlass.from_bqm(bqm)
    X = np.random.default_rng(3).integers(0, 2, (64, n))
    states = 2 * X - 1 if vartype == "SPIN" else X
    np.testing.assert_allclose(
        model.energy(X), bqm.energies((states, bqm.variables)), rtol=0, atol=1e-10
    )


def test_variable_i_is_bqm_variables_i_and_to_bqm_gives_the_labels_back() -> None:
    labels = mixed_labels(12)
    bqm = random_bqm(dimod, 12, 30, "SPIN", seed=1, labels=labels)
    model = SpinGlass.from_bqm(bqm)
    back = model.to_bqm(labels=bqm.variables)
    assert list(back.variables) == list(bqm.variables) == labels
    X = np.random.default_rng(0).integers(0, 2, (32, 12))
    np.testing.assert_allclose(
        back.energies((X, labels)), bqm.energies((2 * X - 1, labels)), atol=1e-10
    )


def test_sparse_bqm_gives_sparse_model_dense_bqm_dense() -> None:
    sparse = SpinGlass.from_bqm(random_bqm(dimod, 200, 400))
    assert sparse.is_sparse
    dense = SpinGlass.from_bqm(isingeq.paper_instance(20, rng=0).to_bqm())
    assert not dense.is_sparse


def test_large_sparse_bqm_converts_without_an_n_by_n_allocation() -> None:
    # 10^5 variables: one dense n x n float64 array would be 80 GB; the conversion must stay
    # linear in the BQM's size (about 140 bytes per variable + interaction when measured).
    n, m = 100_000, 300_000
    bqm = random_bqm(dimod, n, m)
    tracemalloc.start()
    try:
        model = SpinGlass.from_bqm(bqm)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert model.is_sparse and model.n == n
    assert peak < 400 * (n + m), f"peak {peak / 2**20:.0f} MiB"
    x = np.zeros(n, dtype=np.uint8)
    x[::7] = 1
    assert model.energy(x) == pytest.approx(bqm.energy((x, bqm.variables)), abs=1e-8)


def test_to_bqm_refuses_bad_labels() -> None:
    model = isingeq.paper_instance(3, rng=0)
    with pytest.raises(
        ValueError, match=r"`labels` must be 3 distinct .* got 3 labels, 2 distinct"
    ):
        model.to_bqm(labels=["a", "b", "a"])
    with pytest.raises(ValueError, match=r"got 2 labels"):
        model.to_bqm(labels=["a", "b"])


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_biases_are_named(bad: float) -> None:
    bqm = dimod.BinaryQuadraticModel({"a": 1.0, ("t", 1): 0.0}, {}, 0.0, "SPIN")
    bqm.set_linear(("t", 1), bad)
    with pytest.raises(ValueError, match=r"linear bias of variable \('t', 1\) must be finite"):
        SpinGlass.from_bqm(bqm)
    bqm = dimod.BinaryQuadraticModel({"a": 1.0, "b": 0.0}, {("a", "b"): bad}, 0.0, "BINARY")
    with pytest.raises(ValueError, match=r"quadratic bias of interaction \('a', 'b'\)"):
        SpinGlass.from_bqm(bqm)
    bqm = dimod.BinaryQuadraticModel({"a": 1.0}, {}, bad, "BINARY")
    with pytest.raises(ValueError, match=r"offset must be finite"):
        SpinGlass.from_bqm(bqm)


def test_bad_bqm_inputs() -> None:
    with pytest.raises(ValueError, match=r"at least one variable; got an empty BQM"):
        SpinGlass.from_bqm(dimod.BinaryQuadraticModel("BINARY"))
    with pytest.raises(TypeError, match=r"dimod.BinaryQuadraticModel; got dict"):
        SpinGlass.from_bqm({"a": 1.0})


def test_biases_whose_0_1_form_overflows_are_refused_naming_the_largest() -> None:
    # every energy of this SPIN BQM is finite (+-5e307), but its 0/1 form counts the
    # interaction 4 times: it overflowed to -inf and the error named `eps` at index (0, 1), and
    # at 1e307 the exact sampler returned its "lowest" states out of order
    from isingeq.integrations.dimod import EnumerationSampler, MeanFieldSampler

    bqm = dimod.BinaryQuadraticModel({"a": 1.0, "b": -1.0}, {("a", "b"): 5e307}, 0.0, "SPIN")
    for sample in (MeanFieldSampler().sample, EnumerationSampler().sample, SpinGlass.from_bqm):
        with pytest.raises(ValueError, match=r"`bqm` biases are too large .*\('a', 'b'\)"):
            sample(bqm)
    big = dimod.generators.gnp_random_bqm(6, 0.7, "SPIN", random_state=3)
    big.scale(1e307)
    with pytest.raises(ValueError, match="too large for float64"):
        EnumerationSampler().sample(big, num_states=3)
    big.scale(1e-4)  # 1e303: converted, and the lowest states come lowest first
    ss = EnumerationSampler().sample(big, num_states=3)
    assert np.all(np.diff(ss.record.energy) >= 0)
    assert ss.first.energy == pytest.approx(dimod.ExactSolver().sample(big).first.energy)
