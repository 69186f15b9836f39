"""The one rich Console of tt-ws, the one error handler every command runs under, and the one
way tables are printed (`print_table`: a table on a terminal wide enough for it, else one line per
row, so that no name or value is ever broken across lines in a narrow terminal or a log).

User errors (`TtWsError`) print a clean message and exit 1, and so do errors of the operating
system on a named file or a full disk (the environment, not tt-ws, is at fault); Ctrl-C exits 130;
anything else is a crash: a version-stamped log is written under `.tt-ws/` (or the temporary
directory when that cannot be written) and its path printed (the traceback is shown directly with
TT_WS_DEBUG=1).
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import signal
import tempfile
import traceback
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape, render
from rich.measure import Measurement
from rich.table import Table

from orchestrator import __version__
from orchestrator.errors import TtWsError
from orchestrator.validate import os_error_message

# soft_wrap: messages and paths are never broken mid-word, so they stay copyable.
console = Console(highlight=False, soft_wrap=True)

P = ParamSpec("P")
R = TypeVar("R")


def _crash_log(exc: BaseException) -> str:
    """Where the traceback was written (or why it could not be)."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    text = f"tt-ws {__version__}\n" + "".join(traceback.format_exception(exc))
    for directory in (Path.cwd() / ".tt-ws", Path(tempfile.gettempdir())):
        path = directory / f"crash-{stamp}-{os.getpid()}.log"
        try:
            directory.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError:
            continue
        return str(path)
    return "no log (neither .tt-ws/ nor the temporary directory could be written)"


# Errors of the operating system that say nothing about tt-ws itself, even without a file name.
_ENVIRONMENT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EMFILE})


def _is_environment_error(exc: OSError) -> bool:
    return exc.filename is not None or exc.errno in _ENVIRONMENT_ERRNOS


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """Treat SIGTERM like Ctrl-C inside the block, so child commands are stopped, not orphaned.

    SIGINT interrupts too, even when the parent ignored it (a non-interactive shell starts `&`
    jobs with SIGINT ignored, and Python then never raises KeyboardInterrupt): a long-running
    command must stop when told to, not keep its children and claims running.
    """
    previous_term = signal.signal(signal.SIGTERM, _interrupt)
    previous_int = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous_term)
        signal.signal(signal.SIGINT, previous_int)


def guarded(command: Callable[P, R]) -> Callable[P, R]:
    """Wrap a typer command in the error handler (keeps its signature for typer)."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except TtWsError as exc:
            console.print(f"[bold red]error:[/] {escape(str(exc))}")
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            console.print("[yellow]interrupted[/]: nothing half-written was left behind")
            raise typer.Exit(130) from None
        except (typer.Exit, typer.Abort):
            raise
        except Exception as exc:
            if os.environ.get("TT_WS_DEBUG"):
                raise
            if isinstance(exc, OSError) and _is_environment_error(exc):
                console.print(f"[bold red]error:[/] {escape(os_error_message(exc))}")
                raise typer.Exit(1) from None
            log = _crash_log(exc)
            console.print(
                f"[bold red]internal error[/] ({type(exc).__name__}: {escape(str(exc))}); "
                f"details in {log}. Re-run with TT_WS_DEBUG=1 to see the traceback."
            )
            raise typer.Exit(2) from None

    return wrapper


# Colours of gate and workstream states in tables.
STATE_STYLES = {
    "PASS": "green",
    "done": "green",
    "FAIL": "red",
    "failing": "red",
    "STALE": "yellow",
    "FLAKY": "magenta",
    "ENV-DEPENDENT": "cyan",
    "UNVERIFIED": "magenta",
    "unverified": "magenta",
    "stale": "yellow",
    "in progress": "cyan",
    "UNKNOWN": "dim",
    "not run": "dim",
}


def styled(state: str) -> str:
    style = STATE_STYLES.get(state, "")
    return f"[{style}]{escape(state)}[/]" if style else escape(state)


def _key(header: str) -> str:
    """A column header as a key: `% peak` -> `pct_peak`, `Compile s` -> `compile_s`."""
    words = header.replace("%", "pct ").replace("µ", "u").replace("÷", "per").lower().split()
    return "_".join("".join(c for c in w if c.isalnum()) for w in words) or "value"


def _pair(header: str, cell: object) -> str:
    """`key=value` with the cell's markup kept (colours), quoted when its text has spaces; a
    cell that is itself `k=v` pairs (a metrics column) is spliced in as they are."""
    text = str(cell)
    words = render(text).plain.split()
    if words and all("=" in w for w in words):
        return text
    return f'{_key(header)}="{text}"' if len(words) > 1 else f"{_key(header)}={text}"


def table_lines(table: Table, labels: int = 1) -> list[str]:
    """`table` as lines: the title, then per row its first `labels` cells as they are and the
    rest as `key=value` (empty and "-" cells left out), then the caption."""
    lines = [str(table.title)] if table.title else []
    columns = [(str(c.header), list(c.cells)) for c in table.columns]
    for row in range(table.row_count):
        cells = [(header, cells[row]) for header, cells in columns]
        head = [str(cell) for _, cell in cells[:labels] if str(cell)]
        rest = [
            _pair(header, cell)
            for header, cell in cells[labels:]
            if render(str(cell)).plain.strip() not in ("", "-")
        ]
        lines.append("  ".join([" ".join(head), *rest]))
    if table.caption:
        lines.append(str(table.caption))
    return lines


def print_table(table: Table, labels: int = 1) -> None:
    """The table where it fits a terminal; otherwise (narrow terminal, pipe, log) one line per
    row. Lines are soft-wrapped: the terminal may fold them, but no newline is ever inserted."""
    # measured unconstrained: a table measured against the console's width reports that width
    width = Measurement.get(console, console.options.update_width(1 << 16), table).maximum
    if console.is_terminal and width <= console.width:
        console.print(table)
        return
    for line in table_lines(table, labels):
        console.print(line, soft_wrap=True)
