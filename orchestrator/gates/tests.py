"""Tests gates: run pytest with a JUnit report the orchestrator chooses, and count outcomes."""

from __future__ import annotations

from orchestrator.errors import JUnitError
from orchestrator.gates.base import GateContext, GateOutcome
from orchestrator.gates.process import run_command
from orchestrator.junit import parse_junit

# pytest exit codes that mean "the tests did not run as asked" rather than "some tests failed".
_PYTEST_TROUBLE = {
    2: "pytest was interrupted",
    3: "pytest hit an internal error",
    4: "pytest was called wrongly (usage error, e.g. a test file that does not exist)",
    5: "pytest collected no tests",
}


class TestsGate:
    __test__ = False  # not a pytest test class, despite its name

    metrics: frozenset[str] | None = frozenset(
        {"passed", "failed", "skipped", "errors", "total", "exit_code"}
    )

    def run(self, ctx: GateContext) -> GateOutcome:
        command = ctx.gate.run or ""
        report = ctx.run_dir / "junit.xml"
        done = run_command(ctx, command, extra=(f"--junitxml={report}", "-p", "no:cacheprovider"))
        if done.error:
            return GateOutcome(command, done.exit_code, {}, None, error=done.error)
        assert done.exit_code is not None
        trouble = _PYTEST_TROUBLE.get(done.exit_code)
        try:
            result = parse_junit(report)
        except JUnitError as exc:
            error = f"{trouble or f'pytest exited {done.exit_code}'}; {exc}\n{done.tail()}"
            return GateOutcome(command, done.exit_code, {}, None, error=error)
        metrics = {**result.metrics(), "exit_code": float(done.exit_code)}
        error = f"{trouble} (exit {done.exit_code}):\n{done.tail()}" if trouble else None
        return GateOutcome(command, done.exit_code, metrics, report, result.cases, error)
