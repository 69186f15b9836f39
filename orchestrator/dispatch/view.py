"""What a person sees: a live table of the slots on a terminal, one line per event otherwise,
and the same table for `tt-ws dispatch --status`."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime
from types import TracebackType

from rich.console import RenderableType
from rich.live import Live
from rich.markup import escape
from rich.table import Table

from orchestrator.console import console
from orchestrator.dispatch.state import DispatcherState, elapsed

_STYLES = {
    "running": "cyan",
    "verifying": "magenta",
    "backoff": "yellow",
    "idle": "dim",
    "succeeded": "green",
    "blocked": "red",
}


def _styled(state: str) -> str:
    style = _STYLES.get(state)
    return f"[{style}]{escape(state)}[/]" if style else escape(state)


def slots_table(state: DispatcherState, now: datetime) -> Table:
    alive = "" if state.running() else " — [red]not running[/] (stale state file)"
    table = Table(
        title=f"dispatcher {escape(state.host)}:{state.pid} → {escape(state.target)}{alive}",
        expand=True,
    )
    for column in ("Slot", "Agent", "Workstream", "State", "Attempt", "Elapsed"):
        table.add_column(column, no_wrap=True, min_width=len(column))
    # The last log line takes what is left of the width, cut with an ellipsis.
    table.add_column("Last log line", no_wrap=True, overflow="ellipsis", ratio=1)
    for slot in state.slots:
        table.add_row(
            str(slot.slot),
            escape(slot.agent),
            escape(slot.workstream or "—"),
            _styled(slot.state),
            str(slot.attempt or "—"),
            elapsed(slot.since, now),
            escape(slot.last_line),
        )
    return table


def outcomes_table(state: DispatcherState) -> Table:
    table = Table(title="Finished")
    for column in ("Workstream", "Result", "Attempts"):
        table.add_column(column, no_wrap=True)
    table.add_column("Detail", overflow="fold")
    for outcome in state.outcomes:
        detail = outcome.detail + (f" (log {outcome.log})" if outcome.log else "")
        table.add_row(
            escape(outcome.workstream),
            _styled(outcome.result),
            str(outcome.attempts),
            escape(detail),
        )
    return table


class Display:
    """Live table when stdout is a terminal; otherwise events are printed as lines."""

    def __init__(self, snapshot: Callable[[], tuple[DispatcherState, datetime]]) -> None:
        self.snapshot = snapshot
        self.live = (
            Live(console=console, get_renderable=self._render, refresh_per_second=2)
            if console.is_terminal
            else None
        )

    def _render(self) -> RenderableType:
        state, now = self.snapshot()
        return slots_table(state, now)

    def event(self, text: str) -> None:
        # A dispatcher whose terminal went away must still stop its agents and release claims.
        with contextlib.suppress(BrokenPipeError):
            console.print(text)

    def __enter__(self) -> Display:
        if self.live is not None:
            self.live.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.live is not None:
            self.live.stop()
