"""`tt-ws lint`: report every problem in the registry with file and line."""

from __future__ import annotations

import typer
from rich.markup import escape

from orchestrator.console import console, guarded
from orchestrator.errors import TtWsError
from orchestrator.layout import Layout
from orchestrator.lint import lint


def lint_command() -> None:
    """Check the registry: schema, unique ids, known dependencies, no cycles, runnable gates."""
    layout = Layout.find()
    registry, problems = lint(layout.registry)
    for problem in problems:
        console.print(f"[red]{escape(str(problem))}[/]")
    if problems:
        raise TtWsError(f"{len(problems)} problem(s) in {layout.registry}")
    gates = sum(len(ws.gates) for ws in registry.workstreams)
    console.print(
        f"[green]registry OK[/]: {len(registry.phases)} phases, "
        f"{len(registry.workstreams)} workstreams, {gates} gates"
    )


def register(app: typer.Typer) -> None:
    app.command("lint")(guarded(lint_command))
