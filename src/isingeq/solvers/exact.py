"""``method="exact"``: every state enumerated (block Gray code, numba, all cores).

The kernel is described in :mod:`isingeq.solvers._kernels`. It keeps O(n) memory per thread plus
a table of ``2^k`` low-block energies (k <= 13), and visits ``2^n`` states.
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np

from .._validation import check_int, check_real
from ..model import SpinGlass
from ..result import SolveResult
from . import _kernels
from ._registry import register

__all__ = ["EXACT_MAX_N", "exact_log_partition", "solve_exact"]

#: Largest n that ``exact`` accepts (2^36 states; see benchmarks/bench_exact.py for the rate).
EXACT_MAX_N = 36
#: Low-block size: 2^13 float64 = 64 KiB per table, which stays in L2 cache.
_LOW_BITS = 13
#: Enumeration rate used for the time estimate in error messages (measured: benchmarks/bench_exact.py).
_EST_STATES_PER_S = 1.5e9


def _plan(n: int) -> tuple[int, int]:
    k = min(n, _LOW_BITS)
    m = n - k
    return k, 1 << min(m, 8)


def _check_size(n: int, what: str = "method 'exact'") -> None:
    if n > EXACT_MAX_N:
        raise ValueError(
            f"n={n} is too large for {what} (limit {EXACT_MAX_N}; 2^{n} states would take "
            f"{_fmt_seconds(enumeration_seconds(n))} here); use method 'mfa-hybrid', the strongest "
            "heuristic (or 'auto', which picks it)"
        )


def enumeration_seconds(n: int) -> float:
    """Expected time to enumerate ``2^n`` states here (rate from benchmarks/bench_exact.py)."""
    return float(2.0**n / _EST_STATES_PER_S)


def _fmt_seconds(s: float) -> str:
    """A duration as a person would say it: ``about 3.2 hours``, ``about 10^231 days``.

    Examples
    --------
    >>> _fmt_seconds(0.25), _fmt_seconds(5400.0), _fmt_seconds(2.0**800 / 1.5e9)
    ('about 0.25 s', 'about 1.5 hours', 'about 10^224 years')
    """
    units = (("years", 365.25 * 86400.0), ("days", 86400.0), ("hours", 3600.0), ("minutes", 60.0))
    for unit, size in units:
        if s >= size:
            v = s / size
            if v >= 1e6:
                return f"about 10^{math.floor(math.log10(v))} {unit}"
            return f"about {v:.2g} {unit}" if v < 10 else f"about {v:,.0f} {unit}"
    return f"about {s:.2g} s"


def _decode(codes: np.ndarray, n: int) -> np.ndarray:
    return ((codes[:, None] >> np.arange(n, dtype=np.int64)[None, :]) & 1).astype(np.uint8)


@register("exact", exact=True)
def solve_exact(
    model: SpinGlass,
    *,
    rng: np.random.Generator | None = None,
    num_states: int = 1,
    max_degenerate: int = 64,
    degeneracy_rtol: float = 1e-9,
    t: float | None = None,
) -> SolveResult:
    """Exact ground state(s) by enumerating all ``2^n`` states.

    Parameters
    ----------
    model : SpinGlass
        With ``n <= 36``.
    rng : None, int, SeedSequence or Generator, optional
        Unused (the method is deterministic); accepted for a uniform interface.
    num_states : int, default 1
        Also return the ``num_states`` lowest states (ascending energy).
    max_degenerate : int, default 64
        How many degenerate ground states to keep at most; ``info["degeneracy_truncated"]`` says
        when there were more.
    degeneracy_rtol : float, default 1e-9
        States within ``degeneracy_rtol * model.energy_scale`` of the minimum count as ground states.
    t : float, optional
        A finite inverse temperature ``t >= 0``: also compute the exact Boltzmann marginals
        ``<n_i>_t`` (``result.marginals``, shape (n,)) and ``info["log_z"] = log Z(t)``, with
        ``Z = sum_n exp(-t H(n))``.

    Returns
    -------
    SolveResult
        ``samples``: every ground state found (up to ``max_degenerate``), then the next-lowest
        states up to ``num_states`` rows in all, ascending in energy recomputed in float64.
        ``info``: ``num_ground_states``, ``degeneracy_truncated``, ``states_enumerated``,
        ``states_per_s``, the core of :mod:`isingeq.result` (``sweeps`` is 0: it visits states,
        not sweeps; ``stopped`` is "enumerated") and, with ``t``, ``log_z``; ``marginals`` then
        holds the exact Boltzmann marginals, the same row for every sample (shape
        (num_reads, n)).

    Raises
    ------
    ValueError
        If ``n > 36`` (the message gives the expected time) or an option is out of range.

    Examples
    --------
    >>> import isingeq
    >>> m = isingeq.SpinGlass([[1.0, -3.0], [0.0, 1.0]])
    >>> r = isingeq.solve(m, method="exact")
    >>> r.samples, r.energies, r.info["num_ground_states"]
    (array([[1, 0],
           [0, 1]], dtype=uint8), array([-1., -1.]), 2)
    """
    n = model.n
    _check_size(n)
    K = check_int("num_states", num_states, low=1, high=1 << 20)
    D = check_int("max_degenerate", max_degenerate, low=1, high=1 << 20)
    rtol = check_real("degeneracy_rtol", degeneracy_rtol, low=0.0)
    if t is not None:
        t = check_real("t", t, low=0.0)
    tol = rtol * model.energy_scale
    h = np.ascontiguousarray(model.h, dtype=np.float64)
    J = np.ascontiguousarray(model.dense_J(), dtype=np.float64)
    k, n_chunks = _plan(n)
    cap = K + D

    t0 = time.perf_counter_ns()
    out_e = np.full((n_chunks, cap), np.inf)
    out_s = np.zeros((n_chunks, cap), dtype=np.int64)
    out_cnt = np.zeros(n_chunks, dtype=np.int64)
    out_dropped = np.full(n_chunks, np.inf)
    _kernels.exact_lowest(h, J, k, n_chunks, K, tol, cap, out_e, out_s, out_cnt, out_dropped)
    t_enum = time.perf_counter_ns() - t0

    mask = np.arange(cap)[None, :] < out_cnt[:, None]
    codes = out_s[mask]
    # Re-check the candidates' energies in float64 from the model itself, then rank them.
    samples = _decode(codes, n)
    energies = model._energy_unchecked(samples.astype(np.float64))
    order = np.lexsort((codes, energies))
    samples, energies = samples[order], energies[order]
    e0 = energies[0]
    ground = energies <= e0 + tol
    num_ground = min(int(ground.sum()), D)
    keep = max(num_ground, min(K, len(energies)))
    truncated = bool(np.any(out_dropped + model.offset <= e0 + tol)) or int(ground.sum()) > D
    info: dict[str, Any] = {
        "num_ground_states": num_ground,
        "degeneracy_truncated": truncated,
        "degeneracy_tol": tol,
        "states_enumerated": 1 << n,
        "enumeration_ns": t_enum,
        "states_per_s": (1 << n) / max(t_enum, 1) * 1e9,
        "low_bits": k,
        "chunks": n_chunks,
        "sweeps": 0,
        "stopped": "enumerated",
    }
    marginals = None
    if t is not None:
        log_z, marginals = exact_log_partition(model, t)
        info["log_z"] = log_z
    return SolveResult.from_samples(model, samples[:keep], "exact", marginals=marginals, info=info)


def exact_log_partition(model: SpinGlass, t: float) -> tuple[float, np.ndarray]:
    """Exact ``log Z(t)`` and marginals ``<n_i>_t`` of the Boltzmann distribution ``exp(-t H)``.

    Streams over all ``2^n`` states with a running energy shift, so it neither overflows nor
    underflows for any finite ``t >= 0``.

    Parameters
    ----------
    model : SpinGlass
        With ``n <= 36``.
    t : float
        Inverse temperature, finite and ``>= 0``.

    Returns
    -------
    log_z : float
    marginals : ndarray, shape (n,)

    Examples
    --------
    >>> import isingeq, math
    >>> m = isingeq.SpinGlass([[2.0]])                  # H(0) = 0, H(1) = -2
    >>> log_z, p = exact_log_partition(m, 1.0)
    >>> math.isclose(log_z, math.log(1 + math.e**2)), bool(abs(p[0] - 1 / (1 + math.e**-2)) < 1e-12)
    (True, True)
    """
    _check_size(model.n, "exact_log_partition")
    t = check_real("t", t, low=0.0)
    h = np.ascontiguousarray(model.h, dtype=np.float64)
    J = np.ascontiguousarray(model.dense_J(), dtype=np.float64)
    k, n_chunks = _plan(model.n)
    ref = np.empty(n_chunks)
    z = np.empty(n_chunks)
    mm = np.zeros((n_chunks, model.n))
    _kernels.exact_boltzmann(h, J, k, n_chunks, t, ref, z, mm)
    r0 = float(ref.min())
    w = np.exp(-t * (ref - r0))
    Z = float(np.dot(w, z))
    marg = (w @ mm) / Z
    log_z = math.log(Z) - t * (r0 + model.offset)
    return log_z, np.clip(marg, 0.0, 1.0)
