"""Random dimod BQMs for the integration tests: mixed labels, either vartype, sparse or dense."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import numpy as np

#: Labels of every kind a BQM may carry: str, int, tuples (nested too), mixed in one model.
MIXED_LABELS: tuple[Hashable, ...] = ("a", 7, ("x", 1), "b", 0, (("n",), 2), "z9", -3)


def mixed_labels(n: int) -> list[Hashable]:
    """``n`` distinct labels cycling through str, int and tuple kinds."""
    base = list(MIXED_LABELS)
    return [base[i] if i < len(base) else (base[i % len(base)], i) for i in range(n)]


def random_bqm(
    dimod: Any,
    n: int,
    num_interactions: int,
    vartype: str = "BINARY",
    *,
    seed: int = 0,
    labels: list[Hashable] | None = None,
    offset: float = 0.5,
) -> Any:
    """A BQM with ``n`` variables and about ``num_interactions`` random interactions, N(0, 1)
    biases, built from arrays (no Python loop), relabelled to ``labels`` when given."""
    rng = np.random.default_rng(seed)
    i = rng.integers(0, n, num_interactions)
    j = rng.integers(0, n, num_interactions)
    keep = i != j
    bqm = dimod.BinaryQuadraticModel.from_numpy_vectors(
        rng.normal(size=n),
        (i[keep], j[keep], rng.normal(size=int(keep.sum()))),
        offset,
        vartype,
        variable_order=labels,
    )
    return bqm
