"""method="exact" across Dask workers: the same answer as in-process, and a guard that refuses
a run too long for the cluster before it starts."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import isingeq
from isingeq.solvers import exact


def test_distributed_exact_equals_in_process_at_n22(thread_client: Any) -> None:
    model = isingeq.paper_instance(22, rng=7)
    opts = {"method": "exact", "num_states": 5, "t": 0.7}
    local = isingeq.solve(model, **opts)
    dist = isingeq.solve(model, client=thread_client, **opts)
    assert dist.info["blocks"] > 1 and dist.info["prefix_bits"] >= 1
    np.testing.assert_array_equal(dist.samples, local.samples)  # ground state + 4 lowest
    np.testing.assert_array_equal(dist.energies, local.energies)
    assert dist.info["num_ground_states"] == local.info["num_ground_states"]
    assert dist.info["log_z"] == pytest.approx(local.info["log_z"], rel=1e-12)
    for key in ("mean_energy", "energy_variance"):  # blocks' moments about their own lowest
        assert dist.info[key] == pytest.approx(local.info[key], rel=1e-10)
    np.testing.assert_allclose(dist.marginals, local.marginals, rtol=0, atol=1e-12)
    assert dist.info["options"]["client"] == thread_client.scheduler.address


def test_prefix_blocks_keep_degenerate_ground_states(thread_client: Any) -> None:
    # no couplings between the top variable and the rest, a zero field: two ground states
    # that differ only in the top (prefix) variable, found in two different blocks
    rng = np.random.default_rng(1)
    eps = np.triu(rng.uniform(-1, 1, (22, 22)))
    eps[:, 21] = 0.0
    model = isingeq.SpinGlass(eps)
    local = isingeq.solve(model, method="exact")
    dist = isingeq.solve(model, method="exact", client=thread_client)
    assert local.info["num_ground_states"] == dist.info["num_ground_states"] == 2
    np.testing.assert_array_equal(dist.samples, local.samples)


def test_a_run_too_long_for_the_cluster_is_refused_with_the_estimate(thread_client: Any) -> None:
    model = isingeq.SpinGlass(np.triu(np.ones((50, 50))))
    with pytest.raises(ValueError, match=r"n=50 .* states/s .*DISTRIBUTED_MAX_SECONDS"):
        isingeq.solve(model, method="exact", client=thread_client)
    assert exact.DISTRIBUTED_MAX_SECONDS > 0


def test_client_local_starts_a_cluster_for_the_solve_and_closes_it() -> None:
    # the cluster lives inside the solve: what the result reports is read before it closes
    model = isingeq.paper_instance(16, rng=2)
    dist = isingeq.solve(model, method="exact", client="local")
    local = isingeq.solve(model, method="exact")
    np.testing.assert_array_equal(dist.samples, local.samples)
    assert dist.info["workers"] >= 1 and dist.info["worker_threads"] >= dist.info["workers"]
    assert dist.info["options"]["client"] == "local"


def test_a_bad_client_is_named_as_the_client() -> None:
    model = isingeq.paper_instance(6, rng=0)
    with pytest.raises(ValueError, match=r"`client` must be 'local' or a scheduler address"):
        isingeq.solve(model, method="exact", client="nonsense")
    with pytest.raises(TypeError, match=r"`client` must be None, 'local'"):
        isingeq.solve(model, method="exact", client=8786)


def test_a_cluster_without_workers_yet_is_waited_for() -> None:
    # an adaptive cluster (dask-jobqueue's adapt()) starts empty: the solve was refused ("has
    # no workers"); it waits for the first worker now, as reproduce's and bench's tasks do
    from tests.distributed.conftest import cluster_without_workers_yet

    model = isingeq.paper_instance(18, rng=4)
    with (
        cluster_without_workers_yet(1) as client,
        pytest.warns(RuntimeWarning, match=r"has no workers yet; method 'exact' waits"),
    ):
        dist = isingeq.solve(model, method="exact", client=client)
    local = isingeq.solve(model, method="exact")
    np.testing.assert_array_equal(dist.samples, local.samples)
    assert dist.info["workers"] == 1
