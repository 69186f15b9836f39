"""`tt-ws list [--phase N]`: a table of workstreams with their state on the current tree."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from orchestrator.commands.status import warn_unreadable
from orchestrator.console import guarded, print_table, styled
from orchestrator.layout import Layout
from orchestrator.lint import load_checked_registry
from orchestrator.status import claimed_evidence_admission, current_status


def list_command(
    phase: Annotated[
        list[int] | None, typer.Option("--phase", help="Only phase N (repeatable).")
    ] = None,
) -> None:
    """List workstreams: phase, title, state, gates passing, dependencies."""
    layout = Layout.find()
    registry = load_checked_registry(layout.registry)
    report = current_status(layout, registry, claimed_evidence_admission(layout))
    warn_unreadable(report)
    chosen = registry.in_phases(phase) if phase else registry.sorted()
    table = Table(title=f"Workstreams (source tree {report.tree[:12]})")
    for column in ("ID", "Phase", "Title", "State", "Gates", "Depends on"):
        table.add_column(column)
    for ws in chosen:
        status = report.workstreams[ws.id]
        table.add_row(
            escape(ws.id),
            str(ws.phase),
            escape(ws.title),
            styled(status.state.value),
            f"{status.gates_passed}/{len(status.gates)}",
            escape(", ".join(ws.depends_on)),
        )
    print_table(table)


def register(app: typer.Typer) -> None:
    app.command("list")(guarded(list_command))
