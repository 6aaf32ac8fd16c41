"""tnac4o's Chimera spin glasses: the energy convention, the 200 shared files, round trips,
bad files."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

import isingeq
from isingeq.io import FormatError, read, read_tnac4o, write_tnac4o

from .conftest import all_states

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
CHIMERA = SHARED / "spinglass" / "chimera_J124_C8"
needs_data = pytest.mark.skipif(not CHIMERA.is_dir(), reason="shared/data is not beside the repo")


def test_the_objective_is_the_spin_energy_of_the_file() -> None:
    # E(s) = sum_{i<j} J_ij s_i s_j + sum_i h_i s_i, 1-based, checked state by state
    text = "#\n1 2 -1\n2 3 2\n1 3 4\n3 3 0.5\n# a trailing comment\n"
    inst = read_tnac4o(io.StringIO(text), name="tri")
    assert (inst.n, inst.sense, inst.meta["couplings"], inst.meta["fields"]) == (3, "min", 3, 1)
    X = all_states(3)
    S = 2.0 * X - 1.0
    E = -S[:, 0] * S[:, 1] + 2 * S[:, 1] * S[:, 2] + 4 * S[:, 0] * S[:, 2] + 0.5 * S[:, 2]
    np.testing.assert_allclose(inst.objective(X), E, rtol=0, atol=1e-12)


@pytest.mark.parametrize("sparse", [True, False])
def test_write_then_read_gives_the_same_energies(sparse: bool) -> None:
    rng = np.random.default_rng(3)
    J = np.triu(rng.choice([-4.0, -2.0, -1.0, 0.0, 1.0, 2.0, 4.0], size=(9, 9)), 1)
    h = rng.choice([0.0, 0.5, -1.0], size=9)
    model = isingeq.SpinGlass.from_spin(h, sp.csr_array(J) if sparse else J)
    assert model.is_sparse == sparse
    buf = io.StringIO()
    write_tnac4o(model, buf)
    back = read_tnac4o(io.StringIO(buf.getvalue()), n=9)
    X = all_states(9)
    off = model.to_spin()[2]
    np.testing.assert_allclose(back.model.energy(X), model.energy(X) - off, rtol=0, atol=1e-9)


def test_write_keeps_the_number_of_spins_when_the_last_ones_are_free() -> None:
    # spins with no field and no coupling at the end (or everywhere): the file must still say n
    for J in (np.zeros((4, 4)), np.diag([0.0, 1.0, 0.0], 1)[:4, :4]):
        model = isingeq.SpinGlass.from_spin(np.zeros(4), J)
        buf = io.StringIO()
        write_tnac4o(model, buf)
        back = read_tnac4o(io.StringIO(buf.getvalue()))
        assert back.n == 4
        X = all_states(4)
        np.testing.assert_allclose(
            back.model.energy(X), model.energy(X) - model.to_spin()[2], rtol=0, atol=1e-12
        )


def test_a_file_without_entries_reads_when_n_is_given() -> None:
    inst = read_tnac4o(io.StringIO("# no couplings\n"), n=3)
    assert inst.n == 3 and inst.meta["couplings"] == inst.meta["fields"] == 0
    np.testing.assert_array_equal(inst.objective(all_states(3)), np.zeros(8))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("#\n0 1 1\n", r"line 2: .*'i'"),
        ("#\n1 2 1\n2 1 3\n", r"line 3: duplicate"),
        ("#\n1 2 x\n", r"line 2"),
        ("# only comments\n", r"expected lines 'i j J'"),
    ],
)
def test_bad_files_name_the_line(text: str, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        read_tnac4o(io.StringIO(text))


@needs_data
def test_the_shared_files_read_as_tnac4o_and_match_their_table() -> None:
    rows = list(csv.DictReader((CHIMERA / "ground_states.csv").read_text().splitlines()))
    assert len(rows) == 200
    for row in rows[::40]:
        (inst,) = read(CHIMERA / row["file"])  # '.txt' opening with '#': told by content
        assert inst.meta["format"] == "tnac4o" and inst.n == int(row["n"]) == 512
        assert inst.meta["couplings"] == int(row["couplings"])
        named = isingeq.datasets.load(
            f"chimera-{int(row['instance']):03d}", data_dir=SHARED, fetch=False
        )
        assert named.best_known == float(row["gs_energy"]) and named.sense == "min"
        # no state beats the best energy found: a 1-flip descent from random starts does not
        r = isingeq.solve(named.model, method="greedy", rng=0, num_reads=8)
        assert named.objective(r.best_sample) >= named.best_known
