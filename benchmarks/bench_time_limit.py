"""Does a big model's solve keep its time limit, and report while it runs?

Run: ``python benchmarks/bench_time_limit.py [--side 1000] [--methods mfa-async,mfa-hybrid]
[--limits 2,4]``

A 2-D +-J spin glass on an L x L torus (``isingeq.ea_instance(L, rng=1)``: n = L^2, 2 n
bonds, no fields), one untimed warm-up solve (numba's loads), then one solve per method and
time limit: the wall time of the whole ``isingeq.solve`` call against ``time_limit``, the
energy per spin, the number of progress events (``callback``) and why it stopped. mfa-async's rounds are cut into kernel calls of at
most 0.25 s of work (:data:`isingeq.solvers.mfa_async._CHUNK_S`) for this.
"""

from __future__ import annotations

import argparse
import time

import isingeq


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--side", type=int, default=1000)
    ap.add_argument("--methods", default="mfa-async,mfa-hybrid")
    ap.add_argument("--limits", default="2,4")
    args = ap.parse_args()
    model = isingeq.ea_instance(args.side, rng=1)
    n = model.n
    print(f"ea_instance({args.side}, rng=1): 2-D +-J torus, n = {n:,}")
    isingeq.solve(model, method="mfa-async", time_limit=0.5, rng=0)  # numba's loads
    print(f"{'method':>12} {'limit s':>8} {'wall s':>8} {'E / n':>9} {'events':>7}  stopped")
    for method in args.methods.split(","):
        for limit in (float(v) for v in args.limits.split(",")):
            events: list[isingeq.ProgressEvent] = []
            t0 = time.perf_counter()
            r = isingeq.solve(model, method=method, time_limit=limit, rng=0, callback=events.append)
            wall = time.perf_counter() - t0
            print(
                f"{method:>12} {limit:>8g} {wall:>8.2f} {r.best_energy / n:>9.4f} "
                f"{len(events):>7}  {r.info['stopped']}"
            )


if __name__ == "__main__":
    main()
