"""The ``isingeq`` command line (typer + rich): a thin layer over the library.

Each command parses its flags, calls the library and renders the result; nothing here solves,
resolves instances, parses method options or writes records itself.

==================  ===========================================================================
:mod:`.app`         the Typer app, ``main``, one-line errors (exit 2) and ``warning:`` lines,
                    the list parser and the output-path checks every command shares
:mod:`.solving`     ``isingeq solve``, ``methods``, ``instances`` (no experiment harness imported)
:mod:`.experiments` ``isingeq reproduce``, ``bench``, ``analyze``, ``perceptron``
:mod:`.render`      every rich table
:mod:`._progress`   progress bars on stderr
==================  ===========================================================================
"""

from . import experiments, solving  # noqa: F401  (registers the commands, in this order)
from .app import app, main

__all__ = ["app", "main"]
