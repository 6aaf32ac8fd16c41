"""The records layer: every experiment's files on disk (CSV records, JSON summaries).

One writer and one reader for all of ``reproduce``, ``bench`` and the perceptron experiments:

* :class:`RecordsFile` -- a CSV file of records with fixed columns. Rows are appended and
  flushed as they finish; :meth:`RecordsFile.resume` reads the finished rows of an earlier run
  (a line cut short by an interruption is dropped), rewrites the file clean and appends from
  there, so a run started again on the same folder redoes nothing it had finished;
* :func:`write_csv` / :func:`write_json` -- whole files written atomically (a temporary file in
  the same folder, then ``os.replace``, then the folder fsync'd), so a reader never sees half
  a file;
* :func:`json_safe` -- the one conversion to standard JSON: numpy scalars and arrays to Python,
  NaN and infinities to ``null``, paths to strings.

Every file is UTF-8, whatever the locale (a records file moves between machines).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import os
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np

from .._files import temp_beside
from .._json import json_safe

__all__ = ["RecordsFile", "csv_cell", "failure_status", "json_safe", "write_csv", "write_json"]


def csv_cell(value: Any) -> Any:
    """One CSV cell: None and NaN as an empty cell, floats with every digit (``repr``)."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return repr(value)
    return value


#: The encoding of every file written or read here.
ENCODING = "utf-8"


def _fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX: the new name is on disk only once the folder
    is fsync'd). Best effort: Windows cannot open a folder, some file systems refuse."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def _atomic(path: Path, mode: str = "w") -> Iterator[IO[Any]]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = temp_beside(path, ".part")
    text = "b" not in mode
    try:
        with os.fdopen(
            fd, mode, newline="" if text else None, encoding=ENCODING if text else None
        ) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def write_json(path: str | os.PathLike[str], obj: Any) -> Path:
    """Write ``json_safe(obj)`` to ``path`` atomically (indented, trailing newline)."""
    p = Path(path)
    with _atomic(p) as fh:
        fh.write(json.dumps(json_safe(obj), indent=2) + "\n")
    return p


def write_csv(
    path: str | os.PathLike[str], fields: Sequence[str], rows: Iterable[dict[str, Any]]
) -> Path:
    """Write ``rows`` under the header ``fields`` to ``path`` atomically."""
    p = Path(path)
    with _atomic(p) as fh:
        w = csv.DictWriter(fh, fieldnames=list(fields))
        w.writeheader()
        w.writerows({k: csv_cell(r.get(k)) for k in fields} for r in rows)
    return p


#: The end of the status of a record whose Dask task failed after its retries: the task, not
#: the method, failed (a worker killed too often, one without a dependency), so a resumed run
#: (reproduce's and bench's) runs it again.
DASK_TASK_FAILED = " (Dask task)"


def failure_status(exc: BaseException) -> str:
    r"""A record's ``status`` for a unit of work that raised: ``"failed: Type: message"``, on one
    line and at most 300 characters of message (a record stays one CSV line).

    Examples
    --------
    >>> failure_status(ValueError("bad\n  value"))
    'failed: ValueError: bad value'
    """
    msg = " ".join(str(exc).split())
    if len(msg) > 300:
        msg = msg[:297] + "..."
    return f"failed: {type(exc).__name__}: {msg}" if msg else f"failed: {type(exc).__name__}"


class RecordsFile:
    """A CSV records file with fixed columns, appended row by row and resumable.

    Parameters
    ----------
    path : path
        The CSV file.
    fields : sequence of str
        Its columns, in order. A file with other columns is refused (never misread).
    finished : callable, optional
        ``row -> bool`` on a raw row (strings): whether an earlier run finished it. Rows it
        rejects are dropped on resume and redone. Default: every complete row.
    older : sequence of sequences of str, optional
        Earlier layouts of the same records, each the leading columns of ``fields``: a file
        with one of them is read (the new columns empty) and :meth:`resume` rewrites it in
        the current layout. Any other header is refused.
    renamed : mapping of str to str, optional
        ``{old name: name now}`` of columns that were renamed: a file with an old name is read
        with the new one (and :meth:`resume` rewrites it with the new header).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> rec = RecordsFile(d / "r.csv", ["k", "v"])
    >>> with rec.resume() as old:
    ...     rec.append({"k": "a", "v": 1.5})
    >>> with rec.resume() as old:
    ...     print(old)
    [{'k': 'a', 'v': '1.5'}]
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        fields: Sequence[str],
        *,
        finished: Callable[[dict[str, str]], bool] | None = None,
        older: Sequence[Sequence[str]] = (),
        renamed: Mapping[str, str] | None = None,
    ) -> None:
        self.path = Path(path)
        self.fields = list(fields)
        self.older = [list(f) for f in older]
        self.renamed = dict(renamed or {})
        for f in self.older:
            if self.fields[: len(f)] != f:
                raise ValueError("every older layout must be the leading columns of `fields`")
        self._finished = finished
        self._fh: IO[str] | None = None
        self._writer: csv.DictWriter[str] | None = None

    def check(self) -> None:
        """Refuse a file that is not a records file of this experiment (its header only read),
        before a run creates anything.

        Raises
        ------
        ValueError
            If the file's header is not ``fields`` or an older layout (the message names it).
        """
        if not self.path.exists():
            return
        # errors="replace": a file that is not text at all is refused by its header, below
        with open(self.path, newline="", encoding=ENCODING, errors="replace") as fh:
            header = next(csv.reader(fh), None)
        self._check_header(header)

    def _check_header(self, header: Sequence[str] | None) -> None:
        if header is not None:
            header = [self.renamed.get(h, h) for h in header]
        if header is not None and list(header) != self.fields and list(header) not in self.older:
            raise ValueError(
                f"{str(self.path)!r} is not a records file of this experiment (its columns "
                f"are {list(header)}, expected {self.fields}); choose another output folder or "
                "remove the file"
            )

    def read(self) -> list[dict[str, str]]:
        """The finished rows already in the file (raw strings), [] when there is no file.

        Raises
        ------
        ValueError
            If the file's header is not ``fields`` (the message names the file).
        """
        if not self.path.exists():
            return []
        with open(self.path, newline="", encoding=ENCODING) as raw:
            text = raw.read()
        if text and not text.endswith("\n"):
            # the last line was cut short (killed mid-write): drop it, never read it as a row
            # whose last value happens to parse (``0.12`` of ``0.1234``)
            cut = text.count("\n") + 1
            warnings.warn(
                f"{str(self.path)!r}: line {cut} was cut short (an interrupted write); it is "
                "dropped and its work will be redone",
                stacklevel=2,
            )
            text = text[: text.rfind("\n") + 1]
        with io.StringIO(text, newline="") as fh:
            reader = csv.DictReader(fh)
            if reader.fieldnames is None:
                return []  # an empty file: nothing was finished
            self._check_header(reader.fieldnames)
            rows = []
            for row in reader:
                if self.renamed:
                    row = {self.renamed.get(k, k): v for k, v in row.items()}
                if None in row or any(v is None for v in row.values()):
                    continue  # a line cut short by an interruption
                row = {k: row.get(k, "") for k in self.fields}  # an older layout: new columns empty
                if self._finished is not None and not self._finished(row):
                    continue
                rows.append(row)
        return rows

    @contextlib.contextmanager
    def resume(self) -> Iterator[list[dict[str, str]]]:
        """Open for appending after the finished rows of an earlier run, which it yields.

        The file is first rewritten atomically with only those rows (no cut lines), then rows
        are appended with :meth:`append` until the block ends.
        """
        old = self.read()
        write_csv(self.path, self.fields, old)
        with open(self.path, "a", newline="", encoding=ENCODING) as fh:
            self._fh = fh
            self._writer = csv.DictWriter(fh, fieldnames=self.fields)
            try:
                yield old
            finally:
                self._fh, self._writer = None, None

    @contextlib.contextmanager
    def fresh(self) -> Iterator[None]:
        """Open for writing from scratch (header only), then append with :meth:`append`.

        Raises
        ------
        ValueError
            If a file is there that is not a records file of this experiment (:meth:`check`):
            it is left as it is, never overwritten.
        """
        self.check()
        write_csv(self.path, self.fields, [])
        with open(self.path, "a", newline="", encoding=ENCODING) as fh:
            self._fh = fh
            self._writer = csv.DictWriter(fh, fieldnames=self.fields)
            try:
                yield
            finally:
                self._fh, self._writer = None, None

    def append(self, row: dict[str, Any], *, sync: bool = True) -> None:
        """Append one row (missing columns empty), flushed and, with ``sync``, fsync'd: on disk
        before the call returns, so neither ``kill -9`` nor a crash of the machine loses it.
        A caller writing several rows that only count together (an instance's rows) syncs the
        last one."""
        if self._writer is None or self._fh is None:
            raise RuntimeError("RecordsFile.append outside `with rec.resume()` / `rec.fresh()`")
        self._writer.writerow({k: csv_cell(row.get(k)) for k in self.fields})
        self._fh.flush()
        if sync:
            os.fsync(self._fh.fileno())


def _cell_parser(kind: Any) -> Callable[[str], Any]:
    """A cell read back as ``kind``; the empty cell :func:`csv_cell` writes for None (and
    NaN) is NaN in a float column, None in an int or bool one, "" in a str one."""
    if kind is bool:
        return lambda s: None if s == "" else s == "True"
    if kind is float:
        return lambda s: math.nan if s == "" else float(s)
    if kind is int:
        return lambda s: None if s == "" else int(s)
    return kind  # str


class Journal:
    """An experiment's units of work streamed to a records file as they finish, resumable.

    A unit (an instance, an instance's ``t`` values, ...) is named by the values of
    ``key_fields`` in its rows and has ``rows_per_unit`` rows. :meth:`unit` returns a finished
    unit's rows from the file when resuming (parsed back with ``types``), else computes them and
    appends them, the last one fsync'd. A unit cut short by an interruption (some of its rows
    written, or its last line cut mid-write) is dropped and computed again. Without ``path``
    nothing is written and every unit is computed (the in-memory run). ``renamed`` is
    :class:`RecordsFile`'s: older files' column names read as today's.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
    >>> calls = []
    >>> def work(k):
    ...     calls.append(k)
    ...     return [{"k": k, "v": k / 2}]
    >>> with Journal(p, ["k", "v"], ["k"], {"k": int, "v": float}, 1) as j:
    ...     _ = [j.unit((k,), lambda k=k: work(k)) for k in range(3)]
    >>> with Journal(p, ["k", "v"], ["k"], {"k": int, "v": float}, 1, resume=True) as j:
    ...     rows = [j.unit((k,), lambda k=k: work(k)) for k in range(4)]
    >>> calls, rows[1]
    ([0, 1, 2, 3], [{'k': 1, 'v': 0.5}])
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None,
        fields: Sequence[str],
        key_fields: Sequence[str],
        types: dict[str, Any],
        rows_per_unit: int,
        *,
        resume: bool = False,
        renamed: Mapping[str, str] | None = None,
    ) -> None:
        self.path = None if path is None else Path(path)
        self.renamed = dict(renamed or {})
        self.fields = list(fields)
        self.key_fields = list(key_fields)
        self.parse = {f: _cell_parser(types.get(f, str)) for f in self.fields}
        self.rows_per_unit = rows_per_unit
        self.resume = resume
        self.done: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        self._rec: RecordsFile | None = None
        self._ctx: Any = None

    def _key(self, row: dict[str, Any]) -> tuple[str, ...]:
        return tuple(str(csv_cell(row[f])) for f in self.key_fields)

    def __enter__(self) -> Journal:
        if self.path is None:
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        rec = RecordsFile(self.path, self.fields, renamed=self.renamed)
        if self.resume:
            groups: dict[tuple[str, ...], list[dict[str, str]]] = {}
            for r in rec.read():
                groups.setdefault(self._key(r), []).append(r)
            complete = {k for k, rs in groups.items() if len(rs) == self.rows_per_unit}
            rec = RecordsFile(
                self.path,
                self.fields,
                finished=lambda r: self._key(r) in complete,
                renamed=self.renamed,
            )
            self._ctx = rec.resume()
            for r in self._ctx.__enter__():
                self.done.setdefault(self._key(r), []).append(
                    {f: self.parse[f](r[f]) for f in self.fields}
                )
        else:
            self._ctx = rec.fresh()
            self._ctx.__enter__()
        self._rec = rec
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._ctx is not None:
            self._ctx.__exit__(*exc)
        self._ctx = self._rec = None

    def unit(
        self, key: Sequence[Any], compute: Callable[[], list[dict[str, Any]]]
    ) -> list[dict[str, Any]]:
        """The unit's rows: from the file if an earlier run finished it, else computed and
        appended."""
        k = tuple(str(csv_cell(v)) for v in key)
        if k in self.done:
            return self.done[k]
        rows = compute()
        if self._rec is not None:
            for i, row in enumerate(rows):
                self._rec.append(row, sync=i == len(rows) - 1)
        return rows
