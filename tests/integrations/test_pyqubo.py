"""PyQUBO (issue #11 part 3): a constrained model solved through the dimod sampler and decoded
by PyQUBO, every constraint satisfied; unbound placeholders are a clear error."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

pyqubo = pytest.importorskip("pyqubo")
from isingeq.integrations.dimod import EnumerationSampler  # noqa: E402
from isingeq.integrations.pyqubo import sample_model  # noqa: E402


def partition_with_one_hot() -> tuple[object, list[int]]:
    """Number partitioning of 8 numbers (sides s_i) plus a one-hot choice of one 'leader'
    among the first 3 numbers, which must sit on side 1: both constraints can hold together."""
    numbers = [4, 7, 1, 9, 3, 6, 2, 8]  # sum 40: a perfect split exists
    s = pyqubo.Array.create("s", shape=len(numbers), vartype="BINARY")
    lead = pyqubo.Array.create("lead", shape=3, vartype="BINARY")
    diff = sum(a * (2 * s[i] - 1) for i, a in enumerate(numbers))
    H = (
        diff**2
        + pyqubo.Placeholder("P")
        * pyqubo.Constraint((sum(lead[k] for k in range(3)) - 1) ** 2, label="one_hot")
        + pyqubo.Placeholder("P")
        * pyqubo.Constraint(sum(lead[k] * (1 - s[k]) for k in range(3)), label="leader_side")
    )
    return H.compile(), numbers


def test_constrained_model_decodes_with_every_constraint_satisfied() -> None:
    model, numbers = partition_with_one_hot()
    decoded, ss = sample_model(model, {"P": 50.0}, num_reads=8, seed=0)
    best = decoded[0]
    assert best.constraints(only_broken=True) == {}
    assert len(decoded) == len(ss) == 8
    assert [d.energy for d in decoded] == sorted(d.energy for d in decoded)
    side = np.array([best.array("s", i) for i in range(len(numbers))])
    lead = [best.array("lead", k) for k in range(3)]
    assert sum(lead) == 1 and side[lead.index(1)] == 1  # the constraints, checked directly
    assert abs(np.dot(numbers, 2 * side - 1)) == 0 and best.energy == 0  # a perfect split


def test_sample_model_with_the_exact_sampler_agrees_on_the_optimum() -> None:
    model, _ = partition_with_one_hot()
    decoded, _ = sample_model(model, {"P": 50.0}, sampler=EnumerationSampler())
    assert decoded[0].energy == 0 and decoded[0].constraints(only_broken=True) == {}


def test_unbound_placeholder_is_a_clear_error() -> None:
    model, _ = partition_with_one_hot()
    with pytest.raises(ValueError, match=r"'P' is unbound \(got feed_dict=\{\}\)"):
        sample_model(model)
    with pytest.raises(ValueError, match=r"'P' is unbound \(got feed_dict=\{'Q': 1.0\}\)"):
        sample_model(model, {"Q": 1.0})


def test_bad_model_and_feed_dict() -> None:
    model, _ = partition_with_one_hot()
    with pytest.raises(TypeError, match=r"`feed_dict\['P'\]` must be a real number; got 'x'"):
        sample_model(model, {"P": "x"})
    with pytest.raises(ValueError, match=r"`feed_dict\['P'\]` must be finite; got nan"):
        sample_model(model, {"P": float("nan")})  # was reported as the BQM's offset
    with pytest.raises(TypeError, match=r"PyQUBO model .* got dict"):
        sample_model({"a": 1})


MISLABELLING_SAMPLER = """
import dimod


class Mislabelling(dimod.Sampler):
    \"\"\"ExactSolver's answer for another set of variables than the BQM's (as a composite
    that adds or drops one would give).\"\"\"

    parameters: dict = {}
    properties: dict = {}

    def __init__(self, add=None, drop=None):
        self.add, self.drop = add, drop

    def sample(self, bqm, **parameters):
        bqm = bqm.copy()
        if self.add is not None:
            bqm.add_variable(self.add, 0.0)
        if self.drop is not None:
            bqm.fix_variable(self.drop, 0)
        return dimod.ExactSolver().sample(bqm)
"""


def test_a_sampleset_for_other_variables_is_refused() -> None:
    namespace: dict[str, object] = {}
    exec(MISLABELLING_SAMPLER, namespace)  # the sampler, shared with the child process
    a, b = pyqubo.Binary("a"), pyqubo.Binary("b")
    model = (a * b - a + 2 * b).compile()
    # a missing variable was decoded as 0, with an energy that was not the sample's
    with pytest.raises(
        ValueError, match=r"must label exactly .* it lacks 'b' \(0 extra, 1 missing"
    ):
        sample_model(model, sampler=namespace["Mislabelling"](drop="b"))
    # an unknown one aborted the whole process in PyQUBO's decoder: checked in a child process
    code = MISLABELLING_SAMPLER + (
        "from pyqubo import Binary\n"
        "from isingeq.integrations.pyqubo import sample_model\n"
        "a, b = Binary('a'), Binary('b')\n"
        "try:\n"
        "    sample_model((a * b - a).compile(), sampler=Mislabelling(add='zz'))\n"
        "except ValueError as exc:\n"
        "    print(exc)\n"
    )
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert child.returncode == 0, child.stderr
    assert "it has 'zz', not a variable of the model (1 extra, 0 missing)" in child.stdout
