"""Spin glasses in COOL's ``latfile`` format: :func:`~isingeq.io.read_latfile`,
:func:`~isingeq.io.write_latfile`.

The format of the COOL lattice files (1QB, Mills, Ronagh & Tamblyn 2020) and of the Spin Glass
Server instances they copy::

    N              number of spins
    i j v          0-based; i == j: the field h_i; i != j: the bond J_ij, each pair once

with the energy (lower is better)::

    E(s) = sum_{bonds} J_ij s_i s_j + sum_i h_i s_i,        s in {-1, +1}^N

so a negative bond is ferromagnetic (the COOL ``ferro`` lattices have J = -1 and E0/N = -2). The
model is :meth:`isingeq.SpinGlass.from_spin`, which keeps energies equal:
``model.energy(x) = E(2x - 1)``. The instance has sense ``"min"`` and ``objective(x) = E``
(scale 1, shift 0). The ``gs_energy`` files beside the COOL latfiles give ``min E / N``.
"""

from __future__ import annotations

import os

from ..instance import Instance
from ..model import SpinGlass
from ._common import (
    PathOrFile,
    as_model,
    check_duplicates,
    check_header_value,
    check_node_count,
    check_range,
    default_name,
    fmt_number,
    open_text,
    parse_header,
    parse_triples,
    read_lines,
    spin_entries,
    spin_model,
    triple_lines,
)

__all__ = ["read_latfile", "write_latfile"]


def read_latfile(path: PathOrFile, name: str | None = None) -> Instance:
    """Read a COOL ``latfile`` spin glass.

    Parameters
    ----------
    path : str, os.PathLike or file
        The file (gzip-compressed when the name ends in ``.gz``) or an open text file.
    name : str, optional
        The instance name; by default the name of the folder holding a file called
        ``latfile`` (COOL keeps one instance per folder), else the file name.

    Returns
    -------
    Instance
        Sense ``"min"``, ``objective(x)`` = the spin energy ``E(2x - 1)``; ``meta`` has
        ``"bonds"`` and ``"fields"`` (the numbers of lines of each kind).

    Raises
    ------
    FormatError
        On a first line that is not one integer ``N >= 1``, a line without three fields, a
        non-numeric or non-finite token, an index outside ``0..N-1`` or a pair (or field) given
        twice; the message names the file and the line. The format has no entry count, so a
        file cut at a line boundary cannot be told from a complete one.

    Examples
    --------
    >>> import io
    >>> inst = read_latfile(io.StringIO("2\\n0 0 0.5\\n1 1 0.0\\n0 1 -1.0\\n"), name="pair")
    >>> inst.objective([1, 1]), inst.objective([0, 1])      # s = (1, 1): 0.5 - 1
    (-0.5, 0.5)
    """
    lines, source = read_lines(path)
    (n,), start = parse_header(lines, source, "N")
    check_header_value(source, start, "N", n, 1, "N")
    check_node_count(source, start, n, "the header 'N'")
    t = parse_triples(lines, start, source, "i j v")
    check_range(source, t.i, t.lines, 0, n - 1, "i")
    check_range(source, t.j, t.lines, 0, n - 1, "j")
    check_duplicates(source, t.i, t.j, t.lines)
    model, bonds, fields = spin_model(n, t.i, t.j, t.v)
    if name is None:
        base = os.path.basename(source)
        # the folder's own name, also for a relative path ('latfile' gave "latfile",
        # './latfile' gave ".")
        real = source if source.startswith("<") else os.path.abspath(source)
        parent = os.path.basename(os.path.dirname(real))
        name = (
            parent
            if base in ("latfile", "latfile.gz") and parent
            else default_name(source, "latfile")
        )
    return Instance(
        name=name,
        model=model,
        sense="min",
        best_known=None,
        scale=1.0,
        shift=0.0,
        source=source,
        meta={"format": "latfile", "bonds": bonds, "fields": fields},
    )


def write_latfile(instance: Instance | SpinGlass, path: PathOrFile) -> None:
    """Write a model's spin form (:meth:`isingeq.SpinGlass.to_spin`) as a COOL ``latfile``.

    Every field is written (``i i h_i``, zeros too, as COOL does), then the nonzero bonds in
    row-major order. The format has no constant, so the spin form's offset is not written:
    reading the file back gives ``H' = H - offset_s``.

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
    >>> buf = io.StringIO()
    >>> write_latfile(SpinGlass.from_spin(h=[0.5, 0.0], J=[[0, -1.0], [0, 0]]), buf)
    >>> print(buf.getvalue(), end="")
    2
    0 0 0.5
    1 1 0
    0 1 -1
    """
    model, _ = as_model(instance)
    hs, i, j, v = spin_entries(model)
    rows = [f"{model.n}\n"]
    rows.extend(f"{k} {k} {fmt_number(x)}\n" for k, x in enumerate(hs.tolist()))
    rows.extend(triple_lines(i, j, v, base=0))
    with open_text(path, "w") as fh:
        fh.write("".join(rows))
