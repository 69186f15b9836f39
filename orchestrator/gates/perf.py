"""Perf gates: the command writes a perf report (`tt-ws.perf/1`) at `{report}`; its numbers are
the metrics the gate's conditions test."""

from __future__ import annotations

from pathlib import Path

from orchestrator.gates.base import GateOutcome
from orchestrator.gates.process import Completed
from orchestrator.gates.reports import PerfReport, ReportGate


class PerfGate(ReportGate[PerfReport]):
    metrics: frozenset[str] | None = None
    model = PerfReport
    filename = "perf.json"

    def measure(self, command: str, done: Completed, path: Path, report: PerfReport) -> GateOutcome:
        metrics = {**report.metrics, "exit_code": float(done.exit_code or 0)}
        return GateOutcome(command, done.exit_code, metrics, path)
