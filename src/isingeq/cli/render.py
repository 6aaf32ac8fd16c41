"""Every rich table the CLI prints: reproduce, solve, methods, instances, bench, analyze,
perceptron.

Functions here take the library's summaries (plain dicts and lists) and return tables; they
import nothing from the experiments, so ``isingeq solve`` and ``isingeq methods`` stay light.
What comes from the user (instance names, file paths, method specs) is escaped: a file stem
like ``run[v2]`` is a name, not rich markup.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

__all__ = [
    "analyze_table",
    "bench_tables",
    "instances_tables",
    "methods_table",
    "perceptron_tables",
    "print_tables",
    "reproduce_table",
    "solve_table",
]


def print_tables(tables: Iterable[Table], console: Console | None = None) -> None:
    """Print on ``console`` (default stdout): on a terminal at its width, which the tables are
    made to fit (wrapping cells, not dropping columns); in a pipe or a file at each table's
    natural width up to :data:`PIPE_WIDTH`, so that a log holds every column unwrapped."""
    console = Console() if console is None else console
    for table in tables:
        if console.is_terminal:
            console.print(table)
            continue
        natural = Console(width=PIPE_WIDTH).measure(table).maximum
        width = console.width
        console.width = max(natural, width)
        try:
            console.print(table)
        finally:
            console.width = width


#: The widest a table is printed in a pipe or a file (wider ones wrap their long cells).
PIPE_WIDTH = 160


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.2f} %"


def _gap_cell(gap: float | None) -> str:
    return "-" if gap is None else f"{100 * gap:.3f} %"


def _seconds(t: float | None) -> str:
    if t is None:
        return "-"
    return f"{t:.3g} s" if t >= 0.01 else f"{1e3 * t:.2g} ms"


def _err_cell(mean: float | None, top: float | None) -> str:
    if mean is None or top is None or mean != mean:
        return "-"
    return f"{mean:.3g} · {top:.3g}"


def reproduce_table(
    summary: Sequence[Mapping[str, Any]],
    trials: int,
    seed: int,
    paper: Mapping[int, tuple[float, float]],
    *,
    complete: bool = True,
) -> Table:
    """The paper's table: per n, the published row (where there is one), then each method
    (with how many of its records failed, when some did: the rates leave them out). An
    interrupted run's title says how many instances its rows cover."""
    title = f"isingeq reproduce: {trials} paper instances per n, seed {seed}"
    if not complete:
        done = sorted({int(r["trials"]) for r in summary if r["method"] == "exact"})
        count = "none" if not done else f"{done[0]}" if len(done) == 1 else f"{done[0]}-{done[-1]}"
        title = (
            f"isingeq reproduce, interrupted: the rows cover {count} of {trials} paper "
            f"instances per n, seed {seed}"
        )
    table = Table(title=title)
    table.add_column("n", justify="right", no_wrap=True)
    table.add_column("method", min_width=10, overflow="fold")  # wraps when narrow; numbers do not
    for col in ("correct rate", "energy ratio", "GS hits", "time/inst"):
        table.add_column(col, justify="right", no_wrap=True)
    for n in sorted({r["n"] for r in summary}):
        if n in paper:
            c, e = paper[n]
            table.add_row(
                str(n), "[italic]paper (SciPy, as published)[/]", _pct(c), _pct(e), "-", "-"
            )
        for row in (r for r in summary if r["n"] == n):
            failed = row.get("failed", 0)
            label = escape(row["method"])  # a user's spec, not markup
            method = f"{label} [red]({failed} failed)[/]" if failed else label
            mean_time = row["mean_time_s"]
            table.add_row(
                str(n),
                method,
                _pct(row["correct_rate"]),
                _pct(row["energy_ratio"]),
                _pct(row["gs_hit_rate"]),
                "-" if mean_time is None else f"{1e3 * mean_time:.2f} ms",
            )
        table.add_section()
    return table


def failure_lines(
    records: Iterable[Mapping[str, Any]], label: Callable[[Mapping[str, Any]], str], limit: int = 5
) -> list[str]:
    """One line per distinct failure of ``records`` (status ``"failed: Type: message"``), with
    its label and count, the most frequent first: the tables count failed runs, and their
    errors were only in ``records.csv`` (``mfa:time_limit=-1`` failed every trial, silently).
    At most ``limit`` lines, then how many more."""
    counts: dict[tuple[str, str], int] = {}
    for r in records:
        status = str(r.get("status", "ok"))
        if status.startswith("failed"):
            key = (label(r), status.partition(":")[2].strip() or status)
            counts[key] = counts.get(key, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    lines = [
        f"{name}, {count} run{'s' if count > 1 else ''}: {message}"
        for (name, message), count in ranked[:limit]
    ]
    if len(ranked) > limit:
        lines.append(f"... and {len(ranked) - limit} other failures (records.csv has each)")
    return lines


def solve_table(record: Mapping[str, Any]) -> Table:
    """One solve: the instance, the method and its options, best energy, objective and gap,
    time, reads and why it stopped (``info["stopped"]``, with its sweeps)."""
    opts = ", ".join(f"{k}={v!r}" for k, v in record["options"].items())
    method = f"{record['method']} ({opts})" if opts else record["method"]
    chosen = (record.get("info") or {}).get("auto")
    if chosen:
        method += f"; auto: {chosen.get('reason', '')}".rstrip("; :")
    table = Table(title="isingeq solve", show_header=False)
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_row("instance", record["instance"])
    table.add_row("n", str(record["n"]))
    table.add_row("method", f"{method} (seed {record['seed']})")
    table.add_row("best energy", f"{record['best_energy']:.10g}")
    if record.get("objective") is not None:
        table.add_row(f"objective ({record['sense']})", f"{record['objective']:.10g}")
    if record.get("gap") is not None:
        table.add_row("best-known / gap", f"{record['best_known']:.10g} / {record['gap']:.4%}")
    table.add_row("time", f"{record['time_s']:.4g} s")
    table.add_row("reads", str(record["num_reads"]))
    info = record.get("info") or {}
    if info.get("stopped"):  # why it ended: a time limit, a schedule run out, not converged
        sweeps = info.get("sweeps") or 0  # none for exact: "enumerated" says it all
        table.add_row(
            "stopped", f"{info['stopped']} ({sweeps} sweeps)" if sweeps else info["stopped"]
        )
    return table


def methods_table(
    methods: Mapping[str, Any],
    vocabulary: Mapping[str, Any] | None = None,
    common: Mapping[str, Any] | None = None,
) -> Table:
    """Each registered method with its options and their defaults (from the signatures), and,
    where the solvers' vocabulary table exists, what each option means and its unit; the
    caption lists what every method takes besides (``common``: ``rng``, ``callback``)."""
    caption = None
    if common:
        parts = []
        for option in common:
            meaning, unit = _vocab(common, option)
            parts.append(f"{option} ({unit}): {meaning}" if unit else f"{option}: {meaning}")
        caption = "\n".join(["Every method also takes:", *parts])
    table = Table(
        title="isingeq methods: options and defaults (one vocabulary for all methods)",
        caption=caption,
        caption_justify="left",
    )
    table.add_column("method", no_wrap=True)
    table.add_column("option", no_wrap=True)
    table.add_column("default")
    if vocabulary is not None:
        table.add_column("meaning")
        table.add_column("unit")
    for name, fn in methods.items():
        params = [
            p
            for p in inspect.signature(fn).parameters.values()
            if p.kind is inspect.Parameter.KEYWORD_ONLY and p.name != "rng"
        ]
        if not params:
            table.add_row(name, "[dim](none)[/]", "", *([""] * 2 if vocabulary is not None else []))
        for i, p in enumerate(params):
            default = (
                "[dim]required[/]" if p.default is inspect.Parameter.empty else repr(p.default)
            )
            cells = [name if i == 0 else "", p.name, default]
            if vocabulary is not None:
                meaning, unit = _vocab(vocabulary, p.name)
                cells += [meaning, unit]
            table.add_row(*cells)
        table.add_section()
    return table


def _some(names: Sequence[str], most: int = 12) -> str:
    """Every name of a short list; the first and last ones of a long one (with the count)."""
    if len(names) <= most:
        return ", ".join(names)
    return f"{', '.join(names[:3])}, ..., {', '.join(names[-2:])}"


def instances_tables(
    entries: Sequence[Any], suites: Mapping[str, Sequence[str]] | None, random_forms: str
) -> list[Table]:
    """The named instances (``entries``: the best-known table's rows) by family, or one row
    each when they are one family's (``suites`` None); then the suites and, as the caption,
    the other specs (``random_forms``)."""
    families: dict[str, list[Any]] = {}
    for e in entries:
        families.setdefault(e.family, []).append(e)
    if suites is None:  # one family, every instance
        table = Table(title=f"isingeq instances: {', '.join(families)}", caption=random_forms)
        for col in ("name", "n", "best known", "sense"):
            table.add_column(col, no_wrap=col != "best known")
        for e in entries:
            table.add_row(e.name, str(e.n), f"{e.best_known:g}", e.sense)
        return [table]
    table = Table(
        title="isingeq instances: the named ones, each with a best-known value "
        "(--family FAMILY lists a family's, with the values)",
    )
    for col in ("family", "count", "n", "names"):
        table.add_column(col, no_wrap=col != "names")
    for family, rows in families.items():
        sizes = sorted({e.n for e in rows})
        n = str(sizes[0]) if len(sizes) == 1 else f"{sizes[0]}..{sizes[-1]}"
        table.add_row(family, str(len(rows)), n, _some([e.name for e in rows]))
    by_suite = Table(
        title="suites (isingeq bench --suite SUITE)",
        caption=random_forms,
        caption_justify="left",
    )
    for col in ("suite", "count", "instances"):
        by_suite.add_column(col, no_wrap=col != "instances")
    for name, members in suites.items():
        by_suite.add_row(name, str(len(members)), _some(list(members)))
    return [table, by_suite]


def _vocab(vocabulary: Mapping[str, Any], option: str) -> tuple[str, str]:
    entry = vocabulary.get(option)
    if entry is None:
        return "", ""
    if isinstance(entry, Mapping):
        return str(entry.get("meaning", "")), str(entry.get("unit", "") or "")
    parts = [*tuple(entry), "", ""]
    return str(parts[0]), str(parts[1] or "")


def analyze_table(summary: Sequence[Mapping[str, Any]], title: str) -> Table:
    """The t = inf solutions of eq. 16 per n: how many, and the ground state's basin."""
    table = Table(title=title)
    for col in ("n", "mean #solutions", "median", "max", "GS only solution", "GS basin"):
        table.add_column(col, justify="right", no_wrap=True)
    for r in summary:
        table.add_row(
            str(r["n"]),
            f"{r['mean_solutions']:.2f}",
            f"{r['median_solutions']:g}",
            str(r["max_solutions"]),
            _pct(r["unique_fraction"]),
            _pct(r["mean_basin"]),
        )
    return table


def _bench_gap_cells(
    rows: Sequence[Mapping[str, Any]], solvers: Sequence[str], budgets: Sequence[float]
) -> dict[tuple[str, float], str]:
    """Cells "mean gap" (best per budget in bold) over "hit rate · best or tied / instances"."""
    cell = {(r["solver"], r["budget_s"]): r for r in rows}
    out = {}
    for b in budgets:
        gaps = [cell[(s, b)]["mean_gap"] for s in solvers if (s, b) in cell]
        gaps = [g for g in gaps if g is not None]
        best = min(gaps) if gaps else None
        for s in solvers:
            r = cell.get((s, b))
            if r is None or r["mean_gap"] is None:
                out[(s, b)] = "-"
                continue
            top = _gap_cell(r["mean_gap"])
            if r["mean_gap"] == best:
                top = f"[bold green]{top}[/]"
            below = f"hit {_pct(r['hit_rate'])} · best {r['best_or_tied']}/{r['instances']}"
            out[(s, b)] = f"{top}\n[dim]{below}[/]"
    return out


def bench_tables(summary: dict[str, Any]) -> list[Table]:
    """The bench's tables: mean gap per solver and budget (all instances, then the tuned-on and
    not-tuned-on ones); per solver, its best-or-tied counts, budget use, runs over budget and
    failed runs; per Gset family; values better than the best known; the time to target.

    The gap cells wrap and the counts are a table of their own, so that every column keeps
    its width on an 80-column terminal, whatever the number of budgets.
    """
    cfg = summary["config"]
    budgets = cfg["budgets_s"]
    rows = summary["by_solver_budget"]
    solvers = list(dict.fromkeys(r["solver"] for r in rows))
    cell = {(r["solver"], r["budget_s"]): r for r in rows}
    n_inst = len(cfg["instances"])
    lo, hi = cfg.get("budget_band", (0.9, 1.1))
    caption = (
        f"{cfg.get('comparison', '')}. Cell: mean gap to the reference; below: mean of the best "
        "gap over repeats · mean wall time · mean CPU time (first section), hit rate · instances "
        "where its mean objective is the best of all solvers or tied (sections by tuning). Best "
        "mean gap per budget in bold."
    )
    no_bk = [r["instance"] for r in summary["instances"] if r["best_known"] is None]
    if no_bk:
        caption += (
            f" No best-known value for {escape(', '.join(no_bk))}: their gap is to the best objective "
            "found by any solver in this run."
        )
    title = (
        f"isingeq bench: mean gap over {n_inst} instance{'s' if n_inst != 1 else ''} x "
        f"{cfg['repeats']} repeat{'s' if cfg['repeats'] != 1 else ''} (lower is better)"
    )
    table = Table(title=title, caption=caption, min_width=len(title) + 4)
    table.add_column("solver", no_wrap=True)
    for b in budgets:
        # wraps rather than squeeze the other columns
        table.add_column(f"{b:g} s", justify="right", min_width=9)
    best = {}
    for b in budgets:
        gaps = [cell[(s, b)]["mean_gap"] for s in solvers if cell[(s, b)]["mean_gap"] is not None]
        best[b] = min(gaps) if gaps else None
    runs = Table(
        title="isingeq bench: runs per solver (all budgets)",
        caption="best or tied: instances where its mean objective is the best of all solvers or "
        f"tied, per budget ({' / '.join(f'{b:g} s' for b in budgets)}). Budget use: runs below "
        f"{lo:g} / above {hi:g} x budget. Over budget: runs whose fixed cost exceeds the budget; "
        "failed: runs that raised. Both are left out of the means.",
    )
    runs.add_column("solver", no_wrap=True)
    runs.add_column(f"best or tied (of {n_inst})", justify="right", min_width=8)
    runs.add_column(f"budget use < {lo:g} / > {hi:g}", justify="right", min_width=8)
    runs.add_column("over budget", justify="right", min_width=6)
    runs.add_column("failed", justify="right", min_width=6)
    # a solver that cannot run here: rows when named by the user, none when it was a default
    skipped = set(cfg.get("skipped_solvers") or {})
    for s in solvers:
        cells = []
        for b in budgets:
            r = cell[(s, b)]
            if (r["skipped"] or s in skipped) and not r["ok"]:
                cells.append("[dim]skipped[/]")
                continue
            top = _gap_cell(r["mean_gap"])
            if r["mean_gap"] is not None and r["mean_gap"] == best[b]:
                top = f"[bold green]{top}[/]"
            # two short lines, so that a narrow column wraps between the values, not in one
            below = (
                f"{_gap_cell(r['mean_best_gap'])} · {_seconds(r['mean_time_s'])}\n"
                f"cpu {_seconds(r.get('mean_cpu_s'))}"
            )
            cells.append(f"{top}\n[dim]{below}[/]")
        table.add_row(s, *cells)
        if s in skipped and not any(cell[(s, b)]["ok"] for b in budgets):
            runs.add_row(s, *(["[dim]skipped[/]"] * 4))
            continue
        # the time-to-target runs that raised count too (they have no budget column)
        failed = sum(cell[(s, b)]["failed"] for b in budgets)
        failed += summary.get("ttt_failed", {}).get(s, 0)
        tied = " / ".join(str(cell[(s, b)].get("best_or_tied", 0)) for b in budgets)
        under = sum(cell[(s, b)].get("under_budget_band", 0) for b in budgets)
        over = sum(cell[(s, b)].get("over_budget_band", 0) for b in budgets)
        use = f"{under} / {over}"
        if under or over:
            use = f"[yellow]{use}[/]"
        over_b = sum(cell[(s, b)].get("over_budget", 0) for b in budgets)
        runs.add_row(
            s,
            tied,
            use,
            f"[red]{over_b}[/]" if over_b else "0",
            f"[red]{failed}[/]" if failed else "0",
        )
    for split in ("tuned on", "not tuned on"):
        part = [r for r in summary.get("by_split", []) if r["split"] == split]
        if not part:
            continue
        k = max((r["instances"] for r in part), default=0)
        table.add_section()
        table.add_row(f"[bold]{split}[/] ({k})", *([""] * len(budgets)))
        cells_by = _bench_gap_cells(part, solvers, budgets)
        for s in solvers:
            table.add_row(f"  {s}", *[cells_by[(s, b)] for b in budgets])
    out = [table, runs]
    fam_rows = summary.get("by_family", [])
    if fam_rows:
        t_fam = Table(
            title="per Gset family: mean gap (lower is better)",
            caption="below: hit rate · instances where the solver is best or tied / instances",
        )
        t_fam.add_column("family", no_wrap=True)
        t_fam.add_column("solver", no_wrap=True)
        for b in budgets:
            t_fam.add_column(f"{b:g} s", justify="right", min_width=9)
        for fam in dict.fromkeys(r["family"] for r in fam_rows):
            part = [r for r in fam_rows if r["family"] == fam]
            cells_by = _bench_gap_cells(part, solvers, budgets)
            k = max(r["instances"] for r in part)
            for i, s in enumerate(solvers):
                name = f"{fam} ({k})" if i == 0 else ""
                t_fam.add_row(name, s, *[cells_by[(s, b)] for b in budgets])
            t_fam.add_section()
        out.append(t_fam)
    beats = summary.get("beats_best_known", [])
    if beats:
        t_b = Table(
            title="[red]better than the best-known value: check these[/]",
            caption="certificates (the 0/1 state and its recomputed objective) are in the "
            "output folder",
        )
        for col in ("instance", "solver", "budget", "seed", "objective", "best known"):
            t_b.add_column(col, no_wrap=True)
        t_b.add_column("certificate")
        for r in beats:
            t_b.add_row(
                escape(r["instance"]),
                r["solver"],
                str(r["budget_s"]),
                str(r["seed"]),
                f"{r['objective']:.10g}",
                f"{r['best_known']:.10g}",
                escape(str(r.get("certificate") or "-")),
            )
        out.append(t_b)
    ttt = [r for r in summary["by_instance_solver"] if r["ttt_tries"] or r.get("ttt_failed")]
    instances = list(dict.fromkeys(r["instance"] for r in ttt))
    if ttt and len(instances) <= 12:
        src = sorted({r["ttt_source"] for r in ttt})
        title = (
            f"median time to {100 * cfg['target']:g} % of the reference "
            f"(reached / tries; from {', '.join(src)})"
        )
        ttt_caption: str | None = None
        if any(r.get("median_total_s") is not None for r in ttt):
            ttt_caption = (
                "below: the median total wall time of all tries (doubling peers: the runs that "
                "missed too; solvers that stop at the target: the same run)"
            )
        t2 = Table(title=title, caption=ttt_caption, min_width=min(len(title) + 4, 100))
        t2.add_column("solver", no_wrap=True)
        for name in instances:
            t2.add_column(escape(name), justify="right", min_width=8)
        by = {(r["solver"], r["instance"]): r for r in ttt}
        for s in solvers:
            if not any((s, name) in by for name in instances):
                continue
            vals = []
            for name in instances:
                r = by.get((s, name))
                if r is None:
                    vals.append("-")
                    continue
                text = f"{_seconds(r['median_ttt_s'])} ({r['ttt_reached']}/{r['ttt_tries']})"
                if r.get("ttt_failed"):
                    text += f"\n[red]{r['ttt_failed']} failed[/]"
                if r.get("median_total_s") is not None:
                    text += f"\n[dim]total {_seconds(r['median_total_s'])}[/]"
                vals.append(text)
            t2.add_row(s, *vals)
        out.append(t2)
    return out


def perceptron_tables(summary: dict[str, Any]) -> list[Table]:
    """The perceptron demo's tables: mean-field error, fixed points, the inverse problem."""
    cfg = summary["config"]
    k = cfg.get("trials", cfg.get("instances"))  # "instances": a version before the rename
    mf = summary["mean_field"]
    ts = list(dict.fromkeys(r["t"] for r in mf))
    t1 = Table(
        title=f"eq. 16 as a perceptron: mean-field error max_i |<n_i>_eq16 - <n_i>_exact| "
        f"({k} paper instances per n)",
        caption="cell: mean, below it the max over instances. Last column: error of the exact "
        "identity P(n_i=1 | rest) = sigmoid(t xi_i), worst over all nodes, states and t.",
    )
    t1.add_column("n", justify="right", no_wrap=True)
    for t in ts:  # "max ..." wraps under its value on a narrow terminal
        t1.add_column(f"t = {t:g}", justify="right", min_width=8)
    t1.add_column("identity", justify="right", no_wrap=True)
    for n in dict.fromkeys(r["n"] for r in mf):
        by_t = {r["t"]: r for r in mf if r["n"] == n}
        cells = [
            f"{by_t[t]['mean_mean_field_error']:.3g}\n[dim]max {by_t[t]['max_mean_field_error']:.3g}[/]"
            for t in ts
        ]
        worst = max(r["max_conditional_identity_error"] for r in by_t.values())
        t1.add_row(str(n), *cells, f"{worst:.1e}")
    t2 = analyze_table(
        summary["fixed_points"], f"t = inf solutions of eq. 16 ({k} paper instances per n)"
    )
    rc = summary["reconstruction"]
    methods = list(dict.fromkeys(r["method"] for r in rc))
    t3 = Table(
        title=f"inverse problem: max |eps_fit - eps|, n = {cfg['recon_n']}, t = "
        f"{cfg['recon_t']:g}, exact samples ({k} paper instances)",
        caption="cell: median · max over instances (failed fits in red); time: mean fit time.",
    )
    t3.add_column("samples", justify="right")
    for m in methods:
        t3.add_column(m, justify="right", no_wrap=True)
        t3.add_column("time", justify="right", no_wrap=True)
    for S in dict.fromkeys(r["samples"] for r in rc):
        cells = []
        for m in methods:
            r = next(r for r in rc if r["samples"] == S and r["method"] == m)
            cell = _err_cell(r["median_error"], r["max_error"])
            if r["failed"]:
                cell += f" [red]({r['failed']} failed)[/]"
            cells += [cell, _seconds(r["mean_fit_time_s"])]
        t3.add_row(f"{S:,}", *cells)
    return [t1, t2, t3]
