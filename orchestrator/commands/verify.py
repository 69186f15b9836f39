"""`tt-ws verify [ID ...] [--json]`: run again the gates committed evidence says pass on the
current tree, and fail naming every record the run does not reproduce (see orchestrator.verify)."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from orchestrator.commands.run import select
from orchestrator.console import console, guarded, sigterm_interrupts
from orchestrator.errors import display_path
from orchestrator.layout import Layout
from orchestrator.lint import load_checked_registry
from orchestrator.registry import GateSpec, Workstream
from orchestrator.status import claimed_evidence_admission
from orchestrator.verify import Verification, VerifyReport, verify


def _as_json(report: VerifyReport) -> str:
    body = {
        "tree": report.tree,
        "dirty": report.dirty,
        "passed": report.passed,
        "gates": [
            {
                "workstream": v.workstream,
                "gate": v.gate,
                "reproduced": v.reproduced,
                "seconds": round(v.run.seconds, 3),
                "log": str(v.run.run_dir / "output.log") if v.run.run_dir else None,
                "records": [
                    {"path": display_path(path), "reproduced": not found, "problems": list(found)}
                    for path, found in v.problems
                ],
            }
            for v in report.results
        ],
    }
    return json.dumps(body, indent=2)


class _Progress:
    """One line when a gate starts and one when it is judged, on `out`."""

    def __init__(self, out: Console) -> None:
        self.out = out

    def starting(self, ws: Workstream, gate: GateSpec, claims: int) -> None:
        records = "record says" if claims == 1 else "records say"
        self.out.print(
            f"[dim]verify[/] {escape(ws.id)} {escape(gate.name)}: {claims} {records} PASS; "
            f"running {escape(gate.describe())}"
        )

    def finished(self, result: Verification) -> None:
        what = f"{escape(result.workstream)} {escape(result.gate)} ({result.run.seconds:.1f} s)"
        if result.reproduced:
            self.out.print(f"[green]reproduced[/] {what}")
            return
        self.out.print(f"[bold red]NOT REPRODUCED[/] {what}")
        for path, found in result.problems:
            for problem in found:
                self.out.print(f"  {escape(display_path(path))}: {escape(problem)}")
        if result.run.run_dir:
            self.out.print(f"  output in {escape(display_path(result.run.run_dir / 'output.log'))}")


def verify_command(
    ids: Annotated[
        list[str] | None, typer.Argument(help="Workstream ids (default: every workstream).")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the result as JSON (progress goes to stderr).")
    ] = False,
) -> None:
    """Run again every gate that committed evidence says passes on the current source tree and
    fail (exit 1) naming the workstream, gate and record file of every claim the run does not
    reproduce. The runs are kept in .tt-ws/verify/; status/ is not changed."""
    layout = Layout.find()
    registry = load_checked_registry(layout.registry)
    selection = select(registry, ids or [], not ids, [])
    progress = _Progress(
        Console(stderr=True, highlight=False, soft_wrap=True) if as_json else console
    )
    with sigterm_interrupts():
        report = verify(
            layout,
            registry,
            selection,
            claimed_evidence_admission(layout),
            progress.starting,
            progress.finished,
        )
    failed = [v for v in report.results if not v.reproduced]
    if as_json:
        sys.stdout.write(_as_json(report) + "\n")
    elif not report.results:
        console.print(f"nothing to verify: no record says PASS on source tree {report.tree[:12]}")
    else:
        verdict = "[green]verified[/]" if not failed else "[bold red]verification failed[/]"
        console.print(
            f"{verdict}: {len(report.results) - len(failed)} of {len(report.results)} gates "
            f"reproduced their committed PASS on source tree {report.tree[:12]}"
            + (
                f"; not reproduced: {', '.join(f'{v.workstream} {v.gate}' for v in failed)}"
                if failed
                else ""
            )
        )
    if failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("verify")(guarded(verify_command))
