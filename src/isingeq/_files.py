"""Files written atomically: a temporary file beside the target, then ``os.replace``.

:func:`temp_beside` is the one place such a temporary file is made (records, JSON, figures),
so that what replaces the target has the permissions a plain ``open(path, "w")`` would give:
``tempfile.mkstemp`` creates its files readable by their owner only (0600), and a records file
or a figure written that way could not be read by the rest of a group sharing a cluster's disk.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from pathlib import Path

__all__ = ["temp_beside"]

_UMASK: list[int] = []
_LOCK = threading.Lock()


def _umask() -> int:
    """The process's umask, read once: from ``/proc/self/status`` where Linux gives it, else by
    setting and restoring it (which another thread creating a file at that instant would see)."""
    with _LOCK:
        if not _UMASK:
            _UMASK.append(_read_umask())
        return _UMASK[0]


def _read_umask() -> int:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def temp_beside(path: Path, suffix: str) -> tuple[int, str]:
    """``(fd, name)`` of a new temporary file in ``path``'s folder, hidden (``.name.``) and
    with the permissions of a file opened for writing (``0o666`` less the umask)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    if hasattr(os, "fchmod"):  # POSIX; Windows files carry no such bits
        # best effort: some mounts (vfat, CIFS) refuse it, and the write must still happen
        with contextlib.suppress(OSError):
            os.fchmod(fd, 0o666 & ~_umask())
    return fd, tmp
