"""The one rich Console of tt-ws and the one error handler every command runs under.

User errors (`TtWsError`) print a clean message and exit 1; Ctrl-C exits 130; anything else is a
crash: a version-stamped log is written under `.tt-ws/` and its path printed (the traceback is
shown directly with TT_WS_DEBUG=1).
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
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

# soft_wrap: messages and paths are never broken mid-word, so they stay copyable.
console = Console(highlight=False, soft_wrap=True)

P = ParamSpec("P")
R = TypeVar("R")


def _crash_log(exc: BaseException) -> Path:
    directory = Path.cwd() / ".tt-ws"
    directory.mkdir(exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    path = directory / f"crash-{stamp}-{os.getpid()}.log"
    path.write_text(
        f"tt-ws {__version__}\n" + "".join(traceback.format_exception(exc)), encoding="utf-8"
    )
    return path


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """Treat SIGTERM like Ctrl-C inside the block, so child commands are stopped, not orphaned."""
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


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
