"""Fencing: runs under an expired or foreign claim are refused, and their evidence never counts."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from claims_helpers import ALICE, BOB, MINUTE, FakeClock

from orchestrator.claims.errors import ClaimRefused, LeaseExpired
from orchestrator.claims.fencing import Admission, Stamp, stamp_for_run
from orchestrator.claims.store import ClaimStore
from orchestrator.evidence import EvidenceRecord, EvidenceStore


def passing_record(
    finished: datetime, claim: tuple[str, int] | None, ws: str = "a"
) -> EvidenceRecord:
    return EvidenceRecord(
        workstream=ws,
        gate="tests",
        kind="tests",
        command="pytest",
        exit_code=0,
        metrics={"passed": 10, "failed": 0},
        tree="t" * 40,
        dirty=False,
        started_at=finished - timedelta(seconds=5),
        finished_at=finished,
        claim_holder=claim[0] if claim else None,
        fencing_token=claim[1] if claim else None,
    )


def test_a_run_on_an_unclaimed_workstream_carries_no_stamp(
    store: ClaimStore, clock: FakeClock
) -> None:
    assert stamp_for_run(store.snapshot(), "a", ALICE, clock.now) is None


def test_a_run_under_the_runners_live_claim_is_stamped_with_its_token(
    store: ClaimStore, clock: FakeClock
) -> None:
    store.acquire(["b"], BOB, lease=MINUTE)
    store.acquire(["a"], ALICE, lease=MINUTE)
    assert stamp_for_run(store.snapshot(), "a", ALICE, clock.now) == Stamp(
        "alice", 2, clock.now + MINUTE
    )


def test_a_run_on_a_workstream_someone_else_holds_is_refused(
    store: ClaimStore, clock: FakeClock
) -> None:
    store.acquire(["a"], ALICE, lease=MINUTE)
    with pytest.raises(ClaimRefused, match=r"a is claimed by alice \(token 1\).*theirs to record"):
        stamp_for_run(store.snapshot(), "a", BOB, clock.now)


def test_a_run_naming_the_holder_without_its_secret_is_refused(
    store: ClaimStore, clock: FakeClock
) -> None:
    store.acquire(["a"], ALICE, lease=MINUTE)
    for impostor in (replace(ALICE, secret=None), replace(ALICE, secret=BOB.secret)):
        with pytest.raises(ClaimRefused, match=r"a is claimed by alice \(token 1\): "):
            stamp_for_run(store.snapshot(), "a", impostor, clock.now)


def test_a_late_run_after_the_runners_lease_expired_is_refused(
    store: ClaimStore, clock: FakeClock
) -> None:
    store.acquire(["a"], ALICE, lease=MINUTE)
    clock.advance(61)
    with pytest.raises(LeaseExpired, match=r"your claim \(token 1\) expired.*tt-ws claim a"):
        stamp_for_run(store.snapshot(), "a", ALICE, clock.now)


def test_evidence_without_a_claim_is_admitted(store: ClaimStore, clock: FakeClock) -> None:
    assert Admission.of(store)(passing_record(clock.now, None))


def test_evidence_finished_within_the_lease_is_admitted(
    store: ClaimStore, clock: FakeClock
) -> None:
    store.acquire(["a"], ALICE, lease=MINUTE)
    assert Admission.of(store)(passing_record(clock.now + timedelta(seconds=59), ("alice", 1)))


def test_a_renewal_extends_what_counts_as_within_the_lease(
    store: ClaimStore, clock: FakeClock
) -> None:
    store.acquire(["a"], ALICE, lease=MINUTE)
    clock.advance(50)
    store.renew("a", ALICE, lease=MINUTE)
    assert Admission.of(store)(passing_record(clock.now + timedelta(seconds=59), ("alice", 1)))


def test_evidence_finished_after_the_lease_expired_is_refused(
    store: ClaimStore, clock: FakeClock
) -> None:
    store.acquire(["a"], ALICE, lease=MINUTE)
    late = passing_record(clock.now + timedelta(seconds=61), ("alice", 1))
    assert Admission.of(store).reason(late) == (
        "finished at 2026-01-01 12:01:01 UTC, after the lease of alice (token 1) "
        "ended at 2026-01-01 12:01:00 UTC"
    )


def test_evidence_finished_after_release_is_refused(store: ClaimStore, clock: FakeClock) -> None:
    store.acquire(["a"], ALICE, lease=MINUTE)
    clock.advance(10)
    store.release("a", ALICE)
    assert not Admission.of(store)(passing_record(clock.now + timedelta(seconds=1), ("alice", 1)))


def test_a_superseded_claim_is_judged_by_its_own_lease_from_the_history(
    store: ClaimStore, clock: FakeClock
) -> None:
    store.acquire(["a"], ALICE, lease=MINUTE)
    start = clock.now
    clock.advance(30)
    store.renew("a", ALICE, lease=MINUTE)  # alice's lease now ends at start + 90 s
    clock.advance(120)
    store.acquire(["a"], BOB, lease=MINUTE)  # token 2
    admit = Admission.of(store)
    assert admit(passing_record(start + timedelta(seconds=89), ("alice", 1)))
    assert not admit(passing_record(start + timedelta(seconds=91), ("alice", 1)))
    assert admit(passing_record(clock.now, ("bob", 2)))


@dataclass(frozen=True)
class SelfDatedEvidence:
    """A record that also carries the lease end it was written under (`claim_expiry`)."""

    workstream: str
    finished_at: datetime
    claim_holder: str
    fencing_token: int
    claim_expiry: datetime


def test_without_the_claim_history_a_record_is_judged_by_its_own_lease_end(
    store: ClaimStore, clock: FakeClock
) -> None:
    admit = Admission.of(store)  # a clone whose claim refs know no claim at all
    end = clock.now + MINUTE
    assert admit(SelfDatedEvidence("a", end, "alice", 3, claim_expiry=end))
    assert admit.reason(SelfDatedEvidence("a", end, "alice", 3, claim_expiry=clock.now)) == (
        "finished at 2026-01-01 12:01:00 UTC, after the lease of alice (token 3) "
        "ended at 2026-01-01 12:00:00 UTC"
    )


def test_evidence_naming_the_wrong_holder_or_an_unknown_token_is_refused(
    store: ClaimStore, clock: FakeClock
) -> None:
    store.acquire(["a"], ALICE, lease=MINUTE)
    admit = Admission.of(store)
    assert admit.reason(passing_record(clock.now, ("bob", 1))) == (
        "claim token 1 belongs to alice, not bob"
    )
    assert "do not know" in (admit.reason(passing_record(clock.now, ("alice", 7))) or "")


def test_evidence_from_an_expired_lease_does_not_turn_a_gate_green(
    store: ClaimStore, clock: FakeClock, tmp_path: Path
) -> None:
    evidence = EvidenceStore(tmp_path / "evidence")
    store.acquire(["a"], ALICE, lease=MINUTE)
    evidence.append(passing_record(clock.now + timedelta(minutes=5), ("alice", 1)))
    assert evidence.latest("a", "tests", "t" * 40) != (None, None)
    assert evidence.latest("a", "tests", "t" * 40, admit=Admission.of(store)) == (None, None)
