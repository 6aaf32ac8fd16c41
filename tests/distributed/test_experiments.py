"""Experiments on Dask: the same records as in-process, resumed after an interruption, and
complete when a worker dies mid-run."""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

import pytest

from isingeq.experiments import reproduce as rp
from isingeq.experiments.records import RecordsFile

# tabu: its num_reads defaults to numba's thread count, which differs on the workers
METHODS = ["scipy-root", "mfa:num_reads=4;num_sweeps=60", "greedy", "tabu:num_sweeps=20"]
TIMING = {"time_s"}


def _rows(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k not in TIMING} for r in records]


def _file_rows(path: Path) -> list[dict[str, str]]:
    fields = [f for f in rp.RECORD_FIELDS if f not in TIMING]
    return [{k: r[k] for k in fields} for r in RecordsFile(path, rp.RECORD_FIELDS).read()]


def _on_dask(n: int, trials: int, seed: int, out: Path, client: Any, **kw: Any) -> rp.ReproduceRun:
    return rp.run_reproduce((n,), trials, seed, METHODS, out_dir=out, scheduler=client, **kw)


def test_dask_records_equal_in_process(tmp_path: Path, thread_client: Any) -> None:
    serial = rp.run_reproduce((5, 8), 6, seed=4, methods=METHODS, out_dir=tmp_path / "a")
    dask = rp.run_reproduce(
        (5, 8), 6, seed=4, methods=METHODS, out_dir=tmp_path / "b", scheduler=thread_client
    )
    assert dask.complete
    assert len(dask.records) == 2 * 6 * (1 + len(METHODS))
    assert _rows(dask.records) == _rows(serial.records)
    assert _file_rows(tmp_path / "b" / "records.csv") == _file_rows(tmp_path / "a" / "records.csv")
    untimed = [{k: v for k, v in s.items() if k != "mean_time_s"} for s in serial.summary]
    assert [{k: v for k, v in s.items() if k != "mean_time_s"} for s in dask.summary] == untimed


def test_interrupted_dask_run_resumes_without_duplicates(
    tmp_path: Path, thread_client: Any
) -> None:
    seen: list[dict[str, Any]] = []

    def stop_after_three_instances(row: dict[str, Any]) -> None:
        seen.append(row)
        if len(seen) == 3 * (1 + len(METHODS)) - 1:  # mid-instance: its last row is cut off
            raise KeyboardInterrupt

    first = _on_dask(6, 10, 2, tmp_path, thread_client, on_record=stop_after_three_instances)
    assert not first.complete
    kept = RecordsFile(tmp_path / "records.csv", rp.RECORD_FIELDS).read()
    assert 0 < len(kept) < 10 * (1 + len(METHODS))
    again = rp.run_reproduce(
        (6,), 10, seed=2, methods=METHODS, out_dir=tmp_path, scheduler=thread_client, resume=True
    )
    assert again.complete
    rows = _file_rows(tmp_path / "records.csv")
    keys = [(r["n"], r["trial"], r["method"]) for r in rows]
    assert len(keys) == len(set(keys)) == 10 * (1 + len(METHODS))
    serial = rp.run_reproduce((6,), 10, seed=2, methods=METHODS, out_dir=tmp_path / "serial")
    assert rows == _file_rows(tmp_path / "serial" / "records.csv")
    assert _rows(again.records) == _rows(serial.records)


def test_resume_refuses_records_of_another_seed(tmp_path: Path) -> None:
    rp.run_reproduce((4,), 2, seed=1, methods=["greedy"], out_dir=tmp_path)
    with pytest.raises(ValueError, match=r"seed \['1'\].*not seed=2"):
        rp.run_reproduce((4,), 2, seed=2, methods=["greedy"], out_dir=tmp_path, resume=True)


@pytest.mark.parametrize(
    ("scheduler", "workers", "error"),
    [
        ("local", 0, r"`workers` must be >= 1"),
        ("nonsense", None, r"`scheduler` must be 'local' or a scheduler address"),
        (None, 2, r"`workers` applies to scheduler='local' only"),
    ],
)
def test_a_bad_scheduler_leaves_the_records_file_alone(
    tmp_path: Path, scheduler: Any, workers: Any, error: str
) -> None:
    rp.run_reproduce((4,), 3, seed=1, methods=["greedy"], out_dir=tmp_path)
    before = (tmp_path / "records.csv").read_bytes()
    for resume in (False, True):
        with pytest.raises(ValueError, match=error):
            rp.run_reproduce(
                (4,), 3, 1, ["greedy"], out_dir=tmp_path, resume=resume,
                scheduler=scheduler, workers=workers,
            )  # fmt: skip
        assert (tmp_path / "records.csv").read_bytes() == before


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"methods": ["greedy"]}, r"methods \['scipy-root'\]"),
        ({"sizes": (4,)}, r"sizes \[5\]"),
        ({"trials": 2}, r"trials beyond 2"),
    ],
)
def test_resume_refuses_to_drop_records_the_run_does_not_cover(
    tmp_path: Path, change: dict[str, Any], named: str
) -> None:
    opts: dict[str, Any] = {"sizes": (4, 5), "trials": 3, "seed": 1}
    rp.run_reproduce(methods=["greedy", "scipy-root"], out_dir=tmp_path, **opts)
    before = (tmp_path / "records.csv").read_bytes()
    opts.update({"methods": ["greedy", "scipy-root"], **change})
    with pytest.raises(ValueError, match=rf"resume: .* holds records of {named}"):
        rp.run_reproduce(out_dir=tmp_path, resume=True, **opts)
    assert (tmp_path / "records.csv").read_bytes() == before
    # more trials, or a method added, still resume (the new rows are computed)
    more = rp.run_reproduce(
        (4, 5), 4, 1, ["greedy", "scipy-root", "mfa"], out_dir=tmp_path, resume=True
    )
    assert more.complete and len(more.records) == 2 * 4 * 4


def test_ctrl_c_while_the_cluster_closes_keeps_the_finished_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import distributed

    real_exit = distributed.LocalCluster.__exit__

    def closing_interrupted(self: Any, *exc: Any) -> Any:
        real_exit(self, *exc)
        raise KeyboardInterrupt  # Ctrl-C as the cluster closes, after the run

    monkeypatch.setattr(distributed.LocalCluster, "__exit__", closing_interrupted)
    run = rp.run_reproduce(
        (4,), 3, seed=1, methods=["greedy"], out_dir=tmp_path, scheduler="local", workers=1
    )
    assert run.complete and len(run.records) == 3 * 2 and run.summary


def test_a_worker_killed_mid_run_loses_no_record(tmp_path: Path, process_client: Any) -> None:
    killed: list[str] = []
    # both workers up (another test of the package may have killed one: its nanny restarts it)
    process_client.wait_for_workers(2, timeout=120)

    def kill_a_worker(row: dict[str, Any]) -> None:
        if not killed:
            # asked of the scheduler now: Client.scheduler_info() is a cached copy, refreshed
            # every few seconds, and once listed no worker (a CI run: IndexError)
            victim = sorted(process_client.nthreads())[0]
            killed.append(victim)
            # the worker process exits at once; its running and queued tasks go elsewhere
            with pytest.raises(Exception):  # noqa: B017, PT011 - the call dies with it
                process_client.run(functools.partial(os._exit, 1), workers=[victim])

    dask = _on_dask(10, 16, 5, tmp_path, process_client, on_record=kill_a_worker)
    assert killed and dask.complete
    serial = rp.run_reproduce((10,), 16, seed=5, methods=METHODS)
    assert _rows(dask.records) == _rows(serial.records)
    assert len(_file_rows(tmp_path / "records.csv")) == 16 * (1 + len(METHODS))


def test_dask_bench_runs_every_planned_key_once_with_the_in_process_seeds(
    tmp_path: Path, thread_client: Any
) -> None:
    from isingeq.experiments import bench

    plan = bench.make_plan(
        names=["paper-12@1", "paper-16@2"],
        solvers=["greedy", "mfa"],
        budgets=[0.02],
        repeats=2,
        threads=1,
    )
    serial = bench.run_bench(plan, tmp_path / "serial")
    stopped: list[int] = []

    def stop_once(row: dict[str, Any]) -> None:
        stopped.append(1)
        if len(stopped) == 3:
            raise KeyboardInterrupt

    first = bench.run_bench(plan, tmp_path / "dask", scheduler=thread_client, on_record=stop_once)
    assert not first.complete
    again = bench.run_bench(plan, tmp_path / "dask", scheduler=thread_client)
    assert again.complete
    assert again.resumed == 3
    assert again.new == len(plan.keys()) - 3
    on_disk = bench.read_records(tmp_path / "dask" / "records.csv")
    keys = [bench.record_key(r) for r in on_disk]
    assert len(keys) == len(set(keys)) == len(plan.keys())

    def untimed(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        return [
            (r["instance"], r["solver"], r["budget_s"], r["repeat"], r["seed"], r["status"])
            for r in rows
        ]

    assert untimed(again.records) == untimed(serial.records)
    assert all(r["status"] == "ok" for r in again.records)
    # the file too, line by line (tasks finish in any order; the file is in the plan's)
    on_disk_serial = bench.read_records(tmp_path / "serial" / "records.csv")
    assert untimed(on_disk) == untimed(on_disk_serial)


def test_failed_records_on_dask_equal_in_process(
    tmp_path: Path, thread_client: Any, fragile_method: Any
) -> None:
    from tests.conftest import FRAGILE

    methods = [FRAGILE, "greedy"]
    serial = rp.run_reproduce((5,), 10, seed=6, methods=methods)
    dask = rp.run_reproduce((5,), 10, 6, methods, out_dir=tmp_path, scheduler=thread_client)
    assert dask.complete and _rows(dask.records) == _rows(serial.records)
    assert any(r["status"].startswith("failed: RuntimeError") for r in dask.records)


def test_a_task_that_fails_on_its_worker_fails_its_records_and_the_run_goes_on(
    tmp_path: Path, process_client: Any, fragile_method: Any
) -> None:
    from tests.conftest import FRAGILE

    # FRAGILE runs here (the caller's warm-up) but the worker processes do not know it: every
    # task raises there (after its retries), as on workers without a plugin or dependency
    run = rp.run_reproduce(
        (6,), 6, 2, [FRAGILE, "greedy"], out_dir=tmp_path, scheduler=process_client
    )
    assert run.complete
    assert len(run.records) == 6 * 3  # exact, FRAGILE and greedy for every instance
    status = run.records[0]["status"]
    assert status.startswith(f"failed: ValueError: unknown method {FRAGILE!r}")
    assert status.endswith("(Dask task)")
    assert all(r["status"] == status and r["energy"] is None for r in run.records)
    rows = _file_rows(tmp_path / "records.csv")
    assert len(rows) == 6 * 3 and {r["status"] for r in rows} == {status}
    (exact,) = [s for s in run.summary if s["method"] == "exact"]
    assert exact["failed"] == 6 and exact["trials"] == 0
    # the tasks failed for want of a worker that knows the method, not in the method: a
    # resumed run (here in-process, where it is registered) runs them again
    again = rp.run_reproduce((6,), 6, 2, [FRAGILE, "greedy"], out_dir=tmp_path, resume=True)
    fresh = rp.run_reproduce((6,), 6, 2, [FRAGILE, "greedy"])
    assert again.complete and _rows(again.records) == _rows(fresh.records)
    assert not any(r["status"].endswith("(Dask task)") for r in again.records)


def test_a_bench_task_that_fails_on_its_worker_is_run_again_on_resume(
    tmp_path: Path, process_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from isingeq.experiments import bench, peers
    from isingeq.experiments.peers.isingeq_methods import GreedyAdapter

    # a solver this process knows and the worker processes do not: every task raises there
    # (after its retries), as on workers without a dependency; the solver did not fail
    monkeypatch.setitem(peers.ADAPTERS, "greedy-here", GreedyAdapter)
    plan = bench.make_plan(names=["paper-12@1"], solvers=["greedy-here"], budgets=[0.02], threads=1)
    first = bench.run_bench(plan, tmp_path, scheduler=process_client)
    assert first.complete and len(first.records) == len(plan.keys())
    assert all(r["status"].endswith("(Dask task)") for r in first.records)
    assert all("unknown solver 'greedy-here'" in r["status"] for r in first.records)
    again = bench.run_bench(plan, tmp_path)  # in-process, where the solver is known
    assert again.complete and again.resumed == 0 and again.new == len(plan.keys())
    assert all(r["status"] == "ok" for r in again.records)
    on_disk = bench.read_records(tmp_path / "records.csv")
    assert [r["status"] for r in on_disk] == ["ok"] * len(plan.keys())


def _task(inst: Any, solver: str) -> dict[str, Any]:
    """One bench task as a worker runs it (0.25 s budget: a busy machine must not make a read
    of a tiny model look over budget; one thread)."""
    from isingeq.experiments import bench

    row, _ = bench._remote_run(inst, solver, "0.25", 0, 1, float("nan"), 0.25, 1, False)
    assert row["status"] == "ok", row["status"]
    return row


def test_a_worker_never_serves_a_changed_instance_from_its_cache(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a worker outlives a run: a file edited between two runs on one cluster keeps its name
    import isingeq
    from isingeq.experiments import bench

    monkeypatch.setattr(bench, "_WORKER", {"adapters": {}, "instances": {}, "warmed": set()})
    # one edge: every 1-flip-stable state cuts it, so any run finds its weight
    first = isingeq.SpinGlass.from_maxcut(2, [(0, 1)], [1.0])
    second = isingeq.SpinGlass.from_maxcut(2, [(0, 1)], [5.0])
    a = isingeq.Instance("tiny", first, "max", scale=-1.0, source="tiny.txt")
    b = isingeq.Instance("tiny", second, "max", scale=-1.0, source="tiny.txt")
    assert _task(a, "greedy")["objective"] == pytest.approx(1.0)
    assert _task(b, "greedy")["objective"] == pytest.approx(5.0)


def test_a_worker_calibrates_again_after_its_adapter_prepared_another_instance(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("dwave.samplers")
    import json

    import isingeq
    from isingeq.experiments import bench

    monkeypatch.setattr(bench, "_WORKER", {"adapters": {}, "instances": {}, "warmed": set()})
    one, two = isingeq.resolve("paper-12@1"), isingeq.resolve("paper-12@2")
    trials = []
    for inst in (one, two, one):  # the adapter keeps the set-up of the last instance only
        detail = json.loads(_task(inst, "dwave-sa")["detail"])
        trials.append(len(detail["calibration_trials"]))
    assert all(t > 0 for t in trials), trials


def test_bench_threads_beyond_a_workers_threads_are_refused(
    tmp_path: Path, thread_client: Any
) -> None:
    from isingeq.experiments import bench

    plan = bench.make_plan(names=["paper-12@1"], solvers=["greedy"], budgets=[0.02], threads=2)
    with pytest.raises(ValueError, match=r"`threads`=2 is more than the 1 thread\(s\) of a worker"):
        bench.run_bench(plan, tmp_path, scheduler=thread_client)
    path = tmp_path / "records.csv"
    assert not path.exists() or bench.read_records(path) == []


def test_ctrl_c_while_connecting_propagates_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # nothing ran: the caller must not go on to write an empty summary over the last run's
    import contextlib

    from isingeq import distributed

    rp.run_reproduce((4,), 2, seed=1, methods=["greedy"], out_dir=tmp_path)
    before = (tmp_path / "records.csv").read_bytes()

    @contextlib.contextmanager
    def interrupted_while_starting(scheduler: Any, workers: Any = None, name: str = "") -> Any:
        raise KeyboardInterrupt
        yield  # pragma: no cover

    monkeypatch.setattr(distributed, "connect", interrupted_while_starting)
    with pytest.raises(KeyboardInterrupt):
        rp.run_reproduce((4,), 2, 1, ["greedy"], out_dir=tmp_path, resume=True)
    assert (tmp_path / "records.csv").read_bytes() == before


def test_a_run_on_a_cluster_without_workers_yet_is_split_for_the_workers_to_come(
    tmp_path: Path,
) -> None:
    # an adaptive cluster (dask-jobqueue's adapt()) has no worker when the run starts; split as
    # for one thread, its 2 tasks would have left every worker but two idle once they joined
    from tests.distributed.conftest import cluster_without_workers_yet

    with cluster_without_workers_yet(2) as client:
        with pytest.warns(RuntimeWarning, match=r"has no workers yet"):
            dask = rp.run_reproduce(
                (5,), 40, seed=3, methods=["greedy"], out_dir=tmp_path / "d", scheduler=client
            )
        # tasks that ended (state "memory"), counted by the scheduler under their prefix
        ended = client.run_on_scheduler(
            lambda dask_scheduler: dask_scheduler.task_prefixes["call"].state_counts["memory"]
        )
    serial = rp.run_reproduce((5,), 40, seed=3, methods=["greedy"], out_dir=tmp_path / "s")
    assert dask.complete and _rows(dask.records) == _rows(serial.records)
    assert ended >= 16  # at least one task for each of the threads assumed; 2 before
