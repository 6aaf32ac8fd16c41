"""Spin glasses in tnac4o's instance format: :func:`~isingeq.io.read_tnac4o`,
:func:`~isingeq.io.write_tnac4o`.

The format of the Chimera instances of tnac4o (Rams, Mohseni, Gardas, Phys. Rev. E 104,
025308 (2021)), in ``shared/data/spinglass/chimera_J124_C8``::

    #              comment lines start with '#' (the files open with one)
    i j J          1-based; i != j: the coupling J_ij, each pair once; i == j: the field h_i

with the energy (lower is better)::

    E(s) = sum_{i<j} J_ij s_i s_j + sum_i h_i s_i,        s in {-1, +1}^N

The number of spins is the largest index (or ``n``, for trailing spins with no coupling;
:func:`~isingeq.io.write_tnac4o` writes a zero field ``N N 0`` for a last spin that has no entry).
The model is :meth:`isingeq.SpinGlass.from_spin`, which keeps energies equal:
``model.energy(x) = E(2x - 1)``; the instance has sense ``"min"`` and ``objective(x) = E``
(scale 1, shift 0), the quantity whose minimum tnac4o reports.
"""

from __future__ import annotations

import numpy as np

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
    spin_entries,
    spin_model,
    triple_lines,
)

__all__ = ["read_tnac4o", "write_tnac4o"]


def read_tnac4o(path: PathOrFile, name: str | None = None, n: int | None = None) -> Instance:
    """Read a spin glass in tnac4o's ``i j J`` format (1-based, ``#`` comments).

    Parameters
    ----------
    path : str, os.PathLike or file
        The file (gzip-compressed when the name ends in ``.gz``) or an open text file.
    name : str, optional
        The instance name; by default the file name less its extension.
    n : int, optional
        The number of spins, when spins beyond the largest index have no coupling.

    Returns
    -------
    Instance
        Sense ``"min"``, ``objective(x)`` = the spin energy ``E(2x - 1)``; ``meta`` has
        ``"couplings"`` and ``"fields"`` (the numbers of lines of each kind).

    Raises
    ------
    FormatError
        On a line without three fields, a non-numeric or non-finite token, an index below 1
        (or above ``n``), a pair (or field) given twice, or a file with no entries (unless
        ``n`` is given); the message names the file and the line.

    Examples
    --------
    >>> import io
    >>> inst = read_tnac4o(io.StringIO("#\\n1 2 -1\\n2 2 0.5\\n"), name="pair")
    >>> inst.objective([1, 1]), inst.objective([0, 0])      # s = (1, 1): -1 + 0.5
    (-0.5, -1.5)
    """
    if n is not None and (isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1):
        raise ValueError(f"`n` must be a positive integer or None; got {n!r}")
    lines, source = read_lines(path)
    t = parse_triples(lines, 0, source, "i j J", comment="#")
    if len(t) == 0 and n is None:
        raise FormatError(
            source,
            None,
            "expected lines 'i j J' (1-based), got none (pass n= for a model without couplings)",
        )
    top = int(max(t.i.max(), t.j.max())) if n is None else int(n)
    check_node_count(source, None, top, "the largest index")
    check_range(source, t.i, t.lines, 1, top, "i")
    check_range(source, t.j, t.lines, 1, top, "j")
    check_duplicates(source, t.i, t.j, t.lines)
    model, couplings, fields = spin_model(top, t.i - 1, t.j - 1, t.v)
    return Instance(
        name=default_name(source, "tnac4o") if name is None else name,
        model=model,
        sense="min",
        best_known=None,
        scale=1.0,
        shift=0.0,
        source=source,
        meta={"format": "tnac4o", "couplings": couplings, "fields": fields},
    )


def write_tnac4o(instance: Instance | SpinGlass, path: PathOrFile) -> None:
    """Write a model's spin form (:meth:`isingeq.SpinGlass.to_spin`) in tnac4o's format.

    A ``#`` line, the nonzero fields (``i i h_i``), then the nonzero couplings in row-major
    order, 1-based, plus ``N N 0`` when the last spin has no entry (so that the file keeps the
    number of spins, which is its largest index). The format has no constant, so the spin
    form's offset is not written: reading the file back gives ``H' = H - offset_s``.

    Raises
    ------
    TypeError
        If ``instance`` is not an Instance or a SpinGlass.

    Examples
    --------
    >>> import io
    >>> buf = io.StringIO()
    >>> write_tnac4o(SpinGlass.from_spin(h=[0.5, 0.0], J=[[0, -1.0], [0, 0]]), buf)
    >>> print(buf.getvalue(), end="")
    #
    1 1 0.5
    1 2 -1
    """
    model, _ = as_model(instance)
    hs, i, j, v = spin_entries(model)
    fields = np.flatnonzero(hs)
    rows = ["#\n"]
    rows.extend(triple_lines(fields, fields, hs[fields], base=1))
    rows.extend(triple_lines(i, j, v, base=1))
    last = model.n - 1
    if not (hs[last] != 0 or (i == last).any() or (j == last).any()):
        rows.append(f"{model.n} {model.n} 0\n")  # a zero field: the file keeps n
    with open_text(path, "w") as fh:
        fh.write("".join(rows))
