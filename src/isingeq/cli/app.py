"""The Typer app and what every command shares: errors, warnings, list flags, output paths.

Errors in what the user gave (ValueError, TypeError, OSError from the library or the flags)
become one line on stderr and exit code 2, never a traceback; warnings (DeprecationWarning for
renamed options and spellings) become one ``warning:`` line each on stderr.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import os
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.text import Text
from typer.core import TyperCommand, TyperGroup, TyperOption

from .._optional import MissingExtra


def _untyped_flags(params: list[Any]) -> list[Any]:
    """``params`` with no value type shown beside a flag in ``--help``.

    typer 0.29's rich help prints a type beside every option, flags included (``--json
    <bool>``, ``--help <bool>``), as if they took a value; an empty metavar shows nothing, as
    typer did before. Flags take no value, so their metavar is used nowhere else.
    """
    for param in params:
        if isinstance(param, TyperOption) and param.is_flag and param.metavar is None:
            param.metavar = ""
    return params


def _unwrapped(text: str | None) -> str | None:
    """A command's help with the docstring's line breaks inside paragraphs removed.

    typer 0.29's rich help keeps every line break after the first paragraph, and the terminal
    wraps the lines again, so a 90-column docstring came out in fragments at 80 columns
    ("next clock" / "check: ..." / "130. In"). Paragraphs stay apart; one that starts with
    click's ``\b`` keeps its lines.
    """
    if not text:
        return text
    paragraphs = inspect.cleandoc(text).split("\n\n")
    return "\n\n".join(p if p.startswith("\b") else " ".join(p.split("\n")) for p in paragraphs)


class _Command(TyperCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help = _unwrapped(self.help)

    def get_params(self, ctx: Any) -> list[Any]:
        return _untyped_flags(super().get_params(ctx))


class _Group(TyperGroup):
    def get_params(self, ctx: Any) -> list[Any]:
        return _untyped_flags(super().get_params(ctx))


class _Typer(typer.Typer):
    """A Typer whose commands are :class:`_Command` unless they name another class."""

    def command(self, *args: Any, cls: Any = None, **kwargs: Any) -> Any:
        return super().command(*args, cls=cls or _Command, **kwargs)


app = _Typer(
    cls=_Group,
    help="Ground states of spin-glass Ising / QUBO models by solving their simultaneous equations (eq. 16).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err_console = Console(stderr=True)


def _print_version(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"isingeq {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: bool = typer.Option(
        False,
        "--version",
        is_eager=True,
        callback=_print_version,
        help="Print isingeq's version and exit.",
    ),
) -> None:
    """Options of ``isingeq`` itself, before the command."""


F = TypeVar("F", bound=Callable[..., Any])

#: The listing an unknown instance name's error points to, in CLI terms (the library's
#: messages name ``isingeq.datasets.names()``; its functions' ``flag_names`` rename it).
LISTING = {"isingeq.datasets.names()": "isingeq instances"}


def _line(label: str, style: str, message: object) -> None:
    text = " ".join(str(message).split())  # one line, whatever the message holds
    err_console.print(Text.assemble((label, style), " ", text), soft_wrap=True, highlight=False)


def user_errors(fn: F) -> F:
    """Run a command: warnings as ``warning:`` lines, user errors as one line and exit 2."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        seen: set[str] = set()

        def show(message: Any, category: Any, *rest: Any, **kw: Any) -> None:
            if str(message) not in seen:  # once per command, not once per instance solved
                seen.add(str(message))
                _line("warning:", "bold yellow", message)

        with warnings.catch_warnings():
            warnings.simplefilter("always", DeprecationWarning)
            warnings.showwarning = show
            try:
                return fn(*args, **kwargs)
            except (ValueError, TypeError, OSError, MissingExtra) as exc:
                _line("error:", "bold red", exc)
                raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


@contextlib.contextmanager
def flag(name: str) -> Iterator[None]:
    """Say which flag a library error (that names its own parameter) came from, unless it
    names a flag already (a library call given the flags' names: ``flag_names``)."""
    try:
        yield
    except (ValueError, TypeError) as exc:
        if "`--" in str(exc):
            raise
        # the base class, not type(exc): a subclass may take other arguments (FormatError's
        # file, line and detail), and its re-raise then failed with a TypeError of its own
        kind = ValueError if isinstance(exc, ValueError) else TypeError
        raise kind(f"{name}: {exc}") from None


def parse_list(name: str, text: str, kind: type = str) -> list[Any]:
    """A comma-separated flag value as a list of ``kind`` (str, int or float), at least one.

    Examples
    --------
    >>> parse_list("--sizes", "6, 12", int)
    [6, 12]
    >>> parse_list("--budgets", "0.1,x", float)
    Traceback (most recent call last):
    ...
    ValueError: `--budgets` must be a comma-separated list of numbers; got '0.1,x'
    >>> parse_list("--methods", "greedy,,tabu")
    Traceback (most recent call last):
    ...
    ValueError: `--methods` has an empty entry (two commas in a row?); got 'greedy,,tabu'
    """
    what = {int: "integer", float: "number"}.get(kind, "name")
    entries = [v.strip() for v in text.strip().strip(",").split(",")]  # "6,12," is "6,12"
    if any(entries) and not all(entries):  # a typo, not a request for fewer items
        raise ValueError(f"`{name}` has an empty entry (two commas in a row?); got {text!r}")
    try:
        values = [kind(v) for v in entries if v]
    except ValueError:
        raise ValueError(
            f"`{name}` must be a comma-separated list of {what}s; got {text!r}"
        ) from None
    if not values:
        raise ValueError(f"`{name}` must list at least one {what}; got {text!r}")
    return values


def _writable_ancestor(path: Path) -> Path:
    p = path.absolute()
    while not p.exists():
        p = p.parent
    return p


def check_out_dir(name: str, path: Path) -> Path:
    """Refuse an output folder that is a file or cannot be created / written (creates nothing)."""
    if path.exists() and not path.is_dir():
        raise NotADirectoryError(f"`{name}` must be a folder; got the file {str(path)!r}")
    base = _writable_ancestor(path)
    if not base.is_dir() or not os.access(base, os.W_OK | os.X_OK):
        raise PermissionError(f"`{name}` {str(path)!r} cannot be written here ({str(base)!r})")
    return path


def check_out_file(name: str, path: Path) -> Path:
    """Refuse an output file that is a folder or whose folder cannot be written (creates nothing)."""
    if path.is_dir():
        raise IsADirectoryError(f"`{name}` must be a file path; got the folder {str(path)!r}")
    base = _writable_ancestor(path.parent)
    if not base.is_dir() or not os.access(base, os.W_OK | os.X_OK):
        raise PermissionError(f"`{name}` {str(path)!r} cannot be written here ({str(base)!r})")
    if path.exists() and not os.access(path, os.W_OK):
        raise PermissionError(f"`{name}` {str(path)!r} is not writable")
    return path


#: What :func:`main` says at a Ctrl-C that no command has described itself: the experiments'
#: records are appended as they finish, a solve's result is written by the command when its
#: method stopped for it (:class:`isingeq.Interrupted`), so this only says that it stopped.
_STOPPED = "stopped by Ctrl-C (work finished before it is kept where it was written)"


def main(argv: list[str] | None = None) -> Any:
    """Console-script entry point: every way a command can fail is one line on stderr.

    A usage error (a missing, malformed or unknown flag, caught by the parser before the
    command runs) is one ``error:`` line naming the command's ``--help`` and exit code 2, like
    the errors the commands raise themselves (:func:`user_errors`); Ctrl-C is one
    ``interrupted`` line and exit code 130 (what a shell reports for SIGINT). Work finished
    before an interrupt is kept by the commands themselves (records are appended as they
    complete; summaries and plots are written atomically).
    """
    _INTERRUPT_SAID.clear()  # a previous in-process call's
    try:
        rv = app(
            args=argv if argv is not None else sys.argv[1:],
            prog_name="isingeq",
            standalone_mode=False,
        )
    except (typer.Abort, KeyboardInterrupt):
        _line("interrupted:", "bold red", _STOPPED)
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:
        # click's usage errors (typer vendors click, so matched by their API: a message and
        # an exit code); anything else is a bug and keeps its traceback
        if not (hasattr(exc, "format_message") and hasattr(exc, "exit_code")):
            raise
        message = exc.format_message()
        if message:  # none where the help was printed instead (`isingeq` alone)
            ctx = getattr(exc, "ctx", None)
            where = ctx.command_path if ctx is not None else "isingeq"
            _line("error:", "bold red", f"{message} (see '{where} --help')")
        sys.exit(2)
    code = rv if isinstance(rv, int) else 0  # click returns an Exit's code in this mode
    if code == 130 and not _INTERRUPT_SAID:  # typer turns Ctrl-C into Exit(130), silently
        _line("interrupted:", "bold red", _STOPPED)
    sys.exit(code)


#: Set when a command has said itself how it was interrupted (:func:`interrupted`), so that
#: :func:`main` does not say it a second time.
_INTERRUPT_SAID: list[str] = []


def interrupted(message: str) -> None:
    """Say, once, that a command stopped at Ctrl-C and what its outputs cover; exit 130."""
    _INTERRUPT_SAID.append(message)
    err_console.print(f"[yellow]interrupted:[/] {escape(message)}")  # it may name a path
    raise typer.Exit(130)
