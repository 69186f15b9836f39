"""`tt-ws dispatch`: run several coding agents at once, each on its own claimed workstream;
`--status` shows the running dispatchers, `--unblock ID` clears a blocked record."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from orchestrator.claims.cli import DEFAULT_LEASE_MINUTES, LeaseOption, WorktreeDirOption, minutes
from orchestrator.claims.store import ClaimStore, utc_now
from orchestrator.console import console, guarded, print_table, sigterm_interrupts
from orchestrator.dispatch.blocked import BlockedList
from orchestrator.dispatch.command import FIELDS, CommandTemplate
from orchestrator.dispatch.files import DispatchFiles, main_root
from orchestrator.dispatch.retry import RetryPolicy
from orchestrator.dispatch.state import read_states
from orchestrator.dispatch.supervisor import DispatchConfig, Dispatcher
from orchestrator.dispatch.view import outcomes_table, slots_table
from orchestrator.errors import TtWsError

_FIELDS_HELP = "; ".join(f"{{{name}}} {what}" for name, what in FIELDS.items())


def dispatch_command(
    agents: Annotated[int, typer.Option("--agents", "-n", min=1, help="Agents at once.")] = 1,
    command: Annotated[
        str | None,
        typer.Option(
            "--command",
            help=f"The agent command, run by /bin/sh in the worktree. Fields: {_FIELDS_HELP}.",
        ),
    ] = None,
    watch: Annotated[
        bool,
        typer.Option(
            "--watch/--once",
            help="Keep looking for ready work until Ctrl-C, or stop when nothing is left.",
        ),
    ] = False,
    max_attempts: Annotated[
        int, typer.Option("--max-attempts", min=1, help="Attempts before a workstream is blocked.")
    ] = 3,
    backoff: Annotated[
        float,
        typer.Option(min=0, help="Seconds before the first retry; doubles with each attempt."),
    ] = 30.0,
    stall: Annotated[
        float,
        typer.Option(min=0.1, help="Stop an agent that prints and renews nothing this long (s)."),
    ] = 900.0,
    timeout: Annotated[
        float | None, typer.Option(min=0.1, help="Stop an attempt after this many seconds.")
    ] = None,
    lease: LeaseOption = DEFAULT_LEASE_MINUTES,
    into: Annotated[
        str, typer.Option(help="The branch verified work is integrated into (nobody's checkout).")
    ] = "tt-ws/dispatch",
    poll: Annotated[
        float, typer.Option(min=0.05, help="Seconds between looks for newly ready work.")
    ] = 5.0,
    prefix: Annotated[
        str | None,
        typer.Option(help="Agent names are PREFIX-1 ... PREFIX-N (default dispatch-HOST-PID)."),
    ] = None,
    worktree_dir: WorktreeDirOption = None,
    status: Annotated[
        bool, typer.Option("--status", help="Show the dispatchers running on this repository.")
    ] = False,
    unblock: Annotated[
        str | None, typer.Option(help="Clear the blocked record of workstream ID.")
    ] = None,
) -> None:
    """Keep N agents busy on ready workstreams: claim, make a worktree, start the agent, renew
    its lease, stop it when it stalls, retry with backoff, then mark it blocked; on exit 0 run the
    gates on its work merged with --into, and integrate only if they pass."""
    root = main_root(Path.cwd())
    if status:
        show_status(root)
        return
    if unblock is not None:
        record = BlockedList(ClaimStore.open(root).refs).clear(unblock, utc_now())
        console.print(f"unblocked {escape(unblock)} (was: {escape(record.reason)})")
        return
    if command is None:
        raise TtWsError("--command is required: the agent command to run, e.g. 'my-agent {prompt}'")
    config = DispatchConfig(
        agents=agents,
        command=CommandTemplate(command),
        retry=RetryPolicy(max_attempts, backoff),
        stall_s=stall,
        timeout_s=timeout,
        lease=minutes(lease),
        target=into,
        watch=watch,
        poll_s=poll,
        prefix=prefix or "",
        worktree_base=worktree_dir,
    )
    with sigterm_interrupts():
        outcomes = Dispatcher(config, root).run()
    done = sum(o.result == "succeeded" for o in outcomes)
    blocked = [o for o in outcomes if o.result == "blocked"]
    console.print(
        f"{done} workstream(s) integrated into {escape(into)}, {len(blocked)} blocked"
        + ("" if blocked else "; nothing left to hand out")
    )
    if blocked:
        raise typer.Exit(1)


def show_status(root: Path) -> None:
    now = utc_now()
    states = read_states(DispatchFiles(root).states)
    for state in states:
        print_table(slots_table(state, now))
        if state.outcomes:
            print_table(outcomes_table(state))
    if not states:
        console.print("no dispatcher is running on this repository")
    blocked = BlockedList(ClaimStore.open(root).refs).active()
    if blocked:
        table = Table(title="Blocked workstreams (clear with `tt-ws dispatch --unblock ID`)")
        for column in ("Workstream", "Since", "Reason", "Log"):
            table.add_column(column, overflow="fold")
        for ws, record in sorted(blocked.items()):
            table.add_row(
                escape(ws),
                f"{record.at:%Y-%m-%d %H:%M:%S} UTC",
                escape(record.reason),
                escape(record.log),
            )
        print_table(table)


def register(app: typer.Typer) -> None:
    app.command("dispatch")(guarded(dispatch_command))
