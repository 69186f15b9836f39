"""The ratchet against the base: what a gate's result on the merge result may not lose.

Compared with the base's record of the same gate: a gate that passed may not fail; a test (or
check, or heading) id that passed may not fail, be skipped or disappear; the counts of passing
and of all cases may not drop.
"""

from __future__ import annotations

from orchestrator.evidence import EvidenceRecord
from orchestrator.registry import GateSpec, format_number

# Counts that only go up: tests/checks passed and total, docs headings found.
RATCHETED_METRICS = ("passed", "total", "headings_found")


def _first_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[0] if lines else text


def regressions(
    base_gate: GateSpec,
    base: EvidenceRecord,
    gate: GateSpec,
    merge: EvidenceRecord,
    sides: tuple[str, str] = ("the base", "the merge result"),
) -> list[str]:
    """How `merge` (judged by `gate`) falls behind `base` (judged by `base_gate`); `sides` name
    the two in the messages."""
    before_side, after_side = sides
    found = []
    merge_failures = merge.failures(gate)
    if not base.failures(base_gate) and merge_failures:
        found.append(f"gate went from PASS to FAIL: {_first_line(merge_failures[0])}")
    for case, outcome in sorted(base.cases.items()):
        if outcome != "passed":
            continue
        now = merge.cases.get(case)
        if now is None:
            found.append(f"{case}: passed on {before_side}, missing from {after_side}")
        elif now != "passed":
            found.append(f"{case}: passed on {before_side}, {now} on {after_side}")
    for metric in RATCHETED_METRICS:
        before, after = base.metrics.get(metric), merge.metrics.get(metric)
        if before is not None and (after is None or after < before):
            shown = "not reported" if after is None else format_number(after)
            found.append(f"{metric} dropped from {format_number(before)} to {shown}")
    return found
