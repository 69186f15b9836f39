"""The one rich Console of tt-ws and the one error handler every command runs under.

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
from rich.markup import escape

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
    "stale": "yellow",
    "in progress": "cyan",
    "UNKNOWN": "dim",
    "not run": "dim",
}


def styled(state: str) -> str:
    style = STATE_STYLES.get(state, "")
    return f"[{style}]{escape(state)}[/]" if style else escape(state)
