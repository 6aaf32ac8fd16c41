"""dimod COO text: BINARY and SPIN semantics, headers, round trips, dimod agreement, bad files."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

import isingeq
from isingeq import SpinGlass
from isingeq.instance import Instance
from isingeq.io import FormatError, read_coo, write_coo

from .conftest import all_states, random_states, write


def _random_entries(rng: np.random.Generator, n: int) -> dict[tuple[int, int], float]:
    q = {(i, j): float(rng.normal()) for i in range(n) for j in range(i, n) if rng.random() < 0.6}
    q[(n - 1, n - 1)] = 0.25  # so the largest index is n - 1
    return q


def _text(q: dict[tuple[int, int], float], rng: np.random.Generator, header: str = "") -> str:
    lines = [
        f"{j} {i} {v!r}" if rng.random() < 0.3 else f"{i} {j} {v!r}" for (i, j), v in q.items()
    ]
    return header + "\n".join(lines) + "\n"


def test_binary_energy_is_the_sum_over_listed_pairs() -> None:
    rng = np.random.default_rng(0)
    n = 6
    q = _random_entries(rng, n)
    inst = read_coo(io.StringIO(_text(q, rng)))
    X = all_states(n)
    ref = sum(v * X[:, i] * X[:, j] for (i, j), v in q.items())
    np.testing.assert_allclose(inst.objective(X), ref, rtol=0, atol=1e-12)
    assert inst.meta["vartype"] == "BINARY" and inst.sense == "min"


def test_spin_energy_is_the_sum_over_listed_pairs() -> None:
    rng = np.random.default_rng(1)
    n = 6
    q = _random_entries(rng, n)
    for inst in (
        read_coo(io.StringIO(_text(q, rng)), vartype="SPIN"),
        read_coo(io.StringIO(_text(q, rng, header="# vartype=SPIN\n"))),
        read_coo(
            io.StringIO(_text(q, rng, header="#  made by hand; vartype:spin\n")), vartype="spin"
        ),
    ):
        X = all_states(n)
        S = 2.0 * X - 1.0
        ref = sum(v * (S[:, i] if i == j else S[:, i] * S[:, j]) for (i, j), v in q.items())
        np.testing.assert_allclose(inst.objective(X), ref, rtol=0, atol=1e-12)
        assert inst.meta["vartype"] == "SPIN"


def test_offset_comment_and_n() -> None:
    inst = read_coo(io.StringIO("# offset=1.5\n0 1 2\n"), n=4)
    assert inst.n == 4
    assert inst.objective([1, 1, 0, 0]) == 3.5 and inst.objective([0, 0, 1, 1]) == 1.5
    assert read_coo(io.StringIO(""), n=2).objective([1, 1]) == 0.0


def test_vartype_argument_is_checked() -> None:
    with pytest.raises(ValueError, match="`vartype` must be 'BINARY', 'SPIN' or None; got 'ising'"):
        read_coo(io.StringIO("0 0 1\n"), vartype="ising")
    with pytest.raises(ValueError, match="`n` must be a positive integer"):
        read_coo(io.StringIO("0 0 1\n"), n=0)


@pytest.mark.parametrize("vartype", ["BINARY", "SPIN"])
@pytest.mark.parametrize("dense", [True, False])
def test_round_trip(tmp_path: Path, vartype: str, dense: bool) -> None:
    rng = np.random.default_rng(2)
    for k in range(4):
        m = isingeq.sk_instance(9, rng=rng) if k % 2 else isingeq.paper_instance(9, rng=rng)
        if not dense:
            m = SpinGlass(sp.csr_array(m.eps), offset=m.offset)
        for target in (tmp_path / f"m{k}.coo", tmp_path / f"m{k}.coo.gz"):
            write_coo(m, target, vartype=vartype)
            back = read_coo(target)
            assert back.meta["vartype"] == vartype and back.n == m.n
            X = random_states(rng, m.n)
            np.testing.assert_allclose(back.objective(X), m.energy(X), rtol=0, atol=1e-12)


def test_round_trip_keeps_the_vartype_and_isolated_last_variable() -> None:
    inst = read_coo(io.StringIO("# vartype=SPIN\n0 1 -1\n"), n=3)
    buf = io.StringIO()
    write_coo(inst, buf)
    text = buf.getvalue()
    assert text.splitlines()[0] == "# vartype=SPIN" and text.endswith("2 2 0\n")
    back = read_coo(io.StringIO(text))
    X = all_states(3)
    np.testing.assert_array_equal(back.objective(X), inst.objective(X))


def test_integer_model_round_trips_exactly() -> None:
    rng = np.random.default_rng(3)
    m = SpinGlass(np.triu(rng.integers(-9, 10, (8, 8)).astype(float)), offset=-3.0)
    buf = io.StringIO()
    write_coo(Instance("q", m, "min"), buf)
    back = read_coo(io.StringIO(buf.getvalue()))
    assert back.model == m


def test_agrees_with_dimod() -> None:
    dimod = pytest.importorskip("dimod")
    from dimod.serialization import coo as dcoo

    rng = np.random.default_rng(4)
    for vartype in ("BINARY", "SPIN"):
        m = isingeq.paper_instance(8, rng=rng)
        m = SpinGlass(m.eps * 10.0 ** rng.integers(-7, 4, m.eps.shape))  # tiny and large numbers
        buf = io.StringIO()
        write_coo(m, buf, vartype=vartype)
        text = buf.getvalue()
        bqm = dcoo.loads(text)  # dimod takes the header and every line
        assert bqm.vartype.name == vartype and bqm.num_variables == m.n
        X = all_states(m.n)
        states = X if vartype == "BINARY" else 2 * X.astype(int) - 1
        e_dimod = bqm.energies((states, range(m.n)))
        back = read_coo(io.StringIO(text))
        # dimod drops the offset comment; isingeq reads it
        offset = m.to_spin()[2] if vartype == "SPIN" else m.offset
        np.testing.assert_allclose(e_dimod + offset, m.energy(X), rtol=0, atol=1e-9)
        np.testing.assert_allclose(back.objective(X), m.energy(X), rtol=0, atol=1e-9)
    # and files written by dimod read back with the same energies
    X4 = all_states(4)
    for bqm in (
        dimod.BinaryQuadraticModel.from_qubo({(0, 0): -1, (0, 1): 1, (1, 2): -4.5, (3, 3): 2}),
        dimod.BinaryQuadraticModel.from_ising({0: 0.5, 3: -1}, {(0, 1): -1, (2, 1): 0.25}),
    ):
        for header in (True, False):
            dumped = dcoo.dumps(bqm, vartype_header=header)
            mine = read_coo(io.StringIO(dumped), vartype=None if header else bqm.vartype.name)
            states = X4 if bqm.vartype.name == "BINARY" else 2 * X4.astype(int) - 1
            np.testing.assert_array_equal(mine.objective(X4), bqm.energies((states, range(4))))


BAD = [
    (
        "",
        None,
        "expected lines 'i j bias' (or pass n= for a model without biases), got an empty file",
    ),
    ("# vartype=BINARY\n", None, "got no entries"),
    ("0 1\n", 1, "expected 3 fields 'i j bias', got '0 1'"),
    ("0 1 x\n", 1, "expected a number for 'bias', got 'x'"),
    ("-1 1 2\n", 1, "expected 'i' in 0..1, got -1"),
    ("0 1 2\n1 0 3\n", 2, "duplicate entry 1 0: this pair was already given on line 1 (as 0 1)"),
    ("# vartype=ISING\n0 1 2\n", 1, "expected vartype=BINARY or vartype=SPIN, got 'ISING'"),
    (
        "# vartype=SPIN\n# vartype=BINARY\n0 1 2\n",
        2,
        "vartype=BINARY contradicts vartype=SPIN on line 1",
    ),
    ("# offset=abc\n0 1 2\n", 1, "expected a finite number for 'offset', got 'abc'"),
    (
        "# offset=1\n# offset=2\n0 1 2\n",
        2,
        "expected one offset comment, got a second (first on line 1)",
    ),
    ("0 1 2\n\n0 1 nan\n", 3, "expected a finite number for 'bias', got nan"),
]


@pytest.mark.parametrize(("text", "line", "fragment"), BAD)
def test_malformed_files_name_the_file_and_line(
    tmp_path: Path, text: str, line: int | None, fragment: str
) -> None:
    p = write(tmp_path / "bad.coo", text)
    with pytest.raises(FormatError) as info:
        read_coo(p)
    assert info.value.line == line and info.value.source == str(p)
    assert fragment in str(info.value)


def test_header_and_argument_must_agree_and_n_bounds_indices() -> None:
    with pytest.raises(
        FormatError, match="line 1: the file says vartype=SPIN but vartype='BINARY'"
    ):
        read_coo(io.StringIO("# vartype=SPIN\n0 1 2\n"), vartype="BINARY")
    with pytest.raises(FormatError, match=r"line 2: expected 'j' in 0\.\.1, got 2"):
        read_coo(io.StringIO("0 1 2\n1 2 1\n"), n=2)


def test_coo_comments_that_would_change_the_model_are_read_or_refused() -> None:
    from io import StringIO

    from isingeq.io import FormatError, read_coo

    # spaces around '=' in isingeq's own offset comment are read; prose about an offset is not
    assert read_coo(StringIO("# offset = 2.5\n0 1 1\n")).model.offset == 2.5
    assert read_coo(StringIO("# the offset: 7 is not written\n0 1 1\n")).model.offset == 0.0
    # a vartype comment dimod would not read must not make a SPIN file BINARY in silence
    with pytest.raises(FormatError, match=r"line 1: expected '# vartype=BINARY'"):
        read_coo(StringIO("# vartype = SPIN\n0 1 1\n"))
