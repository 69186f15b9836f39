"""`tt-ws check --base REF`: the pull-request gate (see orchestrator.check.pr).

The check's library is imported when the command runs, keeping it out of every other
command's start-up.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from orchestrator.atomic import write_atomic
from orchestrator.console import console, guarded, print_table, sigterm_interrupts
from orchestrator.errors import display_path
from orchestrator.layout import RUNS_ROOT, Layout
from orchestrator.status import claimed_evidence_admission
from orchestrator.tree import source_tree
from orchestrator.validate import check_writable

if TYPE_CHECKING:
    from orchestrator.check.pr import CheckReport

# By verdict value (see orchestrator.check.pr.Verdict).
_VERDICT_STYLES = {
    "PASS": "green",
    "REGRESSED": "bold red",
    "FAIL": "bold red",
    "REMOVED": "bold red",
    "CONTRADICTED": "bold red",
    "LOOSENED": "bold red",
    "FAILS ON BASE": "yellow",
    "NOT_APPLICABLE": "dim",
}


def _progress(side: str, workstream: str, gate: str, how: str) -> None:
    what = {"evidence": "recorded evidence", "cached": "cached", "ran": "ran"}[how]
    console.print(f"[dim]{side}[/] {escape(workstream)} {escape(gate)}: {what}")


def _table(report: CheckReport) -> Table:
    from orchestrator.check.summary import result_cell

    table = Table(title=f"tt-ws check against {escape(report.base_ref)}")
    for column in ("Workstream", "Gate", "Verdict"):
        table.add_column(column, no_wrap=True)
    for column in ("Base", "Merge result", "Why"):
        table.add_column(column, overflow="fold")
    for gate in report.gates:
        style = _VERDICT_STYLES[gate.verdict.value]
        why = gate.problems[0].strip().splitlines()[0] if gate.problems else ""
        more = f" (+{len(gate.problems) - 1} more)" if len(gate.problems) > 1 else ""
        table.add_row(
            escape(gate.workstream),
            escape(gate.gate),
            f"[{style}]{gate.verdict.value}[/]",
            escape(result_cell(gate.base)),
            escape(result_cell(gate.merge)),
            escape(why + more),
        )
    return table


def _publish(markdown: str, full: Path) -> None:
    """The full summary to `full`; as much as fits to $GITHUB_STEP_SUMMARY when it is set."""
    from orchestrator.check.summary import STEP_SUMMARY_LIMIT, fit

    write_atomic(full, markdown)
    step = os.environ.get("GITHUB_STEP_SUMMARY")
    if not step:
        return
    path = Path(step)
    used = path.stat().st_size if path.is_file() else 0
    pointer = f"the full summary is {display_path(full)} (the tt-ws-check artifact in CI)"
    with path.open("a", encoding="utf-8") as out:
        out.write(fit(markdown, STEP_SUMMARY_LIMIT - used, pointer))


def check_command(
    base: Annotated[
        str, typer.Option("--base", help="The branch the change merges into, e.g. origin/main.")
    ],
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Run affected gates even when a pass is cached.")
    ] = False,
    summary: Annotated[
        Path | None,
        typer.Option("--summary", help="Where to write the markdown summary.", show_default=False),
    ] = None,
    allow_loosened: Annotated[
        bool,
        typer.Option(
            "--allow-loosened",
            help="A reviewer accepts the branch's loosened gate definitions (still listed).",
        ),
    ] = False,
) -> None:
    """Gate a pull request: run the gates the change affects on the merge result of HEAD into
    BASE and fail when a test that passed on the base fails or is missing, a count drops, a
    gate goes from PASS to FAIL, evidence the branch brings is not reproduced, or a gate's
    definition is loosened. Unaffected gates are NOT_APPLICABLE. Results come only from the
    base commit's evidence and the check's own runs, never from files the branch adds."""
    from orchestrator.check import sandbox
    from orchestrator.check.pr import Verdict, run_check
    from orchestrator.check.summary import render_summary

    if summary is not None:
        check_writable(summary, "the --summary")
    layout = Layout.find()
    if source_tree(layout.root).dirty:
        console.print(
            "[yellow]note:[/] uncommitted changes are not part of the check: it checks HEAD"
        )
    scratch = layout.root / RUNS_ROOT / "check"
    admit = claimed_evidence_admission(layout)
    with sigterm_interrupts():
        report = run_check(
            layout.root, base, scratch, not no_cache, admit, _progress, allow_loosened
        )
    print_table(_table(report), labels=2)
    console.print(f"[dim]{escape(sandbox.describe())}[/]")
    for gate in report.gates:
        if gate.blocking:
            for problem in gate.problems:
                console.print(
                    f"[red]{escape(gate.workstream)} {escape(gate.gate)}[/]: {escape(problem)}"
                )
        run = gate.merge
        if run and run.log and not run.passed:
            console.print(f"{escape(gate.workstream)} {escape(gate.gate)}: output in {run.log}")
    for gate in report.gates:
        for change in gate.changes:
            console.print(
                f"[yellow]{escape(gate.workstream)} {escape(gate.gate)}[/] changed: {escape(change)}"
            )
    full = summary or scratch / "summary.md"
    _publish(render_summary(report), full)
    blocking = sum(g.blocking for g in report.gates)
    affected = len(report.gates) - report.count(Verdict.NOT_APPLICABLE)
    verdict = "[green]check passed[/]" if report.passed else "[bold red]check failed[/]"
    console.print(
        f"{verdict}: {affected} of {len(report.gates)} gates affected, {blocking} blocking; "
        f"summary in {escape(display_path(full))}"
    )
    if not report.passed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("check")(guarded(check_command))
