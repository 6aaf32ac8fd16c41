"""COOL latfiles: energies against the ground states, all 708 files, round trips, bad files."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

import isingeq
from isingeq.io import FormatError, read_latfile, write_latfile

from ..conftest import DATA as REPO_DATA
from ..conftest import read_latfile as independent_read
from .conftest import all_states, random_states, read_csv, write


def _brute_min_per_spin(inst: isingeq.instance.Instance, S: np.ndarray) -> float:
    """min_s E(s) / N over the spin states S, from the model's spin form (dense, fast)."""
    hs, Js, off = inst.model.to_spin()
    J = np.asarray(Js.toarray() if hasattr(Js, "toarray") else Js)
    E = S @ hs + np.einsum("ri,ri->r", S @ J, S) + off
    # the spin form is the objective: spot-check a few states
    rows = np.arange(0, len(S), 4099)
    X = ((S[rows] + 1) // 2).astype(np.uint8)
    np.testing.assert_allclose(inst.objective(X), E[rows], rtol=0, atol=1e-9)
    return float(E.min()) / inst.n


@pytest.mark.parametrize("folder", sorted(p.name for p in (REPO_DATA / "cool").iterdir()))
def test_repo_reference_instances(folder: str) -> None:
    path = REPO_DATA / "cool" / folder / "latfile"
    inst = read_latfile(path)
    assert inst.name == folder and inst.sense == "min" and (inst.scale, inst.shift) == (1.0, 0.0)
    h, J = independent_read(path)
    X = all_states(inst.n)
    S = 2.0 * X - 1.0
    ref = S @ h + np.einsum("ri,ij,rj->r", S, J, S)
    np.testing.assert_allclose(inst.objective(X), ref, rtol=0, atol=1e-12)
    gs = float((path.parent / "gs_energy").read_text())
    assert abs(ref.min() / inst.n - gs) < 1e-5


def test_all_708_files_load_with_the_table_sizes(data_dir: Path) -> None:
    root = data_dir / "spinglass" / "cool_toroidal2d"
    rows = read_csv(root / "ground_states.csv")
    assert len(rows) == 708
    for row in rows:
        inst = read_latfile(root / row["instance"] / "latfile")
        assert inst.n == int(row["n"]) and inst.meta["bonds"] == int(row["bonds"]), row["instance"]
        assert inst.meta["fields"] == inst.n  # COOL lists every field, zeros too
        nonzero_h = int(np.count_nonzero(inst.model.to_spin()[0]))
        assert nonzero_h == int(row["nonzero_fields"]), row["instance"]


def test_small_instances_reach_their_ground_states(data_dir: Path) -> None:
    root = data_dir / "spinglass" / "cool_toroidal2d"
    rows = [r for r in read_csv(root / "ground_states.csv") if int(r["n"]) <= 16]
    assert len(rows) >= 101  # the 100 random 4x4 lattices, the 4x4 ferromagnet, the cluster
    S = 2.0 * all_states(16) - 1.0
    for row in rows:
        inst = read_latfile(root / row["instance"] / "latfile")
        gs = float((root / row["instance"] / "gs_energy").read_text())
        assert abs(_brute_min_per_spin(inst, S) - gs) < 1e-5, row["instance"]
        assert abs(gs - float(row["gs_energy_per_spin"])) < 1e-9


def test_round_trip(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    for k in range(4):
        m = isingeq.sk_instance(10, rng=rng)
        off = m.to_spin()[2]
        for target in (tmp_path / f"l{k}" / "latfile", tmp_path / f"l{k}.lat.gz"):
            target.parent.mkdir(exist_ok=True)
            write_latfile(m, target)
            back = read_latfile(target)
            X = random_states(rng, m.n)
            # the spin form's constant is not in the format
            np.testing.assert_allclose(back.objective(X), m.energy(X) - off, rtol=0, atol=1e-12)
        assert read_latfile(tmp_path / f"l{k}" / "latfile").name == f"l{k}"
        assert read_latfile(tmp_path / f"l{k}.lat.gz").name == f"l{k}"


def test_round_trip_of_a_repo_file(tmp_path: Path) -> None:
    inst = read_latfile(REPO_DATA / "cool" / "weakstrongcluster" / "latfile")
    write_latfile(inst, tmp_path / "latfile")
    back = read_latfile(tmp_path / "latfile")
    X = all_states(16)
    # the spin form is recomputed from the 0/1 model: equal up to rounding
    np.testing.assert_allclose(back.objective(X), inst.objective(X), rtol=0, atol=1e-12)
    assert back.meta == inst.meta


BAD = [
    ("", None, "expected the header 'N', got an empty file"),
    ("4 4\n", 1, "expected the header 'N' (1 integers), got '4 4'"),
    ("0\n", 1, "expected N >= 1 in the header 'N', got 0"),
    ("2\n0 1\n", 2, "expected 3 fields 'i j v', got '0 1'"),
    ("2\n0 2 1.0\n", 2, "expected 'j' in 0..1, got 2"),
    ("2\n0 1 x\n", 2, "expected a number for 'v', got 'x'"),
    (
        "2\n0 1 1.0\n1 0 2.0\n",
        3,
        "duplicate entry 1 0: this pair was already given on line 2 (as 0 1)",
    ),
    ("2\n1 1 0.5\n1 1 0.5\n", 3, "duplicate entry 1 1"),
]


@pytest.mark.parametrize(("text", "line", "fragment"), BAD)
def test_malformed_files_name_the_file_and_line(
    tmp_path: Path, text: str, line: int | None, fragment: str
) -> None:
    p = write(tmp_path / "latfile", text)
    with pytest.raises(FormatError) as info:
        read_latfile(p)
    assert info.value.line == line and info.value.source == str(p)
    assert fragment in str(info.value)


def test_stream_name() -> None:
    assert read_latfile(io.StringIO("1\n0 0 1\n")).name == "latfile"


def test_a_file_named_latfile_takes_its_folders_name_from_a_relative_path_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "00000042"
    folder.mkdir()
    (folder / "latfile").write_text("2\n0 1 -1.0\n")
    monkeypatch.chdir(folder)
    for path in ("latfile", "./latfile", folder / "latfile", "../00000042/latfile"):
        assert read_latfile(path).name == "00000042", path
    with open("latfile") as fh:  # an open file, named relative to here
        assert read_latfile(fh).name == "00000042"
