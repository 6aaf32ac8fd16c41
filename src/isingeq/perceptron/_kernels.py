"""Numba kernels of :mod:`isingeq.perceptron` (no validation).

Arrays and scalars in, preallocated outputs; the validating wrappers live in the Python modules.
States are coded as integers: bit ``i`` of the code is ``n_i``. The enumeration walks the same
block Gray code as the exact solver, with its building blocks from
:mod:`isingeq.solvers._kernels` (the energy of every state is its
:func:`~isingeq.solvers._kernels.low_block_energies` with ``k = n``).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from ..solvers._kernels import _gray_advance, _high_start, _push, gray_bit


@njit(nogil=True, cache=True, parallel=True)
def stable_states(h, J, k, n_chunks, slack, fill, counts, out):  # pragma: no cover - compiled
    """Enumerate the 1-flip-stable states: ``(2 n_i - 1) xi_i >= slack`` for every ``i``.

    The block Gray code of :func:`isingeq.solvers._kernels.exact_lowest`: the high ``n - k``
    bits follow a Gray code split into ``n_chunks`` chunks run in parallel (``_high_start`` /
    ``_gray_advance``); for each high state the low ``k`` bits follow a Gray code
    (:func:`~isingeq.solvers._kernels.gray_bit`) with all ``n`` fields ``xi = h + J x`` kept
    incrementally. With ``fill == 0`` only ``counts[chunk]`` is written; with ``fill == 1`` the
    codes go to ``out[offset(chunk) + ...]``, the offsets being the cumulative sums of the
    ``counts`` of a previous counting pass.
    """
    n = h.shape[0]
    m = n - k
    JHL = np.ascontiguousarray(J[k:, :k])
    JHH = np.ascontiguousarray(J[k:, k:])
    per = (1 << m) // n_chunks
    offsets = np.zeros(n_chunks + 1, dtype=np.int64)
    if fill == 1:
        for b in range(n_chunks):
            offsets[b + 1] = offsets[b] + counts[b]
    for ch in prange(n_chunks):
        xH = np.zeros(m, dtype=np.int64)
        f = np.zeros(k)
        gH = np.zeros(m)
        x = np.zeros(n, dtype=np.uint8)
        G = np.empty(n)
        start = ch * per
        gray = start ^ (start >> 1)
        eh = _high_start(h, J, k, m, gray, xH, f, gH)
        c = 0
        for step in range(start, start + per):
            if step != start:
                gray, eh = _gray_advance(step, gray, JHL, JHH, xH, f, gH, eh)
            # fields at x_L = 0: f = -J[L, H] x_H, gH = h_H + J[H, H] x_H
            for b in range(k):
                x[b] = 0
                G[b] = h[b] - f[b]
            for j in range(m):
                x[k + j] = xH[j]
                G[k + j] = gH[j]
            code = np.int64(gray) << np.int64(k)
            for s in range(1 << k):
                if s > 0:
                    i = gray_bit(s)
                    d = 1.0 - 2.0 * x[i]  # +1 when 0 -> 1
                    x[i] ^= 1
                    row = J[i]  # J is symmetric: row i = column i
                    for j in range(n):
                        G[j] += d * row[j]
                    code ^= np.int64(1) << np.int64(i)
                ok = True
                for i in range(n):
                    if (2.0 * x[i] - 1.0) * G[i] < slack:
                        ok = False
                        break
                if ok:
                    if fill == 1:
                        out[offsets[ch] + c] = code
                    c += 1
        if fill == 0:
            counts[ch] = c


@njit(nogil=True, cache=True, inline="always")
def _gibbs_draw(a, u):  # pragma: no cover - compiled
    """1 with probability ``sigmoid(a)`` for a uniform ``u`` on [0, 1), else 0 (the sigmoid
    written so that ``exp`` never overflows), for :func:`gibbs_sweeps`."""
    if a >= 0.0:
        p = 1.0 / (1.0 + math.exp(-a))
    else:
        ea = math.exp(a)
        p = ea / (1.0 + ea)
    return 1 if u < p else 0


@njit(nogil=True, cache=True)
def gibbs_sweeps(indptr, indices, data, J, t, x, G, U, rows, out):  # pragma: no cover
    """Sequential-scan Gibbs sweeps at inverse temperature ``t``, one chain.

    The couplings are the CSR arrays ``indptr, indices, data`` or the dense symmetric ``J``,
    the other storage empty (:func:`isingeq.solvers.tabu.couplings`): a flip adds its row to
    the fields (:func:`~isingeq.solvers._kernels._push`), so a sparse sweep costs O(n + nnz),
    and a model gives the same samples stored dense or sparse. ``x`` (uint8, n) and its
    fields ``G = h + J x`` are updated in place. ``U`` has shape (num_sweeps, n) of uniforms on
    [0, 1); after sweep ``s`` the state is copied to ``out[rows[s]]`` when ``rows[s] >= 0``.
    Node ``i`` is set to 1 with probability ``sigmoid(t G_i)``, the exact conditional of the
    Boltzmann distribution.
    """
    n = x.shape[0]
    for s in range(U.shape[0]):
        for i in range(n):
            new = _gibbs_draw(t * G[i], U[s, i])
            if new != x[i]:
                d = 1.0 if new == 1 else -1.0
                x[i] = new
                _push(G, i, d, indptr, indices, data, J)
        r = rows[s]
        if r >= 0:
            for i in range(n):
                out[r, i] = x[i]


@njit(nogil=True, cache=True, inline="always")
def _tempering_chain(indptr, indices, data, J, t, X, G, E, r, u):  # pragma: no cover - compiled
    """One Gibbs sweep of the chain in row ``r`` at inverse temperature ``t`` with the uniforms
    ``u`` (n,), its energy ``E[r]`` kept (``H`` changes by ``-xi_i`` when ``n_i`` goes 0 -> 1)."""
    x = X[r]
    g = G[r]
    for i in range(x.shape[0]):
        new = _gibbs_draw(t * g[i], u[i])
        if new != x[i]:
            d = 1.0 if new == 1 else -1.0
            E[r] -= d * g[i]
            x[i] = new
            _push(g, i, d, indptr, indices, data, J)


@njit(nogil=True, cache=True, inline="always")
def _tempering_swaps(ts, E, slot, v, sweep, tried, swapped):  # pragma: no cover - compiled
    """The swap tries of sweep ``sweep`` (the run's index: its parity picks the pairs)."""
    for k in range(sweep % 2, ts.shape[0] - 1, 2):
        a = slot[k]
        b = slot[k + 1]
        tried[k] += 1
        log_ratio = (ts[k + 1] - ts[k]) * (E[b] - E[a])
        if log_ratio >= 0.0 or v[k] < math.exp(log_ratio):
            slot[k] = b
            slot[k + 1] = a
            swapped[k] += 1


@njit(nogil=True, cache=True)
def tempering_sweeps(
    indptr, indices, data, J, ts, X, G, E, slot, U, V, first, rows, out, tried, swapped
):  # pragma: no cover - compiled
    """Parallel tempering (replica exchange): Gibbs sweeps of ``K`` chains, one per inverse
    temperature ``ts[k]`` (increasing), then swaps of neighbouring temperatures' states.

    ``X`` (K, n) uint8, ``G`` (K, n) their fields ``h + J x`` and ``E`` (K,) their energies
    ``H``, updated in place; ``slot[k]`` is the row of ``X`` that sits at ``ts[k]`` (a swap
    exchanges two entries of ``slot``, not two rows). ``U`` (num_sweeps, K, n) and ``V``
    (num_sweeps, K) are uniforms on [0, 1): sweep ``s`` updates every chain with ``U[s]``, then
    tries the pairs ``(k, k + 1)`` of one parity (even ``k`` on even sweeps, odd on odd ones,
    counted from ``first``, the run's index of this call's first sweep: calls of one sweep
    each still alternate), each accepted with probability
    ``min(1, exp((ts[k + 1] - ts[k]) (E_{k+1} - E_k)))``, the ratio that keeps every chain's
    ``exp(-t H) / Z(t)`` (``V[s, k]`` decides); ``tried[k]`` / ``swapped[k]`` count the tries
    and swaps of each pair. ``E`` may leave out the model's offset (only differences enter).
    After sweep ``s`` the state at the last (coldest) temperature is copied to
    ``out[rows[s]]`` when ``rows[s] >= 0``. The couplings are CSR arrays or a dense ``J``, the
    other storage empty.
    """
    K = ts.shape[0]
    for s in range(U.shape[0]):
        for k in range(K):
            _tempering_chain(indptr, indices, data, J, ts[k], X, G, E, slot[k], U[s, k])
        _tempering_swaps(ts, E, slot, V[s], first + s, tried, swapped)
        if rows[s] >= 0:  # the coldest chain's state is a sample
            out[rows[s]] = X[slot[K - 1]]


@njit(nogil=True, cache=True, parallel=True)
def tempering_sweeps_parallel(
    indptr, indices, data, J, ts, X, G, E, slot, U, V, first, rows, out, tried, swapped
):  # pragma: no cover - compiled
    """:func:`tempering_sweeps` with the chains' Gibbs sweeps run in parallel (their uniforms
    are drawn beforehand, so the samples are the same bit for bit); for large ``n K``, where
    a parallel launch per sweep costs little next to the sweep."""
    K = ts.shape[0]
    for s in range(U.shape[0]):
        for k in prange(K):
            _tempering_chain(indptr, indices, data, J, ts[k], X, G, E, slot[k], U[s, k])
        _tempering_swaps(ts, E, slot, V[s], first + s, tried, swapped)
        if rows[s] >= 0:  # the coldest chain's state is a sample
            out[rows[s]] = X[slot[K - 1]]
