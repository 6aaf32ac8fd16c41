"""Fetching data safely (issue #13, point 8): a fetched file enters the cache only when it is
byte for byte the pinned one. A real HTTP server on 127.0.0.1 serves the files as a mirror
(``$ISINGEQ_DATA_MIRROR``), once faithful, once tampered, once oversized."""

from __future__ import annotations

import hashlib
import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from isingeq import datasets

SHARED = Path(__file__).parents[2].parent / "shared" / "data"
BQP50 = SHARED / "beasley" / "bqp50.txt"


@pytest.fixture
def mirror(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder laid out like shared/data, served over HTTP on 127.0.0.1 as the mirror."""
    root = tmp_path / "served"
    (root / "beasley").mkdir(parents=True)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **kw) -> None:  # type: ignore[no-untyped-def]
            super().__init__(*a, directory=str(root), **kw)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv(datasets.MIRROR_ENV, f"http://127.0.0.1:{server.server_address[1]}")
    try:
        yield root
    finally:
        server.shutdown()
        server.server_close()


def test_every_fetchable_file_is_pinned_with_the_shared_digest() -> None:
    pins = datasets.pinned()
    fetchable = {e.file for e in datasets._table().values() if e.family in ("gset", "beasley")}
    assert fetchable - {"beasley/bqp2500.txt"} <= set(pins)
    if BQP50.is_file():
        assert pins["beasley/bqp50.txt"][0] == hashlib.sha256(BQP50.read_bytes()).hexdigest()


@pytest.mark.skipif(not BQP50.is_file(), reason="needs ../shared/data")
def test_a_faithful_mirror_fills_the_cache(mirror: Path, tmp_path: Path) -> None:
    (mirror / "beasley" / "bqp50.txt").write_bytes(BQP50.read_bytes())
    cache = tmp_path / "cache"
    inst = datasets.load("bqp50-1", data_dir=cache)
    assert inst.best_known == datasets.info("bqp50-1").best_known and inst.n == 50
    assert (cache / "beasley" / "bqp50.txt").read_bytes() == BQP50.read_bytes()


@pytest.mark.skipif(not BQP50.is_file(), reason="needs ../shared/data")
def test_a_tampered_file_is_refused_and_nothing_is_cached(mirror: Path, tmp_path: Path) -> None:
    data = bytearray(BQP50.read_bytes())
    data[200] = ord("9") if data[200] != ord("9") else ord("8")  # one coupling changed
    (mirror / "beasley" / "bqp50.txt").write_bytes(bytes(data))
    cache = tmp_path / "cache"
    want = datasets.pinned()["beasley/bqp50.txt"][0]
    got = hashlib.sha256(bytes(data)).hexdigest()
    with pytest.raises(ValueError, match="SHA-256") as err:
        datasets.load("bqp50-1", data_dir=cache)
    msg = str(err.value)
    assert want in msg and got in msg and "127.0.0.1" in msg and "nothing cached" in msg
    assert not any(p.is_file() for p in cache.rglob("*"))  # no file, no .part left behind


def test_an_oversized_response_is_cut_off(mirror: Path, tmp_path: Path) -> None:
    size = datasets.pinned()["beasley/bqp50.txt"][1]
    (mirror / "beasley" / "bqp50.txt").write_bytes(b"1\n" * (size * 2))
    cache = tmp_path / "cache"
    with pytest.raises(ValueError, match=rf"exceeds \d+ bytes \(the pinned file has {size}\)"):
        datasets.load("bqp50-1", data_dir=cache)
    assert not any(p.is_file() for p in cache.rglob("*"))


def test_a_missing_file_on_the_mirror_is_a_clear_error(mirror: Path, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"fetching it from http://127\.0\.0\.1.*404"):
        datasets.load("bqp100-1", data_dir=tmp_path / "cache")
    assert not any(p.is_file() for p in (tmp_path / "cache").rglob("*"))


def test_files_without_a_pin_are_not_fetched(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"is not fetched .biqmac-gka files have no public"):
        datasets.load("gka1a", data_dir=tmp_path / "cache")
    # a family that is fetched, but a file of it without a pin: said as such (it read as if no
    # beasley file could be fetched), and the layout is found without shared/data's README
    with pytest.raises(
        FileNotFoundError, match=r"bqp2500.txt has no pinned SHA-256.*help\(isingeq"
    ):
        datasets.load("bqp2500-1", data_dir=tmp_path / "cache")


def test_a_data_folder_that_does_not_exist_is_named_when_the_download_fails(
    mirror: Path, tmp_path: Path
) -> None:
    # a missing folder is a cache to create and fill, but when the download fails (here a 404
    # from the local mirror; offline it is a DNS error) the message said only that, and left
    # the folder behind, empty: a misspelt data_dir read as a network failure
    folder = tmp_path / "no" / "such"
    with pytest.raises(FileNotFoundError, match=r"fetching it from http://127\.0\.0\.1") as err:
        datasets.load("bqp100-1", data_dir=folder)
    assert f"the data folder {str(folder)!r} (`data_dir`) does not exist either" in str(err.value)
    assert not (tmp_path / "no").exists()  # what was made for the download is removed again
    # an existing folder is not said to be missing
    (tmp_path / "here").mkdir()
    with pytest.raises(FileNotFoundError, match=r"fetching it from http://127\.0\.0\.1") as err:
        datasets.load("bqp100-1", data_dir=tmp_path / "here")
    assert "does not exist" not in str(err.value)
    assert list((tmp_path / "here").iterdir()) == []  # nor its subfolder 'beasley' kept


def test_the_cli_names_a_missing_data_dir_and_isingeq_data(
    mirror: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from isingeq.cli import app

    folder = tmp_path / "nonexistent"
    res = CliRunner().invoke(app, ["solve", "--instance", "bqp100-1", "--data-dir", str(folder)])
    assert res.exit_code == 2, res.output
    assert f"the data folder {str(folder)!r} (`--data-dir`) does not exist" in res.stderr
    monkeypatch.setenv(datasets.DATA_ENV, str(folder))
    with pytest.raises(FileNotFoundError, match=r"\(\$ISINGEQ_DATA\) does not exist either"):
        datasets.load("bqp100-1")
    # a fresh install's default cache is missing by design: not called a path to check
    monkeypatch.delenv(datasets.DATA_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    with pytest.raises(FileNotFoundError, match=r"fetching it from http://127\.0\.0\.1") as err:
        datasets.load("bqp100-1")
    assert "does not exist" not in str(err.value) and "check the path" not in str(err.value)


def test_a_data_folder_that_cannot_be_created_is_named(tmp_path: Path) -> None:
    # a file stands where a folder of the path should be: no download is tried, and it said
    # "[Errno 20] Not a directory: '.../bqp100.txt.part'" (or mkdir's own OSError)
    (tmp_path / "file").write_text("")
    folder = tmp_path / "file" / "data"
    with pytest.raises(
        FileNotFoundError,
        match=rf"cannot be fetched: the data folder {re.escape(repr(str(folder)))} \(`data_dir`\) "
        r"does not exist and could not be created \(Not a directory\)",
    ):
        datasets.load("bqp100-1", data_dir=folder)
