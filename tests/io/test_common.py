"""Shared machinery: FormatError, opening paths / files / gzip, strict tokens, exact numbers."""

from __future__ import annotations

import gzip
import io
import pickle
from pathlib import Path

import numpy as np
import pytest

from isingeq.io import FormatError, read_gset, write_gset
from isingeq.io._common import default_name, fmt_number, read_lines

from .conftest import write

GRAPH = "3 2\n1 2 1\n2 3 -2\n"


def test_format_error_names_file_and_line_and_pickles() -> None:
    err = FormatError("G1.txt", 5, "expected 3 fields 'i j w', got 'x y'")
    assert str(err) == "G1.txt, line 5: expected 3 fields 'i j w', got 'x y'"
    assert isinstance(err, ValueError)
    assert (err.source, err.line, err.detail) == (
        "G1.txt",
        5,
        "expected 3 fields 'i j w', got 'x y'",
    )
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is FormatError and str(back) == str(err)
    assert str(FormatError("f", None, "empty")) == "f: empty"


def test_path_kinds_give_the_same_instance(tmp_path: Path) -> None:
    p = write(tmp_path / "g.txt", GRAPH)
    gz = tmp_path / "g.txt.gz"
    gz.write_bytes(gzip.compress(GRAPH.encode()))
    x = np.array([[1, 0, 1], [0, 1, 0], [1, 1, 0]])
    ref = read_gset(p).objective(x)
    with p.open() as text, p.open("rb") as binary:
        for src in (str(p), p, gz, str(gz), text, binary, io.StringIO(GRAPH)):
            inst = read_gset(src, name="g")
            np.testing.assert_array_equal(inst.objective(x), ref)
    assert read_gset(p).source == str(p)
    assert read_gset(gz).name == "g"  # .gz and .txt are stripped


def test_file_objects_are_left_open(tmp_path: Path) -> None:
    p = write(tmp_path / "g.txt", GRAPH)
    with p.open("rb") as fh:
        read_gset(fh)
        assert not fh.closed
    buf = io.BytesIO()
    write_gset(path=buf, n=2, edges=[(0, 1)])
    assert not buf.closed and buf.getvalue() == b"2 1\n1 2 1\n"


def test_crlf_and_byte_order_mark_are_read(tmp_path: Path) -> None:
    p = tmp_path / "g.txt"
    p.write_bytes(b"\xef\xbb\xbf" + GRAPH.replace("\n", "\r\n").encode())
    assert read_gset(p).objective([0, 1, 0]) == -1.0


def test_old_mac_line_ends_read_the_same_from_a_path_and_from_a_text_stream(
    tmp_path: Path,
) -> None:
    # a path and a binary file are read with universal newlines; a text stream must match them
    text = GRAPH.replace("\n", "\r")
    p = write(tmp_path / "g.txt", text)
    x = np.array([[1, 0, 1], [0, 1, 0]])
    ref = read_gset(p).objective(x)
    with p.open(newline="") as raw:
        for src in (io.StringIO(text), raw, io.BytesIO(text.encode())):
            np.testing.assert_array_equal(read_gset(src).objective(x), ref)
    lines, _ = read_lines(io.StringIO("1\r2\r\n3"))
    assert lines == ["1", "2", "3"]


def test_gzip_write_is_gzip(tmp_path: Path) -> None:
    p = tmp_path / "g.txt.gz"
    write_gset(path=p, n=3, edges=[(0, 1), (1, 2)], weights=[1, -2])
    assert gzip.decompress(p.read_bytes()).decode() == GRAPH


def test_not_gzip_truncated_gzip_and_binary_files_are_format_errors(tmp_path: Path) -> None:
    plain = write(tmp_path / "g.txt.gz", GRAPH)
    with pytest.raises(FormatError, match=r"g\.txt\.gz: expected gzip data"):
        read_gset(plain)
    cut = tmp_path / "cut.txt.gz"
    cut.write_bytes(gzip.compress((GRAPH * 50).encode())[:-12])
    with pytest.raises(FormatError, match=r"cut\.txt\.gz: the gzip data is truncated"):
        read_gset(cut)
    blob = tmp_path / "blob.txt"
    blob.write_bytes(b"3 2\n\xff\xfe\x00\x01\n")
    with pytest.raises(FormatError, match=r"blob\.txt: expected UTF-8 text"):
        read_gset(blob)


def test_missing_file_is_not_a_format_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_gset(tmp_path / "nope.txt")


def test_bad_path_type_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="`path` must be a path"):
        read_gset(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="got bytes"):
        read_gset(b"G1.txt")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("1 2 1_0\n", "expected plain ASCII decimal numbers, got '_'"),
        ("1 2 \u0661\n", "expected plain ASCII decimal numbers, got '\u0661'"),
        ("1 2 0x1\n", "expected a number for 'w', got '0x1'"),
    ],
)
def test_numbers_are_plain_decimals(body: str, fragment: str) -> None:
    with pytest.raises(FormatError, match="line 2: " + fragment):
        read_gset(io.StringIO("2 1\n" + body))


def test_read_lines_numbers_lines_from_one() -> None:
    lines, source = read_lines(io.StringIO("a\n\nb"))
    assert lines == ["a", "", "b"] and source == "<stream>"


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ("/x/G1.txt", "G1"),
        ("G1.txt.gz", "G1"),
        ("be100.1.sparse", "be100.1"),
        ("rudy/g05_100.0", "g05_100.0"),
        ("ising/ising2.5-100_5555", "ising2.5-100_5555"),
        ("q.mtx.gz", "q"),
        ("<stream>", "fallback"),
    ],
)
def test_default_name(source: str, name: str) -> None:
    assert default_name(source, "fallback") == name


def test_fmt_number_reads_back_exactly() -> None:
    rng = np.random.default_rng(0)
    values = np.concatenate(
        [rng.normal(size=200) * 10.0 ** rng.integers(-300, 300, 200), [0.0, -0.0, 2.0**53, 5.0]]
    )
    for v in values:
        assert float(fmt_number(v)) == v
    assert fmt_number(-7.0) == "-7" and fmt_number(0.5) == "0.5"


def test_an_upper_case_gz_extension_is_gzip(tmp_path: Path) -> None:
    import gzip

    from isingeq.io import read, read_gset

    path = tmp_path / "G1UP.TXT.GZ"
    with gzip.open(path, "wt") as fh:
        fh.write("3 2\n1 2 1\n2 3 -1\n")
    assert read_gset(path).n == 3
    (inst,) = read(path)
    assert inst.name == "G1UP" and inst.n == 3
