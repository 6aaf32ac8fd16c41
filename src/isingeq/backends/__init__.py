"""Array backends of the annealing methods: where a sweep runs.

``backend="numpy"`` (the default of every method) runs the sweeps as numpy / BLAS products and
numba kernels on this machine's cores. ``backend="torch"`` runs them with torch tensors on a
``device`` ("cpu", "cuda", "cuda:1", "mps", ...): :mod:`isingeq.backends.torch`, for ``mfa``
(the synchronous sweep, one product per sweep for all replicas) and ``mfa-async`` (the
asynchronous sweep of a coloured graph, one colour class at a time).

This package imports no torch: ``import isingeq`` needs only the core. :func:`torch_backend`
imports it where a method asks for it, and names the extra to install when it is missing.
"""

from __future__ import annotations

from types import ModuleType

from .._optional import require

__all__ = ["BACKENDS", "TORCH_DTYPES", "check_backend", "check_dtype", "torch_backend"]

#: The backends a method's ``backend`` option accepts.
BACKENDS = ("numpy", "torch")
#: The ``dtype`` values of the torch backend (the numpy backend's are each method's own).
TORCH_DTYPES = ("float32", "float64", "float16", "bfloat16")


def check_backend(backend: object, device: object) -> str:
    """Validated ``backend``; ``device`` (a name, or a ``torch.device``) belongs to the torch
    backend only (the numpy backend takes None or the CPU).

    Raises
    ------
    ValueError
        On an unknown backend, or a ``device`` other than the CPU with ``backend="numpy"``.
    TypeError
        On a ``device`` that is neither a string nor a ``torch.device``.
    """
    if backend not in BACKENDS:
        raise ValueError(f"`backend` must be one of {list(BACKENDS)}; got {backend!r}")
    is_torch_device = type(device).__module__ == "torch" and type(device).__name__ == "device"
    if device is not None and not isinstance(device, str) and not is_torch_device:
        raise TypeError(
            f'`device` must be a string such as "cpu" or "cuda", or a torch.device; got {device!r}'
        )
    if backend == "numpy" and device is not None and str(device) not in ("cpu", "cpu:0"):
        raise ValueError(
            f'`device`={device!r} needs backend="torch" (the numpy backend runs on the CPU)'
        )
    return str(backend)


def check_dtype(dtype: object, backend: str, numpy_dtypes: tuple[str, ...]) -> str:
    """Validated ``dtype`` of an annealing method whose numpy backend supports ``numpy_dtypes``.

    Raises
    ------
    ValueError
        On a dtype the backend does not support, naming the ones it does.
    """
    allowed = numpy_dtypes if backend == "numpy" else TORCH_DTYPES
    if dtype not in allowed:
        names = ", ".join(repr(d) for d in allowed[:-1]) + f" or {allowed[-1]!r}"
        if len(allowed) == 1:
            names = repr(allowed[0])
        others = "" if backend == "torch" else f" ({', '.join(TORCH_DTYPES)} with backend='torch')"
        raise ValueError(f"`dtype` must be {names} with backend={backend!r}{others}; got {dtype!r}")
    return str(dtype)


def torch_backend() -> ModuleType:
    """:mod:`isingeq.backends.torch`, imported on first use.

    Raises
    ------
    ImportError
        When torch is not installed, naming the extra that installs it.
    """
    require("torch", 'backend="torch"', "torch")
    from . import torch as module

    return module
