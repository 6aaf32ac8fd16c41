"""``method="exact"``: every state enumerated (block Gray code, numba, all cores).

The kernel is described in :mod:`isingeq.solvers._kernels`. It keeps O(n) memory per thread plus
a table of ``2^k`` low-block energies (k <= 13), and visits ``2^n`` states.
"""

from __future__ import annotations

import math
import time
import warnings
from typing import Any, TypeAlias

import numpy as np

from .._validation import check_int, check_model, check_real
from ..model import SpinGlass
from ..result import SolveResult
from . import _kernels
from ._registry import register

__all__ = [
    "DISTRIBUTED_MAX_SECONDS",
    "EXACT_MAX_N",
    "enumerate_block",
    "exact_log_partition",
    "solve_exact",
]

#: Largest n that ``exact`` accepts (2^36 states; see benchmarks/bench_exact.py for the rate).
EXACT_MAX_N = 36
#: Longest run that ``exact`` with ``client=`` accepts, estimated from the cluster's measured
#: states/s (raise it for a longer run; the refusal names it).
DISTRIBUTED_MAX_SECONDS = 3600.0
#: Largest n of a distributed run (states are coded in an int64).
MAX_CODE_BITS = 62
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
        if what == "exact_log_partition":  # a heuristic gives no log Z, and this takes no client
            advice = (
                "isingeq.solve(model, method='exact', t=t, client=...) enumerates on a Dask "
                "cluster and returns log Z in info['log_z'] and the marginals (isingeq[dask])"
            )
        else:
            advice = (
                "use method 'mfa-hybrid', the strongest heuristic (or 'auto', which picks it), "
                "or enumerate on a Dask cluster with client=... (isingeq[dask])"
            )
        raise ValueError(
            f"n={n} is too large for {what} (limit {EXACT_MAX_N}; 2^{n} states would take "
            f"{_fmt_seconds(enumeration_seconds(n))} here); {advice}"
        )


def enumeration_seconds(n: int) -> float:
    """Expected time to enumerate ``2^n`` states here (rate from benchmarks/bench_exact.py)."""
    return float(2.0**n / _EST_STATES_PER_S)


def _fmt_seconds(s: float) -> str:
    """A duration as a person would say it: ``about 3.2 hours``, ``about 10^231 days``.

    Examples
    --------
    >>> _fmt_seconds(0.25), _fmt_seconds(5400.0), _fmt_seconds(3600.0)
    ('about 0.25 s', 'about 1.5 hours', 'about 1 hour')
    >>> _fmt_seconds(2.0**800 / 1.5e9)
    'about 10^224 years'
    """
    units = (("years", 365.25 * 86400.0), ("days", 86400.0), ("hours", 3600.0), ("minutes", 60.0))
    for unit, size in units:
        if s >= size:
            v = s / size
            if v >= 1e6:
                return f"about 10^{math.floor(math.log10(v))} {unit}"
            if v < 10:
                text = f"{v:.2g}"
                return f"about {text} {unit if text != '1' else unit[:-1]}"
            return f"about {v:,.0f} {unit}"
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
    client: Any = None,
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
        ``<n_i>_t`` (``result.marginals``, the same row for every sample),
        ``info["log_z"] = log Z(t)`` with ``Z = sum_n exp(-t H(n))``, and the energy's mean
        ``info["mean_energy"] = <H>_t`` and ``info["energy_variance"] = <H^2>_t - <H>_t^2``
        (the thermodynamics: specific heat ``t^2 Var H``, entropy ``log Z + t <H>``, free
        energy ``-log Z / t``), in the same pass over the states.
    client : distributed.Client or str, optional
        Enumerate on a Dask cluster (a Client, a scheduler address, or ``"local"``: a local cluster
        of one worker process per core for this solve; needs ``pip install "isingeq[dask]"``): the
        states are split into ``2^p`` blocks by their ``p`` highest variables, each block enumerated
        by the same kernel on a worker with the fixed variables folded into the fields, and the
        blocks' lowest states, ``log Z`` and marginals reduced (log-sum-exp). The limit of n then
        grows with the cluster: a short calibration task measures the workers' states/s, and a run
        expected to take more than :data:`~isingeq.solvers.exact.DISTRIBUTED_MAX_SECONDS` is refused
        before it starts. A cluster with no worker yet (an adaptive one) is waited for, with a
        RuntimeWarning. Scaling against one process: ``benchmarks/bench_dask.py``.

    Returns
    -------
    SolveResult
        ``samples``: every ground state found (up to ``max_degenerate``), then the next-lowest
        states up to ``num_states`` rows in all, ascending in energy recomputed in float64.
        ``info``: ``num_ground_states`` (how many of the samples, the first rows, are ground
        states: at most ``max_degenerate``, so not the degeneracy when
        ``degeneracy_truncated`` is True; raise ``max_degenerate`` to count more),
        ``degeneracy_truncated``, ``states_enumerated``,
        ``states_per_s``, the core of :mod:`isingeq.result` (``sweeps`` is 0: it visits states,
        not sweeps; ``stopped`` is "enumerated") and, with ``t``, ``log_z``, ``mean_energy``,
        ``energy_variance``; ``marginals`` then
        holds the exact Boltzmann marginals, the same row for every sample (shape
        (num_reads, n)).

    Raises
    ------
    ValueError
        If ``n > 36`` without ``client``, or the cluster's expected time exceeds
        :data:`~isingeq.solvers.exact.DISTRIBUTED_MAX_SECONDS` (the message gives the expected
        time), or an option is out of range.

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
    if client is None:
        _check_size(n)
    K = check_int("num_states", num_states, low=1, high=1 << 20)
    D = check_int("max_degenerate", max_degenerate, low=1, high=1 << 20)
    rtol = check_real("degeneracy_rtol", degeneracy_rtol, low=0.0)
    if t is not None:
        t = check_real("t", t, low=0.0)
    tol = rtol * model.energy_scale
    h = np.ascontiguousarray(model.h, dtype=np.float64)
    J = np.ascontiguousarray(model.dense_J(), dtype=np.float64)
    cap = K + D

    t0 = time.perf_counter_ns()
    extra: dict[str, Any] = {}
    if client is None:
        k, n_chunks = _plan(n)
        codes, dropped = _lowest_block(h, J, K, tol, cap)
        boltz = _boltzmann_block(h, J, t) if t is not None else None
        extra = {"low_bits": k, "chunks": n_chunks}
    else:
        codes, dropped, boltz, extra = _enumerate_on_cluster(client, h, J, K, tol, cap, t)
    t_enum = time.perf_counter_ns() - t0

    # Re-check the candidates' energies in float64 from the model itself, then rank them.
    samples = _decode(codes, n)
    energies = model._energy_unchecked(samples.astype(np.float64))
    order = np.lexsort((codes, energies))
    samples, energies = samples[order], energies[order]
    e0 = energies[0]
    ground = energies <= e0 + tol
    keep = max(min(int(ground.sum()), D), min(K, len(energies)))
    num_ground = int(ground[:keep].sum())  # rows returned: num_states may ask for more than D
    truncated = bool(dropped + model.offset <= e0 + tol) or int(ground.sum()) > D
    info: dict[str, Any] = {
        "num_ground_states": num_ground,
        "degeneracy_truncated": truncated,
        "degeneracy_tol": tol,
        "states_enumerated": 1 << n,
        "enumeration_ns": t_enum,
        "states_per_s": (1 << n) / max(t_enum, 1) * 1e9,
        **extra,
        "sweeps": 0,
        "stopped": "enumerated",
    }
    marginals = None
    if boltz is not None:
        thermo = _thermodynamics(boltz, float(t), model.offset)  # type: ignore[arg-type]
        marginals = thermo.pop("marginals")
        info.update(thermo)
    return SolveResult.from_samples(model, samples[:keep], "exact", marginals=marginals, info=info)


def _lowest_block(
    h: np.ndarray, J: np.ndarray, K: int, tol: float, cap: int
) -> tuple[np.ndarray, float]:
    """Candidate codes (the ``K`` lowest and near-degenerate states per chunk) of the model
    ``(h, J)`` and the lowest energy dropped for lack of room (without the offset)."""
    k, n_chunks = _plan(h.shape[0])
    cap = min(cap, (1 << h.shape[0]) // n_chunks)  # no chunk holds more states than this
    out_e = np.full((n_chunks, cap), np.inf)
    out_s = np.zeros((n_chunks, cap), dtype=np.int64)
    out_cnt = np.zeros(n_chunks, dtype=np.int64)
    out_dropped = np.full(n_chunks, np.inf)
    _kernels.exact_lowest(h, J, k, n_chunks, K, tol, cap, out_e, out_s, out_cnt, out_dropped)
    mask = np.arange(cap)[None, :] < out_cnt[:, None]
    return out_s[mask], float(out_dropped.min())


#: Per part of an enumeration at finite ``t`` (a kernel chunk, or a Dask block's chunks): the
#: lowest energy ``ref``, and with weights ``exp(-t (E - ref))`` the sums of 1, of each ``x_i``,
#: of ``E - ref`` and of ``(E - ref)^2``.
Parts: TypeAlias = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _boltzmann_block(h: np.ndarray, J: np.ndarray, t: float) -> Parts:
    """Per chunk: the lowest energy ``ref``, ``sum exp(-t (E - ref))``, the marginal sums and
    the energy moments' sums (:data:`Parts`)."""
    k, n_chunks = _plan(h.shape[0])
    ref = np.empty(n_chunks)
    z = np.empty(n_chunks)
    mm = np.zeros((n_chunks, h.shape[0]))
    e1 = np.empty(n_chunks)
    e2 = np.empty(n_chunks)
    _kernels.exact_boltzmann(h, J, k, n_chunks, t, ref, z, mm, e1, e2)
    return ref, z, mm, e1, e2


def _log_partition(parts: Parts, t: float, offset: float) -> tuple[float, np.ndarray]:
    """Reduce per-part sums to ``log Z`` and the marginals (:func:`_thermodynamics`)."""
    thermo = _thermodynamics(parts, t, offset)
    return thermo["log_z"], thermo["marginals"]


def _thermodynamics(parts: Parts, t: float, offset: float) -> dict[str, Any]:
    """Reduce per-part sums to ``log Z``, the marginals, ``<H>`` and ``Var H`` (log-sum-exp: the
    lowest ``ref`` sets the scale, so no weight exceeds 1; a part's moments about its own
    ``ref`` are moved to the lowest by ``delta = ref - r0``)."""
    ref, z, mm, e1, e2 = parts
    r0 = float(ref.min())
    delta = ref - r0
    w = np.exp(-t * delta)
    Z = float(np.dot(w, z))
    marg = (w @ mm) / Z
    m1 = float(np.dot(w, e1 + delta * z)) / Z  # <E - r0>
    m2 = float(np.dot(w, e2 + 2.0 * delta * e1 + delta * delta * z)) / Z
    return {
        "log_z": math.log(Z) - t * (r0 + offset),
        "marginals": np.clip(marg, 0.0, 1.0),
        "mean_energy": r0 + offset + m1,
        "energy_variance": max(m2 - m1 * m1, 0.0),
    }


def _fold_prefix(h: np.ndarray, J: np.ndarray, r: int, prefix: int) -> tuple[np.ndarray, float]:
    """The fields of variables ``0..r-1`` with variables ``r..`` fixed to the bits of ``prefix``,
    and the fixed variables' own energy ``c``: ``E(x) = E_sub(x_low) + c``."""
    xp = ((prefix >> np.arange(h.shape[0] - r)) & 1).astype(np.float64)
    hs = h[:r] + J[:r, r:] @ xp
    c = -(float(h[r:] @ xp) + 0.5 * float(xp @ J[r:, r:] @ xp))
    return np.ascontiguousarray(hs), c


def enumerate_block(
    h: np.ndarray, J: np.ndarray, r: int, prefix: int, K: int, tol: float, cap: int, t: float | None
) -> tuple[np.ndarray, float, Parts | None]:
    """One prefix block: the states whose variables ``r..n-1`` are the bits of ``prefix``.

    Run on a Dask worker by ``solve_exact(..., client=...)``: the kernel enumerates the ``2^r``
    states of the sub-model with the prefix folded into its fields. Returns the candidate codes
    (full ``n``-bit codes), the lowest energy dropped (with the prefix's energy) and, with
    ``t``, ``(ref, z, m)`` with ``m`` over all ``n`` variables.
    """
    hs, c = _fold_prefix(h, J, r, prefix)
    Js = np.ascontiguousarray(J[:r, :r])
    codes, dropped = _lowest_block(hs, Js, K, tol, cap)
    codes = codes | (np.int64(prefix) << np.int64(r))
    boltz = None
    if t is not None:
        ref, z, mm, e1, e2 = _boltzmann_block(hs, Js, t)
        xp = ((prefix >> np.arange(h.shape[0] - r)) & 1).astype(np.float64)
        m_full = np.concatenate([mm, z[:, None] * xp[None, :]], axis=1)
        boltz = (ref + c, z, m_full, e1, e2)  # moments about ref: the same about ref + c
    return codes, dropped + c, boltz


def _prefix_bits(n: int, threads: int) -> int:
    """Blocks: about 8 per worker thread (load balance), each of at least 2^20 states."""
    want = max(1, math.ceil(math.log2(8 * max(threads, 1))))
    return max(0, min(want, n - 20, 20)) if n > 20 else min(want, max(n - 4, 0))


def _enumerate_on_cluster(
    client: Any, h: np.ndarray, J: np.ndarray, K: int, tol: float, cap: int, t: float | None
) -> tuple[np.ndarray, float, Parts | None, dict[str, Any]]:
    from ..distributed import connect, describe, stream

    n = h.shape[0]
    if n > MAX_CODE_BITS:
        raise ValueError(
            f"n={n} is too large for method 'exact' on a cluster (states are coded in "
            f"{MAX_CODE_BITS} bits); use method 'mfa-hybrid'"
        )
    with connect(client, name="client") as cl:
        workers = cl.nthreads()  # asked while ``cl`` is open: ``client="local"`` closes it
        if not workers:
            # an adaptive cluster (dask-jobqueue's adapt(), dask-gateway) starts empty: the
            # split and the size guard need its workers, so wait for the first, as reproduce's
            # and bench's tasks do (Ctrl-C stops the wait)
            warnings.warn(
                f"the Dask cluster at {describe(client)} has no workers yet; method 'exact' "
                "waits for one",
                RuntimeWarning,
                stacklevel=5,  # the caller of isingeq.solve
            )
            cl.wait_for_workers(1)
            workers = cl.nthreads()
        threads = sum(int(w) for w in workers.values())
        rate = None
        if n > EXACT_MAX_N:
            rate = _cluster_rate(cl)
            seconds = 2.0**n / rate
            if seconds > DISTRIBUTED_MAX_SECONDS:
                raise ValueError(
                    f"n={n} is too large for method 'exact' on this cluster: 2^{n} states at the "
                    f"measured {rate:.3g} states/s of its {threads} worker threads would take "
                    f"{_fmt_seconds(seconds)} (limit {_fmt_seconds(DISTRIBUTED_MAX_SECONDS)}); "
                    "add workers, or raise isingeq.solvers.exact.DISTRIBUTED_MAX_SECONDS"
                )
        p = _prefix_bits(n, threads)
        r = n - p
        tasks = [(b, (h, J, r, b, K, tol, cap, t)) for b in range(1 << p)]
        codes, dropped, parts = [], [], []
        for out in stream(cl, enumerate_block, tasks, threads=None, exclusive=True):
            if out.error is not None:
                raise out.error
            c, d, bz = out.value
            codes.append(c)
            dropped.append(d)
            parts.append(bz)
    boltz: Parts | None = None
    if t is not None:
        ref, z, mm, e1, e2 = (np.concatenate([q[j] for q in parts]) for j in range(5))
        boltz = (ref, z, mm, e1, e2)
    extra = {
        "prefix_bits": p,
        "blocks": 1 << p,
        "workers": len(workers),
        "worker_threads": threads,
        "calibrated_states_per_s": rate,
        "options": {"client": describe(client)},
    }
    return np.concatenate(codes), float(min(dropped)), boltz, extra


def _cluster_rate(client: Any) -> float:
    """The cluster's states/s: one short enumeration per worker, all workers at once."""
    from ..distributed import stream

    workers = list(client.nthreads())
    rates = [
        out.value
        for out in stream(
            client,
            _calibrate,
            [(w, ()) for w in workers],
            threads=None,
            exclusive=True,
            pinned=True,
        )
        if out.error is None
    ]
    if not rates:
        raise ValueError("no worker could run the calibration task of method 'exact'")
    return float(sum(rates) * len(workers) / len(rates))


def _calibrate() -> float:
    """States/s of this worker on a random 24-variable model (compiled first, then timed)."""
    n = 24
    rng = np.random.default_rng(0)
    A = np.triu(rng.uniform(-1, 1, (n, n)), 1)
    J = A + A.T
    h = rng.uniform(-1, 1, n)
    _lowest_block(h[:14], np.ascontiguousarray(J[:14, :14]), 1, 0.0, 2)  # compile / load
    t0 = time.perf_counter()
    _lowest_block(h, J, 1, 0.0, 2)
    return float(2.0**n / max(time.perf_counter() - t0, 1e-9))


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
    check_model(model)
    _check_size(model.n, "exact_log_partition")
    t = check_real("t", t, low=0.0)
    h = np.ascontiguousarray(model.h, dtype=np.float64)
    J = np.ascontiguousarray(model.dense_J(), dtype=np.float64)
    return _log_partition(_boltzmann_block(h, J, t), t, model.offset)
