"""Gate kinds: each satisfies the `Gate` Protocol; `GATES` maps a kind to its implementation."""

from __future__ import annotations

from orchestrator.gates.base import Gate, GateContext, GateOutcome
from orchestrator.gates.build import BuildGate
from orchestrator.gates.checks import ChecksGate
from orchestrator.gates.docs import DocsGate
from orchestrator.gates.perf import PerfGate
from orchestrator.gates.tests import TestsGate

GATES: dict[str, Gate] = {
    "build": BuildGate(),
    "tests": TestsGate(),
    "checks": ChecksGate(),
    "docs": DocsGate(),
    "perf": PerfGate(),
}

__all__ = ["GATES", "Gate", "GateContext", "GateOutcome"]
