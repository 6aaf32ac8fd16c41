"""Numba kernels: arrays and scalars in, preallocated outputs, no validation.

Energies here are ``E(x) = -(h.x + sum_{i<j} J_ij x_i x_j)`` without the model's offset
(see :mod:`isingeq.model`); ``J`` is symmetric with a zero diagonal, passed dense (an (n, n)
array) to the ``*_dense`` and enumeration kernels and as CSR arrays ``(indptr, indices, data)``
to the ``*_csr`` twins. All of isingeq's solver kernels live here (CONVENTIONS), which is why
the module is long; each section below is one method's.

Every kernel is compiled ``nogil=True``: Python threads that call them (a Dask worker's threads,
a thread pool of solves) run side by side instead of queueing on the GIL; with mfa's sweeps
fused into blocks (:func:`mfa_sweeps_dense`), mfa on two Python threads runs 1.6x as fast as
one after another at n = 20 (0.75x before), and a one-worker, two-thread Dask cluster runs
``isingeq reproduce --sizes 20`` 38 % faster (with both changes)
(``benchmarks/bench_threads.py``, ``benchmarks/bench_dask.py``).

Exact enumeration ("block Gray code")
-------------------------------------
The variables are split into a low block ``L = 0..k-1`` and a high block ``H = k..n-1``. For a
fixed high configuration ``x_H``::

    E(x_L, x_H) = E_L(x_L) + f . x_L + E_H(x_H),      f = -J[L, H] x_H

``E_L`` is tabulated once for all ``2^k`` low states (:func:`low_block_energies`; with ``k = n``
it is the energy of every state). For each ``x_H`` the ``2^k`` cross terms ``f . x_L`` are the
subset sums of ``f``, built in ``2^k`` additions by doubling (``c[2^b + i] = c[i] + f_b``), so
each state costs about two vectorised additions and a ``min``. The high configurations are
visited in Gray-code order, so ``f`` and ``E_H`` change by one column per step. Chunks of the
Gray sequence run in parallel (``prange``); each keeps its own list of lowest states, merged
afterwards. The rate is measured by ``benchmarks/bench_exact.py``.

The enumeration building blocks (:func:`gray_bit`, :func:`low_block_energies`,
:func:`_high_start`, :func:`_gray_advance`) are shared with the 1-flip-stable-state enumeration
of :mod:`isingeq.perceptron._kernels`, so there is one Gray-code walk in the library.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

# ---------------------------------------------------------------------------- exact: shared


@njit(nogil=True, cache=True)
def low_block_energies(h, J, k):  # pragma: no cover - compiled
    """``E_L[l]`` for every low state ``l`` (bit b of l = x_b), shape (2^k,).

    ``E_L`` is ``E`` restricted to variables ``0..k-1`` (their ``h`` and the ``J`` among them),
    built by doubling: ``E_L[2^b + i] = E_L[i] - (h_b + sum_{a < b} J_ab x_a(i))``. With
    ``k = n`` it is the energy ``E(code)`` (no offset) of every one of the ``2^n`` states.
    """
    EL = np.zeros(1 << k)
    for b in range(k):
        half = 1 << b
        for i in range(half):
            # add variable b to the state i (which holds only variables < b)
            d = h[b]
            for a in range(b):
                if (i >> a) & 1:
                    d += J[a, b]
            EL[half + i] = EL[i] - d
    return EL


@njit(nogil=True, cache=True)
def _high_start(h, J, k, m, gray, xH, f, gH):  # pragma: no cover - compiled
    """Set ``xH``, ``f``, ``gH`` for the high state ``gray`` from scratch; return ``E_H``."""
    for j in range(m):
        xH[j] = (gray >> j) & 1
    for b in range(k):
        s = 0.0
        for j in range(m):
            if xH[j]:
                s += J[b, k + j]
        f[b] = -s
    eh = 0.0
    for j in range(m):
        p = k + j
        g = h[p]
        for q in range(m):
            if xH[q]:
                g += J[p, k + q]
        gH[j] = g
        if xH[j]:
            eh -= h[p]
            for q in range(j + 1, m):
                if xH[q]:
                    eh -= J[p, k + q]
    return eh


@njit(nogil=True, cache=True)
def _high_flip(JHL, JHH, j, xH, f, gH, eh):  # pragma: no cover - compiled
    """Flip high variable ``j``; update ``xH``, ``f``, ``gH`` in place and return the new ``E_H``."""
    delta = 1.0 - 2.0 * xH[j]  # +1 when 0 -> 1
    xH[j] ^= 1
    eh -= delta * gH[j]
    row = JHH[j]
    for q in range(gH.shape[0]):
        gH[q] += delta * row[q]
    rowl = JHL[j]
    for b in range(f.shape[0]):
        f[b] -= delta * rowl[b]
    return eh


@njit(nogil=True, cache=True, inline="always")
def gray_bit(step):  # pragma: no cover - compiled
    """The bit that changes from Gray code ``step - 1`` to ``step`` (``step >= 1``): ``ctz(step)``.

    Gray code ``g(s) = s ^ (s >> 1)``; ``g(s - 1) ^ g(s)`` has exactly this one bit set.
    """
    j = 0
    while not (step >> j) & 1:
        j += 1
    return j


@njit(nogil=True, cache=True)
def _gray_advance(step, gray, JHL, JHH, xH, f, gH, eh):  # pragma: no cover - compiled
    """Go from Gray index ``step - 1`` to ``step``: flip the bit ``ctz(step)``; return (gray, E_H)."""
    j = gray_bit(step)
    return gray ^ (1 << j), _high_flip(JHL, JHH, j, xH, f, gH, eh)


@njit(nogil=True, cache=True, fastmath=True)
def _build_block(f, eh, c):  # pragma: no cover - compiled
    """Subset sums ``c[l] = E_H + f . x_L(l)`` by doubling."""
    c[0] = eh
    for b in range(f.shape[0]):
        half = 1 << b
        fb = f[b]
        for i in range(half):
            c[half + i] = c[i] + fb


@njit(nogil=True, cache=True, fastmath=True)
def _block_min(EL, c):  # pragma: no cover - compiled
    bm = np.inf
    for i in range(c.shape[0]):
        v = EL[i] + c[i]
        bm = min(bm, v)
    return bm


@njit(nogil=True, cache=True)
def _insert(be, bs, cnt, e, s, K, tol, cap, dropped):  # pragma: no cover - compiled
    """Insert ``(e, s)`` into the ascending list ``be[:cnt]``; trim; return (cnt, dropped)."""
    pos = cnt
    while pos > 0 and be[pos - 1] > e:
        pos -= 1
    if cnt < cap:
        for i in range(cnt, pos, -1):
            be[i] = be[i - 1]
            bs[i] = bs[i - 1]
        cnt += 1
    else:
        if pos == cap:
            return cnt, min(dropped, e)
        dropped = min(dropped, be[cap - 1])
        for i in range(cap - 1, pos, -1):
            be[i] = be[i - 1]
            bs[i] = bs[i - 1]
    be[pos] = e
    bs[pos] = s
    lim = be[0] + tol
    while cnt > K and be[cnt - 1] > lim:
        cnt -= 1
    return cnt, dropped


@njit(nogil=True, cache=True)
def _threshold(be, cnt, K, tol):  # pragma: no cover - compiled
    if cnt < K:
        return np.inf
    return max(be[K - 1], be[0] + tol)


# ---------------------------------------------------------------------------- exact: minimum


@njit(nogil=True, cache=True, parallel=True)
def exact_lowest(
    h, J, k, n_chunks, K, tol, cap, out_e, out_s, out_cnt, out_dropped
):  # pragma: no cover
    """Enumerate all ``2^n`` states; per chunk keep the ``K`` lowest plus near-degenerate ones.

    Outputs (preallocated): ``out_e``/``out_s`` (n_chunks, cap) ascending energies and state codes
    (bit i = x_i), ``out_cnt`` (n_chunks,) entries used, ``out_dropped`` (n_chunks,) the lowest
    energy dropped for lack of room (inf if none).
    """
    n = h.shape[0]
    m = n - k
    EL = low_block_energies(h, J, k)
    JHL = np.ascontiguousarray(J[k:, :k])
    JHH = np.ascontiguousarray(J[k:, k:])
    per = (1 << m) // n_chunks
    for ch in prange(n_chunks):
        be = out_e[ch]
        bs = out_s[ch]
        cnt = 0
        dropped = np.inf
        xH = np.zeros(m, dtype=np.int64)
        f = np.zeros(k)
        gH = np.zeros(m)
        c = np.empty(1 << k)
        start = ch * per
        gray = start ^ (start >> 1)
        eh = _high_start(h, J, k, m, gray, xH, f, gH)
        thr = np.inf
        for step in range(start, start + per):
            if step != start:
                gray, eh = _gray_advance(step, gray, JHL, JHH, xH, f, gH, eh)
            _build_block(f, eh, c)
            if _block_min(EL, c) <= thr:
                hi = gray << k
                for i in range(c.shape[0]):
                    v = EL[i] + c[i]
                    if v <= thr:
                        cnt, dropped = _insert(be, bs, cnt, v, hi | i, K, tol, cap, dropped)
                        thr = _threshold(be, cnt, K, tol)
        out_cnt[ch] = cnt
        out_dropped[ch] = dropped


# ---------------------------------------------------------------------------- exact: Boltzmann


@njit(nogil=True, cache=True, parallel=True)
def exact_boltzmann(
    h, J, k, n_chunks, t, out_ref, out_z, out_m, out_e1, out_e2
):  # pragma: no cover - compiled
    """Streaming partition function, marginals and energy moments at inverse temperature ``t``.

    Per chunk: ``out_ref`` the lowest energy seen, ``out_z = sum exp(-t (E - ref))``,
    ``out_m[:, i] = sum x_i exp(-t (E - ref))`` and ``out_e1`` / ``out_e2`` the sums of
    ``(E - ref)`` and ``(E - ref)^2`` with the same weights. Weights never exceed 1, so nothing
    overflows.
    """
    n = h.shape[0]
    m = n - k
    EL = low_block_energies(h, J, k)
    JHL = np.ascontiguousarray(J[k:, :k])
    JHH = np.ascontiguousarray(J[k:, k:])
    per = (1 << m) // n_chunks
    L = 1 << k
    for ch in prange(n_chunks):
        M = out_m[ch]
        xH = np.zeros(m, dtype=np.int64)
        f = np.zeros(k)
        gH = np.zeros(m)
        c = np.empty(L)
        w = np.empty(L)
        start = ch * per
        gray = start ^ (start >> 1)
        eh = _high_start(h, J, k, m, gray, xH, f, gH)
        ref = np.inf
        Z = 0.0
        E1 = 0.0
        E2 = 0.0
        for step in range(start, start + per):
            if step != start:
                gray, eh = _gray_advance(step, gray, JHL, JHH, xH, f, gH, eh)
            _build_block(f, eh, c)
            bm = _block_min(EL, c)
            if bm < ref:
                if Z > 0.0:
                    # the sums so far, moved to the new reference: E - bm = (E - ref) + delta
                    delta = ref - bm
                    scale = np.exp(-t * delta)
                    E2 = scale * (E2 + 2.0 * delta * E1 + delta * delta * Z)
                    E1 = scale * (E1 + delta * Z)
                    Z *= scale
                    for i in range(n):
                        M[i] *= scale
                ref = bm
            S = 0.0
            for i in range(L):
                d = EL[i] + c[i] - ref
                wi = np.exp(-t * d)
                w[i] = wi
                S += wi
                E1 += wi * d
                E2 += wi * d * d
            # low marginals by pairwise reduction: at level b, w[i] sums the lower b bits
            length = L
            for b in range(k):
                half = length >> 1
                acc = 0.0
                for i in range(half):
                    acc += w[2 * i + 1]
                    w[i] = w[2 * i] + w[2 * i + 1]
                M[b] += acc
                length = half
            for j in range(m):
                if xH[j]:
                    M[k + j] += S
            Z += S
        out_ref[ch] = ref
        out_z[ch] = Z
        out_e1[ch] = E1
        out_e2[ch] = E2


# ---------------------------------------------------------------------------- 1-flip descent
# The asynchronous t = infinity update of eq. 16: x_i = step(xi_i) node by node, in index order.
# xi_i > tol sets 1, xi_i < -tol sets 0, a tie |xi_i| <= tol keeps x_i (tol from
# greedy.stability_slack), so every flip lowers H strictly and the descent ends in a
# 1-flip-stable state. ``G`` holds xi = h + J x on entry and is kept current.


@njit(nogil=True, cache=True, parallel=True)
def greedy_descent_dense(J, X, G, max_sweeps, tol, out_sweeps):  # pragma: no cover - compiled
    """Descend every row of ``X`` (R, n) uint8 in place; ``G`` (R, n) float64 the fields."""
    R, n = X.shape
    for r in prange(R):
        # this replica's rows copied: replicas whose rows share a cache line would slow each
        # other down (false sharing; benchmarks/bench_threads.py)
        x = X[r].copy()
        g = G[r].copy()
        done = out_sweeps[r]
        for sw in range(max_sweeps):
            changed = False
            for i in range(n):
                gi = g[i]
                new = 1 if gi > tol else (0 if gi < -tol else x[i])
                if new != x[i]:
                    d = 1.0 if new else -1.0
                    x[i] = new
                    col = J[i]  # J is symmetric: row i = column i
                    for j in range(n):
                        g[j] += d * col[j]
                    changed = True
            done = sw + 1
            if not changed:
                break
        X[r] = x
        G[r] = g
        out_sweeps[r] = done


@njit(nogil=True, cache=True, parallel=True)
def csr_fields(indptr, indices, data, h, X, G):  # pragma: no cover - compiled
    """``G[r] = h + J X[r]`` for a CSR ``J`` and each row of ``X`` (R, n), in parallel over rows.

    The sums run in scipy's order (``csr_matvecs``: each row's stored entries in turn, from 0,
    then ``h`` added), so ``G`` is bit for bit ``model.local_field(X)``; scipy's product of a
    batch transposes and copies ``X`` and runs on one thread (0.43 s for 16 rows of a 10^6-node
    lattice, the final descent's set-up in mfa).
    """
    R, n = X.shape
    for r in prange(R):
        x = X[r]
        g = G[r]
        for i in range(n):
            s = 0.0
            for k in range(indptr[i], indptr[i + 1]):
                s += data[k] * x[indices[k]]
            g[i] = h[i] + s


@njit(nogil=True, cache=True, parallel=True)
def rows_dot(A, B, out):  # pragma: no cover - compiled
    """``out[r] = sum_j A[r, j] B[r, j]``, each row summed in order from ``j = 0``, in parallel.

    The order of ``np.einsum("ij,ij->i", A, B)`` with ``A`` in Fortran order (the layout of the
    dense product ``(J @ X.T).T``), bit for bit, so that a sparse batch's energies equal a dense
    model's and earlier versions'; einsum itself on a sparse batch's C-ordered fields sums in
    another order, and on a Fortran copy was most of a big model's energy time
    (``benchmarks/bench_time_limit.py``).
    """
    R, n = A.shape
    for r in prange(R):
        s = 0.0
        for j in range(n):
            s += A[r, j] * B[r, j]
        out[r] = s


@njit(nogil=True, cache=True, parallel=True)
def eq16_residual_max(X, G, t, out):  # pragma: no cover - compiled
    """``out[r] = max_i |X[r, i] - sigmoid(t G[r, i])|``: eq. 16's residual per row, in parallel.

    scipy's ``expit`` of ``t xi`` at the huge ``t`` of a ladder's end runs its slow
    overflow path (most of mfa's residual time on big models: ``benchmarks/bench_time_limit.py``);
    ``exp`` here overflows to inf quietly (sigmoid 0).
    """
    R, n = X.shape
    for r in prange(R):
        worst = 0.0
        for i in range(n):
            d = abs(X[r, i] - 1.0 / (1.0 + np.exp(-t * G[r, i])))
            if d > worst or d != d:  # a NaN is kept, as numpy's max keeps it
                worst = d
        out[r] = worst


@njit(nogil=True, cache=True, parallel=True)
def greedy_descent_csr(
    indptr, indices, data, X, G, max_sweeps, tol, out_sweeps
):  # pragma: no cover
    """Sparse twin of :func:`greedy_descent_dense`; ``J`` symmetric CSR (indptr, indices, data)."""
    R, n = X.shape
    for r in prange(R):
        # this replica's rows copied: replicas whose rows share a cache line would slow each
        # other down (false sharing; benchmarks/bench_threads.py)
        x = X[r].copy()
        g = G[r].copy()
        done = out_sweeps[r]
        for sw in range(max_sweeps):
            changed = False
            for i in range(n):
                gi = g[i]
                new = 1 if gi > tol else (0 if gi < -tol else x[i])
                if new != x[i]:
                    d = 1.0 if new else -1.0
                    x[i] = new
                    for k in range(indptr[i], indptr[i + 1]):
                        g[indices[k]] += d * data[k]
                    changed = True
            done = sw + 1
            if not changed:
                break
        X[r] = x
        G[r] = g
        out_sweeps[r] = done


# ---------------------------------------------------------------------------- sparse products


@njit(nogil=True, cache=True, fastmath=True, inline="always")
def _csr_row_product(indptr, indices, data, S, out, i):  # pragma: no cover - compiled
    """``out[i] = J[i] @ S`` for CSR ``J`` and dense ``S`` (n, R)."""
    acc = out[i]
    for c in range(S.shape[1]):
        acc[c] = 0.0
    for k in range(indptr[i], indptr[i + 1]):
        w = data[k]
        row = S[indices[k]]
        for c in range(S.shape[1]):
            acc[c] += w * row[c]


# ---------------------------------------------------------------------------- mean-field sweep


@njit(nogil=True, cache=True, inline="always")
def _mix64(z):  # pragma: no cover - compiled
    """splitmix64 finaliser: a well-mixed 64-bit hash of a 64-bit counter."""
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


#: ``<n>`` below this is stored as 0 by the mean-field sweep. At large ``t`` a saturated ``<n>``
#: halves every sweep (damping 0.5 towards ``sigmoid = 0``) and reaches float32's subnormal range
#: (< 1.2e-38) within the ladder; BLAS on subnormal operands ran the float32 sweep at n = 2000
#: 4x slower (``benchmarks/bench_mfa_throughput.py``). 1e-30 is far below any field's rounding.
FLUSH_BELOW = 1e-30


@njit(nogil=True, cache=True, fastmath=True, inline="always")
def _mfa_row(XI, S, h, t, damping, sig, mask, key, i):  # pragma: no cover - compiled
    R = XI.shape[1]
    scale = 1.7320508075688772 / 65536.0  # sqrt(3) / 2^16: four 16-bit uniforms
    res = 0.0
    base = np.uint64(key) + np.uint64(i) * np.uint64(R)
    for r in range(R):
        x = XI[i, r] + h[i]
        if sig > 0.0:
            z = _mix64(base + np.uint64(r))
            u = (
                float(z & np.uint64(0xFFFF))
                + float((z >> np.uint64(16)) & np.uint64(0xFFFF))
                + float((z >> np.uint64(32)) & np.uint64(0xFFFF))
                + float(z >> np.uint64(48))
            )
            x += sig * mask[r] * (u * scale - 3.4641016151377544)
        a = t * x
        if a >= 37.0:
            p = 1.0  # exactly what 1 / (1 + exp(-a)) rounds to: exp(-a) < 2^-53
        elif a >= 0.0:
            p = 1.0 / (1.0 + np.exp(-a))
        else:
            e = np.exp(a)
            p = e / (1.0 + e)
        d = p - S[i, r]
        if abs(d) > res:
            res = abs(d)
        v = S[i, r] + damping[r] * d
        if v < FLUSH_BELOW:
            v = 0.0
        S[i, r] = v
    return res


@njit(nogil=True, cache=True, fastmath=True, error_model="numpy")
def mfa_sweeps_dense(
    J, XI, S, h, ts, sigs, damping, mask, key, stride, out_res
):  # pragma: no cover
    """``len(ts)`` synchronous eq. 16 updates of the replicas ``S`` (n, R), in place.

    Sweep ``k``: ``XI = J @ S`` (BLAS), then for each entry ``xi = XI + h (+ noise)``,
    ``S += damping[r] * (sigmoid(ts[k] xi) - S)``. The noise is ``sigs[k] * mask[r] * g`` with
    ``g`` an Irwin-Hall(4) variate (sum of four uniforms, standardised: mean 0, variance 1,
    ``|g| < 3.47``) hashed from ``(key + k stride, i, r)``, so results do not depend on threads.
    ``out_res[i]`` gets row i's largest ``|sigmoid(t xi) - S|`` of the last sweep (before its
    update).

    With ``J`` of shape (0, 0) (of ``S``'s dtype: numba types the ``np.dot`` even where it is
    not taken), one sweep whose ``XI`` the caller computed: numba's ``np.dot`` goes through
    SciPy's OpenBLAS, a second library with its own threads, and ran a float32 sweep at
    n = 2000 4-8 % slower than NumPy's ``matmul`` does, so large models take the product in
    NumPy (where a call per sweep costs nothing that matters).

    Several sweeps per call for small models: there a sweep takes microseconds, and a call per
    sweep cost a tenth of mfa's time in Python and, on Python threads solving side by side, a
    GIL hand-over per call (``benchmarks/bench_threads.py --table pool``). Single-threaded on
    purpose: a numba thread pool started while OpenBLAS's threads still spin made dense sweeps
    several times slower.
    """
    for k in range(ts.shape[0]):
        if J.shape[0] > 0:
            np.dot(J, S, XI)
        t = min(ts[k], 1e30)
        for i in range(XI.shape[0]):
            out_res[i] = _mfa_row(XI, S, h, t, damping, sigs[k], mask, key + k * stride, i)


@njit(nogil=True, cache=True, parallel=True, fastmath=True, error_model="numpy")
def mfa_sweeps_csr(
    indptr, indices, data, XI, S, h, ts, sigs, damping, mask, key, stride, out_res
):  # pragma: no cover - compiled
    """:func:`mfa_sweeps_dense` for CSR couplings: the product and the update row-parallel."""
    for k in range(ts.shape[0]):
        for i in prange(XI.shape[0]):
            _csr_row_product(indptr, indices, data, S, XI, i)
        t = min(ts[k], 1e30)
        for i in prange(XI.shape[0]):
            out_res[i] = _mfa_row(XI, S, h, t, damping, sigs[k], mask, key + k * stride, i)


# ---------------------------------------------------------------------------- asynchronous sweeps


@njit(nogil=True, cache=True, inline="always")
def _uniform(state):  # pragma: no cover - compiled
    """Next U[0, 1) of a xorshift64* stream kept in ``state[0]`` (a one-element uint64 array)."""
    x = state[0]
    x ^= x >> np.uint64(12)
    x ^= x << np.uint64(25)
    x ^= x >> np.uint64(27)
    state[0] = x
    return float((x * np.uint64(0x2545F4914F6CDD1D)) >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@njit(nogil=True, cache=True, fastmath=True, inline="always")
def _amfa_value(x, t, amp, sat, state):  # pragma: no cover - compiled
    """``sigmoid(t (x + u))`` with ``u ~ U(-amp/2, amp/2)``; the step value beyond ``|t x| = 12``
    (within 6.2e-6), with no random number drawn where no ``u`` could leave that range."""
    half = 0.5 * amp
    if x - half > sat:
        return 1.0
    if x + half < -sat:
        return 0.0
    if amp > 0.0:
        x += amp * (_uniform(state) - 0.5)
    z = t * x
    if z > 12.0:
        return 1.0
    if z < -12.0:
        return 0.0
    return 1.0 / (1.0 + np.exp(-z))


@njit(nogil=True, cache=True, parallel=True, fastmath=True, error_model="numpy")
def amfa_csr(
    indptr, indices, data, h, ts, amps, M, keys, tol, XI, states, resume
):  # pragma: no cover - compiled
    """Asynchronous mean-field annealing of the replicas ``M`` (R, n), in place, in parallel.

    Sweep ``s`` visits the nodes in index order and sets ``m_i = sigmoid(ts[s] (xi_i + u))``,
    ``xi_i = h_i + sum_j J_ij m_j`` (current values, so each update sees the previous ones) and
    ``u`` uniform in ``(-amps[s] / 2, amps[s] / 2)`` from replica ``r``'s own xorshift stream
    seeded by ``keys[r]`` (results do not depend on threads). The fields are kept up to date
    incrementally: a change of ``m_i`` is pushed to the neighbours' ``xi``, and a change smaller
    than ``tol`` is not made at all (``m`` and ``xi`` stay consistent). Where ``|t x| > 12`` the
    sigmoid is taken as its step value (within 6.2e-6), and a node saturated whatever its noise
    draws no random number (faster sweeps; timed by ``benchmarks/bench_mfa_async_ttt.py``).

    A round can be run in several calls, bit for bit as in one: each call leaves its fields in
    ``XI`` (R, n) and its streams in ``states`` (R,), and a call with ``resume`` starts from them
    instead of computing ``xi`` from ``M`` and seeding from ``keys`` (the incremental ``xi``
    rounds differently from a fresh product).
    """
    R, n = M.shape
    S = ts.shape[0]
    for r in prange(R):
        m = M[r].copy()  # a private copy: no false sharing with the other replicas' rows
        state = np.empty(1, dtype=np.uint64)
        if resume:
            xi = XI[r].copy()
            state[0] = states[r]
        else:
            xi = h.copy()
            for i in range(n):
                mi = m[i]
                for k in range(indptr[i], indptr[i + 1]):
                    xi[indices[k]] += data[k] * mi
            state[0] = _mix64(np.uint64(keys[r])) | np.uint64(1)
        for s in range(S):
            t = ts[s]
            amp = amps[s]
            sat = 12.0 / t
            for i in range(n):
                new = _amfa_value(xi[i], t, amp, sat, state)
                d = new - m[i]
                if d > tol or d < -tol:
                    m[i] = new
                    for k in range(indptr[i], indptr[i + 1]):
                        xi[indices[k]] += data[k] * d
        M[r] = m
        XI[r] = xi
        states[r] = state[0]


@njit(nogil=True, cache=True, parallel=True, fastmath=True, error_model="numpy")
def amfa_dense(J, h, ts, amps, M, keys, tol, XI, states, resume):  # pragma: no cover - compiled
    """:func:`amfa_csr` for a dense symmetric ``J`` (n, n): a change of ``m_i`` is pushed to
    every ``xi`` along the contiguous row ``J[i]`` (vectorised), with no CSR copy to build."""
    R, n = M.shape
    S = ts.shape[0]
    for r in prange(R):
        m = M[r].copy()  # a private copy: no false sharing with the other replicas' rows
        state = np.empty(1, dtype=np.uint64)
        if resume:
            xi = XI[r].copy()
            state[0] = states[r]
        else:
            xi = h.copy()
            for i in range(n):
                mi = m[i]
                row = J[i]
                for j in range(n):
                    xi[j] += row[j] * mi
            state[0] = _mix64(np.uint64(keys[r])) | np.uint64(1)
        for s in range(S):
            t = ts[s]
            amp = amps[s]
            sat = 12.0 / t
            for i in range(n):
                new = _amfa_value(xi[i], t, amp, sat, state)
                d = new - m[i]
                if d > tol or d < -tol:
                    m[i] = new
                    row = J[i]
                    for j in range(n):
                        xi[j] += row[j] * d
        M[r] = m
        XI[r] = xi
        states[r] = state[0]


# ---------------------------------------------------------------------------- a replica's state
# The replica-parallel searches (the cold tail, tabu) work on private copies of their replica's
# rows, RNG stream and best state, written back at the end of the call: the streams are
# adjacent and a small model's rows share cache lines, and replicas writing to one line slow
# each other down (false sharing: tabu ran slower on 2 threads than on 1 at n = 20,
# benchmarks/bench_threads.py).


@njit(nogil=True, cache=True, inline="always")
def _take(r, X, G, states, best_X):  # pragma: no cover - compiled
    return X[r].copy(), G[r].copy(), states[r : r + 1].copy(), best_X[r].copy()


@njit(nogil=True, cache=True, inline="always")
def _put(r, x, g, st, bx, be, e, X, G, states, best_X, best_E, E):  # pragma: no cover
    X[r] = x
    G[r] = g
    states[r] = st[0]
    best_X[r] = bx
    best_E[r] = be
    E[r] = e


# ---------------------------------------------------------------------------- the cold tail
# The asynchronous t = infinity update of eq. 16 with thermal noise: node i flips when its gain
# g_i = (1 - 2 x_i) xi_i (the drop in H) plus a one-sided exponential noise of scale 1 / t is
# positive, i.e. with probability min(1, exp(t g_i)) -- the Metropolis rule. As t grows it becomes
# the plain t = infinity update (greedy.py).


@njit(nogil=True, cache=True, fastmath=True, inline="always")
def _tail_accept(g, t, state):  # pragma: no cover - compiled
    if g >= 0.0:
        return True
    a = t * g
    if a < -30.0:
        return False
    return _uniform(state) < np.exp(a)


#: The storage a kernel taking both does not use: CSR arrays when ``J`` is dense, ``J`` when the
#: couplings are CSR (:func:`tail_sweeps`, :func:`tabu_moves`; one source for both storages).
NO_CSR = (np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64), np.empty(0))
NO_DENSE = np.empty((0, 0))


@njit(nogil=True, cache=True, inline="always")
def _push(g, i, d, indptr, indices, data, J):  # pragma: no cover - compiled
    """``g += d * J[i]``: along the CSR row ``i`` when ``J`` is empty, else the dense row."""
    if J.shape[0] == 0:
        for p in range(indptr[i], indptr[i + 1]):
            g[indices[p]] += d * data[p]
    else:
        row = J[i]
        for j in range(g.shape[0]):
            g[j] += d * row[j]


@njit(nogil=True, cache=True, parallel=True, fastmath=True, error_model="numpy")
def tail_sweeps(indptr, indices, data, J, ts, X, G, E, best_X, best_E, states):  # pragma: no cover
    """Sweeps of the cold tail on the replicas ``X`` (R, n) uint8, in place, in parallel.

    The couplings are the CSR arrays ``indptr, indices, data`` or the dense symmetric ``J``
    (n, n), the other storage passed empty (:data:`NO_CSR`, :data:`NO_DENSE`): a flip updates the
    fields along the row (:func:`_push`).

    ``G`` (R, n) holds the fields ``xi = h + J x`` and is kept current; ``E`` (R,) the energy
    change since the tail began; ``best_X`` / ``best_E`` the lowest state met at the end of a
    sweep (updated in place); ``states`` (R,) uint64 each replica's xorshift stream, carried
    from call to call so that a ladder run in chunks is the same as one run whole. Sweep ``s``
    runs at inverse temperature ``ts[s]``.
    """
    for r in prange(X.shape[0]):
        x, g, st, bx = _take(r, X, G, states, best_X)
        be = best_E[r]
        e = E[r]
        for s in range(ts.shape[0]):
            t = ts[s]
            for i in range(x.shape[0]):
                gain = g[i] if x[i] == 0 else -g[i]
                if _tail_accept(gain, t, st):
                    e -= gain
                    d = 1.0 if x[i] == 0 else -1.0
                    x[i] = 1 - x[i]
                    _push(g, i, d, indptr, indices, data, J)
            if e < be:
                be = e
                bx[:] = x
        _put(r, x, g, st, bx, be, e, X, G, states, best_X, best_E, E)


# ---------------------------------------------------------------------------- tabu search
# The t = infinity update of eq. 16 with memory: every move flips the variable of largest gain
# g_i = (1 - 2 x_i) xi_i (downhill when positive, the least uphill otherwise) among those not
# flipped in the last `tenure` moves -- unless the flip would reach a state below the best met
# (aspiration). Ties are broken uniformly at random. When every variable is tabu and none
# aspires (small models: n <= tenure + the random part), the one whose tabu ends first moves.
# One move scans all n gains, so it costs O(n) plus the field update (a CSR row, or a dense row);
# tabu_moves_sparse (below) makes the same moves in O(degree log n) on sparse models.


@njit(nogil=True, cache=True, inline="always")
def _tabu_pick(x, g, tabu, it, e, best, state):  # pragma: no cover - compiled
    """The move's variable and its gain: the largest gain among the variables not tabu or
    aspiring, else (every variable tabu) the one whose tabu ends first, the larger gain on a
    tie. Without that fallback the search stopped for good: no move, so no tabu ran out."""
    bg = -np.inf
    bi = -1
    ties = 0
    oi = -1  # the fallback: the tabu variable released first
    og = -np.inf
    for i in range(x.shape[0]):
        gi = g[i] if x[i] == 0 else -g[i]
        if tabu[i] > it and not (e - gi < best):  # best: the best energy less the tolerance
            if oi < 0 or tabu[i] < tabu[oi] or (tabu[i] == tabu[oi] and gi > og):
                oi = i
                og = gi
            continue
        if gi > bg:
            bg = gi
            bi = i
            ties = 1
        elif gi == bg:
            ties += 1
            if _uniform(state) * ties < 1.0:
                bi = i
    if bi < 0:
        return oi, og
    return bi, bg


@njit(nogil=True, cache=True, inline="always")
def _tabu_tenure(tenure, tenure_rand, state):  # pragma: no cover - compiled
    if tenure_rand <= 0:
        return tenure
    return tenure + np.int64(_uniform(state) * tenure_rand)


@njit(nogil=True, cache=True, parallel=True)
def tabu_moves(
    indptr,
    indices,
    data,
    J,
    moves,
    tenure,
    tenure_rand,
    tol,
    X,
    G,
    E,
    best_X,
    best_E,
    tabu,
    it,
    states,
):  # pragma: no cover - compiled
    """``moves`` tabu moves on each replica ``X`` (R, n) uint8, in place, in parallel.

    The couplings are the CSR arrays ``indptr, indices, data`` or the dense symmetric ``J``
    (n, n), the other storage passed empty (:data:`NO_CSR`, :data:`NO_DENSE`).

    ``G`` (R, n) the fields ``xi = h + J x``, kept current; ``E`` (R,) the energy change since
    the search began; ``best_X`` / ``best_E`` the lowest state met (updated in place); ``tabu``
    (R, n) int64 the move number until which each variable is tabu, ``it`` (R,) int64 the moves
    made so far, ``states`` (R,) uint64 the xorshift streams: all carried from call to call, so
    a search run in chunks is the same as one run whole. A state counts as better than the
    best only by more than ``tol`` (rounding of the incrementally kept fields is not progress).
    """
    for r in prange(X.shape[0]):
        x, g, st, bx = _take(r, X, G, states, best_X)
        tb = tabu[r].copy()
        be = best_E[r]
        e = E[r]
        k = it[r]
        pending = False  # the best state is x itself, not yet copied to bx
        for _ in range(moves):
            bi, bg = _tabu_pick(x, g, tb, k, e, be - tol, st)
            if bi < 0:
                break
            if pending and not (e - bg < be - tol):  # x leaves the best state: keep it
                bx[:] = x
                pending = False
            e -= bg
            d = 1.0 if x[bi] == 0 else -1.0
            x[bi] = 1 - x[bi]
            _push(g, bi, d, indptr, indices, data, J)
            k += 1
            tb[bi] = k + _tabu_tenure(tenure, tenure_rand, st)
            if e < be - tol:
                be = e
                pending = True
        if pending:
            bx[:] = x
        _put(r, x, g, st, bx, be, e, X, G, states, best_X, best_E, E)
        tabu[r] = tb
        it[r] = k


# ------------------------------------------------------------------------ tabu on a sparse graph
# The scan above costs O(n) per move whatever the degree: on a sparse graph of 10^4-10^6 nodes it
# is nearly all of a move's time. There the gains are kept in two max-trees instead (the
# variables not tabu, and the tabu ones), each node holding its subtree's largest gain and how
# many leaves reach it: a move reads the roots, descends to its variable, and updates the
# O(degree) leaves whose gains changed, O(degree log n) in all. The rule is the scan's: the
# largest gain among the variables not tabu or aspiring (the tabu ones are a suffix of gains, as
# ``e - g < best`` is monotone in g), ties broken uniformly at random (one draw, where the scan
# draws one per tie met in index order), the scan's fallback when nothing is a candidate. Where
# no two candidates' gains are equal the two kernels make the same moves, bit for bit.


@njit(nogil=True, cache=True, inline="always")
def _tree_set(mx, ct, P, i, key):  # pragma: no cover - compiled
    """Set leaf ``i`` of the max-tree ``(mx, ct)`` (``P`` leaves, root 1) to ``key``."""
    p = P + i
    mx[p] = key
    p >>= 1
    while p >= 1:
        a = 2 * p
        ma = mx[a]
        mb = mx[a + 1]
        if ma > mb:
            m, c = ma, ct[a]
        elif mb > ma:
            m, c = mb, ct[a + 1]
        else:
            m, c = ma, ct[a] + ct[a + 1]
        if mx[p] == m and ct[p] == c:
            break  # nothing above changes
        mx[p] = m
        ct[p] = c
        p >>= 1


@njit(nogil=True, cache=True, inline="always")
def _tree_build(mx, ct, P):  # pragma: no cover - compiled
    for p in range(P - 1, 0, -1):
        a = 2 * p
        ma = mx[a]
        mb = mx[a + 1]
        if ma > mb:
            mx[p], ct[p] = ma, ct[a]
        elif mb > ma:
            mx[p], ct[p] = mb, ct[a + 1]
        else:
            mx[p], ct[p] = ma, ct[a] + ct[a + 1]


@njit(nogil=True, cache=True, inline="always")
def _tree_kth(mx, ct, P, m, k):  # pragma: no cover - compiled
    """The ``k``-th leaf (from 0, in index order) whose key is the root's maximum ``m``."""
    p = 1
    while p < P:
        a = 2 * p
        if mx[a] == m:
            if k < ct[a]:
                p = a
                continue
            k -= ct[a]
        p = a + 1
    return p - P


@njit(nogil=True, cache=True, inline="always")
def _tabu_fallback(x, g, tabu):  # pragma: no cover - compiled
    """The scan's move when no variable is a candidate: the tabu one released first, the larger
    gain on a tie."""
    oi = -1
    og = -np.inf
    for i in range(x.shape[0]):
        gi = g[i] if x[i] == 0 else -g[i]
        if oi < 0 or tabu[i] < tabu[oi] or (tabu[i] == tabu[oi] and gi > og):
            oi = i
            og = gi
    return oi, og


@njit(nogil=True, cache=True, parallel=True)
def tabu_moves_sparse(
    indptr,
    indices,
    data,
    moves,
    tenure,
    tenure_rand,
    tol,
    X,
    G,
    E,
    best_X,
    best_E,
    tabu,
    it,
    states,
    FM,
    FC,
    HM,
    HC,
    ENDS,
    COUNT,
    build,
    status,
):  # pragma: no cover - compiled
    """:func:`tabu_moves` on CSR couplings, a move in ``O(degree log n)`` (see above).

    The arguments and the state carried from call to call are :func:`tabu_moves`' (without its
    dense ``J``), plus the trees and the queue of tabu ends, carried too (a rebuild per call
    was ``O(n)``: most of a short chunk's time at 10^6 variables): ``FM, FC`` / ``HM, HC``
    (R, 2P) the max-trees of the free / tabu variables (``P`` the power of two >= n, leaves
    from ``P``, root 1), ``ENDS`` (R, W, C) and ``COUNT`` (R, W) the variables whose tabu ends
    at move ``T`` in slot ``T % W`` (``W = tenure + tenure_rand + 1``: a tabu lasts tenure ..
    tenure + tenure_rand - 1 moves, so at most ``C = max(tenure_rand, 1)`` share an end).
    ``build`` fills them from the states first (the first call). The replicas' rows are
    worked on in place: at the sizes the trees run at, their rows share no cache lines.
    ``status[r]`` is set to 1, and replica ``r`` left, where its queue would overflow (only
    when its state was changed outside this kernel); nothing in the loop raises, which would
    keep numba from running the replicas in parallel.
    """
    for r in prange(X.shape[0]):
        x = X[r]
        g = G[r]
        st = states[r : r + 1]
        bx = best_X[r]
        tb = tabu[r]
        be = best_E[r]
        e = E[r]
        k = it[r]
        n = x.shape[0]
        fm = FM[r]
        fc = FC[r]
        hm = HM[r]
        hc = HC[r]
        ends = ENDS[r]
        count = COUNT[r]
        P = FM.shape[1] // 2
        W = ENDS.shape[1]
        if build:
            # free: the variables not tabu; held: the tabu ones; -inf marks an absent leaf
            fm[:] = -np.inf
            fc[:] = 1
            hm[:] = -np.inf
            hc[:] = 1
            count[:] = 0
            for i in range(n):
                key = g[i] if x[i] == 0 else -g[i]
                if tb[i] > k:
                    hm[P + i] = key
                    s = tb[i] % W
                    if tb[i] >= k + W or count[s] == ends.shape[1]:
                        status[r] = 1
                    else:
                        ends[s, count[s]] = i
                        count[s] += 1
                else:
                    fm[P + i] = key
            _tree_build(fm, fc, P)
            _tree_build(hm, hc, P)
        pending = False  # the best state is x itself, not yet copied to bx (a copy per
        # improving move was O(n): most of a move's time in a descent on 10^6 variables)
        for _ in range(moves if status[r] == 0 else 0):
            s = k % W
            for q in range(count[s]):
                v = ends[s, q]
                # its tabu ends now (else a later flip renewed it; a flip that renewed it to
                # the same end left two entries, and the first one moved it)
                if tb[v] == k and hm[P + v] > -np.inf:
                    key = hm[P + v]
                    _tree_set(hm, hc, P, v, -np.inf)
                    _tree_set(fm, fc, P, v, key)
            count[s] = 0
            best = be - tol
            m = fm[1]
            mh = hm[1]
            aspire = mh > -np.inf and e - mh < best
            if aspire and mh > m:
                m = mh
            ties_f = fc[1] if fm[1] == m and m > -np.inf else 0
            ties_h = hc[1] if aspire and mh == m else 0
            total = ties_f + ties_h
            if total == 0:
                bi, bg = _tabu_fallback(x, g, tb)
            else:
                # one draw, uniform over the ties (none where the maximum is unique)
                pick = min(int(_uniform(st) * total), total - 1) if total > 1 else 0
                if pick < ties_f:
                    bi = _tree_kth(fm, fc, P, m, pick)
                else:
                    bi = _tree_kth(hm, hc, P, m, pick - ties_f)
                bg = m
            if pending and not (e - bg < be - tol):  # x leaves the best state: keep it
                bx[:] = x
                pending = False
            was_tabu = tb[bi] > k
            e -= bg
            d = 1.0 if x[bi] == 0 else -1.0
            x[bi] = 1 - x[bi]
            for p in range(indptr[bi], indptr[bi + 1]):
                j = indices[p]
                g[j] += d * data[p]
                key = g[j] if x[j] == 0 else -g[j]
                if tb[j] > k:
                    _tree_set(hm, hc, P, j, key)
                else:
                    _tree_set(fm, fc, P, j, key)
            k += 1
            tb[bi] = k + _tabu_tenure(tenure, tenure_rand, st)
            key = g[bi] if x[bi] == 0 else -g[bi]
            if not was_tabu:
                _tree_set(fm, fc, P, bi, -np.inf)
            _tree_set(hm, hc, P, bi, key)
            s = tb[bi] % W
            if count[s] == ends.shape[1]:  # only if the state changed outside the kernel
                status[r] = 1
                break
            ends[s, count[s]] = bi
            count[s] += 1
            if e < be - tol:
                be = e
                pending = True
        if pending:
            bx[:] = x
        best_E[r] = be
        E[r] = e
        it[r] = k
