"""dimod's COO text format: :func:`~isingeq.io.read_coo`, :func:`~isingeq.io.write_coo`.

The format of :mod:`dimod.serialization.coo`: one line per bias of a binary quadratic model whose
variables are the integers ``0..n-1``::

    # vartype=BINARY         optional comment naming the variable type, BINARY or SPIN
    i j bias                 0-based; i == j: the linear bias of i; i != j: the pair's bias

with the energy (lower is better)::

    BINARY:  E(x) = sum_{lines i i b} b x_i + sum_{lines i j b, i != j} b x_i x_j,   x in {0,1}
    SPIN:    E(s) = sum_{lines i i b} b s_i + sum_{lines i j b, i != j} b s_i s_j,   s in {-1,+1}

isingeq reads it without dimod and more strictly: each pair at most once (dimod adds repeated
lines up; here a repeat is an error naming both lines), no lines other than blank ones, ``#``
comments and ``i j bias``. The format has no constant term; isingeq writes a nonzero one as a
``# offset=<value>`` comment, which :func:`~isingeq.io.read_coo` reads and dimod ignores.

The instance has sense ``"min"`` and ``objective(x) = E`` of the state: ``model.energy(x)`` for
BINARY, the spin energy of ``s = 2x - 1`` for SPIN (built with
:meth:`isingeq.SpinGlass.from_spin`, which keeps energies equal). See :mod:`isingeq.model`.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..instance import Instance
from ..model import SpinGlass
from ._common import (
    FormatError,
    PathOrFile,
    as_model,
    check_duplicates,
    check_node_count,
    check_range,
    default_name,
    open_text,
    parse_triples,
    read_lines,
)

__all__ = ["read_coo", "write_coo"]

# dimod's header pattern is '#.*?vartype[:=][ \t]*([-_.a-zA-Z0-9]+)'
_VARTYPE = re.compile(r"#.*?vartype[:=][ \t]*([-_.a-zA-Z0-9]+)")
# isingeq's own comment, written as '# offset=<value>' (spaces around '=' read too); anchored
# at the comment's start, so that prose such as '# the offset: 7 is dropped' is not a value
_OFFSET = re.compile(r"#[ \t]*offset[ \t]*[:=][ \t]*(\S+)")
_VARTYPES = ("BINARY", "SPIN")


def _as_vartype(vartype: Any) -> str | None:
    if vartype is None:
        return None
    label = getattr(vartype, "name", vartype)  # a dimod.Vartype has .name
    if isinstance(label, str) and label.upper() in _VARTYPES:
        return label.upper()
    raise ValueError(f"`vartype` must be 'BINARY', 'SPIN' or None; got {vartype!r}")


def read_coo(
    path: PathOrFile,
    vartype: Any = None,
    *,
    n: int | None = None,
    name: str | None = None,
) -> Instance:
    """Read a binary quadratic model in dimod's COO text format.

    Parameters
    ----------
    path : str, os.PathLike or file
        The file (gzip-compressed when the name ends in ``.gz``) or an open text file.
    vartype : {"BINARY", "SPIN"} or None, default None
        The variable type. None takes it from a ``# vartype=...`` comment, and BINARY (a
        QUBO) when there is none. Given, it must agree with such a comment.
    n : int, optional
        Number of variables; by default the largest index plus one (COO cannot list a
        variable with no bias).
    name : str, optional
        The instance name; by default the file name less ``.gz`` and ``.coo``.

    Returns
    -------
    Instance
        Sense ``"min"``, ``objective(x) = E``; ``meta`` has ``"vartype"`` and ``"entries"``.

    Raises
    ------
    FormatError
        On no entries, a line without three fields, a non-numeric or non-finite token, a
        negative index or one ``>= n``, a pair given twice, an unknown or conflicting
        ``vartype`` comment, or a bad ``offset`` comment; the message names the file and line.
    ValueError
        On a bad ``vartype`` or ``n`` argument.

    Examples
    --------
    >>> import io
    >>> text = "# vartype=SPIN\\n0 0 0.5\\n0 1 -1\\n"
    >>> inst = read_coo(io.StringIO(text))
    >>> inst.meta["vartype"], inst.objective([1, 1]), inst.objective([0, 1])  # s = (1,1), (-1,1)
    ('SPIN', -0.5, 0.5)
    >>> read_coo(io.StringIO("0 0 -1\\n0 1 2\\n1 0 1\\n")).objective([1, 1])
    Traceback (most recent call last):
    ...
    isingeq.io.FormatError: <stream>, line 3: duplicate entry 1 0: this pair was already given on line 2 (as 0 1); expected each pair once
    """
    vt_arg = _as_vartype(vartype)
    if n is not None and (isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1):
        raise ValueError(f"`n` must be a positive integer or None; got {n!r}")
    lines, source = read_lines(path)
    vt_file: str | None = None
    vt_line = 0
    offset = 0.0
    offset_line: int | None = None
    for k, line in enumerate(lines, start=1):
        s = line.lstrip()
        if not s.startswith("#"):
            continue
        mv = _VARTYPE.match(s)
        if mv is None and re.match(r"#[ \t]*vartype\b", s, re.IGNORECASE):
            # a vartype comment dimod would not read (e.g. '# vartype = SPIN'): reading the
            # file as BINARY would silently change the model
            raise FormatError(
                source, k, f"expected '# vartype=BINARY' or '# vartype=SPIN', got {s.strip()!r}"
            )
        if mv:
            label = mv.group(1).upper()
            if label not in _VARTYPES:
                raise FormatError(
                    source, k, f"expected vartype=BINARY or vartype=SPIN, got {mv.group(1)!r}"
                )
            if vt_file is not None and label != vt_file:
                raise FormatError(
                    source, k, f"vartype={label} contradicts vartype={vt_file} on line {vt_line}"
                )
            if vt_arg is not None and label != vt_arg:
                raise FormatError(
                    source, k, f"the file says vartype={label} but vartype={vt_arg!r} was passed"
                )
            vt_file, vt_line = label, k
        mo = _OFFSET.match(s)
        if mo:
            if offset_line is not None:
                raise FormatError(
                    source,
                    k,
                    f"expected one offset comment, got a second (first on line {offset_line})",
                )
            try:
                offset = float(mo.group(1))
            except ValueError:
                offset = float("nan")
            if not np.isfinite(offset) or "_" in mo.group(1):
                raise FormatError(
                    source, k, f"expected a finite number for 'offset', got {mo.group(1)!r}"
                )
            offset_line = k
    vt = vt_arg or vt_file or "BINARY"
    t = parse_triples(lines, 0, source, "i j bias", comment="#")
    if len(t) == 0 and n is None:
        what = "an empty file" if not any(x.strip() for x in lines) else "no entries"
        raise FormatError(
            source,
            None,
            f"expected lines 'i j bias' (or pass n= for a model without biases), got {what}",
        )
    if n is None:
        n = int(max(t.i.max(), t.j.max(), 0)) + 1
        k = int(np.argmax(np.maximum(t.i, t.j)))
        check_node_count(source, int(t.lines[k]), n, "the largest index + 1")
    check_range(source, t.i, t.lines, 0, int(n) - 1, "i")
    check_range(source, t.j, t.lines, 0, int(n) - 1, "j")
    check_duplicates(source, t.i, t.j, t.lines)
    lo, hi = np.minimum(t.i, t.j), np.maximum(t.i, t.j)
    n = int(n)
    if vt == "BINARY":
        eps = sp.csr_array(sp.coo_array((-t.v, (lo, hi)), shape=(n, n)))
        model = SpinGlass(eps, offset=offset)
    else:
        diag = lo == hi
        h = np.bincount(lo[diag], weights=t.v[diag], minlength=n).astype(np.float64)
        off = ~diag
        J = sp.csr_array(sp.coo_array((t.v[off], (lo[off], hi[off])), shape=(n, n)))
        model = SpinGlass.from_spin(h, J, offset=offset)
    return Instance(
        name=name if name is not None else default_name(source, "coo"),
        model=model,
        sense="min",
        best_known=None,
        scale=1.0,
        shift=0.0,
        source=source,
        meta={"format": "coo", "vartype": vt, "entries": len(t)},
    )


def _positional(x: float) -> str:
    # dimod's line pattern has no exponent: write every number positionally (still exact)
    return np.format_float_positional(x, unique=True, trim="-")


def write_coo(instance: Instance | SpinGlass, path: PathOrFile, vartype: Any = None) -> None:
    """Write a model in dimod's COO text format, with a ``# vartype=`` header.

    BINARY writes ``bias = -eps_ij`` for ``i <= j`` (the dimod BINARY form of the model); SPIN
    writes the spin form of :meth:`isingeq.SpinGlass.to_spin`. Only nonzero biases are written,
    plus ``n-1 n-1 0`` when the last variable has none (so the file keeps ``n``). A nonzero
    constant is written as a ``# offset=`` comment. Numbers are written positionally, exactly
    (dimod's reader takes no exponents).

    Parameters
    ----------
    instance : Instance or SpinGlass
    path : str, os.PathLike or file
        Where to write (gzip-compressed when the name ends in ``.gz``), or an open text file.
    vartype : {"BINARY", "SPIN"} or None
        None: the instance's ``meta["vartype"]`` if it has one, else BINARY.

    Raises
    ------
    TypeError
        If ``instance`` is not an Instance or a SpinGlass.
    ValueError
        On a bad ``vartype``.

    Examples
    --------
    >>> import io
    >>> buf = io.StringIO()
    >>> write_coo(SpinGlass([[1.0, -0.5], [0.0, 0.0]]), buf)
    >>> print(buf.getvalue(), end="")
    # vartype=BINARY
    0 0 -1
    0 1 0.5
    """
    model, inst = as_model(instance)
    vt = _as_vartype(vartype)
    if vt is None:
        vt = _as_vartype(inst.meta.get("vartype")) if inst is not None else None
    vt = vt or "BINARY"
    if vt == "BINARY":
        coo = sp.coo_array(sp.csr_array(model.eps))
        i, j, v, offset = coo.row, coo.col, -coo.data, model.offset
    else:
        hs, Js, offset = model.to_spin()
        J = sp.coo_array(sp.csr_array(Js))
        lin = np.flatnonzero(hs)
        i = np.concatenate([lin, J.row])
        j = np.concatenate([lin, J.col])
        v = np.concatenate([hs[lin], J.data])
    keep = v != 0
    i, j, v = i[keep].astype(np.int64), j[keep].astype(np.int64), v[keep].astype(np.float64)
    order = np.lexsort((j, i))
    rows = [f"# vartype={vt}\n"]
    if offset != 0:
        rows.append(f"# offset={float(offset)!r}\n")
    rows.extend(
        f"{a} {b} {_positional(x)}\n"
        for a, b, x in zip(i[order].tolist(), j[order].tolist(), v[order].tolist(), strict=True)
    )
    last = model.n - 1
    if not ((i == last) | (j == last)).any():
        rows.append(f"{last} {last} 0\n")
    with open_text(path, "w") as fh:
        fh.write("".join(rows))
