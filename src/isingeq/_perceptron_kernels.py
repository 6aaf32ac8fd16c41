"""Numba kernels for :mod:`isingeq.perceptron` and :mod:`isingeq.inverse` (no validation).

Arrays and scalars in, preallocated outputs; the validating wrappers live in the Python modules.
States are coded as integers: bit ``i`` of the code is ``n_i``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange


@njit(cache=True, inline="always")
def _ctz(s: int) -> int:
    b = 0
    while (s & 1) == 0:
        s >>= 1
        b += 1
    return b


@njit(cache=True)
def all_energies(h, J, out):
    """``out[code] = H(code)`` (offset 0) for every code in ``0..2^n-1``, by Gray code."""
    n = h.shape[0]
    x = np.zeros(n, dtype=np.uint8)
    G = h.copy()  # local fields xi = h + J x
    e = 0.0
    out[0] = 0.0
    code = 0
    for s in range(1, 1 << n):
        i = _ctz(s)
        if x[i] == 0:
            e -= G[i]
            x[i] = 1
            for j in range(n):
                G[j] += J[j, i]
        else:
            x[i] = 0
            for j in range(n):
                G[j] -= J[j, i]
            e += G[i]
        code ^= 1 << i
        out[code] = e


@njit(cache=True, parallel=True)
def stable_states(h, J, k, slack, fill, counts, out):
    """Enumerate the 1-flip-stable states: ``(2 n_i - 1) xi_i >= slack`` for every ``i``.

    The high ``n - k`` bits are split into blocks run in parallel; the low ``k`` bits follow a
    Gray code with the fields kept incrementally. With ``fill == 0`` only ``counts[block]`` is
    written; with ``fill == 1`` the codes go to ``out[offset(block) + ...]`` where the offsets are
    the cumulative sums of the ``counts`` of a previous counting pass.
    """
    n = h.shape[0]
    nb = 1 << (n - k)
    offsets = np.zeros(nb + 1, dtype=np.int64)
    if fill == 1:
        for b in range(nb):
            offsets[b + 1] = offsets[b] + counts[b]
    for b in prange(nb):
        x = np.zeros(n, dtype=np.uint8)
        G = h.copy()
        one = np.int64(1)
        code = np.int64(b) << np.int64(k)
        for i in range(k, n):
            if (code >> i) & 1:
                x[i] = 1
                for j in range(n):
                    G[j] += J[j, i]
        c = 0
        for s in range(1 << k):
            if s > 0:
                i = _ctz(s)
                if x[i] == 0:
                    x[i] = 1
                    for j in range(n):
                        G[j] += J[j, i]
                else:
                    x[i] = 0
                    for j in range(n):
                        G[j] -= J[j, i]
                code ^= one << np.int64(i)
            ok = True
            for i in range(n):
                if (2.0 * x[i] - 1.0) * G[i] < slack:
                    ok = False
                    break
            if ok:
                if fill == 1:
                    out[offsets[b] + c] = code
                c += 1
        if fill == 0:
            counts[b] = c


@njit(cache=True)
def gibbs_sweeps(h, J, t, x, G, U, rows, out):
    """Sequential-scan Gibbs sweeps at inverse temperature ``t``, one chain.

    ``x`` (uint8, n) and its fields ``G = h + J x`` are updated in place. ``U`` has shape
    (num_sweeps, n) of uniforms on [0, 1); after sweep ``s`` the state is copied to
    ``out[rows[s]]`` when ``rows[s] >= 0``. Node ``i`` is set to 1 with probability
    ``sigmoid(t G_i)``, the exact conditional of the Boltzmann distribution.
    """
    n = x.shape[0]
    for s in range(U.shape[0]):
        for i in range(n):
            a = t * G[i]
            if a >= 0.0:
                p = 1.0 / (1.0 + math.exp(-a))
            else:
                ea = math.exp(a)
                p = ea / (1.0 + ea)
            new = 1 if U[s, i] < p else 0
            if new != x[i]:
                d = 1.0 if new == 1 else -1.0
                x[i] = new
                for j in range(n):
                    G[j] += d * J[j, i]
        r = rows[s]
        if r >= 0:
            for i in range(n):
                out[r, i] = x[i]
