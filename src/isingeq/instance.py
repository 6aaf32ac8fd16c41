"""The instance type: a model plus the problem's own objective, sense and best-known value.

A benchmark instance is a max-cut graph (maximise the cut), a QUBO to maximise (OR-Library) or
to minimise (Biq Mac), or a spin glass. Each becomes a :class:`isingeq.SpinGlass` whose energy
``H`` (:mod:`isingeq.model`) is an affine function of the instance's objective,
``objective(x) = scale * H(x) + shift``, so every solver minimises ``H`` and results are
reported in the instance's own terms.

The one gap formula lives here (:meth:`Instance.gap`), next to the target a run must reach
(:meth:`Instance.target_objective`) and the comparison that says whether it did
(:meth:`Instance.better_or_equal`). Instances are read by :mod:`isingeq.io` and named by
:func:`isingeq.datasets.resolve`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._validation import check_real
from .model import SpinGlass

__all__ = ["Instance", "relative_gap"]

#: Relative slack of :meth:`Instance.better_or_equal`, so float noise in ``H`` does not miss a
#: bound met exactly.
REL_TOL = 1e-9


def relative_gap(value: float, reference: float, sense: str) -> float:
    """The one gap formula: ``(ref - value) / |ref|`` for "max", the mirror for "min".

    The plain difference when ``reference`` is 0 (no scale to divide by); >= 0 when ``value``
    is not better than ``reference``. :meth:`Instance.gap` applies it with the instance's
    sense; it stands alone for records read back from files (the bench's plots), which have a
    sense but no model.

    Examples
    --------
    >>> relative_gap(190.0, 200.0, "max"), relative_gap(-190.0, -200.0, "min")
    (0.05, 0.05)
    """
    if sense not in ("max", "min"):
        # anything else was read as "min": a cut's gap came out with the wrong sign
        raise ValueError(f"`sense` must be 'max' or 'min'; got {sense!r}")
    diff = reference - value if sense == "max" else value - reference
    return float(diff / abs(reference)) if reference != 0 else float(diff)


@dataclass(frozen=True, eq=False)
class Instance:
    """A named problem: its model, its objective in its own sense, and its best-known value.

    Attributes
    ----------
    name : str
        E.g. ``"G22"``, ``"bqp250-3"``, ``"gka1a"``, ``"paper-40@7"``.
    model : SpinGlass
        Minimising ``model.energy`` solves the instance.
    sense : {"max", "min"}
        The instance's own sense (a cut or an OR-Library QUBO is maximised).
    best_known : float or None
        The best-known (or optimal) objective value, in the instance's own terms.
    scale, shift : float
        ``objective(x) = scale * model.energy(x) + shift``; ``scale`` is -1 for "max", +1 for "min".
    source : str
        Where the instance was read from (a file, or the generator call).
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

    def _reference(self, reference: float | None) -> float | None:
        ref = self.best_known if reference is None else reference
        return None if ref is None else float(ref)

    def gap(self, value: float, reference: float | None = None) -> float | None:
        """Relative gap of an objective value to a reference, >= 0 when ``value`` is not better.

        ``(ref - value) / |ref|`` for "max", ``(value - ref) / |ref|`` for "min", and the plain
        difference when ``ref`` is 0 (no scale to divide by). The one gap formula of isingeq.

        Parameters
        ----------
        value : float
            An objective value, in the instance's own terms.
        reference : float, optional
            What to compare with; default the best-known value.

        Returns
        -------
        float or None
            None when there is neither a reference nor a best-known value.

        Examples
        --------
        >>> cut = Instance("c", SpinGlass([[1.0]]), "max", best_known=200.0, scale=-1.0)
        >>> cut.gap(190.0), cut.gap(190.0, reference=100.0), cut.gap(201.0)
        (0.05, -0.9, -0.005)
        >>> Instance("q", SpinGlass([[1.0]]), "min", best_known=0.0).gap(0.5)
        0.5
        """
        ref = self._reference(reference)
        return None if ref is None else relative_gap(value, ref, self.sense)

    def target_objective(self, target: float, reference: float | None = None) -> float:
        """The objective a run must reach: ``ref - (1 - target) |ref|`` ("max"), mirrored for "min".

        Parameters
        ----------
        target : float
            The fraction of the reference to reach, in (0, 1] (``0.995``: within 0.5 %).
        reference : float, optional
            Default the best-known value.

        Returns
        -------
        float
            NaN when there is neither a reference nor a best-known value. A reference of 0
            has no scale to take a fraction of: the target is then 0 itself (the optimum).

        Raises
        ------
        ValueError
            For a ``target`` outside (0, 1] (e.g. a percentage, ``99.5``).

        Examples
        --------
        >>> cut = Instance("c", SpinGlass([[1.0]]), "max", best_known=200.0, scale=-1.0)
        >>> qubo = Instance("q", SpinGlass([[1.0]]), "min", best_known=-200.0)
        >>> cut.target_objective(0.995), qubo.target_objective(0.995)
        (199.0, -199.0)
        """
        target = check_real("target", target, low=0.0, high=1.0, low_open=True)
        ref = self._reference(reference)
        if ref is None:
            return math.nan
        slack = (1.0 - target) * abs(ref)
        return ref - slack if self.sense == "max" else ref + slack

    def better_or_equal(self, value: float, bound: float) -> bool:
        """Whether objective ``value`` is at least as good as ``bound`` in the instance's sense.

        A relative slack of ``1e-9`` (``REL_TOL``) absorbs float noise in ``H``.

        Examples
        --------
        >>> cut = Instance("c", SpinGlass([[1.0]]), "max", best_known=200.0, scale=-1.0)
        >>> cut.better_or_equal(199.0, cut.target_objective(0.995)), cut.better_or_equal(198.9, 199.0)
        (True, False)
        """
        tol = REL_TOL * max(1.0, abs(bound))
        return value >= bound - tol if self.sense == "max" else value <= bound + tol

    def best(self, values: Iterable[float]) -> float | None:
        """The best of some objective values in the instance's sense (None when there are none).

        NaN (a run without a value) is left out: ``max`` would return it or not depending on
        where it stands.

        Examples
        --------
        >>> Instance("q", SpinGlass([[1.0]]), "min").best([3.0, -1.0, 2.0])
        -1.0
        """
        vals = [v for v in map(float, values) if not math.isnan(v)]
        if not vals:
            return None
        return max(vals) if self.sense == "max" else min(vals)

    def __repr__(self) -> str:
        bk = "" if self.best_known is None else f", best_known={self.best_known:g}"
        return f"Instance({self.name!r}, n={self.n}, sense={self.sense!r}{bk})"
