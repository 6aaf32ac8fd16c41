"""Connecting to Dask: the local cluster's layout and settings, and bad schedulers refused."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from isingeq.distributed import LOCAL_CONFIG, connect, describe, local_layout


def _worker_view() -> dict[str, Any]:
    import dask
    import numba

    return {
        "profile": dask.config.get("distributed.worker.profile.enabled"),
        "numba_env": os.environ.get("NUMBA_NUM_THREADS"),
        "numba_threads": numba.config.NUMBA_NUM_THREADS,
    }


def test_local_workers_get_their_share_of_the_cores_and_the_quiet_settings(
    process_client: Any,
) -> None:
    _, threads = local_layout(2)
    views = process_client.run(_worker_view)
    assert len(views) == 2
    for view in views.values():
        assert view == {
            "profile": LOCAL_CONFIG["distributed.worker.profile.enabled"],
            "numba_env": str(threads),
            "numba_threads": threads,
        }
    assert set(process_client.nthreads().values()) == {threads}
    # the settings apply while the cluster starts; this process's configuration is left alone
    import dask

    assert dask.config.get("distributed.worker.profile.enabled") is True


def test_an_unreachable_scheduler_is_an_error_within_the_timeout() -> None:
    t0 = time.perf_counter()
    with (
        pytest.raises(OSError, match=r"could not reach the Dask scheduler at .*127\.0\.0\.1:9"),
        connect("tcp://127.0.0.1:9", timeout=1.0),
    ):
        pass
    assert time.perf_counter() - t0 < 30  # an error, not a hang


def test_a_wrong_host_or_port_is_named_as_such() -> None:
    # both read "no answer within 10 s", as a firewall would: the user looked in the wrong place
    import socket

    with socket.socket() as s:  # a port that nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with (
        pytest.raises(
            OSError, match=rf"127\.0\.0\.1:{port}' \(connection refused .*nothing listens"
        ),
        connect(f"tcp://127.0.0.1:{port}", timeout=1.0),
    ):
        pass
    with (
        pytest.raises(
            OSError, match=r"'tcp://no-such-host\.invalid:8786' \(cannot resolve the host"
        ),
        connect("tcp://no-such-host.invalid:8786", timeout=1.0),
    ):
        pass


@pytest.mark.parametrize(
    ("reply", "why"),
    [
        (None, r"no answer within 2 s"),
        (b"HTTP/1.0 400 Bad Request\r\n\r\n", r"what answered there is not a Dask scheduler"),
    ],
)
def test_a_listener_that_is_not_a_scheduler_is_an_error_not_a_hang(
    reply: bytes | None, why: str
) -> None:
    # a port that accepts and never answers (a firewall, another service) hung
    # distributed.Client for good; an HTTP server's reply was read as an exabyte frame
    import socket
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    held = []

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            held.append(conn)
            if reply is not None:
                conn.recv(64)
                conn.sendall(reply)

    threading.Thread(target=serve, daemon=True).start()
    address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
    t0 = time.perf_counter()
    try:
        with (
            pytest.raises(OSError, match=rf"scheduler='{address}' \({why}"),
            connect(address, timeout=2.0),  # the HTTP reply comes back well within it
        ):
            pass
    finally:
        server.close()
        for conn in held:
            conn.close()
    assert time.perf_counter() - t0 < 30  # an error, not a hang


def test_a_scheduler_address_connects(process_client: Any) -> None:
    address = process_client.scheduler.address
    with connect(address) as client:
        assert len(client.nthreads()) == 2 and describe(client) == address


@pytest.mark.parametrize(
    ("scheduler", "workers", "error", "match"),
    [
        (None, 2, ValueError, r"`workers` applies to scheduler='local' only"),
        ("tcp://10.0.0.5:8786", 2, ValueError, r"its workers are the cluster's"),
        ("nowhere", None, ValueError, r"'local' or a scheduler address.*'nowhere'"),
        (8786, None, TypeError, r"got int"),
        ("local", 0, ValueError, r"workers"),
        ("tcp://", None, ValueError, r"'tcp://' is not a scheduler address \(missing port"),
        ("tcp://127.0.0.1:99999", None, ValueError, r"port 99999 is outside 1\.\.65535"),
        # Dask's own error named neither the parameter nor the value, after building a Client
        (
            "TCP://127.0.0.1:8786",
            None,
            ValueError,
            r"`scheduler`='TCP://127\.0\.0\.1:8786' .*'TCP'",
        ),
        (" tcp://127.0.0.1:8786", None, ValueError, r"`scheduler`=' tcp://.*unknown scheme"),
    ],
)
def test_malformed_schedulers_are_refused_before_anything_starts(
    scheduler: Any, workers: Any, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match), connect(scheduler, workers=workers):
        pass


def test_threads_apply_to_the_local_cluster_only(thread_client: Any) -> None:
    with (
        pytest.raises(ValueError, match=r"`threads` applies to scheduler='local' only.*a Client"),
        connect(thread_client, threads=1),
    ):
        pass
    with pytest.raises(ValueError, match=r"`threads`"), connect("local", threads=0):
        pass


def test_describe_names_the_scheduler(thread_client: Any) -> None:
    assert describe(None) is None and describe("local") == "local"
    assert describe(thread_client).startswith(("inproc://", "tcp://"))


def test_a_local_cluster_leaves_the_callers_numba_thread_count_alone() -> None:
    import numba

    before = os.environ.get("NUMBA_NUM_THREADS")
    with connect("local", workers=1, threads=1) as client:
        (view,) = client.run(_worker_view).values()
        assert view["numba_env"] == "1"
        assert os.environ.get("NUMBA_NUM_THREADS") == before
    # numba here still runs on its own pool (it refuses a changed NUMBA_NUM_THREADS)
    numba.config.reload_config()
    assert numba.get_num_threads() >= 1


def test_a_local_cluster_leaves_the_callers_environment_as_it_was(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import dask

    keys = [*dask.config.get("distributed.nanny.pre-spawn-environ"), "PYTHONHASHSEED"]
    assert "OPENBLAS_NUM_THREADS" in keys
    monkeypatch.setenv("OMP_NUM_THREADS", "2")  # one set by the caller, one not
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    before = {k: os.environ.get(k) for k in keys}
    with connect("local", workers=1, threads=1) as client:
        env = client.run(lambda: {k: os.environ.get(k) for k in keys})
        # the workers still get Dask's settings (one BLAS thread per worker thread)
        (worker,) = env.values()
        assert worker["OPENBLAS_NUM_THREADS"] == "1"
    assert {k: os.environ.get(k) for k in keys} == before


def test_a_closed_client_is_refused_by_name(thread_client: Any) -> None:
    # it failed deep in Dask: AttributeError: 'NoneType' object has no attribute 'ncores'
    import distributed

    import isingeq

    closed = distributed.Client(thread_client.cluster)
    closed.close()
    with (
        pytest.raises(ValueError, match=r"`scheduler` is a distributed\.Client that is closed"),
        connect(closed),
    ):
        pass
    with pytest.raises(ValueError, match=r"`client` is a distributed\.Client that is closed"):
        isingeq.solve(isingeq.paper_instance(6, rng=0), method="exact", client=closed)


def test_a_pinned_task_whose_worker_has_left_runs_elsewhere(thread_client: Any) -> None:
    # exact's calibration pins a task to each worker; a worker killed meanwhile comes back
    # under another address (its nanny restarts it), and a task pinned to the old one waited
    # for ever (Dask's "no-worker" state): the solve hung
    import threading

    from isingeq.distributed import stream

    gone = "inproc://192.0.2.1/1/1"  # no worker has this address
    assert gone not in thread_client.nthreads()
    outs: list[Any] = []
    run = threading.Thread(
        target=lambda: outs.extend(stream(thread_client, abs, [(gone, (-3,))], pinned=True)),
        daemon=True,
    )
    run.start()
    run.join(60)  # a hang detector, not a speed assertion
    if run.is_alive():  # let the thread end: the cluster outlives this test
        thread_client.cancel(list(thread_client.futures.values()))
    assert not run.is_alive(), "the pinned task waited for a worker that is not there"
    assert [(o.key, o.value, o.error) for o in outs] == [(gone, 3, None)]
    # a worker that is there still runs its own task
    live = sorted(thread_client.nthreads())
    here = list(stream(thread_client, _worker_address, [(w, ()) for w in live], pinned=True))
    assert sorted((o.key, o.value) for o in here) == [(w, w) for w in live]


def _worker_address() -> str:
    import distributed

    return str(distributed.get_worker().address)


def test_a_cluster_without_workers_says_so_and_the_tasks_wait_for_one() -> None:
    import logging
    import threading

    import distributed

    from isingeq.distributed import stream

    with (
        distributed.LocalCluster(
            n_workers=0, processes=False, dashboard_address=":0", silence_logs=logging.ERROR
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        later = threading.Timer(2.0, lambda: cluster.scale(1))  # a worker arrives later
        later.start()
        try:
            with pytest.warns(RuntimeWarning, match=r"has no workers yet; the tasks wait"):
                outs = list(stream(client, abs, [(k, (-k,)) for k in range(3)]))
        finally:
            later.cancel()
    assert sorted((o.key, o.value) for o in outs) == [(0, 0), (1, 1), (2, 2)]


def _ignores_ctrl_c() -> bool:
    import signal

    return signal.getsignal(signal.SIGINT) == signal.SIG_IGN


def test_local_worker_processes_leave_ctrl_c_to_the_caller(process_client: Any) -> None:
    # Ctrl-C reaches the whole process group: the caller stops the run and closes the
    # cluster; the workers dying of it printed a traceback each
    assert all(process_client.run(_ignores_ctrl_c).values())
    assert not _ignores_ctrl_c()


_NO_SITE_WORKER = (
    "import sys; sys.path.append({purelib!r}); "
    "from distributed.cli.dask_worker import main; "
    "sys.argv = ['dask-worker', {address!r}, '--nthreads', '1', '--no-nanny', "
    "'--no-dashboard']; main()"
)


def test_workers_that_cannot_import_isingeq_are_refused_before_anything_runs(
    tmp_path: Path,
) -> None:
    # a real worker process whose Python has Dask but not isingeq: `python -S` leaves out the
    # .pth file of an editable install (a wheel install puts isingeq in site-packages: skip)
    import logging
    import subprocess
    import sys
    import sysconfig

    import distributed

    from isingeq.experiments import reproduce as rp

    purelib = sysconfig.get_paths()["purelib"]
    probe = subprocess.run(
        [sys.executable, "-S", "-c", f"import sys; sys.path.append({purelib!r}); import isingeq"],
        capture_output=True,
        cwd=tmp_path,
    )
    if probe.returncode == 0:
        pytest.skip("isingeq is importable without site's .pth files (not an editable install)")
    with (
        distributed.LocalCluster(
            n_workers=0, processes=True, dashboard_address=":0", silence_logs=logging.ERROR
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        code = _NO_SITE_WORKER.format(purelib=purelib, address=cluster.scheduler_address)
        worker = subprocess.Popen(
            [sys.executable, "-S", "-c", code],
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            client.wait_for_workers(1, timeout=60)
            with (
                pytest.raises(ValueError, match=r"1 of the 1 Dask workers at tcp://.* cannot "),
                connect(client),
            ):
                pass
            out = tmp_path / "out"
            with pytest.raises(ValueError, match=r"cannot import isingeq \(tcp://"):
                rp.run_reproduce((4,), 2, seed=0, methods=["greedy"], out_dir=out, scheduler=client)
            assert not (out / "records.csv").exists()  # refused before the records were touched
        finally:
            worker.kill()
            worker.wait()


def test_version_problems_names_missing_isingeq_and_other_versions(thread_client: Any) -> None:
    from isingeq.distributed import check_workers, software, version_problems

    here = software()
    found = thread_client.run(software, on_error="return")
    assert len(found) == 2 and version_problems(here, found) == ([], [])
    check_workers(thread_client)  # the same software: no error, no warning
    first, second = sorted(found)
    doctored = {first: ModuleNotFoundError("No module named 'isingeq'"), second: dict(here)}
    doctored[second]["numba"] = "0.1.0"
    assert version_problems(here, doctored) == (
        [first],
        [f"numba 0.1.0 on {second}, {here['numba']} here"],
    )
