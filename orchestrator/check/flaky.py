"""Flakiness, judged per environment.

Records of one gate on the same inputs (the same source tree) are grouped by the environment
that produced them (orchestrator.fingerprint). Within one environment, a test (or check) id that
passed in one run and failed in another is *flaky*, and so is the gate itself when one run passed
and another failed with no test id to tell which (build and perf gates): such a gate is FLAKY in
status and its passing records are never reused by the cache. A gate that passes in one
environment and fails in another, each consistently, is *environment-dependent* instead: the
environment, not chance, decides (`by_environment`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from orchestrator.evidence import EvidenceRecord
from orchestrator.registry import GateSpec

_FAILED = frozenset({"failed", "error"})
# The pseudo test id of a gate whose runs disagree where no test id says which.
GATE_RESULT = "(the gate's result)"


@dataclass(frozen=True)
class Flip:
    """One test that both passed and failed in one environment: an example record of each."""

    case: str
    passed: EvidenceRecord
    failed: EvidenceRecord

    def describe(self) -> str:
        return (
            f"{self.case} passed in the run of {record_label(self.passed)} and failed in the run "
            f"of {record_label(self.failed)} on tree {self.passed.tree[:12]} in environment "
            f"{self.passed.environment_id}"
        )


@dataclass(frozen=True)
class EnvironmentResult:
    """The consistent result of a gate on one tree in one environment."""

    environment: str
    passed: bool
    record: EvidenceRecord  # the newest run of that result (a failing one when it failed)


def record_label(record: EvidenceRecord) -> str:
    """Names a record as its file name does: when it finished, on which host, which process."""
    return f"{record.finished_at.strftime('%Y-%m-%d %H:%M:%S.%fZ')} {record.host} pid {record.pid}"


def _group(records: Iterable[EvidenceRecord]) -> dict[str, list[EvidenceRecord]]:
    groups: dict[str, list[EvidenceRecord]] = defaultdict(list)
    for record in records:
        groups[record.environment_id].append(record)
    return dict(sorted(groups.items()))


def _runs(records: list[EvidenceRecord]) -> list[EvidenceRecord]:
    """Copies made by the cache (`cached_from`) are not runs: they repeat another record."""
    return [r for r in records if r.cached_from is None]


def _case_flips(runs: list[EvidenceRecord]) -> list[Flip]:
    passed: dict[str, EvidenceRecord] = {}
    failed: dict[str, EvidenceRecord] = {}
    for record in runs:
        for case, outcome in record.cases.items():
            if outcome == "passed":
                passed.setdefault(case, record)
            elif outcome in _FAILED:
                failed.setdefault(case, record)
    return [Flip(case, passed[case], failed[case]) for case in sorted(passed.keys() & failed)]


def _verdict_flip(runs: list[EvidenceRecord], gate: GateSpec) -> list[Flip]:
    passing = [r for r in runs if not r.failures(gate)]
    failing = [r for r in runs if r.failures(gate)]
    return [Flip(GATE_RESULT, passing[0], failing[0])] if passing and failing else []


def flips(records: Iterable[EvidenceRecord], gate: GateSpec | None = None) -> tuple[Flip, ...]:
    """The tests whose outcome differs between `records` (taken as runs on the same inputs)
    made in the same environment; with `gate`, also the gate's own result when its runs in one
    environment disagree and no test id does."""
    found: list[Flip] = []
    for group in _group(records).values():
        runs = _runs(group)
        cases = _case_flips(runs)
        found += cases or (_verdict_flip(runs, gate) if gate is not None else [])
    return tuple(found)


def by_environment(records: Iterable[EvidenceRecord], gate: GateSpec) -> list[EnvironmentResult]:
    """The gate's result in each environment among `records` (runs on the same tree, no flips),
    judged by its runs there; a cache copy stands for its environment only where nothing ran."""
    results = []
    for env, group in _group(records).items():
        runs = _runs(group) or group
        failing = [r for r in runs if r.failures(gate)]
        record = (failing or runs)[0]
        results.append(EnvironmentResult(env, not failing, record))
    return results
