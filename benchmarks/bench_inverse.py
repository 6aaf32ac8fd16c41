"""Reconstruction error of eps against number of samples, and the mean-field error of eq. 16.

Run: ``.venv/bin/python benchmarks/bench_inverse.py [--instances 10]``

Table 1: paper instances (eps ~ U[-1, 1]), n = 10, t = 1, exact samples; max |eps_fit - eps|
over all 55 entries, mean and worst over instances, for pseudo-likelihood and mean-field, plus
pseudo-likelihood on Gibbs samples (burn-in 1000, thin 1) and the fit time. A fit that
:func:`isingeq.fit` refuses (separable samples: no maximum-likelihood estimate) is left out of
its cell's mean and worst and counted after it ("(k refused)").
Table 2: max_i |<n_i>_eq16 - <n_i>_exact| against t and n (mean over instances).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import isingeq


def _error(X: np.ndarray, true: isingeq.SpinGlass, method: str = "pseudolikelihood") -> float:
    """max |eps_fit - eps|, or NaN when the fit is refused (separable samples)."""
    try:
        return isingeq.reconstruction_error(isingeq.fit(X, t=1.0, method=method), true)
    except ValueError as exc:
        if "separable" not in str(exc):
            raise
        return float("nan")


def _cell(errors: list[float]) -> str:
    """Mean / worst of the fits made, and how many were refused."""
    v = np.array(errors)
    ok = v[~np.isnan(v)]
    text = f"{ok.mean():.3f} / {ok.max():.3f}" if ok.size else "-"
    return text + (f" ({v.size - ok.size} refused)" if ok.size < v.size else "")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--instances", type=int, default=10)
    args = ap.parse_args()
    K = args.instances
    models = [isingeq.paper_instance(10, rng=1000 + k) for k in range(K)]
    print(f"n=10, t=1, {K} paper instances: max |eps_fit - eps| (mean / worst over instances)")
    print(f"{'samples':>8} {'PL exact':>16} {'MF exact':>16} {'PL gibbs':>16} {'PL fit s':>9}")
    for S in (300, 1_000, 10_000, 100_000):
        pl, mf, gb, secs = [], [], [], []
        for k, m in enumerate(models):
            X = isingeq.sample_boltzmann(m, 1.0, S, rng=np.random.SeedSequence([k, S]))
            t0 = time.perf_counter()
            pl.append(_error(X, m))
            secs.append(time.perf_counter() - t0)
            mf.append(_error(X, m, method="mean-field"))
            G = isingeq.sample_boltzmann(
                m, 1.0, S, rng=np.random.SeedSequence([k, S, 1]), method="gibbs"
            )
            gb.append(_error(G, m))
        print(f"{S:>8} {_cell(pl):>16} {_cell(mf):>16} {_cell(gb):>16} {np.mean(secs):>9.3f}")
    print()
    ts = (0.1, 0.3, 1.0, 3.0, 10.0)
    print("max_i |<n_i>_eq16 - <n_i>_exact| (mean over instances); eq. 16 by damped continuation")
    print(f"{'n':>4} " + " ".join(f"{'t=' + str(t):>8}" for t in ts))
    for n in (4, 8, 12, 16):
        ms = [isingeq.paper_instance(n, rng=2000 + k) for k in range(K)]
        row = [np.mean([isingeq.mean_field_error(m, t) for m in ms]) for t in ts]
        print(f"{n:>4} " + " ".join(f"{v:>8.3f}" for v in row))


if __name__ == "__main__":
    main()
