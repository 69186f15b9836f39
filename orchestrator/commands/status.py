"""`tt-ws status [--check]`: regenerate status/ from the evidence, or check it is up to date."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from orchestrator.console import console, guarded
from orchestrator.errors import TtWsError
from orchestrator.layout import Layout
from orchestrator.lint import load_checked_registry
from orchestrator.status import (
    StatusReport,
    claimed_evidence_admission,
    current_status,
    drift,
    render_pages,
    unreadable_evidence,
    write_pages,
)


def warn_unreadable(report: StatusReport) -> None:
    """One line per damaged record: it is skipped, its gate UNKNOWN, every other gate judged."""
    for workstream, gate, problem in unreadable_evidence(report):
        console.print(
            f"[yellow]warning:[/] {escape(problem)} ({escape(workstream)} {escape(gate)} "
            "is UNKNOWN until then)"
        )


def status_command(
    check: Annotated[
        bool, typer.Option("--check", help="Fail (and show the diff) if status/ is out of date.")
    ] = False,
) -> None:
    """Render status/PHASES.md and status/DASHBOARD.md from the evidence on the current tree."""
    layout = Layout.find()
    registry = load_checked_registry(layout.registry)
    report = current_status(layout, registry, claimed_evidence_admission(layout))
    warn_unreadable(report)
    pages = render_pages(report)
    if check:
        diffs = drift(layout, pages)
        for diff in diffs:
            console.print(escape(diff), soft_wrap=True)
        if diffs:
            raise TtWsError(
                "status/ does not match what the evidence gives on this source tree; "
                "fix it with `tt-ws status` and commit status/"
            )
        console.print(f"[green]status/ is up to date[/] (source tree {report.tree[:12]})")
        return
    for path in write_pages(layout, pages):
        console.print(f"wrote {path.relative_to(layout.root)}")
    states: dict[str, int] = {}
    for status in report.workstreams.values():
        states[status.state.value] = states.get(status.state.value, 0) + 1
    console.print(
        f"source tree {report.tree[:12]}: "
        + ", ".join(f"{n} {state}" for state, n in sorted(states.items()))
    )


def register(app: typer.Typer) -> None:
    app.command("status")(guarded(status_command))
