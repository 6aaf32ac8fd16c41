"""The perceptron layer: forward, fixed points of eq. 16, the iteration and its vocabulary."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import isingeq
from isingeq import Perceptron, SpinGlass

from .reference import all_states, brute_stable, brute_strict, descend_by_hand, grid_models


@settings(max_examples=120, deadline=None)
@given(grid_models())
def test_t_inf_async_fixed_points_are_exactly_the_one_flip_stable_states(m: SpinGlass) -> None:
    X = all_states(m.n)
    stable = brute_stable(m, X)  # exact on the grid of quarters
    # the asynchronous update (ties keep) leaves exactly the stable states unchanged
    r = Perceptron(m).iterate(X, mode="asynchronous")
    unchanged = np.all(r.states == X, axis=1)
    assert np.array_equal(unchanged, stable)
    assert r.converged.all()
    assert np.all(brute_stable(m, r.states.astype(np.uint8)))
    # and it is the hand-run descent, start by start
    ends = np.array([descend_by_hand(m, tuple(x)) for x in X.tolist()], dtype=np.float64)
    assert np.array_equal(r.states, ends)
    # the step layer (step(0) = 1/2) fixes exactly the strictly stable 0/1 states
    assert np.array_equal(Perceptron(m).is_fixed_point(X), brute_strict(m, X))


@settings(max_examples=100, deadline=None)
@given(
    grid_models(),
    st.floats(0.0, 20.0, allow_nan=False),
    st.integers(0, 2**32 - 1),
)
def test_layer_fixed_points_are_exactly_the_solutions_of_eq16(
    m: SpinGlass, t: float, seed: int
) -> None:
    x = np.random.default_rng(seed).random((5, m.n))
    p = Perceptron(m, t=t)
    # forward(x) - x is minus eq. 16's residual for every x: same zeros, same equation
    resid = np.array([isingeq.eq16_residual(m, row, t) for row in x])
    np.testing.assert_allclose(p.forward(x) - x, -resid, atol=1e-15)
    # and iterating to convergence lands on a solution of eq. 16
    r = p.iterate(x, mode="asynchronous", max_sweeps=20_000, tol=1e-13)
    for row, ok in zip(r.states, r.converged, strict=True):
        if ok:
            assert np.max(np.abs(isingeq.eq16_residual(m, row, t))) < 1e-11


def test_step_is_the_large_t_limit_of_the_sigmoid() -> None:
    m = isingeq.paper_instance(8, rng=4)
    X = all_states(8).astype(np.float64)
    xi = m.local_field(X)
    ok = np.all(np.abs(xi) > 1e-3, axis=1)
    np.testing.assert_allclose(
        Perceptron(m, t=1e7).forward(X[ok]), Perceptron(m).forward(X[ok]), atol=1e-300
    )


def test_synchronous_update_can_cycle_and_damping_helps() -> None:
    # two nodes that want to differ: synchronous step from (1,0) flips to (0,1) and back
    m = SpinGlass.from_symmetric([[0, 2.0], [2.0, 0]], h=[-1.0, -1.0])
    r = Perceptron(m).iterate([[1, 0]], mode="synchronous", max_sweeps=11)
    assert not r.converged[0]
    assert r.states.tolist() == [[0.0, 1.0]]  # odd number of sweeps
    r = Perceptron(m, t=1.0).iterate([[1, 0]], mode="synchronous", damping=0.5, max_sweeps=5000)
    assert r.converged[0]
    assert Perceptron(m, t=1.0).is_fixed_point(r.states, atol=1e-10)[0]


@pytest.mark.parametrize("damping", [0.0, 0.25, 0.9])
def test_damping_is_the_weight_on_the_old_value(damping: float) -> None:
    m = isingeq.paper_instance(5, rng=2)
    p = Perceptron(m, t=1.5)
    x = np.random.default_rng(0).random((3, 5))
    r = p.iterate(x, mode="synchronous", max_sweeps=1, damping=damping)
    np.testing.assert_allclose(r.states, damping * x + (1 - damping) * p.forward(x), rtol=1e-15)


def test_x0_is_a_deprecated_spelling_of_initial_states() -> None:
    m = isingeq.paper_instance(4, rng=1)
    X = all_states(4)
    new = Perceptron(m).iterate(initial_states=X)
    with pytest.warns(DeprecationWarning, match="`x0` is deprecated.*use `initial_states`"):
        old = Perceptron(m).iterate(x0=X)
    assert np.array_equal(new.states, old.states)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Perceptron(m).iterate(X)  # the new spelling does not warn
    with pytest.raises(TypeError, match="both `initial_states` and its deprecated spelling `x0`"):
        Perceptron(m).iterate(X, x0=X)
    with pytest.raises(TypeError, match="missing the starting points"):
        Perceptron(m).iterate()
    with pytest.raises(TypeError, match="unexpected keyword"):
        Perceptron(m).iterate(X, max_iter=3)  # type: ignore[call-arg]


def test_bad_inputs_name_the_parameter() -> None:
    m = isingeq.paper_instance(3, rng=0)
    with pytest.raises(TypeError, match="`model`"):
        Perceptron(np.eye(3))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="`t` must be >= 0; got -1"):
        Perceptron(m, t=-1.0)
    with pytest.raises(ValueError, match=r"`x` must have shape \(n,\) or \(R, n\) with n=3"):
        Perceptron(m).forward([1, 0])
    with pytest.raises(ValueError, match="`mode` must be one of"):
        Perceptron(m).iterate([1, 0, 1], mode="parallel")
    with pytest.raises(ValueError, match="`initial_states` must be 0/1 at t = inf"):
        Perceptron(m).iterate([0.5, 0, 1])
    with pytest.raises(ValueError, match="`damping` must be"):
        Perceptron(m).iterate([1, 0, 1], damping=1.0)


def test_options_a_mode_does_not_use_are_refused() -> None:
    m = isingeq.paper_instance(4, rng=1)
    x = [[0, 0, 0, 0]]
    with pytest.raises(ValueError, match=r"`damping` applies to mode='synchronous' only.*0\.5"):
        Perceptron(m, t=2.0).iterate(x, damping=0.5)  # asynchronous is the default
    with pytest.raises(ValueError, match=r"`damping` applies to mode='synchronous' only"):
        Perceptron(m).iterate(x, mode="asynchronous", damping=0.5)
    with pytest.raises(ValueError, match=r"`tol` is not used at t = inf in mode='asynchronous'"):
        Perceptron(m).iterate(x, tol=1e-3)
    # where they are used, they are accepted
    Perceptron(m, t=2.0).iterate(x, mode="synchronous", damping=0.5, tol=1e-9)
    Perceptron(m, t=2.0).iterate(x, mode="asynchronous", tol=1e-9)
    Perceptron(m).iterate(x, mode="synchronous", tol=1e-9)


@pytest.mark.parametrize(
    ("x", "error", "match"),
    [
        (["a"] * 4, TypeError, r"`x` must hold real numbers; got dtype <U1"),
        ([1j, 0, 0, 0], TypeError, r"`x` must hold real numbers; got complex"),
        (np.array([1 + 1j, 0, 0, 0]), TypeError, r"`x` must hold real numbers; got complex"),
        (None, TypeError, r"`x` must hold real numbers"),
        ([[0, 1, 0, 0], [1]], ValueError, r"`x` must be an array .* inconsistent length"),
    ],
)
def test_forward_names_x_for_non_numbers(x: object, error: type, match: str) -> None:
    p = Perceptron(isingeq.paper_instance(4, rng=1), t=1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ComplexWarning on the way
        with pytest.raises(error, match=match):
            p.forward(x)  # type: ignore[arg-type]


def test_asynchronous_iteration_of_a_sparse_model_stays_sparse(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import scipy.sparse as sp

    dense = isingeq.paper_instance(9, rng=6)
    sparse = SpinGlass(sp.csr_array(np.asarray(dense.eps)))
    x = np.random.default_rng(1).random((4, 9))
    want = Perceptron(dense, t=1.3).iterate(x, max_sweeps=40)
    monkeypatch.setattr(SpinGlass, "dense_J", lambda self: pytest.fail("densified"))
    got = Perceptron(sparse, t=1.3).iterate(x, max_sweeps=40)
    np.testing.assert_allclose(got.states, want.states, atol=1e-12)
    assert np.array_equal(got.converged, want.converged)
    # a 30,000-node ring: 6.7 GiB as a dense J
    n = 30_000
    i = np.arange(n)
    rows, cols = np.minimum(i, (i + 1) % n), np.maximum(i, (i + 1) % n)
    ring = SpinGlass(sp.coo_array((np.full(n, -1.0), (rows, cols)), shape=(n, n)).tocsr())
    r = Perceptron(ring, t=1.0).iterate(np.full((1, n), 0.5), max_sweeps=1)
    assert r.states.shape == (1, n) and r.sweeps.tolist() == [1]


def test_a_perceptron_is_read_only() -> None:
    import copy
    import pickle
    from dataclasses import FrozenInstanceError

    m = isingeq.paper_instance(4, rng=1)
    p = Perceptron(m, t=2.0)
    with pytest.raises(FrozenInstanceError, match=r"cannot assign to `t`: a Perceptron is read"):
        p.t = -5.0  # type: ignore[misc]
    with pytest.raises(AttributeError, match=r"cannot assign to `model`.*Perceptron\(p.model"):
        p.model = "x"  # type: ignore[misc, assignment]
    with pytest.raises(AttributeError, match="cannot delete `t`"):
        del p.t  # type: ignore[misc]
    with pytest.raises(AttributeError, match="cannot assign to `bias`"):
        p.bias = np.zeros(4)  # type: ignore[misc]
    assert p.t == 2.0 and p.model is m
    # still copied and pickled (rebuilt through __init__, validated again)
    x = np.random.default_rng(0).random((3, 4))
    for q in (copy.copy(p), copy.deepcopy(p), pickle.loads(pickle.dumps(p))):
        assert q.t == 2.0
        np.testing.assert_array_equal(q.forward(x), p.forward(x))


def test_calling_the_layer_is_forward() -> None:
    m = isingeq.paper_instance(5, rng=3)
    x = np.random.default_rng(1).random((4, 5))
    for t in (0.7, np.inf):
        p = Perceptron(m, t=t)
        np.testing.assert_array_equal(p(x), p.forward(x))
        np.testing.assert_array_equal(p(x[0]), p.forward(x[0]))
    with pytest.raises(ValueError, match=r"`x` must have shape"):
        Perceptron(m)([1, 0])


def test_is_fixed_point_keeps_the_leading_shape_like_forward() -> None:
    m = isingeq.SpinGlass([[1.0, -3.0], [0.0, 1.0]])
    p = Perceptron(m)
    # forward: (n,) -> (n,), (R, n) -> (R, n); is_fixed_point reduces the last axis
    assert p.forward([1, 0]).shape == (2,)
    one = p.is_fixed_point([1, 0])
    assert isinstance(one, np.ndarray) and one.shape == () and bool(one)
    assert p.is_fixed_point(np.zeros(2)).shape == ()
    assert not p.is_fixed_point([1, 1])
    assert p.is_fixed_point([[1, 0]]).shape == (1,)
    assert p.is_fixed_point([[1, 0], [1, 1]]).tolist() == [True, False]


class _FakeTensor:
    """Stands in for a torch tensor without torch: only the module name is read."""

    __module__ = "torch"
    requires_grad = True
    device = "cpu"

    def __array__(self, dtype: object = None, copy: object = None) -> np.ndarray:
        raise RuntimeError("Can't call numpy() on Tensor that requires grad.")


def test_torch_tensors_are_refused_with_the_conversion_named() -> None:
    m = isingeq.paper_instance(4, rng=1)
    p = Perceptron(m, t=1.0)
    fake = _FakeTensor()
    with pytest.raises(TypeError, match=r"`x` must be a NumPy array.*x\.detach\(\)\.cpu\(\)"):
        p.forward(fake)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"`x` .*requires_grad=True"):
        p(fake)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"`x` must be a NumPy array"):
        p.is_fixed_point(fake)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"`initial_states`.*initial_states\.detach\(\)"):
        p.iterate(fake)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"`samples`.*samples\.detach\(\)\.cpu\(\)\.numpy\(\)"):
        isingeq.fit(fake)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"`initial_state`.*detach"):
        isingeq.sample_boltzmann(m, 1.0, 5, method="gibbs", initial_state=fake)  # type: ignore[arg-type]


def test_real_torch_tensors_are_refused() -> None:
    torch = pytest.importorskip("torch")
    m = isingeq.paper_instance(4, rng=1)
    x = np.random.default_rng(0).random((2, 4))
    with pytest.raises(
        TypeError, match=r"`x` must be a NumPy array \(or nested lists\); got a torch Tensor"
    ):
        Perceptron(m, t=1.0).forward(torch.tensor(x, requires_grad=True))

    class MyTensor(torch.Tensor):  # a subclass, and a list of tensors, are tensors too
        pass

    sub = torch.tensor(x, requires_grad=True).as_subclass(MyTensor)
    for tensor in (sub, [torch.tensor(x[0], requires_grad=True)]):
        with pytest.raises(TypeError, match=r"`x` must be a NumPy array .*detach"):
            Perceptron(m, t=1.0).forward(tensor)
    # a plain CPU tensor is an array to NumPy, as it always was
    np.testing.assert_array_equal(
        Perceptron(m, t=1.0).forward(torch.tensor(x)), Perceptron(m, t=1.0).forward(x)
    )
    X = isingeq.sample_boltzmann(m, 1.0, 50, rng=0)
    with pytest.raises(TypeError, match=r"`samples`.*\.detach\(\)\.cpu\(\)\.numpy\(\)"):
        isingeq.fit(torch.tensor(X, dtype=torch.float32, requires_grad=True))
    # the advertised conversion works
    t = torch.tensor(x, requires_grad=True)
    np.testing.assert_array_equal(
        Perceptron(m, t=1.0).forward(t.detach().cpu().numpy()), Perceptron(m, t=1.0).forward(x)
    )
