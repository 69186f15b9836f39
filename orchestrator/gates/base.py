"""What every gate kind shares: the context a gate runs in, its outcome, and the Gate Protocol."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from orchestrator.registry import GateSpec


@dataclass(frozen=True)
class GateContext:
    """One run of one gate: the repository root (cwd of commands) and a fresh scratch directory."""

    root: Path
    workstream: str
    gate: GateSpec
    run_dir: Path
    # The environment of the gate's command; None: tt-ws's own (`tt-ws check` passes a scrubbed
    # one, see orchestrator.check.sandbox).
    env: Mapping[str, str] | None = None


@dataclass(frozen=True)
class GateOutcome:
    """What a gate observed. `error` set means the gate could not be measured: it fails."""

    command: str
    exit_code: int | None
    metrics: Mapping[str, float]
    report: Path | None = None
    cases: Mapping[str, str] = field(default_factory=dict)
    error: str | None = None


class Gate(Protocol):
    """A gate kind. `metrics` names what it reports (None: whatever its report says)."""

    metrics: frozenset[str] | None

    def run(self, ctx: GateContext) -> GateOutcome: ...
