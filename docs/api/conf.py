"""Sphinx configuration of the bayes_u1x API reference (built from the docstrings).

Build: ``sphinx-build -W --keep-going -b html docs/api build/api`` (warnings are errors in CI).
"""
from importlib.metadata import version as _version

project = "bayes_u1x"
author = "the bayes_u1x developers"
release = _version("bayes-u1x")
extensions = ["sphinx.ext.autodoc", "sphinx.ext.napoleon", "sphinx.ext.viewcode"]
autodoc_default_options = {"members": True, "undoc-members": False, "show-inheritance": True}
autodoc_member_order = "bysource"
autodoc_typehints = "description"
napoleon_numpy_docstring = True
napoleon_google_docstring = False
napoleon_use_ivar = True
nitpicky = False
# informal type descriptions in the docstrings ("{model name: EvidenceResult}") are not meant as references
suppress_warnings = ["ref.python"]
html_theme = "alabaster"
exclude_patterns = ["_build"]


def _plain_bars(app, what, name, obj, options, lines):
    """The docstrings write |x| for absolute values and |M|² for amplitudes: not RST substitutions."""
    for i, line in enumerate(lines):
        lines[i] = line.replace("|", "\\|")


def setup(app):
    app.connect("autodoc-process-docstring", _plain_bars)
