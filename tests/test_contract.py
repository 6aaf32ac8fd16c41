"""Contract suite: every registered method keeps the same promises (a new method gets it free).

The reference values are independent of isingeq's own code: energies from the definition of H
(``conftest.brute_energies``) and ground states by itertools enumeration.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
import scipy.sparse as sp

import isingeq
from isingeq import solvers
from isingeq.result import INFO_CORE

from .conftest import all_states, brute_energies

METHODS = list(isingeq.METHODS)
STOPPED = {
    "enumerated",
    "converged",
    "not_converged",
    "max_sweeps",
    "schedule",
    "saturated",
    "time_limit",
    "target_energy",
}


def _direct(method: str):  # type: ignore[no-untyped-def]
    """The exported ``solve_<name>`` function, called without ``isingeq.solve``."""
    return getattr(solvers, "solve_" + method.replace("-", "_"))


def _ground_energy(m: isingeq.SpinGlass) -> float:
    return float(brute_energies(m.eps, all_states(m.n), m.offset).min())


@pytest.mark.parametrize("method", METHODS)
def test_every_method_is_exported_as_solve_name(method: str) -> None:
    assert _direct(method) is isingeq.METHODS[method]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("n", [1, 2, 9])
def test_shapes_types_and_energies_from_the_definition(method: str, n: int) -> None:
    m = isingeq.paper_instance(n, rng=n)
    r = _direct(method)(m, rng=0)  # a direct call with an int seed
    assert isinstance(r, isingeq.SolveResult)
    assert r.samples.dtype == np.uint8 and r.samples.ndim == 2 and r.samples.shape[1] == n
    assert set(np.unique(r.samples)) <= {0, 1}
    assert r.energies.shape == (r.num_reads,)
    np.testing.assert_allclose(r.energies, brute_energies(m.eps, r.samples), atol=1e-12)
    assert r.best_energy == r.energies.min()
    np.testing.assert_array_equal(r.best_sample, r.samples[np.argmin(r.energies)])
    if r.marginals is not None:
        assert r.marginals.shape == r.samples.shape and r.marginals.dtype == np.float64
        assert np.all((r.marginals >= 0) & (r.marginals <= 1))


@pytest.mark.parametrize("method", METHODS)
def test_info_has_the_common_core(method: str) -> None:
    m = isingeq.paper_instance(14, rng=1)
    r = isingeq.solve(m, method=method, rng=0, **({"num_states": 2} if method == "exact" else {}))
    for key in INFO_CORE:
        assert key in r.info, key
    assert r.info["method"] == r.method
    assert r.method == method or (method == "auto" and r.method == r.info["auto"]["chosen"])
    assert isinstance(r.info["time_ns"], int) and r.info["time_ns"] > 0
    assert isinstance(r.info["sweeps"], int) and r.info["sweeps"] >= 0
    assert r.info["stopped"] in STOPPED
    # every option of the method that ran, with the value it ran with
    assert set(r.info["options"]) == set(isingeq.method_options(r.method))
    json.dumps(r.to_dict())  # JSON-safe as a whole


@pytest.mark.parametrize("method", METHODS)
def test_time_ns_counts_from_entry(method: str) -> None:
    """``time_ns`` includes the set-up a method does before its main loop (t_c, copies)."""
    import time

    m = isingeq.paper_instance(12, rng=0)
    t0 = time.perf_counter_ns()
    r = isingeq.solve(m, method=method, rng=0)
    outer = time.perf_counter_ns() - t0
    assert 0 < r.info["time_ns"] <= outer


@pytest.mark.parametrize("method", METHODS)
def test_same_seed_gives_bit_identical_results(method: str) -> None:
    m = isingeq.paper_instance(10, rng=4)
    opts = {"num_reads": 3} if "num_reads" in isingeq.method_options(method) else {}
    a = _direct(method)(m, rng=123, **opts)
    b = isingeq.solve(m, method=method, rng=np.random.default_rng(123), **opts)
    c = isingeq.solve(m, method=method, rng=np.random.SeedSequence(123), **opts)
    for other in (b, c):
        np.testing.assert_array_equal(a.samples, other.samples)
        np.testing.assert_array_equal(a.energies, other.energies)
        if a.marginals is not None:
            np.testing.assert_array_equal(a.marginals, other.marginals)


@pytest.mark.parametrize("method", METHODS)
def test_sparse_model_gives_the_same_answer(method: str) -> None:
    m = isingeq.paper_instance(8, rng=6)
    ms = isingeq.SpinGlass(sp.csr_array(m.eps))
    a = isingeq.solve(m, method=method, rng=1)
    b = isingeq.solve(ms, method=method, rng=1)
    np.testing.assert_array_equal(a.samples, b.samples)


@pytest.mark.parametrize("method", METHODS)
def test_nothing_beats_the_enumerated_ground_state(method: str) -> None:
    for seed in range(5):
        m = isingeq.paper_instance(10, rng=seed)
        e0 = _ground_energy(m)
        e = isingeq.solve(m, method=method, rng=seed).best_energy
        assert e >= e0 - 1e-12
        if method in isingeq.solvers.EXACT_METHODS or method == "auto":
            assert e == pytest.approx(e0, abs=1e-12)


@pytest.mark.parametrize("method", METHODS)
def test_spin_form_round_trip_does_not_change_the_answer(method: str) -> None:
    m = isingeq.paper_instance(7, rng=2)
    back = isingeq.SpinGlass.from_spin(*m.to_spin())
    a = isingeq.solve(m, method=method, rng=3)
    b = isingeq.solve(back, method=method, rng=3)
    assert a.best_energy == pytest.approx(b.best_energy, abs=1e-9)


@pytest.mark.parametrize("method", METHODS)
def test_unknown_option_is_a_type_error_with_a_suggestion(method: str) -> None:
    m = isingeq.paper_instance(3, rng=0)
    with pytest.raises(TypeError, match=f"method '{method}' got unknown option 'num_raeds'"):
        isingeq.solve(m, method=method, num_raeds=2)
    with pytest.raises(TypeError, match="unknown option 'num_raeds'"):
        _direct(method)(m, num_raeds=2)
    if "num_reads" in isingeq.method_options(method):
        with pytest.raises(TypeError, match="did you mean 'num_reads'"):
            isingeq.solve(m, method=method, num_raeds=2)
    # names brought from dimod / dwave-samplers point at isingeq's (an Ocean user's seed=1)
    with pytest.raises(TypeError, match=r"unknown option 'seed' \(the seed is called `rng` here"):
        isingeq.solve(m, method=method, seed=1)


def test_a_method_name_in_another_case_is_suggested() -> None:
    with pytest.raises(ValueError, match=r"unknown method 'MFA' \(did you mean 'mfa'\?\)"):
        isingeq.solve(isingeq.paper_instance(3, rng=0), method="MFA")


def test_another_methods_option_names_the_methods_that_take_it() -> None:
    # auto takes few options: mfa-hybrid's num_sweeps was "did you mean 'num_states'?"
    m = isingeq.paper_instance(3, rng=0)
    with pytest.raises(TypeError, match=r"'num_sweeps' \(an option of .*mfa-hybrid: choose one"):
        isingeq.solve(m, num_sweeps=10)
    with pytest.raises(TypeError, match=r"'num_sweep' \(did you mean 'num_sweeps'\? an option of"):
        isingeq.solve(m, num_sweep=10)
    with pytest.raises(TypeError, match=r"'time_limit' \(an option of auto, .*tabu"):
        isingeq.solve(m, method="greedy", time_limit=1.0)
    with pytest.raises(TypeError, match=r"'num_stats' \(did you mean 'num_states'\?\)"):
        isingeq.solve(m, num_stats=2)


@pytest.mark.parametrize("method", METHODS)
def test_bad_model_and_bad_rng(method: str) -> None:
    with pytest.raises(TypeError, match=r"`model` must be an isingeq\.SpinGlass; got ndarray"):
        isingeq.solve(np.eye(3), method=method)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="`rng` must be"):
        _direct(method)(isingeq.paper_instance(3, rng=0), rng="x")
    with pytest.raises(ValueError, match="`rng` must be a non-negative integer seed"):
        _direct(method)(isingeq.paper_instance(3, rng=0), rng=-1)


@pytest.mark.parametrize(
    ("method", "old", "new", "value"),
    [(m, old, new, None) for m, d in isingeq.solvers.RENAMED.items() for old, new in d.items()],
)
def test_renamed_options_warn_and_still_work(method: str, old: str, new: str, value: None) -> None:
    m = isingeq.paper_instance(6, rng=0)
    ok = {
        "x0": np.full(6, 0.5),
        "num_t": 5,
        "maxiter": 50,
        "t": 500.0,
        "num_steps": 40,
        "max_polish_sweeps": 100,
    }[old]
    with pytest.warns(DeprecationWarning, match=f"option '{old}' is deprecated; use '{new}'"):
        a = isingeq.solve(m, method=method, rng=0, **{old: ok})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        b = isingeq.solve(m, method=method, rng=0, **{new: ok})
    np.testing.assert_array_equal(a.samples, b.samples)
    assert a.info["options"][new] is not None
    with pytest.raises(TypeError, match=f"both '{old}' and its new spelling '{new}'"):
        isingeq.solve(m, method=method, **{old: ok, new: ok})


def test_unknown_method_suggests_a_close_one() -> None:
    with pytest.raises(ValueError, match="unknown method 'mfa-asnyc' \\(did you mean 'mfa-async'"):
        isingeq.solve(isingeq.paper_instance(3, rng=0), method="mfa-asnyc")


def test_auto_is_the_default_and_says_what_it_chose() -> None:
    small = isingeq.solve(isingeq.paper_instance(12, rng=0))
    assert small.method == "exact" and small.info["auto"]["chosen"] == "exact"
    assert "n=12 <= 24" in small.info["auto"]["reason"]
    big = isingeq.solve(isingeq.paper_instance(60, rng=0), rng=0, num_reads=2)
    assert big.method == isingeq.solvers.AUTO_HEURISTIC == "mfa-hybrid" and big.num_reads == 2
    assert "n=60 > 24" in big.info["auto"]["reason"]
    target = isingeq.solve(isingeq.paper_instance(12, rng=0), rng=0, target_energy=-1.0)
    assert target.method == "mfa-hybrid"


def test_auto_refuses_enumeration_beyond_the_exact_limit() -> None:
    m = isingeq.paper_instance(40, rng=0)
    with pytest.raises(ValueError, match="`t` needs exact enumeration, and n=40 is beyond"):
        isingeq.solve(m, t=1.0)
    r = isingeq.solve(isingeq.paper_instance(5, rng=0), t=1.0)
    assert r.marginals is not None and r.marginals.shape == (r.num_reads, 5)


def test_exact_message_for_a_large_model_reads_like_a_person_wrote_it() -> None:
    m = isingeq.SpinGlass(sp.triu(sp.random(800, 800, density=0.01, random_state=0), format="csr"))
    with pytest.raises(ValueError, match="n=800 is too large for method 'exact'") as err:
        isingeq.solve(m, method="exact")
    msg = str(err.value)
    assert "about 10^" in msg and "years" in msg and len(msg) < 250
    assert "'mfa-hybrid'" in msg


def test_the_top_level_namespace_is_all_plus_submodules() -> None:
    # `isingeq.version` was importlib's function (and Any, PackageNotFoundError leaked too)
    import types

    extra = {k for k in dir(isingeq) if not k.startswith("_")} - set(isingeq.__all__)
    assert all(isinstance(getattr(isingeq, k), types.ModuleType) for k in extra), extra
