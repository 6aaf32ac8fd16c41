"""isingeq.maxcut and the networkx conversions: brute force on small graphs, a Gset graph read
into networkx against the file's own model, round trips, and the refused inputs."""

from __future__ import annotations

import itertools
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import isingeq
from isingeq import SpinGlass
from isingeq.integrations.networkx import from_networkx, maxcut_model, to_networkx

nx = pytest.importorskip("networkx")

GSET = Path(__file__).parents[2].parent / "shared" / "data" / "gset" / "G1.txt"
G1_BEST_KNOWN = 11624.0


def brute_force_maxcut(G: nx.Graph, weight: str | None = "weight") -> float:
    """The largest cut by enumerating every split, with networkx's own cut_size."""
    nodes = list(G)
    best = -math.inf
    for bits in itertools.product((0, 1), repeat=len(nodes) - 1):
        side = {u for u, b in zip(nodes[1:], bits, strict=True) if b}  # nodes[0] on side 0
        rest = set(nodes) - side
        best = max(best, nx.cut_size(G, side, rest, weight=weight) if side else 0.0)
    return float(best)


def weighted(G: nx.Graph, kind: str, rng: np.random.Generator) -> nx.Graph:
    for u, v in G.edges:
        if kind == "int":
            G.edges[u, v]["weight"] = int(rng.integers(1, 6))
        elif kind == "float":
            G.edges[u, v]["weight"] = float(rng.uniform(0.1, 2.0))
        elif kind == "negative":
            G.edges[u, v]["weight"] = float(rng.uniform(-1.0, 1.0))
        elif kind == "numpy":
            G.edges[u, v]["weight"] = np.int64(rng.integers(-3, 4))
    return G  # "missing": no attribute, every edge weighs 1


def check_cut(G: nx.Graph, cut: isingeq.integrations.networkx.MaxCutResult, weight="weight"):
    a, b = cut.partition
    assert a | b == set(G) and not (a & b)
    assert cut.cut_value == pytest.approx(nx.cut_size(G, a, b, weight=weight), abs=1e-9)
    assert cut.cut_value == pytest.approx(-cut.result.best_energy, abs=1e-9)


@pytest.mark.parametrize("kind", ["missing", "int", "float", "negative", "numpy"])
@pytest.mark.parametrize("seed", range(3))
def test_maxcut_equals_brute_force(kind: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    G = weighted(nx.gnp_random_graph(9, 0.5, seed=seed), kind, rng)
    cut = isingeq.maxcut(G)  # auto: exact enumeration at this size
    assert cut.result.method == "exact"
    check_cut(G, cut)
    assert cut.cut_value == pytest.approx(brute_force_maxcut(G), abs=1e-9)


@pytest.mark.parametrize("method", ["mfa-async", "mfa-hybrid", "mfa"])
def test_heuristics_reach_the_brute_force_cut_on_small_graphs(method: str) -> None:
    rng = np.random.default_rng(5)
    G = weighted(nx.gnp_random_graph(12, 0.4, seed=5), "negative", rng)
    cut = isingeq.maxcut(G, method=method, rng=1, num_reads=8)
    check_cut(G, cut)
    assert cut.cut_value == pytest.approx(brute_force_maxcut(G), abs=1e-9)


def test_any_hashable_labels_and_the_partition_uses_them() -> None:
    G = nx.Graph()
    G.add_edge("a", (1, "b"), weight=3)
    G.add_edge((1, "b"), frozenset({2}), weight=-1)
    G.add_edge(frozenset({2}), 7.5, weight=2.5)
    G.add_node(b"iso")  # an isolated node is still a node of one side
    cut = isingeq.maxcut(G, rng=0)
    check_cut(G, cut)
    assert cut.cut_value == brute_force_maxcut(G) == 5.5
    assert cut.nodes == list(G)
    assert (1, "b") not in next(s for s in cut.partition if "a" in s)  # the 3-edge is cut


def test_weight_none_and_another_attribute() -> None:
    G = nx.Graph([(0, 1, {"weight": 5, "cost": 1}), (1, 2, {"weight": 5, "cost": 2})])
    G.add_edge(0, 2, weight=5, cost=4)  # a triangle: one edge stays uncut
    assert isingeq.maxcut(G, weight=None).cut_value == 2.0
    assert isingeq.maxcut(G, weight="cost").cut_value == 6.0
    assert isingeq.maxcut(G).cut_value == 10.0


def test_multigraph_parallel_edges_add_up() -> None:
    M = nx.MultiGraph()
    M.add_edge("x", "y", weight=2.0)
    M.add_edge("x", "y", weight=-5.0)  # together -3: keep x and y together
    M.add_edge("y", "z", weight=1.0)
    M.add_edge("x", "z", weight=1.0)
    cut = isingeq.maxcut(M)
    check_cut(M, cut)
    assert cut.cut_value == 2.0 == brute_force_maxcut(M)
    assert {"x", "y"} in [set(cut.partition[0]), set(cut.partition[1])]


def test_options_go_to_solve() -> None:
    G = nx.gnp_random_graph(30, 0.3, seed=2)
    cut = isingeq.maxcut(G, method="mfa-async", rng=3, num_reads=5, num_sweeps=50)
    assert cut.result.samples.shape == (5, 30)
    assert cut.result.info["options"]["num_sweeps"] == 50
    again = isingeq.maxcut(G, method="mfa-async", rng=3, num_reads=5, num_sweeps=50)
    assert np.array_equal(cut.result.samples, again.result.samples)
    with pytest.raises(TypeError, match="num_sweep"):
        isingeq.maxcut(G, method="mfa-async", num_sweep=50)
    with pytest.raises(ValueError, match="method"):
        isingeq.maxcut(G, method="no-such-method")


# ------------------------------------------------------------------ a Gset graph in networkx


def gset_graph() -> tuple[isingeq.Instance, nx.Graph]:
    if not GSET.exists():
        pytest.skip(f"needs {GSET}")
    inst = isingeq.io.read_gset(GSET)
    G = nx.Graph()
    G.add_nodes_from(range(inst.n))  # variable i is vertex i + 1 of the file
    G.add_weighted_edges_from(
        (int(i), int(j), float(w))
        for (i, j), w in zip(inst.meta["edges"], inst.meta["weights"], strict=True)
    )
    return inst, G


def test_gset_graph_in_networkx_is_the_files_model() -> None:
    inst, G = gset_graph()
    model, nodes = maxcut_model(G)
    assert nodes == list(range(inst.n))
    assert model == inst.model  # the identical model, entry for entry


def test_gset_maxcut_reaches_the_same_cut_as_solve_and_the_best_known() -> None:
    inst, G = gset_graph()
    options = {"num_sweeps": 500, "num_reads": 8}  # sweeps, not seconds: reproducible
    cut = isingeq.maxcut(G, method="mfa-async", rng=0, **options)
    direct = isingeq.solve(inst.model, method="mfa-async", rng=0, **options)
    assert np.array_equal(cut.result.samples, direct.samples)
    assert cut.cut_value == inst.objective(direct.best_sample)
    check_cut(G, cut)
    # 500 sweeps of mfa-async reach G1's best-known cut (11624) with this seed
    assert cut.cut_value == G1_BEST_KNOWN


def test_gset_maxcut_equals_isingeq_solve_on_the_file() -> None:
    from typer.testing import CliRunner

    from isingeq.cli import app

    _, G = gset_graph()
    args = ["solve", "--instance", str(GSET), "--method", "mfa-async", "--seed", "0"]
    res = CliRunner().invoke(app, [*args, "-o", "num_sweeps=500", "-o", "num_reads=8", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    cut = isingeq.maxcut(G, method="mfa-async", rng=0, num_sweeps=500, num_reads=8)
    assert cut.cut_value == out["objective"]
    assert cut.result.best_sample.tolist() == out["best_sample"]


# ------------------------------------------------------------------ a model as a graph


@pytest.mark.parametrize(
    "model",
    [
        isingeq.paper_instance(7, rng=1),
        SpinGlass.from_maxcut(6, [(0, 1), (2, 5), (1, 4)], [1.5, -2.0, 3.0]),
        SpinGlass([[0.5, 0.0, -1.0], [0.0, 0.0, 0.0], [0.0, 0.0, 2.0]], offset=-1.25),
    ],
    ids=["dense", "sparse", "offset-zeros"],
)
def test_model_graph_round_trip(model: SpinGlass) -> None:
    G = model.to_networkx()
    assert list(G) == list(range(model.n))
    assert G.number_of_edges() == int(np.count_nonzero(np.triu(model.dense_J(), 1)))
    back = SpinGlass.from_networkx(G)
    assert back == model
    x = np.random.default_rng(0).integers(0, 2, size=(32, model.n))
    np.testing.assert_allclose(back.energy(x), model.energy(x), atol=1e-12)


def test_model_graph_with_labels_and_missing_attributes() -> None:
    m = isingeq.paper_instance(5, rng=3)
    labels = ["a", ("t", 1), 2, frozenset({3}), b"e"]
    G = to_networkx(m, nodelist=labels)
    assert G.nodes[("t", 1)]["eps"] == m.eps[1, 1]
    assert G.edges["a", 2]["eps"] == m.eps[0, 2]
    assert from_networkx(G, nodelist=labels) == m
    # another order is another variable order, with the same energies under it
    order = labels[::-1]
    perm = [labels.index(u) for u in order]
    x = np.random.default_rng(1).integers(0, 2, size=(16, 5))
    np.testing.assert_allclose(from_networkx(G, nodelist=order).energy(x[:, perm]), m.energy(x))
    # an edge without the attribute couples with 1, a node without it has no bias
    H = nx.Graph([("p", "q")])
    assert from_networkx(H) == SpinGlass([[0.0, 1.0], [0.0, 0.0]])


def test_model_graph_is_not_the_maxcut_graph() -> None:
    G = nx.Graph([(0, 1, {"eps": 2.0, "weight": 2.0})])
    qubo = SpinGlass.from_networkx(G)  # H = -2 n0 n1
    cut, _ = maxcut_model(G)  # H = -cut = -2 [n0 != n1]
    assert qubo.energy([1, 1]) == -2.0 and cut.energy([1, 1]) == 0.0


# ------------------------------------------------------------------ refused inputs


@pytest.mark.parametrize(
    ("value", "error", "match"),
    [
        ("heavy", TypeError, r"non-numeric 'weight' attribute: 'heavy' \(str\)"),
        (None, TypeError, "non-numeric 'weight' attribute: None"),
        (True, TypeError, "non-numeric 'weight' attribute: True"),
        (1 + 2j, TypeError, "non-numeric"),
        (float("nan"), ValueError, "non-finite 'weight' attribute: nan"),
        (np.inf, ValueError, "non-finite 'weight' attribute: inf"),
        pytest.param(10**400, ValueError, "non-finite 'weight' attribute: 1000", id="big-int"),
    ],
)
def test_bad_weights_name_the_edge(value, error, match) -> None:
    G = nx.Graph([("u", "v", {"weight": 1.0})])
    G.add_edge("v", "w", weight=value)
    with pytest.raises(error, match=match) as info:
        isingeq.maxcut(G)
    assert "('v', 'w')" in str(info.value)


def test_bad_model_graph_attributes() -> None:
    G = nx.Graph([(0, 1)])
    G.nodes[1]["eps"] = "x"
    with pytest.raises(TypeError, match="node 1 has a non-numeric 'eps'"):
        from_networkx(G)
    G.nodes[1]["eps"] = 0.0
    G.graph["offset"] = float("nan")
    with pytest.raises(ValueError, match="offset"):
        from_networkx(G)


def test_self_loops_are_refused_with_the_fix() -> None:
    G = nx.Graph([(0, 1), (1, 1)])
    with pytest.raises(ValueError, match=r"self-loop at node 1.*selfloop_edges"):
        isingeq.maxcut(G)
    with pytest.raises(ValueError, match="bias goes on the node"):
        from_networkx(G)
    G.remove_edges_from(list(nx.selfloop_edges(G)))
    assert isingeq.maxcut(G).cut_value == 1.0


def test_graph_kinds() -> None:
    with pytest.raises(TypeError, match=r"`G` must be undirected; got a DiGraph.*to_undirected"):
        isingeq.maxcut(nx.DiGraph([(0, 1)]))
    with pytest.raises(TypeError, match="must be undirected; got a MultiDiGraph"):
        isingeq.maxcut(nx.MultiDiGraph([(0, 1)]))
    with pytest.raises(TypeError, match="`G` must be a networkx graph; got list"):
        isingeq.maxcut([(0, 1)])
    with pytest.raises(ValueError, match="at least one node; got an empty graph"):
        isingeq.maxcut(nx.Graph())
    assert isingeq.maxcut(nx.empty_graph(3)).cut_value == 0.0  # nodes, no edges


def test_bad_nodelist() -> None:
    G = nx.path_graph(3)
    with pytest.raises(ValueError, match="lacks the node 2"):
        isingeq.maxcut(G, nodelist=[0, 1])
    with pytest.raises(ValueError, match="has 5, not in G"):
        isingeq.maxcut(G, nodelist=[0, 1, 2, 5])
    with pytest.raises(ValueError, match="got 1 twice"):
        isingeq.maxcut(G, nodelist=[0, 1, 1, 2])
    with pytest.raises(TypeError, match=r"`nodelist` must list the nodes of G; got \[0\] \(list\)"):
        isingeq.maxcut(G, nodelist=[[0], 1, 2])  # was a bare "unhashable type: 'list'"
    with pytest.raises(ValueError, match="3 distinct labels"):
        to_networkx(isingeq.paper_instance(3, rng=0), nodelist=["a", "a", "b"])
    with pytest.raises(TypeError, match=r"`model` must be an isingeq\.SpinGlass"):
        to_networkx(G)


def test_import_isingeq_does_not_import_networkx() -> None:
    code = (
        "import sys, isingeq, isingeq.integrations.networkx; "
        "assert 'networkx' not in sys.modules, 'networkx imported'; "
        "isingeq.maxcut; assert 'networkx' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    assert "maxcut" in isingeq.__all__
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = isingeq.nope  # type: ignore[attr-defined]


def test_weights_under_networkx_s_usual_name_are_not_read_silently() -> None:
    import warnings

    G = nx.Graph()
    G.add_edge(0, 1, weight=5.0)
    with pytest.warns(
        UserWarning, match=r"carry 'weight' but none carries 'eps'.*attr='weight'"
    ) as seen:
        m = SpinGlass.from_networkx(G)
    assert m.eps[0, 1] == 1.0  # the documented default, now said
    assert seen[0].filename == __file__  # the user's line, through either entry point
    with pytest.warns(UserWarning, match="carry 'weight'") as seen:
        from_networkx(G)
    assert seen[0].filename == __file__
    assert SpinGlass.from_networkx(G, attr="weight").eps[0, 1] == 5.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        G.add_edge(1, 2, eps=2.0)  # some edge carries eps: the reading is the user's
        SpinGlass.from_networkx(G)


def test_maxcut_time_limit_counts_the_conversion(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    import networkx as nx

    from isingeq.integrations import networkx as nxi

    real = nxi._maxcut_parts

    def slow(*args: object, **kwargs: object) -> object:
        time.sleep(0.3)  # a conversion that takes time: the solve gets what is left
        return real(*args, **kwargs)

    monkeypatch.setattr(nxi, "_maxcut_parts", slow)
    G = nx.random_regular_graph(3, 60, seed=1)
    events: list[isingeq.ProgressEvent] = []
    cut = isingeq.maxcut(G, method="mfa-async", time_limit=1.0, rng=0, callback=events.append)
    assert events and events[0].time_limit <= 0.7  # the solve got 1 s less the conversion's
    assert cut.result.info["options"]["time_limit"] == 1.0  # what the caller asked for
    with pytest.raises(ValueError, match="`time_limit` must be > 0"):
        isingeq.maxcut(G, time_limit=-1.0)


def test_decimal_weights_are_real_numbers() -> None:
    from decimal import Decimal  # as a database driver returns numeric columns

    G = nx.Graph([("a", "b", {"weight": Decimal("1.5")}), ("b", "c", {"weight": Decimal("-0.25")})])
    G.add_edge("a", "c", weight=Decimal(2))
    cut = isingeq.maxcut(G)  # was a TypeError: "non-numeric 'weight' attribute: Decimal('1.5')"
    a, b = cut.partition
    assert cut.cut_value == float(nx.cut_size(G, a, b, weight="weight")) == 3.5
    assert cut.cut_value == brute_force_maxcut(G)
    for bad in ("NaN", "sNaN", "Infinity"):
        G.edges["b", "c"]["weight"] = Decimal(bad)
        with pytest.raises(ValueError, match=r"edge \('b', 'c'\) has a non-finite 'weight'"):
            isingeq.maxcut(G)


def test_a_weight_name_that_no_edge_carries_is_said() -> None:
    import warnings

    G = nx.Graph([(0, 1, {"cost": 4.0, "colour": "red"}), (1, 2, {"cost": 1}), (0, 2, {"cost": 4})])
    pattern = r"no edge of `G` carries the weight attribute 'wieght'.*carry 'cost'.*weight=None"
    with pytest.warns(UserWarning, match=pattern) as record:
        cut = isingeq.maxcut(G, weight="wieght")  # a typo: every edge weighs 1, now said
    assert record[0].filename == __file__  # pointed at the caller's line
    assert cut.cut_value == 2.0  # networkx's convention still holds: a missing weight is 1
    with pytest.warns(UserWarning, match="attribute 'weight'") as record:
        maxcut_model(G)  # the default name, on a graph weighted under another
    assert record[0].filename == __file__
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert isingeq.maxcut(G, weight="cost").cut_value == 8.0
        assert isingeq.maxcut(G, weight=None).cut_value == 2.0  # counting edges, on purpose
        isingeq.maxcut(nx.cycle_graph(5))  # no attributes at all: plainly unweighted
        H = nx.Graph([(0, 1, {"colour": "red"})])
        isingeq.maxcut(H)  # no number under another name either
        H.add_edge(1, 2, weight=3.0)  # some edge carries it: the rest weigh 1, as networkx
        assert isingeq.maxcut(H).cut_value == 4.0


@pytest.mark.parametrize("name", [True, False, ["w"]], ids=["True", "False", "list"])
def test_weight_and_attr_must_name_an_attribute(name: object) -> None:
    # True / False were read by G.edges(data=...) as "all attributes" / "none": a message about
    # a dict weight, or a ValueError from unpacking; a list was a bare "unhashable type"
    G = nx.Graph([(0, 1, {"weight": 2.0, "eps": 1.0})])
    with pytest.raises(TypeError, match=r"`weight` must be the name of an edge attribute"):
        isingeq.maxcut(G, weight=name)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"`attr` must be the name of an edge attribute"):
        from_networkx(G, attr=name)  # type: ignore[arg-type]


def test_large_sparse_graph_of_mixed_weight_types_is_read_exactly() -> None:
    """Every kind of weight networkx graphs hold, on a graph large enough to be read as whole
    columns: the model is the one the edge arrays give, its energy minus networkx's cut."""
    from fractions import Fraction

    n = 20_000
    G = nx.random_regular_graph(3, n, seed=4)
    rng = np.random.default_rng(4)
    kinds = [int, float, np.float32, np.int64, None]  # None: no attribute, weighs 1
    edges, weights = [], []
    for k, (u, v) in enumerate(G.edges):
        kind = kinds[k % len(kinds)]
        value = int(rng.integers(-3, 4))
        if kind is None:
            value = 1
        else:
            G.edges[u, v]["weight"] = kind(value)
        edges.append((u, v))
        weights.append(float(value))
    expected = SpinGlass.from_maxcut(n, edges, weights)
    model, nodes = maxcut_model(G)
    assert nodes == list(range(n)) and model == expected
    x = rng.integers(0, 2, size=n)
    side = {u for u in G if x[u]}
    assert -model.energy(x) == nx.cut_size(G, side, weight="weight")
    G.edges[edges[7]]["weight"] = Fraction(1, 4)  # not a plain number: read one at a time
    weights[7] = 0.25
    assert maxcut_model(G)[0] == SpinGlass.from_maxcut(n, edges, weights)


def test_weights_too_large_for_float64_are_refused_naming_the_edge() -> None:
    G = nx.Graph([("u", "v", {"weight": 1.0}), ("v", "w", {"weight": 1e308})])
    with pytest.raises(ValueError, match=r"too large for float64.*edge \('v', 'w'\)"):
        isingeq.maxcut(G)
    with pytest.raises(ValueError, match=r"`weights` are too large .*edge row 1 = \(1, 2\)"):
        SpinGlass.from_maxcut(3, [[0, 1], [1, 2]], [1.0, 1e308])
