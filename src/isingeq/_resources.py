"""Resource guards: estimate before allocating, refuse with the estimate and how to go further.

One memory limit for every guard: the machine's physical memory, or ``$ISINGEQ_MEMORY_LIMIT``
(bytes, or with a unit: ``64GiB``, ``500MB``) to raise or lower it (a cluster node with more
memory than the OS reports to a container, or a test that wants a small limit).
"""

from __future__ import annotations

import os
import re

__all__ = ["MEMORY_ENV", "fmt_bytes", "memory_limit", "memory_shortfall"]

#: Environment variable that overrides the memory limit of every guard.
MEMORY_ENV = "ISINGEQ_MEMORY_LIMIT"
_UNITS = {
    "": 1,
    "b": 1,
    "kb": 1e3,
    "mb": 1e6,
    "gb": 1e9,
    "tb": 1e12,
    "kib": 2**10,
    "mib": 2**20,
    "gib": 2**30,
    "tib": 2**40,
}


def memory_limit() -> float | None:
    """Bytes a single allocation plan may use: ``$ISINGEQ_MEMORY_LIMIT``, else physical memory
    (None where the OS does not say)."""
    raw = os.environ.get(MEMORY_ENV, "").strip()
    if raw:
        m = re.fullmatch(r"([0-9]*\.?[0-9]+(?:[eE][0-9]+)?|[0-9]+\.)\s*([A-Za-z]*)", raw)
        if m is None or m.group(2).lower() not in _UNITS:
            raise ValueError(f"${MEMORY_ENV} must be bytes or e.g. '64GiB'; got {raw!r}")
        return float(m.group(1)) * _UNITS[m.group(2).lower()]
    try:
        return float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, OSError, ValueError):
        return None


def fmt_bytes(b: float) -> str:
    """``3.2 GiB``-style text."""
    for unit, size in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if b >= size:
            return f"{b / size:.3g} {unit}"
    return f"{b:.0f} B"


def memory_shortfall(need: float) -> str | None:
    """None when ``need`` bytes fit the limit, else the sentence to put in the error."""
    have = memory_limit()
    if have is None or need <= have:
        return None
    if os.environ.get(MEMORY_ENV, "").strip():  # the user's limit, not the machine's memory
        return (
            f"about {fmt_bytes(need)}, more than the {fmt_bytes(have)} that ${MEMORY_ENV} "
            "allows (raise it to allow more)"
        )
    return (
        f"about {fmt_bytes(need)}, more than the {fmt_bytes(have)} this machine has (set "
        f"${MEMORY_ENV}, e.g. {MEMORY_ENV}=256GiB, to allow more)"
    )
