"""How a gate's definition changed between two registries, and whether the change loosens it.

A gate is the definition of done, so changing it is a reviewed change: `tt-ws check` calls it out
("gate loosened") and blocks on a loosening unless allowed, and the dispatcher refuses an agent's
diff that loosens a gate. Loosened means the new gate may accept a result the old one refused:
a requirement dropped or relaxed, a docs heading dropped, or what the gate runs changed (a
different command, page or kind cannot be shown to test as much, so it counts as loosened).
A requirement is kept when some requirement of the new gate on the same metric implies it
(`passed >= 12` implies `passed >= 10`); anything else a gate says (its timeout) is only noted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from orchestrator.registry import Condition, GateSpec, format_number


@dataclass(frozen=True)
class GateChange:
    """What changed in one gate: the loosenings, and the other changes (tightenings, timeout)."""

    loosened: tuple[str, ...]
    other: tuple[str, ...]

    @property
    def described(self) -> tuple[str, ...]:
        return tuple(f"gate loosened: {c}" for c in self.loosened) + self.other


@dataclass(frozen=True)
class _Interval:
    """The values a condition other than `!=` accepts."""

    low: float
    low_closed: bool
    high: float
    high_closed: bool

    @classmethod
    def of(cls, c: Condition) -> _Interval:
        t = c.threshold
        return {
            "==": cls(t, True, t, True),
            ">=": cls(t, True, math.inf, False),
            ">": cls(t, False, math.inf, False),
            "<=": cls(-math.inf, False, t, True),
            "<": cls(-math.inf, False, t, False),
        }[c.op]

    def within(self, other: _Interval) -> bool:
        low = other.low < self.low or (
            other.low == self.low and (other.low_closed or not self.low_closed)
        )
        high = self.high < other.high or (
            self.high == other.high and (other.high_closed or not self.high_closed)
        )
        return low and high

    def holds(self, value: float) -> bool:
        above = self.low < value or (self.low_closed and value == self.low)
        below = value < self.high or (self.high_closed and value == self.high)
        return above and below


def implies(new: Condition, old: Condition) -> bool:
    """Whether every value `new` accepts is accepted by `old` (same metric)."""
    if new.metric != old.metric:
        return False
    if old.op == "!=":
        if new.op == "!=":
            return new.threshold == old.threshold
        return not _Interval.of(new).holds(old.threshold)
    if new.op == "!=":
        return False
    return _Interval.of(new).within(_Interval.of(old))


def _quoted(text: str | None) -> str:
    return f"`{text}`" if text else "nothing"


def gate_change(before: GateSpec, after: GateSpec) -> GateChange | None:
    """How `after` differs from `before` (None: not at all)."""
    if before == after:
        return None
    loosened: list[str] = []
    other: list[str] = []
    for field in ("kind", "run", "page"):
        old, new = getattr(before, field), getattr(after, field)
        if old != new:
            loosened.append(f"{field} changed from {_quoted(old)} to {_quoted(new)}")
    for heading in before.headings:
        if heading not in after.headings:
            loosened.append(f"heading {heading!r} no longer required")
    for heading in after.headings:
        if heading not in before.headings:
            other.append(f"heading {heading!r} now required")
    for old in before.require:
        if not any(implies(new, old) for new in after.require):
            same_metric = [f"`{new}`" for new in after.require if new.metric == old.metric]
            now = f"relaxed to {' and '.join(same_metric)}" if same_metric else "dropped"
            loosened.append(f"`{old}` {now}")
    for new in after.require:
        if not any(implies(old, new) for old in before.require):
            other.append(f"`{new}` now required")
    if before.timeout_s != after.timeout_s:
        other.append(
            f"timeout changed from {format_number(before.timeout_s)} s "
            f"to {format_number(after.timeout_s)} s"
        )
    return GateChange(tuple(loosened), tuple(other))
