"""The claim record: what a claim ref points at, and how it is parsed from a git object."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from orchestrator.claims.errors import ClaimStoreError

CLAIM_SCHEMA = "tt-ws.claim/1"


class ClaimRecord(BaseModel):
    """One claim of one workstream. `released` set means a tombstone: the claim was given back.

    Tombstones are kept (rather than deleting the ref) so that the last claim of a workstream,
    with its final lease end, stays readable when evidence recorded under it is judged later.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    schema_: Literal["tt-ws.claim/1"] = Field(default=CLAIM_SCHEMA, alias="schema")
    workstream: str
    holder: str
    host: str
    pid: int
    token: int = Field(ge=1)
    start: AwareDatetime
    expiry: AwareDatetime
    released: AwareDatetime | None = None
    worktree: str | None = None
    branch: str | None = None
    # Salted hash of the holder's secret (orchestrator.claims.secret); never the secret itself.
    # None only in records written by a tt-ws without claim secrets.
    secret_hash: str | None = None

    def is_live(self, now: datetime) -> bool:
        return self.released is None and now < self.expiry

    def lease_end(self) -> datetime:
        """When the holder stopped being allowed to write: release or expiry, whichever first."""
        if self.released is not None and self.released < self.expiry:
            return self.released
        return self.expiry

    def to_message(self) -> str:
        return self.model_dump_json(by_alias=True, exclude_none=True)

    @classmethod
    def from_message(cls, ref: str, message: str) -> ClaimRecord:
        try:
            return cls.model_validate_json(message)
        except ValidationError as exc:
            raise ClaimStoreError(
                f"{ref}: not a valid claim record ({exc.error_count()} errors: "
                f"{exc.errors()[0]['msg']}); delete it with `git update-ref -d {ref}`"
            ) from exc


def fence_message(token: int, record: ClaimRecord) -> str:
    """The token, then what makes the object unique to this attempt.

    Two racers writing the same next token must never produce the same object: a push whose new
    value already equals the remote's reports "up to date" without checking the lease, so an
    identical fence commit would let both win.
    """
    return f"{token}\n{record.workstream} {record.holder} {record.pid} {uuid.uuid4().hex}\n"


def parse_fence(ref: str, message: str) -> int:
    """The first line of the fence ref's object message is the last token handed out."""
    text = message.split("\n", 1)[0].strip()
    if not text.isdigit():
        raise ClaimStoreError(f"{ref}: fence holds {text[:40]!r}, expected a decimal token")
    return int(text)
