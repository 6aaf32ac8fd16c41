"""Dask worker plugins of isingeq's local cluster (imported only where Dask is installed).

A module of its own: a plugin is pickled by reference to its class, which must subclass
``distributed.WorkerPlugin``, and :mod:`isingeq.distributed` itself must import without Dask.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

from distributed import WorkerPlugin

__all__ = ["IgnoreCtrlC"]


class IgnoreCtrlC(WorkerPlugin):
    """The local cluster's worker processes ignore SIGINT.

    Ctrl-C in a terminal reaches the whole process group: the local workers died of it, each
    printing a KeyboardInterrupt traceback (about 60 lines in all), while the caller was
    already stopping the run and closing the cluster, which ends them anyway.
    """

    name = "isingeq-ignore-ctrl-c"

    def setup(self, worker: Any) -> None:
        if threading.current_thread() is threading.main_thread():  # where signals are set
            signal.signal(signal.SIGINT, signal.SIG_IGN)
