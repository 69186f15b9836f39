"""The evidence store: one immutable JSON record per gate run, append-only, committed to git.

Layout: `status/evidence/<workstream>/<gate>/<UTC timestamp>-<host>-<pid>.json`, created
atomically and never overwritten, so parallel agents (and machines) never write the same file.
"""

from __future__ import annotations

import json
import os
import re
import socket
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from orchestrator import __version__
from orchestrator.atomic import create_atomic
from orchestrator.attest import Attestation, load_signer
from orchestrator.errors import EvidenceError, display_path, validation_summary
from orchestrator.registry import GateKind, GateSpec, format_number


class EvidenceRecord(BaseModel):
    """What one gate run observed, and on which source tree."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal["tt-ws.evidence/1"] = "tt-ws.evidence/1"
    workstream: str
    gate: str
    kind: GateKind
    command: str
    exit_code: int | None
    metrics: dict[str, float]
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


# Decides whether a record may count (the claims layer refuses runs under expired/foreign claims).
AdmitFn = Callable[[EvidenceRecord], bool]


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", text) or "_"


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
            return EvidenceRecord.model_validate_json(path.read_bytes())
        except OSError as exc:
            raise EvidenceError(
                f"cannot read evidence record {display_path(path)}: {exc}"
            ) from None
        except ValidationError as exc:
            raise EvidenceError(
                f"unreadable evidence record {display_path(path)}: {validation_summary(exc)}. "
                "Records are written atomically, so this file was edited or truncated by hand; "
                "restore it from git or delete it."
            ) from None

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
        """The records of one gate with their files, newest first."""
        for path in reversed(self.paths(workstream, gate)):
            yield path, self._read(path)

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
