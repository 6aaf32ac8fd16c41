"""isingeq's .npz archive: exact round trips and bad archives."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

import isingeq
from isingeq import SpinGlass
from isingeq.instance import Instance
from isingeq.io import FormatError, load_npz, read_gset, read_npz, save_npz, write_npz

from .conftest import random_graph, random_states


def _same(a: Instance, b: Instance) -> None:
    assert a.model == b.model and a.model.offset == b.model.offset
    assert a.model.is_sparse == b.model.is_sparse
    for attr in ("name", "sense", "best_known", "scale", "shift", "source"):
        assert getattr(a, attr) == getattr(b, attr), attr
        assert type(getattr(a, attr)) is type(getattr(b, attr)), attr
    assert a.meta.keys() == b.meta.keys()
    for k, v in a.meta.items():
        if isinstance(v, np.ndarray):
            np.testing.assert_array_equal(b.meta[k], v, strict=True)
        else:
            assert b.meta[k] == v


def test_aliases() -> None:
    assert write_npz is save_npz and read_npz is load_npz


@pytest.mark.parametrize("suffix", [".npz", ".npz.gz"])
def test_exact_round_trip_dense_sparse_and_graph(tmp_path: Path, suffix: str) -> None:
    rng = np.random.default_rng(0)
    dense = Instance(
        "paper",
        isingeq.sk_instance(11, rng=rng),
        "min",
        best_known=-0.1234567890123,
        source="generated",
        meta={"seed": 7, "tags": ["a", "b"], "nested": {"x": 1.5, "y": None}},
    )
    sparse = Instance(
        "sp",
        SpinGlass(
            sp.csr_array(np.triu(rng.normal(size=(9, 9)) * (rng.random((9, 9)) < 0.3))), offset=2.5
        ),
        "max",
        best_known=17,
        scale=-1.0,
        shift=0.1,
    )
    e, w = random_graph(rng, 12, p=0.4)
    text = f"12 {len(e)}\n" + "".join(
        f"{a + 1} {b + 1} {float(x)!r}\n" for (a, b), x in zip(e.tolist(), w.tolist(), strict=True)
    )
    graph = read_gset(io.StringIO(text), name="g12")
    for k, inst in enumerate((dense, sparse, graph)):
        p = tmp_path / f"i{k}{suffix}"
        save_npz(inst, p)
        assert p.exists()  # the name is used as given
        back = load_npz(p)
        _same(inst, back)
        X = random_states(rng, inst.n)
        np.testing.assert_array_equal(back.objective(X), inst.objective(X))


def test_file_objects_and_bare_models(tmp_path: Path) -> None:
    m = isingeq.paper_instance(5, rng=1)
    buf = io.BytesIO()
    save_npz(m, buf)
    buf.seek(0)
    back = load_npz(buf)
    assert back.model == m and back.name == "instance" and back.sense == "min"
    save_npz(m, tmp_path / "five.npz")
    assert load_npz(tmp_path / "five.npz").name == "five"
    with pytest.raises(TypeError, match="binary file"):
        save_npz(m, io.StringIO())


def test_meta_that_cannot_be_saved_is_a_type_error() -> None:
    inst = Instance("x", SpinGlass([[1.0]]), "min", meta={"bad": object()})
    with pytest.raises(TypeError, match=r"`meta\['bad'\]` cannot be saved"):
        save_npz(inst, io.BytesIO())
    inst = Instance("x", SpinGlass([[1.0]]), "min", meta={"obj": np.array([object()])})
    with pytest.raises(TypeError, match="object array"):
        save_npz(inst, io.BytesIO())


def _archive(**arrays: np.ndarray) -> io.BytesIO:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    buf.seek(0)
    return buf


def _good_members() -> dict[str, np.ndarray]:
    buf = io.BytesIO()
    save_npz(Instance("x", SpinGlass([[1.0, 2.0], [0.0, 3.0]]), "min"), buf)
    buf.seek(0)
    with np.load(buf) as z:
        return {k: z[k] for k in z.files}


def test_bad_archives_are_format_errors(tmp_path: Path) -> None:
    text = tmp_path / "t.npz"
    text.write_text("not a zip")
    with pytest.raises(FormatError, match=r"t\.npz: expected an isingeq \.npz archive"):
        load_npz(text)
    npy = io.BytesIO()
    np.save(npy, np.zeros(3))
    npy.seek(0)
    with pytest.raises(FormatError, match=r"got a single \.npy array"):
        load_npz(npy)
    good = _good_members()
    with pytest.raises(FormatError, match="expected the member 'format'"):
        load_npz(_archive(eps=np.eye(2)))
    with pytest.raises(FormatError, match="expected version 1"):
        load_npz(_archive(**{**good, "version": np.array(2)}))
    with pytest.raises(FormatError, match=r"expected format 'isingeq\.instance'"):
        load_npz(_archive(**{**good, "format": np.array("other")}))
    with pytest.raises(FormatError, match="upper-triangular"):
        load_npz(_archive(**{**good, "eps": np.array([[1.0, 0.0], [2.0, 3.0]])}))
    with pytest.raises(FormatError, match="invalid instance"):
        load_npz(_archive(**{**good, "metadata": np.array("{not json")}))
    bad = tmp_path / "cut.npz"
    buf = io.BytesIO()
    save_npz(isingeq.paper_instance(30, rng=0), buf)
    bad.write_bytes(buf.getvalue()[:-40])
    with pytest.raises(FormatError, match=r"cut\.npz"):
        load_npz(bad)
    assert zipfile.is_zipfile(io.BytesIO(buf.getvalue()))
