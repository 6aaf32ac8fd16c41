"""Max-cut graphs in the Gset / rudy format: :func:`~isingeq.io.read_gset` (alias
:func:`~isingeq.io.read_rudy`), :func:`~isingeq.io.write_gset`.

The format of G. Rinaldi's ``rudy`` generator, used by Y. Ye's Gset and by the Biq Mac ``rudy`` and
``ising`` sets::

    n m            number of vertices, number of edges
    i j w          m lines: an undirected edge between vertices i and j (1-based) of weight w

Vertices are ``1..n`` in the file and ``0..n-1`` in isingeq. An edge may be written ``i j`` or
``j i`` (the Biq Mac ``ising`` files list the periodic wrap edges with ``i > j``), but only once;
self-loops are errors. Weights may be any finite numbers.

The instance maximises the cut ``cut(x) = sum_edges w_ij [x_i != x_j]``. Its model is
:meth:`isingeq.SpinGlass.from_maxcut`, so ``H(x) = -cut(x)`` and ``objective(x) = -H(x)`` (scale
-1, shift 0) is the cut value itself; see :mod:`isingeq.model` for the Hamiltonian.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ..instance import Instance
from ..model import SpinGlass
from ._common import (
    FormatError,
    PathOrFile,
    check_duplicates,
    check_header_value,
    check_node_count,
    check_range,
    default_name,
    open_text,
    parse_header,
    parse_triples,
    read_lines,
    triple_lines,
)

__all__ = ["read_gset", "read_rudy", "write_gset"]


def read_gset(path: PathOrFile, name: str | None = None) -> Instance:
    """Read a max-cut graph in the Gset / rudy format.

    Parameters
    ----------
    path : str, os.PathLike or file
        The file (gzip-compressed when the name ends in ``.gz``) or an open text file.
    name : str, optional
        The instance name; by default the file name less ``.gz`` and a ``.txt`` (or ``.gset``,
        ``.rud``, ``.rudy``) extension, e.g. ``"G1"`` or ``"g05_100.0"``.

    Returns
    -------
    Instance
        Sense ``"max"``, ``objective(x)`` = the cut value, ``best_known`` None. ``meta`` holds
        ``"edges"`` (int64, shape (m, 2), 0-based, as listed) and ``"weights"`` (float64,
        shape (m,)), read-only, which :func:`~isingeq.io.write_gset` writes back.

    Raises
    ------
    FormatError
        On a bad header, fewer or more than ``m`` edges, a line without three fields, a
        non-numeric or non-finite token, a vertex outside ``1..n``, a self-loop or an edge
        given twice; the message names the file and the line.

    Examples
    --------
    >>> import io
    >>> inst = read_gset(io.StringIO("3 2\\n1 2 1\\n3 2 -1\\n"), name="path3")
    >>> inst, inst.objective([1, 0, 0]), inst.objective([0, 1, 0])
    (Instance('path3', n=3, sense='max'), 1.0, 0.0)
    >>> read_gset(io.StringIO("3 2\\n1 2 1\\n2 4 1\\n"))
    Traceback (most recent call last):
    ...
    isingeq.io.FormatError: <stream>, line 3: expected 'j' in 1..3, got 4
    """
    lines, source = read_lines(path)
    spec = "n m"
    (n, m), start = parse_header(lines, source, spec)
    check_header_value(source, start, "n", n, 1, spec)
    check_node_count(source, start, n, f"the header '{spec}'")
    check_header_value(source, start, "m", m, 0, spec)
    t = parse_triples(lines, start, source, "i j w", count=m, count_line=start)
    check_range(source, t.i, t.lines, 1, n, "i")
    check_range(source, t.j, t.lines, 1, n, "j")
    loops = np.flatnonzero(t.i == t.j)
    if loops.size:
        k = int(loops[0])
        raise FormatError(
            source,
            int(t.lines[k]),
            f"expected an edge between two different vertices, got the self-loop "
            f"{int(t.i[k])} {int(t.j[k])}",
        )
    check_duplicates(source, t.i, t.j, t.lines, what="edge")
    edges = np.stack([t.i - 1, t.j - 1], axis=1)
    weights = t.v
    model = SpinGlass.from_maxcut(n, edges, weights)
    edges.flags.writeable = False
    weights.flags.writeable = False
    return Instance(
        name=name if name is not None else default_name(source, "gset"),
        model=model,
        sense="max",
        best_known=None,
        scale=-1.0,
        shift=0.0,
        source=source,
        meta={"format": "gset", "edges": edges, "weights": weights},
    )


#: The rudy format is the Gset format.
read_rudy = read_gset


def write_gset(
    graph: Instance | None = None,
    path: PathOrFile | None = None,
    *,
    n: int | None = None,
    edges: ArrayLike | None = None,
    weights: ArrayLike | None = None,
) -> None:
    """Write a max-cut graph in the Gset / rudy format (1-based, one edge per line).

    Give either an instance read by :func:`~isingeq.io.read_gset` (its ``meta["edges"]`` and
    ``meta["weights"]`` are written as they were read, so a file round-trips edge for edge), or
    the graph as keywords ``n``, ``edges`` (0-based) and ``weights``. For a general model, build
    the graph with :meth:`isingeq.SpinGlass.to_maxcut` first.

    Parameters
    ----------
    graph : Instance, optional
        An instance whose ``meta`` holds ``"edges"`` and ``"weights"``.
    path : str, os.PathLike or file
        Where to write (gzip-compressed when the name ends in ``.gz``), or an open text file.
    n : int, optional
        Number of vertices (with ``edges``).
    edges : array_like of int, shape (m, 2), optional
        0-based undirected edges, each pair once, no self-loops.
    weights : array_like, shape (m,), optional
        Finite edge weights; 1 if omitted.

    Raises
    ------
    TypeError
        If ``graph`` is not an Instance, or ``path`` is missing.
    ValueError
        If both or neither of ``graph`` and ``edges`` are given, the instance has no graph in
        its ``meta``, or the graph is invalid (the message names the edge).

    Examples
    --------
    >>> import io
    >>> buf = io.StringIO()
    >>> write_gset(path=buf, n=3, edges=[(0, 1), (2, 1)], weights=[1, -2.5])
    >>> print(buf.getvalue(), end="")
    3 2
    1 2 1
    3 2 -2.5
    >>> _ = buf.seek(0)
    >>> read_gset(buf).objective([0, 1, 0])
    -1.5
    """
    if path is None:
        raise TypeError("write_gset() needs `path`")
    if graph is not None:
        if edges is not None or n is not None or weights is not None:
            raise ValueError("give either `graph` or `n`, `edges`, `weights`, not both")
        if not isinstance(graph, Instance):
            raise TypeError(
                f"`graph` must be an Instance read by read_gset; got {type(graph).__name__} "
                "(for a SpinGlass, pass n=, edges=, weights= from model.to_maxcut())"
            )
        if "edges" not in graph.meta or "weights" not in graph.meta:
            raise ValueError(
                f"instance {graph.name!r} has no graph in its meta (it was not read by "
                "read_gset); pass n=, edges=, weights= instead, e.g. from model.to_maxcut()"
            )
        n, e, w = graph.n, _check_edges(graph.n, graph.meta["edges"]), graph.meta["weights"]
        w = _check_weights(w, len(e))
    else:
        if n is None or edges is None:
            raise ValueError("give `graph` (an Instance) or both `n` and `edges`")
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
            raise ValueError(f"`n` must be a positive integer; got {n!r}")
        e = _check_edges(int(n), edges)
        w = np.ones(len(e)) if weights is None else _check_weights(weights, len(e))
    rows = [f"{n} {len(e)}\n", *triple_lines(e[:, 0], e[:, 1], w, base=1)]
    with open_text(path, "w") as fh:
        fh.write("".join(rows))


def _check_edges(n: int, edges: Any) -> np.ndarray:
    e = np.asarray(edges)
    if e.size == 0:
        e = e.reshape(0, 2).astype(np.int64)
    if e.ndim != 2 or e.shape[1] != 2 or not np.issubdtype(e.dtype, np.integer):
        raise ValueError(
            f"`edges` must be an integer array of shape (m, 2); got shape {e.shape} ({e.dtype})"
        )
    e = e.astype(np.int64)
    bad = np.flatnonzero((e < 0).any(axis=1) | (e >= n).any(axis=1))
    if bad.size:
        k = int(bad[0])
        raise ValueError(
            f"`edges` row {k} = {tuple(e[k].tolist())} has a vertex outside 0..{n - 1}"
        )
    loops = np.flatnonzero(e[:, 0] == e[:, 1])
    if loops.size:
        k = int(loops[0])
        raise ValueError(f"`edges` row {k} = {tuple(e[k].tolist())} is a self-loop")
    lo, hi = np.minimum(e[:, 0], e[:, 1]), np.maximum(e[:, 0], e[:, 1])
    key = lo * n + hi
    order = np.argsort(key, kind="stable")
    rep = np.flatnonzero(key[order][1:] == key[order][:-1])
    if rep.size:
        a, b = int(order[rep[0]]), int(order[rep[0] + 1])
        raise ValueError(
            f"`edges` rows {a} and {b} are the same edge {tuple(e[a].tolist())}; "
            "the format lists each edge once (add the weights)"
        )
    return e


def _check_weights(weights: Any, m: int) -> np.ndarray:
    arr = np.asarray(weights)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise TypeError(f"`weights` must be numeric; got dtype {arr.dtype}")
    if np.iscomplexobj(arr):
        raise TypeError(f"`weights` must be real; got dtype {arr.dtype}")
    if arr.shape != (m,):
        raise ValueError(f"`weights` must have shape ({m},), one per edge; got shape {arr.shape}")
    w = arr.astype(np.float64)
    if not np.isfinite(w).all():
        k = int(np.flatnonzero(~np.isfinite(w))[0])
        raise ValueError(f"`weights` must be finite; got {w[k]} at index {k}")
    return w
