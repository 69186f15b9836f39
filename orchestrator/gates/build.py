"""Build gates: run the build step; the metric is its exit code."""

from __future__ import annotations

from orchestrator.gates.base import GateContext, GateOutcome
from orchestrator.gates.process import run_command


class BuildGate:
    metrics: frozenset[str] | None = frozenset({"exit_code"})

    def run(self, ctx: GateContext) -> GateOutcome:
        command = ctx.gate.run or ""
        done = run_command(ctx, command)
        metrics = {} if done.exit_code is None else {"exit_code": float(done.exit_code)}
        return GateOutcome(command, done.exit_code, metrics, done.log, error=done.error)
