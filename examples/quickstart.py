"""Quickstart: one paper instance, its exact ground state, and eq. 16 solved the paper's way.

Run:  python examples/quickstart.py [--small]
"""

from __future__ import annotations

import sys

import numpy as np

import isingeq

n = 8 if "--small" in sys.argv else 16
model = isingeq.paper_instance(n, rng=42)  # eps_ij ~ U[-1, 1], i <= j

exact = isingeq.solve(model)  # method="auto": exact enumeration at this size
print(f"auto chose {exact.info['auto']['chosen']!r}: {exact.info['auto']['reason']}")
print(f"n = {n}: exact ground-state energy H = {exact.best_energy:.6f}, state {exact.best_sample}")

for mode in ("plain", "continuation"):
    r = isingeq.solve(model, method="scipy-root", mode=mode)
    print(
        f"scipy-root ({mode:12s}): H = {r.best_energy:.6f}  ratio {r.best_energy / exact.best_energy:.4f}"
        f"  converged={bool(r.info['converged'][0])}  |F| = {r.info['residual'][0]:.1e}"
    )

# exact Boltzmann marginals at a finite t, against which eq. 16 (mean field) can be compared
t = 2.0
r = isingeq.solve(model, method="exact", t=t)
mf = isingeq.solve(model, method="scipy-root", t_end=t)  # plain mode: one solve at t_end
print(
    f"t = {t}: log Z = {r.info['log_z']:.4f}; max |<n>_exact - <n>_eq16| = "
    f"{np.max(np.abs(r.marginals[0] - mf.marginals[0])):.3f}"
)
