"""`tt-ws status [--check]`: regenerate status/ from the evidence, or check it is up to date."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from orchestrator.console import console, guarded
from orchestrator.errors import TtWsError
from orchestrator.json_output import (
    GateState,
    StatusOutput,
    WorkstreamState,
    emit,
    messages_to_stderr,
)
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
    as_json: Annotated[
        bool, typer.Option("--json", help="Print every workstream's state as tt-ws.status/1 JSON.")
    ] = False,
) -> None:
    """Render status/PHASES.md and status/DASHBOARD.md from the evidence on the current tree."""
    with messages_to_stderr(as_json):
        layout = Layout.find()
        registry = load_checked_registry(layout.registry)
        report = current_status(layout, registry, claimed_evidence_admission(layout))
        warn_unreadable(report)
        pages = render_pages(report)
        if check:
            diffs = drift(layout, pages)
            for diff in diffs:
                console.print(escape(diff), soft_wrap=True)
            if as_json:
                emit(_document(report, [], not diffs))
            if diffs:
                raise TtWsError(
                    "status/ does not match what the evidence gives on this source tree; "
                    "fix it with `tt-ws status` and commit status/"
                )
            console.print(f"[green]status/ is up to date[/] (source tree {report.tree[:12]})")
            return
        wrote = [str(path.relative_to(layout.root)) for path in write_pages(layout, pages)]
        for path in wrote:
            console.print(f"wrote {path}")
        states: dict[str, int] = {}
        for status in report.workstreams.values():
            states[status.state.value] = states.get(status.state.value, 0) + 1
        console.print(
            f"source tree {report.tree[:12]}: "
            + ", ".join(f"{n} {state}" for state, n in sorted(states.items()))
        )
        if as_json:
            emit(_document(report, wrote, None))


def _document(report: StatusReport, wrote: list[str], up_to_date: bool | None) -> StatusOutput:
    return StatusOutput(
        tree=report.tree,
        wrote=wrote,
        up_to_date=up_to_date,
        workstreams=[
            WorkstreamState(
                id=s.workstream.id,
                title=s.workstream.title,
                phase=s.workstream.phase,
                state=s.state.value,
                gates=[
                    GateState(gate=g.gate.name, state=g.state.value, reasons=list(g.reasons))
                    for g in s.gates
                ],
                blocked_by=[ws for ws, _ in s.blocked_by],
            )
            for s in report.workstreams.values()
        ],
    )


def register(app: typer.Typer) -> None:
    app.command("status")(guarded(status_command))
