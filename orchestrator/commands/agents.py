"""`tt-ws agents [--all]`: who holds which workstream, since when, and how much lease is left."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from orchestrator.claims.cli import lease_left
from orchestrator.claims.store import ClaimStore
from orchestrator.console import console, guarded, print_table
from orchestrator.layout import Layout
from orchestrator.registry import id_key


def agents_command(
    show_all: Annotated[
        bool, typer.Option("--all", help="Also list expired claims and released tombstones.")
    ] = False,
) -> None:
    """The claims table. Expired claims are free: the next `tt-ws next`/`claim` reclaims them."""
    store = ClaimStore.open(Layout.find().root)
    snap = store.snapshot()
    now = store.clock()
    records = snap.records if show_all else snap.live(now)
    table = Table(title=f"Claims (last fencing token {snap.fence})")
    for column in (
        "Workstream",
        "Holder",
        "Host",
        "PID",
        "Token",
        "Since",
        "Lease left",
        "Worktree",
    ):
        table.add_column(column, overflow="fold")
    for ws in sorted(records, key=id_key):
        rec = records[ws]
        table.add_row(
            escape(ws),
            escape(rec.holder),
            escape(rec.host),
            str(rec.pid),
            str(rec.token),
            f"{rec.start:%Y-%m-%d %H:%M:%S} UTC",
            lease_left(rec, now),
            escape(rec.worktree or "—"),
        )
    print_table(table)
    if not records:
        console.print("no live claims" if not show_all else "no claims recorded")


def register(app: typer.Typer) -> None:
    app.command("agents")(guarded(agents_command))
