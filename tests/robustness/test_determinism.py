"""Determinism (issue #13, point 5). The same seed gives bit-identical results

* across runs and processes, for every method run on a fixed budget of sweeps;
* across 1 and 2 numba threads for the methods whose replicas are independent (each replica
  has its own random stream and runs on one thread: mfa-async, mfa-hybrid, tabu, greedy,
  exact). ``mfa`` is the exception: its sweep is one matrix product for all replicas, and
  BLAS may sum in another order with another thread count, so its samples can differ in the
  last bits of ``<n>`` and, rarely, in a rounded state;
* across Python threads: solves run side by side on a thread pool give what they give one after
  another (the numba kernels release the GIL, so they do overlap);
* across dense and sparse storage of the same model for the deterministic methods (exact,
  greedy) and for tabu (its moves compare gains that both kernels compute exactly alike on
  integer couplings), except where tabu keeps a large sparse model's gains in max-trees
  (``tabu.by_trees``): those draw among tied gains otherwise than the dense scan, so they
  give the same samples only where no two gains tie (real-valued couplings).

Runs with a ``time_limit`` are not reproducible by design (the work done depends on the
clock); with ``num_sweeps`` they are.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numba
import numpy as np
import pytest
import scipy.sparse as sp

import isingeq
from isingeq import SpinGlass
from isingeq.backends import _colouring
from isingeq.perceptron import _kernels as perceptron_kernels
from isingeq.solvers import _kernels as solver_kernels

SWEEP_OPTS = {
    "mfa": {"num_sweeps": 60, "num_reads": 4},
    "mfa-async": {"num_sweeps": 60, "num_reads": 4},
    "mfa-hybrid": {"num_sweeps": 60, "num_reads": 4},
    "tabu": {"num_sweeps": 20, "num_reads": 4},
    "greedy": {"num_reads": 4},
    "scipy-root": {},
    "exact": {},
}


def integer_model(n: int, seed: int) -> SpinGlass:
    rng = np.random.default_rng(seed)
    return SpinGlass(np.triu(rng.integers(-3, 4, size=(n, n))).astype(float))


@pytest.mark.parametrize("method", sorted(SWEEP_OPTS))
def test_same_seed_same_result_in_this_process(method: str) -> None:
    m = isingeq.paper_instance(20, rng=4)
    a = isingeq.solve(m, method=method, rng=9, **SWEEP_OPTS[method])
    b = isingeq.solve(m, method=method, rng=9, **SWEEP_OPTS[method])
    np.testing.assert_array_equal(a.samples, b.samples)
    assert a.best_energy == b.best_energy


def test_same_seed_same_result_across_processes() -> None:
    code = (
        "import isingeq, json; m = isingeq.paper_instance(40, rng=1); "
        "r = isingeq.solve(m, method='mfa-hybrid', rng=5, num_sweeps=50, num_reads=3); "
        "print(json.dumps(r.samples.tolist()))"
    )
    outs = [
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "NUMBA_NUM_THREADS": str(k)},
        ).stdout
        for k in (1, 2)
    ]
    assert json.loads(outs[0]) == json.loads(outs[1])


@pytest.mark.parametrize("method", ["mfa-async", "mfa-hybrid", "tabu", "greedy", "exact"])
def test_one_and_two_threads_give_the_same_result(method: str) -> None:
    if numba.config.NUMBA_NUM_THREADS < 2:
        pytest.skip("one numba thread here")
    m = isingeq.paper_instance(30, rng=2)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        a = isingeq.solve(m, method=method, rng=3, **SWEEP_OPTS[method])
        numba.set_num_threads(2)
        b = isingeq.solve(m, method=method, rng=3, **SWEEP_OPTS[method])
    finally:
        numba.set_num_threads(before)
    np.testing.assert_array_equal(a.samples, b.samples)


@pytest.mark.parametrize("method", sorted(SWEEP_OPTS))
def test_solves_side_by_side_on_threads_give_the_serial_results(method: str) -> None:
    models = [isingeq.paper_instance(24, rng=k) for k in range(6)]

    def one(k: int) -> np.ndarray:
        return isingeq.solve(models[k], method=method, rng=k, **SWEEP_OPTS[method]).samples

    serial = [one(k) for k in range(len(models))]
    with ThreadPoolExecutor(3) as pool:
        side_by_side = list(pool.map(one, range(len(models))))
    for a, b in zip(serial, side_by_side, strict=True):
        np.testing.assert_array_equal(a, b)


def test_every_kernel_releases_the_gil() -> None:
    # a kernel holding the GIL serialises a Dask worker's threads (benchmarks/bench_threads.py)
    holding = [
        f"{module.__name__}.{name}"
        for module in (solver_kernels, perceptron_kernels, _colouring)
        for name, obj in vars(module).items()
        if isinstance(obj, numba.core.registry.CPUDispatcher)
        and obj.__module__ == module.__name__
        and not obj.targetoptions.get("nogil")
    ]
    # and no kernel elsewhere in the package: every decorator says so in the source
    for path in Path(isingeq.__file__).parent.rglob("*.py"):
        for k, line in enumerate(path.read_text().splitlines(), 1):
            if re.match(r"\s*@(numba\.)?n?jit\b", line) and "nogil=True" not in line:
                holding.append(f"{path.name}:{k}")
    assert holding == []


@pytest.mark.parametrize("method", ["exact", "greedy", "tabu"])
def test_dense_and_sparse_storage_give_the_same_result(method: str) -> None:
    m = integer_model(16, 7)
    s = SpinGlass(sp.csr_array(m.eps))
    opts = dict(SWEEP_OPTS[method])
    if method == "greedy":
        opts["initial_states"] = np.random.default_rng(0).integers(0, 2, size=(4, 16))
        del opts["num_reads"]
    a = isingeq.solve(m, method=method, rng=1, **opts)
    b = isingeq.solve(s, method=method, rng=1, **opts)
    np.testing.assert_array_equal(a.samples, b.samples)
    assert a.best_energy == b.best_energy


@pytest.mark.parametrize(("couplings", "same"), [("gaussian", True), ("pm1", False)])
def test_tabu_on_trees_is_the_dense_scan_where_no_gains_tie(couplings: str, same: bool) -> None:
    # the README's storage claim, at a size where the sparse model takes the max-trees: real
    # couplings give the same moves; +-1 couplings tie, and the trees draw among ties otherwise
    from isingeq.solvers.tabu import by_trees

    s = isingeq.ea_instance((32, 32), rng=1, couplings=couplings)
    assert by_trees(s, num_reads=2)
    m = SpinGlass(s.eps.toarray())
    a = isingeq.solve(m, method="tabu", rng=0, num_sweeps=20, num_reads=2)
    b = isingeq.solve(s, method="tabu", rng=0, num_sweeps=20, num_reads=2)
    assert np.array_equal(a.samples, b.samples) is same


def test_blas_limit_of_overlapping_solves_is_restored() -> None:
    # critical_t's eigvalsh runs BLAS on one thread, a process-wide setting: two solves on
    # Python threads whose blocks overlap (A in, B in, A out, B out) must restore it at the end
    from threadpoolctl import ThreadpoolController

    from isingeq.solvers._common import one_blas_thread

    def blas_threads() -> list[int]:
        return [i["num_threads"] for i in ThreadpoolController().select(user_api="blas").info()]

    before = blas_threads()
    a, b = one_blas_thread(), one_blas_thread()
    a.__enter__()
    b.__enter__()
    assert set(blas_threads()) == {1}
    a.__exit__(None, None, None)
    assert set(blas_threads()) == {1}  # B still inside
    b.__exit__(None, None, None)
    assert blas_threads() == before


def test_blas_libraries_loaded_after_the_first_solve_are_limited_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the controller was made once: a BLAS loaded later (a peer solver's own OpenBLAS, with
    # its import) kept its threads inside one_blas_thread
    import sys
    import types

    import threadpoolctl

    from isingeq.solvers import _common

    made: list[int] = []
    real = threadpoolctl.ThreadpoolController

    def counting() -> object:
        made.append(1)
        return real()

    monkeypatch.setattr(threadpoolctl, "ThreadpoolController", counting)
    monkeypatch.setattr(_common, "_BLAS", None)
    with _common.one_blas_thread():
        pass
    with _common.one_blas_thread():  # nothing imported since: no new scan (0.5 ms each)
        pass
    assert len(made) == 1
    monkeypatch.setitem(sys.modules, "isingeq_test_new_extension", types.ModuleType("x"))
    with _common.one_blas_thread():
        pass
    assert len(made) == 2
