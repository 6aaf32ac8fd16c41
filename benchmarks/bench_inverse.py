"""Reconstruction error of eps against number of samples, and the mean-field error of eq. 16.

Run: ``.venv/bin/python benchmarks/bench_inverse.py [--instances 10] [--t 1] [--likelihood-n 8,12,16]``

Table 1: paper instances (eps ~ U[-1, 1]), n = 10, t = 1 (``--t``: stronger couplings in effect
at larger t, where samples are more often refused), exact samples; max |eps_fit - eps|
over all 55 entries, mean and worst over instances, for pseudo-likelihood, exact likelihood and
mean-field, plus pseudo-likelihood on Gibbs samples (burn-in 1000, thin 1) and the fit times. A
fit that :func:`isingeq.fit` refuses (separable samples, or samples on a face of the marginal
polytope: no maximum) is left out of its cell's mean and worst and counted after it ("(k
refused)").
Table 2: max_i |<n_i>_eq16 - <n_i>_exact| against t and n (mean over instances).
Table 3 (``--likelihood-n``): fit time of pseudo-likelihood and exact likelihood against n, on
10^5 exact samples of one paper instance per n, t = 1, and their errors (what sets
``LIKELIHOOD_MAX_N``).
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

import isingeq


def _error(
    X: np.ndarray, true: isingeq.SpinGlass, method: str = "pseudolikelihood", t: float = 1.0
) -> float:
    """max |eps_fit - eps|, or NaN when the fit is refused (no maximum: separable samples, a
    face, a constant column; mean-field's singular covariance)."""
    try:
        return isingeq.reconstruction_error(isingeq.fit(X, t=t, method=method), true)
    except ValueError as exc:
        refused = ("separable", "face of the marginal polytope", "constant column", "singular")
        if not any(why in str(exc) for why in refused):
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
    ap.add_argument("--t", type=float, default=1.0, help="table 1's inverse temperature")
    ap.add_argument(
        "--likelihood-n", default="", help="comma-separated n for table 3 (default: skip it)"
    )
    args = ap.parse_args()
    # mean-field on separable samples warns and returns its fit: the table reports its error
    warnings.filterwarnings("ignore", "method='mean-field' on separable", RuntimeWarning)
    K = args.instances
    models = [isingeq.paper_instance(10, rng=1000 + k) for k in range(K)]
    t = args.t
    print(f"n=10, t={t:g}, {K} paper instances: max |eps_fit - eps| (mean / worst over instances)")
    head = ("PL exact", "ML exact", "MF exact", "PL gibbs")
    print(f"{'samples':>8} " + " ".join(f"{h:>16}" for h in head) + "  PL fit s  ML fit s")
    for S in (300, 1_000, 10_000, 100_000):
        pl, ml, mf, gb, secs, ml_secs = [], [], [], [], [], []
        for k, m in enumerate(models):
            X = isingeq.sample_boltzmann(m, t, S, rng=np.random.SeedSequence([k, S]))
            t0 = time.perf_counter()
            pl.append(_error(X, m, t=t))
            secs.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            ml.append(_error(X, m, method="likelihood", t=t))
            ml_secs.append(time.perf_counter() - t0)
            mf.append(_error(X, m, method="mean-field", t=t))
            G = isingeq.sample_boltzmann(
                m, t, S, rng=np.random.SeedSequence([k, S, 1]), method="gibbs"
            )
            gb.append(_error(G, m, t=t))
        cells = " ".join(f"{_cell(v):>16}" for v in (pl, ml, mf, gb))
        print(f"{S:>8} {cells} {np.mean(secs):>9.3f} {np.mean(ml_secs):>9.3f}")
    print()
    ts = (0.1, 0.3, 1.0, 3.0, 10.0)
    print("max_i |<n_i>_eq16 - <n_i>_exact| (mean over instances); eq. 16 by damped continuation")
    print(f"{'n':>4} " + " ".join(f"{'t=' + str(t):>8}" for t in ts))
    for n in (4, 8, 12, 16):
        ms = [isingeq.paper_instance(n, rng=2000 + k) for k in range(K)]
        row = [np.mean([isingeq.mean_field_error(m, t) for m in ms]) for t in ts]
        print(f"{n:>4} " + " ".join(f"{v:>8.3f}" for v in row))
    if args.likelihood_n:
        print()
        print("fit time against n: 10^5 exact samples of paper_instance(n, rng=3), t = 1")
        print(f"{'n':>4} {'PL s':>8} {'ML s':>8} {'PL error':>9} {'ML error':>9}")
        for n in (int(v) for v in args.likelihood_n.split(",")):
            m = isingeq.paper_instance(n, rng=3)
            X = isingeq.sample_boltzmann(m, 1.0, 100_000, rng=0)
            row = []
            for method in ("pseudolikelihood", "likelihood"):
                t0 = time.perf_counter()
                e = _error(X, m, method=method)
                row.append((time.perf_counter() - t0, e))
            (ps, pe), (ms_, me) = row
            print(f"{n:>4} {ps:>8.2f} {ms_:>8.2f} {pe:>9.3f} {me:>9.3f}")


if __name__ == "__main__":
    main()
