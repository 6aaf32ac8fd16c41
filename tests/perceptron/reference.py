"""Brute-force references for the perceptron tests, independent of isingeq's kernels.

Every state from ``itertools.product``, energies from ``model.energy`` (the definition of ``H``),
stability by the energy change of every single flip, descent by a plain Python loop.
"""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from isingeq import SpinGlass

# Couplings on a grid of quarters: sums are exact in float64, so ties xi_i = 0 really occur
# and the tie rules are tested, not blurred by rounding.
quarters = st.integers(-8, 8).map(lambda k: k / 4.0)


@st.composite
def grid_models(draw: st.DrawFn, max_n: int = 7) -> SpinGlass:
    n = draw(st.integers(1, max_n))
    a = draw(arrays(np.float64, (n, n), elements=quarters))
    return SpinGlass(np.triu(a))


def all_states(n: int) -> np.ndarray:
    return np.array(list(itertools.product((0, 1), repeat=n)), dtype=np.uint8)


def as_set(X: np.ndarray) -> set[tuple[int, ...]]:
    return {tuple(int(v) for v in row) for row in X}


def flip_gains(m: SpinGlass, X: np.ndarray) -> np.ndarray:
    """``H(x with n_i flipped) - H(x)`` for every row and every ``i``, shape (R, n)."""
    E = m.energy(X)
    out = np.empty(X.shape, dtype=np.float64)
    for i in range(m.n):
        Y = X.copy()
        Y[:, i] ^= 1
        out[:, i] = m.energy(Y) - E
    return out


def brute_stable(m: SpinGlass, X: np.ndarray, tol: float = 0.0) -> np.ndarray:
    """No single flip lowers ``H`` by more than ``tol``."""
    return np.all(flip_gains(m, X) >= -tol, axis=1)


def brute_strict(m: SpinGlass, X: np.ndarray) -> np.ndarray:
    """Every single flip raises ``H``."""
    return np.all(flip_gains(m, X) > 0, axis=1)


def descend_by_hand(m: SpinGlass, x: tuple[int, ...]) -> tuple[int, ...]:
    """Asynchronous ``t = inf`` update, nodes in index order, sweeps until nothing changes.

    Node ``i`` flips when the flip lowers ``H`` (energy change < 0) and keeps its value on a tie.
    """
    state = list(x)
    changed = True
    while changed:
        changed = False
        for i in range(m.n):
            e = float(m.energy(np.array(state, dtype=np.uint8)))
            state[i] ^= 1
            if float(m.energy(np.array(state, dtype=np.uint8))) < e:
                changed = True
            else:
                state[i] ^= 1
    return tuple(state)


def basin_by_hand(m: SpinGlass) -> float:
    """Fraction of all starts whose hand-run descent ends at a ground state (brute minimum)."""
    X = all_states(m.n)
    e0 = float(np.min(m.energy(X)))
    ends = np.array([descend_by_hand(m, tuple(x)) for x in X], dtype=np.uint8)
    return float(np.mean(m.energy(ends) <= e0 + 1e-9 * max(1.0, m.energy_scale)))


def min_abs_gain(m: SpinGlass) -> float:
    """The smallest ``|energy change|`` of any single flip from any state: how far from a tie."""
    return float(np.min(np.abs(flip_gains(m, all_states(m.n)))))
