"""Max-cut of a Gset graph held as a networkx graph, with isingeq.maxcut.

The graph is Gset's G1 (800 vertices, 19,176 edges of weight 1), read with isingeq's Gset
reader from ``--data-dir`` (default ``../shared/data`` beside this checkout, else
``$ISINGEQ_DATA`` or the cache) and rebuilt in networkx from its edge list; without the file, a
random graph of the same size and density stands in (G1 itself is such a graph). The cut is
checked against networkx's own ``cut_size`` and, for G1, against the best-known value.

Run:  python examples/networkx_maxcut.py [--small] [--data-dir DIR]
      --small: 500 sweeps of mfa-async (under a second; reaches 11624); default: 2 s of method "auto"
"""

from __future__ import annotations

import argparse
from pathlib import Path

import networkx as nx

import isingeq
from isingeq.datasets import default_data_dir

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--small", action="store_true", help="a short, reproducible budget")
beside = Path(__file__).parents[2] / "shared" / "data"  # None: $ISINGEQ_DATA or the cache
parser.add_argument("--data-dir", type=Path, default=beside if beside.is_dir() else None)
args = parser.parse_args()

# 1. a Gset graph into networkx: vertex i of the file (1-based) is node i - 1
try:
    inst = isingeq.resolve("G1", data_dir=args.data_dir, fetch=False)
except (FileNotFoundError, ValueError):
    inst = None
G = nx.Graph()
if inst is not None:
    G.add_nodes_from(range(inst.n))
    edges, weights = inst.meta["edges"], inst.meta["weights"]
    G.add_weighted_edges_from(
        (int(i), int(j), float(w)) for (i, j), w in zip(edges, weights, strict=True)
    )
    print(f"{inst.name}: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges from the file")
else:
    G = nx.gnp_random_graph(800, 0.06, seed=1)
    print(f"G1 not found in {default_data_dir(args.data_dir)}: a random G(800, 0.06) stands in")

# 2. solve: the same methods and options as isingeq.solve
if args.small:
    cut = isingeq.maxcut(G, method="mfa-async", rng=0, num_sweeps=500, num_reads=8)
else:
    cut = isingeq.maxcut(G, rng=0, time_limit=2.0)  # method "auto": mfa-hybrid at this size
side0, side1 = cut.partition
print(
    f"{cut.result.method}: cut = {cut.cut_value:g}, sides of {len(side0)} and {len(side1)} "
    f"nodes, {cut.result.info['time_ns'] / 1e9:.2f} s"
)

# 3. check: networkx's own count of the edges between the sides, and the best-known cut
assert cut.cut_value == nx.cut_size(G, side0, side1, weight="weight")
if inst is not None and inst.best_known is not None:
    print(f"best known {inst.best_known:g}, gap {100 * inst.gap(cut.cut_value):.3f} %")
