"""Problems as the field states them: a model plus the instance's own objective and sense.

A benchmark instance is a max-cut graph (maximise the cut), a QUBO to maximise (OR-Library) or
to minimise (Biq Mac), or a spin glass. Each becomes a :class:`isingeq.SpinGlass` whose energy
``H`` is an affine function of the instance's objective, ``objective(x) = scale * H(x) + shift``,
so every solver minimises ``H`` and results are reported in the instance's own terms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .model import SpinGlass

__all__ = ["Instance"]


@dataclass(frozen=True, eq=False)
class Instance:
    """A named problem: its model, its objective in its own sense, and its best-known value.

    Attributes
    ----------
    name : str
        E.g. ``"G22"``, ``"bqp250-3"``, ``"gka1a"``.
    model : SpinGlass
        Minimising ``model.energy`` solves the instance.
    sense : {"max", "min"}
        The instance's own sense (a cut or an OR-Library QUBO is maximised).
    best_known : float or None
        The best-known (or optimal) objective value, in the instance's own terms.
    scale, shift : float
        ``objective(x) = scale * model.energy(x) + shift``; ``scale`` is -1 for "max", +1 for "min".
    source : str
        Where the instance was read from.
    meta : dict
        Format-specific extras (edge count, file line counts, ...).

    Examples
    --------
    >>> m = SpinGlass([[1.0, -2.0], [0.0, 1.0]])   # H = -(x0 + x1 - 2 x0 x1): minus the cut of one edge
    >>> inst = Instance("edge", m, "max", best_known=1.0, scale=-1.0)
    >>> inst.objective([1, 0]), inst.gap(1.0)
    (1.0, 0.0)
    """

    name: str
    model: SpinGlass
    sense: str
    best_known: float | None = None
    scale: float = 1.0
    shift: float = 0.0
    source: str = ""
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.sense not in ("max", "min"):
            raise ValueError(f"`sense` must be 'max' or 'min'; got {self.sense!r}")
        if self.scale not in (1.0, -1.0):
            raise ValueError(f"`scale` must be +1 or -1; got {self.scale!r}")
        if (self.sense == "max") != (self.scale < 0):
            raise ValueError("`scale` must be -1 for sense 'max' and +1 for sense 'min'")

    @property
    def n(self) -> int:
        """Number of variables."""
        return self.model.n

    def objective(self, x: ArrayLike) -> Any:
        """The instance's own objective of a 0/1 state (or of each row of a batch)."""
        return self.scale * self.model.energy(x) + self.shift

    def objective_of_energy(self, energy: Any) -> Any:
        """Convert energies ``H`` to objective values."""
        return self.scale * np.asarray(energy, dtype=np.float64) + self.shift

    def energy_of_objective(self, value: float) -> float:
        """The energy ``H`` that corresponds to an objective value (e.g. a target)."""
        return float((value - self.shift) / self.scale)

    def gap(self, value: float) -> float | None:
        """Relative gap to the best-known value, >= 0 when ``value`` is not better.

        ``(best - value) / |best|`` for "max", ``(value - best) / |best|`` for "min"; None when
        there is no best-known value.
        """
        if self.best_known is None:
            return None
        best = float(self.best_known)
        diff = best - value if self.sense == "max" else value - best
        return float(diff / abs(best)) if best != 0 else float(diff)

    def __repr__(self) -> str:
        bk = "" if self.best_known is None else f", best_known={self.best_known:g}"
        return f"Instance({self.name!r}, n={self.n}, sense={self.sense!r}{bk})"
