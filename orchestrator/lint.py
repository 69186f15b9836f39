"""`tt-ws lint`: every problem in the registry, each naming file and line.

Parse, schema and structural problems come from `orchestrator.registry`; this module adds the
rules about gates (something to run, a pytest command for tests gates, a `{report}` for report
gates, conditions on metrics the gate kind reports).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from orchestrator.errors import Problem, RegistryError
from orchestrator.gates import GATES
from orchestrator.gates.process import REPORT_PLACEHOLDER, command_words
from orchestrator.registry import GateSpec, Registry, read_registry
from orchestrator.validate import UnsafeInput, confined

_REPORT_KINDS = frozenset({"checks", "perf"})


def _is_pytest(words: list[str]) -> bool:
    return words[0] == "pytest" or (
        words[0] in ("python", "python3") and words[1:3] == ["-m", "pytest"]
    )


def gate_problems(gate: GateSpec) -> Iterator[str]:
    """What is wrong with one gate, as sentences."""
    if gate.kind == "docs":
        if not gate.page:
            yield "has nothing to check: a docs gate needs `page:`"
        if gate.run:
            yield "is a docs gate: it reads `page:` and `headings:`, `run:` would be ignored"
    else:
        if gate.page or gate.headings:
            yield "only docs gates take `page:` and `headings:`"
        if not (gate.run and gate.run.strip()):
            yield f"has nothing to run: a {gate.kind} gate needs `run:`"
        else:
            try:
                words = command_words(gate.run)
            except ValueError as exc:
                yield str(exc)
            else:
                if gate.kind == "tests" and not _is_pytest(words):
                    yield (
                        f"runs {words[0]!r}: a tests gate runs pytest (the orchestrator adds "
                        "--junitxml itself)"
                    )
                if gate.kind in _REPORT_KINDS and REPORT_PLACEHOLDER not in gate.run:
                    yield (
                        f"never receives its report path: put {REPORT_PLACEHOLDER} in the "
                        f"{gate.kind} command"
                    )
    if not gate.require:
        yield "has no conditions (`require:`), so it could never fail"
    known = GATES[gate.kind].metrics
    for condition in gate.require:
        if known is not None and condition.metric not in known:
            yield (
                f"condition `{condition}` uses {condition.metric!r}, which {gate.kind} gates "
                f"do not report (they report: {', '.join(sorted(known))})"
            )


def registry_gate_problems(registry: Registry) -> list[Problem]:
    problems = []
    for ws in registry.workstreams:
        if not ws.gates:
            problems.append(
                Problem(
                    ws.where.file,
                    ws.where.line,
                    f"workstream {ws.id!r} has no gates, so its state can never be known",
                )
            )
        for gate, line in zip(ws.gates, ws.gate_lines, strict=True):
            problems += (
                Problem(ws.where.file, line, f"gate {gate.name!r} of {ws.id!r} {message}")
                for message in gate_problems(gate)
            )
    return problems


def escape_problems(registry: Registry, root: Path) -> list[Problem]:
    """Owned paths and docs pages that lead outside the repository at `root` through a symbolic
    link (the schema already refuses absolute paths and `..`)."""
    problems = []
    for ws in registry.workstreams:
        for owned in ws.spec.owns:
            try:
                confined(root, owned)
            except UnsafeInput as exc:
                problems.append(Problem(ws.where.file, ws.where.line, f"{ws.id!r} owns: {exc}"))
        for gate, line in zip(ws.gates, ws.gate_lines, strict=True):
            if gate.page:
                try:
                    confined(root, gate.page)
                except UnsafeInput as exc:
                    problems.append(Problem(ws.where.file, line, f"gate {gate.name!r}: {exc}"))
    return problems


def lint(directory: Path) -> tuple[Registry, list[Problem]]:
    """The registry in `directory` (the repository's `workstreams/`) and every problem with it."""
    registry, problems = read_registry(directory)
    problems += registry_gate_problems(registry) + escape_problems(registry, directory.parent)
    return registry, problems


def load_checked_registry(directory: Path) -> Registry:
    """The registry, or RegistryError listing every lint problem (what run/status/list use)."""
    registry, problems = lint(directory)
    if problems:
        raise RegistryError(problems)
    return registry
