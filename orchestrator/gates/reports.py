"""The JSON reports gate commands write, validated with pydantic: the checks report (the contract
with the examples' harness) and the perf report; and `ReportGate`, the gates that read one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, FiniteFloat, ValidationError

from orchestrator.errors import ReportError, display_path, validation_summary
from orchestrator.gates.base import GateContext, GateOutcome
from orchestrator.gates.process import Completed, run_command
from orchestrator.validate import MAX_RECORD_BYTES, UnsafeInput, read_bounded

CHECKS_SCHEMA = "tt-ws.checks/1"
PERF_SCHEMA = "tt-ws.perf/1"


class _Report(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Check(_Report):
    name: str = Field(min_length=1)
    passed: bool
    detail: str = ""


class ChecksReport(_Report):
    """`{"schema": "tt-ws.checks/1", "subject": "<example id>", "checks": [...]}`."""

    schema_id: Literal["tt-ws.checks/1"] = Field(alias="schema")
    subject: str
    checks: tuple[Check, ...]


class PerfReport(_Report):
    """`{"schema": "tt-ws.perf/1", "subject": "<id>", "metrics": {"name": number}}`."""

    schema_id: Literal["tt-ws.perf/1"] = Field(alias="schema")
    subject: str
    metrics: dict[str, FiniteFloat]


R = TypeVar("R", ChecksReport, PerfReport)


def read_report(path: Path, model: type[R], subject: str) -> R:
    """The report at `path` about `subject`; ReportError naming the file when it is not one."""
    where = display_path(path)
    if not path.is_file():
        raise ReportError(f"no report at {where}: the command did not write one")
    try:
        data = json.loads(read_bounded(path, MAX_RECORD_BYTES).decode("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ReportError(f"{where} is not valid JSON: {exc}") from None
    except (OSError, UnsafeInput) as exc:
        raise ReportError(f"{where}: cannot read the report: {exc}") from None
    try:
        report = model.model_validate(data)
    except ValidationError as exc:
        raise ReportError(
            f"{where} is not a valid {model.__name__}: {validation_summary(exc)}"
        ) from None
    if report.subject != subject:
        raise ReportError(f"{where} reports on {report.subject!r}, expected {subject!r}")
    return report


class ReportGate(Generic[R]):
    """A gate whose command writes a report at `{report}`; subclasses turn it into metrics."""

    model: type[R]
    filename: str

    def run(self, ctx: GateContext) -> GateOutcome:
        command = ctx.gate.run or ""
        path = ctx.run_dir / self.filename
        done = run_command(ctx, command, report=path)
        if done.error:
            return GateOutcome(command, done.exit_code, {}, None, error=done.error)
        try:
            report = read_report(path, self.model, ctx.workstream)
        except ReportError as exc:
            error = f"{exc} (exit {done.exit_code})\n{done.tail()}"
            return GateOutcome(command, done.exit_code, {}, None, error=error)
        return self.measure(command, done, path, report)

    def measure(self, command: str, done: Completed, path: Path, report: R) -> GateOutcome:
        raise NotImplementedError
