"""The error of a file whose format is told by content (``.txt``) and tells none: it blamed the
extension ("cannot tell the format from the extension '.txt'") while listing ``.txt`` among the
extensions told by content, and an empty file was not called empty. The same words reach Python
(``isingeq.io.read``, ``isingeq.resolve``) and the CLI (``--file``)."""

from __future__ import annotations

import gzip
import io
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import isingeq
import isingeq.io as iio
from isingeq.cli import app

runner = CliRunner()
COO = "0 1 -1.0\n1 2 0.5\n0 0 1.0\n"  # a valid COO file: no .txt sniffer takes it


def test_txt_content_that_tells_no_format_is_named_not_the_extension(tmp_path: Path) -> None:
    path = tmp_path / "qubo.txt"
    path.write_text(COO)
    with pytest.raises(ValueError, match="from its content") as err:
        iio.read(path)
    msg = str(err.value)
    assert "from the extension" not in msg
    assert f"cannot tell the format of {str(path)!r} from its content" in msg
    assert "'0 1 -1.0', '1 2 0.5', match none of the formats a '.txt' file is told as" in msg
    for fmt in ("gset: 'n m'", "beasley:", "latfile:", "tnac4o:"):
        assert fmt in msg
    assert "pass format= (--format in the CLI)" in msg and "'coo' reads 0-based" in msg
    assert "'0 0 1.0'" not in msg  # two lines shown, not the file
    # and the advice works
    (inst,) = iio.read(path, format="coo")
    assert inst.n == 3


def test_a_long_first_line_is_cut_and_no_coo_hint_without_three_fields(tmp_path: Path) -> None:
    path = tmp_path / "wide.txt"
    path.write_text(" ".join(str(k) for k in range(100)) + "\n")
    with pytest.raises(
        ValueError, match=r"its first lines that are not '#' comments, '0 1 2 "
    ) as err:
        iio.read(path)
    assert "99" not in str(err.value) and "...'" in str(err.value)
    assert "'coo' reads" not in str(err.value)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("", "is empty"),
        ("\n  \n\n", r"is empty \(blank lines only\)"),
        ("# a\n# b\n", r"holds only '#' comment lines \(the first: '# a'\)"),
    ],
)
def test_an_empty_txt_file_is_called_empty(tmp_path: Path, text: str, said: str) -> None:
    path, gz = tmp_path / "empty.txt", tmp_path / "empty.txt.gz"
    path.write_text(text)
    gz.write_bytes(gzip.compress(text.encode()))
    for file in (path, gz):
        whole = rf"^{re.escape(repr(str(file)))} {said}: there is no instance to read$"
        with pytest.raises(ValueError, match=whole):
            iio.read(file)


def test_an_open_txt_file_gets_the_same_message_and_is_put_back() -> None:
    fh = io.StringIO("junk\n" + COO)
    fh.name = "q.txt"  # type: ignore[misc]
    fh.seek(5)
    with pytest.raises(ValueError, match=r"of 'q\.txt' from its content: .*'0 1 -1\.0'"):
        iio.read(fh)
    assert fh.tell() == 5


def test_resolve_says_it_as_read_does(tmp_path: Path) -> None:
    path = tmp_path / "qubo.txt"
    path.write_text(COO)
    with pytest.raises(ValueError, match="from its content: its first lines"):
        isingeq.resolve(str(path))


def test_the_cli_says_it_in_one_line_with_exit_2(tmp_path: Path) -> None:
    qubo, empty = tmp_path / "qubo.txt", tmp_path / "empty.txt"
    qubo.write_text(COO)
    empty.write_text("")
    res = runner.invoke(app, ["solve", "--file", str(qubo)])
    assert res.exit_code == 2, res.output
    [line] = res.stderr.strip().splitlines()
    assert line.startswith(f"error: --file: cannot tell the format of {str(qubo)!r} from its")
    assert "'0 1 -1.0'" in line and "--format" in line and "from the extension" not in line
    res = runner.invoke(app, ["solve", "--file", str(empty)])
    assert res.exit_code == 2, res.output
    assert (
        res.stderr.strip()
        == f"error: --file: {str(empty)!r} is empty: there is no instance to read"
    )
    res = runner.invoke(app, ["solve", "--file", str(qubo), "--format", "coo", "--method", "exact"])
    assert res.exit_code == 0, res.output
