"""Blocked records: workstreams the dispatcher gave up on, kept durably beside the claims.

A record is a git ref `refs/tt-ws/blocked/<ID>` in the claim store (the local repository, or the
shared claims remote when one is configured), so every dispatcher of the repository or of clones
of one remote honours it. It names the reason and the log of the last attempt. Clearing it
(`tt-ws dispatch --unblock ID`) leaves a tombstone, as a released claim does, so the history of a
workstream's failures stays readable with `git log`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from orchestrator.claims.errors import ClaimContention, ClaimRefused, ClaimStoreError
from orchestrator.claims.refs import NAMESPACE, LocalRefs, RefUpdate
from orchestrator.claims.store import CLAIMS_PREFIX, claim_ref

BLOCKED_PREFIX = f"{NAMESPACE}blocked/"
_CAS_ATTEMPTS = 50


def blocked_ref(workstream: str) -> str:
    # Same id rules as a claim ref (it validates and raises a clear error).
    return BLOCKED_PREFIX + claim_ref(workstream).removeprefix(CLAIMS_PREFIX)


class BlockedRecord(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    schema_: Literal["tt-ws.blocked/1"] = Field(default="tt-ws.blocked/1", alias="schema")
    workstream: str
    reason: str
    log: str
    attempts: int = Field(ge=0)
    holder: str
    at: AwareDatetime
    cleared: AwareDatetime | None = None

    def to_message(self) -> str:
        return self.model_dump_json(by_alias=True, exclude_none=True)


# Given the current record (None: never blocked), the record to write.
_Change = Callable[[BlockedRecord | None], BlockedRecord]


class BlockedList:
    """The blocked records of one claim store (`ClaimStore.refs`)."""

    def __init__(self, refs: LocalRefs) -> None:
        self.refs = refs

    def _read(self) -> dict[str, tuple[BlockedRecord, str]]:
        found = {}
        for ref, value in self.refs.read().items():
            if not ref.startswith(BLOCKED_PREFIX):
                continue
            try:
                record = BlockedRecord.model_validate_json(value.message)
            except ValidationError as exc:
                raise ClaimStoreError(
                    f"{ref}: not a valid blocked record ({exc.errors()[0]['msg']}); "
                    f"delete it with `git update-ref -d {ref}`"
                ) from exc
            found[ref.removeprefix(BLOCKED_PREFIX)] = (record, value.oid)
        return found

    def active(self) -> dict[str, BlockedRecord]:
        return {ws: rec for ws, (rec, _) in self._read().items() if rec.cleared is None}

    def mark(self, record: BlockedRecord) -> None:
        self._write(record.workstream, lambda _old: record)

    def clear(self, workstream: str, now: datetime) -> BlockedRecord:
        def cleared(old: BlockedRecord | None) -> BlockedRecord:
            if old is None or old.cleared is not None:
                raise ClaimRefused(f"{workstream} is not blocked")
            return old.model_copy(update={"cleared": now})

        return self._write(workstream, cleared)

    def _write(self, workstream: str, change: _Change) -> BlockedRecord:
        ref = blocked_ref(workstream)
        for _ in range(_CAS_ATTEMPTS):
            old_record, old_oid = self._read().get(workstream, (None, None))
            new = change(old_record)
            oid = self.refs.write_object(new.to_message(), old_oid)
            if self.refs.swap([RefUpdate(ref, oid, old_oid)]):
                return new
        raise ClaimContention(f"{ref}: gave up after {_CAS_ATTEMPTS} lost compare-and-swaps")
