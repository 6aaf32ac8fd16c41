"""Optional dependencies (dimod, networkx, pyqubo, dask, torch): imported where first used, so
that ``import isingeq`` needs only the core; where one is missing, the one ImportError that
names the extra installing it."""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["MissingExtra", "require"]


class MissingExtra(ImportError):
    """An optional dependency that a feature needs is not installed (the message names the
    extra that installs it); the command line prints it as one line, not a traceback."""


def require(module: str, feature: str, extra: str) -> ModuleType:
    """``module`` imported, or an ImportError saying that ``feature`` needs it and which extra
    of isingeq installs it.

    Examples
    --------
    >>> require("numpy", "isingeq", "core").__name__
    'numpy'
    >>> require("no_such_module", "the frobnicator", "frob")
    Traceback (most recent call last):
    ...
    isingeq._optional.MissingExtra: the frobnicator needs no_such_module, which is not installed: pip install "isingeq[frob]"
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtra(
            f'{feature} needs {module}, which is not installed: pip install "isingeq[{extra}]"'
        ) from exc
