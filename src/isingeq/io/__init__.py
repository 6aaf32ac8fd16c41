"""Benchmark files in and out: one module per format, each with ``read_*`` and ``write_*``.

==========  ===============================  =====================================  =====
format      module                           problem                                sense
==========  ===============================  =====================================  =====
gset, rudy  :mod:`isingeq.io.gset`           max-cut graph, 1-based ``i j w``       max
beasley     :mod:`isingeq.io.beasley`        OR-Library QUBOs, several per file     max
biqmac      :mod:`isingeq.io.biqmac`         Biq Mac ``.sparse`` QUBO               min
coo         :mod:`isingeq.io.coo`            dimod COO text, BINARY or SPIN         min
mtx         :mod:`isingeq.io.mtx`            MatrixMarket ``Q``, ``min x^T Q x``    min
npz         :mod:`isingeq.io.npz`            isingeq's own lossless archive         any
latfile     :mod:`isingeq.io.latfile`        COOL spin glass, 0-based ``i j v``     min
tnac4o      :mod:`isingeq.io.tnac4o`         tnac4o spin glass, 1-based ``i j J``   min
==========  ===============================  =====================================  =====

Every reader takes a path (``str`` or :class:`os.PathLike`, gzip-compressed when it ends in
``.gz``) or an open file, and returns :class:`isingeq.instance.Instance` objects: a model whose
energy ``H`` (see :mod:`isingeq.model`) is minimised, and the instance's own objective
``objective(x) = scale * H(x) + shift`` in its own sense. A file that does not follow its format
raises :class:`FormatError` (a ``ValueError``) naming the file, the line and what was expected;
nothing is loaded in part. :func:`read` picks the reader from the file name.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from ..instance import Instance
from ._common import FormatError, PathOrFile, read_lines, source_name
from .beasley import read_beasley, write_beasley
from .biqmac import read_biqmac, write_biqmac
from .coo import read_coo, write_coo
from .gset import read_gset, read_rudy, write_gset
from .latfile import read_latfile, write_latfile
from .mtx import read_mtx, write_mtx
from .npz import load_npz, read_npz, save_npz, write_npz
from .tnac4o import read_tnac4o, write_tnac4o

__all__ = [
    "EXTENSIONS",
    "FORMATS",
    "FormatError",
    "load_npz",
    "read",
    "read_beasley",
    "read_biqmac",
    "read_coo",
    "read_gset",
    "read_latfile",
    "read_mtx",
    "read_npz",
    "read_rudy",
    "read_tnac4o",
    "save_npz",
    "write_beasley",
    "write_biqmac",
    "write_coo",
    "write_gset",
    "write_latfile",
    "write_mtx",
    "write_npz",
    "write_tnac4o",
]

#: Format name -> reader.
FORMATS: dict[str, Callable[..., Any]] = {
    "gset": read_gset,
    "rudy": read_rudy,
    "beasley": read_beasley,
    "biqmac": read_biqmac,
    "coo": read_coo,
    "mtx": read_mtx,
    "npz": read_npz,
    "latfile": read_latfile,
    "tnac4o": read_tnac4o,
}

#: File extension (after any ``.gz``) -> format name. ``.txt`` is told apart by its first lines.
EXTENSIONS: dict[str, str] = {
    ".gset": "gset",
    ".rud": "rudy",
    ".rudy": "rudy",
    ".sparse": "biqmac",
    ".coo": "coo",
    ".mtx": "mtx",
    ".npz": "npz",
    ".lat": "latfile",
}


def _sniff_txt(path: PathOrFile) -> str | None:
    """Gset (first line ``n m``), Beasley (first line ``K``, then ``n nnz``), latfile (``N``,
    then ``i j v``) or tnac4o (``#`` comments, then ``i j J``) by the first two lines that are
    not ``#`` comments (a Gset file under a comment header is a Gset file, not tnac4o's)."""
    lines, _ = read_lines(path)
    fields = [f for f in (line.split() for line in lines[:200]) if f]
    commented = bool(fields) and fields[0][0].startswith("#")
    counts = [len(f) for f in fields if not f[0].startswith("#")][:2]
    if counts[:1] == [2]:
        return "gset"
    if counts == [1, 2]:
        return "beasley"
    if counts == [1, 3]:
        return "latfile"
    if counts[:1] == [3] and commented:  # tnac4o's files open with a comment
        return "tnac4o"
    return None


def _guess_format(path: PathOrFile) -> str:
    source = source_name(path, default="")
    base = os.path.basename(source)
    if base.lower().endswith(".gz"):
        base = base[:-3]
    if base == "latfile":
        return "latfile"
    ext = os.path.splitext(base)[1].lower()
    if ext in EXTENSIONS:
        return EXTENSIONS[ext]
    guess = None
    if ext == ".txt" and isinstance(path, str | os.PathLike):
        guess = _sniff_txt(path)
    elif ext == ".txt" and not isinstance(path, str | os.PathLike) and path.seekable():
        at = path.tell()  # an open file: sniffed, then put back for the reader
        guess = _sniff_txt(path)
        path.seek(at)
    if guess is not None:
        return guess
    known = ", ".join(f"'{e}' ({f})" for e, f in EXTENSIONS.items())
    if not source:
        what = "an open file without a name"
    elif ext:
        what = f"the extension {ext!r} of {source!r}"
    else:
        what = f"no extension in {source!r}"
    raise ValueError(
        f"cannot tell the format from {what}; pass format= (--format in the CLI) one of {sorted(FORMATS)} "
        f"(known extensions: {known}, '.txt' (gset, beasley, latfile or tnac4o, by content), a file named "
        "'latfile'; each may end in '.gz')"
    )


def read(path: PathOrFile, format: str | None = None, **options: Any) -> list[Instance]:
    """Read every instance in a file, choosing the reader from ``format`` or the file name.

    Parameters
    ----------
    path : str, os.PathLike or file
        The file (gzip-compressed when the name ends in ``.gz``) or an open file (then give
        ``format`` unless the file's ``name`` tells it).
    format : str, optional
        One of :data:`FORMATS`: ``'gset'``, ``'rudy'``, ``'beasley'``, ``'biqmac'``,
        ``'coo'``, ``'mtx'``, ``'npz'``, ``'latfile'``, ``'tnac4o'``. By default from the
        extension (see :data:`EXTENSIONS`); a ``.txt`` file is Gset when its first line is
        ``n m``, Beasley when it is a single count followed by ``n nnz``, a latfile when it is
        ``N`` followed by ``i j v``, and tnac4o's when it opens with ``#`` comments followed
        by ``i j J`` (the sniff skips comment lines: a Gset file under a comment is Gset's);
        a file named ``latfile`` is COOL's.
    **options
        Passed to the reader (``name=``, or ``vartype=`` for ``coo``).

    Returns
    -------
    list of Instance
        Always a list, one instance per problem in the file (several for Beasley files).

    Raises
    ------
    ValueError
        If the format is unknown or cannot be told from the name (the message lists the
        formats).
    FormatError
        From the reader, for a file that does not follow its format.

    Examples
    --------
    >>> import io
    >>> [inst] = read(io.StringIO("2 1\\n1 2 1\\n"), format="gset", name="edge")
    >>> inst.objective([0, 1])
    1.0
    >>> read("instance.xyz")
    Traceback (most recent call last):
    ...
    ValueError: cannot tell the format from the extension '.xyz' of 'instance.xyz'; pass format= (--format in the CLI) one of ['beasley', 'biqmac', 'coo', 'gset', 'latfile', 'mtx', 'npz', 'rudy', 'tnac4o'] (known extensions: '.gset' (gset), '.rud' (rudy), '.rudy' (rudy), '.sparse' (biqmac), '.coo' (coo), '.mtx' (mtx), '.npz' (npz), '.lat' (latfile), '.txt' (gset, beasley, latfile or tnac4o, by content), a file named 'latfile'; each may end in '.gz')
    """
    if format is None:
        fmt = _guess_format(path)
    elif isinstance(format, str) and format.lower() in FORMATS:
        fmt = format.lower()
    else:
        raise ValueError(f"`format` must be one of {sorted(FORMATS)} or None; got {format!r}")
    result = FORMATS[fmt](path, **options)
    return list(result) if isinstance(result, list) else [result]
