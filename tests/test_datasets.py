from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import isingeq.datasets as ds

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
needs_data = pytest.mark.skipif(not SHARED.is_dir(), reason="shared/data is not beside the repo")


@needs_data
@pytest.mark.parametrize(
    ("name", "n", "best", "sense"),
    [
        ("G1", 800, 11624, "max"),
        ("G22", 2000, 13359, "max"),
        ("bqp250-3", 250, None, "max"),
        ("gka1a", 50, None, "min"),
        ("be100.1", 100, -19412, "min"),
        ("g05_100.0", 100, None, "max"),
    ],
)
def test_load_named_instances(name: str, n: int, best: float | None, sense: str) -> None:
    inst = ds.load(name, data_dir=SHARED, fetch=False)
    assert inst.name == name and inst.n == n and inst.sense == sense
    assert inst.best_known == ds.info(name).best_known
    if best is not None:
        assert inst.best_known == best


@needs_data
def test_best_known_is_reached_by_the_stored_solutions() -> None:
    import csv

    rows = list(csv.DictReader((SHARED / "beasley" / "solutions.csv").read_text().splitlines()))
    for row in rows:
        if row["name"] in ("bqp50-1", "bqp250-3", "bqp1000-1"):
            inst = ds.load(row["name"], data_dir=SHARED, fetch=False)
            x = np.array([int(c) for c in row["x"]], dtype=np.uint8)
            assert inst.objective(x) == pytest.approx(inst.best_known)
            assert inst.gap(inst.objective(x)) == pytest.approx(0.0)
    x = np.array([int(c) for c in (SHARED / "gset" / "solutions" / "G1.txt").read_text().strip()])
    g1 = ds.load("G1", data_dir=SHARED, fetch=False)
    assert g1.objective(x) == g1.best_known == 11624


@needs_data
def test_environment_variable_names_the_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ds.DATA_ENV, str(SHARED))
    assert ds.default_data_dir() == SHARED
    assert ds.load("G43", fetch=False).n == 1000


def test_missing_file_without_fetch_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"G1\.txt is missing \(instance 'G1'\)"):
        ds.load("G1", data_dir=tmp_path, fetch=False)


def test_unknown_names_and_suites() -> None:
    with pytest.raises(ValueError, match="unknown instance 'G999'"):
        ds.load("G999")
    with pytest.raises(ValueError, match="did you mean 'G22'"):
        ds.info("g22")
    with pytest.raises(ValueError, match="unknown suite 'nope'; known suites"):
        ds.suite("nope")
    with pytest.raises(TypeError, match=r"`name` must be a suite's name \(a str\); got \['gset'\]"):
        ds.suite(["gset"])  # type: ignore[arg-type]
    # a misspelled family gave [] ("no such instances"), not an error
    with pytest.raises(ValueError, match=r"unknown `family` 'gest' \(did you mean 'gset'\?\)"):
        ds.names("gest")
    with pytest.raises(ValueError, match="known families: beasley, biqmac-be, biqmac-gka"):
        ds.names("biqmac")


def test_suites_and_table() -> None:
    assert ds.suite("gset-800") == [f"G{k}" for k in range(1, 11)]
    assert ds.suite("beasley-1000")[0] == "bqp1000-1"
    assert len(ds.suite("gka")) == 45
    assert len(ds.names("gset")) == 71
    assert ds.info("bqp2500-1").n == 2500


# ---------------------------------------------------------------- the resolver


@pytest.mark.parametrize(
    ("spec", "family", "n", "seed", "name"),
    [
        ("paper-40", "paper", 40, 0, "paper-40"),
        ("paper-40@0", "paper", 40, 0, "paper-40"),
        ("paper-40@7", "paper", 40, 7, "paper-40@7"),
        ("sk-64", "sk", 64, 0, "sk-64"),
        (" sk-64@3 ", "sk", 64, 3, "sk-64@3"),
    ],
)
def test_random_families(spec: str, family: str, n: int, seed: int, name: str) -> None:
    import isingeq

    inst = ds.resolve(spec)
    make = isingeq.paper_instance if family == "paper" else isingeq.sk_instance
    assert np.array_equal(inst.model.eps, make(n, rng=seed).eps)
    assert (inst.name, inst.n, inst.sense, inst.best_known) == (name, n, "min", None)
    x = np.random.default_rng(1).integers(0, 2, n)
    assert inst.objective(x) == inst.model.energy(x)


@pytest.mark.parametrize(
    ("spec", "shape", "seed", "name"),
    [
        ("ea-6", (6, 6), 0, "ea-6x6"),
        ("ea-6x6@0", (6, 6), 0, "ea-6x6"),
        ("ea-3X4x5@2", (3, 4, 5), 2, "ea-3x4x5@2"),
        ("ea-40@9", (40, 40), 9, "ea-40x40@9"),
    ],
)
def test_edwards_anderson_lattices_by_spec(
    spec: str, shape: tuple[int, ...], seed: int, name: str
) -> None:
    import isingeq

    inst = ds.resolve(spec)
    want = isingeq.ea_instance(shape, rng=seed)
    assert inst.model == want and inst.model.is_sparse
    assert (inst.name, inst.sense, inst.best_known) == (name, "min", None)
    assert ds.parse_random_spec(spec) == ("ea", shape, seed)
    assert [i.name for i in ds.resolve_many(f"{spec},{name}")] == [name]  # one instance


def test_small_random_families_get_their_exact_ground_state() -> None:
    import isingeq

    from .conftest import all_states, brute_energies

    inst = ds.resolve("paper-10@4")
    ref = brute_energies(isingeq.paper_instance(10, rng=4).eps, all_states(10)).min()
    assert inst.best_known == pytest.approx(ref, abs=1e-12)
    assert inst.meta["best_known"] == "exact"
    assert ds.resolve(f"sk-{ds.RANDOM_EXACT_MAX_N + 1}").best_known is None
    lattice = ds.resolve("ea-4x4@3")  # 16 spins: exact too
    assert lattice.best_known == isingeq.solve(lattice.model, method="exact").best_energy
    assert lattice.meta["best_known"] == "exact"


@pytest.mark.parametrize(
    ("spec", "match"),
    [
        ("paper-", "`spec` 'paper-' must look like 'paper-N' or 'paper-N@SEED' with integers"),
        ("paper-x", "`spec` 'paper-x' must look like"),
        ("paper-40@-1", "`spec` 'paper-40@-1' must look like"),
        ("paper-40@x", "`spec` 'paper-40@x' must look like"),
        ("paper-0", "N >= 1"),
        ("sk-", "`spec` 'sk-' must look like 'sk-N' or 'sk-N@SEED'"),
        ("ea-1x4", "`spec` 'ea-1x4' must look like 'ea-L', 'ea-LxL' or 'ea-LxLxL'"),
        ("ea-4x", "integers L >= 2 and SEED >= 0; e.g. 'ea-32x32@7'"),
        ("ea-4@x", "`spec` 'ea-4@x' must look like"),
        ("paper:40", "`spec` 'paper:40' uses the old spelling; write 'paper-40'"),
        ("G222", "`spec` 'G222' is not a known instance (did you mean 'G22'?)"),
        ("bqp250-33", "(did you mean 'bqp250-3'?)"),
        ("gka1z", "not a known instance"),
        ("", "`spec` must name an instance"),
        ("no/such/file.txt", "`spec` 'no/such/file.txt' looks like a file path but does not exist"),
        ("missing.mtx", "`spec` 'missing.mtx' looks like a file path but does not exist"),
    ],
)
def test_bad_specs_name_the_parameter_and_the_forms(spec: str, match: str) -> None:
    with pytest.raises(ValueError, match="`spec`") as err:
        ds.resolve(spec)
    msg = str(err.value)
    assert match in msg
    assert "\n" not in msg and "--" not in msg  # one line; no CLI flags in library errors


def test_bad_spec_types_and_folders(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="`spec` must be a string or a path; got int"):
        ds.resolve(40)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="is a path that is a folder, not a file"):
        ds.resolve(tmp_path)


def test_a_file_of_one_instance_and_of_several(tmp_path: Path) -> None:
    one = tmp_path / "tri.txt"
    one.write_text("3 3\n1 2 1\n2 3 1\n1 3 1\n")
    inst = ds.resolve(str(one))
    assert (inst.name, inst.n, inst.sense) == ("tri", 3, "max")
    assert inst.objective([1, 0, 0]) == 2.0
    assert ds.resolve(one).n == 3  # a Path too
    several = tmp_path / "two.txt"
    several.write_text("2\n2 1\n1 2 3\n2 1\n1 1 -1\n")
    with pytest.raises(
        ValueError, match=r"holds 2 instances \(two-1, two-2\); resolve_many\(spec\) gives them all"
    ):
        ds.resolve(several)
    assert [i.name for i in ds.resolve_many([several])] == ["two-1", "two-2"]


def test_resolve_many_lists_suites_and_no_duplicates(tmp_path: Path) -> None:
    got = ds.resolve_many(["paper-5,sk-6@2", "paper-5@0", " paper-5 "])
    assert [i.name for i in got] == ["paper-5", "sk-6@2"]
    with pytest.raises(ValueError, match="`specs` must name at least one instance"):
        ds.resolve_many([" , "])
    with pytest.raises(ValueError, match="'G222' is not a known instance"):
        ds.resolve_many(["paper-5", "G222"])
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    for d in (a, b):
        (d / "e.txt").write_text("2 1\n1 2 1\n")
    with pytest.raises(ValueError, match="two instances are named 'e'"):
        ds.resolve_many([a / "e.txt", b / "e.txt"])


@needs_data
def test_named_instances_resolve_like_load() -> None:
    for name in ("G22", "bqp250-3", "gka1a", "be100.1"):
        inst = ds.resolve(name, SHARED)
        ref = ds.load(name, SHARED, fetch=False)
        assert (inst.name, inst.n, inst.sense, inst.best_known) == (
            ref.name,
            ref.n,
            ref.sense,
            ref.best_known,
        )
        assert (
            (inst.model.eps != ref.model.eps).nnz == 0
            if hasattr(inst.model.eps, "nnz")
            else (np.array_equal(inst.model.eps, ref.model.eps))
        )
    suite = ds.resolve_many(["gset-800", "G1"], SHARED)
    assert [i.name for i in suite] == [f"G{k}" for k in range(1, 11)]


@needs_data
def test_the_data_folder_is_named_by_its_parameter(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="point `data_dir` or \\$ISINGEQ_DATA"):
        ds.resolve("G1", tmp_path, fetch=False)


def test_an_existing_file_named_like_a_random_family_is_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import isingeq
    from isingeq.io import read_mtx, write_mtx

    write_mtx(isingeq.paper_instance(6, rng=1), tmp_path / "paper-50.mtx")
    monkeypatch.chdir(tmp_path)
    inst = ds.resolve("paper-50.mtx")
    assert inst.n == 6 and inst.model == read_mtx(tmp_path / "paper-50.mtx").model
    assert ds.resolve("paper-50").n == 50  # the family itself is unchanged


def test_one_instance_of_a_file_of_several_by_name_or_position(tmp_path: Path) -> None:
    several = tmp_path / "two.txt"
    several.write_text("2\n2 1\n1 2 3\n2 1\n1 1 -1\n")
    both = ds.resolve_many([several])
    for spec, k in ((f"{several}#2", 1), (f"{several}#two-1", 0), (f"{several}# 1 ", 0)):
        got = ds.resolve(spec)
        assert got.name == both[k].name and got.model == both[k].model
    assert [i.name for i in ds.resolve_many([f"{several}#2", f"{several}#two-1"])] == [
        "two-2",
        "two-1",
    ]
    with pytest.raises(ValueError, match=r"holds 2 instance\(s\) \(two-1, two-2\); after '#' give"):
        ds.resolve(f"{several}#3")
    with pytest.raises(ValueError, match=r"after '#' give an instance's name or its position"):
        ds.resolve(f"{several}#")
    with pytest.raises(
        ValueError, match=r"two\.txt#K' \(K from 1\) or '.*two\.txt#NAME' picks one"
    ):
        ds.resolve(str(several))


def test_a_pick_as_a_path_and_one_instance_named_two_ways(tmp_path: Path) -> None:
    several = tmp_path / "two.txt"
    several.write_text("2\n2 1\n1 2 3\n2 1\n1 1 -1\n")
    # a Path (the CLI's --file) takes the '#' form the error message suggests
    assert ds.resolve(Path(f"{several}#2")).name == "two-2"
    # the same instance named two ways is one instance, not a clash of names
    got = ds.resolve_many([several, f"{several}#2", f"{several}#two-1"])
    assert [i.name for i in got] == ["two-1", "two-2"]
    other = tmp_path / "sub"
    other.mkdir()
    (other / "two.txt").write_text("2\n2 1\n1 2 5\n2 1\n1 1 -1\n")
    with pytest.raises(ValueError, match="two instances are named 'two-1'"):
        ds.resolve_many([several, other / "two.txt"])  # two files, one name: still refused


@needs_data
def test_a_table_file_opened_by_its_path_is_that_instance(tmp_path: Path) -> None:
    # by path, G1 lost its best-known value, and a Biq Mac ising file (no extension) could not
    # be read at all, or (with --format biqmac) was read as another problem
    g1 = ds.resolve(SHARED / "gset" / "G1.txt")
    assert (g1.name, g1.best_known, g1.sense) == ("G1", 11624.0, "max")
    copy = tmp_path / "mine.txt"  # any name, any folder: recognised by its content
    copy.write_bytes((SHARED / "gset" / "G1.txt").read_bytes())
    assert ds.resolve(copy).best_known == 11624.0
    three = ds.resolve(f"{SHARED / 'beasley' / 'bqp50.txt'}#3")
    assert (three.name, three.best_known) == ("bqp50-3", ds.info("bqp50-3").best_known)
    ising = ds.resolve(SHARED / "biqmac" / "ising" / "ising2.5-100_5555")
    named = ds.load("ising2.5-100_5555", data_dir=SHARED)
    assert ising.best_known == 2460049.0 and ising.model == named.model
    assert ising.sense == named.sense
    copy.write_bytes(copy.read_bytes() + b"\n")  # one byte more: a file of its own
    assert ds.resolve(copy).best_known is None


@needs_data
def test_a_format_applies_to_a_pick_of_a_file_too(tmp_path: Path) -> None:
    # "bqp50.dat#3 --format beasley" said the format "applies to a file", and the error for a
    # several-instance file points at PATH#K
    dat = tmp_path / "bqp50.dat"
    dat.write_bytes((SHARED / "beasley" / "bqp50.txt").read_bytes() + b"\n")  # not the pinned file
    inst = ds.resolve(f"{dat}#3", format="beasley")
    assert inst.name.endswith("-3") and inst.model == ds.load("bqp50-3", data_dir=SHARED).model


def test_one_file_named_by_two_spellings_of_its_path_is_one_instance(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "two instances are named 'e' ... rename the file" for one file, absolute and relative
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "e.txt").write_text("2 1\n1 2 1\n")
    monkeypatch.chdir(tmp_path)
    got = ds.resolve_many(
        [tmp_path / "sub" / "e.txt", "sub/e.txt", "sub/../sub/e.txt", f"{tmp_path}/sub/e.txt#1"]
    )
    assert [i.name for i in got] == ["e"]


@needs_data
def test_a_named_instance_and_its_file_in_the_data_folder_are_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(SHARED)
    got = ds.resolve_many(["G1", "gset/G1.txt", SHARED / "gset" / ".." / "gset" / "G1.txt"], SHARED)
    assert [(i.name, i.best_known) for i in got] == [("G1", 11624.0)]


def test_format_with_a_name_or_a_random_family_says_what_the_spec_is() -> None:
    # it echoed the parsed spec, "('paper', 20, 0) is not one"
    with pytest.raises(ValueError, match=r"'paper-20' is a random family, not a file"):
        ds.resolve("paper-20", format="rudy")
    with pytest.raises(ValueError, match=r"'ea-4x4@2' is a random family, not a file"):
        ds.resolve("ea-4@2", format="rudy")
