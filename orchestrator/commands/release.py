"""`tt-ws release ID`: give a claim back (its record stays as a tombstone for fencing)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from orchestrator.claims.cli import AgentOption, holder
from orchestrator.claims.store import ClaimStore
from orchestrator.console import console, guarded
from orchestrator.layout import Layout


def release_command(
    workstream: Annotated[str, typer.Argument(help="Workstream id, e.g. 1.2")],
    agent: AgentOption = None,
) -> None:
    """Release your claim on WORKSTREAM; evidence recorded after this no longer counts for you.

    Needs the claim's secret in $TT_WS_CLAIM_SECRET.
    """
    record = ClaimStore.open(Layout.find().root).release(workstream, holder(agent))
    console.print(
        f"released {escape(workstream)} (token {record.token}, held by {escape(record.holder)})"
    )


def register(app: typer.Typer) -> None:
    app.command("release")(guarded(release_command))
