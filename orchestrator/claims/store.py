"""The claim store: atomic, expiring, fenced claims of workstreams on top of git refs.

Layout: `refs/tt-ws/claims/<workstream>` holds the latest claim record of a workstream (live,
expired or a released tombstone); `refs/tt-ws/fence` holds the last fencing token handed out.
Every new claim updates both refs in one transaction with their expected old values, so:
- two callers never both win a workstream (the claim ref moved under the loser);
- fencing tokens strictly increase (the fence moved under the loser);
- the fence doubles as the version of the whole claim set: a decision taken on a snapshot (e.g.
  "no live claim overlaps these paths") only commits if no other claim landed meanwhile.
Renewals and releases touch only their own claim ref; they never create a new conflict.

Every claim record keeps a salted hash of its holder's secret (orchestrator.claims.secret):
renewing, releasing and running under a claim need the holder's name and that secret.

Leases compare the wall-clock expiry written in the record with the reader's clock, so hosts need
loosely synchronised clocks: a skew of s seconds moves a lease's end by s for that reader.
"""

from __future__ import annotations

import getpass
import os
import random
import re
import socket
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

from orchestrator.claims.errors import ClaimContention, ClaimRefused, LeaseExpired
from orchestrator.claims.record import ClaimRecord, fence_message, parse_fence
from orchestrator.claims.refs import NAMESPACE, LocalRefs, RefUpdate, RemoteRefs
from orchestrator.claims.secret import SECRET_ENV, hash_secret, secret_matches

FENCE_REF = f"{NAMESPACE}fence"
CLAIMS_PREFIX = f"{NAMESPACE}claims/"
AGENT_ENV = "TT_WS_AGENT"
REMOTE_ENV = "TT_WS_CLAIMS_REMOTE"
REMOTE_CONFIG = "tt-ws.claimsRemote"
DEFAULT_LEASE = timedelta(minutes=30)

# Ids become ref path components: keep to characters git accepts everywhere in a ref name, and
# short enough that `<id>.lock` and the worktree `<id>-t<token>` fit in a file name (255 bytes).
_ID = re.compile(r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$")
MAX_ID_LENGTH = 100

Clock = Callable[[], datetime]
# Given a candidate workstream and the live claims, why it must not be handed out (or None).
ConflictCheck = Callable[[str, Mapping[str, ClaimRecord]], str | None]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def claim_ref(workstream: str) -> str:
    if len(workstream) > MAX_ID_LENGTH:
        raise ClaimRefused(
            f"workstream id {workstream[:20]!r}... has {len(workstream)} characters: too long to "
            f"name a claim ref (at most {MAX_ID_LENGTH}); shorten it in the registry"
        )
    if not _ID.match(workstream) or workstream.endswith(".lock"):
        raise ClaimRefused(
            f"workstream id {workstream!r} cannot name a claim ref "
            "(use letters, digits, '-', '_' and single dots)"
        )
    return f"{CLAIMS_PREFIX}{workstream}"


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name, e.g. an arbitrary uid in a container
        return f"uid{os.getuid()}"


@dataclass(frozen=True)
class Holder:
    """Who claims: the agent's name (unique per agent), where it runs, and the secret that proves
    it is the agent that won its claims (None when it has none yet)."""

    name: str
    host: str
    pid: int
    secret: str | None = field(default=None, repr=False)

    @classmethod
    def current(cls, name: str | None = None) -> Holder:
        """This process: named by `name`, else $TT_WS_AGENT, else user@host; the secret from
        $TT_WS_CLAIM_SECRET."""
        host = socket.gethostname()
        chosen = name or os.environ.get(AGENT_ENV) or f"{_user()}@{host}"
        return cls(chosen, host, os.getpid(), os.environ.get(SECRET_ENV) or None)

    def with_secret(self, secret: str) -> Holder:
        return replace(self, secret=secret)


def authenticate(record: ClaimRecord, holder: Holder) -> None:
    """Refuse unless `holder` is the holder of `record` by name and proves it with the secret."""
    claimed = f"{record.workstream} is claimed by {record.holder} (token {record.token})"
    if record.holder != holder.name:
        raise ClaimRefused(f"{claimed}, not by {holder.name}")
    if record.secret_hash is None:
        raise ClaimRefused(
            f"{claimed} without a secret (by a tt-ws older than claim secrets), so nobody can "
            f"prove to hold it: it frees itself when its lease ends at "
            f"{record.expiry:%Y-%m-%d %H:%M:%S} UTC"
        )
    if holder.secret is None:
        raise ClaimRefused(
            f"{claimed}: needs its secret to act under it; set ${SECRET_ENV} to the secret "
            "`tt-ws claim`/`tt-ws next` printed when it was claimed"
        )
    if not secret_matches(holder.secret, record.secret_hash):
        raise ClaimRefused(
            f"{claimed}: ${SECRET_ENV} is not its secret; only the agent that claimed it can "
            "renew it, release it or record evidence under it"
        )


@dataclass(frozen=True)
class Snapshot:
    """The claim refs as read at one moment, with the object ids needed to CAS against them."""

    fence: int
    fence_oid: str | None
    records: Mapping[str, ClaimRecord]
    oids: Mapping[str, str]

    def live(self, now: datetime) -> dict[str, ClaimRecord]:
        return {ws: rec for ws, rec in self.records.items() if rec.is_live(now)}


class ClaimStore:
    """Claims of one repository (or of the shared remote it is configured with)."""

    def __init__(self, refs: LocalRefs, clock: Clock = utc_now, budget_s: float = 30.0) -> None:
        self.refs = refs
        self.clock = clock
        self.budget_s = budget_s

    @classmethod
    def open(cls, root: Path, remote: str | None = None, clock: Clock = utc_now) -> ClaimStore:
        """The store of the repository at `root`; shared through `remote` when one is given
        or configured (`$TT_WS_CLAIMS_REMOTE`, else git config `tt-ws.claimsRemote`)."""
        local = LocalRefs(root)
        chosen = remote or os.environ.get(REMOTE_ENV)
        if chosen is None:
            # `git config --get` exits 1 when the key is unset: that means "no remote".
            chosen = local.git("config", "--get", REMOTE_CONFIG).stdout.strip() or None
        return cls(RemoteRefs(root, chosen) if chosen else local, clock)

    def snapshot(self) -> Snapshot:
        values = self.refs.read()
        fence = values.get(FENCE_REF)
        records = {}
        oids = {}
        for ref, value in values.items():
            if ref.startswith(CLAIMS_PREFIX):
                ws = ref.removeprefix(CLAIMS_PREFIX)
                records[ws] = ClaimRecord.from_message(ref, value.message)
                oids[ws] = value.oid
        return Snapshot(
            fence=parse_fence(FENCE_REF, fence.message) if fence else 0,
            fence_oid=fence.oid if fence else None,
            records=records,
            oids=oids,
        )

    def choose(
        self,
        snap: Snapshot,
        candidates: Sequence[str],
        now: datetime,
        conflict: ConflictCheck | None = None,
    ) -> tuple[str | None, dict[str, str]]:
        """The first candidate free and conflict-free in `snap`, and why each before it is not."""
        live = snap.live(now)
        reasons = {}
        for ws in candidates:
            if ws in live:
                cur = live[ws]
                reasons[ws] = (
                    f"claimed by {cur.holder} (token {cur.token}) until "
                    f"{cur.expiry:%Y-%m-%d %H:%M:%S} UTC"
                )
                continue
            why = conflict(ws, live) if conflict else None
            if why is None:
                return ws, reasons
            reasons[ws] = why
        return None, reasons

    def acquire(
        self,
        candidates: Sequence[str],
        holder: Holder,
        lease: timedelta = DEFAULT_LEASE,
        conflict: ConflictCheck | None = None,
        workspace: Callable[[str, int], tuple[str, str]] | None = None,
    ) -> ClaimRecord:
        """Claim the first candidate that is free and conflict-free; raise ClaimRefused with the
        reason for each candidate when none is. `workspace(ws, token)` names the worktree and
        branch to record in the claim (created by the caller once the claim is won). The claim
        is bound to `holder.secret` (only its hash is stored)."""
        if holder.secret is None:
            raise ClaimRefused(f"{holder.name} has no secret to bind the claim to")
        for ws in candidates:
            claim_ref(ws)
        secret_hash = hash_secret(holder.secret)
        for attempt in self._attempts():
            snap = self.snapshot()
            now = self.clock()
            ws, reasons = self.choose(snap, candidates, now, conflict)
            if ws is None:
                raise ClaimRefused(
                    "nothing to claim: " + "; ".join(f"{c}: {why}" for c, why in reasons.items())
                )
            token = snap.fence + 1
            worktree, branch = workspace(ws, token) if workspace else (None, None)
            record = ClaimRecord(
                workstream=ws,
                holder=holder.name,
                host=holder.host,
                pid=holder.pid,
                token=token,
                start=now,
                expiry=now + lease,
                worktree=worktree,
                branch=branch,
                secret_hash=secret_hash,
            )
            fence = self.refs.write_object(fence_message(token, record), snap.fence_oid)
            claim = self.refs.write_object(record.to_message(), snap.oids.get(ws))
            updates = [
                RefUpdate(FENCE_REF, fence, snap.fence_oid),
                RefUpdate(claim_ref(ws), claim, snap.oids.get(ws)),
            ]
            if self.refs.swap(updates):
                return record
            _backoff(attempt)
        raise self._gave_up()

    def renew(
        self, workstream: str, holder: Holder, lease: timedelta = DEFAULT_LEASE
    ) -> ClaimRecord:
        """Extend the holder's live claim; an expired lease cannot be renewed, only re-claimed."""

        def extend(cur: ClaimRecord, now: datetime) -> ClaimRecord:
            if not cur.is_live(now):
                raise LeaseExpired(
                    f"{workstream}: your lease (token {cur.token}) expired at "
                    f"{cur.expiry:%Y-%m-%d %H:%M:%S} UTC; claim it again with "
                    f"`tt-ws claim {workstream}`"
                )
            return cur.model_copy(update={"expiry": now + lease, "pid": holder.pid})

        return self._update_own(workstream, holder, extend)

    def renew_all(self, holder: Holder, lease: timedelta = DEFAULT_LEASE) -> list[ClaimRecord]:
        live = self.snapshot().live(self.clock())
        return [
            self.renew(ws, holder, lease) for ws in sorted(live) if live[ws].holder == holder.name
        ]

    def release(self, workstream: str, holder: Holder) -> ClaimRecord:
        """Leave a tombstone: the claim ends now (or stays ended at its expiry)."""
        return self._update_own(
            workstream, holder, lambda cur, now: cur.model_copy(update={"released": now})
        )

    def _update_own(
        self,
        workstream: str,
        holder: Holder,
        change: Callable[[ClaimRecord, datetime], ClaimRecord],
    ) -> ClaimRecord:
        ref = claim_ref(workstream)
        for attempt in self._attempts():
            snap = self.snapshot()
            cur = snap.records.get(workstream)
            if cur is None or cur.released is not None:
                raise ClaimRefused(
                    f"{workstream} is not claimed; claim it with `tt-ws claim {workstream}`"
                )
            authenticate(cur, holder)
            new = change(cur, self.clock())
            old = snap.oids[workstream]
            oid = self.refs.write_object(new.to_message(), old)
            if self.refs.swap([RefUpdate(ref, oid, old)]):
                return new
            _backoff(attempt)
        raise self._gave_up()

    def _attempts(self) -> Iterator[int]:
        """Attempt numbers until the time budget is spent (at least one attempt)."""
        deadline = time.monotonic() + self.budget_s
        attempt = 0
        while attempt == 0 or time.monotonic() < deadline:
            yield attempt
            attempt += 1

    def _gave_up(self) -> ClaimContention:
        return ClaimContention(
            f"gave up after {self.budget_s:g} s of lost compare-and-swap attempts: "
            "other agents keep updating the claims; retry"
        )


def _backoff(attempt: int) -> None:
    # Jittered and growing, so that racing processes stop colliding in lockstep.
    time.sleep(random.uniform(0.001, 0.004) * min(attempt + 1, 16))
