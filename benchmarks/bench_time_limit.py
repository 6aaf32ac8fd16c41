"""Does a big model's solve keep its time limit, and report while it runs?

Run: ``python benchmarks/bench_time_limit.py [--side 1000] [--methods mfa-async,mfa-hybrid]
[--limits 2,4] [--backend torch]``

A 2-D +-J spin glass on an L x L torus (``isingeq.ea_instance(L, rng=1)``: n = L^2, 2 n
bonds, no fields), one untimed warm-up solve (numba's loads), then one solve per method and
time limit: the wall time of the whole ``isingeq.solve`` call against ``time_limit``, the
energy per spin, the number of progress events (``callback``) and why it stopped. mfa-async's rounds are cut into kernel calls of at
most 0.25 s of work (:data:`isingeq.solvers.mfa_async._CHUNK_S`) for this; with ``--backend
torch`` (on ``--device``, default "cpu"; methods ``mfa`` and ``mfa-async`` only), its torch
rounds check the clock between colour classes as often, and the rounds and sweeps are printed
too.
"""

from __future__ import annotations

import argparse
import time

import isingeq


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--side", type=int, default=1000)
    ap.add_argument("--methods", help="default mfa-async,mfa-hybrid (torch: mfa-async)")
    ap.add_argument("--limits", default="2,4")
    ap.add_argument("--backend", default="numpy", choices=["numpy", "torch"])
    ap.add_argument("--device", default="cpu", help="torch device (with --backend torch)")
    args = ap.parse_args()
    on: dict[str, str] = {}
    methods = args.methods or "mfa-async,mfa-hybrid"
    if args.backend == "torch":
        on = {"backend": "torch", "device": args.device}
        methods = args.methods or "mfa-async"
    model = isingeq.ea_instance(args.side, rng=1)
    n = model.n
    print(f"ea_instance({args.side}, rng=1): 2-D +-J torus, n = {n:,}; backend {args.backend}")
    isingeq.solve(model, method="mfa-async", time_limit=0.5, rng=0, **on)  # numba's loads
    print(
        f"{'method':>12} {'limit s':>8} {'wall s':>8} {'E / n':>9} {'events':>7} "
        f"{'rounds':>7} {'sweeps':>7}  stopped"
    )
    for method in methods.split(","):
        for limit in (float(v) for v in args.limits.split(",")):
            events: list[isingeq.ProgressEvent] = []
            t0 = time.perf_counter()
            r = isingeq.solve(
                model, method=method, time_limit=limit, rng=0, callback=events.append, **on
            )
            wall = time.perf_counter() - t0
            rounds = r.info.get("rounds", r.info.get("mean_field", {}).get("rounds", 0))
            print(
                f"{method:>12} {limit:>8g} {wall:>8.2f} {r.best_energy / n:>9.4f} "
                f"{len(events):>7} {rounds:>7} {r.info.get('sweeps', 0):>7}  {r.info['stopped']}"
            )


if __name__ == "__main__":
    main()
