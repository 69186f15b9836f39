"""`tt-ws next [--agent NAME] [--worktree] [--dry-run]`: claim the most useful ready workstream."""

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
from orchestrator.claims.errors import ClaimRefused
from orchestrator.console import console, guarded
from orchestrator.json_output import Claimed, NextOutput, Ready, emit, messages_to_stderr


def next_command(
    agent: AgentOption = None,
    worktree: WorktreeOption = False,
    worktree_dir: WorktreeDirOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be claimed; claim nothing.")
    ] = False,
    lease: LeaseOption = DEFAULT_LEASE_MINUTES,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the outcome as a tt-ws.next/1 JSON document.")
    ] = False,
) -> None:
    """Claim the ready workstream that unblocks most (then priority, then id) and say what to do.

    Ready: every dependency's gates pass on current evidence, its own gates do not all pass yet,
    nobody holds a live claim on it and no live claim owns overlapping paths. Exit status 1 when
    nothing is ready. The claim is bound to a secret: yours from $TT_WS_CLAIM_SECRET, else a new
    one, printed once.
    """
    with messages_to_stderr(as_json):
        board = Board.load()
        ready = board.plan().ready
        ranked = [Ready(id=r.id, unblocks=r.unblocks, priority=r.priority) for r in ready]
        if dry_run:
            order = ", ".join(f"{r.id} (unblocks {r.unblocks})" for r in ready)
            console.print(f"ready, in hand-out order: {escape(order) or 'none'}")
            chosen, reasons = board.preview()
            for ws, why in reasons.items():
                console.print(f"skip {escape(ws)}: {escape(why)}")
            if as_json:
                emit(
                    NextOutput(
                        dry_run=True,
                        ready=ranked,
                        skipped=reasons,
                        would_claim=chosen,
                        claimed=None,
                    )
                )
            if chosen is None:
                raise ClaimRefused(_nothing(board))
            rank = next(r for r in ready if r.id == chosen)
            console.print(
                f"would claim [bold]{escape(chosen)}[/] {escape(board.registry.get(chosen).title)} "
                f"(unblocks {rank.unblocks}, priority {rank.priority})"
            )
            return
        if not ready:
            if as_json:
                emit(
                    NextOutput(dry_run=False, ready=[], skipped={}, would_claim=None, claimed=None)
                )
            raise ClaimRefused(_nothing(board))
        me, fresh = claimant(agent)
        record = board.take([r.id for r in ready], me, minutes(lease), worktree, worktree_dir)
        print_assignment(board, record, me.secret if fresh else None)
        if as_json:
            claimed = Claimed(
                workstream=record.workstream,
                holder=record.holder,
                token=record.token,
                expiry=record.expiry,
                worktree=record.worktree,
                branch=record.branch,
                secret=me.secret if fresh else None,
            )
            emit(
                NextOutput(
                    dry_run=False, ready=ranked, skipped={}, would_claim=None, claimed=claimed
                )
            )


_SHOWN_BLOCKED = 6


def _nothing(board: Board) -> str:
    plan = board.plan()
    waits = [f"{ws} waits on {', '.join(deps)}" for ws, deps in plan.blocked.items()]
    shown = _SHOWN_BLOCKED
    more = f"; +{len(waits) - shown} more (`tt-ws status`)" if len(waits) > shown else ""
    blocked = "; ".join(waits[:shown]) + more
    return (
        f"no workstream is ready to claim ({len(plan.done)} done, {len(plan.ready)} ready but "
        f"claimed or conflicting, {len(plan.blocked)} blocked{': ' + blocked if blocked else ''})"
    )


def register(app: typer.Typer) -> None:
    app.command("next")(guarded(next_command))
