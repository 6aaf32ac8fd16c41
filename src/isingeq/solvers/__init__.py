"""Solvers: one module per method, numba kernels in ``_kernels``, and the registry.

Every solver is ``solve_<name>(model, *, rng, <options>) -> SolveResult`` and is reachable as
``isingeq.solve(model, method="<name>", **options)``.
"""

from . import exact, greedy, mfa, mfa_async, scipy_root  # noqa: F401  (registration, in this order)
from ._registry import EXACT_METHODS, METHODS, method_options, parse_method_spec, register, solve
from .exact import EXACT_MAX_N, exact_log_partition, solve_exact
from .greedy import one_flip_stable, polish, solve_greedy
from .mfa import solve_mfa
from .mfa_async import solve_mfa_async
from .scipy_root import critical_t, eq16_residual, solve_scipy_root

__all__ = [
    "EXACT_MAX_N",
    "EXACT_METHODS",
    "METHODS",
    "critical_t",
    "eq16_residual",
    "exact_log_partition",
    "method_options",
    "one_flip_stable",
    "parse_method_spec",
    "polish",
    "register",
    "solve",
    "solve_exact",
    "solve_greedy",
    "solve_mfa",
    "solve_mfa_async",
    "solve_scipy_root",
]
