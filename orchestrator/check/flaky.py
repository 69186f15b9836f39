"""Flaky tests: a test (or check) id that passed in one record and failed in another record of
the same gate made on the same inputs, i.e. the same source tree. Such a gate is FLAKY in status,
and its passing records are never reused by the cache."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from orchestrator.evidence import EvidenceRecord

_FAILED = frozenset({"failed", "error"})


@dataclass(frozen=True)
class Flip:
    """One test that both passed and failed: an example record of each outcome."""

    case: str
    passed: EvidenceRecord
    failed: EvidenceRecord

    def describe(self) -> str:
        return (
            f"{self.case} passed in the run of {record_label(self.passed)} and failed in the run "
            f"of {record_label(self.failed)} on tree {self.passed.tree[:12]}"
        )


def record_label(record: EvidenceRecord) -> str:
    """Names a record as its file name does: when it finished, on which host, which process."""
    return f"{record.finished_at.strftime('%Y-%m-%d %H:%M:%S.%fZ')} {record.host} pid {record.pid}"


def flips(records: Iterable[EvidenceRecord]) -> tuple[Flip, ...]:
    """The tests whose outcome differs between `records` (taken as runs on the same inputs).

    Copies made by the cache (`cached_from`) are not runs: they repeat another record.
    """
    passed: dict[str, EvidenceRecord] = {}
    failed: dict[str, EvidenceRecord] = {}
    for record in records:
        if record.cached_from is not None:
            continue
        for case, outcome in record.cases.items():
            if outcome == "passed":
                passed.setdefault(case, record)
            elif outcome in _FAILED:
                failed.setdefault(case, record)
    return tuple(Flip(case, passed[case], failed[case]) for case in sorted(passed.keys() & failed))
