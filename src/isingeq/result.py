"""The one result type every solver returns, and the ``info`` core every method fills.

Every method returns a :class:`SolveResult` of the same shape:

* ``samples`` (num_reads, n) uint8 0/1 states and ``energies`` (num_reads,) recomputed from the
  model (:mod:`isingeq.model`), never taken from a solver's own arithmetic (``spins``: the
  same states as int8 -1/+1, where ``2 * samples - 1`` would wrap in uint8);
* ``marginals`` (num_reads, n) float64 in [0, 1] -- the continuous ``<n_i>`` behind each sample
  (the solution of eq. 16 a mean-field method rounded; for ``exact`` at a finite ``t`` the exact
  Boltzmann marginals, the same row for every sample) -- or None where the method has none;
* ``info``, a dict whose **core** is the same for every method
  (:data:`~isingeq.result.INFO_CORE`):

  ``method``
      the method that ran (for ``auto``: the one it chose; ``info["auto"]`` says why)
  ``options``
      every option of that method with the value it ran with (defaults resolved; arrays
      longer than 16 entries by their shape)
  ``time_ns``
      wall time in ns from entry to return, set-up (``t_c``, copies) included
  ``sweeps``
      int: sweeps run, one sweep being one update of every variable. Replicas that anneal on
      one shared ladder (mfa, mfa-async) count a ladder step once; reads that run on their own
      (greedy, scipy-root) are summed. For scipy-root a sweep is one evaluation of eq. 16 by
      the root finder; ``exact`` visits states, not sweeps, and reports 0
      (``states_enumerated`` has the count)
  ``stopped``
      why it stopped: "enumerated", "converged", "not_converged", "max_sweeps", "schedule"
      (the t ladder ran out), "saturated" (every ``<n_i>`` at 0/1 early), "time_limit",
      "target_energy" or "interrupted" (Ctrl-C; the result then comes with
      :class:`isingeq.Interrupted`)

  Method extras keep one name for one thing: ``t_schedule`` (the t ladder of the first round),
  ``residual`` (num_reads,) (``max_i |<n_i> - sigmoid(t xi_i)|`` at the last ``t``),
  ``converged`` (num_reads,), ``sweeps_per_read`` (num_reads,), ``rounds``, ``field_scale``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._json import json_safe
from .model import SpinGlass

__all__ = ["INFO_CORE", "SolveResult"]

#: Keys every method puts in ``info`` (see the module docstring).
INFO_CORE = ("method", "options", "time_ns", "sweeps", "stopped")


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
    marginals : ndarray of float64, shape (num_reads, n), or None
        The continuous ``<n_i>`` behind each sample where the method has them (mean-field
        solutions; for ``exact`` at a finite ``t`` the exact Boltzmann marginals, one row per
        sample), else None.
    method : str
        The registered method that ran.
    info : dict
        The core of :data:`~isingeq.result.INFO_CORE` (method, options, time_ns, sweeps, stopped)
        and the method's documented extras (see :mod:`isingeq.result`).

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
        """Build a result, recomputing the energies from ``model`` (never trusting a solver's).

        Raises
        ------
        ValueError
            If ``samples`` is not (n,) or (num_reads >= 1, n), holds values other than 0 and 1
            (a -1 spin would wrap to 255 in uint8, a 0.7 be truncated), or ``marginals`` has
            another shape.
        TypeError
            If ``samples`` holds strings, objects or complex numbers.
        """
        checked = model.check_states(samples, name="samples")  # shape, dtype, 0/1 only
        s = np.ascontiguousarray(np.atleast_2d(checked), dtype=np.uint8)
        if s.shape[0] == 0:  # best_energy / best_sample have nothing to return
            raise ValueError(f"`samples` must have at least one row; got shape {s.shape}")
        if marginals is not None:
            marginals = np.ascontiguousarray(marginals, dtype=np.float64)
            if marginals.ndim == 1:  # one distribution for every sample (exact at finite t)
                marginals = np.repeat(marginals[None, :], s.shape[0], axis=0)
            if marginals.shape != s.shape:
                raise ValueError(
                    f"`marginals` must have the samples' shape {s.shape}; got {marginals.shape}"
                )
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
    def spins(self) -> NDArray[np.int8]:
        """The samples as spins ``s = 2 n - 1`` in {-1, +1}, int8, shape (num_reads, n).

        ``2 * samples - 1`` on the uint8 samples wraps -1 to 255; this is the conversion of
        :meth:`isingeq.SpinGlass.to_spin` (``E(s) = H(n)``), and dimod's SPIN sample dtype.

        Examples
        --------
        >>> import isingeq
        >>> m = isingeq.SpinGlass([[1.0, -2.0], [0.0, -1.0]])
        >>> isingeq.solve(m, method="exact").spins
        array([[ 1, -1]], dtype=int8)
        """
        return 2 * self.samples.astype(np.int8) - 1

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
        """A JSON-serialisable summary: best sample and energy, every sample (rows, 0/1) with
        its energy, info."""
        return {
            "method": self.method,
            "n": int(self.samples.shape[1]),
            "num_reads": self.num_reads,
            "best_energy": self.best_energy,
            "best_sample": self.best_sample.tolist(),
            "energies": self.energies.tolist(),
            # every row: several solutions (exact's num_states, a heuristic's reads) are the
            # point of asking for them, and best_sample alone dropped all but one
            "samples": self.samples.tolist(),
            "time_s": self.time_s,
            "info": json_safe(self.info),
        }
