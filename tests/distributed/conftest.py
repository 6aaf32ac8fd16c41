"""Real Dask clusters for the distributed tests (module-wide, so each starts once)."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from typing import Any

import pytest

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="package")
def thread_client() -> Iterator[Any]:
    """Two workers as threads of this process (fast to start; they share the GIL)."""
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=False,
            dashboard_address=":0",
            silence_logs=logging.ERROR,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


@pytest.fixture(scope="package")
def process_client(thread_client: Any) -> Iterator[Any]:
    """Two worker processes (one thread each): a killed worker is a killed process.

    Started after ``thread_client`` whatever the test order: the other way round, a future of
    this client waited on an asyncio event of the threaded cluster's loop once a worker was
    killed ("bound to a different event loop")."""
    from isingeq.distributed import connect

    with connect("local", workers=2) as client:
        yield client


@contextlib.contextmanager
def cluster_without_workers_yet(workers: int) -> Iterator[Any]:
    """A client of a cluster that starts empty, as an adaptive one (dask-jobqueue's
    ``adapt()``) does, and gets ``workers`` worker threads one second later."""
    with (
        distributed.LocalCluster(
            n_workers=0, processes=False, dashboard_address=":0", silence_logs=logging.ERROR
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        later = threading.Timer(1.0, lambda: cluster.scale(workers))
        later.start()
        try:
            yield client
        finally:
            later.cancel()
