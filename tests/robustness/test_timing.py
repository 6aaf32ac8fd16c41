"""Honest timing (issue #13, point 6): no record's time includes a JIT compile or a numba cache
load. ``reproduce`` warms every method up untimed first (as ``bench`` does) and reports the
warm-up time apart; this test checks that after the warm-up the run itself makes numba compile
or load nothing (every kernel dispatcher's signatures and cache counters stay put)."""

from __future__ import annotations

import json
from pathlib import Path

import numba

from isingeq.experiments import reproduce
from isingeq.solvers import _kernels


def dispatcher_state() -> dict[str, tuple[int, int, int]]:
    out = {}
    for name in dir(_kernels):
        d = getattr(_kernels, name)
        if isinstance(d, numba.core.registry.CPUDispatcher):
            st = d.stats
            out[name] = (
                len(d.signatures),
                sum(st.cache_hits.values()),
                sum(st.cache_misses.values()),
            )
    return out


def test_reproduce_compiles_and_loads_nothing_inside_timed_instances(tmp_path: Path) -> None:
    methods = ["greedy", "mfa", "mfa-async", "mfa-hybrid", "tabu", "scipy-root"]
    _, specs = reproduce.check_inputs((6, 12), 2, methods)
    reproduce.warm_up(specs)
    before = dispatcher_state()
    run = reproduce.run_reproduce((6, 12), 2, seed=1, methods=methods, out_dir=tmp_path)
    assert run.complete and len(run.records) == 2 * 2 * (len(methods) + 1)
    assert dispatcher_state() == before  # nothing compiled or loaded while timing
    paths = reproduce.write_outputs(run, tmp_path, records_written=True)
    summary = json.loads(Path(paths["summary"]).read_text())
    assert summary["warm_up_s"] == run.warm_up_s == 0.0  # warmed up above, in this process


def test_a_fresh_set_of_methods_is_warmed_up_and_reported(tmp_path: Path) -> None:
    run = reproduce.run_reproduce((5,), 1, seed=2, methods=["greedy:max_sweeps=77"])
    assert run.warm_up_s > 0.0
