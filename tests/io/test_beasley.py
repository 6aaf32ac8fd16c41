"""OR-Library bqp files: the 50 instances, their solutions, round trips, bad files."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

import isingeq
from isingeq import SpinGlass
from isingeq.instance import Instance
from isingeq.io import FormatError, read_beasley, write_beasley

from .conftest import all_states, bits, random_states, read_csv, write


@pytest.fixture(scope="module")
def beasley(data_dir: Path) -> dict[str, Instance]:
    out: dict[str, Instance] = {}
    for p in sorted((data_dir / "beasley").glob("bqp*.txt")):
        for inst in read_beasley(p):
            out[inst.name] = inst
    return out


def test_all_50_instances_load_with_the_table_sizes(
    data_dir: Path, beasley: dict[str, Instance]
) -> None:
    table = {r["name"]: r for r in read_csv(data_dir / "beasley" / "best_known.csv")}
    assert len(beasley) == 50
    # bqp2500 is listed in the table but its file is not in the data set (see the README)
    assert set(beasley) == {k for k in table if not k.startswith("bqp2500-")}
    for name, inst in beasley.items():
        row = table[name]
        assert inst.n == int(row["n"]) and inst.meta["entries"] == int(row["nonzeros"])
        assert (
            name == f"bqp{row['n']}-{row['index_in_file']}" == f"bqp{inst.n}-{inst.meta['index']}"
        )
        assert inst.sense == "max" and (inst.scale, inst.shift) == (-1.0, 0.0)
        assert inst.model.is_sparse


def test_every_solution_reaches_its_value_and_the_best_known(
    data_dir: Path, beasley: dict[str, Instance]
) -> None:
    table = {r["name"]: r for r in read_csv(data_dir / "beasley" / "best_known.csv")}
    rows = read_csv(data_dir / "beasley" / "solutions.csv")
    assert len(rows) == 50
    for row in rows:
        inst = beasley[row["name"]]
        value = inst.objective(bits(row["x"]))
        assert value == float(row["value"]) == float(table[row["name"]]["best_known_max"]), row[
            "name"
        ]


def _direct_f(q: dict[tuple[int, int], float], X: np.ndarray) -> np.ndarray:
    """f(x) = sum_i q_ii x_i + 2 sum_{i<j} q_ij x_i x_j from the listed triples (0-based)."""
    out = np.zeros(len(X))
    for (i, j), v in q.items():
        out += (1.0 if i == j else 2.0) * v * X[:, i] * X[:, j]
    return out


def test_objective_counts_a_listed_off_diagonal_twice() -> None:
    rng = np.random.default_rng(0)
    n = 6
    q = {
        (i, j): float(rng.integers(-9, 10))
        for i in range(n)
        for j in range(i, n)
        if rng.random() < 0.6
    }
    # write each pair in either order: i > j is taken as j i
    body = "".join(
        f" {j + 1} {i + 1} {int(v)} \n" if rng.random() < 0.3 else f" {i + 1} {j + 1} {int(v)} \n"
        for (i, j), v in q.items()
    )
    [inst] = read_beasley(io.StringIO(f" 1 \n {n} {len(q)} \n{body}"), name="t")
    X = all_states(n)
    np.testing.assert_array_equal(inst.objective(X), _direct_f(q, X))
    assert inst.name == "t-1"


def test_tokens_may_be_laid_out_freely() -> None:
    a = read_beasley(io.StringIO("2\n2 2\n1 1 3\n1 2 -2\n1 1\n1 1 5\n"))
    b = read_beasley(io.StringIO("2 2 2 1 1 3 1 2\n-2 1 1 1\n1 5"))
    assert [x.model for x in a] == [x.model for x in b]
    assert [x.name for x in a] == ["beasley-1", "beasley-2"]


def test_round_trip_many_instances(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    models = [
        isingeq.paper_instance(9, rng=rng),
        SpinGlass(sp.csr_array(np.triu(rng.integers(-5, 6, (12, 12)).astype(float)))),
        SpinGlass([[0.0, 0.0], [0.0, 0.0]]),
    ]
    for target in (tmp_path / "m.txt", tmp_path / "m.txt.gz"):
        write_beasley(models, target)
        back = read_beasley(target)
        assert [b.name for b in back] == ["m-1", "m-2", "m-3"]
        for m, b in zip(models, back, strict=True):
            X = random_states(rng, m.n)
            np.testing.assert_array_equal(b.objective(X), -m.energy(X))
            np.testing.assert_array_equal(b.model.energy(X), m.energy(X))


def test_round_trip_of_a_real_file_is_exact(data_dir: Path, tmp_path: Path) -> None:
    src = read_beasley(data_dir / "beasley" / "bqp50.txt")
    write_beasley(src, tmp_path / "bqp50.txt")
    back = read_beasley(tmp_path / "bqp50.txt")
    for a, b in zip(src, back, strict=True):
        assert a.name == b.name and a.model == b.model and a.meta == b.meta


def test_offset_is_dropped_and_min_becomes_max(tmp_path: Path) -> None:
    m = isingeq.sk_instance(7, rng=4)  # spin model in 0/1 form: a nonzero offset
    assert m.offset != 0
    write_beasley(Instance("sk", m, "min"), tmp_path / "sk.txt")
    [b] = read_beasley(tmp_path / "sk.txt")
    X = all_states(7)
    np.testing.assert_allclose(b.model.energy(X), m.energy(X) - m.offset, rtol=0, atol=1e-12)
    np.testing.assert_allclose(b.objective(X), -(m.energy(X) - m.offset), rtol=0, atol=1e-12)


def test_write_rejects_nothing_and_non_models() -> None:
    with pytest.raises(ValueError, match="at least one"):
        write_beasley([], io.StringIO())
    with pytest.raises(TypeError, match=r"`instances\[1\]` must be an Instance or a SpinGlass"):
        write_beasley([SpinGlass([[1.0]]), "x"], io.StringIO())


BAD = [
    ("", None, "expected the number of instances 'K', got an empty file"),
    ("x\n", 1, "expected an integer for 'K', got 'x'"),
    ("0\n", 1, "expected the number of instances K >= 1, got 0"),
    ("1\n0 0\n", 2, "expected n >= 1 of instance 1 of 1, got 0"),
    ("1\n2 -1\n", 2, "expected nnz >= 0 of instance 1 of 1, got -1"),
    (
        "2\n2 1\n1 2 3\n",
        3,
        "expected 'n' of instance 2 of 2, got the end of the file: the file is truncated",
    ),
    (
        "1\n2 2\n1 1 3\n",
        3,
        "expected 2 entries 'i j q' of instance 1 of 1 (line 2 says n=2 nnz=2), got 1: the file is truncated",
    ),
    (  # a value missing on line 4: the reader named line 3 and called the file truncated
        "1\n3 3\n1 2 5\n2 3\n1 1 2\n",
        4,
        "expected 3 entries 'i j q' of instance 1 of 1 (line 2 says n=3 nnz=3), one per line, "
        "got 2 and 2 value(s) of another before the end of the file: this line holds 2 "
        "value(s), not 3",
    ),
    (  # the same on the first entry's line
        "1\n3 3\n1 2\n2 3 1\n1 3 1\n",
        3,
        "one per line, got 2 and 2 value(s) of another before the end of the file: this line "
        "holds 2 value(s), not 3",
    ),
    (  # truly truncated: named at its last line
        "1\n3 3\n1 2 5\n2 3 1\n",
        4,
        "expected 3 entries 'i j q' of instance 1 of 1 (line 2 says n=3 nnz=3), got 2: the "
        "file is truncated",
    ),
    (
        "1\n2 1\n1 2 3\n5\n",
        4,
        "expected the end of the file after 1 instances (line 1 says K=1), got '5'",
    ),
    ("1\n2 1\n1 3 3\n", 3, "expected 'j' in 1..2, got 3"),
    ("1\n2 1\n0 1 3\n", 3, "expected 'i' in 1..2, got 0"),
    ("1\n2 1\n1\n99999999999999999999 3\n", 4, "expected 'j' to fit in 64 bits"),
    ("1\n2 1\n1 2 q\n", 3, "expected a number for 'q', got 'q'"),
    ("1\n2 1\n1 2.5 1\n", 3, "expected an integer for 'j', got '2.5'"),
    ("1\n2 1\n1 2 inf\n", 3, "expected a finite number for 'q', got inf"),
    (
        "1\n2 2\n1 2 3\n2 1 4\n",
        4,
        "duplicate entry 2 1: this pair was already given on line 3 (as 1 2)",
    ),
]


@pytest.mark.parametrize(("text", "line", "fragment"), BAD)
def test_malformed_files_name_the_file_and_line(
    tmp_path: Path, text: str, line: int | None, fragment: str
) -> None:
    p = write(tmp_path / "bqp2.txt", text)
    with pytest.raises(FormatError) as info:
        read_beasley(p)
    assert info.value.line == line
    prefix = f"{p}, line {line}: " if line is not None else f"{p}: "
    assert str(info.value) == prefix + info.value.detail
    assert fragment in info.value.detail
