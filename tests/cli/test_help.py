"""``--help`` of every command: flags show no value type, options show theirs."""

from __future__ import annotations

import inspect

import pytest
import typer
from typer.testing import CliRunner

from isingeq.cli import app

runner = CliRunner()
COMMANDS = sorted(typer.main.get_group(app).commands)


def _rows(args: list[str]) -> dict[str, str]:
    """The options panel of ``isingeq ARGS --help``: each row's first flag -> the row."""
    res = runner.invoke(app, [*args, "--help"], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    rows = {}
    for line in res.stdout.splitlines():
        text = line.strip("│ ")
        if text.startswith("--"):
            rows[text.split()[0]] = text
    return rows


@pytest.mark.parametrize("command", [[], *([c] for c in COMMANDS)])
def test_flags_show_no_value_type(command: list[str]) -> None:
    # typer 0.29 showed `<bool>` beside every flag (--json, --resume/--fresh, --help), as if
    # the flag took a value
    res = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert "<bool>" not in res.stdout
    rows = _rows(command)
    assert rows["--help"].split()[1:3] == ["Show", "this"]


def test_options_that_take_a_value_keep_their_type() -> None:
    rows = _rows(["bench"])
    assert rows["--repeats"].split()[1] == "<int>"
    assert rows["--json"].split()[1] == "Print"
    assert rows["--resume"].split()[1:3] == ["--fresh", "Keep"]
    assert rows["--instance"].split()[1] == "SPEC"  # a metavar of its own is kept
    assert _rows(["solve"])["--time-limit"].split()[1] == "<float>"


@pytest.mark.parametrize("command", [[], *([c] for c in COMMANDS)])
def test_no_option_shows_a_python_type_as_its_value(command: list[str]) -> None:
    # bench's --suite and --file showed `<list[str]>` and `<list[Path]>`
    res = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert "<list[" not in res.stdout and "<dict[" not in res.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_descriptions_are_wrapped_by_the_terminal_only(command: str) -> None:
    # typer 0.29 kept the docstring's line breaks after the first paragraph, and the terminal
    # wrapped those lines again: at 80 columns `solve --help` read "next clock" / "check: ..."
    # / "130. In". Wide, each paragraph of the docstring is now one line of the help.
    callback = typer.main.get_group(app).commands[command].callback
    doc = inspect.cleandoc(callback.__doc__ or "")
    res = runner.invoke(app, [command, "--help"], env={"COLUMNS": "1000"})
    assert res.exit_code == 0, res.output
    lines = [line.strip() for line in res.stdout.splitlines()]
    for paragraph in doc.split("\n\n")[1:]:
        assert " ".join(paragraph.split()) in lines, paragraph
    narrow = runner.invoke(app, [command, "--help"], env={"COLUMNS": "80"}).stdout
    widths = [len(line.rstrip()) for line in narrow.split("Options")[0].splitlines()]
    assert max(widths) <= 80
