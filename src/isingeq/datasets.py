"""Named benchmark instances with their best-known values: Gset, OR-Library, Biq Mac.

``load("G22")``, ``load("bqp250-3")``, ``load("gka1a")`` read the instance from a data folder laid
out like the project's ``shared/data`` (``gset/G22.txt``, ``beasley/bqp250.txt``,
``biqmac/gka/gka1a.sparse``) and attach its best-known value from the table shipped with the
package (``isingeq/data/best_known.csv``). The folder is, in order: the ``data_dir`` argument,
the ``ISINGEQ_DATA`` environment variable, or a user cache folder
(``$XDG_CACHE_HOME/isingeq/data``, default ``~/.cache/isingeq/data``). A Gset or OR-Library file
that is missing there is fetched from its canonical public source when ``fetch=True`` and the
network allows.
"""

from __future__ import annotations

import csv
import os
import urllib.request
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from .problems import Instance

__all__ = ["DATA_ENV", "SUITES", "default_data_dir", "info", "load", "names", "suite"]

#: Environment variable naming the data folder.
DATA_ENV = "ISINGEQ_DATA"

#: Canonical public sources of the files that can be fetched.
_SOURCES = {
    "gset": "https://web.stanford.edu/~yyye/yyye/Gset/{stem}",
    "beasley": "http://people.brunel.ac.uk/~mastjjb/jeb/orlib/files/{stem}.txt",
}


@dataclass(frozen=True)
class Entry:
    """One row of the best-known table."""

    name: str
    family: str
    n: int
    best_known: float
    sense: str
    file: str
    index: int | None
    status: str


@cache
def _table() -> dict[str, Entry]:
    text = resources.files("isingeq").joinpath("data/best_known.csv").read_text()
    out = {}
    for row in csv.DictReader(text.splitlines()):
        out[row["name"]] = Entry(
            name=row["name"],
            family=row["family"],
            n=int(row["n"]),
            best_known=float(row["best_known"]),
            sense=row["sense"],
            file=row["file"],
            index=int(row["index"]) if row["index"] else None,
            status=row["status"],
        )
    return out


def _gset_range(lo: int, hi: int) -> list[str]:
    return [f"G{k}" for k in range(lo, hi + 1)]


#: Named suites: lists of instance names.
SUITES: dict[str, list[str]] = {
    "gset-800": _gset_range(1, 10),
    "gset-1000": _gset_range(43, 47),
    "gset-2000": _gset_range(22, 31),
    "beasley-250": [f"bqp250-{k}" for k in range(1, 11)],
    "beasley-500": [f"bqp500-{k}" for k in range(1, 11)],
    "beasley-1000": [f"bqp1000-{k}" for k in range(1, 11)],
    "gka": [n for n, e in _table().items() if e.family == "biqmac-gka"],
    "targets": ["G1", "G22", "G43", "bqp1000-1"],
}


def suite(name: str) -> list[str]:
    """The instance names of a suite (``SUITES``), or raise naming the known suites."""
    try:
        return list(SUITES[name])
    except KeyError:
        raise ValueError(
            f"unknown suite {name!r}; known suites: {', '.join(sorted(SUITES))}"
        ) from None


def names(family: str | None = None) -> list[str]:
    """Every instance name known, optionally of one family (gset, beasley, biqmac-be, ...)."""
    return [n for n, e in _table().items() if family is None or e.family == family]


def info(name: str) -> Entry:
    """The table row of ``name`` (best-known value, sense, size, file)."""
    try:
        return _table()[name]
    except KeyError:
        close = [n for n in _table() if n.lower() == str(name).lower()]
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(
            f"unknown instance {name!r}{hint}; names look like 'G22', 'bqp250-3', 'gka1a', "
            "'be100.1' (isingeq.datasets.names() lists them)"
        ) from None


def default_data_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """The data folder: the argument, else ``$ISINGEQ_DATA``, else the user cache folder."""
    if data_dir is not None:
        return Path(data_dir).expanduser()
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env).expanduser()
    cache_home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache_home) / "isingeq" / "data"


def _fetch(entry: Entry, dest: Path) -> None:
    url_t = _SOURCES.get(entry.family)
    if url_t is None:
        raise FileNotFoundError(
            f"{dest} is missing and {entry.family} files cannot be fetched; copy the Biq Mac "
            "library into that folder (see shared/data/README.md for its layout)"
        )
    url = url_t.format(stem=Path(entry.file).stem)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(dest.suffix + ".part")
    try:
        with urllib.request.urlopen(url, timeout=30) as resp, open(tmp, "wb") as fh:
            fh.write(resp.read())
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise FileNotFoundError(
            f"{dest} is missing and fetching it from {url} failed ({exc}); point --data-dir or "
            f"${DATA_ENV} at a folder that holds it"
        ) from exc
    tmp.replace(dest)


def load(
    name: str, data_dir: str | os.PathLike[str] | None = None, *, fetch: bool = True
) -> Instance:
    """Load a named instance with its best-known value.

    Parameters
    ----------
    name : str
        ``"G1"`` .. ``"G81"`` (Gset), ``"bqp50-1"`` .. ``"bqp1000-10"`` (OR-Library),
        Biq Mac names (``"gka1a"``, ``"be100.1"``, ``"g05_100.0"``, ...).
    data_dir : path, optional
        The data folder (see the module docstring for the default).
    fetch : bool, default True
        Fetch a missing Gset / OR-Library file from its public source.

    Returns
    -------
    Instance
        ``.best_known`` from the shipped table, ``.sense`` the file's own.

    Raises
    ------
    ValueError
        For an unknown name.
    FileNotFoundError
        When the file is missing and cannot be fetched.

    Examples
    --------
    >>> import isingeq.datasets as ds
    >>> ds.info("G22").best_known, ds.info("bqp250-3").sense
    (13359.0, 'max')
    """
    from . import io

    entry = info(name)
    path = default_data_dir(data_dir) / entry.file
    if not path.exists():
        if not fetch:
            raise FileNotFoundError(
                f"{path} is missing (instance {name!r}); point --data-dir or ${DATA_ENV} at a "
                "folder laid out like shared/data, or allow fetching"
            )
        _fetch(entry, path)
    if entry.family == "beasley":
        inst = io.read_beasley(path)[(entry.index or 1) - 1]
    elif entry.family in ("gset", "biqmac-rudy", "biqmac-ising"):
        inst = io.read_gset(path, name=name)
    else:
        inst = io.read_biqmac(path, name=name)
    if inst.sense != entry.sense or inst.n != entry.n:
        raise ValueError(
            f"{path} does not match the table for {name!r}: read n={inst.n}, sense {inst.sense!r}; "
            f"expected n={entry.n}, sense {entry.sense!r}"
        )
    return Instance(
        name=name,
        model=inst.model,
        sense=inst.sense,
        best_known=entry.best_known,
        scale=inst.scale,
        shift=inst.shift,
        source=str(path),
        meta={**inst.meta, "status": entry.status, "family": entry.family},
    )
