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
from itertools import chain, islice
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


#: What :func:`_sniff_txt` looks for in a ``.txt`` file: format -> its first lines.
_TXT_SHAPES: dict[str, str] = {
    "gset": "'n m'",
    "beasley": "'K', then 'n nnz'",
    "latfile": "'N', then 'i j v'",
    "tnac4o": "'#' comments, then 'i j J'",
}


def _head(lines: list[str]) -> tuple[str | None, list[str]]:
    """A ``.txt`` file's first non-blank line and its first two lines that are neither blank nor
    ``#`` comments, read lazily (a large file's lines are not all split): what the sniffer
    decides by and what its error shows."""
    nonblank = (line for line in lines if line.strip())
    first = next(nonblank, None)
    rest = chain([first] if first is not None else [], nonblank)
    return first, list(islice((x for x in rest if not x.lstrip().startswith("#")), 2))


def _sniff_lines(lines: list[str]) -> str | None:
    """The format that the first lines of a ``.txt`` file tell (see :func:`_sniff_txt`)."""
    first, data = _head(lines)
    commented = first is not None and first.lstrip().startswith("#")
    counts = [len(line.split()) for line in data]
    if counts[:1] == [2]:
        return "gset"
    if counts == [1, 2]:
        return "beasley"
    if counts == [1, 3]:
        return "latfile"
    if counts[:1] == [3] and commented:  # tnac4o's files open with a comment
        return "tnac4o"
    return None


def _sniff_txt(path: PathOrFile) -> str | None:
    """Gset (first line ``n m``), Beasley (first line ``K``, then ``n nnz``), latfile (``N``,
    then ``i j v``) or tnac4o (``#`` comments, then ``i j J``) by the first two lines that are
    not ``#`` comments (a Gset file under a comment header is a Gset file, not tnac4o's)."""
    lines, _ = read_lines(path)
    return _sniff_lines(lines)


def _shown(line: str, width: int = 40) -> str:
    """A line of a file, quoted and cut to about ``width`` characters for a message."""
    line = line.strip()
    return repr(line if len(line) <= width else line[: width - 3] + "...")


def _no_txt_format(source: str, ext: str, lines: list[str] | None) -> ValueError:
    """The error for a ``.txt`` file whose content tells no format (``lines`` None: an open
    file that cannot seek, so it was not sniffed): it names the file, says it is empty or
    shows its first lines, and names the candidates and ``format=``."""
    candidates = "; ".join(f"{f}: {shape}" for f, shape in _TXT_SHAPES.items())
    give = f"pass format= (--format in the CLI) one of {sorted(FORMATS)}"
    if lines is None:
        return ValueError(
            f"cannot tell the format of {source!r}: a {ext!r} file is told by its content, "
            f"and an open file that cannot seek is not read twice; {give}"
        )
    first, data = _head(lines)
    if first is None:
        blank = "" if lines == [""] else " (blank lines only)"
        return ValueError(f"{source!r} is empty{blank}: there is no instance to read")
    if not data:
        return ValueError(
            f"{source!r} holds only '#' comment lines (the first: {_shown(first)}): there is "
            "no instance to read"
        )
    coo = " ('coo' reads 0-based 'i j value' lines)" if len(data[0].split()) == 3 else ""
    return ValueError(
        f"cannot tell the format of {source!r} from its content: its first lines that are not "
        f"'#' comments, {', '.join(_shown(line) for line in data)}, match none of the formats a "
        f"{ext!r} file is told as ({candidates}); {give}{coo}"
    )


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
    if ext == ".txt":  # decided by content: the error says what the content was
        lines: list[str] | None = None
        if isinstance(path, str | os.PathLike):
            lines, _ = read_lines(path)
        elif path.seekable():
            at = path.tell()  # an open file: sniffed, then put back for the reader
            lines, _ = read_lines(path)
            path.seek(at)
        guess = None if lines is None else _sniff_lines(lines)
        if guess is not None:
            return guess
        raise _no_txt_format(source, ext, lines)
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
        formats), or a ``.txt`` file's first lines match none of the formats told by content
        (the message shows them and names the candidates), or it is empty.
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
