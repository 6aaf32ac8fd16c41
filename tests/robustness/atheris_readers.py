"""Coverage-guided fuzzing of every text reader with atheris (libFuzzer), for a bounded time.

Run:  python tests/robustness/atheris_readers.py CORPUS_DIR -max_total_time=15 -timeout=5
(``tests/robustness/test_fuzz_readers.py::test_atheris`` does, with the real files as the
seed corpus). The first byte of an input picks the reader; the rest is the file. The contract
is the one of the hypothesis suite: a complete model, or a ``FormatError`` naming the file;
anything else is a crash, which libFuzzer reports with the input that caused it.
"""

from __future__ import annotations

import os
import sys
import tempfile

import atheris

with atheris.instrument_imports():
    import numpy as np

    from isingeq import io

READERS = [
    (io.read_coo, ".coo"),
    (io.read_mtx, ".mtx"),
    (io.read_latfile, ".lat"),
    (io.read_beasley, ".txt"),
    (io.read_biqmac, ".sparse"),
    (io.read_gset, ".txt"),
]
_DIR = tempfile.mkdtemp(prefix="isingeq-atheris-")


def one_input(data: bytes) -> None:
    if not data:
        return
    reader, suffix = READERS[data[0] % len(READERS)]
    gz = data[0] >= 128  # the high bit: the same bytes as a .gz file name
    path = os.path.join(_DIR, "in" + suffix + (".gz" if gz else ""))
    with open(path, "wb") as fh:
        fh.write(data[1:])
    try:
        got = reader(path)
    except io.FormatError as exc:
        if "in" + suffix not in str(exc):
            raise AssertionError(f"FormatError without the file's name: {exc}") from None
        return
    for inst in got if isinstance(got, list) else [got]:
        m = inst.model
        eps = m.eps.data if m.is_sparse else np.asarray(m.eps)  # no n x n for a sparse model
        if not (np.isfinite(eps).all() and m.eps.shape == (m.n, m.n)):
            raise AssertionError("a model with non-finite couplings or the wrong shape")
        m.energy(np.zeros((1, m.n), dtype=np.uint8))


if __name__ == "__main__":
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
