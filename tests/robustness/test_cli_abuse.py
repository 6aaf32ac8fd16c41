"""The CLI under abuse (issue #13, point 7), through the real console entry point in a
subprocess: missing, empty, malformed, unknown or contradictory arguments, an unwritable output
path, a full disk (/dev/full) and Ctrl-C. Each must end with one line on stderr, exit code 2
(130 on Ctrl-C), no traceback, and nothing half-written."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import isingeq

ENTRY = "from isingeq.cli import main; main()"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", ENTRY, *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env={**os.environ, "COLUMNS": "200"},
    )


CASES = [
    (["bogus"], "No such command 'bogus'"),
    (["solve"], "give exactly one of --instance or --file"),
    (["solve", "--instance", ""], "--instance"),
    (["solve", "--instance", "paper-x"], "paper-x"),
    (["solve", "--instance", "paper-8", "--file", "x.txt"], "exactly one of --instance or --file"),
    (["solve", "--instance", "paper-8", "--seed", "-1"], "--seed"),
    (["solve", "--instance", "paper-8", "--time-limit", "abc"], "--time-limit"),
    (["solve", "--instance", "paper-8", "--method", "nope"], "nope"),
    (["solve", "--instance", "paper-8", "-o", "num_sweeps"], "key=value"),
    (["solve", "--instance", "paper-8", "--bogus"], "No such option: --bogus"),
    (["reproduce", "--trials", "abc"], "--trials"),
    (["reproduce", "--sizes", "0"], "size"),
    (["reproduce", "--sizes", ""], "--sizes"),
    (["bench", "--budgets", "-1", "--instance", "paper-30"], "budget"),
    (["bench", "--solvers", "nope", "--instance", "paper-30"], "unknown solver 'nope'"),
    (["analyze", "--sizes", "99"], "99"),
    (["analyze", "--trials", "0"], "--trials"),
    (["perceptron", "--ts", "abc"], "--ts"),
    (["perceptron", "--instances", "0"], "--instances"),
    (["perceptron", "--sizes", ""], "--sizes"),
    (["methods", "--bogus"], "No such option: --bogus"),
    (["bench"], "instance"),
]


@pytest.mark.parametrize(("args", "needle"), CASES, ids=[" ".join(c[0]) or "-" for c in CASES])
def test_bad_arguments_are_one_line_and_exit_2(
    args: list[str], needle: str, tmp_path: Path
) -> None:
    res = run(*args, cwd=tmp_path)
    assert res.returncode == 2, (res.returncode, res.stderr)
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), res.stderr
    assert needle in lines[0] and "Traceback" not in res.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_no_command_prints_the_help_alone_and_version_prints_the_version(tmp_path: Path) -> None:
    res = run(cwd=tmp_path)
    assert res.returncode == 2 and "Usage: isingeq" in res.stdout + res.stderr
    assert "error:" not in res.stderr  # the help says it all (an empty error line before)
    from isingeq import __version__

    res = run("--version", cwd=tmp_path)
    assert (res.returncode, res.stdout, res.stderr) == (0, f"isingeq {__version__}\n", "")


def test_an_unwritable_output_path_is_refused_before_solving(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    res = run("solve", "--instance", "paper-8", "--out", str(blocker / "r.json"))
    assert res.returncode == 2 and res.stderr.startswith("error:") and "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "command",
    [
        ["reproduce", "--sizes", "6", "--trials", "2"],
        ["bench", "--instance", "paper-20", "--solvers", "greedy", "--budgets", "0.01"],
        ["analyze", "--sizes", "4", "--trials", "2"],
        ["perceptron", "--sizes", "3", "--ts", "1", "--instances", "1", "--samples", "100"],
    ],
    ids=lambda c: c[0],
)
def test_an_output_folder_that_is_a_file_is_refused(command: list[str], tmp_path: Path) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("x")
    res = run(*command, "--out", str(blocker))
    assert res.returncode == 2, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and "--out" in lines[0], res.stderr
    assert blocker.read_text() == "x"  # left as it was


def test_a_full_disk_is_one_line(tmp_path: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    res = run("solve", "--instance", "paper-8", "--out", "/dev/full")
    assert res.returncode == 2, res.stderr
    assert res.stderr.strip().splitlines() == ["error: [Errno 28] No space left on device"]


def test_ctrl_c_is_one_line_and_exit_130(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    p = subprocess.Popen(
        [
            sys.executable,
            "-c",
            ENTRY,
            "solve",
            "--instance",
            "paper-1500",
            "--method",
            "mfa-async",
            "--time-limit",
            "60",
            "--out",
            str(out),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # a test runner's worker may ignore SIGINT, and an ignored signal stays ignored in the
        # child: give the child the default disposition, as a shell would
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    time.sleep(6)  # imports, the instance, the kernels: then the solve runs
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=120)
    assert p.returncode == 130, err
    # the solve stops at its next check and its best so far is kept, written whole
    assert err.strip().splitlines() == [
        f"result: {out}",
        "interrupted: stopped by Ctrl-C; the result is the best found before it",
    ]
    record = json.loads(out.read_text())
    assert record["info"]["stopped"] == "interrupted"
    model = isingeq.resolve("paper-1500").model
    assert model.energy(record["best_sample"]) == pytest.approx(record["best_energy"], rel=1e-12)


def test_an_empty_entry_in_a_list_flag_is_refused_not_dropped(tmp_path: Path) -> None:
    # "greedy,,tabu" ran greedy and tabu as if nothing were missing; "6,12," still reads 6, 12
    res = run(
        "reproduce", "--sizes", "6", "--trials", "2", "--methods", "greedy,,tabu", cwd=tmp_path
    )
    assert res.returncode == 2 and "`--methods` has an empty entry" in res.stderr
    assert list(tmp_path.iterdir()) == []
    from isingeq.cli.app import parse_list

    assert parse_list("--sizes", "6,12,", int) == [6, 12]


def test_a_malformed_file_says_its_file_and_line_through_the_cli(tmp_path: Path) -> None:
    # the CLI's flag() re-raised a FormatError as FormatError(message): its constructor takes
    # (file, line, detail), so the user read "FormatError.__init__() missing 2 required ..."
    bad = tmp_path / "bad.txt"
    bad.write_text("3 2\n1 2 1\n2 x 1\n")
    for flag in ("--file", "--instance"):
        res = run("solve", flag, str(bad), cwd=tmp_path)
        assert res.returncode == 2, res.stderr
        line = res.stderr.strip()
        assert "line 3" in line and "'x'" in line and "__init__" not in line, line
