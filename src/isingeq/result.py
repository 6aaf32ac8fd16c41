"""The one result type every solver returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .model import SpinGlass

__all__ = ["SolveResult"]


@dataclass(frozen=True, eq=False)
class SolveResult:
    """What a solver found: samples, their energies, optional marginals and run information.

    Attributes
    ----------
    samples : ndarray of uint8, shape (num_reads, n)
        0/1 states, one per read (for ``exact``: the ground states, then the next-lowest states
        when asked for).
    energies : ndarray of float64, shape (num_reads,)
        ``H`` of each sample, recomputed from the model (see :mod:`isingeq.model`).
    marginals : ndarray of float64, shape (num_reads, n) or (n,), or None
        The continuous ``<n_i>`` where the method has them (mean-field solutions, or the exact
        Boltzmann marginals at finite ``t``), else None.
    method : str
        The registered method name.
    info : dict
        ``time_ns`` (wall time), and method-specific extras (iterations, convergence, ...).

    Examples
    --------
    >>> import isingeq
    >>> r = isingeq.solve(isingeq.SpinGlass([[1.0, -2.0], [0.0, 1.0]]), method="exact")
    >>> r.best_sample, r.best_energy
    (array([1, 0], dtype=uint8), -1.0)
    """

    samples: NDArray[np.uint8]
    energies: NDArray[np.float64]
    method: str
    marginals: NDArray[np.float64] | None = None
    info: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_samples(
        cls,
        model: SpinGlass,
        samples: NDArray[Any],
        method: str,
        *,
        marginals: NDArray[np.float64] | None = None,
        info: dict[str, Any] | None = None,
    ) -> SolveResult:
        """Build a result, recomputing the energies from ``model`` (never trusting a solver's)."""
        s = np.ascontiguousarray(np.atleast_2d(samples), dtype=np.uint8)
        if s.shape[1] != model.n:
            raise ValueError(f"`samples` must have {model.n} columns; got shape {s.shape}")
        energies = model._energy_unchecked(s.astype(np.float64))
        return cls(s, energies, method, marginals, dict(info or {}))

    @property
    def num_reads(self) -> int:
        """Number of samples."""
        return int(self.samples.shape[0])

    @property
    def best_index(self) -> int:
        """Row of the lowest-energy sample (the first one on ties)."""
        return int(np.argmin(self.energies))

    @property
    def best_sample(self) -> NDArray[np.uint8]:
        """The lowest-energy sample, shape (n,)."""
        return self.samples[self.best_index]

    @property
    def best_energy(self) -> float:
        """The lowest energy found."""
        return float(self.energies[self.best_index])

    @property
    def time_s(self) -> float:
        """Wall time of the solve in seconds."""
        return float(self.info.get("time_ns", 0)) * 1e-9

    def __repr__(self) -> str:
        return (
            f"SolveResult(method={self.method!r}, num_reads={self.num_reads}, "
            f"n={self.samples.shape[1]}, best_energy={self.best_energy:.6g}, "
            f"time_s={self.time_s:.3g})"
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable summary: best sample and energy, energies, info."""
        return {
            "method": self.method,
            "n": int(self.samples.shape[1]),
            "num_reads": self.num_reads,
            "best_energy": self.best_energy,
            "best_sample": self.best_sample.tolist(),
            "energies": self.energies.tolist(),
            "time_s": self.time_s,
            "info": _jsonable(self.info),
        }


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, np.generic):
        return obj.item()
    return obj
