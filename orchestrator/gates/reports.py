"""The JSON reports gate commands write, validated with pydantic: the checks report (the contract
with the examples' harness) and the perf report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from orchestrator.errors import ReportError, display_path, validation_summary

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
    metrics: dict[str, float]


R = TypeVar("R", ChecksReport, PerfReport)


def read_report(path: Path, model: type[R], subject: str) -> R:
    """The report at `path` about `subject`; ReportError naming the file when it is not one."""
    where = display_path(path)
    if not path.is_file():
        raise ReportError(f"no report at {where}: the command did not write one")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ReportError(f"{where} is not valid JSON: {exc}") from None
    try:
        report = model.model_validate(data)
    except ValidationError as exc:
        raise ReportError(
            f"{where} is not a valid {model.__name__}: {validation_summary(exc)}"
        ) from None
    if report.subject != subject:
        raise ReportError(f"{where} reports on {report.subject!r}, expected {subject!r}")
    return report
