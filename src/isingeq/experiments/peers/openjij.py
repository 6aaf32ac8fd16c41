"""OpenJij's SASampler as a bench adapter."""

from __future__ import annotations

from typing import Any

from ...instance import Instance
from ._base import (
    _import,
    _SweepAdapter,
    _timed,
)

# ---------------------------------------------------------------------------- OpenJij


class OpenJijSAAdapter(_SweepAdapter):
    """``openjij.SASampler``: one read, ``num_sweeps`` fitted to the budget.

    The OpenJij model is built once per instance (from dimod's BQM; OpenJij's own conversion
    inside ``sample`` is a Python loop over the couplings) and reused.
    """

    name = "openjij-sa"
    requires = (("dimod", "dimod"), ("openjij", "openjij"))

    def _setup(self, instance: Instance) -> dict[str, Any]:
        oj = _import("openjij")
        bqm = instance.model.to_bqm()
        ojbqm, conv = _timed(
            lambda: oj.model.model.BinaryQuadraticModel(
                dict(bqm.linear), dict(bqm.quadratic), bqm.offset, bqm.vartype, sparse=True
            )
        )
        st: dict[str, Any] = {
            "sampler": oj.SASampler(),
            "bqm": ojbqm,
            "sample_kw": {},
            "note": {"convert_s (untimed)": conv},
        }
        self._fit(st)
        return st
