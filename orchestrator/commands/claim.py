"""`tt-ws claim ID`: claim one named workstream (atomically, with a lease and a fencing token)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from orchestrator.claims.board import Board
from orchestrator.claims.cli import (
    DEFAULT_LEASE_MINUTES,
    AgentOption,
    LeaseOption,
    WorktreeDirOption,
    WorktreeOption,
    claimant,
    minutes,
    print_assignment,
)
from orchestrator.console import console, guarded


def claim_command(
    workstream: Annotated[str, typer.Argument(help="Workstream id, e.g. 1.2")],
    agent: AgentOption = None,
    worktree: WorktreeOption = False,
    worktree_dir: WorktreeDirOption = None,
    lease: LeaseOption = DEFAULT_LEASE_MINUTES,
) -> None:
    """Claim WORKSTREAM unless someone holds a live claim on it or on overlapping paths.

    An expired claim is taken over (with a new, higher fencing token). The claim is bound to a
    secret: yours from $TT_WS_CLAIM_SECRET, else a new one, printed once.
    """
    board = Board.load()
    blocked = board.plan().blocked.get(workstream)
    me, fresh = claimant(agent)
    record = board.take([workstream], me, minutes(lease), worktree, worktree_dir)
    if blocked:
        console.print(
            f"[yellow]warning:[/] {escape(workstream)} waits on {escape(', '.join(blocked))}: "
            "their gates do not pass on current evidence yet"
        )
    print_assignment(board, record, me.secret if fresh else None)


def register(app: typer.Typer) -> None:
    app.command("claim")(guarded(claim_command))
