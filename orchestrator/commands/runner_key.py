"""`tt-ws runner-key [--create] [--name NAME]`: this machine's runner key, and the line that makes
a repository trust it (see orchestrator.attest and the "Trust model" of docs/orchestrator.md)."""

from __future__ import annotations

import socket
from typing import Annotated

import typer
from rich.markup import escape

from orchestrator.attest import (
    RUNNERS_FILE,
    TrustedKeys,
    create_signer,
    key_id,
    key_path,
    load_signer,
)
from orchestrator.console import console, guarded
from orchestrator.errors import TtWsError
from orchestrator.layout import Layout


def runner_key_command(
    create: Annotated[
        bool, typer.Option("--create", help="Make a new key when this machine has none.")
    ] = False,
    name: Annotated[
        str | None,
        typer.Option("--name", help="The runner's name in the runners file (default: host name)."),
    ] = None,
) -> None:
    """Show this machine's runner key (the private key that signs its evidence records) and the
    entry that makes a repository trust it; whether the current repository does."""
    path = key_path()
    if path is None:
        raise TtWsError("signing is turned off here ($TT_WS_RUNNER_KEY is empty)")
    signer = load_signer(path)
    if signer is None:
        if not create:
            raise TtWsError(f"this machine has no runner key ({path}); make one with --create")
        signer = create_signer(path)
        console.print(f"created {escape(str(path))} (keep it from agents: see the trust model)")
    console.print(f"runner key {escape(str(path))}, id {key_id(signer.public_raw)}")
    console.print(f"to trust it, a maintainer adds under `runners:` in {RUNNERS_FILE}:")
    console.print(f'  - {{name: {escape(name or socket.gethostname())}, key: "{signer.public}"}}')
    root = Layout.find().root
    trusted = TrustedKeys.load(root)
    if not trusted.enabled:
        console.print("this repository lists no trusted runners: every record counts")
    elif key_id(signer.public_raw) in trusted.keys:
        console.print(
            f"[green]trusted here[/] as {escape(trusted.keys[key_id(signer.public_raw)][0])}"
        )
    else:
        console.print("[yellow]not trusted here[/]: records this machine writes show UNVERIFIED")


def register(app: typer.Typer) -> None:
    app.command("runner-key")(guarded(runner_key_command))
