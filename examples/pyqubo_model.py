"""Graph colouring built with PyQUBO, solved by isingeq's dimod sampler, decoded by PyQUBO.

A graph with a planted K-colouring (so a proper colouring exists) is written as a PyQUBO model:
``x[v][c] = 1`` when vertex v has colour c, a one-hot constraint per vertex and a no-conflict
constraint per edge, both weighted by a Placeholder. The model is compiled to a dimod BQM,
sampled by ``isingeq.integrations.dimod.MeanFieldSampler``, and every sample is decoded with
PyQUBO's own ``decode_sampleset``. The best decoded sample is checked twice: PyQUBO must report
no broken constraint, and the colouring is checked directly on the graph. Exits non-zero if
either check fails. (``isingeq.integrations.pyqubo.sample_model`` does the three steps in one
call with one ``feed_dict``.)

Run:  python examples/pyqubo_model.py [--small]
"""

from __future__ import annotations

import sys

import numpy as np
from pyqubo import Array, Constraint, Placeholder

from isingeq.integrations.dimod import MeanFieldSampler

small = "--small" in sys.argv
n, K, degree = (20, 3, 4.0) if small else (80, 4, 6.0)
rng = np.random.default_rng(0)
planted = rng.integers(0, K, n)
pairs = [(u, v) for u in range(n) for v in range(u + 1, n) if planted[u] != planted[v]]
p = degree * n / 2 / len(pairs)
edges = [e for e in pairs if rng.random() < p]
print(f"graph: {n} vertices, {len(edges)} edges, a planted {K}-colouring")

x = Array.create("x", shape=(n, K), vartype="BINARY")
one_hot = sum(
    Constraint((sum(x[v, c] for c in range(K)) - 1) ** 2, label=f"one_hot[{v}]") for v in range(n)
)
conflicts = sum(
    Constraint(sum(x[u, c] * x[v, c] for c in range(K)), label=f"edge[{u},{v}]") for u, v in edges
)
H = Placeholder("A") * one_hot + Placeholder("B") * conflicts
model = H.compile()
feed_dict = {"A": 2.0, "B": 1.0}

bqm = model.to_bqm(feed_dict=feed_dict)  # labels are PyQUBO's: 'x[3][1]', ...
sampleset = MeanFieldSampler().sample(bqm, num_reads=8, seed=0)
decoded = sorted(model.decode_sampleset(sampleset, feed_dict=feed_dict), key=lambda d: d.energy)
best = decoded[0]
broken = best.constraints(only_broken=True)

colour = np.array([[best.array("x", (v, c)) for c in range(K)] for v in range(n)])
proper = bool(np.all(colour.sum(axis=1) == 1)) and all(
    int(np.argmax(colour[u])) != int(np.argmax(colour[v])) for u, v in edges
)
print(f"best energy {best.energy:g}; broken constraints: {len(broken)}; proper colouring: {proper}")
print("colours:", [int(np.argmax(row)) for row in colour])
if broken or not proper:
    sys.exit(f"constraints not satisfied: {sorted(broken)[:5]}, proper={proper}")
