"""Biq Mac Library: the be / gka QUBOs and the rudy / ising max-cut sets, with their solutions."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

import isingeq
from isingeq import SpinGlass
from isingeq.instance import Instance
from isingeq.io import FormatError, read_biqmac, read_gset, write_biqmac

from .conftest import all_states, bits, random_states, read_csv, write

QUBO_SETS = ("be", "gka")
MAXCUT_SETS = ("rudy", "ising")  # rudy format, problem maxcut_max in best_known.csv


@pytest.fixture(scope="module")
def table(data_dir: Path) -> dict[str, dict[str, str]]:
    return {r["name"]: r for r in read_csv(data_dir / "biqmac" / "best_known.csv")}


@pytest.fixture(scope="module")
def biqmac(data_dir: Path, table: dict[str, dict[str, str]]) -> dict[str, Instance]:
    out: dict[str, Instance] = {}
    for row in table.values():
        path = data_dir / "biqmac" / row["file"]
        reader = read_biqmac if row["problem"] == "qubo_min" else read_gset
        out[row["name"]] = reader(path)
    return out


def test_sets_and_problems_are_as_the_readme_says(table: dict[str, dict[str, str]]) -> None:
    problem = {
        s: {r["problem"] for r in table.values() if r["set"] == s} for s in QUBO_SETS + MAXCUT_SETS
    }
    assert problem == {
        "be": {"qubo_min"},
        "gka": {"qubo_min"},
        "rudy": {"maxcut_max"},
        "ising": {"maxcut_max"},
    }
    counts = {s: sum(r["set"] == s for r in table.values()) for s in problem}
    assert counts == {"be": 80, "gka": 45, "rudy": 130, "ising": 48}


def test_every_file_loads_with_the_table_sizes(
    data_dir: Path, table: dict[str, dict[str, str]], biqmac: dict[str, Instance]
) -> None:
    on_disk = {
        p.relative_to(data_dir / "biqmac").as_posix()
        for s in QUBO_SETS + MAXCUT_SETS
        for p in (data_dir / "biqmac" / s).iterdir()
    }
    assert on_disk == {r["file"] for r in table.values()}
    for name, inst in biqmac.items():
        row = table[name]
        assert inst.name == name  # the default name is the library's name
        assert inst.n == int(row["n"])
        entries = inst.meta["entries"] if row["problem"] == "qubo_min" else len(inst.meta["edges"])
        assert entries == int(row["entries"])
        assert inst.sense == ("min" if row["problem"] == "qubo_min" else "max")


def test_solutions_reproduce_their_values_and_the_optimum(
    data_dir: Path, table: dict[str, dict[str, str]], biqmac: dict[str, Instance]
) -> None:
    rows = read_csv(data_dir / "biqmac" / "solutions.csv")
    seen = {s: 0 for s in QUBO_SETS + MAXCUT_SETS}
    for row in rows:
        inst = biqmac[row["name"]]
        value = inst.objective(bits(row["x"]))
        assert value == float(row["value"]) == float(table[row["name"]]["optimum"]), row["name"]
        seen[table[row["name"]]["set"]] += 1
    # every QUBO has a solution; most max-cut instances do
    assert seen["be"] == 80 and seen["gka"] == 45
    assert seen["rudy"] > 0 and seen["ising"] > 0 and len(rows) == sum(seen.values())


def test_ising_ground_state_is_w_minus_twice_the_max_cut(
    data_dir: Path, table: dict[str, dict[str, str]], biqmac: dict[str, Instance]
) -> None:
    # README: E0 = W - 2 maxcut for H = sum w_ij s_i s_j; check with the solution vectors
    rows = [
        r
        for r in read_csv(data_dir / "biqmac" / "solutions.csv")
        if table[r["name"]]["set"] == "ising"
    ]
    assert rows
    for row in rows:
        inst = biqmac[row["name"]]
        s = 2.0 * bits(row["x"]) - 1.0
        e, w = inst.meta["edges"], inst.meta["weights"]
        energy = float((w * s[e[:, 0]] * s[e[:, 1]]).sum())
        assert energy == w.sum() - 2 * float(row["value"])


def _direct_f(q: dict[tuple[int, int], float], X: np.ndarray) -> np.ndarray:
    out = np.zeros(len(X))
    for (i, j), v in q.items():
        out += (1.0 if i == j else 2.0) * v * X[:, i] * X[:, j]
    return out


def test_objective_is_y_q_y_with_off_diagonals_twice() -> None:
    rng = np.random.default_rng(0)
    n = 7
    q = {
        (i, j): float(rng.integers(-50, 51))
        for i in range(n)
        for j in range(i, n)
        if rng.random() < 0.5
    }
    body = "".join(f"{i + 1} {j + 1} {int(v)}\n" for (i, j), v in q.items())
    inst = read_biqmac(io.StringIO(f"{n} {len(q)}\n{body}"))
    X = all_states(n)
    np.testing.assert_array_equal(inst.objective(X), _direct_f(q, X))
    np.testing.assert_array_equal(inst.model.energy(X), inst.objective(X))
    assert (inst.sense, inst.scale, inst.shift) == ("min", 1.0, 0.0)


def test_round_trip(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    models = [
        isingeq.paper_instance(10, rng=rng),
        SpinGlass(sp.csr_array(np.triu(rng.integers(-9, 10, (15, 15)).astype(float)))),
    ]
    for k, m in enumerate(models):
        for target in (tmp_path / f"q{k}.sparse", tmp_path / f"q{k}.sparse.gz"):
            write_biqmac(m, target)
            back = read_biqmac(target)
            assert back.name == f"q{k}"
            X = random_states(rng, m.n)
            np.testing.assert_array_equal(back.objective(X), m.energy(X))


def test_round_trip_of_a_real_file_is_exact(data_dir: Path, tmp_path: Path) -> None:
    src = read_biqmac(data_dir / "biqmac" / "gka" / "gka1a.sparse")
    write_biqmac(src, tmp_path / "gka1a.sparse")
    back = read_biqmac(tmp_path / "gka1a.sparse")
    assert back.model == src.model and back.meta == src.meta


BAD = [
    ("", None, "expected the header 'n m', got an empty file"),
    ("2\n", 1, "expected the header 'n m' (2 integers), got '2'"),
    (
        "2 2\n1 1 -3\n",
        2,
        "expected 2 entries 'i j q' (line 1 says 2), got 1: the file is truncated",
    ),
    ("2 1\n1 1 -3\n2 2 1\n", 3, "expected the end of the file after 1 entries"),
    ("2 1\n1 3 -3\n", 2, "expected 'j' in 1..2, got 3"),
    ("2 1\n1 1 -3x\n", 2, "expected a number for 'q', got '-3x'"),
    (
        "2 2\n1 2 1\n2 1 1\n",
        3,
        "duplicate entry 2 1: this pair was already given on line 2 (as 1 2)",
    ),
    ("2 2\n1 1 1\n1 1 2\n", 3, "duplicate entry 1 1: this pair was already given on line 2"),
]


@pytest.mark.parametrize(("text", "line", "fragment"), BAD)
def test_malformed_files_name_the_file_and_line(
    tmp_path: Path, text: str, line: int | None, fragment: str
) -> None:
    p = write(tmp_path / "bad.sparse", text)
    with pytest.raises(FormatError) as info:
        read_biqmac(p)
    assert info.value.line == line and info.value.source == str(p)
    assert fragment in str(info.value)
