"""Checks gates: the command writes a checks report (`tt-ws.checks/1`) at `{report}`; count it."""

from __future__ import annotations

from orchestrator.errors import ReportError
from orchestrator.gates.base import GateContext, GateOutcome
from orchestrator.gates.process import run_command
from orchestrator.gates.reports import ChecksReport, read_report


class ChecksGate:
    metrics: frozenset[str] | None = frozenset({"passed", "failed", "total", "exit_code"})

    def run(self, ctx: GateContext) -> GateOutcome:
        command = ctx.gate.run or ""
        path = ctx.run_dir / "checks.json"
        done = run_command(ctx, command, report=path)
        if done.error:
            return GateOutcome(command, done.exit_code, {}, None, error=done.error)
        try:
            report = read_report(path, ChecksReport, ctx.workstream)
        except ReportError as exc:
            error = f"{exc} (exit {done.exit_code})\n{done.tail()}"
            return GateOutcome(command, done.exit_code, {}, None, error=error)
        names = [c.name for c in report.checks]
        if len(set(names)) != len(names):
            duplicated = sorted({n for n in names if names.count(n) > 1})
            error = f"checks report {path} repeats check names: {', '.join(duplicated)}"
            return GateOutcome(command, done.exit_code, {}, path, error=error)
        passed = sum(c.passed for c in report.checks)
        metrics = {
            "passed": float(passed),
            "failed": float(len(names) - passed),
            "total": float(len(names)),
            "exit_code": float(done.exit_code or 0),
        }
        cases = {c.name: "passed" if c.passed else "failed" for c in report.checks}
        return GateOutcome(command, done.exit_code, metrics, path, dict(sorted(cases.items())))
