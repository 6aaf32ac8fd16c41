"""Sphinx configuration of the isingeq documentation site.

Sphinx (not mkdocs) because isingeq's docstrings are numpydoc, the format numpy, scipy and
networkx document themselves in, and Sphinx reads them natively (autodoc + numpydoc); the
pages are Markdown (MyST), and the README's sections are included, not copied, so the figures
and their commands live in one place. Build: ``python -m sphinx -W -b html docs docs/_build``.
"""

from __future__ import annotations

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
myst_heading_anchors = 3

numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
autodoc_typehints = "none"  # the numpydoc "Parameters" sections say the types
autodoc_member_order = "bysource"

# The README's sections are included into the pages; its links point into the source tree
# (src/..., examples/...), which is not part of the site, and its sections start at "###".
suppress_warnings = ["myst.xref_missing", "myst.header"]
# No intersphinx: CI builds offline.

html_theme = "pydata_sphinx_theme"
html_title = "isingeq"
html_theme_options = {"navigation_depth": 2, "show_toc_level": 2}
