"""QUBO matrices in the MatrixMarket format: :func:`~isingeq.io.read_mtx`,
:func:`~isingeq.io.write_mtx`.

The file holds a square real or integer matrix ``Q`` (``coordinate`` or ``array`` layout,
``general`` or ``symmetric``), and the problem is::

    minimise  f(x) = x^T Q x = sum_{i,j} Q_ij x_i x_j          over x in {0,1}^n

with ``Q`` exactly the matrix the file defines, as :func:`scipy.io.mmread` returns it:

* a ``symmetric`` file stores one triangle and means the full symmetric matrix, so each stored
  off-diagonal entry counts twice (``2 Q_ij x_i x_j``);
* a ``general`` file means the entries it lists: an upper-triangular ``Q`` counts each listed
  off-diagonal once, a full ``Q`` counts ``Q_ij + Q_ji``.

The model has ``H = f``: ``eps_ii = -Q_ii``, ``eps_ij = -(Q_ij + Q_ji)`` for ``i < j`` (see
:mod:`isingeq.model`); the instance has sense ``"min"`` and ``objective(x) = H(x)``.
:func:`~isingeq.io.write_mtx` writes the upper-triangular ``Q = -eps`` as a ``general`` matrix, so
the two conventions meet.

Files are parsed through :func:`scipy.io.mmread` after a strict line-by-line check of their own
(``mmread`` itself accepts ``1.5`` as an index, extra fields and repeated entries), so a bad file
raises :class:`~isingeq.io.FormatError` with its line.
"""

from __future__ import annotations

import io
import re
from typing import Any

import numpy as np
import scipy.io
import scipy.sparse as sp

from ..instance import Instance
from ..model import SpinGlass
from ._common import (
    FormatError,
    PathOrFile,
    as_model,
    check_chars,
    check_duplicates,
    check_finite,
    check_node_count,
    check_range,
    default_name,
    last_nonblank,
    open_text,
    parse_int,
    parse_triples,
    read_lines,
)

__all__ = ["read_mtx", "write_mtx"]

_BANNER = "%%MatrixMarket matrix coordinate real general"
_MMREAD_LINE = re.compile(r"Line (\d+):\s*")


def _scan(lines: list[str], source: str) -> dict[str, Any]:
    """Check the whole file line by line; return its header fields and entry count."""
    first = next((k for k, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise FormatError(source, None, f"expected the banner '{_BANNER}', got an empty file")
    head = lines[first].split()
    if first != 0:
        raise FormatError(
            source,
            1,
            f"expected the banner '{_BANNER}' on line 1, got a blank line (the "
            f"first text is on line {first + 1})",
        )
    if head[0] != "%%MatrixMarket":  # SciPy's mmread, which parses the body, needs this case
        raise FormatError(
            source, 1, f"expected the banner '{_BANNER}' on line 1, got {lines[first]!r}"
        )
    if len(head) != 5:
        raise FormatError(
            source, 1, f"expected 5 fields in the banner '{_BANNER}', got {lines[0].strip()!r}"
        )
    obj, layout, field, symmetry = (h.lower() for h in head[1:])
    allowed = {
        "object": (obj, ("matrix",)),
        "format": (layout, ("coordinate", "array")),
        "field": (field, ("real", "double", "integer")),
        "symmetry": (symmetry, ("general", "symmetric")),
    }
    for what, (got, ok) in allowed.items():
        if got not in ok:
            why = {
                "field": " (a QUBO needs real values)",
                "symmetry": " (a QUBO's Q is general or symmetric)",
            }.get(what, "")
            raise FormatError(source, 1, f"expected {what} {' or '.join(ok)}{why}, got {got!r}")
    k = 1
    while k < len(lines) and (not lines[k].strip() or lines[k].lstrip().startswith("%")):
        k += 1
    if k == len(lines):
        raise FormatError(
            source, last_nonblank(lines), "expected the size line, got the end of the file"
        )
    spec = "rows cols nnz" if layout == "coordinate" else "rows cols"
    f = lines[k].split()
    if len(f) != len(spec.split()):
        raise FormatError(
            source, k + 1, f"expected the size line '{spec}', got {lines[k].strip()!r}"
        )
    size = [parse_int(source, k + 1, tok, what) for tok, what in zip(f, spec.split(), strict=True)]
    n, cols = size[0], size[1]
    if n != cols or n < 1:
        raise FormatError(
            source, k + 1, f"expected a square matrix with at least one row, got {n} x {cols}"
        )
    size_line = k + 1
    check_node_count(source, size_line, n, "the size line", dense=layout == "array")
    integer = field == "integer"
    if layout == "coordinate":
        nnz = size[2]
        if nnz < 0:
            raise FormatError(source, size_line, f"expected nnz >= 0, got {nnz}")
        t = parse_triples(
            lines,
            k + 1,
            source,
            "i j value",
            count=nnz,
            count_line=size_line,
            integer_values=integer,
        )
        check_range(source, t.i, t.lines, 1, n, "i")
        check_range(source, t.j, t.lines, 1, n, "j")
        check_duplicates(source, t.i, t.j, t.lines, unordered=symmetry == "symmetric")
        count = nnz
    else:
        count = n * n if symmetry == "general" else n * (n + 1) // 2
        vals: list[float] = []
        where: list[int] = []
        for k2 in range(k + 1, len(lines)):
            g = lines[k2].split()
            if not g:
                continue
            if len(vals) == count:
                raise FormatError(
                    source,
                    k2 + 1,
                    f"expected the end of the file after {count} values (line {size_line} "
                    f"says {n} x {n}, {symmetry}), got {lines[k2].strip()!r}",
                )
            if len(g) != 1:
                raise FormatError(
                    source, k2 + 1, f"expected 1 field 'value', got {lines[k2].strip()!r}"
                )
            check_chars(source, k2 + 1, lines[k2])
            if integer:  # parse_int also refuses a value beyond int64, which mmread cannot hold
                vals.append(parse_int(source, k2 + 1, g[0], "value"))
            else:
                try:
                    vals.append(float(g[0]))
                except ValueError:
                    raise FormatError(
                        source, k2 + 1, f"expected a number for 'value', got {g[0]!r}"
                    ) from None
            where.append(k2 + 1)
        if len(vals) < count:
            raise FormatError(
                source,
                last_nonblank(lines),
                f"expected {count} values (line {size_line} says {n} x {n}, {symmetry}), "
                f"got {len(vals)}: the file is truncated",
            )
        if not integer:
            check_finite(source, np.array(vals), np.array(where, dtype=np.int64), "value")
    return {"layout": layout, "field": field, "symmetry": symmetry, "n": n, "entries": count}


def read_mtx(path: PathOrFile, name: str | None = None) -> Instance:
    """Read a MatrixMarket matrix ``Q`` as the QUBO ``min x^T Q x``.

    Parameters
    ----------
    path : str, os.PathLike or file
        The file (gzip-compressed when the name ends in ``.gz``) or an open text file.
    name : str, optional
        The instance name; by default the file name less ``.gz`` and ``.mtx``.

    Returns
    -------
    Instance
        Sense ``"min"``, ``objective(x) = x^T Q x``; a sparse model for the ``coordinate``
        layout, a dense one for ``array``. ``meta`` has ``"layout"``, ``"field"``,
        ``"symmetry"`` and ``"entries"``.

    Raises
    ------
    FormatError
        On a missing or unsupported banner (``pattern``, ``complex``, ``skew-symmetric`` and
        ``hermitian`` are not QUBOs), a bad or non-square size line, fewer or more entries than
        it says, a line with the wrong number of fields, a non-numeric or non-finite value, an
        index outside ``1..n`` or an entry given twice (in a ``symmetric`` file, ``i j`` and
        ``j i`` are the same entry); the message names the file and the line.

    Examples
    --------
    >>> import io
    >>> text = '''%%MatrixMarket matrix coordinate integer symmetric
    ... 2 2 2
    ... 1 1 -3
    ... 2 1 1
    ... '''
    >>> inst = read_mtx(io.StringIO(text), name="q")
    >>> inst.objective([1, 1])           # -3 + 2 * 1: the stored (2, 1) counts twice
    -1.0
    """
    lines, source = read_lines(path)
    info = _scan(lines, source)
    try:
        m = scipy.io.mmread(io.BytesIO("\n".join(lines).encode()))
    except ValueError as exc:  # pragma: no cover - _scan rejects what mmread does
        msg = str(exc)
        mm = _MMREAD_LINE.match(msg)
        line = int(mm.group(1)) if mm else None
        raise FormatError(
            source, line, f"scipy.io.mmread: {msg[mm.end() if mm else 0 :]}"
        ) from None
    n = info["n"]
    if sp.issparse(m):
        Q = sp.csr_array(m, dtype=np.float64)
        Q.sum_duplicates()
        upper = sp.triu(Q, k=1) + sp.tril(Q, k=-1).T
        eps: Any = sp.csr_array(-(upper + sp.diags_array(Q.diagonal(), format="csr")))
    else:
        Qd = np.asarray(m, dtype=np.float64)
        eps = -(np.triu(Qd, k=1) + np.tril(Qd, k=-1).T + np.diag(np.diag(Qd)))
    if eps.shape != (n, n):  # pragma: no cover - guaranteed by _scan
        raise FormatError(source, None, f"expected a {n} x {n} matrix, got {eps.shape}")
    return Instance(
        name=name if name is not None else default_name(source, "mtx"),
        model=SpinGlass(eps),
        sense="min",
        best_known=None,
        scale=1.0,
        shift=0.0,
        source=source,
        meta={"format": "mtx", **{k: info[k] for k in ("layout", "field", "symmetry", "entries")}},
    )


def write_mtx(instance: Instance | SpinGlass, path: PathOrFile) -> None:
    """Write a model as the MatrixMarket matrix ``Q = -eps`` (upper-triangular, ``general``).

    Reading it back with :func:`~isingeq.io.read_mtx` gives ``x^T Q x = H(x) - offset``: the format
    has no constant, so ``model.offset`` is not written. A sparse model is written in the
    ``coordinate`` layout (nonzero entries only), a dense one in the ``array`` layout. Numbers are
    written so that they read back exactly.

    Parameters
    ----------
    instance : Instance or SpinGlass
    path : str, os.PathLike or file
        Where to write (gzip-compressed when the name ends in ``.gz``), or an open text file.

    Raises
    ------
    TypeError
        If ``instance`` is not an Instance or a SpinGlass.

    Examples
    --------
    >>> import io
    >>> import scipy.sparse as sp
    >>> buf = io.StringIO()
    >>> write_mtx(SpinGlass(sp.csr_array([[3.0, -4.0], [0.0, 0.5]])), buf)
    >>> print(buf.getvalue().splitlines()[0])
    %%MatrixMarket matrix coordinate real general
    >>> _ = buf.seek(0)
    >>> read_mtx(buf).objective([1, 1])       # H([1, 1]) = -(3 - 4 + 0.5)
    0.5
    """
    model, _ = as_model(instance)
    comment = (
        "isingeq QUBO: minimise x^T Q x over x in {0,1}^n; Q = -eps is upper-triangular, "
        "so each off-diagonal entry counts once (see isingeq.io.mtx)"
    )
    buf = io.BytesIO()
    if model.is_sparse:
        Q = sp.coo_array(-sp.csr_array(model.eps))
        Q.eliminate_zeros()
        scipy.io.mmwrite(buf, Q, comment=comment, field="real", symmetry="general")
    else:
        scipy.io.mmwrite(
            buf, -np.asarray(model.eps), comment=comment, field="real", symmetry="general"
        )
    with open_text(path, "w") as fh:
        fh.write(buf.getvalue().decode())
