from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import isingeq
from isingeq import SpinGlass

from .conftest import all_states, brute_energies


def test_energy_matches_definition_dense_and_sparse() -> None:
    rng = np.random.default_rng(5)
    eps = np.triu(rng.uniform(-1, 1, (9, 9)))
    X = all_states(9)
    ref = brute_energies(eps, X)
    dense = SpinGlass(eps)
    sparse = SpinGlass(sp.csr_array(eps))
    np.testing.assert_allclose(dense.energy(X), ref, rtol=0, atol=1e-12)
    np.testing.assert_allclose(sparse.energy(X), ref, rtol=0, atol=1e-12)
    assert sparse.is_sparse and not dense.is_sparse
    assert isinstance(dense.energy(X[3]), float)


def test_local_field_is_the_energy_change_of_a_flip() -> None:
    m = isingeq.paper_instance(8, rng=3)
    rng = np.random.default_rng(0)
    for _ in range(20):
        x = rng.integers(0, 2, 8)
        xi = m.local_field(x)
        for i in range(8):
            x0, x1 = x.copy(), x.copy()
            x0[i], x1[i] = 0, 1
            assert m.energy(x1) - m.energy(x0) == pytest.approx(-xi[i], abs=1e-12)


def test_local_field_batch_and_sparse_agree() -> None:
    m = isingeq.paper_instance(6, rng=1)
    ms = SpinGlass(sp.csr_array(m.eps))
    X = np.random.default_rng(2).random((4, 6))
    np.testing.assert_allclose(m.local_field(X), ms.local_field(X), atol=1e-13)
    np.testing.assert_allclose(m.local_field(X)[2], m.local_field(X[2]), atol=1e-13)
    # xi_i = eps_ii + sum_{j != i} eps_ij x_j with eps_ji = eps_ij
    i = 3
    full = m.eps + np.triu(m.eps, 1).T
    assert m.local_field(X[0])[i] == pytest.approx(
        m.eps[i, i] + full[i] @ X[0] - full[i, i] * X[0, i]
    )


def test_views() -> None:
    eps = np.array([[1.0, 2.0, 0.0], [0.0, -1.0, 3.0], [0.0, 0.0, 0.5]])
    m = SpinGlass(eps)
    np.testing.assert_array_equal(m.h, [1.0, -1.0, 0.5])
    np.testing.assert_array_equal(m.J, [[0, 2, 0], [2, 0, 3], [0, 3, 0]])
    assert m.n == 3
    assert m.energy_scale == pytest.approx(7.5)
    assert "n=3" in repr(m)


def test_from_symmetric_round_trip() -> None:
    m = isingeq.paper_instance(6, rng=4)
    back = SpinGlass.from_symmetric(m.J, m.h)
    np.testing.assert_allclose(back.eps, m.eps)
    assert back == m
    back_sparse = SpinGlass.from_symmetric(sp.csr_array(m.J), m.h)
    assert back_sparse.is_sparse and back_sparse == m


@pytest.mark.parametrize("sparse", [False, True])
def test_spin_round_trip_keeps_energies(sparse: bool) -> None:
    m0 = isingeq.paper_instance(7, rng=9)
    m = SpinGlass(sp.csr_array(m0.eps)) if sparse else m0
    hs, Js, off = m.to_spin()
    X = all_states(7)
    S = 2.0 * X - 1.0
    Jd = Js.toarray() if sp.issparse(Js) else Js
    e_spin = S @ hs + np.einsum("ri,ij,rj->r", S, Jd, S) + off
    np.testing.assert_allclose(e_spin, m.energy(X), atol=1e-12)
    back = SpinGlass.from_spin(hs, Js, off)
    np.testing.assert_allclose(back.energy(X), m.energy(X), atol=1e-12)


def test_from_spin_accepts_symmetric_and_counts_each_pair_once() -> None:
    J = np.array([[0.0, 1.0], [1.0, 0.0]])  # symmetric: the pair (0, 1) has J = 1 + 1 = 2
    m = SpinGlass.from_spin([0.0, 0.0], J)
    assert m.energy([1, 1]) == pytest.approx(2.0)
    assert m.energy([0, 1]) == pytest.approx(-2.0)


def test_dimod_bqm_round_trip() -> None:
    dimod = pytest.importorskip("dimod")
    m = SpinGlass(isingeq.paper_instance(6, rng=2).eps, offset=0.75)
    bqm = m.to_bqm()
    assert bqm.vartype is dimod.BINARY
    X = all_states(6)
    np.testing.assert_allclose(bqm.energies((X, range(6))), m.energy(X), atol=1e-12)
    back = SpinGlass.from_bqm(bqm)
    np.testing.assert_allclose(back.energy(X), m.energy(X), atol=1e-12)
    spin = bqm.change_vartype("SPIN", inplace=False)
    np.testing.assert_allclose(SpinGlass.from_bqm(spin).energy(X), m.energy(X), atol=1e-12)


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    ("eps", "exc", "match"),
    [
        (np.zeros((3, 4)), ValueError, r"square matrix; got shape \(3, 4\)"),
        (np.zeros(3), ValueError, r"square matrix; got an array with shape \(3,\)"),
        ([[1.0, 2.0], [3.0]], ValueError, "ragged"),
        (np.zeros((0, 0)), ValueError, "at least one variable"),
        (np.array([[1.0, np.nan], [0.0, 1.0]]), ValueError, r"finite; got nan at index \(0, 1\)"),
        (np.array([[np.inf]]), ValueError, "finite; got inf"),
        (np.array([["a", "b"], ["c", "d"]]), TypeError, "numeric"),
        (np.array([[1 + 1j]]), TypeError, "complex"),
        (
            np.array([[1.0, 0.0], [0.5, 1.0]]),
            ValueError,
            r"upper-triangular.*0.5 at index \(1, 0\).*from_symmetric",
        ),
        ("abc", TypeError, "must be numeric; got dtype <U3"),
    ],
)
def test_bad_eps(eps: object, exc: type, match: str) -> None:
    with pytest.raises(exc, match=match):
        SpinGlass(eps)  # type: ignore[arg-type]


def test_bad_sparse_eps() -> None:
    with pytest.raises(ValueError, match="upper-triangular"):
        SpinGlass(sp.csr_array(np.array([[0.0, 0.0], [1.0, 0.0]])))
    with pytest.raises(ValueError, match="finite"):
        SpinGlass(sp.csr_array(np.array([[np.nan, 0.0], [0.0, 0.0]])))
    with pytest.raises(ValueError, match="square"):
        SpinGlass(sp.csr_array(np.zeros((2, 3))))


@pytest.mark.parametrize(
    ("x", "exc", "match"),
    [
        ([0, 1], ValueError, r"shape \(3,\) or \(num_states, 3\).*got shape \(2,\)"),
        ([0, 2, 1], ValueError, r"only 0 and 1; got .*2.* at index \(1,\)"),
        ([[0, 1, 1], [1, 0.5, 0]], ValueError, r"only 0 and 1; got .*0.5.* at index \(1, 1\)"),
        (["a", "b", "c"], TypeError, "0/1 numbers"),
        (np.zeros((2, 2, 3)), ValueError, "shape"),
    ],
)
def test_bad_states(x: object, exc: type, match: str) -> None:
    m = isingeq.paper_instance(3, rng=0)
    with pytest.raises(exc, match=match):
        m.energy(x)  # type: ignore[arg-type]


def test_bool_states_are_fine() -> None:
    m = isingeq.paper_instance(3, rng=0)
    assert m.energy(np.array([True, False, True])) == m.energy([1, 0, 1])


def test_bad_symmetric_and_spin_inputs() -> None:
    with pytest.raises(ValueError, match="symmetric"):
        SpinGlass.from_symmetric([[0.0, 1.0], [2.0, 0.0]])
    with pytest.raises(ValueError, match=r"zero diagonal.*J\[1,1\]"):
        SpinGlass.from_symmetric([[0.0, 1.0], [1.0, 3.0]])
    with pytest.raises(ValueError, match=r"`h` must have shape \(2,\)"):
        SpinGlass.from_symmetric([[0.0, 1.0], [1.0, 0.0]], h=[1.0])
    with pytest.raises(ValueError, match="zero diagonal"):
        SpinGlass.from_spin([0.0, 0.0], [[1.0, 0.0], [0.0, 0.0]])
    with pytest.raises(ValueError, match="offset"):
        SpinGlass([[1.0]], offset=float("nan"))
    for wrong in ("1", None, True):  # a bad type is a TypeError (the house rule), naming it
        with pytest.raises(TypeError, match=r"`offset` must be a finite real number; got "):
            SpinGlass([[1.0]], offset=wrong)  # type: ignore[arg-type]


def test_local_field_bad_input() -> None:
    m = isingeq.paper_instance(3, rng=0)
    with pytest.raises(ValueError, match="shape"):
        m.local_field([0.5, 0.5])
    with pytest.raises(ValueError, match="finite"):
        m.local_field([0.5, np.nan, 0.5])


def test_maxcut_round_trip_energy_equalities() -> None:
    rng = np.random.default_rng(11)
    n = 7
    edges = np.array([(i, j) for i in range(n) for j in range(i + 1, n) if rng.random() < 0.6])
    w = rng.normal(size=len(edges))
    m = SpinGlass.from_maxcut(n, edges, w)
    X = all_states(n)
    cut = ((X[:, edges[:, 0]] != X[:, edges[:, 1]]) * w).sum(axis=1)
    np.testing.assert_allclose(m.energy(X), -cut, atol=1e-12)
    # and back: any model as a max-cut graph with one reference vertex
    model = isingeq.paper_instance(n, rng=3)
    e2, w2, c = model.to_maxcut()
    side = np.hstack([X, np.ones((len(X), 1), dtype=X.dtype)])
    cut2 = ((side[:, e2[:, 0]] != side[:, e2[:, 1]]) * w2).sum(axis=1)
    np.testing.assert_allclose(model.energy(X), c - 2 * cut2, atol=1e-12)


def test_from_maxcut_bad_input() -> None:
    with pytest.raises(ValueError, match=r"row 1 = \(2, 2\) is a self-loop"):
        SpinGlass.from_maxcut(3, [(0, 1), (2, 2)])
    with pytest.raises(ValueError, match=r"outside 0\.\.2"):
        SpinGlass.from_maxcut(3, [(0, 3)])
    with pytest.raises(ValueError, match=r"shape \(m, 2\)"):
        SpinGlass.from_maxcut(3, [0, 1, 2])


def test_from_symmetric_tolerance_is_relative_to_the_couplings() -> None:
    antisym = np.array([[0.0, 1.0], [-1.0, 0.0]])
    for scale in (1e-13, 1.0, 1e13):  # antisymmetric at any size (the old floor hid 1e-13)
        with pytest.raises(ValueError, match=r"`J` must be symmetric; got max \|J - J.T\|"):
            SpinGlass.from_symmetric(scale * antisym)
    tiny = SpinGlass.from_symmetric(1e-13 * np.array([[0.0, 1.0], [1.0, 0.0]]))
    assert tiny.eps[0, 1] == 1e-13
    # rounding-level asymmetry is still accepted, and an all-zero J is symmetric
    SpinGlass.from_symmetric(np.array([[0.0, 1.0], [1.0 + 1e-15, 0.0]]))
    assert SpinGlass.from_symmetric(np.zeros((3, 3))).energy([1, 1, 1]) == 0.0
    assert SpinGlass.from_symmetric(sp.csr_array((3, 3))).n == 3


@pytest.mark.parametrize("edges", [[], (), np.empty((0, 2)), np.empty((0, 2), dtype=np.int32)])
def test_from_maxcut_takes_a_graph_without_edges(edges: object) -> None:
    m = SpinGlass.from_maxcut(3, edges)  # type: ignore[arg-type]
    assert m.n == 3 and m.is_sparse
    np.testing.assert_array_equal(m.energy(all_states(3)), np.zeros(8))
    assert SpinGlass.from_maxcut(3, [], weights=[]).n == 3


def test_check_states_refuses_complex_and_strings_by_name() -> None:
    m = isingeq.paper_instance(3, rng=0)
    with pytest.raises(TypeError, match="`x` must hold 0/1 numbers; got dtype complex128"):
        m.energy(np.array([1, 0, 1], dtype=complex))
    with pytest.raises(TypeError, match="`states` must hold 0/1 numbers; got dtype <U1"):
        m.check_states(["1", "0", "1"], name="states")
    with pytest.raises(ValueError, match="`x` must be a rectangular array; got a ragged"):
        m.energy([[1, 0, 1], [1, 0]])


@pytest.mark.parametrize("form", ["dict", "dict-both-ways", "dense", "sparse", "upper"])
def test_from_qubo_gives_the_energies_dimod_gives(form: str) -> None:
    import itertools

    dimod = pytest.importorskip("dimod")
    rng = np.random.default_rng(7)
    n = 7
    Q = rng.normal(size=(n, n)) * (rng.random((n, n)) < 0.6)
    if form == "upper":
        Q = np.triu(Q)
    terms = {(i, j): float(Q[i, j]) for i in range(n) for j in range(n) if Q[i, j]}
    if form == "dict":  # each pair once, one way round
        terms = {k: v for k, v in terms.items() if k[0] <= k[1]}
    bqm = dimod.BinaryQuadraticModel.from_qubo(terms, offset=0.5)
    if form.startswith("dict"):
        m = SpinGlass.from_qubo(terms, offset=0.5, n=n)
    else:
        m = SpinGlass.from_qubo(sp.csr_array(Q) if form == "sparse" else Q, offset=0.5)
    for x in itertools.product((0, 1), repeat=n):
        got = m.energy(np.array(x))
        assert got == pytest.approx(bqm.energy({v: x[v] for v in bqm.variables}), abs=1e-12)
        if not form.startswith("dict"):
            assert got == pytest.approx(float(np.array(x) @ Q @ np.array(x)) + 0.5, abs=1e-12)


def test_from_qubo_refuses_what_it_cannot_read() -> None:
    with pytest.raises(TypeError, match=r"pairs of integer variables.*from_bqm"):
        SpinGlass.from_qubo({("a", "b"): 1.0})
    with pytest.raises(ValueError, match=r"`Q\[\(0, 1\)\]` must be a finite real number"):
        SpinGlass.from_qubo({(0, 1): float("nan")})
    with pytest.raises(ValueError, match=r"`n` must be an integer >= 3"):
        SpinGlass.from_qubo({(0, 2): 1.0}, n=2)
    with pytest.raises(ValueError, match=r"`Q` is empty: no variable .*give `n`"):
        SpinGlass.from_qubo({})
    assert SpinGlass.from_qubo({}, n=3).n == 3  # three variables, no terms
    with pytest.raises(ValueError, match=r"`n` applies to a dict `Q` only"):
        SpinGlass.from_qubo(np.eye(2), n=2)
    with pytest.raises(ValueError, match=r"`Q` must be a square matrix"):
        SpinGlass.from_qubo(np.ones((2, 3)))
    m = SpinGlass.from_qubo({(0, 1): -1.0}, n=4)  # trailing variables without a term
    assert m.n == 4 and m.energy([1, 1, 0, 0]) == -1.0


def test_dok_matrices_are_matrices_everywhere() -> None:
    # a DOK matrix is how a QUBO is built entry by entry; it is a dict subclass without `.data`
    Q = sp.dok_array((4, 4))
    Q[0, 1], Q[1, 1] = 1.0, -2.0  # variables 2 and 3 have no term: the shape says they exist
    m = SpinGlass.from_qubo(Q, offset=0.5)
    assert m == SpinGlass.from_qubo(Q.toarray(), offset=0.5) and m.n == 4
    assert SpinGlass.from_qubo(sp.dok_array((3, 3))).n == 3  # no term at all is a model too
    eps = sp.dok_matrix(np.triu(isingeq.paper_instance(5, rng=1).eps))
    assert SpinGlass(eps) == SpinGlass(eps.toarray())
    J = sp.dok_array(np.array([[0.0, 1.5], [1.5, 0.0]]))
    assert SpinGlass.from_symmetric(J) == SpinGlass.from_symmetric(J.toarray())
    assert SpinGlass.from_spin([0.5, 0.0], J) == SpinGlass.from_spin([0.5, 0.0], J.toarray())
    with pytest.raises(ValueError, match=r"`eps` must be finite; got nan at index \(0, 1\)"):
        SpinGlass(sp.dok_array(np.array([[0.0, np.nan], [0.0, 0.0]])))


def test_offsets_and_biases_beyond_float_range_or_of_a_bad_type_are_named() -> None:
    huge = 10**400  # a Python int float() cannot hold
    for build in (
        lambda: SpinGlass([[1.0]], offset=huge),
        lambda: SpinGlass.from_spin([0.0], [[0.0]], offset=huge),
        lambda: SpinGlass.from_qubo([[1.0]], offset=huge),
    ):
        with pytest.raises(ValueError, match=r"`offset` must be a finite real number"):
            build()
    with pytest.raises(ValueError, match=r"`Q\[\(0, 1\)\]` must be a finite real number"):
        SpinGlass.from_qubo({(0, 1): huge})
    for bad in ("1.5", True, None):  # from_spin took "1.5" as 1.5 and True as 1.0
        with pytest.raises(TypeError, match=r"`offset` must be a finite real number"):
            SpinGlass.from_spin([0.0], [[0.0]], offset=bad)  # type: ignore[arg-type]


def test_a_sparse_input_is_copied_not_shared_with_the_caller() -> None:
    # a CSR float64 eps was the caller's own arrays: zeroing it afterwards left eps all zeros
    # while h, J and the energies kept the old values
    A = sp.csr_array(np.array([[1.0, 2.0], [0.0, 3.0]]))
    m = SpinGlass(A)
    A.data[:] = 0.0  # the caller reuses the matrix for the next model
    assert m == SpinGlass([[1.0, 2.0], [0.0, 3.0]])
    assert m.energy([1, 1]) == -6.0
    unsorted = sp.csr_array(
        (np.array([2.0, 1.0]), np.array([1, 0]), np.array([0, 2, 2])), shape=(2, 2)
    )
    SpinGlass(unsorted)
    assert unsorted.indices.tolist() == [1, 0]  # the caller's matrix is left as it was


def test_coefficients_whose_energies_could_overflow_are_refused() -> None:
    # an energy is a sum of some coefficients: below float64's largest number in total, none
    # overflows (1e305 solves as 1, scaled); above it the model is refused, not solved to inf
    eps = np.triu(np.random.default_rng(0).uniform(-1, 1, (6, 6)))
    ok = SpinGlass(eps * 1e305, offset=1e300)
    assert np.isfinite(ok.energy(np.ones(6))).all()
    # |eps| sums to 11.5: times 1e307 that is 1.15e308, still finite; times 2e307 it is not
    SpinGlass(eps * 1e307)
    with pytest.raises(ValueError, match=r"`eps` is too large for float64: .*scale the model"):
        SpinGlass(eps * 2e307)
    with pytest.raises(ValueError, match="too large for float64"):
        SpinGlass(sp.csr_array(eps * 2e307))
    with pytest.raises(ValueError, match="too large for float64"):
        SpinGlass(eps * 1e307, offset=1e308)  # the offset counts too
