"""The board the claim commands work from: registry, status on the current tree and claims, joined.

`tt-ws next` takes the ready workstreams in hand-out order and lets the claim store pick the first
one that is unclaimed and whose owned paths overlap no live claim, inside its compare-and-swap.
Status counts only evidence admitted by the claims' fencing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

from orchestrator.claims.fencing import Admission
from orchestrator.claims.paths import first_overlap
from orchestrator.claims.readiness import Plan, WorkItem, plan
from orchestrator.claims.record import ClaimRecord
from orchestrator.claims.store import ClaimStore, Holder
from orchestrator.claims.worktree import create_worktree, worktree_names
from orchestrator.dispatch.blocked import BlockedList
from orchestrator.layout import Layout
from orchestrator.lint import load_checked_registry
from orchestrator.registry import Registry, id_key
from orchestrator.status import StatusReport, WorkstreamState, current_status


@dataclass(frozen=True)
class Board:
    layout: Layout
    registry: Registry
    report: StatusReport
    store: ClaimStore
    # Workstreams with a blocked record (the dispatcher gave up on them): never handed out.
    held: frozenset[str] = frozenset()

    @classmethod
    def load(cls, start: Path | None = None) -> Board:
        layout = Layout.find(start)
        registry = load_checked_registry(layout.registry)
        store = ClaimStore.open(layout.root)
        report = current_status(layout, registry, admit=Admission.of(store))
        held = frozenset(BlockedList(store.refs).active())
        return cls(layout, registry, report, store, held)

    def plan(self) -> Plan:
        full = plan(
            (
                WorkItem(
                    ws.id,
                    ws.depends_on,
                    self.report.workstreams[ws.id].state is WorkstreamState.DONE,
                    ws.spec.priority,
                )
                for ws in self.registry.sorted()
            ),
            id_key=id_key,
        )
        return replace(full, ready=tuple(r for r in full.ready if r.id not in self.held))

    def conflict(self, workstream: str, live: Mapping[str, ClaimRecord]) -> str | None:
        """Why `workstream` must wait: a live claim on a workstream owning overlapping paths."""
        mine = self.registry.get(workstream).spec.owns
        for other, claim in sorted(live.items()):
            if other == workstream or other not in self.registry.by_id:
                continue
            pair = first_overlap(mine, self.registry.by_id[other].spec.owns)
            if pair:
                return (
                    f"owned paths overlap {other} (claimed by {claim.holder}): "
                    f"{pair[0]} ~ {pair[1]}"
                )
        return None

    def preview(self) -> tuple[str | None, dict[str, str]]:
        """What `next` would hand out now, without claiming; and why the ones before it not.
        Raises when a stale lock would make the claim fail."""
        self.store.refs.check_locks()
        candidates = [r.id for r in self.plan().ready]
        return self.store.choose(
            self.store.snapshot(), candidates, self.store.clock(), self.conflict
        )

    def take(
        self,
        candidates: list[str],
        holder: Holder,
        lease: timedelta,
        worktree: bool = False,
        worktree_base: Path | None = None,
    ) -> ClaimRecord:
        """Claim the first free, conflict-free candidate; with `worktree`, also create its git
        worktree and branch (the claim is released again if that fails)."""
        for ws in candidates:
            self.registry.get(ws)

        def workspace(ws: str, token: int) -> tuple[str, str]:
            path, branch = worktree_names(self.layout.root, ws, token, worktree_base)
            return str(path), branch

        record = self.store.acquire(
            candidates, holder, lease, self.conflict, workspace if worktree else None
        )
        if record.worktree and record.branch:
            try:
                create_worktree(self.layout.root, Path(record.worktree), record.branch)
            except Exception:
                self.store.release(record.workstream, holder)
                raise
        return record
