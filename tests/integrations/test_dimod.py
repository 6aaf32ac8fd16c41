"""The dimod samplers (issue #11 part 1): dimod's own conformance helpers, the BQM's energies,
labels and vartypes, seeds, warm starts, distinct samples, the exact sampler against
dimod.ExactSolver, a 10^5-variable BQM, and bad input."""

from __future__ import annotations

import subprocess
import sys
import unittest
import warnings
from collections.abc import Callable
from typing import Any

import numba
import numpy as np
import pytest

from ._bqms import mixed_labels, random_bqm

dimod = pytest.importorskip("dimod")
from dimod.exceptions import SamplerUnknownArgWarning  # noqa: E402
from dimod.testing import load_sampler_bqm_tests  # noqa: E402
from dimod.testing.asserts import assert_sampler_api, assert_sampleset_energies  # noqa: E402

from isingeq.integrations.dimod import (  # noqa: E402
    HEURISTICS,
    EnumerationSampler,
    MeanFieldSampler,
)


def _factory(method: str) -> Callable[[], MeanFieldSampler]:
    def make() -> MeanFieldSampler:
        return MeanFieldSampler(method=method)

    make.__name__ = f"MeanFieldSampler_{method.replace('-', '_')}"
    return make


# ------------------------------------------------------------------ dimod's conformance suite
@load_sampler_bqm_tests(MeanFieldSampler)
class TestMeanFieldSamplerConformance(unittest.TestCase):
    pass


@load_sampler_bqm_tests(EnumerationSampler)
class TestEnumerationSamplerConformance(unittest.TestCase):
    pass


# one conformance class per heuristic, so a newly registered one is tested too
for _method in HEURISTICS[1:]:
    _name = "Test" + "".join(p.title() for p in _method.split("-")) + "Conformance"
    globals()[_name] = load_sampler_bqm_tests(_factory(_method))(
        type(_name, (unittest.TestCase,), {})
    )


def test_every_heuristic_has_a_conformance_class() -> None:
    assert HEURISTICS[0] == "mfa-hybrid"  # the default, tested by TestMeanFieldSamplerConformance
    assert {"mfa-hybrid", "mfa-async", "mfa", "greedy", "scipy-root"} <= set(HEURISTICS)
    for method in HEURISTICS[1:]:
        name = "Test" + "".join(p.title() for p in method.split("-")) + "Conformance"
        assert any(k.startswith("test_sample") for k in vars(globals()[name]))


@pytest.mark.parametrize("method", HEURISTICS)
def test_sampler_api(method: str) -> None:
    sampler = MeanFieldSampler(method=method)
    assert_sampler_api(sampler)
    assert {"seed", "unique", "num_reads", "initial_states"} <= set(sampler.parameters)
    assert sampler.properties["method"] == method
    assert_sampler_api(EnumerationSampler())
    assert {"seed", "time_limit", "num_states", "t"} <= set(EnumerationSampler().parameters)


def test_default_method_is_autos_heuristic_and_multithreaded() -> None:
    from isingeq.solvers import AUTO_HEURISTIC

    sampler = MeanFieldSampler()
    assert sampler.method == AUTO_HEURISTIC
    assert "time_limit" in sampler.parameters
    assert sampler.properties["num_threads"] == numba.get_num_threads()
    ss = sampler.sample(random_bqm(dimod, 40, 80), seed=0)
    assert len(ss) == numba.get_num_threads()  # one read per thread by default


# ------------------------------------------------------------------ energies, labels, vartypes
@pytest.mark.parametrize("vartype", ["SPIN", "BINARY"])
@pytest.mark.parametrize("method", HEURISTICS)
def test_energies_are_the_bqms_own_with_mixed_labels(vartype: str, method: str) -> None:
    bqm = random_bqm(dimod, 30, 70, vartype, seed=4, labels=mixed_labels(30), offset=3.25)
    ss = MeanFieldSampler(method=method).sample(bqm, num_reads=3, seed=1)
    assert ss.vartype is bqm.vartype
    assert list(ss.variables) == list(bqm.variables)
    assert set(np.unique(ss.record.sample)) <= set(bqm.vartype.value)
    assert_sampleset_energies(ss, bqm)
    np.testing.assert_allclose(ss.record.energy, bqm.energies(ss), rtol=0, atol=1e-9)
    assert set(ss.info["timing"]) == {"preprocessing_ns", "sampling_ns", "postprocessing_ns"}
    assert ss.info["method"] == method and ss.info["seed"] == 1


@pytest.mark.parametrize("method", ["mfa", "mfa-async", "scipy-root"])
def test_marginals_where_the_method_has_them(method: str) -> None:
    bqm = random_bqm(dimod, 12, 30, "SPIN", seed=2, labels=mixed_labels(12))
    ss = MeanFieldSampler(method=method).sample(bqm, num_reads=4, seed=0)
    m = np.asarray(ss.info["marginals"])  # rows of plain floats, as Ocean keeps info
    assert m.shape == (4, 12) and np.all((m >= 0) & (m <= 1))
    # the sample is the rounded mean field (after a 1-flip finish that may move a few nodes)
    agree = np.mean((m > 0.5) == (ss.record.sample > 0))
    assert agree > 0.5
    assert "marginals" not in MeanFieldSampler().sample(bqm, num_reads=2, seed=0).info


# ------------------------------------------------------------------ seeds
@pytest.mark.parametrize("method", HEURISTICS)
def test_same_seed_same_sampleset(method: str) -> None:
    bqm = random_bqm(dimod, 60, 200, "SPIN", seed=5, labels=mixed_labels(60))
    sampler = MeanFieldSampler(method=method)
    a = sampler.sample(bqm, num_reads=5, seed=123)
    b = sampler.sample(bqm, num_reads=5, seed=123)
    np.testing.assert_array_equal(a.record.sample, b.record.sample)
    np.testing.assert_array_equal(a.record.energy, b.record.energy)
    assert list(a.variables) == list(b.variables)


def test_a_drawn_seed_is_reported_and_repeats_the_run() -> None:
    bqm = random_bqm(dimod, 50, 150, "BINARY", seed=6)
    sampler = MeanFieldSampler("mfa-async")
    a = sampler.sample(bqm, num_reads=4)
    assert isinstance(a.info["seed"], int)
    b = sampler.sample(bqm, num_reads=4, seed=a.info["seed"])
    np.testing.assert_array_equal(a.record.sample, b.record.sample)


# ------------------------------------------------------------------ warm start
def test_sampleset_fed_back_as_initial_states_matched_by_label_and_vartype() -> None:
    labels = mixed_labels(40)
    spin = random_bqm(dimod, 40, 120, "SPIN", seed=7, labels=labels)
    first = MeanFieldSampler().sample(spin, num_reads=3, seed=0)  # 1-flip stable states
    # the same states with the columns in another order, fed to the BINARY form of the BQM
    perm = np.random.default_rng(0).permutation(40)
    shuffled = dimod.SampleSet.from_samples(
        (first.record.sample[:, perm], [labels[k] for k in perm]),
        "SPIN",
        energy=first.record.energy,
    )
    binary = spin.change_vartype("BINARY", inplace=False)
    # greedy (1-flip descent) keeps a 1-flip stable start: the states must come back unchanged
    again = MeanFieldSampler("greedy").sample(binary, initial_states=shuffled, seed=1)
    assert len(again) == 3 and again.vartype is dimod.BINARY
    np.testing.assert_array_equal(2 * again.record.sample - 1, first.record.sample)
    np.testing.assert_allclose(again.record.energy, first.record.energy, atol=1e-9)
    # and the default heuristic accepts it as its mean-field start
    warm = MeanFieldSampler().sample(binary, initial_states=first, seed=2)
    assert len(warm) == 3 and warm.info["options"]["num_reads"] == 3  # one read per row


def test_initial_states_as_plain_arrays_and_dicts() -> None:
    bqm = random_bqm(dimod, 5, 8, "BINARY", seed=8, labels=["a", 1, ("t", 2), "d", 4])
    x = np.array([1, 0, 1, 1, 0])
    greedy = MeanFieldSampler("greedy")
    from_bits = greedy.sample(bqm, initial_states=x, num_reads=2, seed=0)
    from_spins = greedy.sample(bqm, initial_states=2 * x - 1, num_reads=2, seed=0)
    as_dict = dict(zip(bqm.variables, x.tolist(), strict=True))
    from_dict = greedy.sample(bqm, initial_states=as_dict, num_reads=2, seed=0)
    for other in (from_spins, from_dict):
        np.testing.assert_array_equal(other.record.sample, from_bits.record.sample)


def test_a_plain_array_is_labelled_0_to_n_minus_1_as_dimod_reads_it() -> None:
    # integer labels added out of order (BQM.from_qubo adds them as its dict lists them):
    # dimod.as_samples labels a plain array's columns 0..n-1 and dwave-samplers match them by
    # label; taking them in bqm.variables order scrambled the start (-144 against -174 on a
    # 40-variable ran_r from SA's states, without a word)
    from dwave.samplers import SimulatedAnnealingSampler

    order = np.random.default_rng(7).permutation(40).tolist()
    src = dimod.generators.ran_r(1, 40, seed=7)
    bqm = dimod.BinaryQuadraticModel("SPIN")
    bqm.add_variables_from((v, src.get_linear(v)) for v in order)
    bqm.add_quadratic_from(src.quadratic)
    assert list(bqm.variables) != list(range(40))
    sa = SimulatedAnnealingSampler().sample(bqm, num_reads=3, seed=1)
    greedy = MeanFieldSampler("greedy")  # a descent: it keeps a 1-flip-stable start as it is
    from_array = greedy.sample(bqm, initial_states=sa.record.sample, seed=0)
    from_sampleset = greedy.sample(bqm, initial_states=sa, seed=0)
    np.testing.assert_array_equal(from_array.record.sample, from_sampleset.record.sample)
    np.testing.assert_array_equal(np.sort(from_array.record.energy), np.sort(sa.record.energy))
    # labels that are not 0..n-1: the columns follow bqm.variables (dwave-samplers refuse)
    named = bqm.relabel_variables({v: f"x{v}" for v in bqm.variables}, inplace=False)
    x = sa.record.sample[:, [sa.variables.index(v) for v in bqm.variables]]
    plain = greedy.sample(named, initial_states=x, seed=0)
    labelled = greedy.sample(named, initial_states=(x, list(named.variables)), seed=0)
    np.testing.assert_array_equal(plain.record.sample, labelled.record.sample)


# ------------------------------------------------------------------ distinct samples
def test_unique_returns_each_state_once_lowest_first() -> None:
    bqm = dimod.BinaryQuadraticModel({"a": 0.1, "b": -0.1}, {("a", "b"): 0.0}, 0.0, "SPIN")
    ss = MeanFieldSampler("mfa").sample(bqm, num_reads=16, seed=0, unique=True)
    rows = [tuple(r) for r in ss.record.sample]
    assert len(rows) == len(set(rows)) < 16  # fewer distinct states than reads: not padded
    assert ss.record.num_occurrences.sum() == 16
    assert np.all(np.diff(ss.record.energy) >= 0)
    assert np.shape(ss.info["marginals"]) == (len(ss), 2)
    plain = MeanFieldSampler("mfa").sample(bqm, num_reads=16, seed=0)
    assert len(plain) == 16 and set(map(tuple, plain.record.sample)) == set(rows)


# ------------------------------------------------------------------ the exact sampler
@pytest.mark.parametrize("vartype", ["SPIN", "BINARY"])
@pytest.mark.parametrize("seed", range(4))
def test_exact_sampler_agrees_with_dimod_exact_solver(vartype: str, seed: int) -> None:
    n = 6 + 2 * seed
    bqm = random_bqm(dimod, n, 3 * n, vartype, seed=seed, labels=mixed_labels(n), offset=-0.5)
    ref = dimod.ExactSolver().sample(bqm)
    ref_e = np.sort(ref.record.energy)
    ss = EnumerationSampler().sample(bqm, num_states=5)
    assert_sampleset_energies(ss, bqm)
    assert ss.first.energy == pytest.approx(ref.first.energy, abs=1e-9)
    np.testing.assert_allclose(ss.record.energy[:5], ref_e[:5], atol=1e-9)
    ground = {tuple(s[v] for v in bqm.variables) for s in ref.lowest(atol=1e-9).samples()}
    assert ground == {tuple(s[v] for v in bqm.variables) for s in ss.lowest(atol=1e-9).samples()}


def test_exact_sampler_boltzmann_marginals_and_log_z() -> None:
    t = 0.7
    bqm = random_bqm(dimod, 8, 20, "SPIN", seed=9, labels=mixed_labels(8), offset=1.0)
    ref = dimod.ExactSolver().sample(bqm)
    w = np.exp(-t * (ref.record.energy - ref.record.energy.min()))
    cols = [ref.variables.index(v) for v in bqm.variables]
    p_up = (w[:, None] * (ref.record.sample[:, cols] > 0)).sum(axis=0) / w.sum()
    log_z = np.log(w.sum()) - t * ref.record.energy.min()
    ss = EnumerationSampler().sample(bqm, t=t, num_states=3)
    assert list(ss.variables) == list(bqm.variables)
    np.testing.assert_allclose(ss.info["marginals"], np.tile(p_up, (len(ss), 1)), atol=1e-10)
    assert ss.info["log_z"] == pytest.approx(log_z, abs=1e-9)


@pytest.mark.parametrize("sampler", ["exact", "mfa-async"])
def test_marginal_columns_follow_the_samplesets_variables(sampler: str) -> None:
    # sortable labels given out of order (a PyQUBO BQM's): dimod sorts them in the SampleSet,
    # and the marginals' columns must name the same variables as its samples
    t = 0.7
    labels = [f"v{k}" for k in (7, 2, 9, 0, 5, 1, 8, 3, 6, 4)]
    bqm = random_bqm(dimod, 10, 25, "SPIN", seed=4, labels=labels)
    if sampler == "exact":
        ss = EnumerationSampler().sample(bqm, t=t)
        ref = dimod.ExactSolver().sample(bqm)
        w = np.exp(-t * (ref.record.energy - ref.record.energy.min()))
        cols = [ref.variables.index(v) for v in ss.variables]
        p_up = (w[:, None] * (ref.record.sample[:, cols] > 0)).sum(axis=0) / w.sum()
        np.testing.assert_allclose(ss.info["marginals"][0], p_up, atol=1e-10)
    else:
        ss = MeanFieldSampler(sampler).sample(bqm, num_reads=4, seed=0)
        # the mean field's rounding and the sample agree column by column
        agree = np.mean((np.asarray(ss.info["marginals"]) > 0.5) == (ss.record.sample > 0))
        assert agree > 0.9
    assert list(ss.variables) == sorted(labels)


def test_exact_sampler_is_deterministic_and_takes_seed() -> None:
    bqm = random_bqm(dimod, 10, 30, "SPIN", seed=3)
    a = EnumerationSampler().sample(bqm, seed=1, num_states=4)
    b = EnumerationSampler().sample(bqm, seed=2, num_states=4)
    np.testing.assert_array_equal(a.record.sample, b.record.sample)


# ------------------------------------------------------------------ the SampleSet, as dimod makes it
#: Labels of each kind, n of them: sortable ones out of sorted order, and unsortable ones.
_LABELS: dict[str, Callable[[int], list[Any]]] = {
    "int": lambda n: (np.random.default_rng(1).permutation(n) * 3 - 7).tolist(),
    "str": lambda n: [f"x{k}" for k in range(n)],  # "x10" sorts before "x2"
    "tuple": lambda n: [(k % 7, f"r{k}") for k in range(n)],
    "float": lambda n: [0.5 + k / 3 for k in range(n)][::-1],
    "mixed": mixed_labels,  # str, int and tuples: not sortable, kept in the BQM's order
}


@pytest.mark.parametrize(("n", "m"), [(12, 30), (3000, 9000)])
@pytest.mark.parametrize("vartype", ["SPIN", "BINARY"])
@pytest.mark.parametrize("labels", sorted(_LABELS))
def test_the_sampleset_is_dimods_own_energies_to_the_last_bit(
    n: int, m: int, vartype: str, labels: str
) -> None:
    # the SampleSet is now assembled here (labels sorted before the solve, not by dimod's
    # from_samples_bqm after it): it must be the very one dimod makes of the same states
    bqm = random_bqm(dimod, n, m, vartype, seed=n, labels=_LABELS[labels](n), offset=-2.75)
    ss = MeanFieldSampler("greedy").sample(bqm, num_reads=3, seed=0)
    np.testing.assert_array_equal(ss.record.energy, bqm.energies(ss))  # equal, not close
    at = [ss.variables.index(v) for v in bqm.variables]
    ref = dimod.SampleSet.from_samples_bqm((ss.record.sample[:, at], bqm.variables), bqm)
    assert list(ss.variables) == list(ref.variables)
    if labels != "mixed":
        assert list(ss.variables) == sorted(bqm.variables) != list(bqm.variables)
    assert ss.record.dtype == ref.record.dtype and ss.vartype is ref.vartype
    for field in ("sample", "energy", "num_occurrences"):
        np.testing.assert_array_equal(ss.record[field], ref.record[field])


@pytest.mark.parametrize("vartype", ["SPIN", "BINARY"])
def test_unique_rows_keep_their_energies_and_marginals_with_sorted_labels(vartype: str) -> None:
    n = 40
    labels = [f"v{k}" for k in np.random.default_rng(2).permutation(n)]
    bqm = random_bqm(dimod, n, 60, vartype, seed=3, labels=labels, offset=1.25)
    ss = MeanFieldSampler("mfa-async").sample(bqm, num_reads=12, seed=0, unique=True)
    np.testing.assert_array_equal(ss.record.energy, bqm.energies(ss))
    assert np.all(np.diff(ss.record.energy) >= 0) and ss.record.num_occurrences.sum() == 12
    assert list(ss.variables) == sorted(labels)
    marginals = np.asarray(ss.info["marginals"])  # row k is record k's, columns ss.variables
    assert marginals.shape == (len(ss), n)
    assert np.mean((marginals > 0.5) == (ss.record.sample > 0)) > 0.9


def test_sampleset_variables_sort_as_dimod_sorts() -> None:
    from isingeq.integrations.dimod import _sampleset_variables

    def check(labels: list[Any]) -> tuple[Any, Any]:
        bqm = dimod.BQM({v: 1.0 for v in labels}, {}, 0.0, "BINARY")
        columns, variables = _sampleset_variables(bqm)
        ref = dimod.SampleSet.from_samples((np.zeros((1, len(labels))), labels), "BINARY", 0)
        assert list(variables) == list(ref.variables)
        if columns is not None:
            assert [labels[i] for i in columns] == list(variables)
        return columns, variables

    assert check([3, -1, 2**62, 0])[0].tolist() == [1, 3, 0, 2]  # ints: numpy's sort
    assert check([True, 0.5, -2])[0].tolist() == [2, 1, 0]  # numbers: Python's
    assert check(["b", "a10", "a2"])[0].tolist() == [1, 2, 0]
    bqm = dimod.BQM({v: 1.0 for v in ("a", ("b", 1), 2)}, {}, 0.0, "BINARY")
    assert _sampleset_variables(bqm) == (None, bqm.variables)  # unsortable: the BQM's order
    in_order = dimod.BQM({v: 1.0 for v in ("a", "b", "c")}, {}, 0.0, "BINARY")
    columns, variables = _sampleset_variables(in_order)
    assert columns is None and variables is in_order.variables  # nothing to sort or copy


def test_the_labels_are_sorted_before_the_solve_within_the_time_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # dimod sorted them after the solve, outside the time limit; here the time they take
    # comes out of the method's share, and the method gets the rest
    from isingeq.integrations import dimod as integration

    calls: list[str] = []
    limits: list[float] = []
    real_sort, real_solve = integration._sampleset_variables, integration.solve

    def sort(bqm: Any) -> Any:
        calls.append("labels")
        return real_sort(bqm)

    def solve(model: Any, **kw: Any) -> Any:
        calls.append("solve")
        limits.append(kw["time_limit"])
        return real_solve(model, **kw)

    monkeypatch.setattr(integration, "_sampleset_variables", sort)
    monkeypatch.setattr(integration, "solve", solve)
    bqm = random_bqm(dimod, 30, 60, "SPIN", seed=1, labels=[f"x{k}" for k in range(30)])
    ss = MeanFieldSampler("mfa-async").sample(bqm, time_limit=0.2, num_reads=2, seed=0)
    assert calls == ["labels", "solve"]
    assert 0.0 < limits[0] < 0.2 and ss.info["options"]["time_limit"] == 0.2


def test_tabu_runs_100_sweeps_up_to_1000_variables_and_0_1_s_beyond() -> None:
    # tabu's 100 sweeps are 100 n^2 work (hours at 10^5 variables); TabuSampler stops at
    # 100 ms. Without time_limit or num_sweeps the sampler bounds it past 1000 variables
    from isingeq.integrations.dimod import TABU_SWEEPS_MAX_N, TABU_TIME_LIMIT

    assert (TABU_SWEEPS_MAX_N, TABU_TIME_LIMIT) == (1000, 0.1)
    sampler = MeanFieldSampler("tabu")
    small = random_bqm(dimod, TABU_SWEEPS_MAX_N, 2000, "SPIN", seed=1)
    ss = sampler.sample(small, num_reads=1, seed=0)
    assert ss.info["options"]["time_limit"] is None
    assert ss.info["stopped"] == "schedule" and ss.info["sweeps"] == 100
    big = random_bqm(dimod, TABU_SWEEPS_MAX_N + 1, 2000, "SPIN", seed=1)
    ss = sampler.sample(big, num_reads=1, seed=0)
    assert ss.info["options"]["time_limit"] == TABU_TIME_LIMIT
    assert ss.info["stopped"] == "time_limit"
    # num_sweeps given: that schedule, repeatable; a time_limit given: that one
    a, b = (sampler.sample(big, num_reads=1, num_sweeps=2, seed=0) for _ in range(2))
    assert a.info["options"]["time_limit"] is None and a.info["sweeps"] == 2
    np.testing.assert_array_equal(a.record.sample, b.record.sample)
    ss = sampler.sample(big, num_reads=1, time_limit=0.05, seed=0)
    assert ss.info["options"]["time_limit"] == 0.05
    # and no other method gets a default time limit
    other = MeanFieldSampler("greedy").sample(big, num_reads=1, seed=0)
    assert "time_limit" not in other.info["options"]


# ------------------------------------------------------------------ large
def test_a_1e5_variable_1e6_interaction_bqm_solves_through_the_sampler() -> None:
    n = 100_000
    bqm = random_bqm(dimod, n, 1_000_000, "BINARY", seed=11)
    ss = MeanFieldSampler().sample(bqm, num_reads=2, time_limit=0.5, seed=0)
    assert len(ss) == 2 and ss.record.sample.shape == (2, n)
    np.testing.assert_allclose(ss.record.energy, bqm.energies(ss), rtol=1e-12, atol=1e-6)
    zero = bqm.offset
    assert ss.first.energy < zero - 1000  # far below the all-zero state: it did descend


# ------------------------------------------------------------------ empty and bad input
@pytest.mark.parametrize("vartype", ["SPIN", "BINARY"])
def test_empty_bqm_gives_an_empty_sampleset(vartype: str) -> None:
    bqm = dimod.BinaryQuadraticModel(vartype)
    bqm.offset = 2.5
    ss = MeanFieldSampler().sample(bqm, num_reads=3)
    assert len(ss.variables) == 0 and len(ss) == 3 and ss.vartype is bqm.vartype
    assert np.all(ss.record.energy == 2.5)
    ex = EnumerationSampler().sample(bqm)
    assert len(ex.variables) == 0 and len(ex) == 1 and ex.first.energy == 2.5


@pytest.mark.parametrize("sampler", [MeanFieldSampler(), EnumerationSampler()])
def test_non_finite_biases_are_named(sampler: Any) -> None:
    bqm = dimod.BinaryQuadraticModel({"a": 1.0, ("q", 3): np.nan}, {}, 0.0, "SPIN")
    with pytest.raises(ValueError, match=r"linear bias of variable \('q', 3\) must be finite"):
        sampler.sample(bqm)
    bqm = dimod.BinaryQuadraticModel({"a": 1.0, "b": 0.0}, {("a", "b"): np.inf}, 0.0, "BINARY")
    with pytest.raises(ValueError, match=r"interaction \('a', 'b'\) must be finite; got inf"):
        sampler.sample(bqm)


def test_unknown_kwargs_follow_dimods_warning_convention() -> None:
    bqm = random_bqm(dimod, 10, 20, "SPIN", seed=1)
    with pytest.warns(SamplerUnknownArgWarning, match=r"'num_sweep' \(did you mean 'num_sweeps'"):
        ss = MeanFieldSampler().sample(bqm, num_reads=2, num_sweep=10, seed=0)
    assert len(ss) == 2
    with pytest.warns(SamplerUnknownArgWarning, match=r"'noise'.*method 'mfa-hybrid' takes"):
        MeanFieldSampler().sample(bqm, num_reads=2, noise=0.1, seed=0)
    with pytest.warns(SamplerUnknownArgWarning, match=r"'num_reads'"):
        EnumerationSampler().sample(bqm, num_reads=10)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SamplerUnknownArgWarning)
        with pytest.raises(SamplerUnknownArgWarning):
            MeanFieldSampler().sample(bqm, num_sweep=10)
        MeanFieldSampler().sample(bqm, num_reads=None, num_sweeps=None, seed=0)  # None: default


def test_bad_sampler_arguments() -> None:
    bqm = random_bqm(dimod, 6, 10, "SPIN", seed=1, labels=mixed_labels(6))
    with pytest.raises(ValueError, match=r"`method` must be one of .*got 'mfa_async'.*'mfa-async'"):
        MeanFieldSampler("mfa_async")
    with pytest.raises(ValueError, match=r"got 'exact'.*use EnumerationSampler"):
        MeanFieldSampler("exact")
    with pytest.raises(TypeError, match=r"MeanFieldSampler\(method='mfa'\)"):
        MeanFieldSampler().sample(bqm, method="mfa")
    with pytest.raises(TypeError, match=r"`bqm` must be a dimod.BinaryQuadraticModel; got dict"):
        MeanFieldSampler().sample({"a": 1.0})
    with pytest.raises(ValueError, match=r"`seed` must be a non-negative integer seed; got -1"):
        MeanFieldSampler().sample(bqm, seed=-1)
    with pytest.raises(TypeError, match=r"`unique` must be True or False; got 'yes'"):
        MeanFieldSampler().sample(bqm, unique="yes")
    with pytest.raises(ValueError, match=r"`time_limit` must be > 0; got -1"):
        MeanFieldSampler().sample(bqm, time_limit=-1)
    with pytest.raises(ValueError, match=r"`num_reads` must be >= 1; got 0"):
        MeanFieldSampler().sample(bqm, num_reads=0)


def test_bad_initial_states() -> None:
    labels = mixed_labels(6)
    bqm = random_bqm(dimod, 6, 10, "SPIN", seed=1, labels=labels)
    s = MeanFieldSampler()
    with pytest.raises(ValueError, match=r"shape \(6,\) or \(num_reads, 6\).*got shape \(2, 5\)"):
        s.sample(bqm, initial_states=np.ones((2, 5)))
    other = dimod.SampleSet.from_samples(([[1] * 6], [*labels[:5], "zz"]), "SPIN", energy=[0])
    with pytest.raises(
        ValueError, match=r"missing, e.g. \(\('n',\), 2\).*not in the BQM, e.g. 'zz'"
    ):
        s.sample(bqm, initial_states=other)
    with pytest.raises(ValueError, match=r"spins \(-1 / \+1\) .* got 0"):
        s.sample(bqm, initial_states=[-1, 1, 0, 1, 1, 1])
    with pytest.raises(ValueError, match=r"SPIN -1/\+1 values; got 2"):
        s.sample(bqm, initial_states=[2, 1, 0, 1, 1, 1])
    with pytest.raises(ValueError, match=r"`num_reads`=3 asks for more reads than .* \(2\)"):
        s.sample(bqm, initial_states=np.ones((2, 6)), num_reads=3, initial_states_generator="none")
    with pytest.raises(ValueError, match=r"`initial_states_generator` must be one of"):
        s.sample(bqm, initial_states=np.ones((2, 6)), initial_states_generator="zeros")
    with pytest.raises(ValueError, match=r"numeric array with 6 columns; got str"):
        s.sample(bqm, initial_states="ones")


def test_exact_sampler_refuses_what_it_cannot_enumerate() -> None:
    big = random_bqm(dimod, 40, 80, "SPIN", seed=0)
    with pytest.raises(ValueError, match=r"40 variables, too many for EnumerationSampler"):
        EnumerationSampler().sample(big)
    mid = random_bqm(dimod, 34, 60, "SPIN", seed=0)
    with pytest.raises(ValueError, match=r"`time_limit`=0.01 s is too short .* 2\^34 states"):
        EnumerationSampler().sample(mid, time_limit=0.01)


# ------------------------------------------------------------------ optional dependency
def test_import_isingeq_does_not_import_dimod() -> None:
    code = "import sys, isingeq; print('dimod' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_without_dimod_the_error_names_the_extra() -> None:
    code = (
        "import sys; sys.modules['dimod'] = None\n"
        "try:\n    import isingeq.integrations.dimod\n"
        "except ImportError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert 'pip install "isingeq[dimod]"' in out.stdout


@pytest.mark.parametrize("method", [m for m in HEURISTICS if m != "scipy-root"])  # the paper's
def test_a_tiny_coefficient_scale_keeps_reads_one_flip_stable(method: str) -> None:  # rounding
    # the stability test is relative: with an absolute floor of 1e-12, every field of a BQM
    # scaled by 2^-45 was a tie, and reads came back one flip from better states
    bqm = dimod.generators.ran_r(1, 30, seed=0)
    tiny = bqm.copy()
    tiny.scale(2.0**-45)
    ss = MeanFieldSampler(method).sample(tiny, seed=0, num_reads=2)
    for sample in ss.samples():
        e = tiny.energy(sample)
        assert all(tiny.energy({**sample, v: -sample[v]}) >= e for v in sample)
    if method in ("greedy", "tabu"):  # decided by comparisons alone: the same reads
        ref = MeanFieldSampler(method).sample(bqm, seed=0, num_reads=2)
        np.testing.assert_array_equal(ss.record.sample, ref.record.sample)


def test_enumeration_past_36_variables_is_refused_with_or_without_a_time_limit() -> None:
    big = dimod.BQM({i: 1.0 for i in range(40)}, {}, 0.0, "SPIN")
    for kw in ({}, {"time_limit": 10.0}):  # the time check crashed on an infinite estimate
        with pytest.raises(ValueError, match=r"40 variables, too many .* \(client=\.\.\.\)"):
            EnumerationSampler().sample(big, **kw)


def test_an_empty_bqm_checks_its_offset_and_options_and_aggregates() -> None:
    empty = dimod.BQM({}, {}, 1.5, "BINARY")
    ss = MeanFieldSampler().sample(empty, num_reads=3, unique=True)
    assert len(ss) == 1 and list(ss.record.num_occurrences) == [3] and ss.first.energy == 1.5
    ex = EnumerationSampler().sample(empty, t=2.0)
    assert ex.info["log_z"] == pytest.approx(-3.0) and np.shape(ex.info["marginals"]) == (1, 0)
    with pytest.raises(ValueError, match=r"offset must be finite"):
        MeanFieldSampler().sample(dimod.BQM({}, {}, float("nan"), "BINARY"))
    with pytest.raises(ValueError, match=r"`num_sweeps` must be >= 1"):
        MeanFieldSampler().sample(empty, num_sweeps=-5)
    with pytest.raises(ValueError, match=r"`num_states` must be >= 1"):
        EnumerationSampler().sample(empty, num_states=0)
    with pytest.raises(ValueError, match=r"the BQM has no variables"):
        MeanFieldSampler().sample(empty, initial_states=[[1, 0]])
    # dimod's own options, and a time limit, go nowhere near the one-variable check
    assert len(MeanFieldSampler("mfa").sample(empty, initial_states_generator="tile")) == 1
    with pytest.raises(ValueError, match=r"`initial_states_generator` must be one of"):
        MeanFieldSampler("mfa").sample(empty, initial_states_generator="zz")
    with pytest.raises(ValueError, match=r"`time_limit` estimates an in-process enumeration"):
        EnumerationSampler().sample(dimod.BQM({0: 1.0}, {}, 0, "SPIN"), client="x", time_limit=1)


def test_an_empty_bqm_takes_its_own_sampleset_as_initial_states() -> None:
    # a warm start without values (an empty BQM's SampleSet, an empty dict) is no error
    empty = dimod.BQM({}, {}, 0.5, "SPIN")
    prev = MeanFieldSampler().sample(empty, seed=0)
    for start in (prev, {}, [{}]):
        again = MeanFieldSampler().sample(empty, initial_states=start, seed=1)
        assert len(again) == 1 and again.first.energy == 0.5


def test_initial_states_rows_follow_dimods_convention() -> None:
    # as dwave-samplers: more rows than num_reads are cut, fewer are filled (random or tile)
    from dwave.samplers import SimulatedAnnealingSampler

    bqm = dimod.generators.ran_r(1, 12, seed=2)
    prev = SimulatedAnnealingSampler().sample(bqm, num_reads=2, seed=0)
    greedy = MeanFieldSampler("greedy")  # a descent from a local minimum stays there
    start = prev.record.sample[:, [prev.variables.index(v) for v in bqm.variables]]
    tiled = greedy.sample(bqm, num_reads=5, initial_states=prev, initial_states_generator="tile")
    cols = [tiled.variables.index(v) for v in bqm.variables]
    np.testing.assert_array_equal(tiled.record.sample[:, cols], start[[0, 1, 0, 1, 0]])
    cut = greedy.sample(bqm, num_reads=1, initial_states=prev)
    np.testing.assert_array_equal(cut.record.sample[:, cols], start[:1])
    filled = MeanFieldSampler().sample(bqm, num_reads=5, initial_states=prev, seed=0)
    assert len(filled) == 5
    with warnings.catch_warnings():
        warnings.simplefilter("error", SamplerUnknownArgWarning)  # a known parameter
        greedy.sample(bqm, initial_states=prev, initial_states_generator="random")


def test_a_one_row_sampleset_is_one_read_as_in_dwave_samplers() -> None:
    # a SampleSet (or any 2-D rows) of one row is one read, not a start for every read: the
    # default num_reads is its row count, and initial_states_generator covers the rest
    from dwave.samplers import SimulatedAnnealingSampler

    bqm = dimod.generators.ran_r(1, 8, seed=3)
    prev = SimulatedAnnealingSampler().sample(bqm, num_reads=1, seed=0)
    assert len(SimulatedAnnealingSampler().sample(bqm, initial_states=prev, seed=0)) == 1
    for method in ("mfa-hybrid", "greedy"):
        assert len(MeanFieldSampler(method).sample(bqm, initial_states=prev, seed=0)) == 1
    rows = (prev.record.sample, list(prev.variables))
    assert len(MeanFieldSampler().sample(bqm, initial_states=rows, seed=0)) == 1
    with pytest.raises(ValueError, match=r"more reads than `initial_states` has rows \(1\)"):
        MeanFieldSampler().sample(
            bqm, initial_states=prev, num_reads=3, initial_states_generator="none"
        )
    tiled = MeanFieldSampler("greedy").sample(
        bqm, initial_states=prev, num_reads=3, initial_states_generator="tile"
    )
    assert len(tiled) == 3 and (tiled.record.sample == tiled.record.sample[0]).all()


def test_a_generator_with_nothing_to_tile_is_refused_as_in_dwave_samplers() -> None:
    # 'none' and 'tile' say every start comes from initial_states: without any, dwave-samplers
    # refuses; it must not silently start from the method's own states
    bqm = dimod.generators.ran_r(1, 6, seed=4)
    for fill in ("none", "tile"):
        with pytest.raises(
            ValueError, match=rf"initial_states_generator`='{fill}' .* no `initial_states`"
        ):
            MeanFieldSampler().sample(bqm, initial_states_generator=fill, num_reads=3)
    assert len(MeanFieldSampler().sample(bqm, initial_states_generator="random", num_reads=3)) == 3


def test_initial_states_without_rows_are_filled_or_refused_as_in_dimod() -> None:
    # a SampleSet filtered down to no rows: one read, from the generator (dimod's
    # Initialized); 'tile' has nothing to repeat and must not start from zeros
    bqm = dimod.generators.ran_r(1, 6, seed=5)
    prev = MeanFieldSampler("greedy").sample(bqm, num_reads=2, seed=0)
    nothing = prev.truncate(0)
    assert len(MeanFieldSampler("greedy").sample(bqm, initial_states=nothing, seed=0)) == 1
    filled = MeanFieldSampler("greedy").sample(bqm, initial_states=nothing, num_reads=3, seed=0)
    assert len(filled) == 3
    for fill in ("none", "tile"):
        with pytest.raises(ValueError, match=r"`initial_states` has rows \(0\)|no rows to"):
            MeanFieldSampler().sample(
                bqm, initial_states=nothing, num_reads=3, initial_states_generator=fill
            )


def test_the_empty_bqm_check_spends_no_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    # the one-variable solve that checks the options must not run for the caller's time
    from isingeq.integrations import dimod as integration

    seen: list[dict[str, Any]] = []
    real = integration.solve

    def spy(model: Any, **kw: Any) -> Any:
        seen.append(kw)
        return real(model, **kw)

    monkeypatch.setattr(integration, "solve", spy)
    empty = dimod.BQM({}, {}, 0.0, "BINARY")
    MeanFieldSampler("mfa").sample(empty, time_limit=30.0, num_reads=5, num_sweeps=10)
    (kw,) = seen
    assert "time_limit" not in kw and "num_reads" not in kw and kw["num_sweeps"] == 10


@pytest.mark.parametrize("kind", ["mean-field", "mfa", "exact-t"])
def test_samplesets_compare_with_eq_after_a_round_trip(kind: str) -> None:
    # dimod's SampleSet.__eq__ compares info with !=: numpy arrays there (converged, marginals)
    # made `ss == pickle.loads(pickle.dumps(ss))` raise "truth value ... is ambiguous"
    import pickle

    bqm = random_bqm(dimod, 8, 12, "SPIN", seed=3)
    if kind == "exact-t":
        ss = EnumerationSampler().sample(bqm, t=1.0)
    else:
        method = "mfa" if kind == "mfa" else None
        sampler = MeanFieldSampler() if method is None else MeanFieldSampler(method)
        ss = sampler.sample(bqm, num_reads=2, seed=0)
    again = pickle.loads(pickle.dumps(ss))
    assert again == ss  # dimod answers numpy.bool_ True
    back = dimod.SampleSet.from_serializable(ss.to_serializable())
    assert back == ss
    assert not any(isinstance(v, np.ndarray) for v in ss.info.values())


def test_a_warm_start_never_comes_back_worse_than_it_went_in() -> None:
    # a re-annealed start came back worse than the states it was given (an SA SampleSet of a
    # 1e5-variable graph, at 0.3 s); a read's start is a state it met
    bqm = random_bqm(dimod, 40, 120, "SPIN", seed=5)
    pytest.importorskip("dwave.samplers")
    from dwave.samplers import SimulatedAnnealingSampler

    good = SimulatedAnnealingSampler().sample(bqm, num_reads=2, num_sweeps=2000, seed=0)
    sampler = MeanFieldSampler("mfa")  # two sweeps of a hot start: far from annealed
    ss = sampler.sample(bqm, initial_states=good, num_sweeps=2, noise=5.0, seed=0)
    assert ss.info["kept_starts"] >= 1
    assert ss.first.energy <= good.first.energy + 1e-9
    assert len(ss) == 2 and all(isinstance(c, bool) for c in ss.info["converged"])
    # fractional starts are not states: nothing to keep
    half = np.full((2, len(bqm.variables)), 0.5)
    plain = sampler.sample(bqm, initial_states=half, num_sweeps=2, noise=5.0, seed=0)
    assert "kept_starts" not in plain.info
