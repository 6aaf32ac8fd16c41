"""The perceptron docs: examples that run when copied, references that resolve, and the
paragraph that places eq. 16 among Boltzmann machines and Hopfield networks."""

from __future__ import annotations

import doctest
import importlib
import inspect
import re
from pathlib import Path
from typing import Any

import pytest

import isingeq
import isingeq.perceptron as perceptron

ROOT = Path(__file__).parents[2]
PUBLIC = [getattr(perceptron, name) for name in perceptron.__all__]
DOCUMENTED = [obj for obj in PUBLIC if inspect.isfunction(obj) or inspect.isclass(obj)]


def _docs(obj: Any) -> list[str]:
    docs = [obj.__doc__ or ""]
    if inspect.isclass(obj):
        docs += [
            m.__doc__ or ""
            for name, m in vars(obj).items()
            if not name.startswith("_") or name == "__call__"
        ]
    return docs


def _resolves(ref: str, owner: Any) -> bool:
    """Whether a Sphinx reference names something a reader of ``help()`` can find: a full
    path, a name of the ``isingeq`` namespace, or a member of the documented class."""
    ref = ref.lstrip("~")
    if inspect.isclass(owner) and hasattr(owner, ref):
        return True
    for path in (ref, f"isingeq.{ref}"):
        parts = path.split(".")
        for k in range(len(parts), 0, -1):
            try:
                obj: Any = importlib.import_module(".".join(parts[:k]))
            except ImportError:
                continue
            try:
                for attr in parts[k:]:
                    obj = getattr(obj, attr)
            except AttributeError:
                break
            return True
    return False


@pytest.mark.parametrize("obj", DOCUMENTED, ids=lambda o: o.__name__)
def test_references_in_public_docstrings_resolve(obj: Any) -> None:
    for doc in _docs(obj):
        for ref in re.findall(r":(?:func|meth|class|data|attr):`([^`]+)`", doc):
            assert _resolves(ref, obj), f"{obj.__name__}: :`{ref}` does not resolve"


@pytest.mark.parametrize("obj", DOCUMENTED, ids=lambda o: o.__name__)
def test_examples_run_when_copied_into_a_fresh_session(obj: Any) -> None:
    # doctest normally runs with the module's globals, where a bare name works; a reader
    # copying the example has only what the example imports
    finder = doctest.DocTestFinder(recurse=inspect.isclass(obj))
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    tests = finder.find(obj, obj.__name__, globs={})
    assert tests
    for test in tests:
        runner.run(test, clear_globs=True)
    assert runner.failures == 0, f"{runner.failures} example(s) of {obj.__name__} failed"


def _readme_perceptron_section() -> str:
    text = (ROOT / "README.md").read_text()
    return text.split("<!-- docs:perceptron -->")[1].split("<!-- /docs:perceptron -->")[0]


def test_the_ml_placement_is_stated_in_readme_docs_and_module() -> None:
    section = " ".join(_readme_perceptron_section().split())
    module = " ".join((perceptron.__doc__ or "").split())
    for text in (section, module):
        assert "naive mean-field equation of a Boltzmann machine" in text
        assert "continuous Hopfield network" in text
        assert "binary Hopfield network" in text and "attractors" in text
        assert "1-flip-stable states" in text
    # docs/perceptron.md is the README section, included
    page = (ROOT / "docs" / "perceptron.md").read_text()
    assert ":start-after: <!-- docs:perceptron -->" in page


def test_readme_l2_wording_and_table_statistics() -> None:
    section = " ".join(_readme_perceptron_section().split())
    assert "for a prior" not in section and "ridge penalty" in section
    assert "precision `l2 * num_samples`" in section
    # the table is bench_inverse.py's mean / worst; the CLI's is median · max: both named
    assert "(mean / worst over the instances, as the script prints them;" in section
    assert "median · max" in section
    bench = (ROOT / "benchmarks" / "bench_inverse.py").read_text()
    assert "(mean / worst over instances)" in bench
    from isingeq.cli import render

    assert "cell: median · max over instances" in inspect.getsource(render)
    assert isingeq.fit is perceptron.fit
