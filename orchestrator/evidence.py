"""The evidence store: one immutable JSON record per gate run, append-only, committed to git.

Layout: `status/evidence/<workstream>/<gate>/<UTC timestamp>-<host>-<pid>.json`, created
atomically and never overwritten, so parallel agents (and machines) never write the same file.

A record's times are what its writer says, so they never decide a verdict (status judges every
record of a tree, see orchestrator.status) and a record dated beyond now + CLOCK_SKEW, or
finished before it started, is not admitted at all: the store leaves it out of `entries` and
`history`, and `misdated` lists it with the reason.
"""

from __future__ import annotations

import json
import os
import re
import socket
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, FiniteFloat, ValidationError

from orchestrator import __version__
from orchestrator.atomic import create_atomic
from orchestrator.attest import Attestation, load_signer
from orchestrator.errors import EvidenceError, display_path, validation_summary
from orchestrator.fingerprint import Environment
from orchestrator.registry import GateKind, GateSpec, format_number
from orchestrator.validate import MAX_RECORD_BYTES, UnsafeInput, read_bounded


class EvidenceRecord(BaseModel):
    """What one gate run observed, and on which source tree."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal["tt-ws.evidence/1"] = "tt-ws.evidence/1"
    workstream: str
    gate: str
    kind: GateKind
    command: str
    exit_code: int | None
    metrics: dict[str, FiniteFloat]
    error: str | None = None
    report_sha256: str | None = None
    cases: dict[str, str] = Field(default_factory=dict)
    tree: str
    dirty: bool
    started_at: datetime
    finished_at: datetime
    tool_version: str = __version__
    host: str = Field(default_factory=socket.gethostname)
    pid: int = Field(default_factory=os.getpid)
    # Set when the run happened under a claim (see orchestrator.claims): status may refuse records
    # whose claim had expired or belonged to someone else.
    claim_holder: str | None = None
    fencing_token: int | None = None
    claim_expiry: datetime | None = None
    # The content hash of what the gate read (orchestrator.check.inputs), so that an unchanged
    # gate can be reused; and, for a record the cache made instead of running the gate, the
    # file name of the record it repeats.
    inputs: str | None = None
    cached_from: str | None = None
    # Where the gate ran (orchestrator.fingerprint); None on records made before it was recorded.
    environment: Environment | None = None

    @property
    def environment_id(self) -> str:
        """The short fingerprint id of the environment that produced this record."""
        return self.environment.id if self.environment is not None else UNRECORDED

    # A trusted runner's signature over the other fields (orchestrator.attest); set by `append`
    # when this machine holds a runner key.
    attestation: Attestation | None = None

    def signed_fields(self) -> dict[str, object]:
        """The fields as written to its file (those a signature covers, and the attestation)."""
        return self.model_dump(mode="json", exclude_unset=True)

    def failures(self, gate: GateSpec) -> list[str]:
        """Why this run does not satisfy `gate` as the registry states it now (empty: it passes)."""
        if self.error:
            return [self.error]
        return gate.failures(self.metrics)


UNRECORDED = "unrecorded"
# How far ahead of this machine's clock a record may be dated and still count (clocks drift).
CLOCK_SKEW = timedelta(minutes=5)


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def dating_problem(record: EvidenceRecord, now: datetime) -> str | None:
    """Why the record's dates cannot be true as of `now` (None: they can)."""
    finished, started = _utc(record.finished_at), _utc(record.started_at)
    if finished > now + CLOCK_SKEW:
        return (
            f"dated in the future (finished {finished:%Y-%m-%d %H:%M:%SZ}, now "
            f"{now:%Y-%m-%d %H:%M:%SZ}): not counted"
        )
    if started > finished:
        return "finished before it started: not counted"
    return None


# Decides whether a record may count (the claims layer refuses runs under expired/foreign claims).
AdmitFn = Callable[[EvidenceRecord], bool]


def _safe(text: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", text)
    # `.` and `..` would name the directory itself or its parent: never a record's own directory.
    return "_" if safe.strip(".") == "" else safe


class EvidenceStore:
    """The records under one directory (normally `status/evidence`)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def gate_dir(self, workstream: str, gate: str) -> Path:
        return self.directory / _safe(workstream) / _safe(gate)

    def append(self, record: EvidenceRecord) -> Path:
        """Write `record` as a new file, signed when this machine holds a runner key."""
        stamp = record.finished_at.strftime("%Y%m%dT%H%M%S.%fZ")
        name = f"{stamp}-{_safe(record.host)}-{record.pid}.json"
        fields = record.model_dump(mode="json", exclude={"attestation"})
        signer = load_signer()
        if signer is not None:
            fields["attestation"] = signer.attest(fields).model_dump()
        text = json.dumps(fields, indent=2, sort_keys=True) + "\n"
        return create_atomic(self.gate_dir(record.workstream, record.gate) / name, text)

    def _read(self, path: Path) -> EvidenceRecord:
        try:
            record = EvidenceRecord.model_validate_json(read_bounded(path, MAX_RECORD_BYTES))
        except (OSError, UnsafeInput) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise EvidenceError(
                f"{display_path(path)}: cannot read evidence record: {reason}", path
            ) from None
        except ValidationError as exc:
            raise EvidenceError(
                f"{display_path(path)}: unreadable evidence record: {validation_summary(exc)} — "
                "records are written atomically, so this file was edited or truncated by hand; "
                "restore it from git or delete it",
                path,
            ) from None
        # The cache copies records by their own fields: one filed under another gate's
        # directory (or naming `..`) must not be taken for that gate's, nor copied elsewhere.
        if self.gate_dir(record.workstream, record.gate) != path.parent:
            raise EvidenceError(
                f"{display_path(path)}: evidence record of {record.workstream!r} "
                f"{record.gate!r} filed under another gate's directory — move it back or "
                "delete it",
                path,
            )
        return record

    def paths(self, workstream: str, gate: str) -> list[Path]:
        """The record files of one gate, oldest first (names start with the UTC time)."""
        directory = self.gate_dir(workstream, gate)
        if not directory.is_dir():
            return []
        return sorted(p for p in directory.glob("*.json") if not p.name.startswith("."))

    def history(self, workstream: str, gate: str) -> Iterator[EvidenceRecord]:
        """The records of one gate, newest first."""
        for _, record in self.entries(workstream, gate):
            yield record

    def entries(self, workstream: str, gate: str) -> Iterator[tuple[Path, EvidenceRecord]]:
        """The admissible records of one gate with their files, newest first (by the time each
        record states, then file name; see `dating_problem` for the records left out)."""
        now = datetime.now(timezone.utc)
        for path, record in self._dated(workstream, gate):
            if dating_problem(record, now) is None:
                yield path, record

    def misdated(self, workstream: str, gate: str) -> list[tuple[Path, EvidenceRecord, str]]:
        """The records of one gate left out of `entries`, each with why."""
        found = []
        now = datetime.now(timezone.utc)
        for path, record in self._dated(workstream, gate):
            problem = dating_problem(record, now)
            if problem is not None:
                found.append((path, record, problem))
        return found

    def _dated(self, workstream: str, gate: str) -> list[tuple[Path, EvidenceRecord]]:
        entries = [(path, self._read(path)) for path in self.paths(workstream, gate)]
        return _newest_first(entries)

    def readable(
        self, workstream: str, gate: str
    ) -> tuple[list[EvidenceRecord], list[EvidenceError]]:
        """The admissible records of one gate that can be read, newest first as `entries` orders
        and filters them, and why the others cannot be read (for status, where one damaged file
        must not stop every command)."""
        entries, errors = [], []
        for path in self.paths(workstream, gate):
            try:
                entries.append((path, self._read(path)))
            except EvidenceError as exc:
                errors.append(exc)
        now = datetime.now(timezone.utc)
        records = [r for _, r in _newest_first(entries) if dating_problem(r, now) is None]
        return records, errors

    def latest(
        self, workstream: str, gate: str, tree: str, admit: AdmitFn | None = None
    ) -> tuple[EvidenceRecord | None, EvidenceRecord | None]:
        """(newest admissible record on `tree`, newest admissible record on any tree)."""
        newest: EvidenceRecord | None = None
        for record in self.history(workstream, gate):
            if admit is not None and not admit(record):
                continue
            newest = newest or record
            if record.tree == tree:
                return record, newest
        return None, newest

    def all_records(self) -> list[EvidenceRecord]:
        paths = sorted(p for p in self.directory.glob("*/*/*.json") if not p.name.startswith("."))
        return [self._read(p) for p in paths]


def metrics_summary(metrics: Mapping[str, float], only: Iterable[str] | None = None) -> str:
    """`k=v` pairs, sorted; with `only`, just those metrics (a perf report holds dozens)."""
    keep = None if only is None else set(only)
    return " ".join(
        f"{k}={format_number(v)}" for k, v in sorted(metrics.items()) if keep is None or k in keep
    )


def _newest_first(entries: list[tuple[Path, EvidenceRecord]]) -> list[tuple[Path, EvidenceRecord]]:
    """By the time each record states, then file name: the order `entries` and `readable` give."""
    return sorted(entries, key=lambda e: (_utc(e[1].finished_at), e[0].name), reverse=True)
