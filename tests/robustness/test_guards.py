"""Resource guards (issue #13, point 4): before allocating a dense n x n, enumerating 2^n states
or building a model from a file header, isingeq estimates the memory or time and refuses with
the estimate and how to raise the limit. Each guard is tested without allocating: the memory
limit is lowered with ``$ISINGEQ_MEMORY_LIMIT``."""

from __future__ import annotations

from pathlib import Path

import pytest

import isingeq
from isingeq import io
from isingeq._resources import MEMORY_ENV, memory_limit


def test_the_limit_reads_units_and_refuses_nonsense(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MEMORY_ENV, "2GiB")
    assert memory_limit() == 2 * 2**30
    monkeypatch.setenv(MEMORY_ENV, "1.5e6")
    assert memory_limit() == 1.5e6
    monkeypatch.setenv(MEMORY_ENV, "lots")
    with pytest.raises(ValueError, match=r"\$ISINGEQ_MEMORY_LIMIT must be bytes .* got 'lots'"):
        memory_limit()


@pytest.mark.parametrize("raw", ["1.2.3", ".", "2..5GiB"])
def test_a_malformed_number_in_the_limit_is_named(
    raw: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # these match the pattern's digits-and-dots, then float() failed with its own message
    # ("could not convert string to float"), which named neither the variable nor the value
    monkeypatch.setenv(MEMORY_ENV, raw)
    with pytest.raises(ValueError, match=r"\$ISINGEQ_MEMORY_LIMIT must be bytes .* got "):
        memory_limit()


def test_dense_generators_refuse_before_allocating(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MEMORY_ENV, "1MiB")
    with pytest.raises(
        ValueError,
        match=r"`n`=1000 is a dense 1000 x 1000 model \(7\.63 MiB a float64 matrix\) whose "
        r"build needs at its peak \(5 such arrays at once\) about 38\.1 MiB, more than the "
        r"1 MiB that \$ISINGEQ_MEMORY_LIMIT allows \(raise it to allow more\)",
    ):
        isingeq.paper_instance(1000, rng=0)
    assert isingeq.paper_instance(100, rng=0).n == 100  # 0.38 MiB fits


@pytest.mark.parametrize(
    ("name", "text", "reader", "match"),
    [
        (
            "g.txt",
            "1000000 1\n1 2 1\n",
            io.read_gset,
            r"g\.txt.*line 1.*n=1000000 \(the header 'n m'\)",
        ),
        ("q.sparse", "1000000 1\n1 2 1\n", io.read_biqmac, r"n=1000000 \(the header 'n m'\)"),
        ("c.coo", "0 999999 1.0\n", io.read_coo, r"line 1.*n=1000000 \(the largest index \+ 1\)"),
        (
            "d.mtx",
            "%%MatrixMarket matrix array real general\n1000 1000\n1.0\n",
            io.read_mtx,
            r"n=1000 \(the size line\): a dense model of 1000 nodes",
        ),
        ("b.txt", "1\n1000000 1\n1 1 5\n", io.read_beasley, r"n=1000000 \(the header 'n nnz'"),
    ],
)
def test_readers_refuse_a_header_that_would_not_fit(
    name: str,
    text: str,
    reader: object,
    match: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(MEMORY_ENV, "16MiB")
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(io.FormatError, match=match) as err:
        reader(path)  # type: ignore[operator]
    assert "ISINGEQ_MEMORY_LIMIT" in str(err.value)


def test_exact_enumeration_refuses_beyond_its_limit_with_the_estimate() -> None:
    m = isingeq.SpinGlass.from_maxcut(40, [(i, i + 1) for i in range(39)])
    with pytest.raises(
        ValueError,
        match=r"n=40 is too large for method 'exact' \(limit 36; 2\^40 states would take about",
    ):
        isingeq.solve(m, method="exact")


def test_a_file_too_large_to_read_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.txt"
    path.write_text("3 1\n1 2 1\n" + "\n" * 200_000)  # 200 KB of blank lines
    assert io.read_gset(path).n == 3  # fits the machine
    monkeypatch.setenv(MEMORY_ENV, "1MiB")
    with pytest.raises(
        io.FormatError, match=r"big\.txt: reading a file of 200010 bytes needs about 2\.29 MiB"
    ):
        io.read_gset(path)
