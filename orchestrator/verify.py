"""`tt-ws verify` as a library: evidence is a claim until it is reproduced.

Every admitted record on the current source tree that says PASS (under the gate as registered
now) is a claim about this tree. Each such gate is run again, once, here, and every claiming
record is held to that run with the pull-request check's ratchet (orchestrator.check.ratchet):
the gate must pass, no test the record says passed may fail or be missing, and the counts may
not be lower than the record says. A fabricated record (real input key, invented metrics) is
caught because its gate does not pass when it is run, or runs fewer tests than it claims.

The runs go to a scratch store (`.tt-ws/verify/`), not to `status/evidence`: verifying reads
what is committed and changes nothing of it, so `tt-ws status --check` holds before and after.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from orchestrator.check.inputs import GateInputs, tree_files
from orchestrator.check.ratchet import regressions
from orchestrator.evidence import AdmitFn, EvidenceRecord, EvidenceStore
from orchestrator.layout import RUNS_ROOT, Layout, ScratchLayout
from orchestrator.registry import GateSpec, Registry, Workstream
from orchestrator.runner import GateRun, run_gate
from orchestrator.tree import source_tree

SCRATCH = "verify"  # under RUNS_ROOT
_SIDES = ("the record", "this run")  # how the ratchet's messages name the two


@dataclass(frozen=True)
class Claimed:
    """A committed record that says its gate passed on the current tree."""

    path: Path
    record: EvidenceRecord


@dataclass(frozen=True)
class Verification:
    """One gate: the records that claim it passes, and whether its run here bears them out."""

    workstream: str
    gate: str
    claims: tuple[Claimed, ...]
    run: GateRun
    # Per claiming record (by its path), why the run here does not reproduce it.
    problems: tuple[tuple[Path, tuple[str, ...]], ...]

    @property
    def reproduced(self) -> bool:
        return not any(found for _, found in self.problems)


@dataclass(frozen=True)
class VerifyReport:
    tree: str
    dirty: bool
    results: tuple[Verification, ...]

    @property
    def passed(self) -> bool:
        return all(v.reproduced for v in self.results)


# Told before a gate is run again: (workstream, gate, how many records claim it passes).
Starting = Callable[[Workstream, GateSpec, int], None]
# Told after: the verification.
Finished = Callable[[Verification], None]


def unreproduced(gate: GateSpec, claim: EvidenceRecord, run: EvidenceRecord) -> list[str]:
    """Why `run` of `gate` does not bear out `claim`, a record saying it passed (empty: it does)."""
    return regressions(gate, claim, gate, run, _SIDES)


def passing_claims(
    store: EvidenceStore, ws: Workstream, gate: GateSpec, tree: str, admit: AdmitFn | None
) -> list[Claimed]:
    """The admitted records of the gate on `tree` that say it passes, newest first."""
    return [
        Claimed(path, record)
        for path, record in store.entries(ws.id, gate.name)
        if record.tree == tree and (admit is None or admit(record)) and not record.failures(gate)
    ]


def verify(
    layout: Layout,
    registry: Registry,
    workstreams: Iterable[Workstream],
    admit: AdmitFn | None = None,
    starting: Starting | None = None,
    finished: Finished | None = None,
) -> VerifyReport:
    """Run again every gate of `workstreams` that committed evidence says passes on the current
    tree, and hold each claiming record to the run (see the module docstring)."""
    tree = source_tree(layout.root)
    store = EvidenceStore(layout.evidence)
    scratch = layout.root / RUNS_ROOT / SCRATCH
    own = EvidenceStore(scratch / "evidence")
    runs_layout = ScratchLayout(layout.root, scratch / "runs")
    inputs = GateInputs(registry, tree_files(layout.root, tree.hash))
    results = []
    for ws in workstreams:
        for gate in ws.gates:
            claims = passing_claims(store, ws, gate, tree.hash, admit)
            if not claims:
                continue
            if starting:
                starting(ws, gate, len(claims))
            run = run_gate(runs_layout, own, ws, gate, inputs=inputs.key(ws, gate))
            problems = tuple(
                (c.path, tuple(regressions(gate, c.record, gate, run.record, _SIDES)))
                for c in claims
            )
            result = Verification(ws.id, gate.name, tuple(claims), run, problems)
            if finished:
                finished(result)
            results.append(result)
    return VerifyReport(tree.hash, tree.dirty, tuple(results))
