"""MatrixMarket QUBOs: the x^T Q x convention, layouts, round trips, bad files."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
import scipy.io
import scipy.sparse as sp

import isingeq
from isingeq import SpinGlass
from isingeq.io import FormatError, read_mtx, write_mtx

from .conftest import all_states, random_states, write


def _mm(Q: np.ndarray, **kw: str) -> str:
    buf = io.BytesIO()
    scipy.io.mmwrite(buf, Q, **kw)
    return buf.getvalue().decode()


@pytest.mark.parametrize(
    ("kind", "kw"),
    [
        ("symmetric coordinate", {"symmetry": "symmetric"}),
        ("general coordinate, full", {"symmetry": "general"}),
        ("upper-triangular coordinate", {"symmetry": "general", "upper": "1"}),
        ("symmetric array", {"symmetry": "symmetric", "dense": "1"}),
        ("general array", {"symmetry": "general", "dense": "1"}),
    ],
)
def test_objective_is_x_q_x(kind: str, kw: dict[str, str]) -> None:
    rng = np.random.default_rng(0)
    n = 6
    A = rng.integers(-9, 10, (n, n)).astype(float)
    Q = A + A.T if kw["symmetry"] == "symmetric" else (np.triu(A) if "upper" in kw else A)
    M = Q if "dense" in kw else sp.coo_array(Q)
    inst = read_mtx(io.StringIO(_mm(M, symmetry=kw["symmetry"])))
    X = all_states(n).astype(float)
    ref = np.einsum("ri,ij,rj->r", X, Q, X)
    np.testing.assert_array_equal(inst.objective(X.astype(np.uint8)), ref)
    assert inst.sense == "min" and inst.meta["symmetry"] == kw["symmetry"]
    assert inst.model.is_sparse == ("dense" not in kw), kind


def test_symmetric_file_counts_a_stored_off_diagonal_twice() -> None:
    text = "%%MatrixMarket matrix coordinate real symmetric\n2 2 2\n1 1 -3\n2 1 1\n"
    assert read_mtx(io.StringIO(text)).objective([1, 1]) == -1.0  # -3 + 2 * 1
    general = text.replace("symmetric", "general")
    assert read_mtx(io.StringIO(general)).objective([1, 1]) == -2.0  # -3 + 1


@pytest.mark.parametrize("sparse", [True, False])
def test_round_trip(tmp_path: Path, sparse: bool) -> None:
    rng = np.random.default_rng(1)
    for k in range(3):
        m = isingeq.paper_instance(8, rng=rng)
        if sparse:
            m = SpinGlass(sp.csr_array(m.eps))
        for target in (tmp_path / f"q{k}.mtx", tmp_path / f"q{k}.mtx.gz"):
            write_mtx(m, target)
            back = read_mtx(target)
            assert back.model == m  # -eps written with repr precision: exact
            assert back.model.is_sparse == sparse and back.name == f"q{k}"
            X = random_states(rng, m.n)
            np.testing.assert_array_equal(back.objective(X), m.energy(X))


def test_offset_is_not_written() -> None:
    m = isingeq.sk_instance(6, rng=2)
    buf = io.StringIO()
    write_mtx(m, buf)
    back = read_mtx(io.StringIO(buf.getvalue()))
    X = all_states(6)
    np.testing.assert_allclose(back.objective(X), m.energy(X) - m.offset, rtol=0, atol=1e-12)


H = "%%MatrixMarket matrix coordinate real general\n"
BAD = [
    ("", None, "got an empty file"),
    (
        "3 3 1\n1 1 1\n",
        1,
        "expected the banner '%%MatrixMarket matrix coordinate real general' on line 1",
    ),
    ("%%MatrixMarket matrix coordinate real\n", 1, "expected 5 fields in the banner"),
    ("%%MatrixMarket vector coordinate real general\n", 1, "expected object matrix, got 'vector'"),
    (
        "%%MatrixMarket matrix coordinate pattern general\n2 2 1\n1 2\n",
        1,
        "expected field real or double or integer",
    ),
    ("%%MatrixMarket matrix coordinate complex general\n", 1, "got 'complex'"),
    (
        "%%MatrixMarket matrix coordinate real skew-symmetric\n",
        1,
        "expected symmetry general or symmetric",
    ),
    (H + "% only comments\n", 2, "expected the size line, got the end of the file"),
    (H + "2 3 1\n1 1 1\n", 2, "expected a square matrix with at least one row, got 2 x 3"),
    (H + "2 2\n", 2, "expected the size line 'rows cols nnz', got '2 2'"),
    (H + "2 x 1\n", 2, "expected an integer for 'cols', got 'x'"),
    (
        H + "2 2 2\n1 1 1\n",
        3,
        "expected 2 entries 'i j value' (line 2 says 2), got 1: the file is truncated",
    ),
    (
        H + "2 2 1\n1 1 1\n2 2 2\n",
        4,
        "expected the end of the file after 1 entries (line 2 says 1)",
    ),
    (H + "2 2 1\n1 1.5 1\n", 3, "expected an integer for 'j', got '1.5'"),
    (H + "2 2 1\n1 1 1 1\n", 3, "expected 3 fields 'i j value', got '1 1 1 1'"),
    (H + "2 2 1\n1 2 0x10\n", 3, "expected a number for 'value', got '0x10'"),
    (H + "2 2 1\n1 2 nan\n", 3, "expected a finite number for 'value', got nan"),
    (H + "2 2 1\n0 2 1\n", 3, "expected 'i' in 1..2, got 0"),
    (H + "2 2 2\n1 2 1\n1 2 5\n", 4, "duplicate entry 1 2: this pair was already given on line 3"),
    (
        "%%MatrixMarket matrix coordinate real symmetric\n2 2 2\n2 1 1\n1 2 5\n",
        4,
        "duplicate entry 1 2: this pair was already given on line 3 (as 2 1)",
    ),
    (
        "%%MatrixMarket matrix coordinate integer general\n2 2 1\n1 2 3.5\n",
        3,
        "expected an integer for 'value', got '3.5'",
    ),
    (
        "%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n",
        5,
        "expected 4 values (line 2 says 2 x 2, general), got 3",
    ),
    (
        "%%MatrixMarket matrix array real symmetric\n2 2\n1\n2\n3\n4\n",
        6,
        "expected the end of the file after 3 values",
    ),
    (
        "%%MatrixMarket matrix array real general\n1 1\n1 2\n",
        3,
        "expected 1 field 'value', got '1 2'",
    ),
    (
        "%%MatrixMarket matrix array real general\n1 1\ninf\n",
        3,
        "expected a finite number for 'value', got inf",
    ),
    (
        "%%MatrixMarket matrix array integer general\n1 1\n99999999999999999999999\n",
        3,
        "expected 'value' to fit in 64 bits, got 99999999999999999999999",
    ),
    (
        "%%MatrixMarket matrix array integer general\n1 1\n2.5\n",
        3,
        "expected an integer for 'value', got '2.5'",
    ),
]


@pytest.mark.parametrize(("text", "line", "fragment"), BAD)
def test_malformed_files_name_the_file_and_line(
    tmp_path: Path, text: str, line: int | None, fragment: str
) -> None:
    p = write(tmp_path / "bad.mtx", text)
    with pytest.raises(FormatError) as info:
        read_mtx(p)
    assert info.value.line == line and info.value.source == str(p)
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    ("banner", "why"),
    [
        ("coordinate pattern general", "a QUBO needs real values"),
        ("coordinate complex general", "a QUBO needs real values"),
        ("coordinate real skew-symmetric", "a QUBO's Q is general or symmetric"),
        ("coordinate real hermitian", "a QUBO's Q is general or symmetric"),
    ],
)
def test_an_unsupported_banner_says_why_for_the_field_it_names(banner: str, why: str) -> None:
    text = f"%%MatrixMarket matrix {banner}\n2 2 1\n1 1 1\n"
    with pytest.raises(FormatError) as info:
        read_mtx(io.StringIO(text))
    assert f"({why})" in str(info.value)
