"""Fixtures and helpers for the file-format tests.

The benchmark data lives beside the repository, in ``../shared/data`` (see its README); tests
that need it are skipped when it is absent. Small fixtures are written to ``tmp_path``.
"""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import numpy as np
import pytest

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The shared benchmark data folder; skips the test when it is not there."""
    if not (DATA / "README.md").is_file():
        pytest.skip(f"benchmark data not found at {DATA}")
    return DATA


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


def bits(text: str) -> np.ndarray:
    """A '0'/'1' string as a uint8 vector (character k = variable k)."""
    s = text.strip()
    assert set(s) <= {"0", "1"}, f"not a 0/1 string: {s[:40]!r}"
    return np.frombuffer(s.encode(), dtype=np.uint8) - ord("0")


def all_states(n: int) -> np.ndarray:
    return np.array(list(itertools.product((0, 1), repeat=n)), dtype=np.uint8)


def cut_value(n: int, edges: np.ndarray, weights: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Cut of each row of x, straight from the definition sum_edges w [x_i != x_j]."""
    X = np.atleast_2d(x)
    out = np.zeros(len(X))
    for (a, b), w in zip(edges.tolist(), weights.tolist(), strict=True):
        out += w * (X[:, a] != X[:, b])
    return out


def random_graph(
    rng: np.random.Generator, n: int, p: float = 0.5, integer: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Random simple graph: 0-based edges (random orientation) and weights."""
    pairs = [(a, b) for a in range(n) for b in range(a + 1, n) if rng.random() < p]
    if not pairs:
        pairs = [(0, 1)]
    e = np.array(pairs, dtype=np.int64)
    flip = rng.random(len(e)) < 0.5
    e[flip] = e[flip][:, ::-1]
    e = e[rng.permutation(len(e))]
    w = rng.integers(-5, 6, len(e)).astype(float) if integer else rng.normal(size=len(e))
    return e, w


def random_states(rng: np.random.Generator, n: int, k: int = 64) -> np.ndarray:
    return rng.integers(0, 2, size=(k, n)).astype(np.uint8)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path
