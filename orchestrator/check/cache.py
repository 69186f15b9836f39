"""Reusing a passing result whose inputs and environment have not changed (the runner's
`GateCache`).

A gate is reused when records made on the same input key *in the same environment* (the
fingerprint of orchestrator.fingerprint) exist, every run among them passed under the gate's
conditions as registered now, and no test flipped between passing and failing on those inputs or
on the current tree in this environment (a FLAKY test is never cached as a pass). Records made
elsewhere are never reused: a new machine, compiler, package version or variable such as `CXX`
reruns the gate, and the run says why. On the tree the reused record was made on nothing is
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
from orchestrator.fingerprint import Environment, environment
from orchestrator.registry import GateSpec, Registry, Workstream
from orchestrator.runner import GateRun, StampFn
from orchestrator.tree import SourceTree


def reusable(
    store: EvidenceStore,
    workstream: Workstream,
    gate: GateSpec,
    key: str,
    tree: str,
    env: Environment,
    admit: AdmitFn | None = None,
) -> tuple[Path, EvidenceRecord] | str:
    """The passing record on inputs `key` in environment `env` that may stand for a new run, or
    why there is none."""
    entries = [
        (path, record)
        for path, record in store.entries(workstream.id, gate.name)
        if admit is None or admit(record)
    ]
    same_inputs = [(p, r) for p, r in entries if r.inputs == key]
    here = [(p, r) for p, r in same_inputs if r.environment_id == env.id]
    if not here:
        return _elsewhere(same_inputs, env)
    same_tree = [r for _, r in entries if r.tree == tree and r.environment_id == env.id]
    if flips([r for _, r in here], gate) or flips(same_tree, gate):
        return "flaky in this environment: it passed and failed on these inputs"
    if any(r.failures(gate) for _, r in here):
        return "it failed on these inputs in this environment"
    return here[0]


def _elsewhere(same_inputs: list[tuple[Path, EvidenceRecord]], env: Environment) -> str:
    if not same_inputs:
        return "its inputs changed"
    other = same_inputs[0][1]
    if other.environment is None:
        return "the record on these inputs does not say which environment produced it"
    changed = "; ".join(env.differences(other.environment)[:3])
    return f"the records on these inputs come from environment {other.environment_id} ({changed})"


class InputCache:
    """Input keys over one source tree of the repository at `root`, and the environment gates run
    in; reuse when `enabled`."""

    def __init__(
        self,
        root: Path,
        registry: Registry,
        tree: SourceTree,
        admit: AdmitFn | None = None,
        enabled: bool = True,
    ) -> None:
        self.tree = tree
        files = tree_files(root, tree.hash)
        self.inputs = GateInputs(registry, files)
        self.environment = environment(root, files)
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
    ) -> GateRun | str:
        if not self.enabled:
            return "--no-cache"
        found = reusable(store, workstream, gate, key, self.tree.hash, self.environment, self.admit)
        if isinstance(found, str):
            return found
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
