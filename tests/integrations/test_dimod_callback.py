"""The dimod samplers pass isingeq's ``callback`` through to the solve, as every method takes it."""

from __future__ import annotations

import warnings

import pytest

import isingeq

dimod = pytest.importorskip("dimod")

from isingeq.integrations.dimod import HEURISTICS, EnumerationSampler, MeanFieldSampler  # noqa: E402


def _bqm() -> object:
    bqm = dimod.generators.gnp_random_bqm(14, 0.6, "SPIN", random_state=3)
    bqm.offset = 2.5  # the events' energies are the BQM's, offset included
    return bqm


@pytest.mark.parametrize("method", HEURISTICS)
def test_mean_field_sampler_calls_the_callback(method: str) -> None:
    bqm = _bqm()
    trace = isingeq.Trace()
    sampler = MeanFieldSampler(method)
    assert "callback" in sampler.parameters
    with warnings.catch_warnings():
        warnings.simplefilter("error", dimod.exceptions.SamplerUnknownArgWarning)
        ss = sampler.sample(bqm, num_reads=2, seed=0, callback=trace)
    assert trace.events, "the callback was never called"
    last = trace.events[-1]
    assert last.phase == "done" and last.method == method
    assert last.best_energy == pytest.approx(float(ss.first.energy), abs=1e-9)


def test_enumeration_sampler_calls_the_callback() -> None:
    bqm = _bqm()
    trace = isingeq.Trace()
    with warnings.catch_warnings():
        warnings.simplefilter("error", dimod.exceptions.SamplerUnknownArgWarning)
        ss = EnumerationSampler().sample(bqm, callback=trace)
    assert trace.events and trace.events[-1].phase == "done"
    assert trace.events[-1].best_energy == pytest.approx(float(ss.first.energy), abs=1e-9)


def test_a_time_limited_sample_reports_progress() -> None:
    trace = isingeq.Trace()
    MeanFieldSampler("mfa").sample(_bqm(), seed=1, time_limit=0.2, callback=trace)
    assert trace.events[-1].time_limit is not None


@pytest.mark.parametrize("sampler", [MeanFieldSampler(), EnumerationSampler()])
def test_a_callback_that_is_not_callable_is_refused_even_for_an_empty_bqm(sampler: object) -> None:
    empty = dimod.BinaryQuadraticModel("BINARY")
    trace = isingeq.Trace()
    ss = sampler.sample(empty, callback=trace)  # type: ignore[attr-defined]
    assert len(ss) == 1 and not trace.events  # nothing solved, nothing reported
    for bqm in (empty, _bqm()):
        with pytest.raises(TypeError, match="`callback` must be callable; got int"):
            sampler.sample(bqm, callback=3)  # type: ignore[attr-defined]


def test_the_last_event_counts_a_start_kept_in_place_of_a_worse_result() -> None:
    # a re-annealed warm start came back worse (-712) and the start (-730) was returned, but
    # the callback's "done" event said -712 (a Trace showed a worse end than the SampleSet)
    from dwave.samplers import SimulatedAnnealingSampler

    bqm = dimod.generators.ran_r(1, 100, seed=2)
    sa = SimulatedAnnealingSampler().sample(bqm, num_reads=1, num_sweeps=3000, seed=0)
    events: list = []
    ss = MeanFieldSampler("mfa-async").sample(
        bqm, initial_states=sa, seed=0, num_sweeps=1, callback=events.append
    )
    assert ss.info["kept_starts"] == 1
    assert events[-1].phase == "done" and [e.phase for e in events].count("done") == 1
    assert events[-1].best_energy == ss.first.energy == sa.first.energy
    assert min(e.best_energy for e in events[:-1]) > ss.first.energy  # the solve's own view
