"""The paper's experiment from Python: N = 6 and N = 12, random eps_ij ~ U[-1, 1], eq. 16 solved
the paper's way (scipy.optimize.root at a large t) and by isingeq's better ways of solving the
same equation, each compared with the exact ground state.

The paper reports a correct rate (share of nodes equal to the exact ground state) of 99.50 % /
98.91 % and an energy ratio (H_found / H_exact) of 99.96 % / 99.72 %, over 100 trials per size.

Run:  python examples/paper_experiment.py [--small]
"""

from __future__ import annotations

import sys

from isingeq.experiments.reproduce import run_reproduce

small = "--small" in sys.argv
run = run_reproduce(
    sizes=(6, 12),
    trials=5 if small else 100,
    seed=0,
    methods=["scipy-root", "scipy-root:mode=continuation", "mfa", "mfa-async", "mfa-hybrid"],
)
print(f"{'n':>3} {'method':32s} {'correct rate':>13} {'energy ratio':>13} {'ground state':>13}")
for row in run.summary:
    print(
        f"{row['n']:>3} {row['method']:32s} {100 * row['correct_rate']:12.2f}% "
        f"{100 * row['energy_ratio']:12.2f}% {100 * row['gs_hit_rate']:12.1f}%"
    )
# the exact reference is a row of its own; every row is a complete set of trials
assert run.complete and len(run.summary) == 2 * 6
assert all(row["trials"] == run.trials for row in run.summary)
