"""`tt-ws check --base REF` as a library: run the gates a change affects on the merge result of
the branch into REF, and hold them to the base's results.

A gate is affected when its input key (orchestrator.check.inputs) differs between the base and
the merge result, when the branch changes its evidence (`status/evidence/<ws>/<gate>/`), or it
is new; unaffected gates are NOT_APPLICABLE.

Evidence the branch brings is a claim, never a result: the merge result is run by the check
itself (or reused from the check's own earlier run of that very tree, with the cache on), and
the base's result comes from the base commit's own evidence or the check's own runs, else the
base is run too. Files the branch adds are never read as results of either side. A record the
branch adds that says the gate passes on the merge result is held to the check's run there
(the ratchet of `tt-ws verify`): when the run does not reproduce it the gate is CONTRADICTED.
A gate whose definition the branch loosens (orchestrator.check.loosened) is LOOSENED unless
the check is told to allow it. Runs of a check go to its scratch store, keyed to their trees.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from orchestrator.check.flaky import flips
from orchestrator.check.inputs import GateInputs, tree_files
from orchestrator.check.loosened import GateChange, gate_change
from orchestrator.check.ratchet import regressions
from orchestrator.check.sandbox import scrubbed_env
from orchestrator.check.worktrees import MergeResult, changed_paths, merge_result, worktree
from orchestrator.errors import RegistryError, TtWsError
from orchestrator.evidence import AdmitFn, EvidenceRecord, EvidenceStore
from orchestrator.layout import REGISTRY_DIR, RUNS_ROOT, Layout, ScratchLayout
from orchestrator.registry import GateSpec, Registry, Workstream, load_registry
from orchestrator.runner import run_gate
from orchestrator.tree import SourceTree, source_tree
from orchestrator.verify import unreproduced


class Verdict(str, Enum):
    PASS = "PASS"
    REGRESSED = "REGRESSED"  # falls behind the base's result of the same gate
    FAIL = "FAIL"  # a new gate that fails
    REMOVED = "REMOVED"  # passed on the base, gone from the merge result
    CONTRADICTED = "CONTRADICTED"  # the branch's evidence says PASS, the run does not bear it out
    LOOSENED = "LOOSENED"  # the branch loosens the gate's definition (not allowed)
    FAILS_ON_BASE = "FAILS ON BASE"  # fails on both sides without losing anything
    NOT_APPLICABLE = "NOT_APPLICABLE"  # inputs and evidence unchanged by the branch


BLOCKING = frozenset(
    {Verdict.REGRESSED, Verdict.FAIL, Verdict.REMOVED, Verdict.CONTRADICTED, Verdict.LOOSENED}
)


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
    changes: tuple[str, ...] = ()  # how the branch changes the gate's definition

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


_EVIDENCE = Layout(Path()).evidence.as_posix()  # status/evidence, from the root

# Told each time a gate's result is obtained: (side, workstream, gate, how).
Progress = Callable[[str, str, str, str], None]


@dataclass(frozen=True)
class _BranchEvidence:
    """The evidence files the branch adds, changes or deletes, in the merge result's store."""

    store: EvidenceStore
    changed: frozenset[Path]

    def changes(self, ws: Workstream, gate: GateSpec) -> bool:
        directory = self.store.gate_dir(ws.id, gate.name)
        return any(path.parent == directory for path in self.changed)

    def claims(self, ws: Workstream, gate: GateSpec, tree: str) -> list[tuple[str, EvidenceRecord]]:
        """The records it brings that say the gate passes on `tree` (paths from the root)."""
        root = self.store.directory.parent.parent
        return [
            (path.relative_to(root).as_posix(), record)
            for path, record in self.store.entries(ws.id, gate.name)
            if path in self.changed and record.tree == tree and not record.failures(gate)
        ]


class _Check:
    def __init__(
        self,
        scratch: Path,
        base_store: EvidenceStore,
        admit: AdmitFn | None,
        use_cache: bool,
        progress: Progress | None,
        allow_loosened: bool,
    ) -> None:
        self.scratch = scratch
        self.own = EvidenceStore(scratch / "evidence")
        # Where each side's results may come from: the check's own runs, and for the base its
        # commit's own evidence. Never the branch's files (the repository's working tree is the
        # branch, and so is the merge result's evidence).
        self.stores = {"base": [self.own, base_store], "merge": [self.own]}
        self.admit = admit
        self.use_cache = use_cache
        self.progress = progress
        self.allow_loosened = allow_loosened

    def _recorded(
        self, side: str, ws: Workstream, gate: GateSpec, tree: str
    ) -> list[EvidenceRecord]:
        """The admitted records of the gate on `tree` in the side's stores, newest first."""
        found = [
            record
            for store in self.stores[side]
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
        recorded = self._recorded(side.name, ws, gate, side.tree.hash)
        log = None
        if evidence and recorded:
            record, how = recorded[0], "evidence"
        elif self.use_cache and recorded and not recorded[0].failures(gate) and not flips(recorded):
            record, how = recorded[0], "cached"
        else:
            layout = ScratchLayout(side.root, self.scratch / "runs" / side.name)
            key = side.inputs.key(ws, gate)
            run = run_gate(layout, self.own, ws, gate, inputs=key, command_env=scrubbed_env())
            record, how = run.record, "ran"
            log = run.run_dir / "output.log" if run.run_dir else None
        result = Obtained(record, how, not record.failures(gate), log)
        if self.progress:
            self.progress(side.name, ws.id, gate.name, result.how)
        return result

    def gate(
        self,
        base: _Side,
        merge: _Side,
        ws: Workstream,
        gate: GateSpec,
        branch: _BranchEvidence,
    ) -> GateCheck:
        on_base = base.gate(ws.id, gate.name)
        same_inputs = on_base and base.inputs.key(*on_base) == merge.inputs.key(ws, gate)
        if same_inputs and not branch.changes(ws, gate):
            return GateCheck(ws.id, gate.name, Verdict.NOT_APPLICABLE)
        after = self.obtain(merge, ws, gate, evidence=False)
        failures = tuple(after.record.failures(gate))
        contradicted = tuple(
            f"{path}: {problem}"
            for path, record in branch.claims(ws, gate, merge.tree.hash)
            for problem in unreproduced(gate, record, after.record)
        )
        if on_base is None:
            verdict = (
                Verdict.CONTRADICTED if contradicted else Verdict.FAIL if failures else Verdict.PASS
            )
            return GateCheck(ws.id, gate.name, verdict, None, after, contradicted + failures)
        change = gate_change(on_base[1], gate)
        loosened = tuple(f"gate loosened: {c}" for c in change.loosened) if change else ()
        before = self.obtain(base, *on_base, evidence=True)
        lost = tuple(regressions(on_base[1], before.record, gate, after.record))
        if lost:
            verdict = Verdict.REGRESSED
        elif contradicted:
            verdict = Verdict.CONTRADICTED
        elif loosened and not self.allow_loosened:
            verdict = Verdict.LOOSENED
        else:
            verdict = Verdict.FAILS_ON_BASE if failures else Verdict.PASS
        problems = lost + contradicted + loosened + (() if lost else failures)
        return GateCheck(ws.id, gate.name, verdict, before, after, problems, _described(change))

    def removed(self, base: _Side, ws: Workstream, gate: GateSpec) -> GateCheck:
        before = self.obtain(base, ws, gate, evidence=True)
        change = ("gate loosened: removed",)
        if not before.record.failures(gate):
            problem = "passed on the base; the merge result no longer has this gate"
            return GateCheck(ws.id, gate.name, Verdict.REMOVED, before, None, (problem,), change)
        # Deleting a failing gate makes its workstream easier to finish: a reviewed change.
        verdict = Verdict.NOT_APPLICABLE if self.allow_loosened else Verdict.LOOSENED
        return GateCheck(ws.id, gate.name, verdict, before, None, change, change)


def _described(change: GateChange | None) -> tuple[str, ...]:
    return change.described if change else ()


def run_check(
    root: Path,
    base_ref: str,
    scratch: Path,
    use_cache: bool = True,
    admit: AdmitFn | None = None,
    progress: Progress | None = None,
    allow_loosened: bool = False,
) -> CheckReport:
    """Check HEAD of the repository at `root` against `base_ref` (see the module docstring)."""
    commits = merge_result(root, base_ref)
    if changed_paths(root, commits.base, commits.head, RUNS_ROOT):
        # The check's own runs are kept under RUNS_ROOT of this checkout: the branch may not
        # bring files there that would read as the check's results.
        raise TtWsError(
            f"the branch commits files under {RUNS_ROOT}/ (tt-ws's local run scratch, never "
            f"evidence): remove them from git (`git rm -r --cached {RUNS_ROOT}`)"
        )
    evidence = changed_paths(root, commits.base, commits.merge, _EVIDENCE)
    with (
        worktree(root, commits.base, "base") as base_root,
        worktree(root, commits.merge, "merge") as merge_root,
    ):
        base, merge = _Side.open("base", base_root), _Side.open("merge", merge_root)
        branch = _BranchEvidence(
            EvidenceStore(Layout(merge_root).evidence), frozenset(merge_root / p for p in evidence)
        )
        check = _Check(
            scratch,
            EvidenceStore(Layout(base_root).evidence),
            admit,
            use_cache,
            progress,
            allow_loosened,
        )
        results = [
            check.gate(base, merge, ws, gate, branch)
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
