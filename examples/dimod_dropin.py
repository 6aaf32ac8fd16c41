"""A drop-in replacement for dwave-samplers' SimulatedAnnealingSampler: one import changes.

The same call, ``sampler.sample(bqm, num_reads=..., seed=...)``, on the same BQM (SPIN, string
labels), with dwave-samplers' simulated annealing and with isingeq's MeanFieldSampler; then what
the latter adds: a fixed wall time, a warm start from the SampleSet just returned, and distinct
solutions only. Exits non-zero if a SampleSet's energies are not the BQM's own.

Run:  python examples/dimod_dropin.py [--small]
"""

from __future__ import annotations

import sys
import time

import dimod
import numpy as np
from dwave.samplers import SimulatedAnnealingSampler

from isingeq.integrations.dimod import MeanFieldSampler

n = 200 if "--small" in sys.argv else 2000
rng = np.random.default_rng(0)
# a sparse spin glass on 3n random pairs, J = +-1, with string labels
i, j = rng.integers(0, n, 3 * n), rng.integers(0, n, 3 * n)
keep = i != j
bqm = dimod.BinaryQuadraticModel.from_numpy_vectors(
    np.zeros(n),
    (i[keep], j[keep], rng.choice([-1.0, 1.0], keep.sum())),
    0.0,
    "SPIN",
    variable_order=[f"s{k}" for k in range(n)],
)
print(
    f"BQM: {bqm.num_variables} variables, {bqm.num_interactions} interactions, {bqm.vartype.name}"
)

ok = True
for name, sampler in (("dwave SA", SimulatedAnnealingSampler()), ("isingeq", MeanFieldSampler())):
    t0 = time.perf_counter()
    ss = sampler.sample(bqm, num_reads=8, seed=1)  # the very same call
    wall = time.perf_counter() - t0
    ok &= bool(np.allclose(ss.record.energy, bqm.energies(ss)))
    print(
        f"{name:9s} best energy {ss.first.energy:9.1f}  mean {ss.record.energy.mean():9.1f}  "
        f"wall {wall:5.2f} s  timing {ss.info['timing']['sampling_ns'] / 1e9:.2f} s sampling"
    )

mf = MeanFieldSampler()
fixed = mf.sample(bqm, time_limit=0.5, seed=2)  # a fixed wall time, one read per thread
print(
    f"time_limit=0.5: {len(fixed)} reads, best {fixed.first.energy:.1f}, "
    f"stopped: {fixed.info['stopped']}"
)
warm = mf.sample(bqm, initial_states=fixed, seed=3)  # warm start from the SampleSet
print(f"warm start from it: best {warm.first.energy:.1f}")
distinct = mf.sample(bqm, num_reads=8, seed=4, unique=True)  # each state once, lowest first
print(
    f"unique=True: {len(distinct)} distinct states from 8 reads, "
    f"energies {distinct.record.energy.round(1).tolist()}"
)
for s in (fixed, warm, distinct):
    ok &= bool(np.allclose(s.record.energy, bqm.energies(s)))
if not ok:
    sys.exit("a SampleSet's energies differ from bqm.energies")
