"""The instance type: the one gap formula, the target and the better-or-equal comparison."""

from __future__ import annotations

import math

import numpy as np
import pytest

from isingeq import Instance, SpinGlass

M = SpinGlass([[1.0, -2.0], [0.0, 1.0]])  # H = -(x0 + x1 - 2 x0 x1): minus the cut of one edge


def _max(best: float | None) -> Instance:
    return Instance("cut", M, "max", best_known=best, scale=-1.0)


def _min(best: float | None) -> Instance:
    return Instance("qubo", M, "min", best_known=best)


@pytest.mark.parametrize(
    ("inst", "value", "gap"),
    [
        (_max(200.0), 190.0, 0.05),  # a cut 5 % short
        (_max(200.0), 210.0, -0.05),  # better than best-known: negative
        (_max(-100.0), -110.0, 0.1),  # a negative maximum: |best| in the denominator
        (_min(-200.0), -190.0, 0.05),
        (_min(-200.0), -220.0, -0.1),
        (_min(50.0), 55.0, 0.1),  # a positive minimum
        (_min(0.0), 0.25, 0.25),  # best-known 0: the plain difference
        (_max(0.0), -0.5, 0.5),
    ],
)
def test_gap_in_both_senses(inst: Instance, value: float, gap: float) -> None:
    assert inst.gap(value) == pytest.approx(gap)
    assert inst.gap(inst.best_known) == 0.0  # type: ignore[arg-type]


def test_gap_against_another_reference_and_without_one() -> None:
    assert _max(200.0).gap(90.0, reference=100.0) == pytest.approx(0.1)
    assert _min(None).gap(3.0) is None
    assert _min(None).gap(3.0, reference=4.0) == pytest.approx(-0.25)


def test_gap_of_a_real_state() -> None:
    inst = _max(1.0)
    assert inst.objective([1, 0]) == 1.0 and inst.gap(inst.objective([1, 0])) == 0.0
    assert inst.objective([1, 1]) == 0.0 and inst.gap(inst.objective([1, 1])) == 1.0


def test_target_objective_in_both_senses() -> None:
    assert _min(-10.0).target_objective(0.9) == pytest.approx(-9.0)
    assert _max(10.0).target_objective(0.9) == pytest.approx(9.0)
    assert _min(10.0).target_objective(0.9) == pytest.approx(11.0)
    assert _max(-10.0).target_objective(0.9) == pytest.approx(-11.0)
    assert _min(0.0).target_objective(0.9) == 0.0
    assert _max(10.0).target_objective(1.0) == 10.0
    assert _max(10.0).target_objective(0.5, reference=4.0) == pytest.approx(2.0)
    assert math.isnan(_min(None).target_objective(0.9))
    # a value exactly at the target is reached; the target's gap is 1 - target
    for inst in (_min(-10.0), _max(10.0), _min(10.0), _max(-10.0)):
        t = inst.target_objective(0.9)
        assert inst.better_or_equal(t, t)
        assert inst.gap(t) == pytest.approx(0.1)


def test_better_or_equal_follows_the_sense_with_a_tiny_slack() -> None:
    assert _max(None).better_or_equal(10.0, 9.0) and not _max(None).better_or_equal(9.0, 10.0)
    assert _min(None).better_or_equal(9.0, 10.0) and not _min(None).better_or_equal(10.0, 9.0)
    assert _min(None).better_or_equal(10.0 + 1e-12, 10.0)  # float noise
    assert not _min(None).better_or_equal(10.0 + 1e-6, 10.0)


def test_best_follows_the_sense() -> None:
    assert _max(None).best([1.0, 3.0, 2.0]) == 3.0
    assert _min(None).best([1.0, 3.0, 2.0]) == 1.0
    assert _min(None).best([]) is None


def test_energy_and_objective_round_trip() -> None:
    inst = Instance("c", M, "max", best_known=1.0, scale=-1.0, shift=2.5)
    e = M.energy(np.array([[1, 0], [1, 1]]))
    obj = inst.objective_of_energy(e)
    assert np.allclose(obj, -e + 2.5)
    assert inst.energy_of_objective(float(obj[0])) == pytest.approx(e[0])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"sense": "up"}, "`sense` must be 'max' or 'min'"),
        ({"sense": "max", "scale": 1.0}, "`scale` must be -1 for sense 'max'"),
        ({"sense": "min", "scale": 2.0}, "`scale` must be \\+1 or -1"),
    ],
)
def test_bad_instances(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        Instance("x", M, **kwargs)  # type: ignore[arg-type]


def test_the_type_lives_in_one_module() -> None:
    import isingeq
    import isingeq.instance

    assert isingeq.Instance is isingeq.instance.Instance is isingeq.io.read.__globals__["Instance"]


@pytest.mark.parametrize("target", [0.0, -0.5, 1.5, 99.5, math.nan])
def test_target_outside_its_documented_range_is_refused(target: float) -> None:
    # documented as in (0, 1]: 99.5 (a percentage) silently gave a target far beyond the best
    with pytest.raises(ValueError, match="`target` must be"):
        _max(10.0).target_objective(target)


def test_best_ignores_nan_whatever_the_order() -> None:
    # a failed run's NaN is not a value: max([nan, 1.0]) is nan but max([1.0, nan]) is 1.0
    for inst, want in ((_max(None), 3.0), (_min(None), 1.0)):
        assert inst.best([math.nan, 1.0, 3.0]) == want
        assert inst.best([1.0, 3.0, math.nan]) == want
    assert _min(None).best([math.nan]) is None


def test_relative_gap_refuses_an_unknown_sense() -> None:
    from isingeq.instance import relative_gap

    assert relative_gap(190.0, 200.0, "max") == pytest.approx(0.05)
    with pytest.raises(ValueError, match="`sense` must be 'max' or 'min'; got 'maximize'"):
        relative_gap(190.0, 200.0, "maximize")  # was read as "min": the gap's sign flipped
