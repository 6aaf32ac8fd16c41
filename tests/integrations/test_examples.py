"""The integration examples run at their small size, as CI runs them, and succeed (each exits
non-zero when its own check fails: energies not the BQM's, a constraint broken)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).parents[2] / "examples"


@pytest.mark.parametrize(
    ("script", "needs", "expect"),
    [
        ("dimod_dropin.py", "dwave.samplers", "unique=True"),
        ("pyqubo_model.py", "pyqubo", "broken constraints: 0; proper colouring: True"),
    ],
)
def test_example_runs(script: str, needs: str, expect: str) -> None:
    pytest.importorskip(needs)
    out = subprocess.run(
        [sys.executable, str(EXAMPLES / script), "--small"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert expect in out.stdout
