"""isingeq.io.read: the reader chosen by format name, extension or content."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

import isingeq
import isingeq.io as iio
from isingeq import SpinGlass

from .conftest import random_states


def _files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """One small file per format: path -> the format read() should pick."""
    m = isingeq.paper_instance(6, rng=0)
    out: dict[str, tuple[Path, str]] = {}
    iio.write_gset(path=tmp_path / "g.txt", n=3, edges=[(0, 1), (1, 2)])
    out["g.txt"] = (tmp_path / "g.txt", "gset")
    iio.write_gset(path=tmp_path / "g.rudy.gz", n=3, edges=[(0, 1)])
    out["g.rudy.gz"] = (tmp_path / "g.rudy.gz", "gset")
    iio.write_beasley([m, m], tmp_path / "bqp6.txt")
    out["bqp6.txt"] = (tmp_path / "bqp6.txt", "beasley")
    iio.write_biqmac(m, tmp_path / "q.sparse")
    out["q.sparse"] = (tmp_path / "q.sparse", "biqmac")
    iio.write_coo(m, tmp_path / "q.coo.gz")
    out["q.coo.gz"] = (tmp_path / "q.coo.gz", "coo")
    iio.write_mtx(m, tmp_path / "q.MTX")
    out["q.MTX"] = (tmp_path / "q.MTX", "mtx")
    iio.save_npz(m, tmp_path / "q.npz")
    out["q.npz"] = (tmp_path / "q.npz", "npz")
    (tmp_path / "lat").mkdir()
    iio.write_latfile(m, tmp_path / "lat" / "latfile")
    out["latfile"] = (tmp_path / "lat" / "latfile", "latfile")
    iio.write_latfile(m, tmp_path / "spins.txt")
    out["spins.txt"] = (tmp_path / "spins.txt", "latfile")
    return out


def test_read_picks_the_reader_from_the_name(tmp_path: Path) -> None:
    for key, (path, fmt) in _files(tmp_path).items():
        got = iio.read(path)
        want = iio.FORMATS[fmt](path)
        want = want if isinstance(want, list) else [want]
        assert isinstance(got, list) and len(got) == len(want), key
        assert [g.name for g in got] == [w.name for w in want], key
        for g, w in zip(got, want, strict=True):
            assert g.model == w.model and g.sense == w.sense, key
            assert g.meta.get("format") == w.meta.get("format"), key
        assert iio.read(str(path), format=fmt.upper())[0].model == want[0].model


def test_beasley_files_give_every_instance(tmp_path: Path) -> None:
    files = _files(tmp_path)
    names = [inst.name for inst in iio.read(files["bqp6.txt"][0])]
    assert names == ["bqp6-1", "bqp6-2"]


def test_format_name_and_options_pass_through() -> None:
    [inst] = iio.read(io.StringIO("# vartype=SPIN\n0 1 -1\n"), format="coo", name="c")
    assert inst.name == "c" and inst.meta["vartype"] == "SPIN"
    rng = np.random.default_rng(0)
    X = random_states(rng, 2)
    S = 2.0 * X - 1.0
    np.testing.assert_array_equal(inst.objective(X), -S[:, 0] * S[:, 1])


def test_unknown_extension_lists_the_formats(tmp_path: Path) -> None:
    with pytest.raises(
        ValueError, match=r"cannot tell the format from the extension '\.0'"
    ) as info:
        iio.read(tmp_path / "g05_100.0")
    for fmt in iio.FORMATS:
        assert f"'{fmt}'" in str(info.value)
    with pytest.raises(ValueError, match="no extension in"):
        iio.read(tmp_path / "t2g10_5555")
    with pytest.raises(ValueError, match="an open file without a name"):
        iio.read(io.StringIO("2 1\n1 2 1\n"))


def test_unknown_format_name() -> None:
    with pytest.raises(
        ValueError, match=r"`format` must be one of \['beasley', .*\] or None; got 'qubo'"
    ):
        iio.read("x.txt", format="qubo")


def test_unrecognised_txt_content(tmp_path: Path) -> None:
    p = tmp_path / "odd.txt"
    p.write_text("1 2 3\n")
    # the content tells no format, and is named (it said "from the extension '.txt'")
    with pytest.raises(ValueError, match=r"of '.*odd\.txt' from its content: .*'1 2 3', match"):
        iio.read(p)


def test_public_api() -> None:
    for name in iio.__all__:
        assert hasattr(iio, name), name
    assert issubclass(iio.FormatError, ValueError)
    assert iio.FormatError.__module__ == "isingeq.io"
    assert isinstance(iio.read(io.StringIO("1 0\n"), format="rudy")[0].model, SpinGlass)


def test_an_open_txt_file_is_told_by_content_and_read_from_its_start(tmp_path: Path) -> None:
    from isingeq.io import read

    path = tmp_path / "edge.txt"
    path.write_text("2 1\n1 2 1\n")
    with open(path) as fh:
        (inst,) = read(fh)  # gset by its first line; the sniff puts the file back
    assert inst.n == 2 and inst.objective([0, 1]) == 1.0


def test_npz_takes_name_as_every_reader_does(tmp_path: Path) -> None:
    from isingeq.io import read, write_npz

    write_npz(isingeq.paper_instance(4, rng=0), tmp_path / "m.npz")
    (inst,) = read(tmp_path / "m.npz", name="renamed")
    assert inst.name == "renamed"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("%%matrixmarket matrix coordinate real general\n2 2 1\n1 2 1\n", r"got '%%matrixmarket"),
        ("\n%%MatrixMarket matrix coordinate real general\n2 2 1\n", r"blank line .* line 2\)"),
    ],
)
def test_mtx_banners_mmread_would_refuse_are_named(text: str, message: str) -> None:
    from isingeq.io import FormatError, read_mtx

    with pytest.raises(FormatError, match=rf"line 1: expected the banner .*{message}"):
        read_mtx(io.StringIO(text))


@pytest.mark.parametrize(
    ("text", "told"),
    [
        ("# c\n# d\n1 2 -1\n", "tnac4o"),
        ("1 2 -1\n2 3 1\n", None),  # three numbers a line, no header: nothing tells
        ("# a comment\n3 2\n1 2 1\n2 3 1\n", "gset"),  # not tnac4o for opening with '#'
        ("# a comment\n1\n2 1\n1 2 3\n", "beasley"),
        ("# a comment\n3\n0 1 -1\n", "latfile"),
    ],
)
def test_a_txt_file_is_told_by_its_first_lines_that_are_not_comments(text: str, told: str) -> None:
    from isingeq.io import _sniff_txt

    assert _sniff_txt(io.StringIO(text)) == told


def test_a_commented_gset_file_gets_the_gset_readers_error_naming_the_line(
    tmp_path: Path,
) -> None:
    path = tmp_path / "g.txt"
    path.write_text("# gset graph\n3 2\n1 2 1\n2 3 1\n")
    with pytest.raises(ValueError, match=r"g\.txt, line 1: expected the header 'n m'"):
        iio.read(path)
