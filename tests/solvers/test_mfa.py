from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp

import isingeq
from isingeq import SpinGlass


def test_mfa_samples_are_1_flip_stable_and_marginals_saturate() -> None:
    m = isingeq.paper_instance(60, rng=0)
    r = isingeq.solve(m, method="mfa", num_reads=8, rng=1)
    assert r.samples.shape == (8, 60)
    assert isingeq.one_flip_stable(m, r.samples).all()
    assert r.marginals is not None and r.marginals.shape == (8, 60)
    assert isinstance(r.info["saturated"], bool)
    assert r.info["stopped"] in ("saturated", "schedule")


@pytest.mark.parametrize("seed", range(10))
def test_mfa_finds_the_ground_state_of_small_paper_instances(seed: int) -> None:
    m = isingeq.paper_instance(12, rng=seed)
    assert isingeq.solve(m, method="mfa", rng=seed).best_energy == pytest.approx(
        isingeq.solve(m, method="exact").best_energy, abs=1e-12
    )


def test_replica_determinism_for_a_fixed_rng() -> None:
    m = isingeq.paper_instance(40, rng=2)
    a = isingeq.solve(m, method="mfa", num_reads=6, rng=7)
    b = isingeq.solve(m, method="mfa", num_reads=6, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(a.samples, b.samples)
    np.testing.assert_array_equal(a.marginals, b.marginals)
    c = isingeq.solve(m, method="mfa", num_reads=6, rng=8)
    assert not np.array_equal(a.marginals, c.marginals)


def test_replica_zero_is_the_deterministic_noise_free_path() -> None:
    m = isingeq.paper_instance(30, rng=3)
    # tol=1e-30: no early stop, which depends on every replica
    a = isingeq.solve(m, method="mfa", num_reads=4, rng=1, dtype="float64", tol=1e-30)
    b = isingeq.solve(m, method="mfa", num_reads=2, rng=99, dtype="float64", tol=1e-30)
    # BLAS may round column 0 differently for another number of columns: compare to 1e-9
    np.testing.assert_allclose(a.marginals[0], b.marginals[0], atol=1e-9)
    np.testing.assert_array_equal(a.samples[0], b.samples[0])


def test_half_is_stuck_on_spin_symmetric_components_only() -> None:
    from isingeq.solvers.mfa import half_is_stuck

    # two components: a triangle and a path, both max-cut (no field: xi(1/2) = 0 everywhere)
    A = SpinGlass.from_maxcut(6, [(0, 1), (1, 2), (2, 0), (3, 4), (4, 5)])
    assert half_is_stuck(A)
    eps = np.triu(A.dense_J(), 1) + np.diag(A.h)
    eps[3, 3] += 0.3  # the path gets a field and moves; the triangle stays at 1/2
    assert half_is_stuck(SpinGlass(eps))
    eps[0, 0] += 0.3  # now both move
    assert not half_is_stuck(SpinGlass(eps))
    assert not half_is_stuck(isingeq.paper_instance(20, rng=1))


def test_an_unused_variable_keeps_read_0_on_the_papers_path() -> None:
    # a node with no coupling and no bias counted as a stuck component (xi(1/2) = 0 there):
    # read 0 of the whole model got noise and a random start
    from isingeq.solvers.mfa import half_is_stuck

    m = isingeq.paper_instance(20, rng=1)
    eps = np.zeros((21, 21))
    eps[:20, :20] = m.eps
    padded = SpinGlass(eps)
    assert not half_is_stuck(padded)
    opts = {"dtype": "float64", "tol": 1e-30, "num_reads": 2}
    a = isingeq.solve(m, method="mfa", rng=0, **opts)
    b = isingeq.solve(padded, method="mfa", rng=0, **opts)
    assert b.info["read0_deterministic"] is True
    np.testing.assert_allclose(b.marginals[0, :20], a.marginals[0], atol=1e-9)
    assert b.marginals[0, 20] == 0.5


def test_replica_zero_leaves_one_half_on_a_max_cut_model() -> None:
    # xi(1/2) = 0 on max-cut: the noise-free path from 1/2 never moved and read 0 was a greedy
    # descent from all zeros; now it anneals like the other reads
    rng = np.random.default_rng(1)
    n = 120
    edges = {(int(min(a, b)), int(max(a, b))) for a, b in rng.integers(0, n, (360, 2)) if a != b}
    m = SpinGlass.from_maxcut(n, sorted(edges))
    r = isingeq.solve(m, method="mfa", num_reads=1, rng=0, trajectory=True)
    assert r.info["read0_deterministic"] is False
    states = r.info["trajectory_states"]
    assert np.abs(states[-1] - 0.5).max() > 0.4  # saturated away from 1/2
    from_zero = isingeq.solve(m, method="greedy", initial_states=np.zeros(n), num_reads=1)
    assert r.best_energy < from_zero.best_energy
    assert isingeq.solve(isingeq.paper_instance(20, rng=1), method="mfa", rng=0).info[
        "read0_deterministic"
    ]


def test_read0_deterministic_is_true_when_read_0_starts_from_initial_states() -> None:
    # read 0 runs noise-free from its given start (on max-cut too), and the flag said False
    m = isingeq.paper_instance(30, rng=3)
    X = np.random.default_rng(0).random((3, 30))
    opts = {"dtype": "float64", "tol": 1e-30}
    a = isingeq.solve(m, method="mfa", initial_states=X, rng=1, **opts)
    b = isingeq.solve(m, method="mfa", initial_states=X[:1], rng=2, noise=0.0, **opts)
    np.testing.assert_allclose(a.marginals[0], b.marginals[0], atol=1e-12)
    assert a.info["read0_deterministic"] is True
    cut = SpinGlass.from_maxcut(4, [(0, 1), (1, 2), (2, 3), (3, 0)])
    r = isingeq.solve(cut, method="mfa", initial_states=np.full(4, 0.3), rng=0)
    assert r.info["read0_deterministic"] is True


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_sparse_and_dense_agree(dtype: str) -> None:
    m = isingeq.paper_instance(80, rng=4)
    ms = SpinGlass(sp.csr_array(m.eps))
    a = isingeq.solve(m, method="mfa", num_reads=4, rng=5, dtype=dtype, noise=0.0)
    b = isingeq.solve(ms, method="mfa", num_reads=4, rng=5, dtype=dtype, noise=0.0)
    np.testing.assert_allclose(a.marginals, b.marginals, atol=1e-4 if dtype == "float32" else 1e-9)
    np.testing.assert_array_equal(a.samples, b.samples)


def test_time_limit_repeats_rounds_and_says_why_it_stopped() -> None:
    m = isingeq.paper_instance(200, rng=6)
    r = isingeq.solve(m, method="mfa", num_reads=4, num_sweeps=50, time_limit=0.3, rng=0)
    assert r.info["stopped"] == "time_limit"
    assert r.info["rounds"] >= 2
    one = isingeq.solve(m, method="mfa", num_reads=4, num_sweeps=50, rng=0)
    assert (
        r.best_energy <= one.best_energy + 1e-9
    )  # the first round is the same; more can only help


def test_time_limit_cuts_a_long_round_short(monkeypatch: pytest.MonkeyPatch) -> None:
    # a ladder of 10^7 sweeps is compressed into the budget, not run past it; on a fake clock
    # (1 ms a sweep, 1 ms a finish), as the rounds that follow depend on the machine's speed
    # (a busy CI machine's first round ended early and a second followed: "rounds == 1" failed)
    clock = _fake_clock(monkeypatch, lambda done: 1_000_000, 1_000_000)
    m = isingeq.paper_instance(300, rng=7)
    r = isingeq.solve(
        m, method="mfa", num_reads=4, num_sweeps=10**7, tol=1e-30, time_limit=0.2, rng=0
    )
    assert r.info["stopped"] == "time_limit" and r.info["ladder_compressed"]
    assert 150 <= r.info["sweeps"] < 200  # 1 ms each: the budget used, not the ladder
    assert clock.now <= 201_000_000
    assert isingeq.one_flip_stable(m, r.samples).all()


def test_target_energy_stops_early() -> None:
    m = isingeq.paper_instance(14, rng=8)
    e0 = isingeq.solve(m, method="exact").best_energy
    r = isingeq.solve(m, method="mfa", target_energy=e0 + 1e-9, time_limit=30.0, rng=0)
    assert r.info["stopped"] == "target_energy"
    assert r.best_energy <= e0 + 1e-9
    assert r.info["rounds"] == 1


def test_trajectory_is_recorded_on_request() -> None:
    m = isingeq.paper_instance(20, rng=9)
    r = isingeq.solve(m, method="mfa", num_sweeps=30, trajectory=True, rng=0)
    tr = r.info["trajectory"]
    assert tr.shape[1] == 3 and 1 <= tr.shape[0] <= 30
    assert np.all(np.diff(tr[:, 0]) > 0)
    assert "trajectory" not in isingeq.solve(m, method="mfa", num_sweeps=30, rng=0).info


def test_explicit_schedule_and_initial_states() -> None:
    m = isingeq.paper_instance(10, rng=10)
    S0 = np.full((3, 10), 0.5)
    r = isingeq.solve(
        m,
        method="mfa",
        num_reads=3,
        schedule=[0.5, 1.0, 5.0, 50.0],
        initial_states=S0,
        noise=0.0,
        rng=0,
    )
    np.testing.assert_array_equal(r.info["t_schedule"], [0.5, 1.0, 5.0, 50.0])
    # identical noise-free starts give identical replicas
    assert (r.samples == r.samples[0]).all()


@pytest.mark.parametrize(
    ("opts", "exc", "match"),
    [
        ({"schedule": [1.0, 0.5]}, ValueError, "strictly increasing"),
        ({"schedule": [0.0, 1.0]}, ValueError, "positive"),
        # the option and the offending value named (numpy's cast named neither)
        ({"schedule": "abc"}, TypeError, "`schedule` must hold t values"),
        ({"schedule": [1.0, float("nan")]}, ValueError, r"got schedule\[1\] = nan"),
        ({"schedule": [1.0, 2.0, 2.0]}, ValueError, r"schedule\[2\] = 2 after 2"),
        ({"num_reads": 0}, ValueError, "`num_reads` must be >= 1; got 0"),
        ({"damping": -0.1}, ValueError, "`damping` must be >= 0"),
        ({"damping": 1.0}, ValueError, "`damping` must be < 1"),
        ({"time_limit": 0.0}, ValueError, "`time_limit` must be > 0"),
        ({"time_limit": -1.0}, ValueError, "`time_limit` must be > 0"),
        ({"t_start": 5.0, "t_end": 1.0}, ValueError, "`t_end` must be > t_start"),
        (
            # an explicit num_reads must agree; without one, the rows set it (test_reads_*)
            {"initial_states": np.zeros((2, 5)), "num_reads": 3},
            ValueError,
            "`num_reads`=3 disagrees with `initial_states`, which has 2 rows",
        ),
        ({"num_reads": 2, "initial_states": np.full((2, 5), 2.0)}, ValueError, r"\[0, 1\]"),
        ({"dtype": "float16"}, ValueError, "`dtype` must be 'float32' or 'float64'"),
        ({"noise": -1.0}, ValueError, "`noise` must be >= 0"),
    ],
)
def test_bad_options(opts: dict[str, object], exc: type, match: str) -> None:
    with pytest.raises(exc, match=match):
        isingeq.solve(isingeq.paper_instance(5, rng=0), method="mfa", **opts)


def test_sparse_model_with_100k_variables_never_goes_dense() -> None:
    # n x n float64 would be 80 GB here: finishing at all shows nothing dense was allocated
    n, m = 100_000, 1_000_000
    rng = np.random.default_rng(0)
    i, j = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = i != j
    eps = sp.coo_array(
        (rng.uniform(-1, 1, keep.sum()), (np.minimum(i, j)[keep], np.maximum(i, j)[keep])),
        shape=(n, n),
    ).tocsr() + sp.diags_array(rng.uniform(-1, 1, n))
    model = SpinGlass(eps)
    r = isingeq.solve(model, method="mfa", num_reads=2, num_sweeps=5, rng=0)
    assert r.samples.shape == (2, n)
    np.testing.assert_allclose(r.energies, model.energy(r.samples), rtol=1e-12)
    assert isingeq.one_flip_stable(model, r.samples).all()


def test_per_replica_damping() -> None:
    m = isingeq.paper_instance(30, rng=12)
    d = np.where(np.arange(8) % 2 == 0, 0.5, 0.75)
    r = isingeq.solve(m, method="mfa", num_reads=8, damping=d, rng=0)
    assert isingeq.one_flip_stable(m, r.samples).all()
    same = isingeq.solve(m, method="mfa", num_reads=8, damping=0.5, rng=0)
    full = isingeq.solve(m, method="mfa", num_reads=8, damping=np.full(8, 0.5), rng=0)
    np.testing.assert_array_equal(same.marginals, full.marginals)
    with pytest.raises(ValueError, match=r"one value per replica, shape \(8,\)"):
        isingeq.solve(m, method="mfa", num_reads=8, damping=[0.5, 0.5])
    with pytest.raises(ValueError, match=r"`damping` must lie in \[0, 1\) \(the weight on the old"):
        isingeq.solve(m, method="mfa", num_reads=2, damping=[0.5, 1.0])


def test_damping_is_the_weight_on_the_old_value() -> None:
    """One sweep at t -> 0 (sigmoid = 1/2) from <n> = 1: the new value is damping * 1 + (1 -
    damping) * 1/2, the meaning the perceptron's damping has too."""
    m = isingeq.paper_instance(5, rng=0)
    for d in (0.0, 0.25, 0.9):
        r = isingeq.solve(
            m,
            method="mfa",
            num_reads=1,
            schedule=[1e-12],
            damping=d,
            noise=0.0,
            initial_states=np.ones(5),
            dtype="float64",
            tol=1e-300,
        )
        np.testing.assert_allclose(r.marginals[0], d + (1 - d) * 0.5, rtol=1e-9)


def test_default_damping_alternates_only_for_mostly_negative_couplings() -> None:
    from isingeq.solvers.mfa import _damping

    paper = isingeq.paper_instance(20, rng=0)
    np.testing.assert_array_equal(_damping(None, 4, paper), [0.5, 0.5, 0.5, 0.5])
    cut = SpinGlass.from_maxcut(4, [(0, 1), (1, 2), (2, 3), (3, 0)])
    np.testing.assert_array_equal(_damping(None, 4, cut), [0.5, 0.75, 0.5, 0.75])


@pytest.mark.parametrize("trajectory", [False, True])
def test_fused_sweeps_give_the_per_sweep_result(
    monkeypatch: pytest.MonkeyPatch, trajectory: bool
) -> None:
    # small dense models run blocks of sweeps in one numba call, product included; larger ones
    # a NumPy product and a call per sweep, and so does any run read after every sweep
    from isingeq.solvers import mfa

    m = isingeq.paper_instance(40, rng=6)
    opts = {"rng": 2, "num_reads": 6, "num_sweeps": 90, "trajectory": trajectory}
    fused = isingeq.solve(m, method="mfa", **opts)
    monkeypatch.setattr(mfa, "_FUSED_MAX_N", 0)
    per_sweep = isingeq.solve(m, method="mfa", **opts)
    np.testing.assert_array_equal(fused.samples, per_sweep.samples)
    assert fused.info["sweeps"] == per_sweep.info["sweeps"]
    if trajectory:
        np.testing.assert_array_equal(fused.info["trajectory"], per_sweep.info["trajectory"])


@pytest.mark.parametrize("sparse", [False, True])
def test_saturated_states_never_hold_subnormal_numbers(sparse: bool) -> None:
    # a saturated <n> halves every sweep towards 0; float32 subnormals slow BLAS down severalfold
    from isingeq.solvers import mfa

    m = isingeq.paper_instance(30, rng=1)
    if sparse:
        m = SpinGlass(sp.csr_array(m.eps))
    eng = mfa._Sweeps(m, np.dtype("float32"))
    S = np.full((30, 4), 0.5, dtype=np.float32)
    eng.load(S, np.full(4, 0.5), np.ones(4), 7)
    # far past saturation: a <n> going to 0 is 1/4 after the first sweep, then halves; after
    # 135 sweeps it would be 2^-136, a float32 subnormal (below 2^-126)
    eng.sweeps(np.full(135, 1e3), [0.0] * 135, 0)
    S = eng.states()
    assert np.all((S == 0.0) | (np.abs(S) >= np.finfo(np.float32).tiny))
    assert np.any(S == 0.0)  # some <n> did go to 0 (and was flushed, not left subnormal)


def _fake_clock(monkeypatch: pytest.MonkeyPatch, sweep_ns: Any, finish_ns: int) -> Any:
    """mfa on a fake clock: ``sweep_ns(done)`` per sweep after ``done`` sweeps, ``finish_ns``
    per round's descent, 1 us per clock read; numba's loads done first. The loads' timing
    (``_common.load_kernels``) reads the fake clock too: on the real one a busy CI machine's
    4 ms moved the deadline past the test's 1-ms margin."""
    from types import SimpleNamespace

    from isingeq.solvers import _common, mfa

    isingeq.solve(isingeq.paper_instance(50, rng=4), method="mfa", time_limit=0.01, rng=0)
    clock = SimpleNamespace(now=0, sweeps=0)

    def read() -> int:
        clock.now += 1_000
        return int(clock.now)

    sweeps, descend = mfa._Sweeps.sweeps, mfa.descend

    def timed_sweeps(self: Any, ts: Any, sigs: Any, k: int) -> None:
        for _ in range(len(ts)):
            clock.now += sweep_ns(clock.sweeps)
            clock.sweeps += 1
        sweeps(self, ts, sigs, k)

    def timed_descend(*args: Any, **kwargs: Any) -> Any:
        clock.now += finish_ns
        return descend(*args, **kwargs)

    monkeypatch.setattr(mfa, "time", SimpleNamespace(perf_counter_ns=read))
    monkeypatch.setattr(_common, "time", SimpleNamespace(perf_counter_ns=read))
    monkeypatch.setattr(mfa._Sweeps, "sweeps", timed_sweeps)
    monkeypatch.setattr(mfa, "descend", timed_descend)
    return clock


def test_a_timed_solve_keeps_time_for_its_finish(monkeypatch: pytest.MonkeyPatch) -> None:
    # On a clock where a sweep costs 10 ms and a round's finish (the descent) 60 ms, the solve
    # ends within its limit: a round stopped only at the deadline, then finished after it (a
    # 10^6-node lattice's time_limit=2 took 3.2 s that way)
    clock = _fake_clock(monkeypatch, lambda done: 10_000_000, 60_000_000)
    r = isingeq.solve(isingeq.paper_instance(50, rng=4), method="mfa", time_limit=1.0, rng=0)
    assert r.info["stopped"] == "time_limit" and r.info["rounds"] >= 2
    assert clock.now <= 1_001_000_000


def test_a_first_round_stopped_by_its_guessed_reserve_is_followed_by_another(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a slow first sweep (a device warming up; the trajectory's energies were counted too)
    # made the first round's reserve, 8 sweeps' time, most of the budget: the round stopped
    # after one sweep and the solve with it, at 0.3 s of 1 s, though its finish took 1 ms
    clock = _fake_clock(monkeypatch, lambda done: 300_000_000 if done == 0 else 10_000_000, 10**6)
    m = isingeq.paper_instance(50, rng=4)
    r = isingeq.solve(m, method="mfa", time_limit=1.0, rng=0, trajectory=True)
    assert r.info["stopped"] == "time_limit" and r.info["rounds"] >= 2
    assert 900_000_000 <= clock.now <= 1_001_000_000  # the budget used, and kept
