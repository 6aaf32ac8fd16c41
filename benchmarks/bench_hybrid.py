"""mfa-hybrid's choices, measured on the declared tuning instances only (``datasets.TUNED_ON``).

Per instance and configuration: ``isingeq.solve(model, method=..., time_limit=B, rng=seed)`` on
ONE numba thread (equal CPU with the single-threaded peer), for ``--seeds`` seeds; beside it,
dwave-samplers' SimulatedAnnealingSampler in the same run (one read, its default beta range,
``num_sweeps`` fitted to the budget on runs of 0.3 and 0.6 budgets; that fitting is untimed).
Printed: the mean gap to the best-known value per instance and configuration, and the mean
over instances. The configurations are mfa-async alone, tabu alone, the second phase alone
(``mf_fraction=0``), the default split, variations of the split, and each second phase
(``tail="tabu"`` / ``"thermal"``) forced on every model, so each choice of
:mod:`isingeq.solvers.mfa_hybrid` is measured on the same seeds on the same machine.

Run:  python benchmarks/bench_hybrid.py [--instances tuned] [--seeds 3] [--budget 1.0]
      [--data-dir ../shared/data] [--configs default,tail-only,mfa-async,sa]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import platform
import time
from collections.abc import Iterator
from typing import Any

import numba
import numpy as np
from _machine import ForeignLoad, git_revision, wait_idle
from rich.console import Console
from rich.table import Table

import isingeq
from isingeq import datasets


def _hotter_shorter_ladder(model: isingeq.SpinGlass) -> dict[str, Any]:
    """The thermal tail's ladder from 5 t_c (default 3) to half the default end (a retry of
    the ends, seventh session: README "Mean field, then a cold tail or tabu search")."""
    from isingeq.solvers.mfa_hybrid import tail_ends
    from isingeq.solvers.scipy_root import critical_t

    return {"t_start": 5.0 * critical_t(model), "t_end": tail_ends(model, None, None)[1] / 2}


#: name -> (method, options); options may be a function of the model (ladders in units of t_c)
CONFIGS: dict[str, tuple[str, Any]] = {
    "mfa-hybrid": ("mfa-hybrid", {}),
    "tail only (mf_fraction=0)": ("mfa-hybrid", {"mf_fraction": 0.0}),
    "mf_fraction=0.1": ("mfa-hybrid", {"mf_fraction": 0.1}),
    "mf_fraction=0.3": ("mfa-hybrid", {"mf_fraction": 0.3}),
    "mf_fraction=0.4": ("mfa-hybrid", {"mf_fraction": 0.4}),
    "mf_fraction=0.7": ("mfa-hybrid", {"mf_fraction": 0.7}),
    "thermal tail (tail=thermal)": ("mfa-hybrid", {"tail": "thermal"}),
    "tabu tail (tail=tabu)": ("mfa-hybrid", {"tail": "tabu"}),
    # the same with tabu's max-trees kernel where tabu.by_trees picks it (sparse graphs): the
    # phase's moves get cheaper, not different (tenth session: README "Tabu on sparse models")
    "tabu tail on trees": ("mfa-hybrid", {"tail": "tabu"}),
    "tabu alone": ("tabu", {}),
    "mfa-async": ("mfa-async", {}),
    "tail 5 t_c .. t_end / 2": ("mfa-hybrid", _hotter_shorter_ladder),
}


#: Configurations whose tabu phase runs on the kernel tabu.by_trees picks (the default: the scan).
TREES = {"tabu tail on trees"}


def _options(c: str, model: isingeq.SpinGlass) -> tuple[str, dict[str, Any]]:
    method, opts = CONFIGS[c]
    return method, (opts(model) if callable(opts) else dict(opts))


@contextlib.contextmanager
def _tabu_kernel(c: str) -> Iterator[None]:
    """mfa-hybrid's tabu phase on the trees where ``c`` asks for them, else as it is."""
    from isingeq.solvers import mfa_hybrid

    before = mfa_hybrid._TABU_TREES
    mfa_hybrid._TABU_TREES = None if c in TREES else before
    try:
        yield
    finally:
        mfa_hybrid._TABU_TREES = before


def _sa(inst: isingeq.Instance, budget: float, seeds: list[int]) -> list[float]:
    from dwave.samplers import SimulatedAnnealingSampler
    from dwave.samplers.sa.sampler import default_beta_range

    m = inst.model
    bqm = m.to_bqm()
    br = default_beta_range(bqm)
    sa = SimulatedAnnealingSampler()

    def run(k: int, seed: int = 1) -> tuple[float, object]:
        t0 = time.perf_counter()
        ss = sa.sample(bqm, num_reads=1, num_sweeps=k, beta_range=br, seed=seed)
        return time.perf_counter() - t0, ss

    t100, _ = run(100)
    k = max(100, int(100 * 0.3 * budget / max(t100, 1e-6)))
    ta, _ = run(k)
    tb, _ = run(2 * k)
    per = max((tb - ta) / k, 1e-9)
    sweeps = max(1, int((budget - max(ta - k * per, 0.0)) / per))
    out = []
    for s in seeds:
        _, ss = run(sweeps, s + 1)
        first = ss.first.sample  # type: ignore[attr-defined]
        x = np.array([first[i] for i in range(m.n)], dtype=np.uint8)
        out.append(float(inst.objective(x)))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--instances", default="tuned", help="'tuned' (TUNED_ON) or a comma list")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--budget", type=float, default=1.0)
    ap.add_argument("--data-dir", default="../shared/data")
    ap.add_argument("--configs", default=",".join([*CONFIGS, "sa"]))
    ap.add_argument("--json", default=None, help="also write the per-run objectives here")
    args = ap.parse_args()
    names = list(datasets.TUNED_ON) if args.instances == "tuned" else args.instances.split(",")
    configs = [c.strip() for c in args.configs.split(",")]
    seeds = list(range(args.seeds))
    numba.set_num_threads(1)
    wait_idle(30.0)
    load = ForeignLoad()
    gaps: dict[str, list[float]] = {c: [] for c in configs}
    rows = []
    runs: dict[str, dict[str, list[float]]] = {}
    for name in names:
        inst = datasets.resolve(name, data_dir=args.data_dir)
        best = float(inst.best_known)  # type: ignore[arg-type]
        for c in configs:  # warm the kernels up, untimed
            if c != "sa":
                method, opts = _options(c, inst.model)
                with _tabu_kernel(c):
                    isingeq.solve(
                        inst.model, method=method, rng=0, num_reads=1, num_sweeps=4, **opts
                    )
        runs[name] = {}
        cells = []
        for c in configs:
            if c == "sa":
                vals = _sa(inst, args.budget, seeds)
            else:
                method, opts = _options(c, inst.model)
                with _tabu_kernel(c):
                    vals = [
                        float(
                            inst.objective(
                                isingeq.solve(
                                    inst.model, method=method, time_limit=args.budget, rng=s, **opts
                                ).best_sample
                            )
                        )
                        for s in seeds
                    ]
            runs[name][c] = vals
            gap = float(np.mean([inst.gap(v) for v in vals]))  # type: ignore[misc]
            gaps[c].append(gap)
            cells.append(f"{100 * gap:.3f} %")
        rows.append((name, f"{best:g}", cells))
        print(name, {c: runs[name][c] for c in configs}, flush=True)
    table = Table(
        title=f"mean gap to best-known, {args.budget:g} s, 1 thread, {len(seeds)} seeds",
        caption=f"git {git_revision()} · {platform.processor() or platform.machine()} · "
        f"other processes used {load.cores():.2f} cores meanwhile",
    )
    table.add_column("instance")
    table.add_column("best known", justify="right")
    for c in configs:
        table.add_column(c, justify="right")
    for name, best_s, cells in rows:
        table.add_row(name, best_s, *cells)
    table.add_section()
    table.add_row("mean", "", *[f"{100 * float(np.mean(gaps[c])):.4f} %" for c in configs])
    Console(width=200).print(table)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(runs, fh, indent=1)


if __name__ == "__main__":
    main()
