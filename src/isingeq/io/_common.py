"""Shared machinery of the readers and writers in :mod:`isingeq.io`.

Opening a path or an open file (gzip-compressed when the path ends in ``.gz``), strict parsing of
``i j v`` lines and of whitespace-separated tokens with their line numbers, the checks every reader
makes (index range, duplicate entries, finite values), and :class:`FormatError`, the one error a
reader raises for a file that does not follow its format.

It is longer than most modules because it is the one parser every format shares: splitting it
by helper would scatter the strict-parsing rules that keep the formats' error messages alike.
"""

from __future__ import annotations

import gzip
import io
import os
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any, Literal, TypeAlias, cast

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from .._resources import memory_shortfall
from ..instance import Instance
from ..model import SpinGlass

__all__ = [
    "FormatError",
    "PathOrFile",
    "Tokens",
    "Triples",
    "as_model",
    "check_chars",
    "check_duplicates",
    "check_finite",
    "check_header_value",
    "check_node_count",
    "check_range",
    "default_name",
    "fmt_number",
    "last_nonblank",
    "open_binary",
    "open_text",
    "parse_header",
    "parse_int",
    "parse_triples",
    "qubo_entries",
    "qubo_model",
    "read_lines",
    "source_name",
    "triple_lines",
]

#: A path (``str`` or :class:`os.PathLike`) or an open file object.
PathOrFile: TypeAlias = str | os.PathLike[str] | IO[Any]


class FormatError(ValueError):
    """A file does not follow its format.

    The message names the file (as it was given), the line and what was expected.

    Parameters
    ----------
    source : str
        The file as the caller named it (a path, or an open file's ``name``).
    line : int or None
        1-based line number, or None when the problem concerns the whole file.
    detail : str
        What was expected and what was found.

    Examples
    --------
    >>> err = FormatError("G1.txt", 5, "expected 3 fields 'i j w', got 'x y'")
    >>> print(err)
    G1.txt, line 5: expected 3 fields 'i j w', got 'x y'
    >>> isinstance(err, ValueError), err.line
    (True, 5)
    """

    def __init__(self, source: str, line: int | None, detail: str) -> None:
        self.source = source
        self.line = line
        self.detail = detail
        where = source if line is None else f"{source}, line {line}"
        super().__init__(f"{where}: {detail}")

    def __reduce__(self) -> tuple[Any, ...]:  # keep pickling (multiprocessing) working
        return (type(self), (self.source, self.line, self.detail))


FormatError.__module__ = "isingeq.io"  # its public home (shown in tracebacks, used by pickle)


# ---------------------------------------------------------------------------------- opening
def _fspath(file: Any) -> str | None:
    """The path as a ``str`` when ``file`` is a path, None when it is a file object."""
    if isinstance(file, str | os.PathLike):
        path = os.fspath(file)
        if not isinstance(path, str):
            raise TypeError(f"`path` must be a str or os.PathLike[str]; got bytes path {path!r}")
        return path
    return None


def source_name(file: Any, default: str = "<stream>") -> str:
    """How messages name ``file``: the path as given, an open file's ``name``, or ``default``."""
    path = _fspath(file)
    if path is not None:
        return path
    name = getattr(file, "name", None)
    return name if isinstance(name, str) else default


def _is_binary_file(f: Any) -> bool:
    if isinstance(f, io.TextIOBase):
        return False
    if isinstance(f, io.BufferedIOBase | io.RawIOBase):
        return True
    return "b" in str(getattr(f, "mode", ""))


@contextmanager
def open_text(file: Any, mode: Literal["r", "w"]) -> Iterator[IO[str]]:
    """Open ``file`` for text reading or writing; gzip when a path ends in ``.gz``.

    A file object is used as it is and left open (a binary one is wrapped as UTF-8 text and
    detached afterwards). Paths are read with universal newlines and written with ``\\n``.

    Raises
    ------
    TypeError
        If ``file`` is neither a path nor a file object open in the right direction.
    """
    path = _fspath(file)
    newline = "\n" if mode == "w" else None
    if path is not None:
        fh: IO[str]
        if path.lower().endswith(".gz"):
            fh = cast(IO[str], gzip.open(path, mode + "t", encoding="utf-8", newline=newline))  # noqa: SIM115
        else:
            fh = open(path, mode, encoding="utf-8", newline=newline)  # noqa: SIM115
        with fh:
            yield fh
        return
    needed = "read" if mode == "r" else "write"
    if not callable(getattr(file, needed, None)):
        raise TypeError(
            f"`path` must be a path (str or os.PathLike) or a file open for {needed}ing; "
            f"got {type(file).__name__}"
        )
    if _is_binary_file(file):
        wrapper = io.TextIOWrapper(file, encoding="utf-8", newline=newline)
        try:
            yield wrapper
        finally:
            wrapper.flush()
            wrapper.detach()  # leave the caller's file open
    else:
        yield file


@contextmanager
def open_binary(file: Any, mode: Literal["r", "w"]) -> Iterator[IO[bytes]]:
    """Open ``file`` as bytes (gzip when a path ends in ``.gz``); file objects stay open.

    Raises
    ------
    TypeError
        If ``file`` is a text-mode file object, or neither a path nor a file object.
    """
    path = _fspath(file)
    if path is not None:
        fh: IO[bytes]
        if path.lower().endswith(".gz"):
            fh = cast(IO[bytes], gzip.open(path, mode + "b"))  # noqa: SIM115
        else:
            fh = open(path, mode + "b")  # noqa: SIM115
        with fh:
            yield fh
        return
    needed = "read" if mode == "r" else "write"
    if not callable(getattr(file, needed, None)) or not _is_binary_file(file):
        raise TypeError(
            f"`path` must be a path (str or os.PathLike) or a binary file open for {needed}ing; "
            f"got {type(file).__name__}"
            + (" in text mode" if callable(getattr(file, needed, None)) else "")
        )
    yield file


#: Memory a text reader holds per byte of the file at its peak: the text, its list of lines
#: (a str object of ~50 bytes of overhead per short line) and the parsed arrays.
_BYTES_PER_FILE_BYTE = 12


def read_lines(file: Any) -> tuple[list[str], str]:
    """The lines of a text file (split at ``\\n``, ``\\r\\n`` or ``\\r``) and its name for messages.

    Raises
    ------
    FormatError
        If the file is not UTF-8 text, or a ``.gz`` path is not (or not completely) gzip data.
    """
    source = source_name(file)
    path = _fspath(file)
    # the text, its lines and the parsed arrays: about this many bytes per byte on disk (a .gz
    # file expands, so its guard is the model's, after parsing the header)
    if path is not None and not path.lower().endswith(".gz") and os.path.isfile(path):
        size = os.path.getsize(path)
        short = memory_shortfall(_BYTES_PER_FILE_BYTE * size)
        if short is not None:
            raise FormatError(source, None, f"reading a file of {size} bytes needs {short}")
    try:
        with open_text(file, "r") as fh:
            text = fh.read()
    except UnicodeDecodeError as exc:
        raise FormatError(
            source, None, f"expected UTF-8 text; byte {exc.start} is not ({exc.reason})"
        ) from None
    except gzip.BadGzipFile as exc:
        raise FormatError(
            source, None, f"expected gzip data (the name ends in .gz): {exc}"
        ) from None
    except (EOFError, zlib.error) as exc:
        raise FormatError(source, None, f"the gzip data is truncated or corrupt: {exc}") from None
    if isinstance(text, bytes):
        raise TypeError(f"{source}: expected a file open in text mode; read() returned bytes")
    if text.startswith("\ufeff"):  # a UTF-8 byte-order mark
        text = text[1:]
    if "\r" in text:  # universal newlines, as paths and binary files are read, for text streams
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.split("\n"), source


_KNOWN_SUFFIXES = (".txt", ".gset", ".rud", ".rudy", ".sparse", ".coo", ".mtx", ".npz", ".lat")


def default_name(source: str, fallback: str) -> str:
    """An instance name from a file name: the base name less ``.gz`` and one known extension.

    Only known extensions are removed, so ``g05_100.0`` and ``ising2.5-100_5555`` stay whole.

    Examples
    --------
    >>> default_name("data/gset/G1.txt.gz", "gset"), default_name("rudy/g05_100.0", "gset")
    ('G1', 'g05_100.0')
    >>> default_name("<stream>", "gset")
    'gset'
    """
    if source.startswith("<"):
        return fallback
    base = os.path.basename(source)
    if base.lower().endswith(".gz"):
        base = base[:-3]
    for suffix in _KNOWN_SUFFIXES:
        if base.lower().endswith(suffix) and len(base) > len(suffix):
            return base[: -len(suffix)]
    return base or fallback


# ---------------------------------------------------------------------------------- parsing
def check_chars(source: str, lineno: int, line: str) -> None:
    # int() and float() also take '1_000' and non-ASCII digits; a data file should not
    if not line.isascii() or "_" in line:
        bad = next(c for c in line if not c.isascii() or c == "_")
        raise FormatError(
            source, lineno, f"expected plain ASCII decimal numbers, got {bad!r} in {line.strip()!r}"
        )


def _bad_number(
    source: str, lineno: int, token: str, what: str, integer: bool, line: str | None = None
) -> FormatError:
    kind = "an integer" if integer else "a number"
    where = f" in {line.strip()!r}" if line is not None else ""
    return FormatError(source, lineno, f"expected {kind} for '{what}', got {token!r}{where}")


def parse_int(source: str, lineno: int, token: str, what: str) -> int:
    """One integer token; FormatError naming the line and ``what`` otherwise."""
    try:
        value = int(token) if token.isascii() and "_" not in token else None
    except ValueError:
        value = None
    if value is None:
        raise _bad_number(source, lineno, token, what, True)
    _check_int64(source, [value], [lineno], what)
    return value


_INT64 = (-(2**63), 2**63 - 1)


def _check_int64(source: str, values: list[int], lines: Any, what: str) -> None:
    """Raise FormatError at the first integer that does not fit in int64."""
    lo, hi = _INT64
    for k, v in enumerate(values):
        if not lo <= v <= hi:
            raise FormatError(
                source, int(lines[k]), f"expected '{what}' to fit in 64 bits, got {v}"
            )


def parse_header(lines: list[str], source: str, spec: str) -> tuple[list[int], int]:
    """The first non-blank line as integers named by ``spec`` (e.g. ``"n m"``).

    Returns the values and the index of the line after the header.

    Raises
    ------
    FormatError
        On an empty file, or a first line with other fields than ``spec``.
    """
    names = spec.split()
    for k, line in enumerate(lines):
        f = line.split()
        if not f:
            continue
        if len(f) != len(names):
            raise FormatError(
                source,
                k + 1,
                f"expected the header '{spec}' ({len(names)} integers), got {line.strip()!r}",
            )
        vals = [parse_int(source, k + 1, tok, what) for tok, what in zip(f, names, strict=True)]
        return vals, k + 1
    raise FormatError(source, None, f"expected the header '{spec}', got an empty file")


#: Bytes per node of the smallest model a file of n nodes becomes (CSR row pointers, the bias,
#: the reader's index arrays) and then the solvers' per-node state: the guard's estimate.
BYTES_PER_NODE = 64


def check_header_value(source: str, line: int, what: str, value: int, low: int, spec: str) -> None:
    """Raise FormatError when a header value is below ``low``."""
    if value < low:
        raise FormatError(
            source, line, f"expected {what} >= {low} in the header '{spec}', got {value}"
        )


def check_node_count(
    source: str, line: int | None, n: int, where: str, *, dense: bool = False
) -> None:
    """Raise FormatError, before anything is allocated, when a model of ``n`` nodes (stored
    densely with ``dense``) would not fit in memory (:mod:`isingeq._resources`): a corrupted
    header or index must not become a MemoryError. ``where`` says where ``n`` came from."""
    need = 3 * 8.0 * n * n if dense else float(n) * BYTES_PER_NODE
    short = memory_shortfall(need)
    if short is not None:
        kind = "a dense model" if dense else "a model"
        raise FormatError(source, line, f"n={n} ({where}): {kind} of {n} nodes needs {short}")


class Triples:
    """Parsed ``i j v`` lines: column arrays and the 1-based line number of each entry."""

    __slots__ = ("i", "j", "lines", "v")

    def __init__(
        self,
        i: NDArray[np.int64],
        j: NDArray[np.int64],
        v: NDArray[Any],
        lines: NDArray[np.int64],
    ) -> None:
        self.i, self.j, self.v, self.lines = i, j, v, lines

    def __len__(self) -> int:
        return len(self.lines)


def parse_triples(
    lines: list[str],
    start: int,
    source: str,
    spec: str,
    *,
    count: int | None = None,
    count_line: int | None = None,
    integer_values: bool = False,
    comment: str | None = None,
) -> Triples:
    """Parse ``i j v`` lines from ``lines[start:]`` (blank lines skipped), strictly.

    Parameters
    ----------
    lines : list of str
        The file's lines; ``lines[k]`` is line ``k + 1``.
    start : int
        Index of the first line to parse.
    source : str
        The file's name for messages.
    spec : str
        The field names for messages, e.g. ``"i j w"``.
    count : int, optional
        Exactly this many entries must follow (fewer: truncated; more: trailing data).
    count_line : int, optional
        The line that states ``count`` (for messages).
    integer_values : bool, default False
        Whether ``v`` must be an integer.
    comment : str, optional
        Lines whose first field starts with this are skipped.

    Returns
    -------
    Triples
        ``i``, ``j`` (int64), ``v`` (float64, or int64 with ``integer_values``), ``lines``.

    Raises
    ------
    FormatError
        On a line with the wrong number of fields, a non-numeric or non-finite token, fewer or
        more entries than ``count``.
    """
    names = spec.split()
    col_i: list[int] = []
    col_j: list[int] = []
    col_v: list[Any] = []
    col_line: list[int] = []
    conv = int if integer_values else float
    n_lines = len(lines)
    stop = n_lines
    k = start
    while k < n_lines:
        line = lines[k]
        k += 1
        f = line.split()
        if not f or (comment is not None and f[0].startswith(comment)):
            continue
        if count is not None and len(col_line) == count:
            stop = k - 1
            break
        if len(f) != 3 or not line.isascii() or "_" in line:
            if len(f) != 3:
                raise FormatError(source, k, f"expected 3 fields '{spec}', got {line.strip()!r}")
            check_chars(source, k, line)
        try:
            a = int(f[0])
            b = int(f[1])
            c = conv(f[2])
        except ValueError:
            for tok, what, integer in zip(f, names, (True, True, integer_values), strict=True):
                try:
                    (int if integer else float)(tok)
                except ValueError:
                    raise _bad_number(source, k, tok, what, integer, line) from None
            raise  # pragma: no cover - one of the tokens failed above
        col_i.append(a)
        col_j.append(b)
        col_v.append(c)
        col_line.append(k)
    if count is not None:
        if len(col_line) < count:
            last = last_nonblank(lines)
            said = f" (line {count_line} says {count})" if count_line is not None else ""
            raise FormatError(
                source,
                last,
                f"expected {count} entries '{spec}'{said}, got {len(col_line)}: the file is truncated",
            )
        for k2 in range(stop, n_lines):
            f = lines[k2].split()
            if f and not (comment is not None and f[0].startswith(comment)):
                said = f" (line {count_line} says {count})" if count_line is not None else ""
                raise FormatError(
                    source,
                    k2 + 1,
                    f"expected the end of the file after {count} entries{said}, "
                    f"got {lines[k2].strip()!r}",
                )
    try:
        out = Triples(
            np.array(col_i, dtype=np.int64),
            np.array(col_j, dtype=np.int64),
            np.array(col_v, dtype=np.int64 if integer_values else np.float64),
            np.array(col_line, dtype=np.int64),
        )
    except OverflowError:
        _check_int64(source, col_i, col_line, names[0])
        _check_int64(source, col_j, col_line, names[1])
        _check_int64(source, col_v, col_line, names[2])
        raise
    if not integer_values:
        check_finite(source, out.v, out.lines, names[2])
    return out


def last_nonblank(lines: list[str]) -> int | None:
    for k in range(len(lines) - 1, -1, -1):
        if lines[k].strip():
            return k + 1
    return None


def check_finite(source: str, v: NDArray[Any], lines: NDArray[np.int64], what: str) -> None:
    """Raise FormatError at the first non-finite value (``nan``, ``inf``, an overflow)."""
    bad = ~np.isfinite(v)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise FormatError(
            source, int(lines[k]), f"expected a finite number for '{what}', got {v[k]}"
        )


def check_range(
    source: str,
    idx: NDArray[np.int64],
    lines: NDArray[np.int64],
    low: int,
    high: int,
    what: str,
) -> None:
    """Raise FormatError at the first index outside ``low..high`` (inclusive)."""
    bad = (idx < low) | (idx > high)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise FormatError(
            source,
            int(lines[k]),
            f"expected '{what}' in {low}..{high}, got {int(idx[k])}",
        )


def check_duplicates(
    source: str,
    i: NDArray[np.int64],
    j: NDArray[np.int64],
    lines: NDArray[np.int64],
    *,
    unordered: bool = True,
    what: str = "entry",
) -> None:
    """Raise FormatError at the first repeated pair, naming the line that gave it first.

    With ``unordered``, ``(i, j)`` and ``(j, i)`` are the same pair. Indices must be >= 0
    relative to the smallest one (they are compared, not stored).
    """
    if len(i) < 2:
        return
    a, b = (np.minimum(i, j), np.maximum(i, j)) if unordered else (i, j)
    base = int(min(a.min(), b.min()))
    width = int(max(a.max(), b.max())) - base + 1
    key = (a - base) * width + (b - base)
    order = np.argsort(key, kind="stable")
    ks = key[order]
    rep = np.flatnonzero(ks[1:] == ks[:-1])
    if rep.size:
        second = order[rep + 1]
        pick = int(np.argmin(lines[second]))
        first, again = int(order[rep[pick]]), int(second[pick])
        raise FormatError(
            source,
            int(lines[again]),
            f"duplicate {what} {int(i[again])} {int(j[again])}: this pair was already given "
            f"on line {int(lines[first])} (as {int(i[first])} {int(j[first])}); "
            "expected each pair once",
        )


class Tokens:
    """The whitespace-separated tokens of a file, each with its 1-based line number.

    Examples
    --------
    >>> t = Tokens([" 2 ", "", "5 7"], "f.txt")
    >>> t.next_int("count"), t.next_int("n"), t.line_of_next()
    (2, 5, 3)
    >>> t.next_int("m"), t.at_end()
    (7, True)
    """

    __slots__ = ("lines_of", "pos", "source", "tokens")

    def __init__(self, lines: list[str], source: str) -> None:
        toks: list[str] = []
        lns: list[int] = []
        for k, line in enumerate(lines, start=1):
            f = line.split()
            if f:
                check_chars(source, k, line)
                toks.extend(f)
                lns.extend([k] * len(f))
        self.tokens = toks
        self.lines_of = lns
        self.pos = 0
        self.source = source

    def at_end(self) -> bool:
        return self.pos >= len(self.tokens)

    def line_of_next(self) -> int | None:
        """The line of the next token (of the last one at the end; None for no tokens)."""
        if not self.lines_of:
            return None
        return self.lines_of[min(self.pos, len(self.lines_of) - 1)]

    def next_int(self, what: str, context: str = "") -> int:
        """The next token as an integer; FormatError when absent or not an integer."""
        if self.at_end():
            raise FormatError(
                self.source,
                self.line_of_next(),
                f"expected '{what}'{context}, got the end of the file: the file is truncated",
            )
        tok = self.tokens[self.pos]
        value = parse_int(self.source, self.lines_of[self.pos], tok, what)
        self.pos += 1
        return value

    def _short(self, count: int, spec: str, context: str, got: int) -> FormatError:
        """The error for a file that ends before ``count`` triples: at the first line of them
        that does not hold three values (a value missing there shifts every later entry, and
        the file only seems truncated), else where the incomplete entry starts."""
        whole, part = divmod(got, 3)
        lines = self.lines_of[self.pos : self.pos + got]
        per_line: dict[int, int] = {}  # each line's values in the whole file
        for ln in self.lines_of:
            per_line[ln] = per_line.get(ln, 0) + 1
        # lines of the block that start in it (a header may share the first one)
        own = sorted(
            {
                ln
                for k, ln in enumerate(lines)
                if self.pos + k == 0 or self.lines_of[self.pos + k - 1] != ln
            }
        )
        odd = [ln for ln in own if per_line[ln] != 3]
        got_text = f"got {whole}" + (f" and {part} value(s) of another" if part else "")
        if odd and len(odd) < len(own):  # one entry per line, but for these
            ln = odd[0]
            return FormatError(
                self.source,
                ln,
                f"expected {count} entries '{spec}'{context}, one per line, {got_text} before "
                f"the end of the file: this line holds {per_line[ln]} value(s), not 3 (read as "
                "a stream of values, a missing one shifts every later entry)",
            )
        # the incomplete entry's first line, else the file's last (where it stops short)
        at = lines[3 * whole] if part else lines[-1] if lines else self.line_of_next()
        return FormatError(
            self.source,
            at,
            f"expected {count} entries '{spec}'{context}, {got_text}: the file is truncated",
        )

    def triples(
        self, count: int, spec: str, context: str
    ) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], NDArray[np.int64]]:
        """The next ``count`` triples ``i j v`` (ints, ints, finite floats) and their lines."""
        names = spec.split()
        block = self.tokens[self.pos : self.pos + 3 * count]
        if len(block) < 3 * count:
            raise self._short(count, spec, context, len(block))
        lines = np.array(self.lines_of[self.pos : self.pos + 3 * count], dtype=np.int64)
        cols = (block[0::3], block[1::3], block[2::3])
        try:
            ii, jj = list(map(int, cols[0])), list(map(int, cols[1]))
            v = np.array(list(map(float, cols[2])), dtype=np.float64)
            try:
                i, j = np.array(ii, dtype=np.int64), np.array(jj, dtype=np.int64)
            except OverflowError:
                _check_int64(self.source, ii, lines[0::3], names[0])
                _check_int64(self.source, jj, lines[1::3], names[1])
                raise
        except ValueError:
            for t, tok in enumerate(block):
                integer = t % 3 < 2
                try:
                    (int if integer else float)(tok)
                except ValueError:
                    raise _bad_number(
                        self.source, int(lines[t]), tok, names[t % 3], integer
                    ) from None
            raise  # pragma: no cover
        self.pos += 3 * count
        entry_lines = lines[2::3]  # the line of each entry's value
        check_finite(self.source, v, entry_lines, names[2])
        return i, j, v, entry_lines


# ---------------------------------------------------------------------------------- writing
def fmt_number(v: float) -> str:
    """Shortest text that reads back to exactly ``v``: an integer when ``v`` is one.

    Examples
    --------
    >>> fmt_number(2.0), fmt_number(-0.1), fmt_number(1e-300), fmt_number(2.0**60)
    ('2', '-0.1', '1e-300', '1.152921504606847e+18')
    """
    x = float(v)
    if x.is_integer() and abs(x) < 2.0**53:
        return str(int(x))
    return repr(x)


def as_model(obj: Any, name: str = "instance") -> tuple[SpinGlass, Instance | None]:
    """The model of an :class:`~isingeq.instance.Instance` or a :class:`~isingeq.SpinGlass`.

    Raises
    ------
    TypeError
        For anything else.
    """
    if isinstance(obj, Instance):
        return obj.model, obj
    if isinstance(obj, SpinGlass):
        return obj, None
    raise TypeError(f"`{name}` must be an Instance or a SpinGlass; got {type(obj).__name__}")


# ---------------------------------------------------------------------------------- QUBOs
def qubo_model(
    n: int,
    i: NDArray[np.int64],
    j: NDArray[np.int64],
    q: NDArray[np.float64],
    sign: float,
) -> SpinGlass:
    """The model of a QUBO given by its upper triangle, off-diagonals counted twice.

    ``f(x) = sum_i q_ii x_i + 2 sum_{i<j} q_ij x_i x_j`` with 0-based ``i <= j``, each pair
    once. ``sign=+1`` gives ``H = -f`` (a QUBO to maximise), ``sign=-1`` gives ``H = f`` (to
    minimise): ``eps_ii = sign q_ii``, ``eps_ij = 2 sign q_ij``.
    """
    vals = np.where(i == j, sign * q, 2.0 * sign * q)
    eps = sp.csr_array(sp.coo_array((vals, (i, j)), shape=(n, n)))
    eps.sum_duplicates()
    return SpinGlass(eps)


def qubo_entries(
    model: SpinGlass, sign: float
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """The inverse of :func:`qubo_model`: the nonzero upper triangle ``(i, j, q)``, row-major.

    The model's ``offset`` is not part of the result.
    """
    coo = sp.coo_array(sp.triu(sp.csr_array(model.eps), format="coo"))
    keep = coo.data != 0
    i = coo.row[keep].astype(np.int64)
    j = coo.col[keep].astype(np.int64)
    e = coo.data[keep].astype(np.float64)
    order = np.lexsort((j, i))
    i, j, e = i[order], j[order], e[order]
    q = np.where(i == j, sign * e, sign * e / 2.0)
    return i, j, q


def triple_lines(
    i: NDArray[np.int64], j: NDArray[np.int64], v: NDArray[np.float64], base: int
) -> list[str]:
    """``"i j v\\n"`` lines with indices shifted by ``base`` and exact numbers."""
    return [
        f"{a} {b} {fmt_number(x)}\n"
        for a, b, x in zip((i + base).tolist(), (j + base).tolist(), v.tolist(), strict=True)
    ]


# ---------------------------------------------------------------------------- spin-glass files
def spin_model(
    n: int, i: NDArray[np.int64], j: NDArray[np.int64], v: NDArray[np.float64]
) -> tuple[SpinGlass, int, int]:
    """``(SpinGlass, bonds, fields)`` of a spin-glass file's 0-based entries ``i j v``: ``i == j``
    is the field ``h_i``, ``i != j`` the bond ``J_ij`` (each pair once); the model keeps
    ``E(s) = sum J s s + sum h s`` as its energy (:meth:`isingeq.SpinGlass.from_spin`)."""
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    diag = lo == hi
    h = np.bincount(lo[diag], weights=v[diag], minlength=n).astype(np.float64)
    bond = ~diag
    J = sp.csr_array(sp.coo_array((v[bond], (lo[bond], hi[bond])), shape=(n, n)))
    return SpinGlass.from_spin(h, J), int(bond.sum()), int(diag.sum())


def spin_entries(
    model: SpinGlass,
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """``(h, i, j, J_ij)``: a model's spin form (its offset dropped) as a spin-glass file holds
    it, the nonzero bonds 0-based in row-major order."""
    hs, Js, _offset = model.to_spin()
    J = sp.coo_array(sp.csr_array(Js))
    keep = J.data != 0
    i, j, v = J.row[keep].astype(np.int64), J.col[keep].astype(np.int64), J.data[keep]
    order = np.lexsort((j, i))
    return np.asarray(hs, dtype=np.float64), i[order], j[order], v[order]
