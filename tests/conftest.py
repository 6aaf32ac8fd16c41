from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import isingeq

DATA = Path(__file__).parent / "data"


def all_states(n: int) -> np.ndarray:
    """Every 0/1 state of n variables (itertools, independent of isingeq's kernels)."""
    return np.array(list(itertools.product((0, 1), repeat=n)), dtype=np.uint8)


def brute_energies(eps: np.ndarray, X: np.ndarray, offset: float = 0.0) -> np.ndarray:
    """H(x) = -sum_{i<=j} eps_ij x_i x_j + offset, written straight from the definition."""
    n = eps.shape[0]
    out = np.full(len(X), offset, dtype=np.float64)
    for i in range(n):
        for j in range(i, n):
            out -= eps[i, j] * X[:, i] * X[:, j]
    return out


def read_latfile(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """COOL latfile -> (h, J upper) in spin form E = h.s + sum_{i<j} J_ij s_i s_j."""
    lines = path.read_text().split("\n")
    n = int(lines[0].split()[0])
    h = np.zeros(n)
    J = np.zeros((n, n))
    for line in lines[1:]:
        parts = line.split()
        if not parts:
            continue
        i, j, v = int(parts[0]), int(parts[1]), float(parts[2])
        if i == j:
            h[i] += v
        else:
            J[min(i, j), max(i, j)] += v
    return h, J


@pytest.fixture(params=[0, 1, 2, 3])
def small_paper_model(request: pytest.FixtureRequest) -> isingeq.SpinGlass:
    return isingeq.paper_instance(7, rng=request.param)


#: A method registered by the ``fragile_method`` fixture, in this process only (worker
#: processes do not know it, as a worker without a plugin or dependency would not): greedy
#: descent, except that it raises on the paper instances of n = 5 whose eps_00 > 0.
FRAGILE = "fragile-test"


@pytest.fixture
def fragile_method() -> Any:
    """Register :data:`FRAGILE` for one test, then remove it."""
    from isingeq.solvers import _registry

    @_registry.register(FRAGILE)
    def solve_fragile(model: isingeq.SpinGlass, *, rng: Any = None) -> isingeq.SolveResult:
        if model.n == 5 and model.eps[0, 0] > 0:
            raise RuntimeError(f"fragile on this instance (eps_00 = {float(model.eps[0, 0]):.3f})")
        return isingeq.solve(model, method="greedy", rng=rng)

    try:
        yield solve_fragile
    finally:
        _registry.METHODS.pop(FRAGILE, None)
        _registry._OPTIONS.pop(FRAGILE, None)
