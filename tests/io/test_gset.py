"""Gset / rudy max-cut graphs: the 71 Gset files, cut certificates, round trips, bad files."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

from isingeq import SpinGlass
from isingeq.instance import Instance
from isingeq.io import FormatError, read_gset, read_rudy, write_gset

from .conftest import all_states, bits, cut_value, random_graph, random_states, read_csv, write

# The README's list: the cut value each certificate in gset/solutions reaches.
CERTIFICATES = {
    "G1": 11624,
    "G2": 11620,
    "G3": 11622,
    "G4": 11646,
    "G72": 7008,
    "G77": 9940,
    "G81": 14060,
}


@pytest.fixture(scope="module")
def gset(data_dir: Path) -> dict[str, Instance]:
    return {p.stem: read_gset(p) for p in sorted((data_dir / "gset").glob("G*.txt"))}


@pytest.fixture(scope="module")
def gset_table(data_dir: Path) -> dict[str, dict[str, str]]:
    return {r["name"]: r for r in read_csv(data_dir / "gset" / "best_known.csv")}


def test_all_71_gset_graphs_load_with_the_header_and_table_sizes(
    data_dir: Path, gset: dict[str, Instance], gset_table: dict[str, dict[str, str]]
) -> None:
    assert len(gset) == 71
    assert set(gset) == set(gset_table)
    for name, inst in gset.items():
        with (data_dir / "gset" / f"{name}.txt").open() as fh:
            n, m = (int(v) for v in fh.readline().split())
        row = gset_table[name]
        assert (inst.n, len(inst.meta["edges"])) == (n, m) == (int(row["n"]), int(row["edges"]))
        assert inst.name == name and inst.sense == "max" and inst.best_known is None
        assert (inst.scale, inst.shift) == (-1.0, 0.0)
        w = inst.meta["weights"]
        assert set(np.unique(w)) <= {-1.0, 1.0}
        # the model's H is minus the cut: the all-zero state cuts nothing, and flipping every
        # vertex but one cuts exactly that vertex's edges
        assert inst.objective(np.zeros(n, dtype=np.uint8)) == 0.0
        x = np.ones(n, dtype=np.uint8)
        x[0] = 0
        e = inst.meta["edges"]
        assert inst.objective(x) == w[(e == 0).any(axis=1)].sum()


@pytest.mark.parametrize("name", sorted(CERTIFICATES, key=lambda s: int(s[1:])))
def test_certificates_reach_their_cut_values(
    name: str,
    data_dir: Path,
    gset: dict[str, Instance],
    gset_table: dict[str, dict[str, str]],
) -> None:
    inst = gset[name]
    x = bits((data_dir / "gset" / "solutions" / f"{name}.txt").read_text())
    assert x.shape == (inst.n,)
    value = inst.objective(x)
    assert value == CERTIFICATES[name] == int(gset_table[name]["best_known_cut"])
    # the same number straight from the edge list
    assert cut_value(inst.n, inst.meta["edges"], inst.meta["weights"], x)[0] == value


def test_objective_is_the_cut_on_random_graphs() -> None:
    rng = np.random.default_rng(1)
    for trial in range(6):
        n = 7
        e, w = random_graph(rng, n, integer=trial % 2 == 0)
        text = f"{n} {len(e)}\n" + "".join(
            f"{a + 1} {b + 1} {x!r}\n" for (a, b), x in zip(e.tolist(), w.tolist(), strict=True)
        )
        inst = read_gset(io.StringIO(text))
        X = all_states(n)
        np.testing.assert_allclose(inst.objective(X), cut_value(n, e, w, X), atol=1e-12)
        np.testing.assert_array_equal(inst.meta["edges"], e)  # orientation kept
        np.testing.assert_array_equal(inst.meta["weights"], w)


def test_meta_arrays_are_read_only() -> None:
    inst = read_gset(io.StringIO("2 1\n1 2 1\n"))
    with pytest.raises(ValueError, match="read-only"):
        inst.meta["edges"][0, 0] = 1


def test_read_rudy_is_read_gset() -> None:
    assert read_rudy is read_gset


def test_round_trip_from_keywords(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    for trial in range(5):
        n = int(rng.integers(2, 30))
        e, w = random_graph(rng, n, p=0.3, integer=trial < 2)
        p = tmp_path / f"r{trial}.txt"
        write_gset(path=p, n=n, edges=e, weights=w)
        inst = read_gset(p)
        np.testing.assert_array_equal(inst.meta["edges"], e)
        np.testing.assert_array_equal(inst.meta["weights"], w)
        X = random_states(rng, n)
        np.testing.assert_array_equal(
            inst.objective(X), SpinGlass.from_maxcut(n, e, w).energy(X) * -1
        )


def test_round_trip_of_an_instance_is_line_for_line(tmp_path: Path) -> None:
    text = "5 4\n1 2 1\n5 1 -1\n3 4 2.5\n4 2 -0.125\n"
    inst = read_gset(io.StringIO(text))
    for target in (tmp_path / "a.txt", tmp_path / "a.txt.gz"):
        write_gset(inst, target)
        back = read_gset(target)
        assert back.model == inst.model
        buf = io.StringIO()
        write_gset(back, buf)
        assert buf.getvalue() == text


def test_round_trip_of_a_real_graph(data_dir: Path, tmp_path: Path) -> None:
    src = data_dir / "biqmac" / "ising" / "t2g10_5555"  # wrap edges listed with i > j
    inst = read_gset(src)
    out = tmp_path / "t2g10_5555.gz"
    write_gset(inst, out)
    back = read_gset(out)
    assert back.model == inst.model and back.name == "t2g10_5555"
    rng = np.random.default_rng(3)
    X = random_states(rng, inst.n)
    np.testing.assert_array_equal(back.objective(X), inst.objective(X))
    lines_in = [line.split() for line in src.read_text().splitlines()]
    lines_out = [line.split() for line in io.StringIO(_text_of(back)).read().splitlines()]
    assert lines_in == lines_out


def _text_of(inst: Instance) -> str:
    buf = io.StringIO()
    write_gset(inst, buf)
    return buf.getvalue()


def test_write_needs_a_graph() -> None:
    buf = io.StringIO()
    with pytest.raises(ValueError, match="no graph in its meta"):
        write_gset(Instance("m", SpinGlass([[1.0]]), "min"), buf)
    with pytest.raises(TypeError, match="Instance read by read_gset"):
        write_gset(SpinGlass([[1.0]]), buf)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="both `n` and `edges`"):
        write_gset(path=buf, n=3)
    with pytest.raises(ValueError, match="not both"):
        write_gset(read_gset(io.StringIO("2 1\n1 2 1\n")), buf, n=2)
    with pytest.raises(TypeError, match="needs `path`"):
        write_gset(n=2, edges=[(0, 1)])


@pytest.mark.parametrize(
    ("edges", "weights", "fragment"),
    [
        ([(0, 1), (1, 0)], None, r"rows 0 and 1 are the same edge \(0, 1\)"),
        ([(0, 0)], None, r"row 0 = \(0, 0\) is a self-loop"),
        ([(0, 3)], None, r"row 0 = \(0, 3\) has a vertex outside 0..2"),
        ([(0.0, 1.0)], None, "integer array of shape"),
        ([(0, 1)], [np.nan], "must be finite"),
        ([(0, 1)], [1.0, 2.0], r"shape \(1,\)"),
    ],
)
def test_write_refuses_what_the_reader_would_refuse(
    edges: list[tuple[float, float]], weights: list[float] | None, fragment: str
) -> None:
    with pytest.raises(ValueError, match=fragment):
        write_gset(path=io.StringIO(), n=3, edges=edges, weights=weights)


BAD = [
    ("", None, "expected the header 'n m', got an empty file"),
    ("\n  \n", None, "got an empty file"),
    ("3\n", 1, "expected the header 'n m' (2 integers), got '3'"),
    ("3 2 1\n", 1, "expected the header 'n m' (2 integers), got '3 2 1'"),
    ("3 x\n", 1, "expected an integer for 'm', got 'x'"),
    ("3.0 1\n1 2 1\n", 1, "expected an integer for 'n', got '3.0'"),
    ("0 0\n", 1, "expected n >= 1 in the header 'n m', got 0"),
    ("3 -1\n", 1, "expected m >= 0 in the header 'n m', got -1"),
    ("3 2\n1 2 1\n", 2, "expected 2 entries 'i j w' (line 1 says 2), got 1: the file is truncated"),
    ("3 2\n", 1, "expected 2 entries 'i j w' (line 1 says 2), got 0"),
    ("3 2\n1 2 1\n2 3", 3, "expected 3 fields 'i j w', got '2 3'"),
    (
        "3 1\n1 2 1\n2 3 1\n",
        3,
        "expected the end of the file after 1 entries (line 1 says 1), got '2 3 1'",
    ),
    ("3 1\n1 2\n", 2, "expected 3 fields 'i j w', got '1 2'"),
    ("3 1\n1 2 1 7\n", 2, "expected 3 fields 'i j w', got '1 2 1 7'"),
    ("3 1\n1 b 1\n", 2, "expected an integer for 'j', got 'b' in '1 b 1'"),
    ("3 1\n1.0 2 1\n", 2, "expected an integer for 'i', got '1.0'"),
    ("3 1\n1 2 one\n", 2, "expected a number for 'w', got 'one'"),
    ("3 1\n1 2 nan\n", 2, "expected a finite number for 'w', got nan"),
    ("3 1\n1 2 1e999\n", 2, "expected a finite number for 'w', got inf"),
    ("3 1\n1 4 1\n", 2, "expected 'j' in 1..3, got 4"),
    (
        "3 1\n1 99999999999999999999 1\n",
        2,
        "expected 'j' to fit in 64 bits, got 99999999999999999999",
    ),
    ("99999999999999999999 1\n", 1, "expected 'n' to fit in 64 bits"),
    ("3 1\n0 2 1\n", 2, "expected 'i' in 1..3, got 0"),
    (
        "3 2\n1 2 1\n2 2 1\n",
        3,
        "expected an edge between two different vertices, got the self-loop 2 2",
    ),
    (
        "3 3\n1 2 1\n2 3 1\n2 1 5\n",
        4,
        "duplicate edge 2 1: this pair was already given on line 2 (as 1 2)",
    ),
    ("3 2\n1 3 1\n\n1 3 1\n", 4, "duplicate edge 1 3: this pair was already given on line 2"),
]


@pytest.mark.parametrize(("text", "line", "fragment"), BAD)
def test_malformed_files_name_the_file_and_line(
    tmp_path: Path, text: str, line: int | None, fragment: str
) -> None:
    p = write(tmp_path / "bad.txt", text)
    with pytest.raises(FormatError) as info:
        read_gset(p)
    err = info.value
    assert err.line == line
    assert err.source == str(p)
    where = f"{p}, line {line}: " if line is not None else f"{p}: "
    assert str(err).startswith(where)
    assert fragment in str(err)
