"""The inverse problem: sample the Boltzmann distribution, and learn ``eps`` back from samples.

The forward problem (the rest of isingeq) finds node values given weights; learning finds
weights given node values. The distribution is ``P(n) = exp(-t H(n)) / Z`` with ``H`` as in
:mod:`isingeq.model`.

Samplers (:func:`sample_boltzmann`): ``"exact"`` enumerates all ``2^n`` probabilities (normalised
with the exact log Z of :func:`isingeq.exact_log_partition`) and draws independent samples;
``"gibbs"`` runs a sequential-scan Gibbs chain (numba) whose update is the exact conditional
``P(n_i = 1 | rest) = sigmoid(t xi_i)``, i.e. the perceptron layer of
:mod:`isingeq.perceptron.layer` applied to one node with a random threshold.

Learning (:func:`fit`):

- ``"pseudolikelihood"``: maximises ``sum_samples sum_i log P(n_i | n_rest)``, which is one
  logistic regression (a perceptron with a sigmoid output, logit ``t xi_i``) per node. This
  implementation fits **jointly with tied weights**: the parameters are ``h`` and the upper
  triangle of ``J`` (so ``J_ij = J_ji`` during the fit, no symmetrising afterwards), and the
  summed per-node logistic losses are minimised with ``scipy.optimize.minimize`` (L-BFGS-B,
  analytic gradient). The loss is convex; pseudo-likelihood is a consistent estimator. Its
  maximum does not exist when the samples are separable (few samples, or strong couplings at
  large ``t``): :func:`fit` refuses them, after a linear programme finds the direction (as
  logistic regression's separation checks do), unless ``l2 > 0``. ``l2`` is a ridge penalty
  on the mean loss per sample, so its bias does not shrink as samples are added (see
  :func:`fit`).
- ``"likelihood"``: exact maximum likelihood, ``max sum_samples log P(n)``, with ``log Z`` and
  its gradient (the model's moments ``<n_i>``, ``<n_i n_j>``) by enumerating the ``2^n`` states
  at every L-BFGS-B step, so ``n <= LIKELIHOOD_MAX_N``. The efficient estimator, and the
  baseline the other two are measured against. Its maximum exists exactly when the samples'
  moments lie inside the marginal polytope (the convex hull of ``(n_i, n_i n_j)`` over all
  states); on its boundary (a *face*: every sample satisfies one linear constraint on those
  statistics with equality, e.g. no sample has ``n_3 = n_5 = 1``) the likelihood rises
  forever along a direction of the parameters. :func:`fit` decides this exactly before fitting,
  by a linear programme over the face's directions whose ``2^n`` state constraints are added as
  they are violated (each round's most violated state found by enumeration), and refuses such
  samples naming the pattern no sample shows, unless ``l2 > 0``. This condition differs from
  pseudo-likelihood's separability: either can fail where the other holds.
- ``"mean-field"``: naive mean-field inversion. Linearising eq. 16,
  ``m_i = sigmoid(t (h_i + sum_j J_ij m_j))``, around the data gives the response
  ``d m / d(t h) = C`` (the covariance of the 0/1 variables), hence
  ``J_ij = -(C^{-1})_ij / t`` for ``i != j`` and ``h_i = logit(m_i) / t - sum_j J_ij m_j``.
  Fast (one matrix inverse) but biased when couplings are strong. On samples that
  pseudo-likelihood would refuse as separable (too few for the couplings) the inverse of the
  sample covariance is dominated by sampling noise and the couplings come out far too large;
  :func:`fit` then warns (RuntimeWarning).

How the error shrinks with the number of samples, per method, is measured by
``benchmarks/bench_inverse.py`` and by ``isingeq perceptron``
(:mod:`isingeq.perceptron.experiment`).
"""

from __future__ import annotations

import inspect
import math
import warnings
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import linprog, minimize
from scipy.special import expit, log_expit, logsumexp

from .._resources import memory_shortfall
from .._rows import distinct_rows
from .._validation import as_generator, check_int, check_model, check_real
from ..model import SpinGlass, _real_array
from ..solvers._kernels import low_block_energies
from ..solvers.scipy_root import critical_t
from ..solvers.tabu import couplings
from . import _kernels
from ._common import ENUMERATE_MAX_N, all_log_probs, decode, reject_tensor

__all__ = [
    "FIT_METHODS",
    "LIKELIHOOD_MAX_N",
    "RARE_SWAPS",
    "SAMPLE_METHODS",
    "TEMPERING_RUNGS",
    "fit",
    "min_samples",
    "reconstruction_error",
    "sample_boltzmann",
]

SAMPLE_METHODS = ("exact", "gibbs", "tempering")
#: Rungs of parallel tempering's default ladder (``sample_boltzmann(method="tempering")``).
TEMPERING_RUNGS = 16
FIT_METHODS = ("pseudolikelihood", "likelihood", "mean-field")
#: Largest n for ``fit(method="likelihood")``: every step of its optimiser enumerates the ``2^n``
#: states (the fit's time per n: ``benchmarks/bench_inverse.py --likelihood-n``).
LIKELIHOOD_MAX_N = 16

#: A pseudo-likelihood fit whose L-BFGS-B line search fails (no decrease found) counts as
#: converged when its largest gradient entry is below this: the loss is then flat to rounding
#: (the per-sample loss is O(n), its rounding ~1e-16 n). Above it, :func:`fit` raises.
_LINE_SEARCH_GTOL = 1e-6

#: The separability check (:func:`_separated_nodes`) always runs when its linear programme has
#: at most this many nonzeros (0.2 s for 2.3e5: n = 12, 10^5 samples); above it, only when the
#: fit looks divergent: a fitted logit of magnitude :data:`_SUSPECT_LOGIT` or more, or L-BFGS-B
#: not converging.
_ALWAYS_CHECK_NNZ = 300_000
#: Above this many nonzeros the check is skipped with a RuntimeWarning (4.6e6 take 16 s: n = 20
#: with 2e4 distinct samples; 3e7, n = 24 with 10^5, take 90 s).
_MAX_CHECK_NNZ = 5_000_000
#: A fitted logit ``t xi`` this large predicts its sample with probability 1 - 5e-5: rare for a
#: finite maximum at the temperatures of the benchmarks, the rule on separable data (L-BFGS-B
#: stops when the separated samples' gradient, ~exp(-logit), is below ``tol``).
_SUSPECT_LOGIT = 10.0


def sample_boltzmann(
    model: SpinGlass,
    t: float,
    num_samples: int,
    *,
    rng: Any = None,
    method: str = "exact",
    burn_in: int | None = None,
    thin: int | None = None,
    initial_state: ArrayLike | None = None,
    ladder: int | ArrayLike | None = None,
) -> NDArray[np.uint8]:
    """Samples of ``P(n) = exp(-t H(n)) / Z``, one 0/1 state per row.

    Parameters
    ----------
    model : SpinGlass
    t : float
        Finite inverse temperature, ``t >= 0``.
    num_samples : int
        Number of rows, ``>= 1``.
    rng : None, int, SeedSequence or Generator
        The only source of randomness (the Gibbs kernel reads uniforms drawn from it), so a seed
        gives the same samples every time.
    method : {"exact", "gibbs", "tempering"}, default "exact"
        ``"exact"``: independent draws from the enumerated distribution (``n <= 24``).
        ``"gibbs"``: one sequential-scan Gibbs chain, any ``n``; samples are correlated. A
        sparse model stays sparse (a CSR kernel: a sweep costs O(n + nnz), memory O(n + nnz)).
        ``"tempering"``: parallel tempering (replica exchange), any ``n``: Gibbs chains on a
        ``ladder`` of inverse temperatures ending at ``t``, neighbours' states swapped with the
        probability that keeps each chain's distribution; the samples are the coldest chain's.
        A cold chain alone stays in the valley it fell into (a spin glass or a ferromagnet at
        low temperature has several, far apart in Hamming distance); the hot ones cross
        between valleys and hand their states down, so that the samples weigh the valleys as
        ``P`` does, as long as neighbouring rungs swap often enough: a RuntimeWarning names
        the first pair that swapped in under :data:`~isingeq.perceptron.RARE_SWAPS`
        of its tries (the rungs needed grow about as ``sqrt(n)``). A sweep, ``burn_in`` and
        ``thin`` included, costs the ladder's length in Gibbs sweeps; each sweep tries every
        other pair (even and odd pairs in turn).
    burn_in : int, optional
        Sweeps discarded first (``"gibbs"`` / ``"tempering"``; default 1000).
    thin : int, optional
        Sweeps between kept samples (``"gibbs"`` / ``"tempering"``; default 1).
    initial_state : array_like of 0/1, shape (n,), optional
        One state, the start of the chain(s) (``"gibbs"`` / ``"tempering"``: every chain);
        uniform random if omitted.
    ladder : int or array_like, optional
        ``"tempering"`` only. The inverse temperatures of the chains, increasing, ``>= 0``,
        the last equal to ``t`` (to a relative ``1e-12``, so that ``0.1 + 0.2`` ends a ladder
        ``[..., 0.3]``; the chain at the last rung then samples at ``t`` itself); or their
        number (default :data:`~isingeq.perceptron.TEMPERING_RUNGS`) on a geometric ladder from
        ``t_hot = min(t / 10, critical_t / 2)`` to ``t`` (``critical_t``,
        :func:`isingeq.critical_t`, is where naive mean field loses its paramagnetic
        solution; half of it is hot on the scale of the couplings).

    Returns
    -------
    ndarray of uint8, shape (num_samples, n)

    Warns
    -----
    RuntimeWarning
        With ``"tempering"``, when a pair of neighbouring rungs swapped in under
        :data:`~isingeq.perceptron.RARE_SWAPS` of its tries (the message names the first, with
        its swaps and tries). Only pairs tried often enough to tell are judged: at least the
        number of tries in which a pair swapping at that rate swaps at least once with
        probability 0.99 (a run of a few sweeps, ``burn_in=0`` and few samples, judges none
        and never warns; the default ``burn_in`` tries every pair enough).

    Raises
    ------
    ValueError
        On an unknown ``method``, ``n > 24`` with ``"exact"`` (use ``"gibbs"``), options out of
        range, more samples than memory holds (``$ISINGEQ_MEMORY_LIMIT``; checked before
        drawing), an ``initial_state`` that is not one 0/1 state of shape ``(n,)``, a chain's
        option (``burn_in``, ``thin``, ``initial_state``) given with ``"exact"``, whose
        independent draws have no chain to use it, ``ladder`` given with another method than
        ``"tempering"`` (an option is never silently ignored), or a ``ladder`` that does not
        increase to ``t`` (the message gives the values with all their digits).
    TypeError
        On a ``model`` that is not a :class:`~isingeq.SpinGlass`, or an option of the wrong
        type (a ``t`` that is not a real number, a ``num_samples`` that is not an integer, an
        ``initial_state`` or ``ladder`` that is not numbers).

    Examples
    --------
    >>> import isingeq
    >>> m = isingeq.SpinGlass([[2.0]])                    # P(n=1) = sigmoid(2 t)
    >>> X = isingeq.sample_boltzmann(m, 1.0, 20_000, rng=0)
    >>> bool(abs(X.mean() - 0.8808) < 0.01)
    True
    >>> Y = isingeq.sample_boltzmann(m, 1.0, 20_000, rng=0, method="gibbs", burn_in=10)
    >>> bool(abs(Y.mean() - 0.8808) < 0.01)
    True
    >>> Z = isingeq.sample_boltzmann(m, 1.0, 20_000, rng=0, method="tempering", burn_in=10)
    >>> bool(abs(Z.mean() - 0.8808) < 0.01)
    True
    """
    model = check_model(model)
    t = check_real("t", t, low=0.0)
    S = check_int("num_samples", num_samples, low=1)
    if method not in SAMPLE_METHODS:
        raise ValueError(f"`method` must be one of {SAMPLE_METHODS}; got {method!r}")
    gen = as_generator(rng)
    n = model.n
    # the samples themselves (uint8); the exact draws also hold S codes and uniforms (16 S)
    short = memory_shortfall(float(S) * (n + (16 if method == "exact" else 0)))
    if short is not None:
        raise ValueError(
            f"num_samples={S} on n={n} needs {short} for the samples; ask for fewer `num_samples`"
        )
    if ladder is not None and method != "tempering":
        raise ValueError(
            f"`ladder` applies to method='tempering' only; got ladder={_short(ladder)} with "
            f"method={method!r}"
        )
    if method == "exact":
        gibbs_only = {"burn_in": burn_in, "thin": thin, "initial_state": initial_state}
        given = {k: v for k, v in gibbs_only.items() if v is not None}
        if given:
            name, value = next(iter(given.items()))
            raise ValueError(
                f"`{name}` applies to method='gibbs' only (method 'exact' draws independent "
                f"samples: no chain to start, burn in or thin); got {name}={_short(value)} "
                "with method='exact'"
            )
        if n > ENUMERATE_MAX_N:
            raise ValueError(
                f"n={n} is too large for method 'exact' (limit {ENUMERATE_MAX_N}: it holds all "
                f"2^n probabilities in memory); use method 'gibbs'"
            )
        p = np.exp(all_log_probs(model, t))
        cdf = np.cumsum(p)
        codes = np.searchsorted(cdf, gen.random(S) * cdf[-1], side="right")
        return decode(np.minimum(codes, (1 << n) - 1).astype(np.int64), n)
    burn_in = check_int("burn_in", 1000 if burn_in is None else burn_in, low=0)
    thin = check_int("thin", 1 if thin is None else thin, low=1)
    if initial_state is None:
        x = gen.integers(0, 2, size=n, dtype=np.uint8)
    else:
        x = _initial_state(model, initial_state)
    h = np.ascontiguousarray(model.h, dtype=np.float64)
    both = couplings(model)  # CSR or dense, the other storage empty (as tabu's kernels)
    out = np.zeros((S, n), dtype=np.uint8)
    total = burn_in + S * thin
    rows = np.full(total, -1, dtype=np.int64)
    rows[burn_in + thin - 1 :: thin] = np.arange(S)
    if method == "tempering":
        ts = _ladder(model, t, ladder)
        K = ts.size
        short = memory_shortfall(float(K) * n * 17.0)  # the chains' states and fields
        if short is not None:
            raise ValueError(f"`ladder` of {K} rungs on n={n} needs {short}; use fewer rungs")
        X = np.repeat(x[None, :], K, axis=0)
        if initial_state is None:  # every chain its own random start
            X[1:] = gen.integers(0, 2, size=(K - 1, n), dtype=np.uint8)
        Xf = X.astype(np.float64)
        G = h + model._rows_product(Xf)
        # without the offset: only differences enter the swaps, and a large offset's rounding
        # would grow with the flips
        E = np.asarray(model._energy_unchecked(Xf), dtype=np.float64) - model.offset
        slot = np.arange(K, dtype=np.int64)
        tried = np.zeros(max(K - 1, 0), dtype=np.int64)
        swapped = np.zeros_like(tried)
        chunk = max(1, _TEMPERING_CHUNK_ENTRIES // (n * K))  # bounded memory for the uniforms
        # the chains in parallel where a sweep outweighs a parallel launch (same samples)
        parallel = n * K >= _TEMPERING_PARALLEL_ENTRIES
        kernel = _kernels.tempering_sweeps_parallel if parallel else _kernels.tempering_sweeps
        for start in range(0, total, chunk):
            stop = min(total, start + chunk)
            U = gen.random((stop - start, K, n))
            V = gen.random((stop - start, K))
            kernel(*both, ts, X, G, E, slot, U, V, start, rows[start:stop], out, tried, swapped)
        _warn_rare_swaps(ts, tried, swapped)
        return out
    G = h + model.J @ x.astype(np.float64)
    chunk = max(1, (1 << 22) // n)  # bounded memory for the uniforms
    for start in range(0, total, chunk):
        stop = min(total, start + chunk)
        U = gen.random((stop - start, n))
        _kernels.gibbs_sweeps(*both, t, x, G, U, rows[start:stop], out)
    return out


#: Uniforms drawn per call of the tempering kernel at most (a call runs whole sweeps).
_TEMPERING_CHUNK_ENTRIES = 1 << 22
#: Spin updates per sweep (n times the rungs) from which the chains run in parallel.
_TEMPERING_PARALLEL_ENTRIES = 1 << 14
#: A neighbouring pair of rungs swapping in fewer of its tries than this is reported: the
#: colder chains then mix on their own, and valleys stay unweighed.
RARE_SWAPS = 0.05
#: A pair of rungs is judged against :data:`RARE_SWAPS` only after this many tries: the fewest
#: in which a pair swapping at that rate swaps at least once with probability 0.99 (90). With
#: fewer, no swap at all is likely enough by chance (a run of one sweep tries each pair at most
#: once); the default ``burn_in`` tries every pair several times this.
_MIN_SWAP_TRIES = math.ceil(math.log(0.01) / math.log1p(-RARE_SWAPS))


def _warn_rare_swaps(
    ts: NDArray[np.float64], tried: NDArray[np.int64], swapped: NDArray[np.int64]
) -> None:
    """A RuntimeWarning naming the neighbouring rungs that rarely swapped their states, among
    the pairs tried at least :data:`_MIN_SWAP_TRIES` times (the others are not judged)."""
    judged = tried >= _MIN_SWAP_TRIES
    rates = swapped / np.maximum(tried, 1)
    rare = np.flatnonzero(judged & (rates < RARE_SWAPS))
    if rare.size:
        k = int(rare[0])
        unjudged = tried.size - int(judged.sum())
        skipped = (
            f"; {unjudged} pairs tried under {_MIN_SWAP_TRIES} times not judged" if unjudged else ""
        )
        warnings.warn(
            f"parallel tempering: {rare.size} of {int(judged.sum())} neighbouring pairs of the "
            f"ladder swapped in under {RARE_SWAPS:.0%} of their tries (first: t={ts[k]:.4g} and "
            f"{ts[k + 1]:.4g}, {swapped[k]} swaps in {tried[k]} tries, {rates[k]:.1%}"
            f"{skipped}), so the colder chains barely exchange states and the samples may miss "
            "valleys; give `ladder` more rungs (their number grows about as sqrt(n)) or a "
            "hotter start",
            RuntimeWarning,
            stacklevel=3,
        )


def _initial_state(model: SpinGlass, initial_state: Any) -> NDArray[np.uint8]:
    """``sample_boltzmann``'s ``initial_state``: one 0/1 state of shape (n,), as uint8 (a
    copy: the chain updates it in place). The shape is checked here, in this function's
    words (:meth:`SpinGlass.check_states` also takes a batch of states, which a chain cannot
    start from), before the 0/1 values are."""
    reject_tensor("initial_state", initial_state)
    arr = _real_array("initial_state", initial_state, "0/1 numbers")
    if arr.shape != (model.n,):
        raise ValueError(
            f"`initial_state` must have shape ({model.n},) (one 0/1 state); got shape {arr.shape}"
        )
    return np.array(model.check_states(arr, name="initial_state"), dtype=np.uint8)


def _ladder(model: SpinGlass, t: float, ladder: Any) -> NDArray[np.float64]:
    """Parallel tempering's inverse temperatures (``sample_boltzmann``'s ``ladder``)."""
    if ladder is None or isinstance(ladder, int | np.integer):
        rungs = check_int("ladder", TEMPERING_RUNGS if ladder is None else ladder, low=1)
        if rungs == 1 or not t / 10.0 > 0.0:  # t = 0 (or so small that t / 10 is 0): one chain
            return np.full(1, t)
        t_c = critical_t(model)
        hot = min(t / 10.0, 0.5 * t_c) if np.isfinite(t_c) else t / 10.0
        ts = np.geomspace(hot, t, rungs)
        ts[-1] = t  # exactly the target (geomspace's last value can differ in the last bit)
        return ts
    reject_tensor("ladder", ladder)
    try:
        ts = np.asarray(ladder, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"`ladder` must be a number of rungs or inverse temperatures; got {_short(ladder)}"
        ) from None
    if ts.ndim != 1:
        raise ValueError(f"`ladder` must be 1-D; got shape {ts.shape}")
    if ts.size == 0 or not np.all(np.isfinite(ts)) or np.any(ts < 0.0):
        raise ValueError(f"`ladder` must be finite inverse temperatures >= 0; got {_short(ladder)}")
    # the sampled t computed (0.1 + 0.2) and the ladder's last rung typed (0.3) may differ in
    # the last bits: accept that, and sample at t itself
    given = ts
    if not np.isclose(given[-1], t, rtol=_LADDER_RTOL, atol=0.0):
        raise _ladder_error(t, given, f"its last value is {float(given[-1])!r}")
    ts = given.copy()  # never write into the caller's array
    ts[-1] = t
    down = np.flatnonzero(np.diff(ts) <= 0.0)
    if down.size:
        k = int(down[0]) + 1
        a, b = float(given[k - 1]), float(given[k])
        taken = f" (taken as t={float(t)!r})" if k == ts.size - 1 else ""
        raise _ladder_error(
            t, given, f"ladder[{k}]={b!r}{taken} is not above ladder[{k - 1}]={a!r}"
        )
    return ts


#: How far, relatively, the last rung of a given ``ladder`` may lie from the sampled ``t``: a
#: few roundings of a float (0.1 + 0.2 against 0.3 differ by 2e-16 relatively), far below any
#: difference between temperatures that a sample could show.
_LADDER_RTOL = 1e-12


def _ladder_error(t: float, ts: NDArray[np.float64], why: str) -> ValueError:
    """The error for a ``ladder`` that does not increase to ``t``; values with all their digits
    (``repr``), so that two that print alike at a few digits are told apart."""
    return ValueError(
        f"`ladder` must increase to the sampled t={float(t)!r} (its last value, to a relative "
        f"{_LADDER_RTOL:g}); {why}; got {_short([float(v) for v in ts])}"
    )


def _short(value: Any) -> str:
    """A value for an error message, at most one line of it."""
    text = " ".join(repr(value).split())
    return text if len(text) <= 60 else text[:57] + "..."


def _check_samples(samples: Any) -> NDArray[np.float64]:
    reject_tensor("samples", samples)
    if sp.issparse(samples):
        # 0/1 data stored sparse (mostly zeros): the fit works on distinct dense rows anyway
        samples = samples.toarray()
    try:
        X = np.asarray(samples)
    except ValueError as exc:
        raise ValueError(
            f"`samples` must be a 2-D array of 0/1 values; rows of inconsistent length ({exc})"
        ) from exc
    if X.dtype == object:
        raise ValueError(
            "`samples` must be a 2-D array of 0/1 values; got rows of inconsistent length or "
            "non-numeric entries"
        )
    if X.ndim != 2:
        raise ValueError(
            f"`samples` must be a 2-D array (num_samples, n) of 0/1 values; got shape {X.shape}"
        )
    if X.shape[1] == 0:
        raise ValueError(f"`samples` must have at least one column; got shape {X.shape}")
    if not (np.issubdtype(X.dtype, np.number) or X.dtype == np.bool_):
        raise TypeError(f"`samples` must be numeric 0/1 values; got dtype {X.dtype}")
    if np.iscomplexobj(X):
        raise TypeError(f"`samples` must be real 0/1 values; got complex dtype {X.dtype}")
    bad = ~((X == 0) | (X == 1))
    if bad.any():
        r, c = (int(v) for v in np.argwhere(bad)[0])
        raise ValueError(
            f"`samples` must contain only 0 and 1; got {X[r, c].item()!r} at row {r}, column {c} "
            f"({int(bad.sum())} bad entr{'y' if bad.sum() == 1 else 'ies'})"
        )
    return np.asarray(X, dtype=np.float64)


def min_samples(n: int) -> int:
    """The fewest samples :func:`fit` accepts for ``n`` nodes: ``n + 1`` (parameters per node).

    Raises
    ------
    TypeError, ValueError
        If ``n`` is not an integer ``>= 1``.

    Examples
    --------
    >>> from isingeq.perceptron import min_samples
    >>> min_samples(10)
    11
    """
    return check_int("n", n, low=1) + 1


def fit(
    samples: ArrayLike,
    *,
    t: float = 1.0,
    method: str = "pseudolikelihood",
    l2: float = 0.0,
    tol: float = 1e-10,
    max_iter: int = 10_000,
) -> SpinGlass:
    """Learn the model (``eps``) from observed 0/1 configurations at inverse temperature ``t``.

    Only ``t * eps`` is identifiable from samples; the result is divided by the given ``t``.

    Parameters
    ----------
    samples : array_like of 0/1, shape (num_samples, n)
        Observed configurations, e.g. from :func:`sample_boltzmann`. ``bool`` and a SciPy
        sparse matrix (converted to dense) are accepted.
    t : float, default 1.0
        The inverse temperature the samples were drawn at, finite and ``> 0``.
    method : {"pseudolikelihood", "likelihood", "mean-field"}
        See ``isingeq.perceptron.inverse``: joint tied-weight pseudo-likelihood
        (L-BFGS-B), exact maximum likelihood (L-BFGS-B on ``log Z`` by enumeration,
        ``n <= LIKELIHOOD_MAX_N``), or naive mean-field inversion ``J = -C^{-1} / t``.
    l2 : float, default 0
        Pseudo-likelihood and likelihood: a ridge penalty ``l2 / 2 * ||t eps||^2`` on the
        *mean* negative log (pseudo-)likelihood per sample (the same as
        ``l2 / 2 * ||t eps||^2 * num_samples`` on the summed one, i.e. a Gaussian prior on
        ``t eps`` of precision ``l2 * num_samples``, which tightens as samples are added). Its
        bias towards 0 is therefore the same at any sample size: the fit converges to the
        penalised optimum, not to ``eps`` (the README's perceptron section gives a
        measurement). It makes the fit exist where a column is constant, the samples are
        separable (pseudo-likelihood) or on a face of the marginal polytope (likelihood); use
        the smallest ``l2`` that does.
    tol, max_iter
        Pseudo-likelihood and likelihood: L-BFGS-B's ``gtol`` (on the per-sample loss) and
        iteration cap. L-BFGS-B also stops when the loss no longer decreases (by a relative
        ``1e-15``), which with many parameters often comes first: below the gradient that
        leaves (the likelihood's moment mismatch, near rounding), a smaller ``tol`` changes
        nothing. The defaults
        converge on every case of the tests and of ``benchmarks/bench_inverse.py``; a fit that
        stops short raises (see Raises).

    Returns
    -------
    SpinGlass
        Dense, with ``eps_ii = h_i`` and ``eps_ij = J_ij`` (``i < j``).

    Raises
    ------
    ValueError
        If ``samples`` are not 0/1, are ragged or not 2-D, number fewer than ``n + 1`` (the
        message gives the minimum), or have a constant column (always 0 or always 1: its bias
        would be infinite and its couplings unidentifiable; pass a small ``l2 > 0`` with
        pseudo-likelihood, or drop the column); if the samples are *separable* (some direction
        of the parameters raises every sample's conditional probability, so the
        pseudo-likelihood has no maximum and the fit would return couplings running off to
        infinity, as if converged: the message names the nodes; found by a linear programme on
        the distinct rows; collect more samples, or pass a small ``l2 > 0``); with
        ``method="likelihood"``, if ``n > LIKELIHOOD_MAX_N`` or the samples lie on a face of the
        marginal polytope (no maximum: the message names a pattern of node values that no
        sample shows; collect more samples, or pass a small ``l2 > 0``); if ``method`` is
        unknown; if mean-field finds the covariance singular; if the optimiser stops without
        converging (its iteration cap ``max_iter`` reached, or its line search failing away
        from a minimum): the message names ``max_iter`` / ``tol`` and quotes L-BFGS-B's own; if
        ``l2``, ``tol`` or ``max_iter`` is given other than its default with
        ``method="mean-field"``, which does not use them (an option is never silently ignored).
    TypeError
        If ``samples`` are not real numbers (strings, complex), or are a torch tensor that
        requires grad or is off the CPU (convert it with ``samples.detach().cpu().numpy()``).

    Warns
    -----
    RuntimeWarning
        With ``method="mean-field"``, when the samples are separable (the case
        pseudo-likelihood refuses; checked when the linear programme is small, as there): the
        fit is returned, but it is dominated by sampling noise: its couplings typically come
        out several times larger than any of ``eps`` (the covariance itself is usually well
        conditioned then; a singular one raises, see above).

    Notes
    -----
    Pseudo-likelihood and likelihood are both consistent; likelihood is asymptotically
    efficient (no consistent estimator has a smaller variance for many samples) but costs
    ``2^n`` per step of its optimiser, pseudo-likelihood ``n^2`` per distinct sample. The
    errors of the three methods against the number of samples: ``benchmarks/bench_inverse.py``
    (README).

    Examples
    --------
    >>> import isingeq, numpy as np
    >>> true = isingeq.SpinGlass([[0.5, -1.0], [0.0, 0.3]])
    >>> X = isingeq.sample_boltzmann(true, 1.0, 50_000, rng=0)
    >>> learned = isingeq.fit(X, t=1.0)
    >>> bool(np.max(np.abs(learned.eps - true.eps)) < 0.1)
    True
    """
    X = _check_samples(samples)
    t = check_real("t", t, low=0.0, low_open=True)
    if method not in FIT_METHODS:
        raise ValueError(f"`method` must be one of {FIT_METHODS}; got {method!r}")
    l2 = check_real("l2", l2, low=0.0)
    tol = check_real("tol", tol, low=0.0, low_open=True)
    max_iter = check_int("max_iter", max_iter, low=1)
    S, n = X.shape
    need = min_samples(n)
    if need > S:
        raise ValueError(
            f"`samples` has {S} rows; fitting n={n} nodes needs at least {need} "
            "(each node's bias and n - 1 couplings: n parameters, identified by no fewer rows "
            "than n + 1)"
        )
    m = X.mean(axis=0)
    const = np.flatnonzero((m == 0) | (m == 1))
    if const.size and not (method != "mean-field" and l2 > 0):
        cols = ", ".join(f"{int(c)} (always {int(m[c])})" for c in const[:10])
        raise ValueError(
            f"`samples` has {const.size} constant column(s): {cols}. A node that never changes "
            "has an infinite maximum-likelihood bias and couplings that the data cannot "
            "identify; drop the column, collect more samples, or pass a small l2 > 0 with "
            "method='pseudolikelihood' or 'likelihood' (a ridge penalty, which biases every "
            "coupling towards 0)"
        )
    if method == "likelihood" and n > LIKELIHOOD_MAX_N:
        raise ValueError(
            f"method='likelihood' enumerates all 2^n states at every step; n={n} is above its "
            f"limit LIKELIHOOD_MAX_N={LIKELIHOOD_MAX_N}: use method='pseudolikelihood'"
        )
    if method == "mean-field":
        # checked after the constant columns, whose message is the one to act on first
        defaults = inspect.signature(fit).parameters
        for name, value in (("l2", l2), ("tol", tol), ("max_iter", max_iter)):
            if value != defaults[name].default:
                raise ValueError(
                    f"`{name}` applies to methods 'pseudolikelihood' and 'likelihood' (mean-field inversion "
                    f"is one matrix inverse: no penalty, no optimiser); got {name}={value:g} "
                    "with method='mean-field'"
                )
        return _fit_mean_field(X, t)
    if method == "likelihood":
        return _fit_likelihood(X, t, l2, tol, max_iter)
    return _fit_pseudolikelihood(X, t, l2, tol, max_iter)


def _fit_mean_field(X: NDArray[np.float64], t: float) -> SpinGlass:
    n = X.shape[1]
    m = X.mean(axis=0)
    C = np.atleast_2d(np.cov(X, rowvar=False, bias=True))
    try:
        cond = np.linalg.cond(C)
        if not np.isfinite(cond) or cond > 1e12:
            raise np.linalg.LinAlgError
        Cinv = np.linalg.inv(C)
    except np.linalg.LinAlgError:
        raise ValueError(
            "`samples` covariance is singular (columns are linearly dependent, e.g. duplicated "
            "or complementary); method='mean-field' needs an invertible covariance; use "
            "method='pseudolikelihood'"
        ) from None
    # Separable samples (the ones pseudo-likelihood refuses) are too few for the couplings: the
    # covariance is invertible and usually well conditioned, but its inverse is sampling noise
    # (20 rows at n = 8 give couplings of 3 to 30). Checked, as there, when the programme is
    # small; the fit stays a matrix inverse for big sample sets, where separation is rare.
    U = X[distinct_rows(X)[0]]
    if _check_nnz(U) <= _ALWAYS_CHECK_NNZ:
        nodes = _separated_nodes(U)
        if nodes.size:
            listed = ", ".join(str(int(i)) for i in nodes[:10])
            warnings.warn(
                f"method='mean-field' on separable `samples` ({X.shape[0]} rows, {U.shape[0]} "
                f"distinct, n={n}; node(s) {listed}{', ...' if nodes.size > 10 else ''}): "
                "too few samples for these couplings, so the inverse covariance is mostly "
                "sampling noise and the fitted couplings are likely far too large; collect "
                "more samples (method='pseudolikelihood' refuses these samples)",
                RuntimeWarning,
                stacklevel=3,
            )
    Cinv = 0.5 * (Cinv + Cinv.T)
    J = -Cinv / t
    np.fill_diagonal(J, 0.0)
    h = np.log(m / (1.0 - m)) / t - J @ m
    return SpinGlass(np.triu(J, k=1) + np.diag(h)) if n > 1 else SpinGlass(np.diag(h))


def _fit_pseudolikelihood(
    X: NDArray[np.float64], t: float, l2: float, tol: float, max_iter: int
) -> SpinGlass:
    S, n = X.shape
    iu = np.triu_indices(n, k=1)
    # The loss depends on the data only through the distinct rows and their counts.
    first, counts = distinct_rows(X)
    U = X[first]
    w = (counts / S)[:, None]

    def unpack(theta: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        W = np.zeros((n, n))
        W[iu] = theta[n:]
        return theta[:n], W + W.T

    def loss_grad(theta: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        # theta holds t * eps: logits A = X W + b, one logistic regression per column
        b, W = unpack(theta)
        A = U @ W + b
        # -log P(x | a) = -[x log sigmoid(a) + (1 - x) log sigmoid(-a)], weighted by row counts
        nll = -float(np.sum(w * (U * log_expit(A) + (1.0 - U) * log_expit(-A))))
        R = w * (expit(A) - U)  # d nll / d A
        gb = R.sum(axis=0)
        GW = U.T @ R
        gW = (GW + GW.T)[iu]
        reg = 0.5 * l2 * float(theta @ theta)
        return nll + reg, np.concatenate([gb, gW]) + l2 * theta

    # small programmes are checked first (a separable fit runs long: 2 s at n = 10, 300 samples)
    small = _check_nnz(U) <= _ALWAYS_CHECK_NNZ
    if l2 == 0.0 and small:
        _check_separable(U, None, unpack)
    res = _minimize(loss_grad, X.mean(axis=0), n + len(iu[0]), tol, max_iter)
    if l2 == 0.0 and not small:
        _check_separable(U, res, unpack)
    _check_converged(res, "pseudo-likelihood", tol, max_iter, "the data are separable")
    b, W = unpack(res.x / t)
    return SpinGlass(np.triu(W, k=1) + np.diag(b))


def _minimize(
    loss_grad: Any, means: NDArray[np.float64], size: int, tol: float, max_iter: int
) -> Any:
    """L-BFGS-B on ``loss_grad`` over ``size`` parameters ``t * (h, J)``, from the independent
    model of the columns' ``means`` (biases ``logit(mean)``, no couplings)."""
    theta0 = np.zeros(size)
    m = np.clip(means, 1e-3, 1 - 1e-3)
    theta0[: m.size] = np.log(m / (1 - m))
    options = {"maxiter": max_iter, "gtol": tol, "ftol": 1e-15}
    return minimize(loss_grad, theta0, jac=True, method="L-BFGS-B", options=options)


def _check_converged(res: Any, what: str, tol: float, max_iter: int, no_maximum: str) -> None:
    """Raise when L-BFGS-B's result ``res`` is not a minimum (``what``: the fit's name;
    ``no_maximum``: the case in which the fit has none, named in the advice)."""
    if not np.all(np.isfinite(res.x)):
        raise ValueError(f"{what} fit failed: {res.message}")
    if res.success:
        return
    grad = float(np.max(np.abs(res.jac), initial=0.0))
    if res.status == 1:  # L-BFGS-B's iteration / evaluation cap
        raise ValueError(
            f"{what} fit did not converge within max_iter={max_iter} iterations or L-BFGS-B's "
            f"cap on evaluations (L-BFGS-B: {res.message!s}; max |gradient| {grad:.3g}, "
            f"tol={tol:g}); raise `max_iter` or `tol`"
        )
    if grad > _LINE_SEARCH_GTOL:
        raise ValueError(
            f"{what} fit stopped before converging (L-BFGS-B: {res.message!s}; "
            f"max |gradient| {grad:.3g} > tol={tol:g}, after {res.nit} of max_iter="
            f"{max_iter} iterations); raise `tol`, or add a small `l2` > 0 (a ridge penalty, "
            f"biased towards 0) if {no_maximum}"
        )
    # else: the line search found no decrease with the gradient already at rounding level
    # (seen once in ~900 pseudo-likelihood fits of the tests' cases, max |gradient| 3e-9)


def _statistics(V: NDArray[np.float64]) -> NDArray[np.float64]:
    """The sufficient statistics ``(n_i, n_i n_j for i < j)`` of each row of ``V``."""
    iu = np.triu_indices(V.shape[1], k=1)
    return np.hstack([V, V[:, iu[0]] * V[:, iu[1]]])


def _all_values(theta: NDArray[np.float64], n: int) -> NDArray[np.float64]:
    """``theta . phi(x)`` for every state code ``x`` (bit ``i`` = ``n_i``): minus the energy of
    the model whose biases are ``theta[:n]`` and couplings ``theta[n:]`` (upper triangle), by
    the exact solver's table (O(2^n n))."""
    J = np.zeros((n, n))
    J[np.triu_indices(n, k=1)] = theta[n:]
    return -np.asarray(low_block_energies(np.ascontiguousarray(theta[:n]), J, n))


def _fit_likelihood(
    X: NDArray[np.float64], t: float, l2: float, tol: float, max_iter: int
) -> SpinGlass:
    S, n = X.shape
    first, counts = distinct_rows(X)
    U = X[first]
    mu = (counts / S) @ _statistics(U)  # the samples' moments: the loss's only data
    if l2 == 0.0:
        _check_face(U)
    states = decode(np.arange(1 << n, dtype=np.int64), n).astype(np.float64)
    iu = np.triu_indices(n, k=1)

    def loss_grad(theta: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        # mean -log P(x) = log Z - theta . mu, theta = t * eps; gradient: model moments - mu
        g = _all_values(theta, n)
        log_z = float(logsumexp(g))
        p = np.exp(g - log_z)
        m = p @ states
        C = states.T @ (p[:, None] * states)
        grad = np.concatenate([m, C[iu]]) - mu
        return log_z - float(theta @ mu) + 0.5 * l2 * float(theta @ theta), grad + l2 * theta

    res = _minimize(loss_grad, mu[:n], mu.size, tol, max_iter)
    _check_converged(res, "likelihood", tol, max_iter, "the samples lie on a face")
    W = np.zeros((n, n))
    W[iu] = res.x[n:] / t
    return SpinGlass(W + np.diag(res.x[:n] / t))


def _check_nnz(U: NDArray[np.float64]) -> int:
    """Nonzeros of :func:`_separated_nodes`' constraint matrix for distinct rows ``U``."""
    r, n = U.shape
    return r * n + int(np.count_nonzero(U)) * (n - 1)


def _check_separable(U: NDArray[np.float64], res: Any, unpack: Any) -> None:
    """Raise when the samples are separable (the pseudo-likelihood has no maximum).

    Without a penalty, the maximum-likelihood estimate exists only when no direction of the
    parameters raises every sample's conditional log-probability at once (logistic regression's
    separation; a constant column is the simplest case). Along such a direction L-BFGS-B runs
    off until its tolerances stop it and returns huge couplings as if converged (n = 10, t = 3,
    10^4 samples: eps_77 fitted 52 against 0.71). The direction is found, or ruled out, by
    linear programming on the distinct rows: before the fit (``res`` None) when the programme
    is small (:data:`_ALWAYS_CHECK_NNZ`), after it (``res`` L-BFGS-B's result) only when the fit
    looks divergent.
    """
    nnz = _check_nnz(U)
    if res is not None:  # after the fit: a big programme, run only on a suspect fit
        suspect = not res.success or not np.all(np.isfinite(res.x))
        if not suspect:
            b, W = unpack(res.x)
            suspect = float(np.max(np.abs(U @ W + b))) >= _SUSPECT_LOGIT
        if not suspect:
            return
        if nnz > _MAX_CHECK_NNZ or memory_shortfall(24.0 * nnz) is not None:
            warnings.warn(
                f"the pseudo-likelihood fit has logits of magnitude >= {_SUSPECT_LOGIT:g} or did "
                f"not converge, and checking the samples for separation is too big to run "
                f"({nnz} nonzeros; limit {_MAX_CHECK_NNZ}): the fitted couplings may be "
                "diverging; collect more samples, or pass a small l2 > 0 (a ridge penalty on the "
                "mean loss: biased towards 0 at any sample size)",
                RuntimeWarning,
                stacklevel=4,
            )
            return
    nodes = _separated_nodes(U)
    if nodes.size:
        listed = ", ".join(str(int(i)) for i in nodes[:10]) + (", ..." if nodes.size > 10 else "")
        raise ValueError(
            f"`samples` are separable: the pseudo-likelihood has no maximum (it keeps rising as "
            f"the bias and couplings of node(s) {listed} grow without bound), so eps cannot be "
            "identified from them; collect more samples, or pass a small l2 > 0 (a ridge penalty "
            "on the mean loss, i.e. a Gaussian prior of precision l2 * num_samples: it makes the "
            "fit exist but biases it towards 0 at any sample size)"
        )


#: The face check (:func:`_face_direction`) adds up to this many violated states per round of
#: its cutting planes, and gives up (a RuntimeWarning) after :data:`_FACE_ROUNDS` rounds.
_FACE_CUTS = 64
_FACE_ROUNDS = 200
#: A state's constraint counts as violated above this: HiGHS's own feasibility tolerance
#: (1e-7), so that a solution HiGHS calls feasible does not re-add the cuts it holds (at 1e-9
#: rounds re-added the same states until the cap: a face missed, a fit to |eps| = 126).
_FACE_TOL = 1e-7


def _check_face(U: NDArray[np.float64]) -> None:
    """Raise when the distinct rows ``U`` lie on a face of the marginal polytope (no maximum
    likelihood), naming a pattern of node values that no sample shows: a pair's first (each
    missing pair pattern is a face by itself, found in O(rows n^2)), else the face's."""
    n = U.shape[1]
    missing = _missing_pair_patterns(U)
    if missing:
        (i, j, a, b), more = missing[0], len(missing) - 1
        names, values = f"n_{i}, n_{j}", f"{a}, {b}"
        rest = f" (and {more} other pair pattern{'s' if more > 1 else ''})" if more else ""
        among = "this pair"
    else:
        d = _face_direction(U)
        if d is None:
            return
        iu = np.triu_indices(n, k=1)
        touched = np.abs(d[:n]) > 1e-7
        for k in np.flatnonzero(np.abs(d[n:]) > 1e-7):
            touched[iu[0][k]] = touched[iu[1][k]] = True
        nodes = np.flatnonzero(touched)
        # d . phi depends on the touched nodes only, and is largest (= every sample's) on the
        # face: the state of least d . phi shows a pattern on them that no sample has
        worst = decode(np.array([int(np.argmin(_all_values(d, n)))]), n)[0]
        shown, cut = nodes[:10], ", ..." if nodes.size > 10 else ""
        names = ", ".join(f"n_{int(k)}" for k in shown) + cut
        values = ", ".join(str(int(worst[k])) for k in shown) + cut
        rest, among = "", "these nodes"
    raise ValueError(
        f"`samples` ({U.shape[0]} distinct rows, n={n}) lie on a face of the marginal polytope: "
        f"no sample has ({names}) = ({values}){rest}, and the likelihood keeps rising as the "
        f"couplings among {among} run off to infinity (no maximum-likelihood estimate); "
        "collect more samples, or pass a small l2 > 0 (a ridge penalty, biased towards 0)"
    )


def _missing_pair_patterns(U: NDArray[np.float64]) -> list[tuple[int, int, int, int]]:
    """``(i, j, a, b)`` for each pair ``i < j`` and values ``(a, b)`` that no row of ``U``
    shows: each is a face (e.g. ``n_i n_j = 0`` on every sample for ``(1, 1)``)."""
    V = 1.0 - U
    counts = {(1, 1): U.T @ U, (1, 0): U.T @ V, (0, 1): V.T @ U, (0, 0): V.T @ V}
    iu = np.triu_indices(U.shape[1], k=1)
    found = [
        (int(iu[0][k]), int(iu[1][k]), a, b)
        for (a, b), C in counts.items()
        for k in np.flatnonzero(C[iu] == 0)
    ]
    return sorted(found)


def _face_direction(U: NDArray[np.float64]) -> NDArray[np.float64] | None:
    """A direction ``d`` of the parameters along which the likelihood of the distinct rows
    ``U`` rises without bound, or None when the maximum-likelihood estimate exists.

    ``d`` exists exactly when the samples' statistics ``phi(u) = (u_i, u_i u_j)`` all lie on a
    proper face of the marginal polytope: ``d . phi(u) = c`` for every sample and
    ``d . phi(x) <= c`` for every state ``x``, with ``<`` somewhere (the exponential family's
    condition for its maximum to exist, as separation is logistic regression's). The equalities
    restrict ``d = N z`` to the null space ``N`` of the samples' differences (none when they
    span every direction: the usual case; from the SVD of their QR factor, which does not
    square the condition number as the Gram matrix would). The linear programme maximises the
    mean slack ``c - mean_x d . phi(x)`` (in closed form) for ``z`` in a box, subject to the
    ``2^n`` inequalities, which are added as they are violated: each round enumerates
    ``d . phi`` over all states (the exact solver's table) and adds the most violated ones not
    added before; a round with none new has the whole programme's optimum.
    """
    n = U.shape[1]
    P = _statistics(U)
    K = P.shape[1]
    A = P[1:] - P[0]
    if A.shape[0]:
        R = np.linalg.qr(A, mode="r")  # A's row space in at most K x K
        _, sv, Vt = np.linalg.svd(R, full_matrices=True)
        rank = int(np.sum(sv > sv.max(initial=0.0) * max(A.shape) * np.finfo(float).eps))
    else:
        rank, Vt = 0, np.eye(K)
    if rank == K:
        return None
    N = Vt[rank:].T  # d = N z keeps every sample on one level set of d . phi
    mean_phi = np.concatenate([np.full(n, 0.5), np.full(K - n, 0.25)])
    cost = -N.T @ (P[0] - mean_phi)  # minimise minus the mean slack
    flips = np.repeat(U[:1], n, axis=0)
    flips[np.arange(n), np.arange(n)] = 1.0 - flips[np.arange(n), np.arange(n)]
    rows = (_statistics(flips) - P[0]) @ N  # the first cuts: the first sample's single flips
    added: set[int] = set()
    why = f"within {_FACE_ROUNDS} rounds"
    for _ in range(_FACE_ROUNDS):
        res = _face_lp(cost, rows)
        if res.status != 0:
            why = f"(the linear programme failed: {res.message})"
            break
        d = N @ res.x
        excess = _all_values(d, n) - float(d @ P[0])
        worst = np.argpartition(excess, -min(_FACE_CUTS, excess.size))[-_FACE_CUTS:]
        top = [int(k) for k in worst if excess[k] > _FACE_TOL and int(k) not in added]
        if not top:  # every state's inequality holds (to HiGHS's tolerance): the optimum
            level = P @ d
            flat = float(level.max() - level.min()) <= 1e-6  # the samples on one level set
            return d if -res.fun > 1e-6 and flat else None
        added.update(top)
        more = _statistics(decode(np.array(top, dtype=np.int64), n).astype(np.float64)) - P[0]
        rows = np.vstack([rows, more @ N])
    warnings.warn(
        f"could not decide {why} whether the samples lie on a face of the marginal polytope "
        "(then the likelihood has no maximum and the couplings may run off to infinity); "
        "fitting anyway",
        RuntimeWarning,
        stacklevel=5,  # _check_face, _fit_likelihood, fit: the caller of isingeq.fit
    )
    return None


def _face_lp(cost: NDArray[np.float64], rows: NDArray[np.float64]) -> Any:
    """The face check's programme over ``z`` in a box, by HiGHS's simplex, then, where that
    ends without an answer (seen once: status "Unknown"), by its interior-point method."""
    res = None
    for method in ("highs", "highs-ipm"):
        res = linprog(cost, A_ub=rows, b_ub=np.zeros(len(rows)), bounds=(-1.0, 1.0), method=method)
        if res.status == 0:
            break
    return res


def _separated_nodes(U: NDArray[np.float64]) -> NDArray[np.intp]:
    """The nodes a separating direction separates, empty when the samples are not separable.

    Variables ``d`` = (bias of each node, coupling of each pair), in ``[-1, 1]``. For distinct
    row ``u`` and node ``i`` the margin ``(2 u_i - 1) (d_i + sum_{j != i} d_ij u_j)`` is the
    change of node ``i``'s logit towards its observed value. The programme maximises the sum of
    margins subject to every margin ``>= 0``; a positive optimum is a direction along which the
    loss only falls (no maximum-likelihood estimate), zero means none exists.
    """
    r, n = U.shape
    iu = np.triu_indices(n, k=1)
    pair = np.zeros((n, n), dtype=np.int64)
    pair[iu] = n + np.arange(iu[0].size)
    pair = pair + pair.T
    Y = 2.0 * U - 1.0
    rows_u, cols_j = np.nonzero(U)  # each (u, j) with u_j = 1 enters every other node's margin
    i = np.broadcast_to(np.arange(n), (rows_u.size, n))
    keep = i != cols_j[:, None]
    uu = np.broadcast_to(rows_u[:, None], i.shape)[keep]
    ii = i[keep]
    jj = np.broadcast_to(cols_j[:, None], i.shape)[keep]
    row = np.concatenate([np.arange(r * n), uu * n + ii])
    col = np.concatenate([np.tile(np.arange(n), r), pair[ii, jj]])
    val = np.concatenate([Y.ravel(), Y[uu, ii]])
    M = sp.csr_array((val, (row, col)), shape=(r * n, n + iu[0].size))
    c = -np.asarray(M.sum(axis=0)).ravel()
    res = linprog(c, A_ub=-M, b_ub=np.zeros(r * n), bounds=(-1.0, 1.0), method="highs")
    # rounding is ~1e-9; separated rows add margins of order 1
    if res.status != 0 or -res.fun <= 1e-6:
        return np.zeros(0, dtype=np.intp)
    margins = (M @ res.x).reshape(r, n)
    return np.flatnonzero((margins > 1e-7).any(axis=0))


def reconstruction_error(learned: SpinGlass, true: SpinGlass) -> float:
    """``max |eps_learned - eps_true|`` over all entries (upper triangle, diagonal included).

    The largest error of any one weight, not a mean: one coupling learned wrong shows, however
    many others are right. Two sparse models are compared without building a dense ``n x n``
    array.

    Parameters
    ----------
    learned : SpinGlass
        The model learned from samples (e.g. by :func:`~isingeq.fit`).
    true : SpinGlass
        The model the samples were drawn from, of the same size ``n``.

    Returns
    -------
    float
        ``>= 0``, in the units of ``eps`` (0 when the two models have the same ``eps``; the
        offset is not compared).

    Raises
    ------
    TypeError
        If ``learned`` or ``true`` is not a :class:`~isingeq.SpinGlass`.
    ValueError
        If the two models differ in size.

    Examples
    --------
    >>> import isingeq
    >>> a = isingeq.SpinGlass([[1.0, 0.5], [0.0, 0.0]])
    >>> b = isingeq.SpinGlass([[1.0, 0.25], [0.0, 0.0]])
    >>> isingeq.reconstruction_error(a, b)
    0.25
    """
    check_model(learned, "learned")
    check_model(true, "true")
    if learned.n != true.n:
        raise ValueError(
            f"`learned` (n={learned.n}) and `true` (n={true.n}) must be models of the same size"
        )
    if learned.is_sparse and true.is_sparse:  # stay sparse: no n x n array for big models
        dJ = abs(sp.csr_array(learned.J) - sp.csr_array(true.J))
        worst = float(dJ.max()) if dJ.nnz else 0.0
    else:
        worst = float(np.max(np.abs(learned.dense_J() - true.dense_J()), initial=0.0))
    return float(max(worst, np.max(np.abs(learned.h - true.h))))
