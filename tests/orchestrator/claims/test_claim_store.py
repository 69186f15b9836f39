"""The claim store: atomic claims on git refs, leases, tombstones, fencing tokens."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from claims_helpers import ALICE, BOB, MINUTE, FakeClock, git

from orchestrator.claims import refs
from orchestrator.claims.errors import (
    ClaimContention,
    ClaimRefused,
    ClaimStoreError,
    LeaseExpired,
)
from orchestrator.claims.record import ClaimRecord
from orchestrator.claims.refs import LocalRefs, RefUpdate
from orchestrator.claims.store import ClaimStore


def test_a_claim_records_holder_host_pid_start_expiry_and_the_first_token(
    store: ClaimStore, clock: FakeClock
) -> None:
    rec = store.acquire(["1.1"], ALICE, lease=MINUTE)
    assert (rec.workstream, rec.holder, rec.host, rec.pid, rec.token) == (
        "1.1",
        "alice",
        "host-a",
        101,
        1,
    )
    assert (rec.start, rec.expiry) == (clock.now, clock.now + MINUTE)
    assert store.snapshot().records["1.1"] == rec


def test_a_live_claim_is_refused_to_another_holder_naming_the_holder(store: ClaimStore) -> None:
    store.acquire(["1.1"], ALICE, lease=MINUTE)
    with pytest.raises(ClaimRefused, match=r"1\.1: claimed by alice \(token 1\)"):
        store.acquire(["1.1"], BOB, lease=MINUTE)


def test_acquire_takes_the_first_free_candidate_in_order(store: ClaimStore) -> None:
    store.acquire(["a"], ALICE, lease=MINUTE)
    assert store.acquire(["a", "b", "c"], BOB, lease=MINUTE).workstream == "b"


def test_a_conflict_check_keeps_a_candidate_out_and_its_reason_is_reported(
    store: ClaimStore,
) -> None:
    store.acquire(["a"], ALICE, lease=MINUTE)

    def overlaps_a(ws: str, live: Mapping[str, ClaimRecord]) -> str | None:
        return "owned paths overlap a" if ws == "b" and "a" in live else None

    with pytest.raises(ClaimRefused, match="b: owned paths overlap a"):
        store.acquire(["b"], BOB, lease=MINUTE, conflict=overlaps_a)
    assert store.acquire(["b", "c"], BOB, lease=MINUTE, conflict=overlaps_a).workstream == "c"


def test_release_leaves_a_tombstone_and_frees_the_workstream(
    store: ClaimStore, clock: FakeClock
) -> None:
    store.acquire(["a"], ALICE, lease=MINUTE)
    clock.advance(5)
    tomb = store.release("a", ALICE)
    assert tomb.released == clock.now
    assert store.snapshot().records["a"].released == clock.now
    assert store.snapshot().live(clock.now) == {}
    assert store.acquire(["a"], BOB, lease=MINUTE).holder == "bob"


def test_fencing_tokens_strictly_increase_across_claims_releases_and_reclaims(
    store: ClaimStore, clock: FakeClock
) -> None:
    tokens = [store.acquire(["a"], ALICE, lease=MINUTE).token]
    store.release("a", ALICE)
    tokens.append(store.acquire(["a"], BOB, lease=MINUTE).token)
    tokens.append(store.acquire(["b"], ALICE, lease=MINUTE).token)
    clock.advance(61)
    tokens.append(store.acquire(["a"], ALICE, lease=MINUTE).token)
    assert tokens == [1, 2, 3, 4]
    assert store.snapshot().fence == 4


def test_an_expired_lease_is_reclaimed_by_another_agent(
    store: ClaimStore, clock: FakeClock
) -> None:
    first = store.acquire(["a"], ALICE, lease=MINUTE)
    clock.advance(59)
    with pytest.raises(ClaimRefused):
        store.acquire(["a"], BOB, lease=MINUTE)
    clock.advance(2)
    second = store.acquire(["a"], BOB, lease=MINUTE)
    assert second.holder == "bob" and second.token > first.token


def test_renew_extends_the_lease_from_now(store: ClaimStore, clock: FakeClock) -> None:
    store.acquire(["a"], ALICE, lease=MINUTE)
    clock.advance(50)
    renewed = store.renew("a", ALICE, lease=MINUTE)
    assert renewed.expiry == clock.now + MINUTE and renewed.token == 1
    clock.advance(50)
    with pytest.raises(ClaimRefused):
        store.acquire(["a"], BOB, lease=MINUTE)


def test_an_expired_lease_cannot_be_renewed_only_claimed_again(
    store: ClaimStore, clock: FakeClock
) -> None:
    store.acquire(["a"], ALICE, lease=MINUTE)
    clock.advance(61)
    with pytest.raises(LeaseExpired, match=r"a: your lease \(token 1\) expired .*tt-ws claim a"):
        store.renew("a", ALICE, lease=MINUTE)


def test_renew_all_renews_only_the_holders_live_claims(store: ClaimStore, clock: FakeClock) -> None:
    store.acquire(["a"], ALICE, lease=MINUTE)
    store.acquire(["b"], BOB, lease=MINUTE)
    store.acquire(["c"], ALICE, lease=MINUTE)
    clock.advance(30)
    assert [r.workstream for r in store.renew_all(ALICE, lease=MINUTE)] == ["a", "c"]
    assert store.snapshot().records["b"].expiry == clock.now + timedelta(seconds=30)


def test_another_holder_can_neither_renew_nor_release_a_claim(store: ClaimStore) -> None:
    store.acquire(["a"], ALICE, lease=MINUTE)
    with pytest.raises(ClaimRefused, match=r"a is claimed by alice .*not by bob"):
        store.renew("a", BOB)
    with pytest.raises(ClaimRefused, match=r"a is claimed by alice .*not by bob"):
        store.release("a", BOB)


def test_releasing_an_unclaimed_workstream_is_refused(store: ClaimStore) -> None:
    with pytest.raises(ClaimRefused, match="a is not claimed"):
        store.release("a", ALICE)


@pytest.mark.parametrize("bad", ["bad..id", "x.lock", ".x", "a/b"])
def test_an_id_that_cannot_name_a_ref_is_refused(store: ClaimStore, bad: str) -> None:
    with pytest.raises(ClaimRefused, match="cannot name a claim ref"):
        store.acquire([bad], ALICE)


def test_an_id_too_long_for_a_ref_file_name_is_refused_before_any_git_update(
    store: ClaimStore,
) -> None:
    store.budget_s = 30.0  # would be spent spinning if the refusal came from git
    started = time.monotonic()
    with pytest.raises(ClaimRefused, match=r"has 300 characters: too long .*at most 100"):
        store.acquire(["a" * 300], ALICE)
    assert time.monotonic() - started < 1.0
    assert store.snapshot().fence == 0


def test_a_claim_cannot_be_taken_without_a_secret_to_bind_it_to(store: ClaimStore) -> None:
    with pytest.raises(ClaimRefused, match="alice has no secret"):
        store.acquire(["a"], replace(ALICE, secret=None))


def test_renewing_and_releasing_need_the_claims_secret_not_just_its_holders_name(
    store: ClaimStore,
) -> None:
    store.acquire(["a"], ALICE, lease=MINUTE)
    for impostor in (replace(ALICE, secret=None), replace(ALICE, secret=BOB.secret)):
        with pytest.raises(ClaimRefused, match=r"a is claimed by alice \(token 1\): "):
            store.renew("a", impostor)
        with pytest.raises(ClaimRefused, match=r"a is claimed by alice \(token 1\): "):
            store.release("a", impostor)
    assert store.release("a", ALICE).released is not None


def test_a_claim_made_without_a_secret_cannot_be_acted_under_until_it_expires(
    store: ClaimStore, claims_repo: Path, clock: FakeClock
) -> None:
    """A live claim written by a tt-ws older than claim secrets: nobody can prove to hold it."""
    store.acquire(["a"], ALICE, lease=MINUTE)
    snap = store.snapshot()
    legacy = snap.records["a"].model_copy(update={"secret_hash": None})
    oid = store.refs.write_object(legacy.to_message(), snap.oids["a"])
    assert store.refs.swap([RefUpdate("refs/tt-ws/claims/a", oid, snap.oids["a"])])
    with pytest.raises(ClaimRefused, match=r"without a secret .* frees itself when its lease ends"):
        store.renew("a", ALICE)
    clock.advance(61)
    assert store.acquire(["a"], BOB, lease=MINUTE).token == 2


def test_a_claim_ref_holding_garbage_is_reported_with_the_fix(
    store: ClaimStore, claims_repo: Path
) -> None:
    head = git(claims_repo, "rev-parse", "HEAD").strip()
    git(claims_repo, "update-ref", "refs/tt-ws/claims/a", head)
    with pytest.raises(
        ClaimStoreError, match=r"refs/tt-ws/claims/a: not a valid claim record.*update-ref -d"
    ):
        store.snapshot()


def test_clones_sharing_a_remote_see_each_others_claims(shared_clones: tuple[Path, Path]) -> None:
    a, b = (ClaimStore.open(clone, remote="origin") for clone in shared_clones)
    won = a.acquire(["x"], ALICE, lease=MINUTE)
    with pytest.raises(ClaimRefused, match="claimed by alice"):
        b.acquire(["x"], BOB, lease=MINUTE)
    a.release("x", ALICE)
    assert b.acquire(["x"], BOB, lease=MINUTE).token == won.token + 1


def test_the_remote_can_be_configured_in_git(shared_clones: tuple[Path, Path]) -> None:
    for clone in shared_clones:
        git(clone, "config", "tt-ws.claimsRemote", "origin")
    ClaimStore.open(shared_clones[0]).acquire(["x"], ALICE)
    assert ClaimStore.open(shared_clones[1]).snapshot().records["x"].holder == "alice"


class _AlwaysLosing(LocalRefs):
    """Refs on which every compare-and-swap loses, as under endless contention."""

    def swap(self, updates: Sequence[RefUpdate]) -> bool:
        return False


def test_endless_contention_gives_up_with_a_clear_error(claims_repo: Path) -> None:
    store = ClaimStore(_AlwaysLosing(claims_repo), budget_s=0.05)
    with pytest.raises(ClaimContention, match=r"gave up after 0\.05 s .*retry"):
        store.acquire(["a"], ALICE)


def test_claims_made_locally_before_sharing_do_not_block_the_shared_store(
    shared_clones: tuple[Path, Path],
) -> None:
    ClaimStore.open(shared_clones[0]).acquire(["x"], ALICE, lease=MINUTE)  # local mode
    shared = ClaimStore.open(shared_clones[0], remote="origin")
    assert shared.acquire(["x"], BOB, lease=MINUTE).token == 1


def test_a_claims_secret_hash_travels_to_other_clones_with_the_claim(
    shared_clones: tuple[Path, Path],
) -> None:
    """Alice claims on one machine and renews from another: her secret works there, a borrowed
    name does not."""
    a, b = (ClaimStore.open(clone, remote="origin") for clone in shared_clones)
    a.acquire(["x"], ALICE, lease=MINUTE)
    with pytest.raises(ClaimRefused, match=r"\$TT_WS_CLAIM_SECRET is not its secret"):
        b.release("x", replace(ALICE, secret=BOB.secret))
    assert b.renew("x", replace(ALICE, host="elsewhere")).token == 1
    assert a.release("x", ALICE).released is not None


def test_a_stale_lock_on_the_claims_remote_is_reported_not_retried_for_ever(
    shared_clones: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(refs, "STALE_LOCK_S", 0.5)  # git's own locks last milliseconds
    store = ClaimStore.open(shared_clones[0], remote="origin")
    store.acquire(["x"], ALICE, lease=MINUTE)
    lock = tmp_path / "remote.git" / "refs" / "tt-ws" / "fence.lock"
    lock.write_text("")
    started = time.monotonic()
    with pytest.raises(ClaimStoreError, match=r"its git lock .*fence\.lock stays taken.*rm "):
        store.acquire(["y"], BOB, lease=MINUTE)
    assert time.monotonic() - started < store.budget_s / 2
    lock.unlink()
    assert store.acquire(["y"], BOB, lease=MINUTE).token == 2
