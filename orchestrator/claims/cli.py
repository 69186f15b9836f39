"""What the claim commands (`next`, `claim`, `release`, `heartbeat`, `agents`) share: their
common options, the claimant and its secret, and how a claim and its to-do list are printed."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from orchestrator.claims.board import Board
from orchestrator.claims.record import ClaimRecord
from orchestrator.claims.secret import SECRET_ENV, is_secret, new_secret
from orchestrator.claims.store import AGENT_ENV, DEFAULT_LEASE, Holder
from orchestrator.console import console, print_table
from orchestrator.errors import TtWsError

# A week: longer leases are not leases (and `timedelta` overflows long before 1e30 minutes).
MAX_LEASE_MINUTES = 7 * 24 * 60


def bounded(low: float, high: float, unit: str) -> Callable[[float | None], float | None]:
    """An option callback refusing values outside [low, high], NaN included."""

    def check(value: float | None) -> float | None:
        if value is not None and not low <= value <= high:
            raise typer.BadParameter(f"{value:g} is not between {low:g} and {high:g} {unit}")
        return value

    return check


AgentOption = Annotated[
    str | None,
    typer.Option(
        "--agent",
        envvar=AGENT_ENV,
        help=f"Your agent name, unique among agents (default: ${AGENT_ENV}, else user@host).",
    ),
]
LeaseOption = Annotated[
    float,
    typer.Option(
        "--lease",
        callback=bounded(0.01, MAX_LEASE_MINUTES, "minutes"),
        help="Lease length in minutes (at most a week); renew with `tt-ws heartbeat` before it "
        "runs out.",
    ),
]
WorktreeOption = Annotated[
    bool, typer.Option("--worktree", help="Create a git worktree and branch for the claim.")
]
WorktreeDirOption = Annotated[
    Path | None,
    typer.Option(help="Where worktrees go (default: <repo>-worktrees/ beside the repo)."),
]
DEFAULT_LEASE_MINUTES = DEFAULT_LEASE.total_seconds() / 60


def holder(agent: str | None) -> Holder:
    return Holder.current(agent)


def claimant(agent: str | None) -> tuple[Holder, bool]:
    """Who claims, with the secret to bind the claim to: theirs from $TT_WS_CLAIM_SECRET (so one
    secret serves all of an agent's claims), else a new one; and whether it is new."""
    me = Holder.current(agent)
    if me.secret is None:
        return me.with_secret(new_secret()), True
    if not is_secret(me.secret):
        raise TtWsError(
            f"${SECRET_ENV} does not hold a claim secret (`ttws_` and 32 characters, printed by "
            f"`tt-ws claim`/`tt-ws next`); unset it to get a new secret with this claim"
        )
    return me, False


def minutes(value: float) -> timedelta:
    return timedelta(minutes=value)


def lease_left(record: ClaimRecord, now: datetime) -> str:
    if record.released is not None:
        return "released"
    seconds = int((record.expiry - now).total_seconds())
    if seconds <= 0:
        return f"[red]expired {_span(-seconds)} ago[/]"
    return _span(seconds)


def _span(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return f"{hours}h{rest // 60:02d}m" if hours else f"{rest // 60}m{rest % 60:02d}s"


def print_assignment(board: Board, record: ClaimRecord, shown_secret: str | None) -> None:
    """The claim, its secret when it is new (the only time it is shown), the gates to satisfy
    with their current state, and the protocol's commands."""
    ws = board.registry.get(record.workstream)
    console.print(
        f"[bold green]claimed[/] [bold]{escape(ws.id)}[/] {escape(ws.title)} — holder "
        f"{escape(record.holder)}, token {record.token}, lease until "
        f"{record.expiry:%H:%M:%S} UTC"
    )
    if record.worktree:
        console.print(f"worktree {escape(record.worktree)} (branch {escape(record.branch or '')})")
    if shown_secret is None:
        console.print(f"bound to your secret ${SECRET_ENV}")
    else:
        console.print(
            "[bold]claim secret[/] (shown only now; heartbeat, release and run under this claim "
            "need it; keep it to yourself):\n"
            f"  export {AGENT_ENV}={escape(shlex.quote(record.holder))} "
            f"{SECRET_ENV}={shown_secret}",
            soft_wrap=True,
        )
    states = {g.gate.name: g.state.value for g in board.report.workstreams[ws.id].gates}
    table = Table(title=f"Gates of {ws.id} to satisfy")
    for column in ("Gate", "Kind", "Runs", "Requires", "Now"):
        table.add_column(column, overflow="fold")
    for gate in ws.gates:
        table.add_row(
            gate.name,
            gate.kind,
            escape(gate.describe()),
            escape(", ".join(str(c) for c in gate.require)),
            states.get(gate.name, "UNKNOWN"),
        )
    print_table(table)
    where = f"cd {record.worktree} && " if record.worktree else ""
    console.print(
        f"next steps{' (after the export above)' if shown_secret else ''}:\n"
        f"  {where}implement, then `tt-ws run {ws.id}` (records evidence under token "
        f"{record.token})\n"
        "  `tt-ws status` → `tt-ws check` → commit and open a PR\n"
        f"  `tt-ws heartbeat --agent {record.holder}` before the lease runs out; "
        f"`tt-ws release {ws.id} --agent {record.holder}` when done"
    )
