"""G81 at 1 s on a GPU with the replicas sized to the budget, beside CPU mfa-async on every core.

A 1-s budget buys few sweeps of 1,024 replicas (``bench_gpu.py``'s R); this scan runs
mfa-async (torch, coloured sweep) and mfa (torch) at 1 s for several ``num_reads``, two seeds
each, next to CPU mfa-async, so the replica count for short budgets is read off the
measurement. Needs a CUDA device.

Run:  python benchmarks/bench_gpu_reads.py [path/to/G81.txt]
"""

import sys
import time
from pathlib import Path

import numba
import torch

import isingeq
from isingeq.io.gset import read_gset

path = (
    sys.argv[1]
    if len(sys.argv) > 1
    else str(Path(__file__).parents[2] / "shared" / "data" / "gset" / "G81.txt")
)
print(torch.cuda.get_device_name(0), "numba threads", numba.get_num_threads(), flush=True)
inst = read_gset(path)
m = inst.model
t0 = time.perf_counter()
isingeq.solve(m, method="mfa-async", rng=0, num_sweeps=4)
isingeq.solve(
    m, method="mfa-async", rng=0, num_sweeps=4, backend="torch", device="cuda", num_reads=16
)
isingeq.solve(m, method="mfa", rng=0, num_sweeps=4, backend="torch", device="cuda", num_reads=16)
print("warm-up", round(time.perf_counter() - t0, 1), "s", flush=True)


def run(label: str, **kw: object) -> None:
    out = []
    for s in (0, 1):
        r = isingeq.solve(m, rng=s, time_limit=1.0, **kw)
        cut = float(inst.objective_of_energy(r.best_energy))
        out.append((cut, round(r.info["time_ns"] / 1e9, 2), r.info.get("sweeps"), r.info["rounds"]))
    print(label, "(cut, wall s, sweeps, rounds):", out, flush=True)


run("cpu mfa-async", method="mfa-async")
for R in (8, 32, 128, 512):
    run(f"gpu mfa-async R={R}", method="mfa-async", backend="torch", device="cuda", num_reads=R)
for R in (32, 256):
    run(f"gpu mfa R={R}", method="mfa", backend="torch", device="cuda", num_reads=R)
