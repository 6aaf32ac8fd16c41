"""Solvers for ``isingeq bench``: isingeq's own methods and peer libraries, one adapter each.

Every adapter answers the same three questions:

* ``available()`` -- None when it can run here, else the reason (``"dwave-samplers is not
  installed: pip install 'isingeq[bench]'"``);
* ``prepare(instance)`` -- per-instance set-up that is not the solver's work and is done once,
  untimed: the dimod BQM (``model.to_bqm()``), a peer's own model object, and the calibration of
  peers that take no time limit (a few short runs that measure a fixed cost per call and a cost
  per sweep / step, from which a run's length is chosen to fill a budget);
* ``run(instance, budget_s, seed)`` -- one timed run that aims to use ``budget_s`` seconds and
  returns a :class:`RunOutcome`. The best state is chosen by ``instance.model.energy``
  (:mod:`isingeq.model`), never by the peer's own number; dimod samples are put in variable
  order ``0..n-1`` and SPIN values mapped by ``x = (s + 1) / 2``.

* ``calibrate(instance, budget_s)`` -- untimed, once per (instance, budget), before the first
  timed run at that budget: peers that take no time limit make a couple of trial runs sized
  to :data:`TRIAL_FRACTION` of the budget (capped at :data:`TRIAL_MAX_S`; the annealers: at
  1/4, 1/2 and 1 x the budget, capped at :data:`SWEEP_TRIAL_MAX_S`) and fit their cost
  (units: sweeps, steps, Tabu's timeout) from them and the short runs of ``prepare``: linear
  ``fixed + per_unit * units`` for steps and timeouts, ``fixed + a * sweeps**p`` for the
  annealers, whose sweeps get cheaper as a run gets longer. A 1 s budget is thus fitted on
  runs of 0.4-1 s, not on a span of a few ms that on a large instance was off by 5x. Every
  timed run refines the fit again.

How each one fills a budget (what a peer does not bound itself, the bench records honestly as
the wall time actually used, and its ``budget_use`` = time / budget; an adapter that knows it
cannot fit a budget -- its fixed cost per call is larger -- says why in ``extra["over_budget"]``
and the bench records such a run as "over budget: <why>"):

==================  =============================================================================
``mfa``             ``isingeq.solve(method="mfa", time_limit=budget)``; its set-up (``t_c``) counts
``mfa-async``       the same with ``method="mfa-async"``
``greedy``          isingeq's 1-flip descent from random states, in batches, until the budget
                    (the last batch shrunk to the time left)
``dwave-sa``        ``SimulatedAnnealingSampler``, one read, ``num_sweeps`` calibrated; its default
                    ``beta_range`` (a Python loop over every coupling, slow on dense models)
                    is computed once per instance, untimed, and passed in
``dwave-tabu``      ``TabuSampler``, one read, ``timeout`` = budget less its calibrated per-call cost
``dwave-steepest``  ``SteepestDescentSolver`` from random states, ``num_reads`` batches until the budget
                    (the last batch shrunk to the time left)
``openjij-sa``      ``openjij.SASampler`` on an OpenJij model built once, ``num_sweeps`` calibrated
``sb``              ``simulated_bifurcation.minimize`` on the spin form (``model.to_spin()``,
                    dense torch tensors), ``agents`` and ``max_steps`` calibrated, its
                    ``timeout`` as a guard; restarted, the last run shortened to the time left
``mq-bsb``          MindQuantum's ``BSB`` / ``DSB`` (``mindquantum.algorithm.qaia``, optional:
``mq-dsb``          ``pip install --no-deps mindquantum``) on the spin form (CSR), ``batch_size``
                    and ``n_iter`` calibrated like ``sb``; restarted like ``sb``
==================  =============================================================================

One module per peer library (``dwave``, ``openjij``, ``bifurcation``), isingeq's own methods in
``isingeq_methods``, and the protocol with what the adapters share (calibration, outcomes,
thread limits) in ``_base``. The costs that set these choices are measured by
``benchmarks/bench_peers_equal_time.py``, and their figures live in the README.
"""

from __future__ import annotations

from collections.abc import Callable

from ._base import (
    BUDGET_BAND,
    SWEEP_TRIAL_MAX_S,
    TRIAL_FRACTION,
    TRIAL_MAX_S,
    Adapter,
    RunOutcome,
    TargetOutcome,
    limit_threads,
    states_from_sampleset,
)
from .bifurcation import MqBSBAdapter, MqDSBAdapter, SBAdapter
from .dwave import DwaveSAAdapter, DwaveSteepestAdapter, DwaveTabuAdapter
from .isingeq_methods import (
    GreedyAdapter,
    MfaAdapter,
    MfaAsyncAdapter,
    MfaHybridAdapter,
    TabuAdapter,
)
from .openjij import OpenJijSAAdapter

__all__ = [
    "ADAPTERS",
    "BUDGET_BAND",
    "SWEEP_TRIAL_MAX_S",
    "TRIAL_FRACTION",
    "TRIAL_MAX_S",
    "Adapter",
    "RunOutcome",
    "TargetOutcome",
    "adapter",
    "limit_threads",
    "states_from_sampleset",
]


#: Solver name -> adapter factory, in the order the bench runs them.
ADAPTERS: dict[str, Callable[[], Adapter]] = {
    cls.name: cls
    for cls in (
        MfaAdapter,
        MfaAsyncAdapter,
        MfaHybridAdapter,
        TabuAdapter,
        GreedyAdapter,
        DwaveSAAdapter,
        DwaveTabuAdapter,
        DwaveSteepestAdapter,
        OpenJijSAAdapter,
        SBAdapter,
        MqBSBAdapter,
        MqDSBAdapter,
    )
}


def adapter(name: str) -> Adapter:
    """A fresh adapter for a registered solver name.

    Raises
    ------
    ValueError
        For an unknown name (the message lists the known ones).

    Examples
    --------
    >>> adapter("mfa").available() is None
    True
    """
    try:
        factory = ADAPTERS[name]
    except KeyError:
        raise ValueError(f"unknown solver {name!r}; known solvers: {', '.join(ADAPTERS)}") from None
    return factory()
