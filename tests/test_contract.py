"""Contract suite: every registered solver, the same promises."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import isingeq

METHODS = list(isingeq.METHODS)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("n", [1, 2, 9])
def test_shapes_types_and_recomputed_energies(method: str, n: int) -> None:
    m = isingeq.paper_instance(n, rng=n)
    r = isingeq.solve(m, method=method, rng=0)
    assert isinstance(r, isingeq.SolveResult)
    assert r.samples.dtype == np.uint8 and r.samples.ndim == 2 and r.samples.shape[1] == n
    assert set(np.unique(r.samples)) <= {0, 1}
    assert r.energies.shape == (r.num_reads,)
    np.testing.assert_allclose(r.energies, m.energy(r.samples), atol=1e-12)
    assert r.best_energy == r.energies.min()
    np.testing.assert_array_equal(r.best_sample, r.samples[np.argmin(r.energies)])
    assert isinstance(r.info["time_ns"], int) and r.info["time_ns"] >= 0
    assert r.method == method


@pytest.mark.parametrize("method", METHODS)
def test_same_seed_same_result(method: str) -> None:
    m = isingeq.paper_instance(10, rng=4)
    opts = {"num_reads": 3} if "num_reads" in isingeq.method_options(method) else {}
    a = isingeq.solve(m, method=method, rng=123, **opts)
    b = isingeq.solve(m, method=method, rng=np.random.default_rng(123), **opts)
    np.testing.assert_array_equal(a.samples, b.samples)
    np.testing.assert_array_equal(a.energies, b.energies)


@pytest.mark.parametrize("method", METHODS)
def test_sparse_model_gives_the_same_answer(method: str) -> None:
    m = isingeq.paper_instance(8, rng=6)
    ms = isingeq.SpinGlass(sp.csr_array(m.eps))
    a = isingeq.solve(m, method=method, rng=1)
    b = isingeq.solve(ms, method=method, rng=1)
    np.testing.assert_array_equal(a.samples, b.samples)


@pytest.mark.parametrize("method", METHODS)
def test_exact_is_never_beaten(method: str) -> None:
    for seed in range(5):
        m = isingeq.paper_instance(10, rng=seed)
        assert (
            isingeq.solve(m, method="exact").best_energy
            <= isingeq.solve(m, method=method, rng=seed).best_energy + 1e-12
        )


@pytest.mark.parametrize("method", METHODS)
def test_spin_form_round_trip_does_not_change_the_answer(method: str) -> None:
    m = isingeq.paper_instance(7, rng=2)
    back = isingeq.SpinGlass.from_spin(*m.to_spin())
    a = isingeq.solve(m, method=method, rng=3)
    b = isingeq.solve(back, method=method, rng=3)
    assert a.best_energy == pytest.approx(b.best_energy, abs=1e-9)


@pytest.mark.parametrize("method", METHODS)
def test_unknown_option_is_a_type_error(method: str) -> None:
    with pytest.raises(TypeError, match=f"method '{method}' got unknown option"):
        isingeq.solve(isingeq.paper_instance(3, rng=0), method=method, num_raeds=2)


def test_unknown_method_and_bad_model() -> None:
    with pytest.raises(ValueError, match="unknown method 'foo'; choose one of"):
        isingeq.solve(isingeq.paper_instance(3, rng=0), method="foo")
    with pytest.raises(TypeError, match=r"`model` must be an isingeq\.SpinGlass; got ndarray"):
        isingeq.solve(np.eye(3), method="exact")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="`rng` must be"):
        isingeq.solve(isingeq.paper_instance(3, rng=0), method="exact", rng="x")


def test_result_to_dict_is_json_serialisable() -> None:
    import json

    r = isingeq.solve(isingeq.paper_instance(5, rng=0), method="scipy-root", mode="continuation")
    d = json.loads(json.dumps(r.to_dict()))
    assert d["best_energy"] == pytest.approx(r.best_energy)
    assert d["n"] == 5 and d["method"] == "scipy-root"
