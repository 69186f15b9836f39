"""`tt-ws run [ID ...] [--all] [--phase N]`: run gates, record evidence, summarise."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from orchestrator.check.cache import InputCache
from orchestrator.console import console, guarded, print_table, sigterm_interrupts
from orchestrator.errors import TtWsError
from orchestrator.evidence import metrics_summary
from orchestrator.json_output import GateResult, RunOutput, emit, messages_to_stderr
from orchestrator.layout import Layout
from orchestrator.lint import load_checked_registry
from orchestrator.registry import GateSpec, Registry, Workstream
from orchestrator.runner import Claim, GateRun, run_workstreams
from orchestrator.status import reusable_evidence_admission
from orchestrator.tree import SourceTree, source_tree


def select(
    registry: Registry, ids: list[str], everything: bool, phases: list[int]
) -> list[Workstream]:
    """The chosen workstreams in dependency order."""
    if everything:
        return registry.in_dependency_order(registry.workstreams)
    if not ids and not phases:
        raise TtWsError("say what to run: workstream ids, --phase N or --all")
    chosen = [registry.get(i) for i in ids] + registry.in_phases(phases)
    return registry.in_dependency_order(chosen)


def claim_stamp(layout: Layout) -> Callable[[str], Claim | None]:
    """The claims layer's fencing check, as the runner's stamp (see orchestrator.claims)."""
    # Imported at call time like orchestrator.status does: claims builds on the status layer.
    from orchestrator.claims.fencing import stamps_for_run

    def stamp(workstream_id: str) -> Claim | None:
        found = stamps_for_run(layout.root, [workstream_id])[workstream_id]
        return Claim(found.holder, found.token, found.expiry) if found else None

    return stamp


class ProgressListener:
    """Shows a spinner per gate and a line per finished gate (with why it was not cached)."""

    def __init__(self, progress: Progress, total: int, explain: bool) -> None:
        self.progress = progress
        self.task = progress.add_task("starting", total=total)
        self.explain = explain

    def started(self, workstream: Workstream, gate: GateSpec) -> None:
        what = escape(f"{workstream.id} {gate.name}: {gate.describe()}")
        self.progress.update(self.task, description=what)

    def finished(self, run: GateRun) -> None:
        mark = "[green]PASS[/]" if run.passed else "[red]FAIL[/]"
        why = f"; ran: {run.note}" if self.explain and run.note else ""
        self.progress.console.print(
            f"{mark} {escape(run.workstream.id)} {escape(run.gate.name)} ({_took(run)}{escape(why)})"
        )
        self.progress.advance(self.task)


def _took(run: GateRun) -> str:
    return "cached: inputs unchanged" if run.cached_from else f"{run.seconds:.1f} s"


def summary(runs: list[GateRun]) -> Table:
    table = Table(title="Gate results")
    for column in ("Workstream", "Gate", "Verdict", "Time"):
        table.add_column(column, no_wrap=True)
    for column in ("Metrics", "Why"):
        table.add_column(column, overflow="fold")
    for run in runs:
        why = "; ".join(f.strip().splitlines()[0] for f in run.failures if f.strip())
        table.add_row(
            run.workstream.id,
            run.gate.name,
            "[green]PASS[/]" if run.passed else "[red]FAIL[/]",
            _took(run),
            escape(metrics_summary(run.record.metrics, (c.metric for c in run.gate.require))),
            escape(why),
        )
    return table


def run_command(
    ids: Annotated[list[str] | None, typer.Argument(help="Workstream ids, e.g. 1.1")] = None,
    everything: Annotated[bool, typer.Option("--all", help="Every workstream.")] = False,
    phase: Annotated[
        list[int] | None, typer.Option("--phase", help="Every workstream of phase N (repeatable).")
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Run every gate, even when its inputs are unchanged.")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the results as a tt-ws.run/1 JSON document.")
    ] = False,
) -> None:
    """Run the gates of the chosen workstreams and record one evidence record per gate run.

    A gate whose inputs (its files and the code it depends on) match a passing record made in
    this environment (Python, packages, C++ compiler, emulator runtime, platform, variables
    such as CXX) is reported as cached and not rerun, unless --no-cache; a gate that runs says
    why it was not cached.
    """
    with messages_to_stderr(as_json):
        layout = Layout.find()
        runs, tree = _run(layout, ids or [], everything, phase or [], no_cache)
        if as_json:
            emit(_document(runs, tree, layout))
        else:
            print_table(summary(runs), labels=3)
        failed = [r for r in runs if not r.passed]
        for run in failed:
            log = run.run_dir / "output.log" if run.run_dir else None
            if log and log.is_file():
                console.print(
                    f"{run.workstream.id} {run.gate.name}: output in {log.relative_to(layout.root)}"
                )
        console.print(
            f"{len(runs) - len(failed)}/{len(runs)} gates passed; evidence in "
            f"{layout.evidence.relative_to(layout.root)}/ — run `tt-ws status` to update status/"
        )
    if failed:
        raise typer.Exit(1)


def _run(
    layout: Layout, ids: list[str], everything: bool, phases: list[int], no_cache: bool
) -> tuple[list[GateRun], SourceTree]:
    """Run the selected gates with a progress display; the runs and the tree they measured."""
    registry = load_checked_registry(layout.registry)
    selection = select(registry, ids, everything, phases)
    total = sum(len(ws.gates) for ws in selection)
    stamp = claim_stamp(layout)
    for ws in selection:  # refuse before anything runs, not after the first gate
        stamp(ws.id)
    tree = source_tree(layout.root)
    cache = InputCache(
        layout.root, registry, tree, reusable_evidence_admission(layout), enabled=not no_cache
    )
    console.print(
        f"environment {escape(cache.environment.id)}: {escape(cache.environment.describe())}"
    )
    if tree.dirty:
        console.print(
            "[yellow]note:[/] the sources differ from HEAD; the evidence is keyed to the files "
            "as they are on disk, so it counts elsewhere only once exactly these files are committed"
        )
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with sigterm_interrupts(), Progress(*columns, console=console, transient=True) as progress:
        listener = ProgressListener(progress, total, explain=not no_cache)
        runs = run_workstreams(layout, selection, listener, stamp, cache=cache)
    return runs, tree


def _document(runs: list[GateRun], tree: SourceTree, layout: Layout) -> RunOutput:
    return RunOutput(
        tree=tree.hash,
        dirty=tree.dirty,
        passed=sum(r.passed for r in runs),
        failed=sum(not r.passed for r in runs),
        gates=[
            GateResult(
                workstream=r.workstream.id,
                gate=r.gate.name,
                kind=r.gate.kind,
                passed=r.passed,
                seconds=round(r.seconds, 3),
                cached=r.cached_from is not None,
                metrics=dict(r.record.metrics),
                failures=r.failures,
                evidence=str(r.path.relative_to(layout.root)),
            )
            for r in runs
        ],
    )


def register(app: typer.Typer) -> None:
    app.command("run")(guarded(run_command))
