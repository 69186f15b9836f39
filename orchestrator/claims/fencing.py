"""Fencing of evidence: a gate run under a claim counts only if its lease was live.

Two checkpoints, both keyed by the claim's fencing token:
- when a run starts and again before its record is written, `stamp_for_run` refuses a runner
  whose lease expired or whose workstream is claimed by someone else (the late writer is refused);
- when status is computed, `Admission` drops any record whose claim was no longer live when the
  run finished (e.g. written by an old tool, or merged from a stale branch): marked, never counted.
  It judges by the claim's history in the claim refs (renewals, release). Where those refs are not
  available (a clone that never fetched `refs/tt-ws/*`), a record is judged by the lease end
  written into it (`claim_expiry`) and refused when it has none. For records written by a fenced
  runner both judgments agree, so status does not depend on which clone computes it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

from orchestrator.claims.errors import ClaimRefused, LeaseExpired
from orchestrator.claims.record import ClaimRecord
from orchestrator.claims.store import ClaimStore, Holder, Snapshot, authenticate, claim_ref


class ClaimedEvidence(Protocol):
    """What fencing reads from an evidence record (orchestrator.evidence.EvidenceRecord)."""

    @property
    def workstream(self) -> str: ...
    @property
    def finished_at(self) -> datetime: ...
    @property
    def claim_holder(self) -> str | None: ...
    @property
    def fencing_token(self) -> int | None: ...


@dataclass(frozen=True)
class Stamp:
    """The claim a run happens under: copied into its evidence record."""

    holder: str
    token: int
    expiry: datetime  # the lease end as known when the run was stamped


def stamp_for_run(snap: Snapshot, workstream: str, holder: Holder, now: datetime) -> Stamp | None:
    """The stamp for `holder` running `workstream`'s gates now; None when nobody claims it.

    Raises LeaseExpired when the holder's own last claim has run out, ClaimRefused when another
    agent holds a live claim on it or the runner lacks the claim's secret.
    """
    cur = snap.records.get(workstream)
    if cur is None or (cur.holder != holder.name and not cur.is_live(now)):
        return None
    if cur.holder != holder.name:
        raise ClaimRefused(
            f"{workstream} is claimed by {cur.holder} (token {cur.token}) until "
            f"{cur.expiry:%Y-%m-%d %H:%M:%S} UTC: its evidence is theirs to record"
        )
    if not cur.is_live(now):
        ended = "was released" if cur.released else "expired"
        raise LeaseExpired(
            f"{workstream}: your claim (token {cur.token}) {ended} at "
            f"{cur.lease_end():%Y-%m-%d %H:%M:%S} UTC, so this run would not count; "
            f"claim it again with `tt-ws claim {workstream}`"
        )
    authenticate(cur, holder)
    return Stamp(cur.holder, cur.token, cur.expiry)


@dataclass
class Admission:
    """Judges evidence records against the claim history of one store snapshot."""

    store: ClaimStore
    snap: Snapshot
    _claims: dict[tuple[str, int], ClaimRecord | None] = field(default_factory=dict)

    @classmethod
    def of(cls, store: ClaimStore) -> Admission:
        return cls(store, store.snapshot())

    def __call__(self, record: ClaimedEvidence) -> bool:
        return self.reason(record) is None

    def reason(self, record: ClaimedEvidence) -> str | None:
        """Why `record` must not count, or None when it may."""
        if record.fencing_token is None:
            return None
        claim = self._claim(record.workstream, record.fencing_token)
        if claim is None:
            # Optional field: evidence records may carry the lease end they were written under.
            written: datetime | None = getattr(record, "claim_expiry", None)
            if written is None:
                return (
                    f"recorded under claim token {record.fencing_token}, which this clone's "
                    "claim refs do not know (fetch refs/tt-ws/* from the shared remote)"
                )
            return _late(record, record.claim_holder, record.fencing_token, written)
        if claim.holder != record.claim_holder:
            return f"claim token {claim.token} belongs to {claim.holder}, not {record.claim_holder}"
        return _late(record, claim.holder, claim.token, claim.lease_end())

    def _claim(self, workstream: str, token: int) -> ClaimRecord | None:
        """The final state (last renewal or release) of the claim with `token`."""
        key = (workstream, token)
        if key not in self._claims:
            self._claims[key] = self._find(workstream, token)
        return self._claims[key]

    def _find(self, workstream: str, token: int) -> ClaimRecord | None:
        last = self.snap.records.get(workstream)
        if last is None or last.token < token:
            return None
        if last.token == token:
            return last
        ref = claim_ref(workstream)
        for message in self.store.refs.history(self.snap.oids[workstream]):
            earlier = ClaimRecord.from_message(ref, message)
            if earlier.token <= token:
                return earlier if earlier.token == token else None
        return None


def _late(record: ClaimedEvidence, holder: str | None, token: int, end: datetime) -> str | None:
    if record.finished_at <= end:
        return None
    return (
        f"finished at {record.finished_at:%Y-%m-%d %H:%M:%S} UTC, after the lease of "
        f"{holder} (token {token}) ended at {end:%Y-%m-%d %H:%M:%S} UTC"
    )


def admission_for(root: Path) -> Admission:
    """The `admit` function status should use: `current_status(layout, registry, admit=...)`."""
    return Admission.of(ClaimStore.open(root))


def stamps_for_run(
    root: Path, workstreams: Iterable[str], agent: str | None = None
) -> dict[str, Stamp | None]:
    """The stamp of each workstream about to be run by `agent` (default: $TT_WS_AGENT), who
    proves to hold its claims with $TT_WS_CLAIM_SECRET.

    Raises before anything runs when one of them is held by another agent or the runner's own
    lease on it has expired, so `tt-ws run` refuses instead of recording uncountable evidence.
    """
    store = ClaimStore.open(root)
    snap = store.snapshot()
    runner = Holder.current(agent)
    now = store.clock()
    return {ws: stamp_for_run(snap, ws, runner, now) for ws in workstreams}
