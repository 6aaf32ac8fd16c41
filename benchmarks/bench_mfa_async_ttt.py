"""Time to the best-known value of ``method="mfa-async"``, with and without reheating rounds.

Per instance and configuration: ``isingeq.solve(model, method="mfa-async", time_limit=L,
target_energy=<best-known>, rng=seed)`` for ``--seeds`` consecutive seeds; the time of a run is
its own ``time_s`` when it stopped at the target and ``inf`` otherwise. Printed: the median and
quartiles over seeds, how many seeds reached the value, and the median's ratio to the first
configuration's (the defaults) in the same run. The configurations are the defaults, fresh rounds
only (``reheat=0``), two reheating widths and a narrower first noise, so the effect of each
choice is measured on the same seeds on the same machine.

Run:  python benchmarks/bench_mfa_async_ttt.py [--instances G1,G43,bqp1000-1] [--seeds 41]
      [--first-seed 100] [--limit 1.0] [--data-dir ../shared/data]
"""

from __future__ import annotations

import argparse
import math
import os
import platform
from pathlib import Path

import numba
import numpy as np
from _machine import ForeignLoad, git_revision, wait_idle
from rich.console import Console
from rich.table import Table

import isingeq
from isingeq import datasets

#: noise and reheat are standard deviations in typical fields (docs/vocabulary.md); mfa-async's
#: noise is uniform, so a std s is a full width s * sqrt(12)
_W = 1.0 / math.sqrt(12.0)
CONFIGS: dict[str, dict[str, float]] = {
    "defaults": {},
    "reheat=0 (fresh rounds only)": {"reheat": 0.0},
    "reheat=0.289 (width 1)": {"reheat": 1.0 * _W},
    "reheat=0.866 (width 3)": {"reheat": 3.0 * _W},
    "noise=0.433 (width 1.5)": {"noise": 1.5 * _W},
}


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--instances", default="G1,G43,bqp1000-1")
    ap.add_argument("--seeds", type=int, default=41)
    ap.add_argument("--first-seed", type=int, default=100)
    ap.add_argument("--limit", type=float, default=1.0, help="time_limit per run, seconds")
    default_data = Path(__file__).resolve().parents[2] / "shared" / "data"
    ap.add_argument("--data-dir", default=os.environ.get("ISINGEQ_DATA", str(default_data)))
    ap.add_argument("--wait-idle", type=float, default=30.0)
    args = ap.parse_args()

    console = Console(width=120)
    console.print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"numba {numba.__version__} ({numba.get_num_threads()} threads); "
        f"isingeq {isingeq.__version__} at {git_revision()}"
    )
    warm = isingeq.paper_instance(30, rng=0)
    isingeq.solve(warm, method="mfa-async", time_limit=0.01, rng=0)  # numba cache load
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    table = Table(title=f"mfa-async: time to the best-known value, {args.seeds} seeds")
    for col in (
        "instance",
        "configuration",
        "median",
        "q25",
        "q75",
        "reached",
        "median / defaults",
    ):
        table.add_column(col, justify="left" if col in ("instance", "configuration") else "right")
    load = ForeignLoad()
    for name in args.instances.split(","):
        inst = datasets.load(name.strip(), args.data_dir)
        assert inst.best_known is not None
        target = inst.energy_of_objective(inst.best_known) + 1e-9
        base = None
        for label, kw in CONFIGS.items():
            wait_idle(args.wait_idle)
            times = []
            for seed in seeds:
                r = isingeq.solve(
                    inst.model,
                    method="mfa-async",
                    time_limit=args.limit,
                    target_energy=target,
                    rng=seed,
                    **kw,
                )
                hit = r.info["stopped"] == "target_energy"
                times.append(r.time_s if hit else math.inf)
            med = float(np.median(times))
            q25, q75 = np.quantile(times, [0.25, 0.75])
            base = med if base is None else base
            table.add_row(
                inst.name,
                label,
                f"{med:.3f} s",
                f"{q25:.3f} s",
                f"{q75:.3f} s",
                f"{sum(math.isfinite(t) for t in times)}/{len(times)}",
                f"{med / base:.2f}" if math.isfinite(med) and math.isfinite(base) else "-",
            )
        table.add_section()
    console.print(table)
    console.print(f"other processes kept {load.cores():.2f} cores busy on average")


if __name__ == "__main__":
    main()
