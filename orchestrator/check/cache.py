"""Reusing a passing result whose inputs have not changed (the runner's `GateCache`).

A gate is reused when the newest admitted record made on the same input key passed under the
gate's conditions as registered now, and no test flipped between passing and failing on those
inputs (a FLAKY test is never cached as a pass). On the tree that record was made on nothing is
written; on another tree (same inputs, other files changed) a copy stamped with the current tree
and `cached_from` is appended, so that status counts it as evidence for the current tree.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime, timezone
from pathlib import Path

from orchestrator import __version__
from orchestrator.check.flaky import flips
from orchestrator.check.inputs import GateInputs, tree_files
from orchestrator.evidence import AdmitFn, EvidenceRecord, EvidenceStore
from orchestrator.registry import GateSpec, Registry, Workstream
from orchestrator.runner import GateRun, StampFn
from orchestrator.tree import SourceTree


def reusable(
    store: EvidenceStore,
    workstream: Workstream,
    gate: GateSpec,
    key: str,
    tree: str,
    admit: AdmitFn | None = None,
) -> tuple[Path, EvidenceRecord] | None:
    """The passing record on inputs `key` that may stand for a new run, if any."""
    entries = [
        (path, record)
        for path, record in store.entries(workstream.id, gate.name)
        if admit is None or admit(record)
    ]
    same_inputs = [record for _, record in entries if record.inputs == key]
    same_tree = [record for _, record in entries if record.tree == tree]
    if flips(same_inputs) or flips(same_tree):
        return None
    for path, record in entries:
        if record.inputs == key:
            return None if record.failures(gate) else (path, record)
    return None


class InputCache:
    """Input keys over one source tree of the repository at `root`; reuse when `enabled`."""

    def __init__(
        self,
        root: Path,
        registry: Registry,
        tree: SourceTree,
        admit: AdmitFn | None = None,
        enabled: bool = True,
    ) -> None:
        self.tree = tree
        self.inputs = GateInputs(registry, tree_files(root, tree.hash))
        self.admit = admit
        self.enabled = enabled

    def key(self, workstream: Workstream, gate: GateSpec) -> str:
        return self.inputs.key(workstream, gate)

    def reuse(
        self,
        store: EvidenceStore,
        workstream: Workstream,
        gate: GateSpec,
        key: str,
        stamp: StampFn | None,
    ) -> GateRun | None:
        if not self.enabled:
            return None
        found = reusable(store, workstream, gate, key, self.tree.hash, self.admit)
        if found is None:
            return None
        path, source = found
        if source.tree == self.tree.hash:
            return GateRun(workstream, gate, source, path, None, 0.0, cached_from=path)
        claim = stamp(workstream.id) if stamp is not None else None
        now = datetime.now(timezone.utc)
        copy = EvidenceRecord.model_validate(
            {
                **source.model_dump(),
                "tree": self.tree.hash,
                "dirty": self.tree.dirty,
                "started_at": now,
                "finished_at": now,
                "tool_version": __version__,
                "host": socket.gethostname(),
                "pid": os.getpid(),
                "claim_holder": claim.holder if claim else None,
                "fencing_token": claim.fencing_token if claim else None,
                "claim_expiry": claim.expiry if claim else None,
                "cached_from": path.name,
            }
        )
        written = store.append(copy)
        return GateRun(workstream, gate, copy, written, None, 0.0, cached_from=path)
