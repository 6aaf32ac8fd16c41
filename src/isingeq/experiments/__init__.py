"""Experiments: the paper's table and the peer benchmark, with their records on disk.

==================  =========================================================================
:mod:`.reproduce`   the paper's table (section 4): eq. 16 against the exact ground state
:mod:`.bench`       ``isingeq bench``: the run and its records; the plan in :mod:`.bench_plan`,
                    the summary in :mod:`.bench_summary`, the solvers' adapters in :mod:`.peers`
:mod:`.records`     the records layer: resumable CSV records, atomic CSV / JSON, ``json_safe``
==================  =========================================================================

The perceptron's experiments live with the perceptron (:mod:`isingeq.perceptron.experiment`);
instances are named by :func:`isingeq.datasets.resolve`.
"""

from .reproduce import (
    PAPER_TABLE,
    ReproduceRun,
    default_methods,
    run_reproduce,
    summarize,
    write_outputs,
)

__all__ = [
    "PAPER_TABLE",
    "ReproduceRun",
    "default_methods",
    "run_reproduce",
    "summarize",
    "write_outputs",
]
