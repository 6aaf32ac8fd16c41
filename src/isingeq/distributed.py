"""Dask plumbing: the cluster, the tasks and how their results come back, in one place.

Used by the experiments (:func:`isingeq.experiments.run_reproduce`,
:func:`isingeq.experiments.bench.run_bench`) and by ``method="exact"`` with ``client=``. Dask
(``dask[distributed]``) is optional: ``import isingeq`` never imports it, and every entry point
here raises an ImportError naming ``pip install "isingeq[dask]"`` when it is missing.

Schedulers
----------
``scheduler`` is one of

* ``None`` -- no Dask: the caller runs in-process (today's behaviour, the default);
* ``"local"`` -- a :class:`distributed.LocalCluster` of ``workers`` worker *processes* on this
  machine (default: one per core), each with ``cores // workers`` threads, so that workers x
  threads = cores; numba's pool in each worker is sized to its threads (``NUMBA_NUM_THREADS``
  in the worker's environment, and ``numba.set_num_threads`` around each task), and Dask's own
  sampling in the workers is off or slowed (:data:`LOCAL_CONFIG`);
* an address (``"tcp://10.0.0.5:8786"``) of a running scheduler (``dask scheduler``, or one
  started by dask-jobqueue / dask-kubernetes / dask-gateway); an unreachable one is an OSError
  after :data:`CONNECT_TIMEOUT_S` (at once for a host that does not resolve; a refused
  connection is named as such), not a hang;
* a :class:`distributed.Client` the caller already holds (left open; a closed one is refused).

Tasks
-----
:func:`stream` submits one task per unit of work and yields each result as it completes
(``as_completed``), so the caller writes every finished record at once (a run interrupted, or a
worker killed, loses no finished record). Every task carries its own seed, derived by the caller
from the run's root seed and the task's key (``SeedSequence.spawn``), so the records do not
depend on the number of workers or the order in which tasks finish. A task whose worker dies is
run again elsewhere (Dask reschedules it; ``retries`` more times if the task itself raises).

A task marked ``exclusive`` holds its worker *process* for its whole run (a lock in the worker)
and runs numba on all of that worker's threads: this is how a timed bench run never shares a core
with another timed run (a worker owns ``nthreads`` cores; the local cluster gives each
``cores // workers``), and how the exact enumeration's blocks use a worker's cores without
contending for its GIL. The cost: on a worker with several threads, the other threads wait while
an exclusive task runs.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ._optional import require
from ._validation import check_int

__all__ = [
    "CONNECT_TIMEOUT_S",
    "INSTALL",
    "LOCAL_CONFIG",
    "RETRIES",
    "Outcome",
    "check_workers",
    "connect",
    "describe",
    "local_layout",
    "require_distributed",
    "stream",
    "worker_threads",
]

#: How to install the optional dependency (named by every ImportError here).
INSTALL = 'pip install "isingeq[dask]"'
#: Seconds to wait for a scheduler address before giving up with an OSError.
CONNECT_TIMEOUT_S = 10.0
#: Times a task that raised is run again before its error counts (a dead worker's task is
#: rescheduled by Dask whatever this says).
RETRIES = 2

#: Dask settings of the ``"local"`` cluster (applied while it starts; a running scheduler's are
#: its own). Dask's background sampling shares the GIL with the tasks, which here are GIL-bound
#: Python and numba: the statistical profiler walks every running task's stack each 10 ms, the
#: event loop's tick is checked each 20 ms, the system monitor and the memory monitor poll psutil
#: each 500 ms and 100 ms. Off or slowed, a 2-worker ``reproduce --sizes 20 --trials 200`` ran
#: about 5 % faster (57 -> 60 instances/s, ``benchmarks/bench_dask.py``); the cost is an empty
#: profile page in the dashboard and a memory limit checked each 2 s instead of each 0.1 s.
LOCAL_CONFIG: dict[str, Any] = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "2s",
}

# one exclusive task at a time per worker process (see the module docstring)
_EXCLUSIVE = threading.Lock()


def require_distributed(feature: str = "a Dask run") -> Any:
    """The ``distributed`` module, or an ImportError naming the extra to install.

    Examples
    --------
    >>> require_distributed().__name__
    'distributed'
    """
    return require("distributed", f"{feature} (Dask)", "dask")


def local_layout(workers: int | None, cores: int | None = None) -> tuple[int, int]:
    """``(workers, threads per worker)`` of a local cluster: workers x threads = cores.

    Parameters
    ----------
    workers : int, optional
        Worker processes, 1..cores; default one per core (1 thread each, no GIL contention).
    cores : int, optional
        Default ``os.cpu_count()``.

    Examples
    --------
    >>> local_layout(2, cores=8), local_layout(None, cores=4), local_layout(3, cores=4)
    ((2, 4), (4, 1), (3, 1))
    """
    cores = int(cores or os.cpu_count() or 1)
    w = cores if workers is None else check_int("workers", workers, low=1, high=cores)
    return w, max(1, cores // w)


def _is_client(obj: Any) -> bool:
    return type(obj).__name__ == "Client" and hasattr(obj, "submit")


def describe(scheduler: Any) -> str | None:
    """The scheduler as records and ``info`` name it: None, "local" or the scheduler's address."""
    if scheduler is None or isinstance(scheduler, str):
        return scheduler
    if _is_client(scheduler):
        return str(scheduler.scheduler.address)
    return repr(scheduler)


@contextlib.contextmanager
def connect(
    scheduler: Any,
    *,
    workers: int | None = None,
    threads: int | None = None,
    processes: bool = True,
    timeout: float = CONNECT_TIMEOUT_S,
    name: str = "scheduler",
) -> Iterator[Any]:
    """A :class:`distributed.Client` for ``scheduler`` (None: yields None), closed afterwards.

    Parameters
    ----------
    scheduler : None, "local", str or distributed.Client
        See the module docstring. A Client is yielded as it is and left open (a closed one is
        a ValueError).
    workers : int, optional
        Worker processes of the ``"local"`` cluster (default one per core); an error with any
        other scheduler (its workers are the cluster's).
    threads : int, optional
        Threads of each ``"local"`` worker (default ``cores // workers``: workers x threads =
        cores); fewer leave cores idle (``benchmarks/bench_dask.py`` measures one worker on one
        thread this way, the unit of the scaling).
    processes : bool, default True
        Local workers as processes (False: threads of this process; for tests only, they share
        one GIL).
    timeout : float
        Seconds to wait for a scheduler address.
    name : str
        The caller's name for ``scheduler`` in error messages (``exact`` calls it ``client``).

    Raises
    ------
    ImportError
        Without Dask installed (names ``pip install "isingeq[dask]"``).
    OSError
        If the scheduler cannot be reached within ``timeout`` (names the address).
    ValueError, TypeError
        For a malformed ``scheduler`` (an unknown scheme such as ``"TCP://"``, a missing or
        out-of-range port, a closed Client), or ``workers`` / ``threads`` without
        ``"local"``; a ValueError too for workers that cannot import isingeq
        (:func:`check_workers`).
    """

    def local_only(where: str) -> None:
        for name, value in (("workers", workers), ("threads", threads)):
            if value is not None:
                raise ValueError(
                    f"`{name}` applies to scheduler='local' only; got {name}={value!r} with {where}"
                )

    if scheduler is None:
        local_only("no scheduler")
        yield None
        return
    if _is_client(scheduler):
        local_only("a Client")
        if getattr(scheduler, "status", None) in ("closing", "closed"):
            raise ValueError(
                f"`{name}` is a distributed.Client that is closed; pass an open one, or the "
                "scheduler's address"
            )
        check_workers(scheduler)
        yield scheduler
        return
    if not isinstance(scheduler, str):
        raise TypeError(
            f"`{name}` must be None, 'local', a scheduler address or a distributed.Client; "
            f"got {type(scheduler).__name__}"
        )
    dist = require_distributed(f"{name}={scheduler!r}")
    if scheduler == "local":
        import dask

        from ._dask_plugins import IgnoreCtrlC

        n_workers, per_worker = local_layout(workers)
        if threads is None:
            threads = per_worker
        threads = check_int("threads", threads, low=1, high=os.cpu_count() or 1)
        # numba's pool is launched at a worker's first parallel kernel, after the nanny's
        # ``env`` applies (Dask's ``pre-spawn-environ`` would also change this process's own
        # environment, and numba here would then refuse its thread count)
        with dask.config.set(LOCAL_CONFIG), _environ_kept(_nanny_environ_keys(dask)):
            cluster = dist.LocalCluster(
                n_workers=n_workers,
                threads_per_worker=threads,
                processes=processes,
                dashboard_address=":0",  # a free port: several clusters may run here
                silence_logs=logging.ERROR,
                **({"env": {"NUMBA_NUM_THREADS": str(threads)}} if processes else {}),
            )
        done = False
        try:
            # a worker the nanny restarts writes its variables here again: put them back at
            # the end
            with _environ_kept(_nanny_environ_keys(dask)), cluster, dist.Client(cluster) as client:
                if processes:
                    # registered once the workers run (the scheduler gives it to a restarted
                    # one too): unpickled at a worker's start it would import isingeq, hence
                    # numba, before the nanny's NUMBA_NUM_THREADS is in the environment
                    client.register_plugin(IgnoreCtrlC())
                yield client
                done = True
        except KeyboardInterrupt:
            if not done:  # the caller's own work was interrupted: the caller decides
                raise
            # Ctrl-C while the cluster closed, after the caller's work: that work is finished
            # (the daemon workers end with this process)
        return
    local_only(f"scheduler={scheduler!r} (its workers are the cluster's)")
    if "://" not in scheduler and ":" not in scheduler:
        raise ValueError(
            f"`{name}` must be 'local' or a scheduler address such as 'tcp://host:8786'; "
            f"got {scheduler!r}"
        )
    how = (
        "start one with `dask scheduler` and workers with `dask worker ADDRESS`, or use "
        f"{name}='local'"
    )
    # plain TCP only: TLS / websocket addresses need the security settings that Client takes
    # from Dask's configuration, and an inproc:// scheduler lives in this process
    if _check_address(scheduler, name) == "tcp":
        _check_scheduler(scheduler, timeout, how, name)
    try:
        client = dist.Client(scheduler, timeout=timeout)
    except (OSError, TimeoutError) as exc:
        raise OSError(
            f"could not reach the Dask scheduler at {name}={scheduler!r} within {timeout:g} s "
            f"({type(exc).__name__}: {exc}); {how}"
        ) from None
    with client:
        check_workers(client)
        yield client


def _check_address(address: str, name: str) -> str:
    """The protocol of ``address``; a ValueError naming it when Dask cannot parse it (a
    scheme Dask does not know, such as ``"TCP"``; a missing or out-of-range port)."""
    from distributed.comm.addressing import parse_address, parse_host_port
    from distributed.comm.registry import backends

    try:
        protocol, location = parse_address(address)
        if protocol not in backends:  # else Dask's error, after a Client was built, named neither
            raise ValueError(f"unknown scheme {protocol!r}; Dask knows {sorted(backends)}")
        if protocol in ("tcp", "tls", "ws", "wss", "ucx"):
            _, port = parse_host_port(location)
            if not 0 < int(port) < 65536:
                raise ValueError(f"port {port} is outside 1..65535")
    except (ValueError, TypeError) as exc:
        raise ValueError(
            f"`{name}`={address!r} is not a scheduler address ({exc}); expected one such as "
            "'tcp://host:8786'"
        ) from None
    return str(protocol)


def _check_scheduler(address: str, timeout: float, how: str, name: str = "scheduler") -> None:
    """An OSError unless a Dask scheduler answers at ``address`` within ``timeout`` seconds.

    ``distributed.Client`` bounds the TCP connection by its ``timeout`` but not the handshake
    after it: a listener that never answers (a firewall, another service) hung it for good,
    and an HTTP server's reply was read as a frame length (a MemoryError of exabytes). This
    asks the address for its identity on a thread of its own, with a hard deadline. Plain TCP
    addresses only (the caller's choice): a TLS scheduler needs the security settings that
    ``Client`` reads from Dask's configuration.

    Dask retries a refused connection until ``timeout`` (a scheduler may be starting) and then
    says only that it timed out, as it does for a host name that does not resolve: the host is
    resolved first (an error at once), and a connection still refused at the deadline is named
    as such, so that a wrong host or port does not read as a firewall."""
    from distributed.comm import connect as open_comm

    async def identity() -> Any:
        comm = await open_comm(address, timeout=timeout)
        try:
            await comm.write({"op": "identity"})
            return await comm.read()
        finally:
            comm.abort()

    answer: dict[str, Any] = {}

    def ask() -> None:
        import asyncio

        try:
            answer["where"] = _resolve(address)
            answer["ok"] = asyncio.run(asyncio.wait_for(identity(), timeout))
        except BaseException as exc:  # anything but an answer means "no scheduler there"
            answer["error"] = exc

    probe = threading.Thread(target=ask, name="isingeq-scheduler-probe", daemon=True)
    probe.start()
    probe.join(timeout + 1.0)
    ok = answer.get("ok")
    if isinstance(ok, dict) and ok.get("type") == "Scheduler":
        return
    failed = probe.is_alive() or isinstance(answer.get("error"), OSError)  # TimeoutError too
    if isinstance(answer.get("error"), socket.gaierror):
        why = f"cannot resolve the host ({answer['error']})"
    elif failed and "where" in answer and _refused(*answer["where"]):
        why = f"connection refused for {timeout:g} s: nothing listens on that port"
    elif probe.is_alive() or isinstance(answer.get("error"), TimeoutError):
        why = f"no answer within {timeout:g} s"
    elif isinstance(answer.get("error"), OSError):
        exc = answer["error"]
        why = f"{type(exc).__name__}: {str(exc)[:200]}"
    elif "error" in answer:
        exc = answer["error"]
        why = f"what answered there is not a Dask scheduler ({type(exc).__name__} on reading it)"
    else:
        why = f"it answered as {str(ok)[:80]!r}, not as a Dask scheduler"
    raise OSError(f"could not reach the Dask scheduler at {name}={address!r} ({why}); {how}")


def _resolve(address: str) -> tuple[int, Any]:
    """The address family and socket address of a TCP ``address`` (a socket.gaierror if its host
    does not resolve)."""
    from distributed.comm.addressing import parse_address, parse_host_port

    host, port = parse_host_port(parse_address(address)[1])
    family, _, _, _, where = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    return family, where


def _refused(family: int, where: Any) -> bool:
    """Whether a connection to ``where`` is refused now (nothing listens there)."""
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.settimeout(1.0)
        try:
            sock.connect(where)
        except ConnectionRefusedError:
            return True
        except OSError:
            return False
    return False


def _nanny_environ_keys(dask: Any) -> set[str]:
    """The variables a Dask nanny writes into *this* process's environment before it spawns a
    worker (``distributed.nanny.pre-spawn-environ``: ``OMP_NUM_THREADS=1``, ``MKL_NUM_THREADS=1``,
    ``OPENBLAS_NUM_THREADS=1``, ``MALLOC_TRIM_THRESHOLD_``; and ``PYTHONHASHSEED``)."""
    keys = dask.config.get("distributed.nanny.pre-spawn-environ", default={}) or {}
    return {str(k) for k in keys} | {"PYTHONHASHSEED"}


@contextlib.contextmanager
def _environ_kept(keys: Iterable[str]) -> Iterator[None]:
    """Restore ``keys`` of ``os.environ`` (value, or absence) on exit.

    Dask's nanny sets its pre-spawn variables with ``os.environ.update`` in the process that
    starts the cluster, and leaves them there: without this, every process the caller starts
    after a ``scheduler="local"`` run (a peer solver, a later NumPy) would get one BLAS / OpenMP
    thread."""
    saved = {k: os.environ.get(k) for k in keys}
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def worker_threads() -> int:
    """Threads of the Dask worker running the caller (``os.cpu_count()`` outside a worker)."""
    try:
        from distributed import get_worker

        w: Any = get_worker()
    except (ImportError, ValueError):
        return os.cpu_count() or 1
    state = getattr(w, "state", w)
    return int(getattr(state, "nthreads", None) or os.cpu_count() or 1)


def _call(
    fn: Callable[..., Any], args: tuple[Any, ...], threads: int | None, exclusive: bool
) -> Any:
    """Run ``fn(*args)`` on a worker with numba on ``threads`` threads (None: the worker's)."""
    import numba

    cfg: Any = numba.config
    n = worker_threads() if threads is None else threads
    n = max(1, min(int(n), int(cfg.NUMBA_NUM_THREADS)))
    with _EXCLUSIVE if exclusive else contextlib.nullcontext():
        old = numba.get_num_threads()  # thread-local in numba: this task's thread only
        numba.set_num_threads(n)
        try:
            return fn(*args)
        finally:
            numba.set_num_threads(old)


#: Packages whose versions decide the records: a worker without isingeq cannot run a task, and
#: one with other versions may give other records than this process would.
CHECKED_PACKAGES = ("isingeq", "numpy", "scipy", "numba")
# the clusters already checked: (scheduler address, the workers then)
_CHECKED: set[tuple[str, frozenset[str]]] = set()


def software() -> dict[str, str]:
    """The versions of :data:`CHECKED_PACKAGES` in this process (run on each worker by
    :func:`check_workers`)."""
    import importlib

    return {name: str(importlib.import_module(name).__version__) for name in CHECKED_PACKAGES}


def version_problems(here: dict[str, str], workers: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The workers that cannot import isingeq (their :func:`software` is an exception, as
    ``Client.run(..., on_error="return")`` gives it), and each package whose version on a worker
    differs from ``here`` (``"numba 0.60.0 on tcp://...:4012, 0.68.1 here"``)."""
    missing: list[str] = []
    differ: list[str] = []
    for address, theirs in sorted(workers.items()):
        if isinstance(theirs, BaseException):
            missing.append(address)
            continue
        for name in CHECKED_PACKAGES:
            if theirs.get(name) != here.get(name):
                differ.append(f"{name} {theirs.get(name)} on {address}, {here.get(name)} here")
    return missing, differ


def check_workers(client: Any) -> None:
    """Refuse a cluster whose workers cannot import isingeq, warn where versions differ.

    Without the check, every task of such a run fails on its worker, after its retries, and the
    run ends with nothing but failed records; workers with another isingeq, numpy, scipy or
    numba may give records other than this process's (the records are the same whatever the
    number of workers only on one software stack). Asked once per set of workers (one round
    trip: :func:`software` run on every worker; Dask's ``get_versions`` reads the packages'
    metadata, which an environment can hold without the package being importable); workers
    that join later are not asked.

    Raises
    ------
    ValueError
        Naming the workers without isingeq and the cluster's address.
    """
    workers = frozenset(client.nthreads())
    key = (describe(client) or "", workers)
    if not workers or key in _CHECKED:
        return
    # a worker without isingeq cannot even unpickle the function: its error comes back
    missing, differ = version_problems(software(), client.run(software, on_error="return"))
    if missing:
        more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        raise ValueError(
            f"{len(missing)} of the {len(workers)} Dask workers at {describe(client)} cannot "
            f"import isingeq ({', '.join(missing[:3])}{more}): install it there "
            f"(`pip install isingeq` in the workers' environment), in the version used here"
        )
    if differ:
        more = f"; and {len(differ) - 3} more" if len(differ) > 3 else ""
        warnings.warn(
            "the Dask workers run other versions than this process, so their records may "
            f"differ from an in-process run's: {'; '.join(differ[:3])}{more}",
            RuntimeWarning,
            stacklevel=3,
        )
    _CHECKED.add(key)


@dataclass
class Outcome:
    """What one task gave: ``value``, or ``error`` when it failed after its retries."""

    key: Any
    value: Any = None
    error: BaseException | None = None


def stream(
    client: Any,
    fn: Callable[..., Any],
    tasks: Iterable[tuple[Any, tuple[Any, ...]]],
    *,
    threads: int | None = 1,
    exclusive: bool = False,
    retries: int = RETRIES,
    pinned: bool = False,
) -> Iterator[Outcome]:
    """Submit ``fn(*args)`` for every ``(key, args)`` and yield each :class:`Outcome` as it ends.

    Parameters
    ----------
    client : distributed.Client
    fn : callable
        Importable on the workers (a module-level function of isingeq).
    tasks : iterable of (key, args)
        ``key`` is the caller's name for the task (returned in the outcome, never sent).
    threads : int or None, default 1
        numba threads per task; None: all of the worker's threads (with ``exclusive``).
    exclusive : bool
        Hold the worker process for the task's run (timed runs, exact blocks).
    retries : int
        Extra runs of a task that raised.
    pinned : bool
        Each ``key`` is a worker's address, and its task runs there (calibration tasks), or on
        another worker if that one has left: a killed worker comes back under another address
        (its nanny restarts it), and a task held to the old one would wait for ever.

    Yields
    ------
    Outcome
        In completion order. Leaving the loop early (an exception, Ctrl-C) cancels the tasks
        that have not finished.
    """
    dist = require_distributed()
    check_workers(client)
    if not client.nthreads():
        # an adaptive cluster (dask-jobqueue, dask-gateway) may have no worker yet: say why
        # nothing moves rather than wait in silence
        warnings.warn(
            f"the Dask cluster at {describe(client)} has no workers yet; the tasks wait for one",
            RuntimeWarning,
            stacklevel=2,
        )
    futures: dict[Any, Any] = {}
    for key, args in tasks:
        where = {"workers": [key], "allow_other_workers": True} if pinned else {}
        fut = client.submit(
            _call, fn, args, threads, exclusive, pure=False, retries=retries, **where
        )
        futures[fut] = key
    try:
        for fut in dist.as_completed(list(futures)):
            try:
                yield Outcome(futures[fut], value=fut.result())
            except Exception as exc:  # the task's own error, or KilledWorker after retries
                yield Outcome(futures[fut], error=exc)
    finally:
        with contextlib.suppress(Exception):
            client.cancel(list(futures))
