"""`tt-ws check --base REF` as a library: run the gates a change affects on the merge result of
the branch into REF, and hold them to the base's results.

A gate is affected when its input key (orchestrator.check.inputs) differs between the base and
the merge result, or it is new; unaffected gates are NOT_APPLICABLE. For an affected gate the
merge result is run (unless a passing record of that very tree exists and the cache is on) and
the base's record on the base tree is looked up in every evidence store the check can see: its
own scratch store, the repository's `status/evidence` and the base commit's. When the base has
none, the base is run too. Runs of a check go to its scratch store, keyed to their trees.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from orchestrator.check.flaky import flips
from orchestrator.check.inputs import GateInputs, tree_files
from orchestrator.check.ratchet import regressions
from orchestrator.check.worktrees import MergeResult, merge_result, worktree
from orchestrator.errors import RegistryError, TtWsError
from orchestrator.evidence import AdmitFn, EvidenceRecord, EvidenceStore
from orchestrator.layout import REGISTRY_DIR, Layout, ScratchLayout
from orchestrator.registry import GateSpec, Registry, Workstream, load_registry
from orchestrator.runner import run_gate
from orchestrator.tree import SourceTree, source_tree


class Verdict(str, Enum):
    PASS = "PASS"
    REGRESSED = "REGRESSED"  # falls behind the base's result of the same gate
    FAIL = "FAIL"  # a new gate that fails
    REMOVED = "REMOVED"  # passed on the base, gone from the merge result
    FAILS_ON_BASE = "FAILS ON BASE"  # fails on both sides without losing anything
    NOT_APPLICABLE = "NOT_APPLICABLE"  # inputs unchanged by the branch


BLOCKING = frozenset({Verdict.REGRESSED, Verdict.FAIL, Verdict.REMOVED})


@dataclass(frozen=True)
class Obtained:
    """A gate's result on one side, and how it was obtained."""

    record: EvidenceRecord
    how: str  # "evidence": recorded on this tree before; "cached": same inputs; "ran"
    passed: bool  # under the gate's conditions on that side
    log: Path | None = None  # the command's output, when it ran


@dataclass(frozen=True)
class GateCheck:
    workstream: str
    gate: str
    verdict: Verdict
    base: Obtained | None = None
    merge: Obtained | None = None
    problems: tuple[str, ...] = ()  # why it blocks, or why it fails on both sides

    @property
    def blocking(self) -> bool:
        return self.verdict in BLOCKING


@dataclass(frozen=True)
class CheckReport:
    base_ref: str
    commits: MergeResult
    base_tree: str
    merge_tree: str
    gates: tuple[GateCheck, ...]

    @property
    def passed(self) -> bool:
        return not any(g.blocking for g in self.gates)

    def count(self, *verdicts: Verdict) -> int:
        return sum(g.verdict in verdicts for g in self.gates)


@dataclass(frozen=True)
class _Side:
    name: str
    root: Path
    registry: Registry
    tree: SourceTree
    inputs: GateInputs

    @classmethod
    def open(cls, name: str, root: Path) -> _Side:
        registry = Registry((), ())  # a base from before the registry existed
        if (root / REGISTRY_DIR).is_dir():
            try:
                registry = load_registry(root / REGISTRY_DIR)
            except RegistryError as exc:
                raise TtWsError(f"on the {name} (checked out in {root}): {exc}") from None
        tree = source_tree(root)
        return cls(name, root, registry, tree, GateInputs(registry, tree_files(root, tree.hash)))

    def gate(self, workstream_id: str, name: str) -> tuple[Workstream, GateSpec] | None:
        ws = self.registry.by_id.get(workstream_id)
        found = [g for g in ws.gates if g.name == name] if ws else []
        return (ws, found[0]) if ws and found else None


# Told each time a gate's result is obtained: (side, workstream, gate, how).
Progress = Callable[[str, str, str, str], None]


class _Check:
    def __init__(
        self,
        scratch: Path,
        stores: Iterable[EvidenceStore],
        admit: AdmitFn | None,
        use_cache: bool,
        progress: Progress | None,
    ) -> None:
        self.scratch = scratch
        self.own = EvidenceStore(scratch / "evidence")
        self.stores = [self.own, *stores]
        self.admit = admit
        self.use_cache = use_cache
        self.progress = progress

    def _recorded(self, ws: Workstream, gate: GateSpec, tree: str) -> list[EvidenceRecord]:
        """The admitted records of the gate on `tree` in every store, newest first."""
        found = [
            record
            for store in self.stores
            for record in store.history(ws.id, gate.name)
            if record.tree == tree and (self.admit is None or self.admit(record))
        ]
        return sorted(found, key=lambda r: r.finished_at, reverse=True)

    def obtain(self, side: _Side, ws: Workstream, gate: GateSpec, evidence: bool) -> Obtained:
        """The gate's result on `side`: the newest record on its tree when `evidence`; else a
        passing, non-flaky record on its tree when caching; else a fresh run.

        Only records of the very same tree count: a pull request's merge result is exactly
        what must be tested, so no result is borrowed from another tree on the strength of the
        declared dependencies (`tt-ws run` does that, see orchestrator.check.cache).
        """
        recorded = self._recorded(ws, gate, side.tree.hash)
        log = None
        if evidence and recorded:
            record, how = recorded[0], "evidence"
        elif self.use_cache and recorded and not recorded[0].failures(gate) and not flips(recorded):
            record, how = recorded[0], "cached"
        else:
            layout = ScratchLayout(side.root, self.scratch / "runs" / side.name)
            run = run_gate(layout, self.own, ws, gate, inputs=side.inputs.key(ws, gate))
            record, how = run.record, "ran"
            log = run.run_dir / "output.log" if run.run_dir else None
        result = Obtained(record, how, not record.failures(gate), log)
        if self.progress:
            self.progress(side.name, ws.id, gate.name, result.how)
        return result

    def gate(self, base: _Side, merge: _Side, ws: Workstream, gate: GateSpec) -> GateCheck:
        on_base = base.gate(ws.id, gate.name)
        if on_base and base.inputs.key(*on_base) == merge.inputs.key(ws, gate):
            return GateCheck(ws.id, gate.name, Verdict.NOT_APPLICABLE)
        after = self.obtain(merge, ws, gate, evidence=False)
        failures = tuple(after.record.failures(gate))
        if on_base is None:
            verdict = Verdict.FAIL if failures else Verdict.PASS
            return GateCheck(ws.id, gate.name, verdict, None, after, failures)
        before = self.obtain(base, *on_base, evidence=True)
        lost = regressions(on_base[1], before.record, gate, after.record)
        if lost:
            return GateCheck(ws.id, gate.name, Verdict.REGRESSED, before, after, tuple(lost))
        verdict = Verdict.FAILS_ON_BASE if failures else Verdict.PASS
        return GateCheck(ws.id, gate.name, verdict, before, after, failures)

    def removed(self, base: _Side, ws: Workstream, gate: GateSpec) -> GateCheck:
        before = self.obtain(base, ws, gate, evidence=True)
        if before.record.failures(gate):
            return GateCheck(ws.id, gate.name, Verdict.NOT_APPLICABLE, before, None)
        problem = "passed on the base; the merge result no longer has this gate"
        return GateCheck(ws.id, gate.name, Verdict.REMOVED, before, None, (problem,))


def run_check(
    root: Path,
    base_ref: str,
    scratch: Path,
    use_cache: bool = True,
    admit: AdmitFn | None = None,
    progress: Progress | None = None,
) -> CheckReport:
    """Check HEAD of the repository at `root` against `base_ref` (see the module docstring)."""
    commits = merge_result(root, base_ref)
    with (
        worktree(root, commits.base, "base") as base_root,
        worktree(root, commits.merge, "merge") as merge_root,
    ):
        base, merge = _Side.open("base", base_root), _Side.open("merge", merge_root)
        stores = [EvidenceStore(Layout(r).evidence) for r in (root, base_root, merge_root)]
        check = _Check(scratch, stores, admit, use_cache, progress)
        results = [
            check.gate(base, merge, ws, gate)
            for ws in merge.registry.in_dependency_order(merge.registry.workstreams)
            for gate in ws.gates
        ]
        results += [
            check.removed(base, ws, gate)
            for ws in base.registry.in_dependency_order(base.registry.workstreams)
            for gate in ws.gates
            if merge.gate(ws.id, gate.name) is None
        ]
    return CheckReport(base_ref, commits, base.tree.hash, merge.tree.hash, tuple(results))
