"""A gate's results over time: every record, judged by the gate's conditions as registered now,
with the tree and environment it ran in, whether the cache made it, whether claims let it count,
whether its dates are impossible (dated in the future: never counted), and whether a test or the
gate flipped on its tree in its environment (FLAKY)."""

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
    counted: bool  # False: the claims layer refuses this record, or its dates are impossible
    flaky: tuple[str, ...]  # tests that both passed and failed on this record's tree
    misdated: str | None = None  # why its dates cannot be true (see orchestrator.evidence)

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
    """The newest `limit` runs of one gate (all when None), newest first; records dated in the
    future come first, marked and not counted."""
    records = list(store.history(workstream.id, gate.name))
    counted = [admit is None or admit(r) for r in records]
    by_tree: dict[str, list[EvidenceRecord]] = defaultdict(list)
    for record, ok in zip(records, counted, strict=True):
        if ok:
            by_tree[record.tree].append(record)
    flaky: dict[tuple[str, str], tuple[str, ...]] = defaultdict(tuple)
    for tree, on_tree in by_tree.items():
        for flip in flips(on_tree, gate):
            key = (tree, flip.passed.environment_id)
            flaky[key] = (*flaky[key], flip.case)
    misdated = [
        HistoryEntry(record, tuple(record.failures(gate)), False, (), why)
        for _, record, why in store.misdated(workstream.id, gate.name)
    ]
    counted_entries = [
        HistoryEntry(
            record,
            tuple(record.failures(gate)),
            ok,
            flaky.get((record.tree, record.environment_id), ()),
        )
        for record, ok in zip(records, counted, strict=True)
    ]
    return [*misdated, *counted_entries][:limit]
