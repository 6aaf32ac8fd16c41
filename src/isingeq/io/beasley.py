"""OR-Library QUBO files (Beasley's ``bqp*.txt``): :func:`~isingeq.io.read_beasley`,
:func:`~isingeq.io.write_beasley`.

A file holds several instances and is read as one stream of whitespace-separated integers (the
OR-Library files pad their lines with spaces)::

    K                      number of instances in the file
    n nnz                  then, K times: the size and the number of entries,
    i j q                  and nnz triples: 1-based, i <= j, each unordered pair once

The OR-Library text: "maximise sum_{i,j} q(i,j) x(i) x(j) where q(i,j) is a symmetric matrix",
the file listing each ``q(i,j) = q(j,i)`` once. So a listed off-diagonal counts twice::

    f(x) = sum_i q_ii x_i + 2 sum_{i<j} q_ij x_i x_j          maximised over x in {0,1}^n

(without the factor 2 the optima come out at about half the published values). The model has
``H = -f``: ``eps_ii = q_ii``, ``eps_ij = 2 q_ij`` (see :mod:`isingeq.model`), and the instances
have sense ``"max"`` with ``objective(x) = -H(x) = f(x)``. Instance ``k`` of ``bqpN.txt`` is
called ``bqpN-k`` (k = 1..K), as in the OR-Library's tables. An entry written with ``i > j`` is
taken as ``j i``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..instance import Instance
from ..model import SpinGlass
from ._common import (
    FormatError,
    PathOrFile,
    Tokens,
    as_model,
    check_duplicates,
    check_node_count,
    check_range,
    default_name,
    open_text,
    qubo_entries,
    qubo_model,
    read_lines,
    triple_lines,
)

__all__ = ["read_beasley", "write_beasley"]


def read_beasley(path: PathOrFile, name: str | None = None) -> list[Instance]:
    """Read every QUBO in an OR-Library ``bqp`` file.

    Parameters
    ----------
    path : str, os.PathLike or file
        The file (gzip-compressed when the name ends in ``.gz``) or an open text file.
    name : str, optional
        The name prefix: instance ``k`` is called ``f"{name}-{k}"``. By default the file name
        less ``.gz`` and ``.txt``, so ``bqp250.txt`` gives ``bqp250-1`` ... ``bqp250-10``.

    Returns
    -------
    list of Instance
        In file order; sense ``"max"``, ``objective(x) = f(x)``, ``best_known`` None, ``meta``
        with ``"index"`` (k) and ``"entries"`` (nnz).

    Raises
    ------
    FormatError
        On an empty file, a count or size below its minimum, fewer or more tokens than the
        counts say, a non-numeric or non-finite token, an index outside ``1..n`` or a pair given
        twice; the message names the file and the line.

    Examples
    --------
    >>> import io
    >>> text = "2\\n 2 2\\n 1 1 3\\n 1 2 -2\\n 1 1\\n 1 1 5\\n"
    >>> a, b = read_beasley(io.StringIO(text), name="tiny")
    >>> a, a.objective([1, 1]), b.objective([1])     # 3 + 2 * (-2) = -1
    (Instance('tiny-1', n=2, sense='max'), -1.0, 5.0)
    """
    lines, source = read_lines(path)
    tok = Tokens(lines, source)
    if tok.at_end():
        raise FormatError(source, None, "expected the number of instances 'K', got an empty file")
    count_line = tok.line_of_next()
    count = tok.next_int("K")
    if count < 1:
        raise FormatError(
            source, count_line, f"expected the number of instances K >= 1, got {count}"
        )
    prefix = name if name is not None else default_name(source, "beasley")
    out: list[Instance] = []
    for k in range(1, count + 1):
        ctx = f" of instance {k} of {count}"
        header_line = tok.line_of_next()
        n = tok.next_int("n", ctx)
        if n < 1:
            raise FormatError(source, header_line, f"expected n >= 1{ctx}, got {n}")
        check_node_count(source, header_line, n, f"the header 'n nnz'{ctx}")
        nnz = tok.next_int("nnz", ctx)
        if nnz < 0:
            raise FormatError(source, header_line, f"expected nnz >= 0{ctx}, got {nnz}")
        i, j, q, lines_of = tok.triples(
            nnz, "i j q", f"{ctx} (line {header_line} says n={n} nnz={nnz})"
        )
        check_range(source, i, lines_of, 1, n, "i")
        check_range(source, j, lines_of, 1, n, "j")
        check_duplicates(source, i, j, lines_of)
        lo, hi = np.minimum(i, j) - 1, np.maximum(i, j) - 1
        out.append(
            Instance(
                name=f"{prefix}-{k}",
                model=qubo_model(n, lo, hi, q, sign=1.0),
                sense="max",
                best_known=None,
                scale=-1.0,
                shift=0.0,
                source=source,
                meta={"format": "beasley", "index": k, "entries": nnz},
            )
        )
    if not tok.at_end():
        raise FormatError(
            source,
            tok.line_of_next(),
            f"expected the end of the file after {count} instances (line {count_line} says "
            f"K={count}), got {tok.tokens[tok.pos]!r}",
        )
    return out


def write_beasley(instances: Instance | SpinGlass | Sequence[Any], path: PathOrFile) -> None:
    """Write QUBOs as one OR-Library ``bqp`` file (1-based, upper triangle, row-major).

    Each model is written as the QUBO ``f = -(H - offset)`` to maximise: ``q_ii = eps_ii`` and
    ``q_ij = eps_ij / 2``. The format has no constant, so ``model.offset`` is not written:
    reading the file back gives a model with ``H' = H - offset``. A ``"min"`` instance becomes
    a ``"max"`` one with the opposite objective (the same ground states). Only nonzero entries
    are written.

    Parameters
    ----------
    instances : Instance, SpinGlass or a sequence of them
        The instances, in file order.
    path : str, os.PathLike or file
        Where to write (gzip-compressed when the name ends in ``.gz``), or an open text file.

    Raises
    ------
    TypeError
        If an item is not an Instance or a SpinGlass.
    ValueError
        If there are no instances.

    Examples
    --------
    >>> import io
    >>> m = SpinGlass([[3.0, -4.0], [0.0, 0.0]])       # H = -(3 x0 - 4 x0 x1)
    >>> buf = io.StringIO()
    >>> write_beasley(m, buf)
    >>> print(buf.getvalue(), end="")
    1
    2 2
    1 1 3
    1 2 -2
    """
    items = [instances] if isinstance(instances, Instance | SpinGlass) else list(instances)
    if not items:
        raise ValueError("`instances` must hold at least one Instance or SpinGlass; got none")
    models = [as_model(x, f"instances[{k}]")[0] for k, x in enumerate(items)]
    rows = [f"{len(models)}\n"]
    for m in models:
        i, j, q = qubo_entries(m, sign=1.0)
        rows.append(f"{m.n} {len(q)}\n")
        rows.extend(triple_lines(i, j, q, base=1))
    with open_text(path, "w") as fh:
        fh.write("".join(rows))
