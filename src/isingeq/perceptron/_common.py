"""Helpers shared by the modules of :mod:`isingeq.perceptron` (validation, enumeration, renames)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._validation import check_real
from ..model import SpinGlass
from ..solvers._kernels import low_block_energies
from ..solvers.exact import exact_log_partition

#: Largest n for functions that hold all 2^n probabilities or starts in memory (2^24 float64 = 128 MiB).
ENUMERATE_MAX_N = 24


def check_t(t: Any, *, allow_inf: bool = True) -> float:
    return check_real("t", t, low=0.0, allow_inf=allow_inf)


def reject_tensor(name: str, value: Any) -> None:
    """A TypeError naming ``name`` for a torch tensor that NumPy cannot read: one that requires
    grad or lives off the CPU (``np.asarray`` fails inside torch with a message that names
    neither the argument nor the fix). A plain CPU tensor is read as an array, as before.

    The modules of the type and its bases are read (``torch`` is never imported here), so a
    subclass of ``torch.Tensor`` counts; a list or tuple of tensors is checked by its items.
    """
    if isinstance(value, list | tuple):
        for item in value[:64]:  # nested lists of rows: their first items tell
            reject_tensor(name, item)
        return
    if not any(_is_torch(cls.__module__) for cls in type(value).__mro__):
        return
    grad = getattr(value, "requires_grad", None)
    where = getattr(value, "device", None)
    if not grad and getattr(where, "type", where) == "cpu":
        return  # numpy reads it (no graph to lose: nothing required its gradient)
    detail = ", ".join(
        part
        for part in (
            f"requires_grad={grad}" if grad is not None else "",
            f"device={where}" if where is not None else "",
        )
        if part
    )
    raise TypeError(
        f"`{name}` must be a NumPy array (or nested lists); got a torch "
        f"{type(value).__name__}{f' ({detail})' if detail else ''}: convert it first with "
        f"`{name}.detach().cpu().numpy()`"
    )


def _is_torch(module: str | None) -> bool:
    return bool(module) and (module == "torch" or str(module).startswith("torch."))


def check_enumerable(model: SpinGlass, limit: int, what: str) -> None:
    if model.n > limit:
        raise ValueError(
            f"n={model.n} is too large for {what} (limit {limit}: it enumerates all 2^n states)"
        )


def decode(codes: NDArray[np.int64], n: int) -> NDArray[np.uint8]:
    """0/1 states, one per row, from integer codes (bit ``i`` = ``n_i``)."""
    return ((codes[:, None] >> np.arange(n, dtype=np.int64)[None, :]) & 1).astype(np.uint8)


def all_log_probs(model: SpinGlass, t: float) -> NDArray[np.float64]:
    """``log P(code)`` for every code (bit ``i`` = ``n_i``), normalised with the exact log Z.

    The energies are the exact solver's low-block table with the block the whole model (``k = n``).
    """
    n = model.n
    E = low_block_energies(
        np.ascontiguousarray(model.h, dtype=np.float64),
        np.ascontiguousarray(model.dense_J(), dtype=np.float64),
        n,
    )
    log_z, _ = exact_log_partition(model, t)
    return np.asarray(-t * (E + model.offset) - log_z)


def renamed(func: str, new: str, new_value: Any, default: Any, old: str, old_value: Any) -> Any:
    """The value of option ``new``, honouring its deprecated spelling ``old`` (None: not given).

    Raises TypeError when both spellings are given, and warns (DeprecationWarning, pointing at
    the caller of ``func``) when only the old one is.
    """
    if old_value is None:
        return new_value
    new_given = new_value is not None if default is None else bool(new_value != default)
    if new_given:
        raise TypeError(f"{func}() got both `{new}` and its deprecated spelling `{old}`")
    warnings.warn(
        f"{func}(): `{old}` is deprecated and will be removed; use `{new}`",
        DeprecationWarning,
        stacklevel=3,
    )
    return old_value
