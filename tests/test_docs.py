"""The documentation site's own examples run: every ```python block of docs/*.md; and what the
pages and examples say of the code holds (the dimod samplers' options, the examples' data folder).

The pages that include README sections are covered by tests/test_readme.py (the included text
is the README's); the site itself is built with warnings as errors by CI
(``python -m sphinx -W -b html docs docs/_build/html``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
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
        "scaling",
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
    "key",
    [
        "use",
        "networkx",
        "dimod",
        "pyqubo",
        "paper",
        "performance",
        "dask",
        "gpu",
        "peers",
        "perceptron",
    ],
)
def test_every_included_readme_section_exists(key: str) -> None:
    readme = (DOCS.parent / "README.md").read_text()
    assert readme.count(f"<!-- docs:{key} -->") == 1 and readme.count(f"<!-- /docs:{key} -->") == 1
    assert readme.index(f"<!-- docs:{key} -->") < readme.index(f"<!-- /docs:{key} -->")


def test_vocabulary_lists_every_dimod_sampler_option_besides_the_methods() -> None:
    """docs/vocabulary.md: a sampler's ``parameters`` are its method's options plus the rows of
    "The dimod samplers" table; an option added to a sampler must be added there too."""
    pytest.importorskip("dimod")
    from isingeq.integrations.dimod import EnumerationSampler, MeanFieldSampler
    from isingeq.solvers import method_options

    page = (DOCS / "vocabulary.md").read_text()
    section = page.split("## The dimod samplers", 1)[1].split("\n## ", 1)[0]
    rows = dict(re.findall(r"^\| `(\w+)` \|.*\| ([^|]+) \|$", section, re.M))
    for sampler, name in (
        (MeanFieldSampler(), "MeanFieldSampler"),
        (EnumerationSampler(), "EnumerationSampler"),
    ):
        extra = set(sampler.parameters) - set(method_options(sampler.method))
        missing = sorted(o for o in extra if o not in rows)
        assert not missing, f"{name}: options missing from docs/vocabulary.md: {missing}"
        wrong = sorted(o for o in extra if "both" not in rows[o] and name not in rows[o])
        assert not wrong, f"{name}: docs/vocabulary.md does not say {wrong} apply to it"


def test_networkx_example_finds_g1_through_isingeq_data(tmp_path: Path) -> None:
    """examples/networkx_maxcut.py's docstring: without ``shared/data`` beside the checkout it
    reads G1 from ``$ISINGEQ_DATA`` (a default ``--data-dir`` that does not exist hid it)."""
    pytest.importorskip("networkx")
    data = DOCS.parents[1] / "shared" / "data"
    if not (data / "gset" / "G1.txt").is_file():
        pytest.skip("no shared/data beside the checkout")
    script = tmp_path / "checkout" / "examples" / "networkx_maxcut.py"
    script.parent.mkdir(parents=True)
    script.write_text((DOCS.parent / "examples" / "networkx_maxcut.py").read_text())
    env = {**os.environ, "ISINGEQ_DATA": str(data)}
    out = subprocess.run(
        [sys.executable, str(script), "--small"],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    assert "G1: 800 nodes, 19176 edges from the file" in out.stdout, out.stdout
    assert "best known 11624" in out.stdout
