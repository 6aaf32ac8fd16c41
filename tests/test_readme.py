"""The README's examples run: every ```python block, and every ``isingeq solve`` / ``methods``
line of its ```bash blocks.

The other command lines in the README (``reproduce``, ``bench``, ``analyze``, ``perceptron`` and
the benchmark scripts) are the measurements behind its tables; each command has its own tests
at small sizes (tests/cli, tests/experiments, tests/perceptron), and running them at full size
here would take minutes.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from isingeq.cli import app

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text()
PYTHON = re.findall(r"```python\n(.*?)```", README, re.S)
COMMANDS = [
    line.split("  #")[0].strip()
    for block in re.findall(r"```bash\n(.*?)```", README, re.S)
    for line in block.splitlines()
    if re.match(r"isingeq (solve|methods)\b", line.strip())
]
DATA = ROOT.parent / "shared" / "data"


def test_the_readme_has_examples() -> None:
    assert len(PYTHON) >= 2 and len(COMMANDS) >= 4


def _workdir(tmp_path: Path) -> Path:
    """A scratch folder that sees ../shared like the repository root does, so that examples
    writing files (plots, results) write there and not into the checkout."""
    work = tmp_path / "repo"
    work.mkdir()
    if DATA.is_dir():
        (tmp_path / "shared").symlink_to(DATA.parent, target_is_directory=True)
    return work


@pytest.mark.parametrize("code", PYTHON, ids=[f"python-{i}" for i in range(len(PYTHON))])
def test_python_example_runs(code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if "../shared/data" in code and not DATA.is_dir():
        pytest.skip("needs ../shared/data")
    monkeypatch.chdir(_workdir(tmp_path))
    exec(compile(code, "README.md", "exec"), {"__name__": "readme"})


@pytest.mark.parametrize("line", COMMANDS)
def test_cli_example_runs(line: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if "../shared/data" in line and not DATA.is_dir():
        pytest.skip("needs ../shared/data")
    monkeypatch.chdir(_workdir(tmp_path))
    res = CliRunner().invoke(app, shlex.split(line)[1:])
    assert res.exit_code == 0, res.output
