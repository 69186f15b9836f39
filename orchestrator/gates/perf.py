"""Perf gates: the command writes a perf report (`tt-ws.perf/1`) at `{report}`; its numbers are
the metrics the gate's conditions test."""

from __future__ import annotations

from orchestrator.errors import ReportError
from orchestrator.gates.base import GateContext, GateOutcome
from orchestrator.gates.process import run_command
from orchestrator.gates.reports import PerfReport, read_report


class PerfGate:
    metrics: frozenset[str] | None = None

    def run(self, ctx: GateContext) -> GateOutcome:
        command = ctx.gate.run or ""
        path = ctx.run_dir / "perf.json"
        done = run_command(ctx, command, report=path)
        if done.error:
            return GateOutcome(command, done.exit_code, {}, None, error=done.error)
        try:
            report = read_report(path, PerfReport, ctx.workstream)
        except ReportError as exc:
            error = f"{exc} (exit {done.exit_code})\n{done.tail()}"
            return GateOutcome(command, done.exit_code, {}, None, error=error)
        metrics = {**report.metrics, "exit_code": float(done.exit_code or 0)}
        return GateOutcome(command, done.exit_code, metrics, path)
