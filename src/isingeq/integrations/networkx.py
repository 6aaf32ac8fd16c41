"""networkx graphs in and out: :func:`maxcut` of any graph, and a model as a graph.

A networkx graph can mean two different things to isingeq, and each has its own function:

* **A max-cut graph** (:func:`maxcut`, :func:`maxcut_model`): vertices with weighted edges,
  and the problem is to split the vertices into two sides so that the total weight of the edges
  between the sides, ``cut(x) = sum_edges w_uv [x_u != x_v]``, is largest. The model is
  :meth:`isingeq.SpinGlass.from_maxcut`, so ``H(x) = -cut(x)`` (see :mod:`isingeq.model` for the
  Hamiltonian) and a ground state is a maximum cut. A missing weight is 1 (networkx's own
  convention); integer, float, ``Decimal``, ``Fraction`` and negative weights are taken as they
  are. When no edge carries the weight attribute but edges carry another number, a
  UserWarning names them: a misspelt ``weight=`` would otherwise cut the graph unweighted
  without a word (``weight=None`` counts edges on purpose, without it).
* **A model drawn as a graph** (:func:`from_networkx`, :func:`to_networkx`, also reachable as
  :meth:`isingeq.SpinGlass.from_networkx` and :meth:`isingeq.SpinGlass.to_networkx`): node ``i``
  carries the bias ``eps_ii`` and edge ``(i, j)`` the coupling ``eps_ij`` in the paper's sign
  (``H = -sum_{i<=j} eps_ij n_i n_j``; a positive ``eps_ij`` favours ``n_i = n_j = 1``), both
  under one attribute name, ``"eps"`` by default; ``G.graph["offset"]`` holds the model's
  offset. This is the model itself, not a max-cut graph: ``SpinGlass.from_networkx(
  model.to_networkx()) == model``. For the max-cut graph of a model, use
  :meth:`isingeq.SpinGlass.to_maxcut`.

Variable ``i`` is the ``i``-th node of ``nodelist`` (default ``list(G)``, the graph's own
iteration order, as in ``networkx.to_numpy_array``); any hashable node labels work.

What is refused, and why (every message names the parameter and echoes the value):

* a weight that is not a real number (a string, None, a complex number, a bool) -- TypeError:
  it would otherwise be guessed at; so is a ``weight`` / ``attr`` that cannot name an edge
  attribute (unhashable, or a bool, which ``G.edges(data=...)`` reads as "all" / "none");
* a NaN or infinite weight -- ValueError: no cut has a finite value then;
* a self-loop -- ValueError: an edge from a vertex to itself is never cut, so a solver would
  ignore it, but a self-loop in a max-cut graph is most often a misplaced bias, and the answer
  would silently not be what was meant. Drop them with
  ``G.remove_edges_from(list(nx.selfloop_edges(G)))`` when they are meant to be ignored; in a
  model graph a bias belongs on the node's attribute;
* a directed graph -- TypeError: a cut is undirected, and whether ``u -> v`` and ``v -> u`` add
  up or are one edge is the caller's choice (``G.to_undirected()`` keeps one of them);
* a graph without nodes -- ValueError.

Multigraphs are accepted: parallel edges add up (each edge between the sides counts once in
the cut), as repeated pairs do in :meth:`isingeq.SpinGlass.from_maxcut`.

networkx is an optional dependency (``pip install "isingeq[networkx]"``), imported when one of
these functions is called; ``import isingeq`` does not import it.
"""

from __future__ import annotations

import decimal
import numbers
import time
import warnings
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from .._optional import require
from .._validation import check_model, check_real
from ..model import SpinGlass, _maxcut_overflow
from ..result import SolveResult

__all__ = ["MaxCutResult", "from_networkx", "maxcut", "maxcut_model", "to_networkx"]


@dataclass(frozen=True, eq=False)
class MaxCutResult:
    """A cut of a networkx graph found by :func:`maxcut`.

    Attributes
    ----------
    cut_value : float
        The total weight of the edges between the two sides, summed from the graph's own
        weights (equal to ``-result.best_energy`` up to rounding).
    partition : tuple of two sets
        The graph's own node labels on side 0 and on side 1 (``result.best_sample`` 0 and 1);
        the two sets cover every node once, as in ``networkx.algorithms.approximation.maxcut``.
    nodes : list
        Variable ``i`` of the model is ``nodes[i]``.
    result : SolveResult
        What :func:`isingeq.solve` returned on the max-cut model
        (:func:`~isingeq.integrations.networkx.maxcut_model`): every read, its energy ``H = -cut``,
        timing and the method's ``info``.
    """

    cut_value: float
    partition: tuple[set[Any], set[Any]]
    nodes: list[Any]
    result: SolveResult

    def __repr__(self) -> str:
        a, b = self.partition
        return (
            f"MaxCutResult(cut_value={self.cut_value:g}, sides of {len(a)} and {len(b)} nodes, "
            f"method={self.result.method!r})"
        )


def _check_graph(G: Any, name: str = "G") -> Any:
    nx = require("networkx", "isingeq's networkx integration", "networkx")
    if not isinstance(G, nx.Graph):
        raise TypeError(f"`{name}` must be a networkx graph; got {type(G).__name__}")
    if G.is_directed():
        raise TypeError(
            f"`{name}` must be undirected; got a {type(G).__name__}. A cut is undirected: "
            "convert it with G.to_undirected() (which keeps one of u->v and v->u), or build an "
            "nx.Graph that adds their weights, whichever is meant"
        )
    if G.number_of_nodes() == 0:
        raise ValueError(f"`{name}` must have at least one node; got an empty graph")
    return nx


def _node_order(G: Any, nodelist: Sequence[Hashable] | None) -> tuple[list[Any], dict[Any, int]]:
    """The variable order and its inverse; ``nodelist`` must list every node of G once."""
    nodes = list(G) if nodelist is None else list(nodelist)
    try:
        index = {u: i for i, u in enumerate(nodes)}
    except TypeError:  # an unhashable entry can be no node of G
        bad = next(u for u in nodes if not isinstance(u, Hashable))
        raise TypeError(
            f"`nodelist` must list the nodes of G; got {bad!r} ({type(bad).__name__}), which is "
            "unhashable and so no node"
        ) from None
    if nodelist is not None:
        if len(index) != len(nodes):
            dup = next(u for i, u in enumerate(nodes) if index[u] != i)
            raise ValueError(f"`nodelist` must list each node once; got {dup!r} twice")
        missing = [u for u in G if u not in index]
        extra = [u for u in nodes if u not in G]
        if missing or extra:
            what = f"lacks the node {missing[0]!r}" if missing else f"has {extra[0]!r}, not in G"
            raise ValueError(f"`nodelist` must list every node of G and no other; it {what}")
    return nodes, index


def _real(value: Any, what: str, attr: Any) -> float:
    """One weight as a finite float; TypeError / ValueError naming the edge or node."""
    # Decimal is not a numbers.Real, but it is a real number (weights read from a database come
    # as Decimal) and networkx's cut_size adds it up: it is taken, as a float
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, decimal.Decimal)):
        raise TypeError(
            f"{what} has a non-numeric {attr!r} attribute: {value!r} ({type(value).__name__}); "
            "weights must be real numbers"
        )
    try:
        out = float(value)
    except OverflowError:  # an int beyond float's range
        out = float("inf")
    except ValueError:  # Decimal("sNaN")
        out = float("nan")
    if not np.isfinite(out):
        raise ValueError(f"{what} has a non-finite {attr!r} attribute: {value!r}")
    return out


#: Weight types whose whole column converts in one ``np.array(..., dtype=float)`` (exact types:
#: ``bool`` is an ``int`` and is refused); any other goes through :func:`_real` one at a time.
_PLAIN = frozenset({float, int, np.float64, np.float32, np.int64, np.int32})

#: What ``G.edges(data=attr, default=_MISSING)`` gives for an edge without the attribute.
_MISSING = object()


def _check_attr(attr: Any, name: str) -> None:
    """``attr`` names an edge attribute: hashable, and not a bool (``G.edges(data=True)`` would
    read it as "every attribute", ``data=False`` as "none")."""
    if isinstance(attr, bool) or not isinstance(attr, Hashable):
        raise TypeError(
            f"`{name}` must be the name of an edge attribute (hashable, not a bool) or None; "
            f"got {attr!r} ({type(attr).__name__})"
        )


def _edge_arrays(
    G: Any, index: dict[Any, int], attr: Any, default: float
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], int]:
    """Endpoints (as indices, ``i < j``) and validated weights of every edge of G, and how many
    edges lack ``attr`` (they weigh ``default``).

    One pass over the edges in Python, the rest on whole arrays: on a graph of 10^5 edges the
    per-edge checks were most of the conversion, which a ``time_limit`` counts. Only when a
    column is not plain floats / ints, or holds a NaN or infinity, is it read one weight at a
    time, for the message naming the edge.
    """
    if attr is None:
        pairs = list(G.edges())
        raw: list[Any] = []
    else:
        triples = list(G.edges(data=attr, default=_MISSING))
        pairs = [(u, v) for u, v, _ in triples]
        raw = [value for *_, value in triples]
    m = len(pairs)  # what the iteration gave, not G.number_of_edges(): views may disagree
    ends = np.fromiter((index[x] for pair in pairs for x in pair), dtype=np.int64, count=2 * m)
    a, b = ends[0::2], ends[1::2]
    loops = np.flatnonzero(a == b)
    if loops.size:
        raise ValueError(
            f"`G` has a self-loop at node {pairs[int(loops[0])][0]!r}: an edge from a node to "
            "itself is never cut, and in a model graph the bias goes on the node's attribute; "
            "remove self-loops with G.remove_edges_from(list(nx.selfloop_edges(G)))"
        )
    rows, cols = np.minimum(a, b), np.maximum(a, b)
    if attr is None:
        return rows, cols, np.full(m, float(default)), 0
    missing = sum(1 for value in raw if value is _MISSING)
    values = [default if value is _MISSING else value for value in raw] if missing else raw
    w: NDArray[np.float64] | None = None
    if set(map(type, values)) <= _PLAIN:
        try:
            w = np.array(values, dtype=np.float64).reshape(m)
        except OverflowError:  # an int beyond float's range: named below
            w = None
    if w is None or not np.isfinite(w).all():
        w = np.array(
            [_real(x, f"`G` edge {uv!r}", attr) for uv, x in zip(pairs, values, strict=True)],
            dtype=np.float64,
        ).reshape(m)
    return rows, cols, w, missing


def _warn_unread_weights(G: Any, weight: Any, m: int, missing: int) -> None:
    """A UserWarning when no edge carries ``weight`` but edges carry another number: most often
    a misspelt or other attribute name, which networkx's convention (a missing weight is 1)
    would turn silently into an unweighted cut."""
    if weight is None or m == 0 or missing < m:
        return
    others = sorted(
        {
            repr(key)
            for *_, d in G.edges(data=True)
            for key, value in d.items()
            if isinstance(value, numbers.Real) and not isinstance(value, bool)
        }
    )
    if others:
        warnings.warn(
            f"no edge of `G` carries the weight attribute {weight!r}, so every edge weighs 1; "
            f"its edges carry {', '.join(others[:5])}: pass weight= one of them to cut by it, "
            "or weight=None to count edges without this warning",
            UserWarning,
            stacklevel=4,
        )


def maxcut_model(
    G: Any, weight: Hashable | None = "weight", *, nodelist: Sequence[Hashable] | None = None
) -> tuple[SpinGlass, list[Any]]:
    """The max-cut model of a networkx graph, ``H(x) = -cut(x)``, and its variable order.

    Parameters
    ----------
    G : networkx.Graph or networkx.MultiGraph
        Undirected; any hashable node labels.
    weight : hashable or None, default "weight"
        The edge attribute holding the weight; an edge without it weighs 1, and ``None`` makes
        every edge weigh 1 (networkx's convention). A UserWarning says when no edge carries it
        but edges carry another number (most often a misspelt name).
    nodelist : sequence, optional
        The variable order (every node once); default ``list(G)``.

    Returns
    -------
    model : SpinGlass
        :meth:`~isingeq.SpinGlass.from_maxcut` of the graph (sparse): the same model as a Gset file
        of the same edges gives.
    nodes : list
        Variable ``i`` is ``nodes[i]``.

    Raises
    ------
    TypeError
        If ``G`` is not an undirected networkx graph, a weight is not a real number, or
        ``weight`` cannot name an attribute or ``nodelist`` holds an unhashable entry.
    ValueError
        On an empty graph, a NaN or infinite weight, a self-loop or a bad ``nodelist``.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph([("a", "b", {"weight": 2}), ("b", "c", {"weight": -1})])
    >>> model, nodes = maxcut_model(G)
    >>> nodes, -model.energy([1, 0, 1])       # a | b | c: both edges cut
    (['a', 'b', 'c'], 1.0)
    """
    model, nodes, _ = _maxcut_parts(G, weight, nodelist)
    return model, nodes


def _maxcut_parts(
    G: Any, weight: Hashable | None, nodelist: Sequence[Hashable] | None
) -> tuple[SpinGlass, list[Any], tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]]:
    _check_graph(G)
    if weight is not None:
        _check_attr(weight, "weight")
    nodes, index = _node_order(G, nodelist)
    rows, cols, w, missing = _edge_arrays(G, index, weight, 1.0)
    _warn_unread_weights(G, weight, len(w), missing)
    k = _maxcut_overflow(w)
    if k is not None:  # named here by the graph's own edge, as from_maxcut cannot
        raise ValueError(
            f"`G`'s {weight!r} weights are too large for float64: the max-cut model's "
            f"coefficients sum in magnitude past {np.finfo(np.float64).max:.3g}, so energies "
            f"would overflow (largest: edge {(nodes[rows[k]], nodes[cols[k]])!r}, {w[k]:g}); "
            "scale the weights down (the maximum cut does not change)"
        )
    model = SpinGlass.from_maxcut(len(nodes), np.stack([rows, cols], axis=1), w)
    return model, nodes, (rows, cols, w)


def maxcut(
    G: Any,
    weight: Hashable | None = "weight",
    method: str = "auto",
    *,
    rng: Any = None,
    nodelist: Sequence[Hashable] | None = None,
    **options: Any,
) -> MaxCutResult:
    """A maximum (or large) weighted cut of a networkx graph, through :func:`isingeq.solve`.

    Builds :func:`~isingeq.integrations.networkx.maxcut_model` (``H = -cut``) and solves it with the
    same methods and options as :func:`isingeq.solve`, so the same ``method``, ``rng`` and options
    give the same cut as ``isingeq.solve`` on the model of a Gset file with the same edges.

    Parameters
    ----------
    G : networkx.Graph or networkx.MultiGraph
        Undirected; any hashable node labels; parallel edges add up.
    weight : hashable or None, default "weight"
        The edge attribute holding the weight (integer, float, Decimal, Fraction, negative); an
        edge without it weighs 1, and ``None`` makes every edge weigh 1. A UserWarning says
        when no edge carries it but edges carry another number (most often a misspelt name).
    method : str, default "auto"
        Any method of :func:`isingeq.solve`: ``"auto"`` enumerates graphs of up to 24 nodes
        exactly (a true maximum cut) and runs the strongest heuristic on larger ones.
    rng : None, int, SeedSequence or Generator, optional
        The source of randomness, as in :func:`isingeq.solve`.
    nodelist : sequence, optional
        The variable order (every node once); default ``list(G)``.
    **options
        The method's options (``num_reads``, ``num_sweeps``, ``time_limit``, ...); a misspelled
        one is a TypeError, as in :func:`isingeq.solve`. ``time_limit`` counts from the call,
        the graph's conversion included, as
        :class:`~isingeq.integrations.dimod.MeanFieldSampler` counts the BQM's.

    Returns
    -------
    MaxCutResult
        ``cut_value``, ``partition`` (two sets of the graph's node labels), ``nodes`` and the
        underlying ``result``.

    Raises
    ------
    TypeError
        If ``G`` is not an undirected networkx graph, a weight is not a real number or an option
        is not accepted by ``method``.
    ValueError
        On an empty graph, a NaN or infinite weight, a self-loop, a bad ``nodelist`` or a bad
        option value.

    Examples
    --------
    >>> import networkx as nx
    >>> import isingeq
    >>> cut = isingeq.maxcut(nx.cycle_graph(5))       # an odd cycle: all edges but one
    >>> cut.cut_value, sorted(map(len, cut.partition))
    (4.0, [2, 3])
    """
    from ..solvers import solve

    t0 = time.perf_counter()
    limit = options.get("time_limit")
    if limit is not None:
        limit = options["time_limit"] = check_real("time_limit", limit, low=0.0, low_open=True)
    model, nodes, (rows, cols, w) = _maxcut_parts(G, weight, nodelist)
    if limit is not None:  # seconds from the call: the graph's conversion is part of them
        options["time_limit"] = max(limit - (time.perf_counter() - t0), 1e-3)
    result = solve(model, method, rng=rng, **options)
    if limit is not None:
        result.info["options"]["time_limit"] = limit
    x = result.best_sample
    value = float(w[x[rows] != x[cols]].sum())
    partition = (
        {u for u, xi in zip(nodes, x, strict=True) if xi == 0},
        {u for u, xi in zip(nodes, x, strict=True) if xi == 1},
    )
    return MaxCutResult(cut_value=value, partition=partition, nodes=nodes, result=result)


def from_networkx(
    G: Any, attr: Hashable = "eps", *, nodelist: Sequence[Hashable] | None = None
) -> SpinGlass:
    """The model a graph draws: biases ``eps_ii`` on the nodes, couplings ``eps_ij`` on the edges.

    The inverse of :func:`to_networkx` (see the module docstring for the two meanings a graph
    can have; for a max-cut graph use :func:`maxcut_model`).

    Parameters
    ----------
    G : networkx.Graph or networkx.MultiGraph
        Undirected, no self-loops; any hashable node labels; parallel edges add up.
    attr : hashable, default "eps"
        The node attribute holding ``eps_ii`` (0 where missing) and the edge attribute holding
        ``eps_ij`` (1 where missing, networkx's convention for an edge weight), in the paper's
        sign: ``H = -sum_{i<=j} eps_ij n_i n_j``. Edges that carry ``weight`` and none of
        ``attr`` give a UserWarning (their weights are not read).
    nodelist : sequence, optional
        The variable order (every node once); default ``list(G)``.

    Returns
    -------
    SpinGlass
        Sparse; its offset is ``G.graph["offset"]`` (0 when absent).

    Raises
    ------
    TypeError
        If ``G`` is not an undirected networkx graph or an attribute is not a real number.
    ValueError
        On an empty graph, a NaN or infinite attribute, a self-loop or a bad ``nodelist``.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph()
    >>> G.add_node("a", eps=1.0)
    >>> G.add_edge("a", "b", eps=-2.0)
    >>> m = from_networkx(G)
    >>> m.energy([1, 1]), m.energy([1, 0])          # -(1 - 2), -(1)
    (1.0, -1.0)
    """
    return _from_networkx(G, attr, nodelist)


def _from_networkx(G: Any, attr: Hashable, nodelist: Sequence[Hashable] | None) -> SpinGlass:
    """:func:`from_networkx`, called by it and by :meth:`isingeq.SpinGlass.from_networkx` alike
    (one frame below the user's line in both, for the warning's ``stacklevel``)."""
    _check_graph(G)
    _check_attr(attr, "attr")
    nodes, index = _node_order(G, nodelist)
    n = len(nodes)
    rows, cols, w, missing = _edge_arrays(G, index, attr, 1.0)
    unread = attr not in (None, "weight") and 0 < len(w) == missing
    if unread and any("weight" in d for *_, d in G.edges(data=True)):
        # networkx's usual edge attribute, which this reading does not take: say so
        warnings.warn(
            f"`G`'s edges carry 'weight' but none carries {attr!r}: every coupling is taken as "
            f"1; pass attr='weight' to read the weights as eps_ij, or use maxcut_model(G) for "
            "a graph to cut",
            UserWarning,
            stacklevel=3,  # the caller of from_networkx / SpinGlass.from_networkx
        )
    bias = np.array(
        [_real(G.nodes[u].get(attr, 0.0), f"`G` node {u!r}", attr) for u in nodes], dtype=float
    )
    offset = _real(G.graph.get("offset", 0.0), "`G.graph`", "offset")
    diag = np.arange(n)
    entries = (np.concatenate([w, bias]), (np.r_[rows, diag], np.r_[cols, diag]))
    m = sp.csr_array(sp.coo_array(entries, shape=(n, n)))
    m.sum_duplicates()
    m.eliminate_zeros()
    return SpinGlass(m, offset=offset)


def to_networkx(
    model: SpinGlass, attr: Hashable = "eps", *, nodelist: Sequence[Hashable] | None = None
) -> Any:
    """The model as a graph: ``eps_ii`` on every node, ``eps_ij != 0`` on the edges.

    The inverse of :func:`from_networkx`: ``from_networkx(to_networkx(m)) == m``.

    Parameters
    ----------
    model : SpinGlass
    attr : hashable, default "eps"
        The node and edge attribute to write (the paper's sign, see :mod:`isingeq.model`).
    nodelist : sequence of hashable, optional
        Labels for the variables, ``nodelist[i]`` for variable ``i`` (distinct); default
        ``0..n-1``.

    Returns
    -------
    networkx.Graph
        Nodes in variable order, each with ``attr`` (its bias, zeros included); one edge per
        nonzero coupling; ``G.graph["offset"]`` = ``model.offset``.

    Raises
    ------
    TypeError
        If ``model`` is not a SpinGlass.
    ValueError
        If ``nodelist`` has the wrong length or repeats a label.

    Examples
    --------
    >>> m = SpinGlass([[1.0, -2.0], [0.0, 0.5]])
    >>> G = to_networkx(m, nodelist=["x", "y"])
    >>> dict(G.nodes(data="eps")), list(G.edges(data="eps"))
    ({'x': 1.0, 'y': 0.5}, [('x', 'y', -2.0)])
    """
    nx = require("networkx", "SpinGlass.to_networkx", "networkx")
    check_model(model)
    labels: list[Any] = list(range(model.n)) if nodelist is None else list(nodelist)
    if len(labels) != model.n or len(set(labels)) != model.n:
        raise ValueError(
            f"`nodelist` must give {model.n} distinct labels, one per variable; got "
            f"{len(labels)} with {len(set(labels))} distinct"
        )
    G = nx.Graph(offset=model.offset)
    G.add_nodes_from((u, {attr: float(b)}) for u, b in zip(labels, model.h, strict=True))
    coo = sp.coo_array(sp.triu(sp.csr_array(model.eps), k=1))
    keep = coo.data != 0
    G.add_edges_from(
        (labels[i], labels[j], {attr: float(v)})
        for i, j, v in zip(coo.row[keep], coo.col[keep], coo.data[keep], strict=True)
    )
    return G
