"""backend="torch" for mfa and mfa-async: agreement with the numpy / numba backends, seeds, errors.

Agreement is checked in float64 with the noise off (the two backends draw their noise from
different streams): the same schedule and the same starts must give the same final states.

The tests that run a solve take their device from ``ISINGEQ_TEST_DEVICE`` (default ``cpu``):
``ISINGEQ_TEST_DEVICE=cuda python -m pytest tests/backends/test_torch.py`` runs them on a GPU.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp

import isingeq
from isingeq.backends._colouring import colour_classes

torch = pytest.importorskip("torch")

#: The device of the solves below: ``cpu`` here and in CI, ``cuda`` on a GPU machine.
DEVICE = os.environ.get("ISINGEQ_TEST_DEVICE", "cpu")


def _device_name() -> str:
    """``DEVICE`` as a result's ``info["device"]`` names it (``cuda`` -> ``cuda:0``)."""
    d = torch.device(DEVICE)
    return "cpu" if d.type == "cpu" else str(torch.device(d.type, d.index or 0))


def _sparse_model(n: int, m: int, seed: int) -> isingeq.SpinGlass:
    """A random sparse model with random-sign couplings and biases (CSR)."""
    rng = np.random.default_rng(seed)
    rows, cols = rng.integers(0, n, size=(2, m))
    keep = rows < cols
    eps = sp.coo_array(
        (rng.uniform(-1, 1, keep.sum()), (rows[keep], cols[keep])), shape=(n, n)
    ).tocsr()
    eps.sum_duplicates()
    return isingeq.SpinGlass(eps + sp.diags_array(rng.uniform(-0.5, 0.5, n)).tocsr())


MODELS = {
    "dense": lambda: isingeq.paper_instance(40, rng=3),
    "sparse": lambda: _sparse_model(120, 400, 4),
}


# ---------------------------------------------------------------------------- agreement


@pytest.mark.parametrize("kind", list(MODELS))
def test_mfa_torch_float64_follows_the_numpy_backend(kind: str) -> None:
    model = MODELS[kind]()
    opts = {"noise": 0.0, "dtype": "float64", "num_reads": 8, "num_sweeps": 120}
    a = isingeq.solve(model, method="mfa", rng=5, **opts)
    b = isingeq.solve(model, method="mfa", rng=5, backend="torch", device=DEVICE, **opts)
    assert b.info["device"] == _device_name() and a.info["sweeps"] == b.info["sweeps"]
    np.testing.assert_allclose(b.marginals, a.marginals, atol=1e-9)
    np.testing.assert_array_equal(b.samples, a.samples)


def test_mfa_torch_agrees_from_given_starts_on_a_given_schedule() -> None:
    model = _sparse_model(80, 300, 7)
    starts = np.random.default_rng(0).uniform(0, 1, size=(5, model.n))
    opts = {
        "noise": 0.0,
        "dtype": "float64",
        "schedule": np.geomspace(0.05, 50.0, 60),
        "initial_states": starts,
        "damping": [0.0, 0.2, 0.5, 0.7, 0.9],
        "tol": 1e-30,  # never stop early: every rung runs
        "num_reads": 5,
    }
    a = isingeq.solve(model, method="mfa", rng=1, **opts)
    b = isingeq.solve(model, method="mfa", rng=2, backend="torch", device=DEVICE, **opts)
    assert a.info["sweeps"] == b.info["sweeps"] == 60
    np.testing.assert_allclose(b.marginals, a.marginals, atol=1e-9)
    np.testing.assert_array_equal(b.samples, a.samples)


@pytest.mark.parametrize("kind", list(MODELS))
def test_coloured_async_sweep_is_the_numba_sweep_in_colour_order(kind: str) -> None:
    """mfa-async on torch (colour classes at once) = numba (node by node) on the model
    relabelled so that the classes come one after another: the same asynchronous sweep."""
    model = MODELS[kind]()
    n = model.n
    perm = np.concatenate(colour_classes(model))  # new label k is old node perm[k]
    J = model.J[perm][:, perm] if model.is_sparse else model.J[np.ix_(perm, perm)]
    relabelled = isingeq.SpinGlass.from_symmetric(J, model.h[perm])
    starts = np.random.default_rng(1).uniform(0.3, 0.7, size=(4, n))
    opts = {"noise": 0.0, "num_sweeps": 150, "tol": 1e-4, "num_reads": 4}
    a = isingeq.solve(relabelled, method="mfa-async", rng=0, initial_states=starts[:, perm], **opts)
    b = isingeq.solve(
        model, method="mfa-async", rng=0, initial_states=starts, backend="torch",
        dtype="float64", device=DEVICE, **opts,
    )  # fmt: skip
    assert b.info["colours"] == len(colour_classes(model)) and b.info["device"] == _device_name()
    np.testing.assert_allclose(b.marginals[:, perm], a.marginals, atol=1e-9)
    np.testing.assert_array_equal(b.marginals[:, perm] > 0.5, a.marginals > 0.5)
    np.testing.assert_allclose(np.sort(b.energies), np.sort(a.energies), atol=1e-9)


# ---------------------------------------------------------------------------- seeds, results


@pytest.mark.parametrize("method", ["mfa", "mfa-async"])
@pytest.mark.parametrize("kind", list(MODELS))
def test_seeds_reproduce_and_results_keep_the_contract(method: str, kind: str) -> None:
    model = MODELS[kind]()
    opts = {"backend": "torch", "device": DEVICE, "num_reads": 6, "num_sweeps": 80}
    r1 = isingeq.solve(model, method=method, rng=11, **opts)
    r2 = isingeq.solve(model, method=method, rng=11, **opts)
    r3 = isingeq.solve(model, method=method, rng=12, **opts)
    np.testing.assert_array_equal(r1.samples, r2.samples)
    np.testing.assert_array_equal(r1.marginals, r2.marginals)
    assert not np.array_equal(r1.marginals, r3.marginals)  # the seed reaches the noise
    assert r1.samples.shape == (6, model.n) and r1.samples.dtype == np.uint8
    np.testing.assert_allclose(r1.energies, model.energy(r1.samples), atol=1e-12)
    # 1-flip stable: no single flip lowers H
    X = r1.samples.astype(np.float64)
    gains = (1.0 - 2.0 * X) * model.local_field(X)
    assert np.all(gains <= 1e-9)


def test_saturated_states_never_hold_subnormal_numbers_on_torch() -> None:
    # as the numba sweep (tests/solvers/test_mfa.py): 135 sweeps far past saturation would
    # leave a <n> going to 0 at 2^-136, a float32 subnormal, without the flush
    from isingeq.backends.torch import MeanFieldSweeps

    m = isingeq.paper_instance(30, rng=1)
    eng = MeanFieldSweeps(m, 4, "float32", DEVICE)
    eng.load(np.full((30, 4), 0.5, dtype=np.float32), np.full(4, 0.5), np.ones(4), 7)
    eng.sweeps(np.full(135, 1e3), [0.0] * 135, 0)
    S = eng.S.cpu().numpy()
    assert np.all((S == 0.0) | (np.abs(S) >= np.finfo(np.float32).tiny))
    assert np.any(S == 0.0)


@pytest.mark.parametrize("dtype", ["float64", "float32", "float16"])
def test_steepest_descent_on_the_device_ends_stable_and_never_raises_h(dtype: str) -> None:
    # the GPU's first descent of a dense mfa run (the CPU's float64 descent finishes it)
    from isingeq.backends.torch import DTYPES, steepest_descent
    from isingeq.solvers.greedy import one_flip_stable, stability_slack

    m = isingeq.paper_instance(120, rng=1)
    dt = DTYPES[dtype]
    J = torch.from_numpy(m.J).to(DEVICE, dt)
    h = torch.from_numpy(m.h).to(DEVICE, dt).reshape(-1, 1)
    X0 = torch.from_numpy(np.random.default_rng(0).random((120, 16)) > 0.5).to(DEVICE)
    X = steepest_descent(J, h, X0, -stability_slack(m)).T.cpu().numpy()
    start = X0.T.cpu().numpy().astype(np.uint8)
    assert X.dtype == np.uint8 and X.shape == (16, 120)
    assert np.all(m.energy(X) < m.energy(start))  # random starts: every replica moved down
    assert np.all(one_flip_stable(m, X))
    # a step cap stops it early: one flip per replica at most
    one = steepest_descent(J, h, X0, -stability_slack(m), max_steps=1).T.cpu().numpy()
    assert np.all((one != start).sum(axis=1) == 1)


def test_dense_mfa_descends_on_a_gpu_first_and_on_the_cpu_device_does_not() -> None:
    from isingeq.backends.torch import MeanFieldSweeps

    m = isingeq.paper_instance(40, rng=0)
    eng = MeanFieldSweeps(m, 4, "float32", DEVICE)
    eng.load(np.random.default_rng(0).random((40, 4)), np.full(4, 0.5), np.zeros(4), 0)
    X = eng.descended(1e-9)
    if torch.device(DEVICE).type == "cpu":
        assert X is None  # the numba descent is as fast there
    else:
        from isingeq.solvers.greedy import one_flip_stable

        assert X is not None and X.shape == (4, 40) and np.all(one_flip_stable(m, X))


@pytest.mark.parametrize("engine", ["MeanFieldSweeps", "ColouredSweeps"])
@pytest.mark.parametrize("kind", list(MODELS))
def test_residuals_on_a_gpu_match_the_host_and_the_cpu_device_leaves_them_to_it(
    engine: str, kind: str
) -> None:
    from isingeq.backends import torch as backend
    from isingeq.solvers._common import device_residuals, residual_per_read

    m = MODELS[kind]()
    M = np.random.default_rng(2).random((5, m.n))
    eng = getattr(backend, engine)(m, 5, "float32", DEVICE)
    host = residual_per_read(m, M, 3.0)
    got = eng.residuals(M, 3.0)
    if torch.device(DEVICE).type == "cpu":
        assert got is None
    else:
        np.testing.assert_allclose(got, host, atol=1e-5)  # float32 on the device
    np.testing.assert_allclose(device_residuals(eng, m, M, 3.0), host, atol=1e-5)
    np.testing.assert_allclose(device_residuals(None, m, M, 3.0), host)


def test_noise_reaches_every_replica_but_the_first_on_torch() -> None:
    model = isingeq.paper_instance(30, rng=0)
    opts = {"num_reads": 4, "backend": "torch", "device": DEVICE, "dtype": "float64", "tol": 1e-30}
    a = isingeq.solve(model, method="mfa", rng=0, **opts)
    b = isingeq.solve(model, method="mfa", rng=0, noise=0.0, **opts)
    # replica 0 is noise-free from <n> = 1/2 (the paper's path) on both backends
    np.testing.assert_allclose(a.marginals[0], b.marginals[0], atol=1e-12)
    assert not np.array_equal(a.marginals[1:], b.marginals[1:])


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32"])
def test_lower_precisions_stay_close_to_float64(dtype: str) -> None:
    model = isingeq.paper_instance(60, rng=2)
    opts = {"rng": 0, "backend": "torch", "device": DEVICE}
    ref = isingeq.solve(model, method="mfa", dtype="float64", **opts)
    r = isingeq.solve(model, method="mfa", dtype=dtype, **opts)
    assert r.info["dtype"] == dtype
    # a heuristic's best energy, not a bit pattern: within 1 % of float64's on this instance
    assert r.best_energy <= ref.best_energy * 0.99


@pytest.mark.parametrize("method", ["mfa", "mfa-async"])
@pytest.mark.parametrize("factor", [1e5, 1e-5])
def test_float16_holds_models_of_any_coupling_scale(method: str, factor: float) -> None:
    # couplings beyond float16's 65504 (inf, then nan states) or below its 6e-5 (flushed, so
    # the annealing froze at <n> = 1/2): stored divided by their typical size, t multiplied
    base = isingeq.paper_instance(60, rng=2)
    model = isingeq.SpinGlass.from_symmetric(base.J * factor, base.h * factor)
    opts = {"rng": 0, "backend": "torch", "device": DEVICE}
    ref = isingeq.solve(model, method=method, dtype="float64", **opts)
    r = isingeq.solve(model, method=method, dtype="float16", **opts)
    assert np.all(np.isfinite(r.marginals))
    assert r.best_energy <= ref.best_energy * 0.99  # a negative energy, within 1 %
    assert r.info["options"]["dtype"] == "float16"
    assert r.info["options"]["device"] == _device_name()


def test_mfa_async_on_torch_sizes_its_first_round_from_a_measured_sweep(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from isingeq.backends.torch import ColouredSweeps

    calls = []

    def measured(
        self: ColouredSweeps, num_reads: int, t: float, amp: float, budget_s: float = 0.0
    ) -> float:
        calls.append(num_reads)
        return 0.01  # 10 ms a sweep (a dense model's sweep is a product per node)

    monkeypatch.setattr(ColouredSweeps, "sweep_seconds", measured)
    model = isingeq.paper_instance(60, rng=0)
    r = isingeq.solve(
        model, method="mfa-async", backend="torch", rng=0, time_limit=0.05, num_reads=4
    )
    assert calls == [4]
    # 0.8 of the time left over 10 ms: at most 4 sweeps (the kernels' guess gave 400)
    assert r.info["rounds"] >= 1 and len(r.info["t_schedule"]) <= 4


def test_mfa_async_on_torch_leaves_the_colouring_kernels_load_out_of_the_time_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a process's first colouring loads its numba kernel (0.2-0.3 s from the cache here): as
    # every numba load, not the solve's time (docs/vocabulary.md, time_limit); it was, and ate
    # a short budget, so that the first round fitted one sweep
    import time

    from isingeq.backends import _colouring

    kernel = _colouring.greedy_colouring
    loaded: list[bool] = []

    def cold(indptr: np.ndarray, indices: np.ndarray) -> np.ndarray:
        if not loaded:
            loaded.append(True)
            time.sleep(0.6)  # a cold process's load
        return kernel(indptr, indices)

    monkeypatch.setattr(_colouring, "greedy_colouring", cold)
    model = _sparse_model(300, 1200, 0)
    r = isingeq.solve(
        model, method="mfa-async", backend="torch", device=DEVICE, rng=0, time_limit=0.5,
        num_reads=4,
    )  # fmt: skip
    assert loaded and len(r.info["t_schedule"]) > 1


def test_a_colour_class_of_a_dense_model_goes_to_the_device_block_by_block(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the rows of a class were copied (in float64) all at once on the host, where the whole
    # matrix is sent block by block (_BLOCK elements)
    import tracemalloc

    from isingeq.backends import torch as backend

    m = isingeq.paper_instance(300, rng=0)
    rows = np.arange(0, 300, 2)
    monkeypatch.setattr(backend, "_BLOCK", 300 * 10)  # ten rows a block
    tracemalloc.start()
    try:
        Jc = backend._couplings(m.J, rows, torch.float64, torch.device("cpu"), 0.5)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    np.testing.assert_array_equal(Jc.numpy(), m.J[rows] / 0.5)
    assert peak < 4 * 10 * 300 * 8, f"{peak} bytes on the host for blocks of ten rows"


def test_torch_devices_as_objects_and_the_cpu_index() -> None:
    model = isingeq.paper_instance(8, rng=0)
    for backend in ("numpy", "torch"):
        r = isingeq.solve(model, method="mfa", backend=backend, device=torch.device("cpu"))
        assert r.info["device"] == "cpu"
    r = isingeq.solve(model, method="mfa-async", backend="torch", device="cpu:0")
    assert r.info["device"] == "cpu"
    with pytest.raises(ValueError, match=r"`device`='cpu:1': the CPU is one device"):
        isingeq.solve(model, method="mfa", backend="torch", device="cpu:1")


def test_a_device_index_beyond_the_devices_of_mps_or_another_backend_is_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # as "cuda:7" and "cpu:1": "mps:1" (Apple's GPU is one device) and "xpu:3" on a machine of
    # one XPU were accepted here and failed later inside torch, without the devices there are
    from isingeq.backends.torch import resolve_device

    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert resolve_device("mps").type == "mps"
    with pytest.raises(ValueError, match=r"`device`='mps:1': .*available: \['cpu'.*'mps'\]"):
        resolve_device("mps:1")
    monkeypatch.setattr(torch.xpu, "is_available", lambda: True)
    monkeypatch.setattr(torch.xpu, "device_count", lambda: 1)
    assert resolve_device("xpu:0") == torch.device("xpu", 0)
    with pytest.raises(ValueError, match=r"`device`='xpu:3': no xpu device 3"):
        resolve_device("xpu:3")


def test_float64_on_mps_is_refused_before_any_tensor() -> None:
    from isingeq.backends.torch import _device_dtype

    with pytest.raises(ValueError, match=r"`dtype`='float64' is not supported on device 'mps'"):
        _device_dtype("float64", torch.device("mps"))
    assert _device_dtype("float32", torch.device("mps")) == torch.float32


def test_time_limit_runs_rounds_on_torch() -> None:
    model = _sparse_model(300, 1200, 0)
    for method in ("mfa", "mfa-async"):
        r = isingeq.solve(
            model, method=method, rng=0, backend="torch", device=DEVICE, time_limit=0.3
        )
        assert r.info["stopped"] == "time_limit" and r.info["rounds"] >= 1


# ---------------------------------------------------------------------------- clock checks
# mfa-async's torch rounds were checked only at their end: at 10^5 nodes on a busy CPU one
# round took 30 s of a 3 s budget, and Ctrl-C waited for it. They are now checked between
# colour classes, every _CHUNK_S of work (0 below: after every class).


@pytest.mark.parametrize("kind", list(MODELS))
def test_torch_rounds_report_between_colour_classes_with_the_same_result(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from isingeq.solvers import mfa_async

    model = MODELS[kind]()
    opts = {"backend": "torch", "device": DEVICE, "num_reads": 3, "num_sweeps": 30, "rng": 4}
    whole = isingeq.solve(model, method="mfa-async", **opts)
    events: list[isingeq.ProgressEvent] = []
    monkeypatch.setattr(mfa_async, "_CHUNK_S", 0.0)
    cut = isingeq.solve(model, method="mfa-async", callback=events.append, **opts)
    np.testing.assert_array_equal(cut.marginals, whole.marginals)  # bit for bit
    np.testing.assert_array_equal(cut.samples, whole.samples)
    assert cut.info["sweeps"] == whole.info["sweeps"] == 30
    inside = [e.sweeps for e in events if e.phase == "mfa-async"][:-1]  # the last: the round's end
    assert len(inside) == 30 * cut.info["colours"] - 1  # after every class but the last
    assert inside == sorted(inside) and inside[0] == 0 and inside[-1] == 29


@pytest.fixture
def python_sigint_handler() -> Any:
    # a test runner's worker may ignore SIGINT; a user's Python has its default handler
    import signal

    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, before)


@pytest.mark.usefixtures("python_sigint_handler")
def test_ctrl_c_stops_a_torch_round_between_colour_classes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import signal

    from isingeq.solvers import mfa_async

    monkeypatch.setattr(mfa_async, "_CHUNK_S", 0.0)
    model = isingeq.paper_instance(40, rng=3)  # dense: a class per node

    pressed: list[int] = []

    def ctrl_c(event: isingeq.ProgressEvent) -> None:
        if event.phase == "mfa-async" and event.sweeps == 2 and not pressed:
            pressed.append(1)
            signal.raise_signal(signal.SIGINT)

    with pytest.raises(isingeq.Interrupted) as stop:
        isingeq.solve(
            model, method="mfa-async", backend="torch", device=DEVICE, rng=0, num_reads=2,
            num_sweeps=500, callback=ctrl_c,
        )  # fmt: skip
    res = stop.value.result
    assert res.info["stopped"] == "interrupted" and res.info["rounds"] == 1
    assert res.info["sweeps"] == 2  # stopped in the third sweep, at its second class
    assert isingeq.one_flip_stable(model, res.samples).all()  # finished as at a time limit


def test_a_torch_round_stops_between_colour_classes_at_the_deadline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import time

    from isingeq.backends.torch import ColouredSweeps
    from isingeq.solvers import mfa_async

    monkeypatch.setattr(mfa_async, "_CHUNK_S", 0.0)
    # a sweep measured 1000x too fast: the first round is planned at num_sweeps / 2
    monkeypatch.setattr(ColouredSweeps, "sweep_seconds", lambda *a, **k: 1e-9)
    model = _sparse_model(300, 1200, 0)
    slept: list[int] = []

    def busy(event: isingeq.ProgressEvent) -> None:  # the machine stalls past the deadline
        if event.phase == "mfa-async" and event.sweeps == 3 and not slept:
            slept.append(1)
            time.sleep(max(0.0, 0.3 - event.elapsed_s) + 0.05)

    r = isingeq.solve(
        model, method="mfa-async", backend="torch", device=DEVICE, rng=0, num_reads=2,
        num_sweeps=2000, time_limit=0.3, callback=busy,
    )  # fmt: skip
    assert slept and r.info["stopped"] == "time_limit" and r.info["rounds"] == 1
    assert r.info["sweeps"] == 3  # of the 1000 planned
    assert isingeq.one_flip_stable(model, r.samples).all()


def test_coloured_sweeps_call_between_at_their_cadence_and_at_the_deadline() -> None:
    import time

    from isingeq.backends.torch import ColouredSweeps

    model = _sparse_model(120, 400, 4)
    engine = ColouredSweeps(model, 2, "float64", DEVICE)
    k = engine.num_colours
    ts, amps = np.geomspace(0.1, 30.0, 6), np.linspace(1.0, 0.0, 6)
    keys = np.array([5, 6])
    start = np.random.default_rng(0).uniform(0.3, 0.7, size=(2, model.n))
    whole = start.copy()
    assert engine.anneal(ts, amps, whole, keys, 1e-4) == 6
    calls: list[int] = []

    def never(done: int) -> bool:
        calls.append(done)
        return False

    M = start.copy()
    assert engine.anneal(ts, amps, M, keys, 1e-4, never, 0.0) == 6
    np.testing.assert_array_equal(M, whole)  # bit for bit
    assert calls == [c // k for c in range(1, 6 * k)]  # after every class but the last
    calls.clear()
    engine.anneal(ts, amps, start.copy(), keys, 1e-4, never, math.inf)
    assert calls == []  # nothing due
    # a deadline passed: called after the first class, which ends the round
    M = start.copy()
    done = engine.anneal(ts, amps, M, keys, 1e-4, lambda d: True, math.inf, time.perf_counter())
    assert done == (1 if k == 1 else 0)
    assert not np.array_equal(M, start) and not np.array_equal(M, whole)


def test_torch_sweep_seconds_is_a_mean_after_a_first_sweep_within_a_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # one timed sweep was the whole estimate: on a busy CPU a 3 ms sweep took 0.45 s once,
    # the first round fitted one sweep and the solve stopped at 0.8 s of a 1 s limit
    from types import SimpleNamespace

    from isingeq.backends import torch as backend

    now = [0.0]
    lengths = iter([0.45, 0.003, 0.004, 0.002, 1.0])

    def sweep(*args: Any, **kwargs: Any) -> int:
        now[0] += next(lengths)
        return 1

    monkeypatch.setattr(backend, "time", SimpleNamespace(perf_counter=lambda: now[0]))
    engine = backend.ColouredSweeps(_sparse_model(50, 100, 1), 2, "float32", DEVICE)
    monkeypatch.setattr(engine, "_sweeps", sweep)
    assert engine.sweep_seconds(2, 1.0, 0.5) == pytest.approx(0.003)  # the first one untimed
    lengths = iter([0.01, 0.05, 0.07, 1.0])
    assert engine.sweep_seconds(2, 1.0, 0.5, budget_s=0.1) == pytest.approx(0.06)
    lengths = iter([0.2, 1.0])
    assert engine.sweep_seconds(2, 1.0, 0.5, budget_s=0.1) == pytest.approx(0.2)  # over at once


def test_torch_rounds_fit_the_mean_rate_of_every_round_not_the_last_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a torch sweep costs the same in every round; one slow round (a busy CPU) made the next
    # look too long, and the solve stopped with a third of its budget left
    from types import SimpleNamespace

    from isingeq.backends.torch import ColouredSweeps
    from isingeq.solvers import mfa_async

    now = [0]  # a clock that only the (fake) sweeps move, in ns
    rates = iter([1e-3, 1e-3, 1e-3, 50e-3])  # s per sweep: rounds 0 to 3, then 1e-3

    def anneal(self: ColouredSweeps, ts: np.ndarray, *args: Any, **kwargs: Any) -> int:
        now[0] += int(len(ts) * next(rates, 1e-3) * 1e9)
        return len(ts)

    monkeypatch.setattr(mfa_async, "time", SimpleNamespace(perf_counter_ns=lambda: now[0]))
    monkeypatch.setattr(ColouredSweeps, "sweep_seconds", lambda *a, **k: 1e-3)
    monkeypatch.setattr(ColouredSweeps, "anneal", anneal)
    r = isingeq.solve(
        _sparse_model(300, 1200, 0), method="mfa-async", backend="torch", device=DEVICE,
        rng=0, num_reads=2, num_sweeps=400, time_limit=11.4,
    )  # fmt: skip
    # rounds of 200 sweeps: three of 0.2 s, then one of 10 s; the 0.8 s left fit 12 sweeps at
    # the last round's 50 ms a sweep (fewer than 200 / 8: stop), 48 at the mean 13 ms
    assert r.info["rounds"] > 4 and r.info["stopped"] == "time_limit"


# ---------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("method", ["mfa", "mfa-async"])
def test_unavailable_and_unknown_devices_are_named(method: str) -> None:
    model = isingeq.paper_instance(5, rng=0)
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match=r"`device`='cuda'.*available: \['cpu'"):
            isingeq.solve(model, method=method, backend="torch", device="cuda")
    with pytest.raises(ValueError, match=r"`device`='warp-drive' is not a torch device"):
        isingeq.solve(model, method=method, backend="torch", device="warp-drive")
    with pytest.raises(ValueError, match=r'`device`=\'cuda\' needs backend="torch"'):
        isingeq.solve(model, method=method, device="cuda")
    with pytest.raises(
        ValueError, match=r"`backend` must be one of \['numpy', 'torch'\]; got 'jax'"
    ):
        isingeq.solve(model, method=method, backend="jax")
    with pytest.raises(ValueError, match=r"`dtype` must be .*backend='torch'.*; got 'float16'"):
        isingeq.solve(model, method=method, dtype="float16")
    with pytest.raises(TypeError, match=r"`device` must be a string .* or a torch.device"):
        isingeq.solve(model, method=method, backend="torch", device=0)


def test_a_dtype_the_device_cannot_multiply_is_a_value_error() -> None:
    model = _sparse_model(20, 40, 0)
    with pytest.raises(ValueError, match=r"`dtype`='float16' is not supported .* sparse models"):
        isingeq.solve(model, method="mfa", backend="torch", dtype="float16")


@pytest.mark.parametrize("backend", ["numpy", "torch"])
@pytest.mark.parametrize("method", ["mfa", "mfa-async"])
def test_too_many_replicas_for_the_host_is_an_error_with_the_estimate(
    method: str, backend: str
) -> None:
    model = isingeq.paper_instance(100, rng=0)
    # 10^10 replicas of 100 nodes: terabytes, refused before anything is allocated
    with pytest.raises(ValueError, match=rf"{method} with num_reads=10000000000 on n=100 needs "):
        isingeq.solve(model, method=method, backend=backend, num_reads=10**10)


@pytest.mark.parametrize("method", ["mfa", "mfa-async"])
def test_on_the_cpu_device_and_host_arrays_count_against_one_memory(
    method: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from isingeq.solvers._common import HOST_BYTES_PER_STATE

    model = isingeq.paper_instance(100, rng=0)
    R = 10**5
    # the host's arrays fit the limit; with the device's float32 states on the same memory
    # they do not (measured: the whole solve grows the process by 490-610 MiB here)
    monkeypatch.setenv("ISINGEQ_MEMORY_LIMIT", str(HOST_BYTES_PER_STATE * 100 * R + 10**6))
    with pytest.raises(
        ValueError,
        match=r"does not fit on device 'cpu': an estimated [\d.]+ MiB \(couplings .*, replica "
        r"states .*, the method's host arrays [\d.]+ MiB\); the memory limit is",
    ):
        isingeq.solve(model, method=method, backend="torch", num_reads=R)


def test_import_isingeq_does_not_import_torch_and_a_missing_torch_names_the_extra() -> None:
    code = (
        "import sys\n"
        "import isingeq\n"
        "assert 'torch' not in sys.modules, 'import isingeq imported torch'\n"
        "isingeq.solve(isingeq.paper_instance(4, rng=0), method='mfa')\n"
        "assert 'torch' not in sys.modules, 'the numpy backend imported torch'\n"
        "sys.modules['torch'] = None  # what Python does for a package that is not installed\n"
        "try:\n"
        "    isingeq.solve(isingeq.paper_instance(4, rng=0), method='mfa', backend='torch')\n"
        "except ImportError as e:\n"
        "    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert 'pip install "isingeq[torch]"' in out.stdout


@pytest.mark.parametrize(
    ("method", "engine"), [("mfa", "MeanFieldSweeps"), ("mfa-async", "ColouredSweeps")]
)
def test_bad_options_are_refused_before_the_model_goes_to_the_device(
    method: str, engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from isingeq.backends import torch as backend

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the engine was built before the options were checked")

    monkeypatch.setattr(getattr(backend, engine), "__init__", never)
    model = isingeq.paper_instance(10, rng=0)
    for bad, match in (
        ({"t_start": 2.0, "t_end": 1.0}, r"t_end"),
        ({"initial_states": np.full(9, 0.5)}, r"initial_states"),
        ({"time_limit": -1.0}, r"time_limit"),
        *([({"damping": [1.5] * 64}, r"damping")] if method == "mfa" else []),
    ):
        with pytest.raises(ValueError, match=match):
            isingeq.solve(model, method=method, backend="torch", **bad)
