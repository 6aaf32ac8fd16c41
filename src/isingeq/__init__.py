"""isingeq: ground states of spin-glass Ising / QUBO models by solving their simultaneous equations.

The model and its energy convention are stated once, in :mod:`isingeq.model`.
"""

from importlib.metadata import PackageNotFoundError as _PackageNotFoundError
from importlib.metadata import version as _version
from typing import Any as _Any

from . import io
from .datasets import resolve
from .generators import ea_instance, paper_instance, sk_instance
from .instance import Instance
from .model import SpinGlass
from .perceptron import (
    FixedPointResult,
    Perceptron,
    conditional_identity_error,
    fit,
    fixed_points,
    ground_state_basin,
    mean_field_error,
    reconstruction_error,
    sample_boltzmann,
)
from .result import SolveResult
from .solvers import (
    EXACT_MAX_N,
    METHODS,
    Interrupted,
    ProgressEvent,
    Trace,
    critical_t,
    eq16_residual,
    exact_log_partition,
    method_options,
    one_flip_stable,
    polish,
    solve,
)


def __getattr__(name: str) -> _Any:
    # networkx is optional: isingeq.maxcut is imported on first use, so that `import isingeq`
    # does not import networkx (see isingeq.integrations.networkx).
    if name == "maxcut":
        from .integrations.networkx import maxcut

        return maxcut
    raise AttributeError(f"module 'isingeq' has no attribute {name!r}")


try:  # private names: `isingeq.version` was importlib's function, not isingeq's version
    __version__ = _version("isingeq")
except _PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "EXACT_MAX_N",
    "METHODS",
    "FixedPointResult",
    "Instance",
    "Interrupted",
    "Perceptron",
    "ProgressEvent",
    "SolveResult",
    "SpinGlass",
    "Trace",
    "__version__",
    "conditional_identity_error",
    "critical_t",
    "ea_instance",
    "eq16_residual",
    "exact_log_partition",
    "fit",
    "fixed_points",
    "ground_state_basin",
    "io",
    "maxcut",
    "mean_field_error",
    "method_options",
    "one_flip_stable",
    "paper_instance",
    "polish",
    "reconstruction_error",
    "resolve",
    "sample_boltzmann",
    "sk_instance",
    "solve",
]
