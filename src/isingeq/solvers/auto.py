"""``method="auto"``, the default of ``isingeq.solve`` and ``isingeq solve``: the right method for
the model.

Exact enumeration where it is cheap, the strongest heuristic otherwise:

* ``n <= AUTO_EXACT_MAX_N`` (2^24 states, a few hundredths of a second with the block Gray-code
  kernel; rate from ``benchmarks/bench_exact.py``) and no ``target_energy``: ``exact``, which
  proves the ground state;
* anything that needs enumeration (``t`` for the exact Boltzmann marginals, ``num_states > 1``
  for the k lowest states): ``exact``, refused with a clear message beyond its limit;
* otherwise ``mfa-hybrid``, the method with the lowest mean gap to the best-known values, at
  equal CPU, on all 71 Gset graphs and on every family of them (README, "Real instances and
  the peers": ``isingeq bench --suite gset --threads 1``); on well-connected models it is
  ``mfa-async``'s mean-field annealing alone.

``result.info["auto"]`` says what was chosen and why; ``result.method`` and the rest of the
info are those of the method that ran.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validation import check_int, check_real
from ..model import SpinGlass
from ..result import SolveResult
from ._common import time_budget
from ._registry import METHODS, register
from .exact import EXACT_MAX_N, _fmt_seconds, enumeration_seconds

__all__ = ["AUTO_EXACT_MAX_N", "AUTO_HEURISTIC", "solve_auto"]

#: Largest n that ``auto`` enumerates exactly on its own.
AUTO_EXACT_MAX_N = 24
#: The heuristic ``auto`` runs on larger models.
AUTO_HEURISTIC = "mfa-hybrid"


@register("auto", dispatch=True, interruptible=True)
def solve_auto(
    model: SpinGlass,
    *,
    rng: np.random.Generator | None = None,
    num_reads: int | None = None,
    time_limit: float | None = None,
    target_energy: float | None = None,
    t: float | None = None,
    num_states: int = 1,
) -> SolveResult:
    """Enumerate small models exactly; run the strongest heuristic on the others.

    Parameters
    ----------
    model : SpinGlass
    rng : None, int, SeedSequence or Generator, optional
        Passed to the heuristic (``exact`` needs none).
    num_reads : int, optional
        Replicas of the heuristic (``exact`` returns every ground state instead).
    time_limit : float, optional
        Seconds of wall time from entry, for the heuristic.
    target_energy : float, optional
        Stop the heuristic once ``H <= target_energy``; with a target, ``auto`` runs the
        heuristic even on a small model.
    t : float, optional
        Also compute the exact Boltzmann marginals at ``t`` (needs ``exact``).
    num_states : int, default 1
        The ``num_states`` lowest states (needs ``exact`` when > 1).

    Returns
    -------
    SolveResult
        The chosen method's result; ``info["auto"]`` = ``{"chosen": name, "reason": text}``.

    Raises
    ------
    ValueError
        When ``t`` or ``num_states > 1`` asks for enumeration on a model beyond the exact
        method's limit, or an option has a bad value.

    Examples
    --------
    >>> import isingeq
    >>> r = isingeq.solve(isingeq.paper_instance(10, rng=0))
    >>> r.method, r.info["auto"]["chosen"]
    ('exact', 'exact')
    >>> r = isingeq.solve(isingeq.paper_instance(40, rng=0), num_reads=2, rng=0)
    >>> r.method, r.num_reads
    ('mfa-hybrid', 2)
    """
    n = model.n
    num_states = check_int("num_states", num_states, low=1)
    # validated here, whatever runs: exact takes none of these three, and a bad value must not
    # pass unseen just because the model happens to be small
    if num_reads is not None:
        num_reads = check_int("num_reads", num_reads, low=1)
    time_limit, _, target_energy = time_budget(0, time_limit, target_energy)
    if t is not None:  # as exact checks it: a bad t says so, not "needs exact enumeration"
        t = check_real("t", t, low=0.0)
    # ``t is not None``: t = 0 (== False) asks for the t = 0 marginals as much as any other t
    needs = [name for name, v in (("t", t is not None), ("num_states", num_states > 1)) if v]
    exact_opts: dict[str, Any] = {"num_states": num_states}
    if t is not None:
        exact_opts["t"] = t
    if needs:
        if n > EXACT_MAX_N:
            raise ValueError(
                f"`{needs[0]}` needs exact enumeration, and n={n} is beyond the exact method's "
                f"limit of {EXACT_MAX_N} (2^{n} states); leave out `{needs[0]}` to let 'auto' run "
                f"the heuristic '{AUTO_HEURISTIC}'"
            )
        chosen, why = "exact", f"`{needs[0]}` needs exact enumeration"
    elif n <= AUTO_EXACT_MAX_N and target_energy is None:
        chosen = "exact"
        est = enumeration_seconds(n)
        when = "under a millisecond" if est < 1e-3 else _fmt_seconds(est)
        why = f"n={n} <= {AUTO_EXACT_MAX_N}: {2**n:,} states, enumerated exactly in {when}"
    else:
        chosen = AUTO_HEURISTIC
        why = (
            "a target energy was given"
            if n <= AUTO_EXACT_MAX_N
            else f"n={n} > {AUTO_EXACT_MAX_N}: too many states to enumerate cheaply"
        )
    if chosen == "exact":
        res = METHODS["exact"](model, **exact_opts)
    else:
        opts = {"num_reads": num_reads, "time_limit": time_limit, "target_energy": target_energy}
        res = METHODS[chosen](model, rng=rng, **{k: v for k, v in opts.items() if v is not None})
    res.info["auto"] = {"chosen": chosen, "reason": why}
    return res
