"""The records layer: CSV records appended and resumed, whole files written atomically."""

from __future__ import annotations

import math
import os
import stat
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from isingeq.experiments.records import Journal, RecordsFile, write_csv, write_json


def test_every_cut_of_the_last_line_is_dropped_never_misread(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    rec = RecordsFile(path, ["k", "v"])
    with rec.fresh():
        rec.append({"k": "a", "v": 0.1234})
        rec.append({"k": "two\nlines, quoted", "v": 0.5678})
    whole = path.read_bytes()
    first = whole.index(b"0.1234\r\n") + len(b"0.1234\r\n")
    for cut in range(first, len(whole)):
        path.write_bytes(whole[:cut])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert rec.read() == [{"k": "a", "v": "0.1234"}], cut
    path.write_bytes(whole)
    assert rec.read()[1] == {"k": "two\nlines, quoted", "v": "0.5678"}


def test_none_nan_and_inf_round_trip_through_a_journal(tmp_path: Path) -> None:
    # None was written as an empty cell, which an int column could not read back (the resume
    # raised) and a bool column read as False
    fields = ["k", "i", "b", "x", "y", "s"]
    types = {"i": int, "b": bool, "x": float, "y": float}
    row = {"k": "a", "i": None, "b": None, "x": math.inf, "y": math.nan, "s": None}
    with Journal(tmp_path / "r.csv", fields, ["k"], types, 1) as j:
        j.unit(("a",), lambda: [row])
        j.unit(("b",), lambda: [{"k": "b", "i": 3, "b": False, "x": -1.5, "y": 0.0, "s": "t"}])
    with Journal(tmp_path / "r.csv", fields, ["k"], types, 1, resume=True) as j:
        (a,) = j.unit(("a",), lambda: pytest.fail("recomputed"))
        (b,) = j.unit(("b",), lambda: pytest.fail("recomputed"))
    assert a["i"] is None and a["b"] is None and a["x"] == math.inf and math.isnan(a["y"])
    assert a["s"] == ""  # a str column cannot tell None from ""
    assert b == {"k": "b", "i": 3, "b": False, "x": -1.5, "y": 0.0, "s": "t"}


MATCH = "is not a records file of this experiment"


def test_fresh_refuses_a_file_of_other_columns(tmp_path: Path) -> None:
    # "a file with other columns is refused": fresh() overwrote it, so a run started without
    # --resume in another experiment's folder destroyed that experiment's records
    path = tmp_path / "records.csv"
    write_csv(path, ["other", "columns"], [{"other": 1, "columns": 2}])
    before = path.read_bytes()
    with pytest.raises(ValueError, match=MATCH), RecordsFile(path, ["k", "v"]).fresh():
        pass
    with pytest.raises(ValueError, match=MATCH), Journal(path, ["k", "v"], ["k"], {}, 1):
        pass
    assert path.read_bytes() == before
    path.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")  # not even text
    with pytest.raises(ValueError, match=MATCH), RecordsFile(path, ["k", "v"]).fresh():
        pass
    path.write_bytes(before)
    # its own file (or an older layout of it) is started afresh as before
    rec = RecordsFile(path, ["other", "columns", "new"], older=[["other", "columns"]])
    with rec.fresh():
        rec.append({"other": 3})
    assert rec.read() == [{"other": "3", "columns": "", "new": ""}]


def test_files_are_utf8_whatever_the_locale(tmp_path: Path) -> None:
    # written in the locale's encoding, a non-ASCII name failed under an ASCII locale (and a
    # file moved between machines was misread): records are UTF-8 everywhere
    code = (
        "import sys; from isingeq.experiments.records import RecordsFile\n"
        "rec = RecordsFile(sys.argv[1], ['k', 'v'])\n"
        "with rec.fresh():\n"
        "    rec.append({'k': 'caf\\u00e9 \\u2603', 'v': 1})\n"
        "with rec.resume() as old:\n"
        "    assert old == [{'k': 'caf\\u00e9 \\u2603', 'v': '1'}], old\n"
    )
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0"}
    env["PYTHONCOERCECLOCALE"] = "0"
    path = tmp_path / "r.csv"
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "café ☃".encode() in path.read_bytes()


def test_a_replaced_file_has_its_folder_synced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # os.replace is durable only once the folder is fsync'd: without it a crash of the machine
    # could bring back the old file, and with it lose rows appended and fsync'd since
    synced: list[bool] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        synced.append(stat.S_ISDIR(os.fstat(fd).st_mode))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    write_json(tmp_path / "a.json", {"x": 1})
    assert synced == [False, True]
    synced.clear()
    write_csv(tmp_path / "a.csv", ["x"], [{"x": 1}])
    assert synced == [False, True]
