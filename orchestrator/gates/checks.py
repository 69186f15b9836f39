"""Checks gates: the command writes a checks report (`tt-ws.checks/1`) at `{report}`; count it."""

from __future__ import annotations

from pathlib import Path

from orchestrator.gates.base import GateOutcome
from orchestrator.gates.process import Completed
from orchestrator.gates.reports import ChecksReport, ReportGate


class ChecksGate(ReportGate[ChecksReport]):
    metrics: frozenset[str] | None = frozenset({"passed", "failed", "total", "exit_code"})
    model = ChecksReport
    filename = "checks.json"

    def measure(
        self, command: str, done: Completed, path: Path, report: ChecksReport
    ) -> GateOutcome:
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
