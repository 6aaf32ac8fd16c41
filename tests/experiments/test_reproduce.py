from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import isingeq
from isingeq.experiments import reproduce as rp


def test_small_run_reports_sensible_metrics() -> None:
    run = rp.run_reproduce(sizes=(4, 6), trials=5, seed=1, methods=["scipy-root:mode=continuation"])
    assert run.complete
    assert len(run.records) == 2 * 5 * 2  # sizes x trials x (exact + 1 method)
    by = {(r["n"], r["method"]): r for r in run.summary}
    for n in (4, 6):
        ex = by[(n, "exact")]
        assert ex["correct_rate"] == 1.0 and ex["energy_ratio"] == 1.0 and ex["gs_hit_rate"] == 1.0
        h = by[(n, "scipy-root:mode=continuation")]
        assert 0.0 <= h["correct_rate"] <= 1.0
        assert h["energy_ratio"] <= 1.0 + 1e-12
        assert h["trials"] == 5


def test_records_are_recomputed_from_the_instances() -> None:
    run = rp.run_reproduce(sizes=(5,), trials=3, seed=4, methods=["scipy-root"])
    children = np.random.SeedSequence(4, spawn_key=(5,)).spawn(3)
    for rec in run.records:
        m = isingeq.paper_instance(5, rng=np.random.default_rng(children[rec["trial"]]))
        e0 = isingeq.solve(m, method="exact").best_energy
        assert rec["exact_energy"] == pytest.approx(e0)
        assert rec["energy_ratio"] == pytest.approx(rec["energy"] / e0)
        assert rec["gs_hit"] == (abs(rec["energy"] - e0) < 1e-9)
        assert rec["correct_nodes"] == 5 - rec["hamming"]


def test_same_seed_same_records_and_sizes_do_not_interact() -> None:
    a = rp.run_reproduce(sizes=(6,), trials=4, seed=3, methods=["scipy-root"])
    b = rp.run_reproduce(sizes=(4, 6), trials=4, seed=3, methods=["scipy-root"])
    rows_a = [{k: v for k, v in r.items() if k != "time_s"} for r in a.records]
    rows_b = [{k: v for k, v in r.items() if k != "time_s"} for r in b.records if r["n"] == 6]
    assert rows_a == rows_b


def test_energy_ratio_when_the_exact_ground_state_energy_is_zero() -> None:
    # every coupling negative: the empty state (H = 0) is the ground state
    m = isingeq.SpinGlass(-np.triu(np.ones((3, 3))))
    ex = isingeq.solve(m, method="exact")
    gs = ex.samples[:1]
    hit = rp._record(3, 0, "x", ex, gs, 0.0, 1e-12, seed=0)
    assert hit["energy_ratio"] == 1.0
    worse = isingeq.SolveResult.from_samples(m, np.array([[1, 0, 0]]), "x", info={"time_ns": 0})
    assert rp._record(3, 0, "x", worse, gs, 0.0, 1e-12, seed=0)["energy_ratio"] == 0.0
    assert rp.summarize([hit])[0]["zero_gs_instances"] == 1


def test_default_methods_cover_every_heuristic() -> None:
    methods = rp.default_methods()
    assert "exact" not in methods
    assert "scipy-root" in methods and "scipy-root:mode=continuation" in methods
    from isingeq.solvers._registry import DISPATCH_METHODS

    assert not set(methods) & DISPATCH_METHODS  # "auto" would repeat another row
    for name in isingeq.METHODS:
        if name not in isingeq.solvers.EXACT_METHODS | DISPATCH_METHODS:
            assert name in methods


def test_write_outputs(tmp_path: object) -> None:
    from pathlib import Path

    out = Path(str(tmp_path))
    run = rp.run_reproduce(sizes=(4,), trials=2, seed=0, methods=["scipy-root"])
    paths = rp.write_outputs(run, out)
    summary = json.loads(paths["summary"].read_text())
    assert summary["complete"] and summary["summary"][0]["n"] == 4
    assert paths["records"].read_text().count("\n") == 1 + 2 * 2
    assert paths["plot"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"sizes": ()}, ValueError, "at least one size"),
        ({"sizes": (0,)}, ValueError, "`sizes` must be >= 1; got 0"),
        ({"sizes": (40,)}, ValueError, "<= 36"),
        ({"trials": 0}, ValueError, "`trials` must be >= 1; got 0"),
        ({"methods": ["nope"]}, ValueError, "unknown method 'nope'"),
        ({"methods": ["scipy-root:t"]}, ValueError, "key=value"),
        ({"seed": -1}, ValueError, "`seed`"),
        ({"methods": ["exact"]}, ValueError, r"`methods` lists 'exact'.*got \['exact'\]"),
    ],
)
def test_bad_input(kwargs: dict[str, object], exc: type, match: str) -> None:
    with pytest.raises(exc, match=match):
        rp.run_reproduce(**{"sizes": (4,), "trials": 1, **kwargs})  # type: ignore[arg-type]


def test_a_method_that_raises_is_recorded_as_failed_and_the_run_goes_on(
    tmp_path: Path, fragile_method: Any
) -> None:
    from tests.conftest import FRAGILE

    out = tmp_path / "r"
    run = rp.run_reproduce((5, 6), 8, seed=3, methods=[FRAGILE, "greedy"], out_dir=out)
    assert run.complete
    children = np.random.SeedSequence(3, spawn_key=(5,)).spawn(8)
    broken = {
        t
        for t, c in enumerate(children)
        if isingeq.paper_instance(5, rng=np.random.default_rng(c)).eps[0, 0] > 0
    }
    assert 0 < len(broken) < 8  # the seed gives both kinds of instance
    for r in run.records:
        fails = r["method"] == FRAGILE and r["n"] == 5 and r["trial"] in broken
        if fails:
            assert r["status"].startswith("failed: RuntimeError: fragile on this instance")
            assert r["energy"] is None and r["gs_hit"] is None and r["seed"] == 3
        else:
            assert r["status"] == "ok" and r["energy"] is not None
    by = {(r["n"], r["method"]): r for r in run.summary}
    assert by[(5, FRAGILE)]["failed"] == len(broken)
    assert by[(5, FRAGILE)]["trials"] == 8 - len(broken)
    assert by[(6, FRAGILE)]["failed"] == 0 and by[(5, "greedy")]["failed"] == 0
    # the rates cover the records that ran, and only those
    ran = [r for r in run.records if r["n"] == 5 and r["method"] == FRAGILE]
    ran = [r for r in ran if r["trial"] not in broken]
    assert by[(5, FRAGILE)]["gs_hit_rate"] == pytest.approx(
        sum(bool(r["gs_hit"]) for r in ran) / len(ran)
    )
    assert by[(5, FRAGILE)]["correct_rate"] == pytest.approx(
        sum(r["correct_nodes"] for r in ran) / (5 * len(ran))
    )
    # the file says the same, reads back, and a resumed run redoes nothing
    again = rp.run_reproduce(
        (5, 6), 8, seed=3, methods=[FRAGILE, "greedy"], out_dir=out, resume=True
    )
    assert again.records == run.records
    paths = rp.write_outputs(again, out, records_written=True)
    summary = json.loads(paths["summary"].read_text())["summary"]
    assert {(s["n"], s["method"]): s["failed"] for s in summary}[(5, FRAGILE)] == len(broken)


def test_a_group_whose_every_record_failed_has_no_rates() -> None:
    rows = [rp.failed_record(4, t, "m", 0, "failed: OSError") for t in range(3)]
    (only,) = rp.summarize(rows)
    assert only["trials"] == 0 and only["failed"] == 3
    assert only["correct_rate"] is None and only["mean_time_s"] is None


def test_records_of_the_layout_before_status_read_back_as_ok(tmp_path: Path) -> None:
    run = rp.run_reproduce((4,), 3, seed=1, methods=["greedy"], out_dir=tmp_path)
    path = tmp_path / "records.csv"
    lines = path.read_text().splitlines()
    old = [",".join(line.split(",")[:-1]) for line in lines]  # the status column dropped
    assert old[0].endswith(",seed")
    path.write_text("\n".join(old) + "\n")
    again = rp.run_reproduce((4,), 3, seed=1, methods=["greedy"], out_dir=tmp_path, resume=True)
    assert [r["status"] for r in again.records] == ["ok"] * len(run.records)
    assert [r["energy"] for r in again.records] == [r["energy"] for r in run.records]
    assert path.read_text().splitlines()[0].endswith(",seed,status")


def test_output_files_have_the_permissions_of_a_plain_write(tmp_path: Path) -> None:
    # written atomically through a temporary file, which tempfile creates 0600: the records,
    # the summary and the figure must be readable as a plain open(..., "w") would leave them
    import os

    from isingeq.experiments.reproduce import run_reproduce, write_outputs

    mask = os.umask(0o022)
    os.umask(mask)
    run = run_reproduce((4,), 2, methods=["greedy"], out_dir=tmp_path)
    write_outputs(run, tmp_path, records_written=True)
    assert {p.name for p in tmp_path.iterdir()} >= {"records.csv", "summary.json"}
    for p in tmp_path.iterdir():
        assert p.stat().st_mode & 0o777 == 0o666 & ~mask, (p.name, oct(p.stat().st_mode))


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"sizes": (6, 8, 6)}, r"`sizes` lists \[6\] more than once"),
        ({"methods": ["greedy", "tabu", "greedy"]}, r"`methods` lists \['greedy'\] more than once"),
    ],
)
def test_a_size_or_method_given_twice_is_refused(kw: dict[str, Any], match: str) -> None:
    # the same instances twice: every summary figure would count them twice
    opts: dict[str, Any] = {"sizes": (6,), "trials": 2, "methods": ["greedy"], **kw}
    with pytest.raises(ValueError, match=match):
        rp.run_reproduce(**opts)


def test_resume_reports_the_instances_it_keeps(tmp_path: Path) -> None:
    # the progress bar counts them as done; only the others call on_instance
    rp.run_reproduce((4,), 3, methods=["greedy"], out_dir=tmp_path)
    kept: list[int] = []
    ran: list[tuple[int, int]] = []
    run = rp.run_reproduce(
        (4,), 5, methods=["greedy"], out_dir=tmp_path, resume=True,
        on_resume=kept.append, on_instance=lambda n, t: ran.append((n, t)),
    )  # fmt: skip
    assert run.complete and kept == [3] and ran == [(4, 3), (4, 4)]


def test_exact_is_not_run_twice_when_methods_lists_it() -> None:
    # the exact row is always there: listed again, every instance had two "exact" records and
    # the summary counted 2 x trials of them
    with pytest.raises(ValueError, match="`methods` lists 'exact'"):
        rp.run_reproduce((4,), 2, methods=["greedy", "exact"])


def test_a_bad_option_value_leaves_the_last_run_s_files_alone(tmp_path: Path) -> None:
    # an option's value is checked by the method itself (in the warm-up): that must come before
    # records.csv is replaced, as every other check does
    rp.run_reproduce((4,), 2, seed=1, methods=["greedy"], out_dir=tmp_path)
    before = (tmp_path / "records.csv").read_bytes()
    for resume in (False, True):
        with pytest.raises(ValueError, match="`t_end` must be > 0; got -1"):
            rp.run_reproduce(
                (4,), 2, seed=1, methods=["scipy-root:t_end=-1"], out_dir=tmp_path, resume=resume
            )
        assert (tmp_path / "records.csv").read_bytes() == before
    fresh = tmp_path / "new"
    with pytest.raises(ValueError, match="`t_end`"):
        rp.run_reproduce((4,), 2, methods=["scipy-root:t_end=-1"], out_dir=fresh)
    assert not fresh.exists()


def test_a_cut_last_line_is_repaired_and_said_once(tmp_path: Path) -> None:
    # killed mid-write: the cut row is dropped, its instance redone, and the warning given once
    # (the file is read twice on resume: to check it, then to reopen it)
    full = rp.run_reproduce((4,), 3, seed=2, methods=["greedy"], out_dir=tmp_path)
    path = tmp_path / "records.csv"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:4]) + lines[4][:12])  # trial 1's exact row cut
    with pytest.warns(UserWarning, match="line 5 was cut short") as said:
        again = rp.run_reproduce((4,), 3, seed=2, methods=["greedy"], out_dir=tmp_path, resume=True)
    assert len([w for w in said if "cut short" in str(w.message)]) == 1
    same = [{k: v for k, v in r.items() if k != "time_s"} for r in again.records]
    assert same == [{k: v for k, v in r.items() if k != "time_s"} for r in full.records]
    assert path.read_text().count("\n") == 1 + 3 * 2
