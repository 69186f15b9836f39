"""`tt-ws history ID [--gate NAME] [--limit N]`: each gate's results over time."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from orchestrator.check.history import HistoryEntry, gate_history
from orchestrator.console import console, guarded, print_table, styled
from orchestrator.evidence import EvidenceStore
from orchestrator.layout import Layout
from orchestrator.lint import load_checked_registry
from orchestrator.registry import format_number
from orchestrator.status import claimed_evidence_admission


def _counts(entry: HistoryEntry) -> str:
    metrics = entry.record.metrics
    if "total" in metrics:
        failed = metrics.get("failed", 0) + metrics.get("errors", 0)
        text = f"{format_number(metrics.get('passed', 0))}/{format_number(metrics['total'])}"
        return text + (f" ({format_number(failed)} failed)" if failed else "")
    return " ".join(f"{k}={format_number(v)}" for k, v in sorted(metrics.items())) or "—"


def _note(entry: HistoryEntry) -> str:
    notes = []
    if entry.misdated:
        notes.append(entry.misdated)
    elif not entry.counted:
        notes.append("not counted: run under an expired or foreign claim")
    if entry.record.cached_from:
        notes.append(f"cached from {entry.record.cached_from}")
    if entry.flaky:
        notes.append("flaky on this tree in this environment: " + ", ".join(entry.flaky))
    if entry.failures:
        notes.append(entry.failures[0].strip().splitlines()[0])
    return escape("; ".join(notes))


def history_command(
    workstream_id: Annotated[str, typer.Argument(metavar="ID", help="A workstream id.")],
    gate_name: Annotated[
        str | None, typer.Option("--gate", help="Only this gate.", show_default=False)
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Runs shown per gate.")] = 20,
) -> None:
    """Show each gate's results over time, newest first (judged by today's conditions)."""
    layout = Layout.find()
    registry = load_checked_registry(layout.registry)
    ws = registry.get(workstream_id)
    gates = [ws.gate(gate_name)] if gate_name else list(ws.gates)
    store = EvidenceStore(layout.evidence)
    admit = claimed_evidence_admission(layout)
    for gate in gates:
        entries = gate_history(store, ws, gate, admit, limit)
        total = len(store.paths(ws.id, gate.name))
        table = Table(title=f"{ws.id} {gate.name}: newest {len(entries)} of {total} runs")
        for column in ("Finished (UTC)", "Tree", "Environment", "Result", "Counts"):
            table.add_column(column, no_wrap=True)
        table.add_column("Notes", overflow="fold")
        for entry in entries:
            record = entry.record
            table.add_row(
                record.finished_at.strftime("%Y-%m-%d %H:%M:%S"),
                record.tree[:12] + (" dirty" if record.dirty else ""),
                record.environment_id,
                styled(entry.verdict),
                _counts(entry),
                _note(entry),
            )
        if entries:
            print_table(table)
        else:
            console.print(f"{ws.id} {gate.name}: no evidence yet")


def register(app: typer.Typer) -> None:
    app.command("history")(guarded(history_command))
