"""The one vocabulary of solver options: each name has one meaning and one unit in every method.

:data:`VOCABULARY` is the source of ``docs/vocabulary.md`` (:func:`vocabulary_table` writes its
table) and of ``isingeq methods``; ``tests/solvers/test_vocabulary.py`` checks that every option
of every registered method is in it and that the committed document matches the signatures.
"""

from __future__ import annotations

import inspect
from typing import Any, NamedTuple

__all__ = ["COMMON", "VOCABULARY", "Term", "option_default", "vocabulary_table"]


class Term(NamedTuple):
    """One option: what it means and in what unit."""

    meaning: str
    unit: str


#: option name -> (meaning, unit); in the order the table lists them.
VOCABULARY: dict[str, Term] = {
    "num_reads": Term("independent replicas (samples) the method returns", "count"),
    "num_sweeps": Term(
        "length of the t ladder: rungs, one sweep (update of every variable) each; for "
        "scipy-root one root solve each; for tabu n moves each",
        "sweeps",
    ),
    "max_sweeps": Term(
        "cap on the sweeps of a fixed-point search: the t = infinity descent (greedy, and the "
        "finish of mfa / mfa-async) or SciPy's cap per root solve (scipy-root: eq. 16 evaluations "
        "for hybr / lm / df-sane, iterations for the other root methods)",
        "sweeps",
    ),
    "initial_states": Term(
        "starting states, one row for every read or one per read: 0/1 for greedy, values of "
        "<n_i> in [0, 1] for the mean-field methods",
        "array (n,) or (num_reads, n)",
    ),
    "t_start": Term("first inverse temperature of the t ladder", "absolute t"),
    "t_end": Term(
        "last inverse temperature of the t ladder (scipy-root plain: the one t)", "absolute t"
    ),
    "schedule": Term(
        "an explicit increasing t ladder (overrides t_start, t_end, num_sweeps)", "absolute t"
    ),
    "noise": Term(
        "standard deviation of the noise on xi at the first sweep, annealed to 0",
        "typical field sqrt(mean_i sum_j J_ij^2) / 2",
    ),
    "reheat": Term("noise of the rounds that restart from the best state (0: none)", "as noise"),
    "damping": Term(
        "weight on the old value: <n> <- damping <n> + (1 - damping) sigmoid(t xi); 0 = undamped",
        "fraction in [0, 1)",
    ),
    "tol": Term(
        "residual of eq. 16, max_i |<n_i> - sigmoid(t xi_i)|, at which the method counts it as solved",
        "<n_i>",
    ),
    "time_limit": Term(
        "wall time from entry to return (a process's first solve, every CLI call, adds numba's "
        "one-off kernel load, and the first solve after installing compiles the kernels into "
        "numba's cache, once: neither is taken from the limit, both are in info's time_ns; "
        "README, one vocabulary)",
        "seconds",
    ),
    "target_energy": Term(
        "stop once a sample reaches H <= target_energy (checked between chunks of work, at "
        "most about 0.5 s apart, in tabu and mfa-hybrid's thermal tail, and at the end of each "
        "round in mfa / mfa-async: an untimed run of one round checks it when its schedule "
        "ends)",
        "H (energy)",
    ),
    "t": Term(
        "inverse temperature of the exact Boltzmann marginals, log Z(t) and the mean and variance of H",
        "absolute t",
    ),
    "num_states": Term("also return the num_states lowest states", "count"),
    "max_degenerate": Term("ground states kept at most when degenerate", "count"),
    "degeneracy_rtol": Term(
        "states this close to the minimum count as ground states", "x model.energy_scale"
    ),
    "client": Term(
        "exact: enumerate on a Dask cluster (a distributed.Client, a scheduler address, or "
        "'local' for a local cluster that lives for the solve); None: in-process",
        "Client or address",
    ),
    "mode": Term("scipy-root: 'plain' (one solve at t_end, the paper) or 'continuation'", "name"),
    "root_method": Term("the scipy.optimize.root method", "name"),
    "init_spread": Term("mfa: width of the random starts around <n> = 1/2", "<n_i>"),
    "dtype": Term(
        "precision of the annealing (energies are always float64); float16 / bfloat16 with "
        "backend='torch'",
        "name",
    ),
    "backend": Term(
        "where the sweeps run: 'numpy' (numpy / BLAS and numba on the CPU) or 'torch' "
        "(torch tensors on device)",
        "name",
    ),
    "device": Term(
        "the torch device of backend='torch' ('cpu', 'cuda', 'cuda:1', 'mps', ...)", "name"
    ),
    "trajectory": Term(
        "mfa: record (t, mean energy, residual) per rung of the first round", "flag"
    ),
    "mf_fraction": Term(
        "mfa-hybrid: share of time_limit for the mean-field phase before the second phase",
        "fraction",
    ),
    "tail": Term(
        "mfa-hybrid: the second phase, 'tabu' (tabu search) or 'thermal' (the cold tail)", "name"
    ),
    "tenure": Term("tabu: moves during which a flipped variable may not flip back", "moves"),
    "fresh_every": Term("mfa-async: every k-th round starts afresh, the others reheat", "rounds"),
}


#: What every method takes besides its options (the registry adds them to each, so they are
#: not in the methods' signatures nor in :data:`VOCABULARY`'s table); ``docs/vocabulary.md``
#: and ``isingeq methods`` list them.
COMMON: dict[str, Term] = {
    "rng": Term(
        "the source of randomness, normalised once at entry; the same seed gives the same samples",
        "None, int seed, SeedSequence or Generator",
    ),
    "callback": Term(
        "called with an isingeq.ProgressEvent (phase, best energy so far, sweeps, rounds, "
        "elapsed time against time_limit) whenever the method checks its clock, and once at "
        "the end; isingeq.Trace() keeps them all",
        "function of a ProgressEvent",
    ),
}


def option_default(fn: Any, option: str) -> Any:
    """The default of ``option`` in ``fn``'s signature (None where the method resolves it)."""
    return inspect.signature(fn).parameters[option].default


def _fmt_default(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, float):
        return f"{value:.3g}"
    return repr(value)


def vocabulary_table() -> str:
    """The markdown table of ``docs/vocabulary.md``: option, meaning, unit, defaults per method.

    A default of None means unset, or resolved by the method from the model and the other
    options (``result.info["options"]`` has the value it ran with; the docstring says how).
    """
    from ._registry import METHODS, method_options

    lines = [
        "| option | meaning | unit | methods (default) |",
        "|---|---|---|---|",
    ]
    for name, term in VOCABULARY.items():
        users = [
            f"{m} ({_fmt_default(option_default(fn, name))})"
            for m, fn in METHODS.items()
            if name in method_options(m)
        ]
        cells = [f"`{name}`", term.meaning, term.unit, ", ".join(users)]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"
