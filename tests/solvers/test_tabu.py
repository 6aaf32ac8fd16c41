from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import isingeq
from isingeq import SpinGlass
from isingeq.solvers.tabu import TabuSearch, default_tenure


@pytest.mark.parametrize("seed", range(4))
def test_tabu_finds_the_ground_state_of_small_models(seed: int) -> None:
    m = isingeq.paper_instance(14, rng=seed)
    exact = isingeq.solve(m, method="exact").best_energy
    r = isingeq.solve(m, method="tabu", num_reads=2, num_sweeps=50, rng=seed)
    assert r.best_energy == pytest.approx(exact, abs=1e-12)
    assert isingeq.one_flip_stable(m, r.samples).all()


def test_dense_and_sparse_storage_give_the_same_search() -> None:
    m = isingeq.paper_instance(40, rng=1)
    a = isingeq.solve(m, method="tabu", num_reads=3, num_sweeps=5, rng=7)
    b = isingeq.solve(
        SpinGlass(sp.csr_array(m.eps)), method="tabu", num_reads=3, num_sweeps=5, rng=7
    )
    np.testing.assert_array_equal(a.samples, b.samples)
    assert a.info["moves"] == b.info["moves"] == 5 * 40


def test_a_search_run_in_chunks_equals_one_run_whole() -> None:
    m = isingeq.paper_instance(30, rng=2)
    X = np.random.default_rng(0).integers(0, 2, size=(2, 30), dtype=np.uint8)
    whole = TabuSearch(m, X.copy(), 3, np.random.default_rng(5))
    whole.advance(500)
    parts = TabuSearch(m, X.copy(), 3, np.random.default_rng(5))
    for k in (1, 99, 400):
        parts.advance(k)
    np.testing.assert_array_equal(whole.X, parts.X)
    np.testing.assert_array_equal(whole.best_X, parts.best_X)
    assert whole.best_energy == parts.best_energy
    # the kept energies are those of the states
    np.testing.assert_allclose(whole.e0 + whole.best_E, m.energy(whole.best_X), atol=1e-9)
    np.testing.assert_allclose(whole.e0 + whole.E, m.energy(whole.X), atol=1e-9)
    np.testing.assert_allclose(whole.G, m.local_field(whole.X.astype(float)), atol=1e-9)


def test_the_memory_moves_the_search_off_a_local_minimum() -> None:
    # from a 1-flip-stable state plain descent stays put; tabu search must leave it and come
    # back no worse (the best is kept), and with a tenure it cannot undo its last move at once
    m = isingeq.paper_instance(30, rng=4)
    x = isingeq.solve(m, method="greedy", rng=0).samples[:1].astype(np.uint8)
    s = TabuSearch(m, x.copy(), 5, np.random.default_rng(0))
    s.advance(2)
    assert int(np.sum(x != s.X)) == 2  # two different variables flipped, uphill at first
    s.advance(200)
    assert s.best_energy <= float(m.energy(x[0])) + 1e-12


def test_target_energy_stops_the_search() -> None:
    m = isingeq.paper_instance(20, rng=3)
    exact = isingeq.solve(m, method="exact").best_energy
    r = isingeq.solve(m, method="tabu", target_energy=exact + 1e-9, num_sweeps=10_000, rng=0)
    assert r.info["stopped"] == "target_energy" and r.best_energy <= exact + 1e-9


def test_time_limit_runs_until_the_limit() -> None:
    m = isingeq.paper_instance(50, rng=0)
    r = isingeq.solve(m, method="tabu", time_limit=0.2, rng=0)
    assert r.info["stopped"] == "time_limit" and r.info["moves"] > 50


def test_options() -> None:
    assert default_tenure(50) == 1 and default_tenure(2000) == 20
    m = isingeq.paper_instance(8, rng=0)
    r = isingeq.solve(m, method="tabu", tenure=3, num_reads=2, num_sweeps=2, rng=0)
    assert r.info["options"]["tenure"] == 3 and r.info["options"]["num_reads"] == 2
    with pytest.raises(ValueError, match="`tenure` must be >= 1"):
        isingeq.solve(m, method="tabu", tenure=0)
    with pytest.raises(ValueError, match="0/1"):
        isingeq.solve(m, method="tabu", initial_states=np.full(8, 0.5))


@pytest.mark.parametrize("n", [1, 2, 5, 8])
def test_a_search_never_stalls_when_every_variable_is_tabu(n: int) -> None:
    # with n <= tenure + 9 (the random part) every variable can be tabu at once, none aspiring;
    # the search stopped there for good (its move counter too, so the tenures never ran out)
    # while info["moves"] still counted every move asked for
    m = isingeq.paper_instance(n, rng=0)
    s = TabuSearch(m, np.zeros((3, n), dtype=np.uint8), 1, np.random.default_rng(0))
    for _ in range(50):
        before = s.X.copy()
        s.advance(1)
        # every move flips exactly one variable
        np.testing.assert_array_equal(np.sum(before != s.X, axis=1), 1)
    np.testing.assert_allclose(s.G, m.local_field(s.X.astype(float)), atol=1e-12)
    np.testing.assert_allclose(s.e0 + s.E, m.energy(s.X), atol=1e-12)


def _xorshift(state: list[int]) -> float:
    """The kernels' xorshift64* uniform (``_kernels._uniform``), in plain Python."""
    mask = (1 << 64) - 1
    x = state[0]
    x ^= x >> 12
    x ^= (x << 25) & mask
    x ^= x >> 27
    state[0] = x
    return float(((x * 0x2545F4914F6CDD1D) & mask) >> 11) / 2.0**53


def _reference_tabu(
    m: SpinGlass, x0: np.ndarray, tenure: int, seed: int, moves: int, tol: float
) -> tuple[np.ndarray, np.ndarray, float]:
    """The documented rule, move by move, from the energy recomputed after every move: the
    largest gain among the variables not tabu or whose flip beats the best (ties at random,
    each of k equal gains kept with probability 1/k), else the one released first; a flipped
    variable is tabu for tenure + U{0..9} moves; the best state met is kept."""
    x = x0.astype(float).copy()
    st = [seed]
    tabu = np.zeros(m.n, dtype=np.int64)
    e, best, best_x = 0.0, 0.0, x.copy()
    e0 = float(m.energy(x))
    for k in range(moves):
        gains = (1.0 - 2.0 * x) * m.local_field(x)
        bi, bg, ties, oi = -1, -np.inf, 0, -1
        for i in range(m.n):
            if tabu[i] > k and not (e - gains[i] < best - tol):
                if oi < 0 or (tabu[i], -gains[i]) < (tabu[oi], -gains[oi]):
                    oi = i
                continue
            if gains[i] > bg:
                bi, bg, ties = i, gains[i], 1
            elif gains[i] == bg:
                ties += 1
                if _xorshift(st) * ties < 1.0:
                    bi = i
        if bi < 0:
            bi = oi
        x[bi] = 1.0 - x[bi]
        e = float(m.energy(x)) - e0
        tabu[bi] = k + 1 + tenure + int(_xorshift(st) * 10)
        if e < best - tol:
            best, best_x = e, x.copy()
    return x, best_x, best


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize(
    "eps",
    [
        # integer couplings: many equal gains (the random tie breaks), isolated nodes (zero
        # gains), a small model where every variable goes tabu, and the paper's instances
        np.triu(np.random.default_rng(0).integers(-2, 3, (12, 12))).astype(float),
        np.pad(np.triu(np.random.default_rng(1).integers(-1, 2, (6, 6))), ((0, 3), (0, 3))),
        isingeq.paper_instance(6, rng=2).eps,
        isingeq.paper_instance(25, rng=3).eps,
    ],
)
def test_the_kernel_follows_the_documented_rule(eps: np.ndarray, sparse: bool) -> None:
    m = SpinGlass(sp.csr_array(eps) if sparse else np.asarray(eps, dtype=float))
    X0 = np.random.default_rng(4).integers(0, 2, size=(2, m.n), dtype=np.uint8)
    s = TabuSearch(m, X0.copy(), 2, np.random.default_rng(5))
    seeds = [int(v) for v in s._states]
    s.advance(300)
    for r in range(2):
        x, best_x, best = _reference_tabu(m, X0[r], 2, seeds[r], 300, s._tol)
        np.testing.assert_array_equal(s.X[r], x)
        np.testing.assert_array_equal(s.best_X[r], best_x)
        assert s.best_E[r] == pytest.approx(best, abs=1e-9)
    np.testing.assert_allclose(s.G, m.local_field(s.X.astype(float)), atol=1e-9)
    np.testing.assert_allclose(s.e0 + s.E, m.energy(s.X), atol=1e-9)
    np.testing.assert_allclose(s.e0 + s.best_E, m.energy(s.best_X), atol=1e-9)


@pytest.mark.parametrize("method", ["tabu", "mfa-hybrid", "mfa-async"])
def test_a_one_dimensional_start_is_one_start_for_the_default_reads(method: str) -> None:
    # tabu gave one read for a 1-D initial_states, the other methods their default count
    import numba

    m = isingeq.paper_instance(20, rng=0)
    start = np.zeros(m.n)
    r = isingeq.solve(m, method=method, rng=0, initial_states=start)
    default = isingeq.solve(m, method=method, rng=0).num_reads
    assert r.num_reads == default
    if method == "tabu":
        assert default == numba.get_num_threads()
        two = isingeq.solve(m, method=method, rng=0, initial_states=np.zeros((2, m.n)))
        assert two.num_reads == 2


# ------------------------------------------------------------------ the max-trees kernel
def _gaussian_graph(n: int, degree: int, seed: int) -> SpinGlass:
    """A sparse model whose gains never tie: Gaussian couplings and a field on every node."""
    rng = np.random.default_rng(seed)
    i, j = rng.integers(0, n, (2, n * degree // 2))
    keep = i != j
    upper = sp.coo_array(
        (rng.normal(size=int(keep.sum())), (np.minimum(i, j)[keep], np.maximum(i, j)[keep])),
        shape=(n, n),
    )
    return SpinGlass(sp.csr_array(upper + sp.diags_array(rng.normal(size=n))))


def _search_state(s: TabuSearch) -> list[np.ndarray]:
    return [s.X, s.best_X, s.best_E, s.G, s.E, s._tabu, s._it, s._states]


@pytest.mark.parametrize(
    ("n", "degree", "tenure", "chunks"),
    [
        (300, 4, 3, (1, 57, 2000, 400)),  # short tenure: aspiration and renewed tabus
        (2000, 3, 22, (5000, 20000)),
        (12, 3, 20, (300,)),  # every variable tabu at times: the scan's fallback
    ],
)
def test_the_trees_make_the_scans_moves_where_no_gains_tie(
    n: int, degree: int, tenure: int, chunks: tuple[int, ...]
) -> None:
    m = _gaussian_graph(n, degree, seed=n)
    X0 = np.random.default_rng(4).integers(0, 2, size=(3, n), dtype=np.uint8)
    runs = []
    for trees in (False, True):
        s = TabuSearch(m, X0.copy(), tenure, np.random.default_rng(5), trees=trees)
        for k in chunks:
            s.advance(k)
        runs.append(_search_state(s))
    for scan, tree in zip(*runs, strict=True):
        np.testing.assert_array_equal(scan, tree)
    s = TabuSearch(m, X0.copy(), tenure, np.random.default_rng(5), trees=True)
    s.advance(sum(chunks))  # one call: the trees carried between calls change nothing
    for whole, chunked in zip(_search_state(s), runs[1], strict=True):
        np.testing.assert_array_equal(whole, chunked)
    np.testing.assert_allclose(s.e0 + s.best_E, m.energy(s.best_X), atol=1e-9)
    np.testing.assert_allclose(s.G, m.local_field(s.X.astype(float)), atol=1e-9)


def _candidates(s: TabuSearch) -> tuple[np.ndarray, np.ndarray]:
    """Replica 0's gains and the variables the rule may flip next (those of largest gain
    among the variables not tabu or aspiring; else the tabu one released first)."""
    x, g, tabu, k = s.X[0], s.G[0], s._tabu[0], s._it[0]
    gains = np.where(x == 0, g, -g)
    free = (tabu <= k) | (s.E[0] - gains < s.best_E[0] - s._tol)
    if not free.any():
        first = tabu == tabu.min()
        return gains, np.flatnonzero(first & (gains == gains[first].max()))
    top = gains[free].max()
    return gains, np.flatnonzero(free & (gains == top))


def test_the_trees_follow_the_rule_where_gains_tie() -> None:
    m = isingeq.ea_instance((12, 12), rng=1)  # +-1 couplings, no fields: ties everywhere
    s = TabuSearch(m, np.zeros((1, m.n), dtype=np.uint8), 4, np.random.default_rng(2), trees=True)
    tied = 0
    for _ in range(400):
        _, allowed = _candidates(s)
        before = s.X[0].copy()
        s.advance(1)
        flipped = np.flatnonzero(before != s.X[0])
        assert flipped.size == 1 and flipped[0] in allowed
        tied += allowed.size > 1
    assert tied > 100  # the rule's ties were met, not avoided
    np.testing.assert_allclose(s.e0 + s.E, m.energy(s.X), atol=1e-9)
    np.testing.assert_allclose(s.e0 + s.best_E, m.energy(s.best_X), atol=1e-9)


def test_the_trees_break_ties_uniformly() -> None:
    m = isingeq.ea_instance((10, 10), rng=3)
    x0 = np.zeros((1, m.n), dtype=np.uint8)
    _, allowed = _candidates(TabuSearch(m, x0, 3, np.random.default_rng(0), trees=True))
    assert allowed.size > 5  # from all zeros, many equal gains
    s = TabuSearch(m, x0.copy(), 3, np.random.default_rng(0), trees=True)
    G = s.G.copy()
    picks = []
    for seed in range(1, 601):  # the first move from all zeros, on 600 streams
        s.X[:], s.G[:], s.E[:], s.best_E[:], s._tabu[:], s._it[:] = 0, G, 0.0, 0.0, 0, 0
        s._states[:] = seed
        s._built = False  # the trees follow the state just reset
        s.advance(1)
        picks.append(int(np.flatnonzero(s.X[0])[0]))
    counts = np.array([picks.count(int(i)) for i in allowed])
    assert counts.sum() == 600  # only tied candidates
    expected = 600 / allowed.size
    assert ((counts - expected) ** 2 / expected).sum() < 3 * allowed.size  # chi-square, loose


def test_which_models_get_the_trees() -> None:
    from isingeq.solvers.tabu import by_trees

    # a tenure beyond 2 n + 64 would make the queue of tabu ends grow with it: the scan runs
    lattice = isingeq.ea_instance((64, 64), rng=0)
    assert by_trees(lattice, 50) and not by_trees(lattice, 10**9)
    r = isingeq.solve(lattice, method="tabu", tenure=10**9, num_sweeps=1, num_reads=1, rng=0)
    assert r.info["moves"] == lattice.n
    with pytest.raises(ValueError, match=r"`trees`=True: tenure=1000000000 exceeds"):
        TabuSearch(
            lattice, np.zeros((1, lattice.n), np.uint8), 10**9, np.random.default_rng(0), trees=True
        )
    with pytest.MonkeyPatch.context() as mp:  # trees over the memory limit: the scan
        mp.setenv("ISINGEQ_MEMORY_LIMIT", "100KB")
        assert not by_trees(lattice, 50)
    with pytest.raises(ValueError, match="`tenure` must be >= 1"):
        TabuSearch(lattice, np.zeros((1, lattice.n), np.uint8), 0, np.random.default_rng(0))

    assert by_trees(isingeq.ea_instance((64, 64), rng=0))  # sparse and large
    assert not by_trees(isingeq.ea_instance((4, 4), rng=0))  # the scan is cheaper there
    dense = isingeq.paper_instance(3000, rng=0)
    assert not by_trees(dense)
    with pytest.raises(ValueError, match="sparse"):
        TabuSearch(dense, np.zeros((1, 3000), np.uint8), 3, np.random.default_rng(0), trees=True)
    big = isingeq.ea_instance((100, 100), rng=0)
    r = isingeq.solve(big, method="tabu", num_reads=2, num_sweeps=3, rng=0)
    assert r.best_energy == pytest.approx(float(big.energy(r.best_sample)), abs=1e-9)
    assert isingeq.one_flip_stable(big, r.samples).all()


def test_the_trees_kernel_runs_its_replicas_in_parallel() -> None:
    # a raise inside the prange body made numba run the replicas one after another, with only a
    # NumbaPerformanceWarning at compile time (hidden by the cache): compile a fresh copy
    import warnings

    import numba
    from numba.core.errors import NumbaPerformanceWarning

    from isingeq.solvers import _kernels
    from isingeq.solvers.tabu import _trees_state, couplings

    fresh = numba.njit(nogil=True, parallel=True)(_kernels.tabu_moves_sparse.py_func)
    m = isingeq.ea_instance((8, 8), rng=0)
    n = m.n
    X, G = np.zeros((2, n), np.uint8), np.asarray(m.h, dtype=np.float64)[None, :].repeat(2, 0)
    v, tabu = np.zeros(2), np.zeros((2, n), np.int64)
    state = (*_trees_state(2, n, 3), True, np.zeros(2, np.int64))
    args = (5, 3, 10, 0.0, X, G, v, X.copy(), v.copy(), tabu, np.zeros(2, np.int64))
    with warnings.catch_warnings():
        warnings.simplefilter("error", NumbaPerformanceWarning)
        fresh(*couplings(m)[:3], *args, np.arange(1, 3, dtype=np.uint64), *state)
    assert (X.sum(axis=1) > 0).all()  # it ran: 5 moves on each replica


def test_a_search_refuses_a_changed_tenure() -> None:
    lattice = isingeq.ea_instance((32, 32), rng=0)
    s = TabuSearch(lattice, np.zeros((1, lattice.n), np.uint8), 10, np.random.default_rng(0))
    assert s._trees
    s.advance(5)
    s.tenure = 500
    with pytest.raises(ValueError, match="`tenure` changed from 10 to 500"):
        s.advance(5)
