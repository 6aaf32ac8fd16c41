"""Biq Mac "sparse" QUBO files (``be*.sparse``, ``gka*.sparse``): :func:`~isingeq.io.read_biqmac`,
:func:`~isingeq.io.write_biqmac`.

The format of the Biq Mac Library (A. Wiegele, 2007)::

    n m            number of variables, number of entries
    i j q          m lines: 1-based, i <= j, the upper triangle of a symmetric Q, each pair once

The problem is ``min y^T Q y`` over ``y in {0,1}^n`` with ``Q`` symmetric, so a listed
off-diagonal counts twice, as in the OR-Library files::

    f(y) = sum_i q_ii y_i + 2 sum_{i<j} q_ij y_i y_j          minimised

The model has ``H = f``: ``eps_ii = -q_ii``, ``eps_ij = -2 q_ij`` (see :mod:`isingeq.model`), and
the instance has sense ``"min"`` with ``objective(x) = H(x)``. The library's ``gka*`` files are
``-1`` times the OR-Library ``bqpgka`` instances. An entry written with ``i > j`` is taken as
``j i``. (The Biq Mac max-cut sets ``rudy`` and ``ising`` are in the rudy format: read them with
:func:`isingeq.io.read_gset`.)
"""

from __future__ import annotations

import numpy as np

from ..instance import Instance
from ..model import SpinGlass
from ._common import (
    PathOrFile,
    as_model,
    check_duplicates,
    check_header_value,
    check_node_count,
    check_range,
    default_name,
    open_text,
    parse_header,
    parse_triples,
    qubo_entries,
    qubo_model,
    read_lines,
    triple_lines,
)

__all__ = ["read_biqmac", "write_biqmac"]


def read_biqmac(path: PathOrFile, name: str | None = None) -> Instance:
    """Read a Biq Mac ``.sparse`` QUBO (minimise ``y^T Q y``).

    Parameters
    ----------
    path : str, os.PathLike or file
        The file (gzip-compressed when the name ends in ``.gz``) or an open text file.
    name : str, optional
        The instance name; by default the file name less ``.gz`` and ``.sparse``
        (``be100.1.sparse`` gives ``be100.1``).

    Returns
    -------
    Instance
        Sense ``"min"``, ``objective(x) = f(x) = H(x)``, ``best_known`` None, ``meta`` with
        ``"entries"`` (m).

    Raises
    ------
    FormatError
        On a bad header, fewer or more than ``m`` entries, a line without three fields, a
        non-numeric or non-finite token, an index outside ``1..n`` or a pair given twice; the
        message names the file and the line.

    Examples
    --------
    >>> import io
    >>> inst = read_biqmac(io.StringIO("2 3\\n1 1 -3\\n1 2 1\\n2 2 -1\\n"), name="q2")
    >>> inst, inst.objective([1, 1])      # -3 - 1 + 2 * 1
    (Instance('q2', n=2, sense='min'), -2.0)
    """
    lines, source = read_lines(path)
    spec = "n m"
    (n, m), start = parse_header(lines, source, spec)
    check_header_value(source, start, "n", n, 1, spec)
    check_node_count(source, start, n, f"the header '{spec}'")
    check_header_value(source, start, "m", m, 0, spec)
    t = parse_triples(lines, start, source, "i j q", count=m, count_line=start)
    check_range(source, t.i, t.lines, 1, n, "i")
    check_range(source, t.j, t.lines, 1, n, "j")
    check_duplicates(source, t.i, t.j, t.lines)
    lo, hi = np.minimum(t.i, t.j) - 1, np.maximum(t.i, t.j) - 1
    return Instance(
        name=name if name is not None else default_name(source, "biqmac"),
        model=qubo_model(n, lo, hi, t.v, sign=-1.0),
        sense="min",
        best_known=None,
        scale=1.0,
        shift=0.0,
        source=source,
        meta={"format": "biqmac", "entries": m},
    )


def write_biqmac(instance: Instance | SpinGlass, path: PathOrFile) -> None:
    """Write a model as a Biq Mac ``.sparse`` QUBO (1-based, upper triangle, row-major).

    The model is written as ``f = H - offset`` to minimise: ``q_ii = -eps_ii``,
    ``q_ij = -eps_ij / 2``. The format has no constant, so ``model.offset`` is not written:
    reading the file back gives ``H' = H - offset``. Only nonzero entries are written.

    Parameters
    ----------
    instance : Instance or SpinGlass
    path : str, os.PathLike or file
        Where to write (gzip-compressed when the name ends in ``.gz``), or an open text file.

    Raises
    ------
    TypeError
        If ``instance`` is not an Instance or a SpinGlass.

    Examples
    --------
    >>> import io
    >>> buf = io.StringIO()
    >>> write_biqmac(SpinGlass([[3.0, -4.0], [0.0, 0.5]]), buf)
    >>> print(buf.getvalue(), end="")
    2 3
    1 1 -3
    1 2 2
    2 2 -0.5
    """
    model, _ = as_model(instance)
    i, j, q = qubo_entries(model, sign=-1.0)
    rows = [f"{model.n} {len(q)}\n", *triple_lines(i, j, q, base=1)]
    with open_text(path, "w") as fh:
        fh.write("".join(rows))
