"""Naming instances: the one resolver, and the named benchmark instances (Gset, OR-Library, Biq Mac,
Chimera).

:func:`~isingeq.resolve` turns every way to name an instance into an :class:`isingeq.Instance`, and
:func:`resolve_many` does the same for lists and suites; ``isingeq solve --instance``,
``isingeq bench`` and Python all go through them, so one spec gives one model everywhere. The
grammar of a spec, tried in this order:

==========================  ======================================================================
``G22``, ``bqp250-3``,      a named instance of the best-known table (:func:`names`), read by
``gka1a``, ``be100.1``,     :func:`load` with its best-known value
``chimera-001``
``paper-N[@SEED]``          :func:`isingeq.paper_instance` ``(N, rng=SEED)``, SEED >= 0, default 0;
``sk-N[@SEED]``             :func:`isingeq.sk_instance` likewise;
``ea-LxL[xL...][@SEED]``    :func:`isingeq.ea_instance` ``((L, L, ...), rng=SEED)``: a +-J
                            torus of any dimension (``ea-L`` is ``L x L``). Objective ``H``,
                            sense "min"; for N <= 24 spins the exact ground state is the
                            best-known value. The instance is named by its canonical spec
                            (``paper-40`` for seed 0, ``paper-40@7`` otherwise; ``ea-32x32``)
a file path                 a path that exists, holds a path separator or ends in a known suffix
                            (:data:`isingeq.io.EXTENSIONS`, ``.txt``, ``.gz``), read by
                            :func:`isingeq.io.read`; it must hold one instance (use
                            :func:`resolve_many` for a file of several). A file byte for byte the
                            table's (SHA-256, :func:`~isingeq.datasets.pinned`) is that instance, by
                            any path or name: its name, best-known value and reader
``PATH#NAME``, ``PATH#K``   one instance of a file of several: the one named ``NAME``
                            (``bqp50.txt#bqp50-3``) or the K-th, from 1 (``bqp50.txt#3``)
==========================  ======================================================================

:func:`resolve_many` also takes comma lists and suite names (:data:`~isingeq.datasets.SUITES`, e.g.
``gset-800``). The module is a little over 500 lines because it is one thing, naming an instance:
the resolver needs the table of names and the data folder that :func:`load` uses.

``load("G22")``, ``load("bqp250-3")``, ``load("gka1a")`` read the instance from a data folder laid
out like the project's ``shared/data`` (``gset/G22.txt``, ``beasley/bqp250.txt``,
``biqmac/gka/gka1a.sparse``, ``spinglass/chimera_J124_C8/001.txt``) and attach its best-known value from the table shipped with the
package (``isingeq/data/best_known.csv``). The folder is, in order: the ``data_dir`` argument,
the ``ISINGEQ_DATA`` environment variable, or a user cache folder
(``$XDG_CACHE_HOME/isingeq/data``, default ``~/.cache/isingeq/data``). A Gset or OR-Library file
that is missing there is fetched from its canonical public source when ``fetch=True`` and the
network allows.
"""

from __future__ import annotations

import contextlib
import csv
import difflib
import hashlib
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from .instance import Instance

__all__ = [
    "DATA_ENV",
    "GSET_FAMILIES",
    "MIRROR_ENV",
    "RANDOM_EXACT_MAX_N",
    "RANDOM_FAMILIES",
    "SUITES",
    "TUNED_ON",
    "check_specs",
    "default_data_dir",
    "gset_family",
    "info",
    "load",
    "names",
    "parse_random_spec",
    "pinned",
    "resolve",
    "resolve_many",
    "suite",
]

#: Environment variable naming the data folder.
DATA_ENV = "ISINGEQ_DATA"

#: Environment variable naming a mirror to fetch from instead of the public sources: a base URL
#: laid out like shared/data (``{mirror}/gset/G22.txt``), e.g. an institute's file server.
MIRROR_ENV = "ISINGEQ_DATA_MIRROR"

#: Canonical public sources of the files that can be fetched (HTTPS: both offer it).
_SOURCES = {
    "gset": "https://web.stanford.edu/~yyye/yyye/Gset/{stem}",
    "beasley": "https://people.brunel.ac.uk/~mastjjb/jeb/orlib/files/{stem}.txt",
}

#: A response may exceed the pinned size by this factor before the fetch is cut off (it is then
#: refused anyway by its digest; the bound keeps a hostile server from filling memory or disk).
_SIZE_SLACK = 1.05


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


#: The instances isingeq's methods have been tuned on (their defaults, schedules and options
#: were chosen by measuring on these), exactly: Gset G1-G10, G11, G14, G18, G22, G24, G26-G28,
#: G31, G35, G43, G57, OR-Library bqp250-1..10 and bqp1000-1..10, and the paper's random
#: instances paper-1000 and paper-2000 (mfa-hybrid's split and tail were chosen on G11, G14,
#: G18, G35, G57 and the paper instances; its tabu phase on G1-G10, G22, G43 and the bqp
#: instances, and the density from which tabu replaces the mean field's second half on G24,
#: G26-G28 and G31, where a first version lost; benchmarks/bench_hybrid.py). Every other
#: instance is "not tuned on", and the
#: bench reports its aggregates over the two sets separately. Tuning -- choosing a default,
#: a schedule or a rule from measurements -- must only ever use these instances, so that no
#: figure reported over the rest rests on tuning to the instances it reports.
TUNED_ON: frozenset[str] = frozenset(
    [f"G{k}" for k in range(1, 11)]
    + ["G11", "G14", "G18", "G22", "G24", "G26", "G27", "G28", "G31", "G35", "G43", "G57"]
    + ["paper-1000", "paper-2000"]
    + [f"bqp250-{k}" for k in range(1, 11)]
    + [f"bqp1000-{k}" for k in range(1, 11)]
)


@cache
def _gset_families() -> dict[str, str]:
    text = resources.files("isingeq").joinpath("data/gset_families.csv").read_text()
    return {
        row["name"]: f"{row['graph_type']} {'±1' if row['weights'] == '+1/-1' else '+1'}"
        for row in csv.DictReader(text.splitlines())
    }


#: The Gset families: graph type (random / planar / toroidal) and weights (+1 / ±1).
GSET_FAMILIES: tuple[str, ...] = tuple(
    f"{g} {w}" for g in ("random", "planar", "toroidal") for w in ("+1", "±1")
)


def gset_family(name: str) -> str | None:
    """The family of a Gset graph (``"planar ±1"``, ``"random +1"``, ...), None for others.

    Examples
    --------
    >>> gset_family("G14"), gset_family("G62"), gset_family("bqp250-1")
    ('planar +1', 'toroidal ±1', None)
    """
    return _gset_families().get(name)


def _family_suite(family: str) -> list[str]:
    return [n for n, f in _gset_families().items() if f == family]


#: Named suites: lists of instance names.
SUITES: dict[str, list[str]] = {
    "gset-800": _gset_range(1, 10),
    "gset-1000": _gset_range(43, 47),
    "gset-2000": _gset_range(22, 31),
    "beasley-250": [f"bqp250-{k}" for k in range(1, 11)],
    "beasley-500": [f"bqp500-{k}" for k in range(1, 11)],
    "beasley-1000": [f"bqp1000-{k}" for k in range(1, 11)],
    # the 50 OR-Library instances whose files are public (bqp2500 is not in shared/data)
    "beasley": [f"bqp{n}-{k}" for n in (50, 100, 250, 500, 1000) for k in range(1, 11)],
    "gka": [n for n, e in _table().items() if e.family == "biqmac-gka"],
    "be": [n for n, e in _table().items() if e.family == "biqmac-be"],
    # tnac4o's 200 Chimera glasses (512 spins, J in {+-1, +-2, +-4}); best found, not proven
    "chimera": [n for n, e in _table().items() if e.family == "chimera"],
    "chimera-10": [f"chimera-{k:03d}" for k in range(1, 11)],
    "targets": ["G1", "G22", "G43", "bqp1000-1"],
    "gset": list(_gset_families()),
    # one suite per Gset family: gset-random-unit (+1 weights), gset-toroidal-signed (±1), ...
    **{
        f"gset-{fam.split()[0]}-{'unit' if fam.endswith('+1') else 'signed'}": _family_suite(fam)
        for fam in GSET_FAMILIES
    },
}


def suite(name: str) -> list[str]:
    """The instance names of a suite (:data:`~isingeq.datasets.SUITES`), or raise naming the
    known suites.

    Parameters
    ----------
    name : str
        A suite's name, e.g. ``"gset-800"`` or ``"beasley-250"``.

    Returns
    -------
    list of str
        The instance names, in the suite's order: a new list, so the caller may change it
        without changing the suite.

    Raises
    ------
    ValueError
        For an unknown suite (the closest known name suggested, every known one listed).
    TypeError
        If ``name`` is not a string.

    Examples
    --------
    >>> suite("targets")
    ['G1', 'G22', 'G43', 'bqp1000-1']
    """
    if not isinstance(name, str):
        raise TypeError(f"`name` must be a suite's name (a str); got {name!r}")
    try:
        return list(SUITES[name])
    except KeyError:
        close = difflib.get_close_matches(str(name), list(SUITES), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(
            f"unknown suite {name!r}{hint}; known suites: {', '.join(sorted(SUITES))}"
        ) from None


def names(family: str | None = None) -> list[str]:
    """Every instance name known, optionally of one family (gset, beasley, biqmac-be, ...).

    Parameters
    ----------
    family : str, optional
        A family of the table (``"gset"``, ``"beasley"``, ``"biqmac-gka"``, ``"biqmac-be"``,
        ``"chimera"``, ...); every name when omitted.

    Returns
    -------
    list of str
        Names that :func:`~isingeq.datasets.load` and :func:`~isingeq.resolve` accept, in the
        order of the table shipped with the package (``isingeq/data/best_known.csv``).

    Raises
    ------
    ValueError
        For a family the table does not have (naming the ones it has), rather than an empty
        list that reads as "no instances".

    Examples
    --------
    >>> len(names()) > len(names("gset")) == 71
    True
    """
    if family is None:
        return list(_table())
    found = [n for n, e in _table().items() if e.family == family]
    if not found:
        known = sorted({e.family for e in _table().values()})
        close = difflib.get_close_matches(str(family), known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(f"unknown `family` {family!r}{hint}; known families: {', '.join(known)}")
    return found


#: Where an unknown name's error sends the reader; ``flag_names`` renames it like a parameter
#: (the CLI's ``{"isingeq.datasets.names()": "isingeq instances"}``).
_LISTING = "isingeq.datasets.names()"


def info(name: str) -> Entry:
    """The table row of ``name`` (best-known value, sense, size, file)."""
    try:
        return _table()[name]
    except KeyError:
        raise ValueError(
            f"unknown instance {name!r}{_close_hint(str(name))}; names look like 'G22', "
            f"'bqp250-3', 'gka1a', 'be100.1' (`{_LISTING}` lists them)"
        ) from None


def _close_hint(name: str) -> str:
    """`` (did you mean 'G22'?)`` for the closest table name, or an empty string."""
    table = list(_table())
    same_case = [n for n in table if n.lower() == name.lower()]
    close = same_case or difflib.get_close_matches(name, table, n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


def default_data_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """The data folder: the argument, else ``$ISINGEQ_DATA``, else the user cache folder."""
    if data_dir is not None:
        return Path(data_dir).expanduser()
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env).expanduser()
    cache_home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache_home) / "isingeq" / "data"


@cache
def pinned() -> dict[str, tuple[str, int]]:
    """``file -> (sha256, bytes)`` of every file of the table (``data/sha256.csv``, from
    shared/data/SHA256SUMS): a fetched file must match before it enters the cache, and a file
    opened by its path is recognised as the table's (:func:`~isingeq.resolve`)."""
    text = resources.files("isingeq").joinpath("data/sha256.csv").read_text()
    return {r["file"]: (r["sha256"], int(r["bytes"])) for r in csv.DictReader(text.splitlines())}


def _origin(data_dir: str | os.PathLike[str] | None) -> str:
    """Where :func:`default_data_dir` took the data folder from, for messages."""
    if data_dir is not None:
        return "`data_dir`"
    if os.environ.get(DATA_ENV):
        return f"${DATA_ENV}"
    return f"the default cache folder, as neither `data_dir` nor ${DATA_ENV} is given"


def _fetch(entry: Entry, dest: Path, folder: Path, origin: str) -> None:
    """Download ``entry``'s file to ``dest``, only if it is byte for byte the pinned one.

    The response is streamed to a temporary file next to ``dest`` while its SHA-256 is
    computed, cut off beyond the pinned size (times ``_SIZE_SLACK``), and renamed into place
    only when size and digest match; otherwise the temporary file is removed and nothing is
    cached. ``$ISINGEQ_DATA_MIRROR`` replaces the public sources by a mirror.

    A data folder ``folder`` (from ``origin``, :func:`_origin`) that does not exist yet is
    created to hold the download (it is a cache); when the download fails, the folders made
    for it are removed again, and the message says that ``folder`` does not exist, so that a
    misspelt ``data_dir`` reads as such and not only as a network failure.
    """
    url_t = _SOURCES.get(entry.family)
    pin = pinned().get(entry.file)
    if url_t is None or pin is None:
        why = (
            f"{entry.family} files have no public source to fetch from"
            if url_t is None
            else f"{entry.file} has no pinned SHA-256 to check a download against"
        )
        raise FileNotFoundError(
            f"{dest} is missing and is not fetched ({why}); copy the file there, or point "
            f"`data_dir` or ${DATA_ENV} at a folder that holds it (the layout: "
            "help(isingeq.datasets))"
        )
    import urllib.request

    mirror = os.environ.get(MIRROR_ENV, "").strip().rstrip("/")
    url = f"{mirror}/{entry.file}" if mirror else url_t.format(stem=Path(entry.file).stem)
    want, size = pin
    limit = int(size * _SIZE_SLACK) + 1024
    absent = not folder.exists()
    named = f"the data folder {str(folder)!r} ({origin})"
    made = []  # the folders created for the download, deepest first: removed if it fails
    for parent in dest.parents:
        if parent.exists():
            break
        made.append(parent)
    tmp = dest.with_suffix(dest.suffix + ".part")
    digest = hashlib.sha256()
    got = 0
    try:
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            where = named if absent else f"the folder {str(dest.parent)!r}"
            raise FileNotFoundError(
                f"{dest} is missing and cannot be fetched: {where} does not exist and could "
                f"not be created ({exc.strerror or exc}); check the path, or point `data_dir` "
                f"or ${DATA_ENV} at a folder that holds the file"
            ) from exc
        try:
            with urllib.request.urlopen(url, timeout=30) as resp, open(tmp, "wb") as fh:
                while chunk := resp.read(1 << 16):
                    got += len(chunk)
                    if got > limit:
                        raise ValueError(
                            f"fetching {url}: the response exceeds {limit} bytes (the pinned "
                            f"file has {size}); refused, nothing cached"
                        )
                    digest.update(chunk)
                    fh.write(chunk)
        except OSError as exc:
            hint = f"point `data_dir` or ${DATA_ENV} at a folder that holds it"
            if absent and not origin.startswith("the default"):
                # a misspelt folder: say so, not only that the network failed (a missing
                # default cache is a fresh install's, to be created by the first download)
                hint = (
                    f"{named} does not exist either (it was to be created for the download): "
                    f"check the path, or {hint}"
                )
            raise FileNotFoundError(
                f"{dest} is missing and fetching it from {url} failed ({exc}); {hint}"
            ) from exc
        if digest.hexdigest() != want:
            raise ValueError(
                f"fetching {url}: SHA-256 {digest.hexdigest()} ({got} bytes) does not match the "
                f"pinned {want} ({size} bytes) of {entry.file}; refused, nothing cached"
            )
    except BaseException:
        with contextlib.suppress(OSError):  # ENOTDIR too, where a file stands in the path
            tmp.unlink(missing_ok=True)
        for made_dir in made:  # deepest first; a folder someone else filled meanwhile stays
            with contextlib.suppress(OSError):
                made_dir.rmdir()
        raise
    tmp.replace(dest)


def load(
    name: str, data_dir: str | os.PathLike[str] | None = None, *, fetch: bool = True
) -> Instance:
    """Load a named instance with its best-known value.

    Parameters
    ----------
    name : str
        ``"G1"`` .. ``"G81"`` (Gset), ``"bqp50-1"`` .. ``"bqp1000-10"`` (OR-Library),
        Biq Mac names (``"gka1a"``, ``"be100.1"``, ``"g05_100.0"``, ...), tnac4o's Chimera
        glasses (``"chimera-001"`` .. ``"chimera-200"``: spin energies, lowest found).
    data_dir : path, optional
        The data folder (see the module docstring for the default).
    fetch : bool, default True
        Fetch a missing Gset / OR-Library file from its public source over HTTPS (or from
        ``$ISINGEQ_DATA_MIRROR``); it enters the cache only if its SHA-256 and size match the
        pinned ones (:func:`~isingeq.datasets.pinned`).

    Returns
    -------
    Instance
        ``.best_known`` from the shipped table, ``.sense`` the file's own.

    Raises
    ------
    ValueError
        For an unknown name, or a fetched file whose SHA-256 or size is not the pinned one
        (the message names the URL and both digests; nothing is cached).
    FileNotFoundError
        When the file is missing and cannot be fetched.
    NotADirectoryError
        When the data folder is a file.

    Examples
    --------
    >>> import isingeq.datasets as ds
    >>> ds.info("G22").best_known, ds.info("bqp250-3").sense
    (13359.0, 'max')
    """

    entry = info(name)
    folder = default_data_dir(data_dir)
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(
            f"the data folder {str(folder)!r} (`data_dir`, else ${DATA_ENV}) is a file, not a "
            "folder"
        )
    path = folder / entry.file
    if not path.exists():
        if not fetch:
            raise FileNotFoundError(
                f"{path} is missing (instance {name!r}); point `data_dir` or ${DATA_ENV} at a "
                "folder laid out like shared/data, or allow fetching"
            )
        _fetch(entry, path, folder, _origin(data_dir))
    return _read_entry(name, entry, path)


def _entry_reader(entry: Entry) -> Any:
    """The reader of :mod:`isingeq.io` that reads ``entry``'s family."""
    from . import io

    if entry.family == "beasley":
        return io.read_beasley
    if entry.family in ("gset", "biqmac-rudy", "biqmac-ising"):
        return io.read_gset
    return io.read_tnac4o if entry.family == "chimera" else io.read_biqmac


def _read_entry(name: str, entry: Entry, path: Path) -> Instance:
    """The table's instance ``name`` from its file at ``path``, read as its family is read."""
    from . import io

    reader = _entry_reader(entry)
    if reader is io.read_beasley:
        inst = io.read_beasley(path)[(entry.index or 1) - 1]
    elif reader is io.read_tnac4o:
        inst = io.read_tnac4o(path, name=name, n=entry.n)
    else:
        inst = reader(path, name=name)
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


# ---------------------------------------------------------------------------- the resolver

#: Random families of :func:`~isingeq.resolve`: spec prefix -> generator
#: ``(n, rng) -> SpinGlass`` name.
RANDOM_FAMILIES = ("paper", "sk", "ea")
#: ``paper-N`` / ``sk-N`` with ``N`` up to this get their exact ground state as best-known value.
RANDOM_EXACT_MAX_N = 24

_FAMILY = re.compile(r"(?P<family>[A-Za-z]+)-(?P<rest>.*)$")
_SIZE_SEED = re.compile(r"(?P<n>[0-9]+)(?:@(?P<seed>[0-9]+))?$")
_SHAPE_SEED = re.compile(r"(?P<shape>[0-9]+(?:[xX][0-9]+)*)(?:@(?P<seed>[0-9]+))?$")
_OLD_SPELLING = re.compile(r"(?P<family>paper|sk):\s*(?P<n>\S*)$")
_FORMS = (
    "a named instance ('G22', 'bqp250-3', 'gka1a'), a random family 'paper-N[@SEED]', "
    "'sk-N[@SEED]' (N >= 1, SEED >= 0) or 'ea-LxL[@SEED]' (sides >= 2), or a file path "
    "(PATH#K or PATH#NAME: one instance of a file of several)"
)


def _random(family: str, size: int | tuple[int, ...], seed: int, spec: str) -> Instance:
    from . import generators

    make: Any = {
        "paper": generators.paper_instance,
        "sk": generators.sk_instance,
        "ea": generators.ea_instance,
    }[family]
    try:
        model = make(size, rng=seed)
    except ValueError as exc:  # the generators' memory check: say which spec asked for it
        raise ValueError(f"`spec` {spec!r}: {exc}") from None
    best = None
    if model.n <= RANDOM_EXACT_MAX_N:
        from .solvers import solve

        best = float(solve(model, method="exact").best_energy)
    return Instance(
        spec,  # the canonical spec (_spec_of)
        model,
        "min",
        best_known=best,
        source=f"isingeq.{make.__name__}({size}, rng={seed})",
        meta={"best_known": "exact" if best is not None else "none", "seed": seed},
    )


def parse_random_spec(
    spec: str, *, name: str = "spec"
) -> tuple[str, int | tuple[int, ...], int] | None:
    """``(family, n, seed)`` for a ``paper-N[@SEED]`` / ``sk-N[@SEED]`` spec, ``("ea", sides,
    seed)`` for ``ea-LxL[@SEED]`` (``ea-L``: ``(L, L)``), None for others.

    Raises ValueError, naming ``spec`` as ``name``, for a spec that starts like a random
    family but is malformed.

    Examples
    --------
    >>> parse_random_spec("paper-40"), parse_random_spec("sk-64@3"), parse_random_spec("G22")
    (('paper', 40, 0), ('sk', 64, 3), None)
    >>> parse_random_spec("ea-16"), parse_random_spec("ea-8x8x8@2")
    (('ea', (16, 16), 0), ('ea', (8, 8, 8), 2))
    """
    m = _FAMILY.match(spec)
    if m is None or m.group("family").lower() not in RANDOM_FAMILIES:
        return None
    family = m.group("family").lower()
    if family == "ea":
        lattice = _SHAPE_SEED.match(m.group("rest"))
        sides = [int(v) for v in re.split("[xX]", lattice.group("shape"))] if lattice else []
        if lattice is None or min(sides) < 2:
            raise ValueError(
                f"`{name}` {spec!r} must look like 'ea-L', 'ea-LxL' or 'ea-LxLxL', each with "
                "'@SEED' or without, integers L >= 2 and SEED >= 0; e.g. 'ea-32x32@7'"
            )
        if len(sides) == 1:
            sides = sides * 2
        return family, tuple(sides), int(lattice.group("seed") or 0)
    size = _SIZE_SEED.match(m.group("rest"))
    form = f"'{family}-N' or '{family}-N@SEED' with integers N >= 1 and SEED >= 0"
    if size is None or int(size.group("n")) < 1:
        raise ValueError(f"`{name}` {spec!r} must look like {form}; e.g. '{family}-40@7'")
    return family, int(size.group("n")), int(size.group("seed") or 0)


def _looks_like_path(spec: str) -> bool:
    from . import io

    if os.sep in spec or "/" in spec or (os.altsep is not None and os.altsep in spec):
        return True
    base = spec[:-3] if spec.endswith(".gz") else spec
    ext = os.path.splitext(base)[1].lower()
    return spec.endswith(".gz") or ext == ".txt" or ext in io.EXTENSIONS or Path(spec).exists()


def _classify(spec: Any) -> tuple[str, Any]:
    """``("name", name)``, ``("random", (family, n, seed))``, ``("file", Path)`` or ``("pick",
    (Path, name or position))``; checks only."""
    if isinstance(spec, os.PathLike):  # a path is a file, whatever its name
        path = Path(spec).expanduser()
        picked = None if path.exists() else _picked(os.fspath(spec))
        if picked is not None:  # Path('bqp50.txt#3'): one instance of the file
            return picked
        if not path.is_file():
            what = "is a folder, not a file" if path.is_dir() else "does not exist"
            raise ValueError(f"`spec` {os.fspath(spec)!r} is a path that {what}")
        return "file", path
    if not isinstance(spec, str):
        raise TypeError(f"`spec` must be a string or a path; got {type(spec).__name__}")
    text = spec.strip()
    if not text:
        raise ValueError(f"`spec` must name an instance: {_FORMS}; got {spec!r}")
    if text in _table():
        return "name", text
    picked = _picked(text)
    if picked is not None:
        return picked
    try:
        parsed = parse_random_spec(text)
    except ValueError:
        if Path(text).expanduser().is_file():  # a file named like a family: 'paper-50.mtx'
            return "file", Path(text).expanduser()
        raise
    if parsed is not None:
        return "random", parsed
    old = _OLD_SPELLING.match(text)
    if old is not None:
        raise ValueError(
            f"`spec` {text!r} uses the old spelling; write '{old.group('family')}-"
            f"{old.group('n') or 'N'}' (seed 0) or '{old.group('family')}-"
            f"{old.group('n') or 'N'}@SEED'"
        )
    if _looks_like_path(text):
        path = Path(text).expanduser()
        if not path.is_file():
            what = "is a folder, not a file" if path.is_dir() else "does not exist"
            raise ValueError(f"`spec` {text!r} looks like a file path but {what}")
        return "file", path
    raise ValueError(
        f"`spec` {text!r} is not a known instance{_close_hint(text)}; give {_FORMS} "
        f"(`{_LISTING}` lists the names)"
    )


def _picked(text: str) -> tuple[str, Any] | None:
    """``("pick", (Path, name or position))`` for ``PATH#K`` / ``PATH#NAME`` where PATH is a
    file (``'bqp50.txt#3'``, ``'bqp50.txt#bqp50-3'``); None for any other text."""
    head, sep, pick = text.rpartition("#")
    if not (sep and head and Path(head).expanduser().is_file()):
        return None
    if not pick.strip():
        raise ValueError(
            f"`spec` {text!r}: after '#' give an instance's name or its position from 1"
        )
    return "pick", (Path(head).expanduser(), pick.strip())


def _several(spec: str, found: list[Instance]) -> ValueError:
    shown = ", ".join(i.name for i in found[:3]) + (", ..." if len(found) > 3 else "")
    return ValueError(
        f"`spec` {spec!r} holds {len(found)} instances ({shown}); resolve_many(spec) gives "
        f"them all, '{spec}#K' (K from 1) or '{spec}#NAME' picks one, `isingeq bench --file "
        "PATH` runs them all, and a file of the data folder has its instances by name (e.g. "
        "'bqp250-3')"
    )


def _spec_of(family: str, size: int | tuple[int, ...], seed: int) -> str:
    """The canonical spec of a random family's instance (``paper-40``, ``ea-8x8@3``)."""
    shown = "x".join(map(str, size)) if isinstance(size, tuple) else str(size)
    return f"{family}-{shown}" + (f"@{seed}" if seed else "")


def _load(
    kind: str, value: Any, data_dir: Any, fetch: bool, format: str | None = None
) -> list[Instance]:
    if format is not None and kind not in ("file", "pick"):
        what = {"name": "a named instance", "random": "a random family"}.get(kind, kind)
        shown = value if kind != "random" else _spec_of(*value)
        raise ValueError(f"`format`={format!r} applies to a file; {shown!r} is {what}, not a file")
    if kind == "name":
        return [load(value, data_dir, fetch=fetch)]
    if kind == "random":
        family, size, seed = value
        return [_random(family, size, seed, _spec_of(family, size, seed))]
    from . import io

    path = Path(value[0] if kind == "pick" else value)
    known = _known_entries(path)
    if format is not None and any(
        io.FORMATS.get(str(format).lower()) is not _entry_reader(e) for _, e in known
    ):
        known = []  # read as the caller says, another format than the table's: not its instance
    if known:  # a file of the table, recognised by its pinned SHA-256: its name and best known
        found = [_read_entry(name, entry, path) for name, entry in known]
    else:
        found = io.read(path, format=format)
    return [_pick(path, value[1], found)] if kind == "pick" else found


def _known_entries(path: Path) -> list[tuple[str, Entry]]:
    """The table's instances in ``path`` when it is byte for byte a pinned file (any name,
    any folder: ``shared/data/gset/G1.txt`` opened by its path is G1, with its best-known
    value and its family's reader), in file order; none otherwise. Only a file of a pinned
    size is hashed."""
    try:
        size = path.stat().st_size
    except OSError:
        return []  # the reader names what is wrong with the path
    keys = [key for key, (_, nbytes) in pinned().items() if nbytes == size]
    if not keys or not path.is_file():
        return []
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    for key in keys:
        if pinned()[key][0] == digest:
            rows = [(name, e) for name, e in _table().items() if e.file == key]
            return sorted(rows, key=lambda row: row[1].index or 0)
    return []


def _pick(path: Path, pick: str, found: list[Instance]) -> Instance:
    """The instance of ``found`` (the file ``path``'s) that ``pick`` names: by name, else by
    its position from 1."""
    for inst in found:
        if inst.name == pick:
            return inst
    if pick.isdigit() and 1 <= int(pick) <= len(found):
        return found[int(pick) - 1]
    names = ", ".join(i.name for i in found[:5]) + (", ..." if len(found) > 5 else "")
    raise ValueError(
        f"`spec` '{path}#{pick}': {str(path)!r} holds {len(found)} instance(s) ({names}); "
        f"after '#' give one of those names or a position 1..{len(found)}"
    )


def resolve(
    spec: str | os.PathLike[str],
    data_dir: str | os.PathLike[str] | None = None,
    *,
    fetch: bool = True,
    format: str | None = None,
    flag_names: Mapping[str, str] | None = None,
) -> Instance:
    """The instance that ``spec`` names: a named instance, a random family or a file.

    Parameters
    ----------
    spec : str or path
        See the module docstring for the grammar: ``"G22"``, ``"bqp250-3"``, ``"gka1a"``,
        ``"paper-40"`` (= ``"paper-40@0"``), ``"paper-40@7"``, ``"sk-64@3"``, or a file path.
    data_dir : path, optional
        The folder of the named instances (default ``$ISINGEQ_DATA`` or the user cache).
    fetch : bool, default True
        Fetch a missing Gset / OR-Library file from its public source over HTTPS (or from
        ``$ISINGEQ_DATA_MIRROR``); it enters the cache only if its SHA-256 and size match the
        pinned ones (:func:`~isingeq.datasets.pinned`).
    format : str, optional
        A file's format (:data:`isingeq.io.FORMATS`) where its name does not tell it (Biq
        Mac's ``g05_100.0``); files only.
    flag_names : mapping, optional
        The name an error gives a parameter (``spec``, ``data_dir``, ``format``; the CLI's
        ``{"data_dir": "--data-dir"}``), and ``isingeq.datasets.names()``, the listing an
        unknown name's error points to (the CLI's ``isingeq instances``).

    Returns
    -------
    Instance
        Random families are named by their canonical spec (``paper-40``, ``paper-40@7``).

    Raises
    ------
    ValueError
        For a malformed spec (naming ``spec`` and the accepted forms), an unknown name (with
        the closest known one suggested), a missing file, or a file of several instances.
    TypeError
        If ``spec`` is neither a string nor a path.
    FileNotFoundError
        When a named instance's file is missing from ``data_dir`` and cannot be fetched.

    Examples
    --------
    >>> import isingeq
    >>> inst = resolve("paper-6@3")
    >>> inst.name, inst.sense, bool(inst.model.eps.tolist() == isingeq.paper_instance(6, rng=3).eps.tolist())
    ('paper-6@3', 'min', True)
    >>> inst.best_known == isingeq.solve(inst.model, method="exact").best_energy
    True
    >>> resolve("paper-x")
    Traceback (most recent call last):
    ...
    ValueError: `spec` 'paper-x' must look like 'paper-N' or 'paper-N@SEED' with integers N >= 1 and SEED >= 0; e.g. 'paper-40@7'
    """
    with _named(flag_names):
        kind, value = _classify(spec)
        found = _load(kind, value, data_dir, fetch, format)
        if len(found) != 1:
            raise _several(str(spec), found)
        return found[0]


def _split(specs: Iterable[Any] | str | os.PathLike[str]) -> list[Any]:
    if isinstance(specs, str | os.PathLike):
        specs = [specs]
    out: list[Any] = []
    for item in specs:
        if isinstance(item, str):
            out.extend(v.strip() for v in item.split(",") if v.strip())
        else:
            out.append(item)
    return out


def _same(a: Instance, b: Instance) -> bool:
    """Whether two loaded instances are one: the same file (or spec) and the same model.

    The same file however its path is spelled ('G1' from the data folder and
    'data/gset/G1.txt', absolute and relative, through '..' or a link)."""
    if not (a.sense == b.sense and a.model == b.model):
        return False
    if a.source == b.source:
        return True
    try:
        return os.path.samefile(a.source, b.source)
    except (OSError, ValueError):  # a random family's source is no path
        return False


def resolve_many(
    specs: Iterable[str | os.PathLike[str]] | str,
    data_dir: str | os.PathLike[str] | None = None,
    *,
    fetch: bool = True,
    format: str | None = None,
    flag_names: Mapping[str, str] | None = None,
) -> list[Instance]:
    """Every instance that ``specs`` name, in order and without repeats.

    Every spec is checked before anything is loaded.

    Parameters
    ----------
    specs : str, path or iterable of them
        Specs as in :func:`~isingeq.resolve`; a string may be a comma list, and a suite name
        (:data:`~isingeq.datasets.SUITES`, e.g. ``"gset-800"``) stands for its instances. A file
        contributes every instance it holds.
    data_dir : path, optional
        As in :func:`~isingeq.resolve`.
    fetch : bool, default True
        As in :func:`~isingeq.resolve`.
    format : str, optional
        As in :func:`~isingeq.resolve`, for the files among ``specs`` (the named instances and
        random families keep theirs). A file byte for byte the table's, read by its family's reader,
        is still that instance, with its best-known value.
    flag_names : mapping, optional
        The name an error gives a parameter (``specs``, ``spec``: one of them, ``data_dir``;
        ``isingeq.datasets.names()`` as in :func:`~isingeq.resolve`).

    Returns
    -------
    list of Instance

    Raises
    ------
    ValueError
        As :func:`~isingeq.resolve`; also when nothing is named, or when two different instances
        have the same name (e.g. two files of the same stem).

    Examples
    --------
    >>> [i.name for i in resolve_many(["paper-5,sk-6@2", "paper-5@0"])]
    ['paper-5', 'sk-6@2']
    """
    with _named(flag_names):
        items = _expand(specs)
        if not items:
            raise ValueError(f"`specs` must name at least one instance: {_FORMS}; got none")
        plan: dict[tuple[str, str], tuple[str, Any]] = {}
        for spec in items:
            kind, value = _classify(spec)
            plan.setdefault((kind, str(value)), (kind, value))  # "paper-40" == "paper-40@0"
        out: dict[str, Instance] = {}
        for kind, value in plan.values():
            files = kind in ("file", "pick")  # the format is the files'; names and families
            for inst in _load(kind, value, data_dir, fetch, format if files else None):
                if inst.name in out and _same(out[inst.name], inst):
                    continue  # one instance named two ways ('f.txt' and 'f.txt#2'): no repeats
                if inst.name in out:
                    raise ValueError(
                        f"two instances are named {inst.name!r} (the second from "
                        f"{inst.source!r}); rename the file"
                    )
                out[inst.name] = inst
        return list(out.values())


def _expand(specs: Iterable[Any] | str | os.PathLike[str]) -> list[Any]:
    """The specs of ``specs`` (comma lists split), each suite name replaced by its instances."""
    items = []
    for spec in _split(specs):
        if isinstance(spec, str) and spec in SUITES:
            items.extend(SUITES[spec])
        else:
            items.append(spec)
    return items


def check_specs(
    specs: Iterable[str | os.PathLike[str]] | str, *, flag_names: Mapping[str, str] | None = None
) -> None:
    """Check every spec of ``specs`` as :func:`resolve_many` does first, loading nothing.

    A caller that takes specs from several places (``isingeq bench``'s ``--suite``,
    ``--instance`` and ``--file``) checks each place's with its own ``flag_names`` (``spec``:
    the name an error gives the spec), then loads them all with :func:`resolve_many`.

    Parameters
    ----------
    specs : str, path or iterable of them
        As in :func:`resolve_many`.
    flag_names : mapping, optional
        As in :func:`resolve_many`.

    Raises
    ------
    ValueError, TypeError
        As :func:`resolve_many`, for a malformed spec, an unknown name or a missing file.

    Examples
    --------
    >>> check_specs(["G22", "paper-5,sk-6@2"])
    >>> check_specs("paper-x", flag_names={"spec": "--instance"})
    Traceback (most recent call last):
    ...
    ValueError: `--instance` 'paper-x' must look like 'paper-N' or 'paper-N@SEED' with integers N >= 1 and SEED >= 0; e.g. 'paper-40@7'
    """
    with _named(flag_names):
        for spec in _expand(specs):
            _classify(spec)


@contextlib.contextmanager
def _named(flag_names: Mapping[str, str] | None) -> Iterator[None]:
    """Errors raised inside name each parameter as ``flag_names`` says (the CLI's flags).

    The messages of this module name a parameter in backticks (`` `data_dir` ``), which is
    what is renamed; an error naming none is raised as it is.
    """
    if not flag_names:
        yield
        return
    try:
        yield
    except (ValueError, TypeError, OSError) as exc:
        text = renamed = str(exc)
        for param, shown in flag_names.items():
            renamed = renamed.replace(f"`{param}`", f"`{shown}`")
        if renamed == text:
            raise
        # the base class: a subclass may take other arguments (FormatError's file and line)
        bases = (ValueError, TypeError, FileNotFoundError, NotADirectoryError, OSError)
        raise next(k for k in bases if isinstance(exc, k))(renamed) from None
