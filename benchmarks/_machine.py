"""Shared helpers of the benchmark scripts: who else is using the machine, and which code ran.

Imported by the scripts in this folder (``python benchmarks/<script>.py`` puts it on the path).
"""

from __future__ import annotations

import os
import subprocess
import time


class ForeignLoad:
    """CPU time used by *other* processes while this one runs (Linux ``/proc/stat``).

    The benchmark machine may be shared; a non-zero figure means timings are pessimistic.
    """

    def __init__(self) -> None:
        self.t0, self.busy0, self.own0 = time.perf_counter(), self._busy(), self._own()

    @staticmethod
    def _busy() -> float | None:
        try:
            with open("/proc/stat") as fh:
                f = [int(v) for v in fh.readline().split()[1:]]
        except OSError:
            return None
        idle = f[3] + (f[4] if len(f) > 4 else 0)  # idle + iowait
        return (sum(f[:8]) - idle) / os.sysconf("SC_CLK_TCK")

    @staticmethod
    def _own() -> float:
        t = os.times()
        return t.user + t.system + t.children_user + t.children_system

    def cores(self) -> float:
        """Average number of cores other processes kept busy since construction (nan: unknown)."""
        wall = time.perf_counter() - self.t0
        busy = self._busy()
        if busy is None or self.busy0 is None or wall <= 0:
            return float("nan")
        return max(busy - self.busy0 - (self._own() - self.own0), 0.0) / wall

    def report(self) -> str:
        wall = time.perf_counter() - self.t0
        busy = self._busy()
        if busy is None or self.busy0 is None:
            return f"run took {wall:.1f} s (no /proc/stat: other processes' load unknown)"
        foreign = max(busy - self.busy0 - (self._own() - self.own0), 0.0)
        return (
            f"run took {wall:.1f} s; other processes used {foreign:.1f} CPU-s meanwhile "
            f"(avg {foreign / wall:.2f} of {os.cpu_count()} cores)"
            + (
                "  [red]machine was shared: timings pessimistic[/red]"
                if foreign > 0.1 * wall
                else ""
            )
        )


BUSY_CORES = 0.1  # other processes' load (cores) above which a timed run is marked


def wait_idle(max_wait: float, probe: float = 0.3) -> float:
    """Sleep until other processes leave the machine idle for ``probe`` s (at most ``max_wait`` s).

    Also lets the previous solver's idle threads stop spinning. Returns the seconds waited.
    """
    t0 = time.perf_counter()
    while True:
        load = ForeignLoad()
        time.sleep(probe)
        c = load.cores()
        if not c > BUSY_CORES or time.perf_counter() - t0 >= max_wait:
            return time.perf_counter() - t0


def git_revision() -> str:
    """The checkout's commit (``+dirty`` with uncommitted changes under src/), or "unknown"."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "src"], cwd=root, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        return "unknown"
    return (rev or "unknown") + ("+dirty" if dirty else "")


WAIT_IDLE_S = 60.0  # set from --wait-idle
