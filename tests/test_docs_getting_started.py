"""docs/getting-started.md's first example prints what its comments say it prints."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from isingeq.solvers.auto import AUTO_EXACT_MAX_N

PAGE = Path(__file__).parents[1] / "docs" / "getting-started.md"


def test_first_example_prints_what_its_comments_say(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = re.findall(r"```python\n(.*?)```", PAGE.read_text(), re.S)[0]
    n = int(re.search(r"paper_instance\((\d+),", code).group(1))  # type: ignore[union-attr]
    said = int(re.search(r'"auto": exact enumeration up to n = (\d+)', code).group(1))  # type: ignore[union-attr]
    assert said == AUTO_EXACT_MAX_N and n <= AUTO_EXACT_MAX_N
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "docs/getting-started.md", "exec"), {"__name__": "docs"})
    first, last = out.getvalue().splitlines()
    assert first.startswith("exact -14.2153")
    assert last == "True"
