from __future__ import annotations

import warnings

import numpy as np
import pytest

import isingeq
from isingeq.solvers.scipy_root import _ROOT_METHODS


def eq16_rhs(model: isingeq.SpinGlass, x: np.ndarray, t: float) -> np.ndarray:
    """The paper's right-hand side, written in its tanh form."""
    xi = model.h + model.dense_J() @ x
    return 0.5 + 0.5 * np.tanh(t * xi / 2.0)


@pytest.mark.parametrize("mode", ["plain", "continuation"])
@pytest.mark.parametrize("seed", range(10))
def test_converged_solutions_satisfy_eq16(mode: str, seed: int) -> None:
    m = isingeq.paper_instance(8, rng=seed)
    r = isingeq.solve(m, method="scipy-root", mode=mode, num_reads=3, rng=seed, t_end=30.0)
    t = r.info["t_schedule"][-1]
    assert r.marginals is not None and r.marginals.shape == (3, 8)
    for x, ok, res in zip(r.marginals, r.info["converged"], r.info["residual"], strict=True):
        err = np.max(np.abs(x - eq16_rhs(m, x, t)))
        assert err == pytest.approx(res, abs=1e-12)
        if ok:
            assert err <= 1e-8
    np.testing.assert_array_equal(r.samples, (r.marginals > 0.5).astype(np.uint8))


def test_continuation_converges_on_paper_instances() -> None:
    conv = [
        bool(
            isingeq.solve(
                isingeq.paper_instance(12, rng=s), method="scipy-root", mode="continuation"
            ).info["converged"][0]
        )
        for s in range(20)
    ]
    assert sum(conv) >= 18


def test_continuation_ladder_is_geometric_from_half_critical_t() -> None:
    m = isingeq.paper_instance(10, rng=1)
    r = isingeq.solve(m, method="scipy-root", mode="continuation", num_sweeps=5, t_end=100.0)
    ladder = r.info["t_schedule"]
    assert ladder[0] == pytest.approx(0.5 * isingeq.critical_t(m))
    assert ladder[-1] == pytest.approx(100.0)
    ratios = ladder[1:] / ladder[:-1]
    np.testing.assert_allclose(ratios, ratios[0])


@pytest.mark.parametrize("root_method", _ROOT_METHODS)
def test_every_scipy_root_method_runs_and_reports(root_method: str) -> None:
    m = isingeq.paper_instance(6, rng=0)
    r = isingeq.solve(m, method="scipy-root", root_method=root_method, t_end=10.0)
    assert r.samples.shape == (1, 6)
    assert r.info["options"]["root_method"] == root_method
    assert len(r.info["message"]) == 1


@pytest.mark.parametrize("root_method", ["hybr", "lm", "df-sane", "broyden1", "krylov"])
def test_max_sweeps_caps_the_scipy_root_methods(root_method: str) -> None:
    # each SciPy method names its cap differently (hybr, df-sane: maxfev; lm and the
    # quasi-Newton ones: maxiter); an unknown name is dropped by SciPy with a warning that
    # the solver silences, so a wrong one left the solve uncapped
    m = isingeq.paper_instance(30, rng=0)
    opts = {"method": "scipy-root", "root_method": root_method, "t_end": 5.0}
    free = isingeq.solve(m, **opts)
    capped = isingeq.solve(m, max_sweeps=2, **opts)
    assert free.info["scipy_success"][0]
    assert capped.info["sweeps_per_read"][0] < free.info["sweeps_per_read"][0]
    assert not capped.info["scipy_success"][0]


def test_critical_t_is_where_the_linearisation_loses_stability() -> None:
    m = isingeq.paper_instance(30, rng=2)
    lam = np.linalg.eigvalsh(m.dense_J())[-1]
    assert isingeq.critical_t(m) == pytest.approx(4 / lam)
    assert isingeq.critical_t(isingeq.SpinGlass([[1.0]])) == np.inf
    with pytest.raises(TypeError, match=r"`model` must be an isingeq.SpinGlass; got ndarray"):
        isingeq.critical_t(m.eps)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("opts", "exc", "match"),
    [
        ({"mode": "fast"}, ValueError, "`mode` must be 'plain' or 'continuation'; got 'fast'"),
        ({"root_method": "newton"}, ValueError, "`root_method` must be one of"),
        ({"t_end": 0.0}, ValueError, "`t_end` must be > 0"),
        ({"num_sweeps": 1}, ValueError, "`num_sweeps` must be >= 2"),
        (
            {"mode": "continuation", "t_start": 50.0, "t_end": 10.0},
            ValueError,
            "`t_start` must be < t_end",
        ),
        (
            {"initial_states": [0.5, 0.5]},
            ValueError,
            r"`initial_states` must have shape \(n,\) or \(num_reads, n\) with n=4",
        ),
        (
            {"initial_states": [0.5, 2.0, 0.5, 0.5]},
            ValueError,
            r"`initial_states` must lie in \[0, 1\]",
        ),
        (
            {"initial_states": np.full((2, 4), 0.5), "num_reads": 3},
            ValueError,
            "`num_reads`=3 disagrees with `initial_states`, which has 2 rows",
        ),
        ({"num_reads": 0}, ValueError, "`num_reads` must be >= 1"),
    ],
)
def test_bad_options(opts: dict[str, object], exc: type, match: str) -> None:
    with pytest.raises(exc, match=match):
        isingeq.solve(isingeq.paper_instance(4, rng=0), method="scipy-root", **opts)


def test_critical_t_above_500_nodes_is_close_and_the_same_in_every_process() -> None:
    import subprocess
    import sys

    m = isingeq.sk_instance(600, rng=3)
    here = isingeq.critical_t(m)
    exact = 4.0 / np.linalg.eigvalsh(m.dense_J())[-1]
    assert here == pytest.approx(exact, rel=0.1)
    code = "import isingeq; print(repr(isingeq.critical_t(isingeq.sk_instance(600, rng=3))))"
    runs = {
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.strip()
        for _ in range(2)
    }
    assert runs == {repr(here)}  # seeded solves depend on it: no run-to-run drift


def test_initial_states_start_every_read() -> None:
    m = isingeq.paper_instance(6, rng=3)
    half = isingeq.solve(m, method="scipy-root", num_reads=2, initial_states=np.full(6, 0.5))
    np.testing.assert_array_equal(half.marginals[0], half.marginals[1])  # same start, same root
    default = isingeq.solve(m, method="scipy-root")
    np.testing.assert_array_equal(half.marginals[0], default.marginals[0])  # default: 1/2


def test_critical_t_does_not_depend_on_blas_threads() -> None:
    # LAPACK's eigvalsh rounds differently on several threads (n = 300: 1e-14 apart), which
    # made t_c, so every annealing schedule and seeded result, depend on the machine's cores
    from threadpoolctl import threadpool_limits

    for k in range(5):
        m = isingeq.paper_instance(300, rng=k)
        with threadpool_limits(limits=1, user_api="blas"):
            one = isingeq.critical_t(m)
        with threadpool_limits(limits=2, user_api="blas"):
            two = isingeq.critical_t(m)
        assert one == two


def test_critical_t_of_a_sparse_model_does_not_depend_on_blas_threads() -> None:
    # ARPACK's vector updates rounded differently on 2 BLAS threads (a +-1 lattice of 10^5
    # nodes: lambda_max 1 ulp apart, and so t_c), and ran 4x slower after numba's parallel
    # kernels: on a sparse J it runs on one BLAS thread, which the caller's setting outlives
    import scipy.sparse as sp
    from threadpoolctl import ThreadpoolController, threadpool_limits

    side = 316
    idx = np.arange(side * side).reshape(side, side)
    rows = np.concatenate([idx[:, :-1].ravel(), idx[:-1, :].ravel()])
    cols = np.concatenate([idx[:, 1:].ravel(), idx[1:, :].ravel()])
    signs = np.random.default_rng(0).choice([-1.0, 1.0], rows.size)
    eps = sp.csr_array((signs, (rows, cols)), shape=(side * side,) * 2)

    def blas_threads() -> list[int]:
        return [i["num_threads"] for i in ThreadpoolController().select(user_api="blas").info()]

    values = []
    for threads in (1, 2):
        with threadpool_limits(limits=threads, user_api="blas"):
            caller = blas_threads()
            values.append(isingeq.critical_t(isingeq.SpinGlass(eps)))
            assert blas_threads() == caller
    assert values[0] == values[1]


def test_critical_t_is_computed_once_per_model_within_a_solve() -> None:
    from isingeq.solvers import _common

    calls: list[int] = []

    def count(model: isingeq.SpinGlass) -> float:
        calls.append(model.n)
        return 1.0

    a, b = isingeq.paper_instance(6, rng=0), isingeq.paper_instance(7, rng=0)
    with _common.solve_memo():
        with _common.solve_memo():  # a nested solve shares its caller's values
            assert _common.memo(a, "k", lambda: count(a)) == 1.0
        _common.memo(a, "k", lambda: count(a))
        _common.memo(b, "k", lambda: count(b))
    assert calls == [6, 7]
    _common.memo(a, "k", lambda: count(a))  # outside a solve: computed every time
    _common.memo(a, "k", lambda: count(a))
    assert calls == [6, 7, 6, 6]
    # and the real t_c inside a solve equals the one computed outside
    m = isingeq.paper_instance(40, rng=1)
    with _common.solve_memo():
        inside = [isingeq.critical_t(m), isingeq.critical_t(m)]
    assert inside == [isingeq.critical_t(m)] * 2


def test_t_start_in_plain_mode_is_refused_not_ignored() -> None:
    m = isingeq.paper_instance(6, rng=0)
    for value in (0.5, "abc"):
        with pytest.raises(ValueError, match=r"`t_start` applies to mode='continuation' only"):
            isingeq.solve(m, method="scipy-root", t_start=value)
    r = isingeq.solve(m, method="scipy-root", mode="continuation", t_start=0.5)
    assert r.info["options"]["t_start"] == 0.5


def test_a_root_solve_that_raises_still_counts_its_evaluations() -> None:
    # linearmixing overflows on this model at t_end = 5; its evaluations were reported as 0
    m = isingeq.paper_instance(30, rng=0)
    r = isingeq.solve(m, method="scipy-root", root_method="linearmixing", t_end=5.0)
    assert "Error" in r.info["message"][0] and not r.info["scipy_success"][0]
    assert r.info["sweeps"] > 0 and r.info["sweeps_per_read"][0] == r.info["sweeps"]


def test_read_0_leaves_the_symmetric_root_of_a_model_without_fields() -> None:
    # 1/2 solves eq. 16 at every t on an SK model; the paper's start stayed there and rounded
    # to all zeros (E / n = +0.07 on SK n = 50 where greedy finds -0.63), flagged "converged"
    m = isingeq.sk_instance(50, rng=0)
    r = isingeq.solve(m, method="scipy-root", rng=0)
    assert r.info["read0_deterministic"] is False
    assert (
        r.best_sample.any()
        and r.best_energy < 0.5 * isingeq.solve(m, method="greedy", rng=0).best_energy
    )
    assert r.info["fractional"].shape == (1,) and r.info["fractional"][0] < m.n // 2
    # the paper's instances have fields: read 0 starts at 1/2 exactly, as before
    p = isingeq.paper_instance(12, rng=3)
    q = isingeq.solve(p, method="scipy-root", rng=0)
    assert q.info["read0_deterministic"] is True
    x = isingeq.solve(p, method="scipy-root", initial_states=np.full(12, 0.5), rng=1)
    np.testing.assert_array_equal(q.marginals, x.marginals)


def test_the_continuation_warns_when_it_follows_the_symmetric_branch() -> None:
    m = isingeq.ea_instance(4, rng=0)
    with pytest.warns(RuntimeWarning, match=r"no fields .* 1/2 solves eq. 16 at every t"):
        r = isingeq.solve(m, method="scipy-root", mode="continuation", rng=0)
    assert r.info["fractional"][0] > m.n // 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the paper's instances: no warning
        isingeq.solve(isingeq.paper_instance(12, rng=0), method="scipy-root", mode="continuation")


def _ticking_clock(monkeypatch: pytest.MonkeyPatch, step_ns: int) -> list[int]:
    """scipy-root's clock advances ``step_ns`` at every reading (one per evaluation of eq. 16,
    plus the entry's): a time limit cuts the solve after a known number of evaluations."""
    from types import SimpleNamespace

    from isingeq.solvers import scipy_root

    now = [0]

    def read() -> int:
        now[0] += step_ns
        return now[0]

    monkeypatch.setattr(scipy_root, "time", SimpleNamespace(perf_counter_ns=read))
    return now


@pytest.mark.parametrize("root_method", ["hybr", "lm", "krylov"])
def test_time_limit_cuts_a_solve_at_an_evaluation_and_keeps_its_best_point(
    monkeypatch: pytest.MonkeyPatch, root_method: str
) -> None:
    m = isingeq.paper_instance(40, rng=3)
    starts = np.random.default_rng(0).random((3, 40))
    full = isingeq.solve(m, method="scipy-root", root_method=root_method, initial_states=starts)
    assert full.info["stopped"] != "time_limit" and full.info["reads_done"] == 3
    assert full.info["sweeps_per_read"][0] > 10  # a limit of 6 evaluations cuts read 0
    _ticking_clock(monkeypatch, 10**8)  # 0.1 s per reading: the entry's, then one per call
    # no read finished: the samples round a point the solve barely moved, and it says so
    with pytest.warns(RuntimeWarning, match=r"time_limit=0.65 s ran out before any read fini"):
        r = isingeq.solve(
            m, method="scipy-root", root_method=root_method, initial_states=starts, time_limit=0.65
        )
    assert r.info["stopped"] == "time_limit" and r.info["reads_done"] == 0
    # readings at 0.1 s (entry: deadline 0.75 s), then one per evaluation of F or of its
    # Jacobian: 6 fit (the Jacobian's, with hybr / lm, among them), the seventh stops
    done = r.info["sweeps_per_read"]
    assert 2 <= done[0] <= 6 and done[1:].tolist() == [0, 0]
    assert done[0] == 6 or root_method != "krylov"
    assert not r.info["converged"].any() and not r.info["scipy_success"].any()
    # reads not started keep their starts (read 0's point: the next test)
    np.testing.assert_array_equal(r.marginals[1:], starts[1:])
    assert ((r.marginals[0] >= 0) & (r.marginals[0] <= 1)).all()
    assert r.info["message"][1] == "not started: time_limit"
    assert r.best_energy == pytest.approx(float(m.energy(r.best_sample)), abs=1e-12)


def test_the_no_read_finished_warning_comes_exactly_when_no_read_finished(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import warnings

    m = isingeq.paper_instance(30, rng=3)
    starts = np.random.default_rng(1).random((2, 30))
    _ticking_clock(monkeypatch, 10**8)
    seen = set()
    for limit in np.arange(0.35, 6.0, 0.4):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            r = isingeq.solve(m, method="scipy-root", initial_states=starts, time_limit=limit)
        warned = any("before any read finished" in str(w.message) for w in caught)
        cut_first = r.info["stopped"] == "time_limit" and r.info["reads_done"] == 0
        assert warned == cut_first, (limit, r.info["reads_done"], r.info["stopped"])
        seen.add((r.info["stopped"] == "time_limit", r.info["reads_done"]))
    assert {(True, 0), (True, 1)} <= seen  # both sides of the line were run


def test_a_cut_solve_keeps_the_best_point_evaluated_as_a_copy() -> None:
    from isingeq.solvers.scipy_root import _Equation, _one_solve, _Stopped

    m = isingeq.paper_instance(9, rng=4)
    eq = _Equation(m, 3.0, None)
    points = np.random.default_rng(2).random((6, 9))
    buffer = np.empty(9)  # MINPACK passes views of one work array: the best must be a copy
    norms = []
    for p in points:
        buffer[:] = p
        F = eq.fun(buffer)
        norms.append(float(F @ F))
    buffer[:] = -1.0
    np.testing.assert_array_equal(eq.best_x, points[int(np.argmin(norms))])
    assert eq.calls == 6
    # past the deadline, neither F nor its Jacobian is evaluated
    late = _Equation(m, 3.0, deadline=0)
    for evaluate in (late.fun, late.jac):
        with pytest.raises(_Stopped, match="time_limit"):
            evaluate(points[0])
    # a solve cut before its first evaluation keeps its start
    x, sol, cut = _one_solve(m, points[0], 3.0, "hybr", 1e-8, None, deadline=0)
    assert cut == "time_limit" and not sol.success
    np.testing.assert_array_equal(x, points[0])


def test_ctrl_c_stops_scipy_root_at_its_next_evaluation() -> None:
    import signal

    m = isingeq.paper_instance(30, rng=1)
    seen: list[object] = []

    def ctrl_c_after_first_read(event: object) -> None:
        seen.append(event)
        if len(seen) == 1:
            signal.raise_signal(signal.SIGINT)

    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(isingeq.Interrupted) as stop:
            isingeq.solve(
                m, method="scipy-root", num_reads=4, rng=0, callback=ctrl_c_after_first_read
            )
    finally:
        signal.signal(signal.SIGINT, before)
    res = stop.value.result
    assert res.info["stopped"] == "interrupted" and res.info["reads_done"] == 1
    assert res.info["sweeps_per_read"][1:].tolist() == [0, 0, 0]  # stopped at read 1's first
    assert res.marginals.shape == (4, 30)


def test_jacobian_methods_refuse_a_model_whose_jacobians_exceed_memory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from isingeq.solvers.scipy_root import JACOBIAN_BYTES_PER_ENTRY

    m = isingeq.ea_instance((30, 30), rng=0)  # sparse, n = 900
    monkeypatch.setenv("ISINGEQ_MEMORY_LIMIT", str(JACOBIAN_BYTES_PER_ENTRY * 900 * 900 - 1))
    for root_method in ("hybr", "lm"):
        with pytest.raises(ValueError, match=rf"root_method='{root_method}' holds dense n x n"):
            isingeq.solve(m, method="scipy-root", root_method=root_method)
    # the methods without a Jacobian run in O(nnz) (5 steps from near 1/2: still near it)
    with pytest.warns(RuntimeWarning, match="no fields"):
        r = isingeq.solve(m, method="scipy-root", root_method="df-sane", max_sweeps=5, rng=0)
    assert r.samples.shape == (1, 900)


def test_the_jacobian_is_eq16s_derivative() -> None:
    from isingeq.solvers.scipy_root import _Equation

    for m in (isingeq.paper_instance(7, rng=2), isingeq.ea_instance((3, 3), rng=2)):
        eq = _Equation(m, 2.5, None)
        x = np.random.default_rng(1).random(m.n)
        step = 1e-6
        numeric = np.column_stack(
            [(eq.fun(x + step * e) - eq.fun(x - step * e)) / (2 * step) for e in np.eye(m.n)]
        )
        np.testing.assert_allclose(eq.jac(x), numeric, atol=1e-8)


def test_the_public_residual_checks_its_input() -> None:
    m = isingeq.paper_instance(4, rng=0)
    x = np.full(4, 0.5)
    np.testing.assert_allclose(isingeq.eq16_residual(m, x, 0.0), 0.0)
    batch = isingeq.eq16_residual(m, np.stack([x, x]), 2.0)
    np.testing.assert_array_equal(batch[0], isingeq.eq16_residual(m, x, 2.0))
    with pytest.raises(ValueError, match=r"`x` must have shape \(4,\) or \(R, 4\); got \(2, 3\)"):
        isingeq.eq16_residual(m, np.zeros((2, 3)), 1.0)
    with pytest.raises(ValueError, match=r"`x` must be finite; got nan at index \(1,\)"):
        isingeq.eq16_residual(m, [0.5, np.nan, 0.5, 0.5], 1.0)
    with pytest.raises(TypeError, match="`x` must hold real numbers"):
        isingeq.eq16_residual(m, ["a"] * 4, 1.0)
    with pytest.raises(ValueError, match="`t`"):
        isingeq.eq16_residual(m, x, -1.0)
    # t = inf: the step function, 1/2 where the field is zero (inf * 0 gave NaN)
    zero = isingeq.SpinGlass(np.zeros((3, 3)))
    assert isingeq.eq16_residual(zero, [0.5, 1.0, 0.0], np.inf).tolist() == [0.0, 0.5, -0.5]
    big = isingeq.eq16_residual(m, x, np.inf)
    xi = m.local_field(x)
    np.testing.assert_array_equal(big, x - (xi > 0))
