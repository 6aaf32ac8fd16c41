"""The documentation site's wiring: the README's links as the site shows them, and the API page
listing every public plot. (The site itself is built with warnings as errors by CI.)"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

import isingeq.plotting

DOCS = Path(__file__).parents[1] / "docs"
README = (DOCS.parent / "README.md").read_text()


def _conf() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_conf", DOCS / "conf.py")
    assert spec is not None and spec.loader is not None
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    return conf


def test_readme_links_into_the_source_tree_are_rewritten() -> None:
    link = _conf().readme_link
    # without a repository address: the path as code
    assert link("`experiments/reproduce.py`", "src/isingeq/experiments/reproduce.py") == (
        "`src/isingeq/experiments/reproduce.py`"
    )
    assert (
        link("the example", "examples/dimod_dropin.py")
        == "the example (`examples/dimod_dropin.py`)"
    )
    # with one: the file there
    repo = "https://github.com/o/isingeq/blob/HEAD"
    assert link("`x`", "src/isingeq/x.py", repo) == f"[`x`]({repo}/src/isingeq/x.py)"
    # a docs page is the site's page; addresses and anchors stay
    assert link("docs/benchmarks.md", "docs/benchmarks.md") == "[docs/benchmarks.md](benchmarks.md)"
    assert link("a", "docs/vocabulary.md#the-result") == "[a](vocabulary.md#the-result)"
    assert link("a", "https://example.org/x.py") == "[a](https://example.org/x.py)"
    assert link("a", "#usage") == "[a](#usage)"


def test_no_included_readme_link_is_left_pointing_into_the_tree() -> None:
    conf = _conf()
    content = [README]
    conf.readme_links(None, Path("../README.md"), "paper", content)
    left = [
        m["target"]
        for m in conf._LINK.finditer(content[0])
        if not m["bang"] and not re.match(r"https?:|#|mailto:", m["target"])
    ]
    pages = {p.name for p in DOCS.glob("*.md")}
    assert all(t.partition("#")[0] in pages for t in left), left
    assert "](src/" not in content[0] and "](examples/" not in content[0]
    assert "![" in content[0] and "](docs/img/" in content[0]  # images are left to MyST


def test_xref_warnings_are_not_suppressed() -> None:
    assert "myst.xref_missing" not in _conf().suppress_warnings


def test_api_page_lists_every_public_plot() -> None:
    api = (DOCS / "api.md").read_text()
    for name in isingeq.plotting.__all__:
        assert f"isingeq.plotting.{name}\n" in api, name


def test_angle_brackets_in_the_pages_are_text_not_html() -> None:
    """``<n> <- damping <n>`` (the vocabulary table) must reach the browser as text: read as
    inline HTML, ``<n>`` is an unknown tag and the reader sees "<- damping +"."""
    pytest.importorskip("myst_parser")  # the docs extra
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    conf = _conf()
    config = MdParserConfig(
        enable_extensions=set(conf.myst_enable_extensions),
        disable_syntax=list(getattr(conf, "myst_disable_syntax", [])),
    )
    html = create_md_parser(config, RendererHTML).render((DOCS / "vocabulary.md").read_text())
    assert "<n>" not in html
    assert "&lt;n&gt; &lt;- damping &lt;n&gt;" in html
