"""A gate's results over time: every record, judged by the gate's conditions as registered now,
with the tree it ran on, whether the cache made it, whether claims let it count, and whether a
test flipped on its tree (FLAKY)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from orchestrator.check.flaky import flips
from orchestrator.evidence import AdmitFn, EvidenceRecord, EvidenceStore
from orchestrator.registry import GateSpec, Workstream


@dataclass(frozen=True)
class HistoryEntry:
    record: EvidenceRecord
    failures: tuple[str, ...]  # empty: the run passes the gate
    counted: bool  # False: the claims layer refuses this record (expired or foreign claim)
    flaky: tuple[str, ...]  # tests that both passed and failed on this record's tree

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def verdict(self) -> str:
        if self.flaky:
            return "FLAKY"
        return "PASS" if self.passed else "FAIL"


def gate_history(
    store: EvidenceStore,
    workstream: Workstream,
    gate: GateSpec,
    admit: AdmitFn | None = None,
    limit: int | None = None,
) -> list[HistoryEntry]:
    """The newest `limit` runs of one gate (all when None), newest first."""
    records = list(store.history(workstream.id, gate.name))
    counted = [admit is None or admit(r) for r in records]
    by_tree: dict[str, list[EvidenceRecord]] = defaultdict(list)
    for record, ok in zip(records, counted, strict=True):
        if ok:
            by_tree[record.tree].append(record)
    flaky = {tree: tuple(f.case for f in flips(rs)) for tree, rs in by_tree.items()}
    return [
        HistoryEntry(record, tuple(record.failures(gate)), ok, flaky.get(record.tree, ()))
        for record, ok in list(zip(records, counted, strict=True))[:limit]
    ]
