"""Running gates and recording evidence: one record per gate run, written even when it fails.

A run interrupted by Ctrl-C writes no record for the gate in flight (its child is killed first);
records of the gates finished before stay, each complete. Under claims, the claim is checked when
a gate starts and again just before its record is written, so a runner whose lease ran out
meanwhile is refused rather than recording evidence that must not count. Every record carries
the environment it ran in (orchestrator.fingerprint).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol

from orchestrator.check.inputs import tree_files
from orchestrator.errors import TtWsError
from orchestrator.evidence import EvidenceRecord, EvidenceStore
from orchestrator.fingerprint import Environment, environment
from orchestrator.gates import GATES, GateContext
from orchestrator.layout import Layout
from orchestrator.registry import GateSpec, Workstream
from orchestrator.tree import SourceTree, source_tree


@dataclass(frozen=True)
class Claim:
    """The claim a run happens under, stamped on its evidence (see orchestrator.claims)."""

    holder: str
    fencing_token: int
    # The lease end as known at the stamp. Written into the record so that a clone without the
    # claim refs can still judge it; a renewal during the run is not a change of claim.
    expiry: datetime | None = field(default=None, compare=False)


@dataclass(frozen=True)
class GateRun:
    workstream: Workstream
    gate: GateSpec
    record: EvidenceRecord
    path: Path
    run_dir: Path | None  # the command's output.log and report, kept locally (None: cached)
    seconds: float
    cached_from: Path | None = None  # the passing record reused instead of running the gate
    note: str | None = None  # why the gate ran rather than being reused (with a cache)

    @property
    def failures(self) -> list[str]:
        return self.record.failures(self.gate)

    @property
    def passed(self) -> bool:
        return not self.failures


# The claim a run of a workstream's gates happens under (None: unclaimed); raises to refuse it.
StampFn = Callable[[str], Claim | None]


class GateCache(Protocol):
    """Input keys of gates, and reuse of passing results (see orchestrator.check.cache)."""

    environment: Environment

    def key(self, workstream: Workstream, gate: GateSpec) -> str: ...

    def reuse(
        self,
        store: EvidenceStore,
        workstream: Workstream,
        gate: GateSpec,
        key: str,
        stamp: StampFn | None,
    ) -> GateRun | str:
        """The reused run, or why there is none."""
        ...


class Listener(Protocol):
    def started(self, workstream: Workstream, gate: GateSpec) -> None: ...

    def finished(self, run: GateRun) -> None: ...


def _sha256(path: Path | None) -> str | None:
    if path is None or not path.is_file():
        return None
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_gate(
    layout: Layout,
    store: EvidenceStore,
    workstream: Workstream,
    gate: GateSpec,
    stamp: StampFn | None = None,
    inputs: str | None = None,
    env: Environment | None = None,
    command_env: Mapping[str, str] | None = None,
) -> GateRun:
    """Run one gate and append its evidence record (`inputs`: the gate's input key; `env`: the
    environment's fingerprint, taken here when not given; `command_env`: the variables the
    command runs with, None for this process's — `tt-ws check` passes an allow-listed set)."""
    claim_at_start = stamp(workstream.id) if stamp is not None else None
    tree = source_tree(layout.root)
    if env is None:
        env = environment(layout.root, tree_files(layout.root, tree.hash))
    started = datetime.now(timezone.utc)
    run_dir = (
        layout.runs
        / workstream.id
        / gate.name
        / f"{started.strftime('%Y%m%dT%H%M%S.%fZ')}-{os.getpid()}"
    )
    run_dir.mkdir(parents=True)
    outcome = GATES[gate.kind].run(
        GateContext(layout.root, workstream.id, gate, run_dir, command_env)
    )
    finished = datetime.now(timezone.utc)
    error = outcome.error or _moved_tree_error(tree, source_tree(layout.root))
    claim = stamp(workstream.id) if stamp is not None else None
    if claim != claim_at_start:
        raise TtWsError(
            f"the claim on {workstream.id} changed while its {gate.name} gate ran "
            f"({claim_at_start} -> {claim}); the result was not recorded, run it again"
        )
    record = EvidenceRecord(
        workstream=workstream.id,
        gate=gate.name,
        kind=gate.kind,
        command=outcome.command,
        exit_code=outcome.exit_code,
        metrics=dict(outcome.metrics),
        error=error,
        report_sha256=_sha256(outcome.report),
        cases=dict(outcome.cases),
        tree=tree.hash,
        dirty=tree.dirty,
        started_at=started,
        finished_at=finished,
        claim_holder=claim.holder if claim else None,
        fencing_token=claim.fencing_token if claim else None,
        claim_expiry=claim.expiry if claim else None,
        inputs=inputs,
        environment=env,
    )
    path = store.append(record)
    return GateRun(workstream, gate, record, path, run_dir, (finished - started).total_seconds())


def _moved_tree_error(before: SourceTree, after: SourceTree) -> str | None:
    # A record names one tree; if the sources changed under a running gate (another agent editing
    # the same work tree), the result belongs to neither, so it is recorded as a failure.
    if before.hash == after.hash:
        return None
    return (
        f"the sources changed while the gate ran (tree {before.short} -> {after.short}); "
        "the result cannot stand for either tree: run it again on a quiet tree"
    )


def _always(claim: Claim) -> StampFn:
    return lambda _workstream: claim


def run_workstreams(
    layout: Layout,
    workstreams: Iterable[Workstream],
    listener: Listener,
    stamp: StampFn | None = None,
    claim: Claim | None = None,
    cache: GateCache | None = None,
) -> list[GateRun]:
    """Run every gate of every workstream in order; a failing gate does not stop the others.

    With a `cache`, records carry the gate's input key and a gate whose inputs match a passing
    record made in the same environment is reused rather than run (a run says why it was not).

    `stamp` checks the claim around each gate; `claim` instead stamps every record with one
    claim the caller has already checked.
    """
    if stamp is None and claim is not None:
        stamp = _always(claim)
    store = EvidenceStore(layout.evidence)
    runs = []
    for ws in workstreams:
        for gate in ws.gates:
            listener.started(ws, gate)
            if cache is None:
                run = run_gate(layout, store, ws, gate, stamp)
            else:
                key = cache.key(ws, gate)
                reused = cache.reuse(store, ws, gate, key, stamp)
                if isinstance(reused, GateRun):
                    run = reused
                else:
                    ran = run_gate(layout, store, ws, gate, stamp, key, cache.environment)
                    run = replace(ran, note=reused)
            listener.finished(run)
            runs.append(run)
    return runs
