"""Docs gates: the page exists and has each required heading, each followed by some text."""

from __future__ import annotations

import re

from orchestrator.gates.base import GateContext, GateOutcome
from orchestrator.validate import UnsafeInput, confined

_HEADING = re.compile(r"^(#{1,6})\s")


def _heading_levels(lines: list[str]) -> list[int]:
    """The heading level of each line (0: not a heading); `# ...` inside code fences is code."""
    levels = []
    fenced = False
    for line in lines:
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        match = None if fenced else _HEADING.match(line)
        levels.append(len(match.group(1)) if match else 0)
    return levels


def _sections(lines: list[str]) -> dict[str, list[str]]:
    """Each heading line (stripped) -> the lines up to the next heading of the same or higher level."""
    levels = _heading_levels(lines)
    sections: dict[str, list[str]] = {}
    for i, level in enumerate(levels):
        if not level:
            continue
        end = next((j for j in range(i + 1, len(lines)) if 0 < levels[j] <= level), len(lines))
        sections.setdefault(lines[i].strip(), lines[i + 1 : end])
    return sections


class DocsGate:
    metrics: frozenset[str] | None = frozenset(
        {"headings_found", "missing_headings", "empty_sections"}
    )

    def run(self, ctx: GateContext) -> GateOutcome:
        page = ctx.gate.page or ""
        command = ctx.gate.describe()
        try:
            path = confined(ctx.root, page)
        except UnsafeInput as exc:
            return GateOutcome(command, None, {}, None, error=f"page refused: {exc}")
        if not path.is_file():
            return GateOutcome(command, None, {}, None, error=f"page {page} does not exist")
        sections = _sections(path.read_text(encoding="utf-8").splitlines())
        cases = {}
        for heading in ctx.gate.headings:
            body = sections.get(heading.strip())
            if body is None:
                cases[heading] = "missing"
            elif not any(line.strip() for line in body):
                cases[heading] = "empty"
            else:
                cases[heading] = "passed"
        outcomes = list(cases.values())
        metrics = {
            "headings_found": float(len(outcomes) - outcomes.count("missing")),
            "missing_headings": float(outcomes.count("missing")),
            "empty_sections": float(outcomes.count("empty")),
        }
        return GateOutcome(command, None, metrics, path, dict(sorted(cases.items())))
