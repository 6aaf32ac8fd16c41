"""Solvers: one module per method, numba kernels in ``_kernels``, and the registry.

Every solver is ``solve_<name>(model, *, rng, <options>) -> SolveResult`` and is reachable as
``isingeq.solve(model, method="<name>", **options)``. The options share one vocabulary
(:data:`VOCABULARY`, ``docs/vocabulary.md``) and the results one shape (:mod:`isingeq.result`).
"""

from . import (  # noqa: F401  (registration, in this order)
    auto,
    exact,
    greedy,
    mfa,
    mfa_async,
    mfa_hybrid,
    scipy_root,
    tabu,
)
from ._common import eq16_residual
from ._progress import Interrupted, ProgressEvent, Trace
from ._registry import (
    DISPATCH_METHODS,
    EXACT_METHODS,
    INTERRUPTIBLE_METHODS,
    METHODS,
    RENAMED,
    method_options,
    parse_method_spec,
    register,
    resolve_options,
    solve,
)
from ._vocabulary import VOCABULARY, vocabulary_table
from .auto import AUTO_EXACT_MAX_N, AUTO_HEURISTIC, solve_auto
from .exact import EXACT_MAX_N, exact_log_partition, solve_exact
from .greedy import STABILITY_RTOL, one_flip_stable, polish, solve_greedy, stability_slack
from .mfa import solve_mfa
from .mfa_async import solve_mfa_async
from .mfa_hybrid import solve_mfa_hybrid
from .scipy_root import critical_t, solve_scipy_root
from .tabu import solve_tabu

__all__ = [
    "AUTO_EXACT_MAX_N",
    "AUTO_HEURISTIC",
    "DISPATCH_METHODS",
    "EXACT_MAX_N",
    "EXACT_METHODS",
    "INTERRUPTIBLE_METHODS",
    "METHODS",
    "RENAMED",
    "STABILITY_RTOL",
    "VOCABULARY",
    "Interrupted",
    "ProgressEvent",
    "Trace",
    "critical_t",
    "eq16_residual",
    "exact_log_partition",
    "method_options",
    "one_flip_stable",
    "parse_method_spec",
    "polish",
    "register",
    "resolve_options",
    "solve",
    "solve_auto",
    "solve_exact",
    "solve_greedy",
    "solve_mfa",
    "solve_mfa_async",
    "solve_mfa_hybrid",
    "solve_scipy_root",
    "solve_tabu",
    "stability_slack",
    "vocabulary_table",
]
