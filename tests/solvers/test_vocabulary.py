"""The one vocabulary: every option of every method is defined once, and the docs match."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

import isingeq
from isingeq.solvers import RENAMED, VOCABULARY, method_options, vocabulary_table

DOC = Path(__file__).parents[2] / "docs" / "vocabulary.md"


@pytest.mark.parametrize("method", list(isingeq.METHODS))
def test_every_option_is_in_the_vocabulary(method: str) -> None:
    missing = [o for o in method_options(method) if o not in VOCABULARY]
    assert not missing, f"{method}: options without a vocabulary entry: {missing}"


def test_every_vocabulary_term_is_used_by_some_method() -> None:
    used = {o for m in isingeq.METHODS for o in method_options(m)}
    assert set(VOCABULARY) <= used, set(VOCABULARY) - used


def test_the_documented_table_matches_the_signatures() -> None:
    assert vocabulary_table() in DOC.read_text(), (
        "docs/vocabulary.md is out of date: paste isingeq.solvers.vocabulary_table() into it"
    )


def test_renamed_options_are_not_in_any_signature_and_are_documented() -> None:
    text = DOC.read_text()
    for method, names in RENAMED.items():
        for old, new in names.items():
            assert old not in method_options(method)
            assert new in method_options(method)
            assert f"| {method} | `{old}` | `{new}` |" in text


@pytest.mark.parametrize("method", list(isingeq.METHODS))
def test_solvers_take_no_var_keyword_and_keyword_only_options(method: str) -> None:
    params = inspect.signature(isingeq.METHODS[method]).parameters.values()
    kinds = [p.kind for p in params]
    assert inspect.Parameter.VAR_KEYWORD not in kinds
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in list(params)[1:])


def test_shared_options_have_the_same_default_sense() -> None:
    """The same name never means two things: spot-check the units that used to differ."""
    from isingeq.solvers import solve_mfa, solve_mfa_async

    for fn in (solve_mfa, solve_mfa_async):
        # noise is a standard deviation in typical fields: both defaults are of order one
        assert 0.5 <= inspect.signature(fn).parameters["noise"].default <= 1.0
