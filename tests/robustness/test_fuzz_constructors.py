"""Fuzzing every model constructor (issue #13, point 1) and the npz reader with mutated archives.

Whatever array, list or object a constructor is given, it builds a complete model or raises a
ValueError / TypeError naming the parameter: never another exception, never a model with a NaN.
"""

from __future__ import annotations

import io as _io
import warnings
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import isingeq
from isingeq import SpinGlass, io

FLOATS = st.floats(allow_nan=True, allow_infinity=True, width=64) | st.sampled_from(
    [0.0, 1e308, -1e308, 1e-320, np.nan, np.inf]
)
ARRAYS = hnp.arrays(
    dtype=st.sampled_from([np.float64, np.float32, np.int64, np.int8, np.bool_, np.complex128]),
    shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5),
    elements=None,
)
HOSTILE = (
    ARRAYS
    | st.lists(st.lists(FLOATS, max_size=4), max_size=4)
    | st.lists(st.lists(st.text(max_size=3), max_size=3), max_size=3)
    | st.sampled_from([None, "abc", 3, object(), [[1, "x"], [0, 1]], [[1, 2], [3]]])
)
SETTINGS = settings(
    max_examples=150,
    deadline=2000,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)


def complete(m: SpinGlass) -> None:
    eps = m.eps.data if m.is_sparse else np.asarray(m.eps)
    assert np.isfinite(eps).all() and np.isfinite(m.offset) and m.eps.shape == (m.n, m.n)
    assert m.n >= 1


def contract(build: object, *args: object) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
        try:
            m = build(*args)  # type: ignore[operator]
        except (ValueError, TypeError) as exc:
            message = str(exc)
        else:
            message = None
    if message is not None:
        assert message  # a message, naming what was wrong
        return
    complete(m)


@SETTINGS
@given(HOSTILE, FLOATS)
def test_spinglass(eps: object, offset: float) -> None:
    contract(SpinGlass, eps, offset)
    if isinstance(eps, np.ndarray) and eps.ndim == 2:
        contract(lambda a: SpinGlass(sp.csr_array(a)), eps)


@SETTINGS
@given(HOSTILE, HOSTILE)
def test_from_symmetric_and_from_spin(a: object, b: object) -> None:
    contract(SpinGlass.from_symmetric, a, b)
    contract(SpinGlass.from_spin, b, a)


@SETTINGS
@given(st.integers(-3, 8), HOSTILE, HOSTILE)
def test_from_maxcut(n: int, edges: object, weights: object) -> None:
    contract(SpinGlass.from_maxcut, n, edges, weights)
    contract(SpinGlass.from_maxcut, n, edges)


@settings(max_examples=80, deadline=2000, derandomize=True)
@given(data=st.data())
def test_mutated_npz_archives(
    data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    buf = _io.BytesIO()
    io.write_npz(isingeq.paper_instance(5, rng=0), buf)
    blob = bytearray(buf.getvalue())
    for _ in range(data.draw(st.integers(1, 4))):
        op = data.draw(st.sampled_from(["flip", "cut", "zero"]))
        if op == "cut":
            blob = blob[: data.draw(st.integers(0, len(blob)))]
        elif blob:
            i = data.draw(st.integers(0, len(blob) - 1))
            blob[i] = 0 if op == "zero" else data.draw(st.integers(0, 255))
    path = Path(tmp_path_factory.mktemp("npz")) / "m.npz"
    path.write_bytes(bytes(blob))
    try:
        got = io.read_npz(path)
    except io.FormatError as exc:
        message = str(exc)
    else:
        message = None
    if message is not None:
        assert "m.npz" in message
        return
    for inst in got if isinstance(got, list) else [got]:
        complete(inst.model)
