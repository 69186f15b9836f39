"""`tt-ws show ID`: one workstream: its gates, their last evidence, dependencies, dependents."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from orchestrator.console import console, guarded, print_table, styled
from orchestrator.errors import display_path
from orchestrator.evidence import metrics_summary
from orchestrator.layout import Layout
from orchestrator.lint import load_checked_registry
from orchestrator.status import GateStatus, claimed_evidence_admission, current_status

_FAILED_CASES_SHOWN = 10


def _evidence(gate: GateStatus) -> str:
    record = gate.record
    if record is None:
        return "no evidence"
    when = record.finished_at.strftime("%Y-%m-%d %H:%M:%SZ")
    dirty = " dirty" if record.dirty else ""
    return escape(
        f"{when} on {record.tree[:12]}{dirty} in environment {record.environment_id}: "
        f"{metrics_summary(record.metrics)}"
    )


def show_command(
    workstream_id: Annotated[str, typer.Argument(metavar="ID", help="A workstream id.")],
) -> None:
    """Show one workstream in detail."""
    layout = Layout.find()
    registry = load_checked_registry(layout.registry)
    ws = registry.get(workstream_id)
    report = current_status(layout, registry, claimed_evidence_admission(layout))
    status = report.workstreams[ws.id]
    console.print(
        f"[bold]{escape(ws.id)}[/] {escape(ws.title)} — phase {ws.phase}, {ws.spec.kind}, "
        f"{styled(status.state.value)} on source tree {report.tree[:12]}"
    )
    console.print(f"defined at {escape(display_path(ws.where.file))}:{ws.where.line}")
    deps = [f"{d} ({styled(report.workstreams[d].state.value)})" for d in ws.depends_on]
    console.print("depends on: " + (", ".join(deps) or "nothing"))
    console.print(
        "needed by: " + (", ".join(d.id for d in registry.dependents(ws.id)) or "nothing")
    )
    if ws.spec.owns:
        console.print("owns: " + escape(", ".join(ws.spec.owns)))
    table = Table(title="Gates")
    for column in ("Gate", "Kind", "Runs", "Requires", "State", "Last evidence"):
        table.add_column(column, overflow="fold")
    for gate in status.gates:
        table.add_row(
            gate.gate.name,
            gate.gate.kind,
            escape(gate.gate.describe()),
            escape(", ".join(map(str, gate.gate.require))),
            styled(gate.state.value),
            _evidence(gate),
        )
    print_table(table)
    produced = {
        g.record.environment.id: g.record.environment
        for g in status.gates
        if g.record is not None and g.record.environment is not None
    }
    for env_id, env in sorted(produced.items()):
        console.print(f"environment {env_id}: {escape(env.describe())}")
    for gate in status.gates:
        for reason in gate.reasons:
            console.print(f"[red]{gate.gate.name}[/] ({gate.state.value}): {escape(reason)}")
        if gate.record is not None:
            bad = [c for c, outcome in gate.record.cases.items() if outcome != "passed"]
            for case in bad[:_FAILED_CASES_SHOWN]:
                console.print(
                    f"  {escape(gate.record.cases[case])}: {escape(case)}", highlight=False
                )
            if len(bad) > _FAILED_CASES_SHOWN:
                console.print(f"  … and {len(bad) - _FAILED_CASES_SHOWN} more")


def register(app: typer.Typer) -> None:
    app.command("show")(guarded(show_command))
