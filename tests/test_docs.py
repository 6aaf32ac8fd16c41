"""The documentation site's own examples run: every ```python block of docs/*.md.

The pages that include README sections are covered by tests/test_readme.py (the included text
is the README's); the site itself is built with warnings as errors by CI
(``python -m sphinx -W -b html docs docs/_build/html``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).parents[1] / "docs"
BLOCKS = [
    (page.name, i, code)
    for page in sorted(DOCS.glob("*.md"))
    for i, code in enumerate(re.findall(r"```python\n(.*?)```", page.read_text(), re.S))
]


def test_the_site_has_its_pages_and_examples() -> None:
    index = (DOCS / "index.md").read_text()
    for page in (
        "getting-started",
        "paper",
        "dimod",
        "networkx",
        "pyqubo",
        "vocabulary",
        "benchmarks-current",
        "perceptron",
        "api",
    ):
        assert page in index and (DOCS / f"{page}.md").is_file()
    assert BLOCKS


@pytest.mark.parametrize(("page", "i", "code"), BLOCKS, ids=[f"{p}-{i}" for p, i, _ in BLOCKS])
def test_docs_example_runs(
    page: str, i: int, code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    exec(compile(code, f"docs/{page}", "exec"), {"__name__": "docs"})


@pytest.mark.parametrize(
    "key", ["use", "networkx", "dimod", "pyqubo", "paper", "performance", "peers", "perceptron"]
)
def test_every_included_readme_section_exists(key: str) -> None:
    readme = (DOCS.parent / "README.md").read_text()
    assert readme.count(f"<!-- docs:{key} -->") == 1 and readme.count(f"<!-- /docs:{key} -->") == 1
    assert readme.index(f"<!-- docs:{key} -->") < readme.index(f"<!-- /docs:{key} -->")
