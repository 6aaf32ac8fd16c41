"""Benchmark the host memory of an ``mfa`` / ``mfa-async`` solve per node and replica, and of a
``scipy-root`` solve with the analytic Jacobian per entry of ``n x n``.

The replica guard of both methods (:data:`isingeq.solvers._common.HOST_BYTES_PER_STATE`)
refuses a ``num_reads`` whose estimated host memory exceeds the limit, before allocating; this
script measures what a solve really holds, so that the constant can be checked: each
(method, backend) runs in a fresh process, which first solves with 4 replicas (imports, numba
compilation, torch's allocator), then with ``--reads`` replicas; the growth of the peak
resident set (``ru_maxrss``) between the two, over ``n x reads``, is the bytes per node and
replica. The torch rows run on ``device="cpu"`` (host and device are one memory there; their
device tensors are in the figure, and their estimate counts them separately).

The scipy-root rows check :data:`isingeq.solvers.scipy_root.JACOBIAN_BYTES_PER_ENTRY` the same
way: "hybr" and "lm" on a dense paper instance and a sparse EA lattice of about ``--jac-n``
nodes (``max_sweeps`` evaluations: the Jacobian and MINPACK's factors are allocated at the
first step), the peak of the solve's allocations over ``n^2``, by ``tracemalloc`` (NumPy's
and SciPy's arrays; the peak resident set would hide them under the model's own build).

Run:  python benchmarks/bench_memory.py  [--n 100] [--reads 100000] [--sweeps 20] [--jac-n 1600]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

from _machine import git_revision

CHILD = """
import json, resource, sys
import isingeq
method, backend, n, reads, sweeps = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:])
if backend == "torch":
    import torch
    torch.set_num_threads(1)
model = isingeq.paper_instance(n, rng=0)
opts = {"method": method, "backend": backend, "rng": 0, "num_sweeps": sweeps}
isingeq.solve(model, num_reads=4, **opts)
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
isingeq.solve(model, num_reads=reads, **opts)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"growth_bytes": (peak - base) * 1024}))
"""

JACOBIAN_CHILD = """
import json, sys, tracemalloc, warnings
import isingeq
root_method, kind, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
side = round(n ** 0.5)
model = isingeq.paper_instance(n, rng=0) if kind == "dense" else isingeq.ea_instance((side, side), rng=0)
opts = {"method": "scipy-root", "root_method": root_method, "max_sweeps": 3, "rng": 0}
warnings.simplefilter("ignore")  # the field-free lattice's "no fields" warning
isingeq.solve(isingeq.paper_instance(8, rng=0), **opts)
tracemalloc.start()
isingeq.solve(model, **opts)
_, peak = tracemalloc.get_traced_memory()
print(json.dumps({"growth_bytes": peak, "n": model.n}))
"""


def jacobian_rows(n: int) -> None:
    from isingeq.solvers.scipy_root import JACOBIAN_BYTES_PER_ENTRY

    print(f"\nscipy-root with the analytic Jacobian, n ~ {n}")
    print(f"{'root_method':<12} {'model':<8} {'peak growth':>12} {'bytes per entry of n^2':>24}")
    worst = 0.0
    for root_method in ("hybr", "lm"):
        for kind in ("dense", "sparse"):
            cmd = [sys.executable, "-c", JACOBIAN_CHILD, root_method, kind, str(n)]
            out = subprocess.run(cmd, capture_output=True, text=True, check=True)
            got = json.loads(out.stdout.strip().splitlines()[-1])
            per = got["growth_bytes"] / got["n"] ** 2
            worst = max(worst, per)
            print(
                f"{root_method:<12} {kind:<8} {got['growth_bytes'] / 2**20:>8.0f} MiB {per:>24.1f}"
            )
    verdict = "covers" if worst <= JACOBIAN_BYTES_PER_ENTRY else "does NOT cover"
    print(
        f"JACOBIAN_BYTES_PER_ENTRY = {JACOBIAN_BYTES_PER_ENTRY} {verdict} the largest ({worst:.1f})"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--reads", type=int, default=100_000)
    ap.add_argument("--sweeps", type=int, default=20)
    ap.add_argument("--jac-n", type=int, default=1600, help="scipy-root rows' n (0: skip them)")
    args = ap.parse_args()

    from isingeq.solvers._common import HOST_BYTES_PER_STATE

    print(f"isingeq {git_revision()}; paper instance n = {args.n}, R = {args.reads}")
    print(f"{'method':<10} {'backend':<8} {'peak growth':>12} {'bytes per node x replica':>25}")
    worst = 0.0
    for method in ("mfa", "mfa-async"):
        for backend in ("numpy", "torch"):
            cmd = [sys.executable, "-c", CHILD, method, backend]
            cmd += [str(args.n), str(args.reads), str(args.sweeps)]
            out = subprocess.run(cmd, capture_output=True, text=True, check=True)
            growth = json.loads(out.stdout.strip().splitlines()[-1])["growth_bytes"]
            per = growth / (args.n * args.reads)
            worst = max(worst, per)
            print(f"{method:<10} {backend:<8} {growth / 2**20:>8.0f} MiB {per:>25.1f}")
    verdict = "covers" if worst <= HOST_BYTES_PER_STATE else "does NOT cover"
    print(f"HOST_BYTES_PER_STATE = {HOST_BYTES_PER_STATE} {verdict} the largest ({worst:.1f})")
    if args.jac_n:
        jacobian_rows(args.jac_n)


if __name__ == "__main__":
    main()
