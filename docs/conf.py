"""Sphinx configuration of the isingeq documentation site.

Sphinx (not mkdocs) because isingeq's docstrings are numpydoc, the format numpy, scipy and
networkx document themselves in, and Sphinx reads them natively (autodoc + numpydoc); the
pages are Markdown (MyST), and the README's sections are included, not copied, so the figures
and their commands live in one place. Build: ``python -m sphinx -W -b html docs docs/_build/html`` (CI adds ``--keep-going -q``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import isingeq

project = "isingeq"
author = "isingeq developers"
release = isingeq.__version__
version = release

extensions = [
    "myst_parser",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build"]
myst_enable_extensions = ["dollarmath"]
# Text such as "<n> <- damping <n>" (the vocabulary table, written by vocabulary_table()) is
# text, not HTML: inline raw HTML would make `<n>` an unknown tag, invisible in the browser.
myst_disable_syntax = ["html_inline"]
myst_heading_anchors = 3

numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
autodoc_typehints = "none"  # the numpydoc "Parameters" sections say the types
autodoc_member_order = "bysource"

# The README's sections are included into the pages and start at "###". Its links into the
# source tree (src/..., examples/...), which is not part of the site, are rewritten as they are
# included (readme_links below), so a link that resolves nowhere is a warning, hence an error.
suppress_warnings = ["myst.header"]
# No intersphinx: CI builds offline.

ROOT = Path(__file__).resolve().parents[1]
#: A markdown link or image: ``[text](target)`` / ``![alt](target)``.
_LINK = re.compile(r"(?P<bang>!?)\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)\)")
#: Where the repository's files are (:func:`_repository_url`): links into the source tree point
#: there; without it they become the path as code.
REPOSITORY: str | None = None


def _repository_url() -> str | None:
    """The address of a file's folder in the repository, from pyproject's [project.urls]
    (GitHub or GitLab, whose file addresses are known); None without one."""
    import tomllib

    urls = tomllib.loads((ROOT / "pyproject.toml").read_text()).get("project", {}).get("urls", {})
    for key in ("Repository", "Source", "Source Code", "Code", "Homepage"):
        url = str(urls.get(key) or "").rstrip("/")
        if re.match(r"https://github\.com/[^/]+/[^/]+$", url):
            return f"{url}/blob/HEAD"
        if re.match(r"https://gitlab\.com/.+", url):
            return f"{url}/-/blob/HEAD"
    return None


def readme_link(text: str, target: str, repository: str | None = None) -> str:
    """A README link as it reads on the site: to the page (``docs/x.md`` -> ``x.md``), to the
    repository (``src/...``, ``examples/...``: the file on ``repository``, if any), else the
    path as code; images, anchors and absolute addresses are the README's own."""
    path, _, anchor = target.partition("#")
    if not path or re.match(r"[a-z][a-z0-9+.-]*:", path):
        return f"[{text}]({target})"
    if path.startswith("docs/") and path.endswith(".md") and (ROOT / path).is_file():
        return f"[{text}]({path.removeprefix('docs/')}{'#' + anchor if anchor else ''})"
    if repository is not None:
        return f"[{text}]({repository}/{target})"
    code = f"`{path}`"
    return code if text.strip("`").strip() in path else f"{text} ({code})"


def readme_links(app: Any, relative_path: Path, parent_docname: str, content: list[str]) -> None:
    """Sphinx ``include-read``: rewrite the README's links to the source tree (not images,
    which ``:relative-images:`` points at docs/img)."""
    if Path(relative_path).name != "README.md":
        return

    def one(m: re.Match[str]) -> str:
        if m["bang"]:
            return m[0]
        return readme_link(m["text"], m["target"], REPOSITORY)

    content[0] = _LINK.sub(one, content[0])


def setup(app: Any) -> dict[str, Any]:
    global REPOSITORY
    REPOSITORY = _repository_url()
    app.connect("include-read", readme_links)
    return {"parallel_read_safe": True}


html_theme = "pydata_sphinx_theme"
html_title = "isingeq"
html_theme_options = {"navigation_depth": 2, "show_toc_level": 2}
