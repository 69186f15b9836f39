"""`tt-ws heartbeat [ID ...] [--every SECONDS]`: renew your leases (once, or in a loop)."""

from __future__ import annotations

import time
from typing import Annotated

import typer
from rich.markup import escape

from orchestrator.claims.cli import (
    DEFAULT_LEASE_MINUTES,
    AgentOption,
    LeaseOption,
    bounded,
    holder,
    minutes,
)
from orchestrator.claims.errors import ClaimRefused
from orchestrator.claims.store import ClaimStore
from orchestrator.console import console, guarded
from orchestrator.layout import Layout


def heartbeat_command(
    workstreams: Annotated[
        list[str] | None, typer.Argument(help="Claims to renew (default: all of yours).")
    ] = None,
    agent: AgentOption = None,
    lease: LeaseOption = DEFAULT_LEASE_MINUTES,
    every: Annotated[
        float | None,
        typer.Option(
            "--every",
            callback=bounded(0.05, 24 * 3600, "seconds"),
            help="Keep renewing every SECONDS until no claim is left (run it in the background).",
        ),
    ] = None,
) -> None:
    """Extend your live claims by a full lease from now (needs their secret in
    $TT_WS_CLAIM_SECRET). An expired lease cannot be renewed: someone may hold the workstream
    already; claim it again."""
    store = ClaimStore.open(Layout.find().root)
    me = holder(agent)
    while True:
        if workstreams:
            renewed = [store.renew(ws, me, minutes(lease)) for ws in workstreams]
        else:
            renewed = store.renew_all(me, minutes(lease))
        if not renewed and every is None:
            raise ClaimRefused(f"{me.name} holds no live claim to renew")
        if not renewed:
            console.print(f"{escape(me.name)} holds no live claim any more: stopping")
            return
        for record in renewed:
            console.print(
                f"renewed {escape(record.workstream)} (token {record.token}) until "
                f"{record.expiry:%H:%M:%S} UTC"
            )
        if every is None:
            return
        time.sleep(every)


def register(app: typer.Typer) -> None:
    app.command("heartbeat")(guarded(heartbeat_command))
