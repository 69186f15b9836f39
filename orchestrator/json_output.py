"""What `tt-ws run|status|next|bench --json` print: one pydantic model per command, so agents parse
a documented schema instead of scraping tables. With `--json`, stdout holds only the JSON
document; progress and messages go to stderr."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from orchestrator.console import console


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _schema(name: str):
    """The document's `schema` key (`schema_` in Python: BaseModel has a `schema` method)."""
    return Field(default=name, alias="schema")


class GateResult(_Out):
    workstream: str
    gate: str
    kind: str
    passed: bool
    seconds: float
    cached: bool  # reused a passing record of the same inputs instead of running
    metrics: dict[str, float]
    failures: list[str]  # the conditions that did not hold, empty when passed
    evidence: str  # the record's path, relative to the repository


class RunOutput(_Out):
    schema_: Literal["tt-ws.run/1"] = _schema("tt-ws.run/1")
    tree: str
    dirty: bool
    passed: int
    failed: int
    gates: list[GateResult]


class GateState(_Out):
    gate: str
    state: str  # PASS, FAIL, STALE, FLAKY, UNKNOWN, ...
    reasons: list[str]


class WorkstreamState(_Out):
    id: str
    title: str
    phase: int | None
    state: str  # done, failing, stale, not run, ...
    gates: list[GateState]
    blocked_by: list[str]


class StatusOutput(_Out):
    schema_: Literal["tt-ws.status/1"] = _schema("tt-ws.status/1")
    tree: str
    wrote: list[str]  # pages written (empty with --check)
    up_to_date: bool | None  # --check: whether status/ matched; None without --check
    workstreams: list[WorkstreamState]


class Ready(_Out):
    id: str
    unblocks: int
    priority: int


class Claimed(_Out):
    workstream: str
    holder: str
    token: int
    expiry: datetime
    worktree: str | None
    branch: str | None
    # the claim's secret, given only when this claim made a new one (export it as
    # $TT_WS_CLAIM_SECRET); None when the claim reused the caller's
    secret: str | None = None


class NextOutput(_Out):
    schema_: Literal["tt-ws.next/1"] = _schema("tt-ws.next/1")
    dry_run: bool
    ready: list[Ready]  # in hand-out order
    skipped: dict[str, str]  # workstream -> why --dry-run would not hand it out
    would_claim: str | None  # --dry-run only
    claimed: Claimed | None  # without --dry-run


class ShapeFigures(_Out):
    example: str
    shape: str
    bottleneck: str
    compile_s: float
    emulator_wall_s: float
    cycles: int
    device_us: float  # modelled
    tflops: float | None  # None: the example has no matmul work to count
    pct_peak: float | None


class PairFigures(_Out):
    example: str
    pair: str
    problem: str
    generated_cycles: int
    hand_written_cycles: int
    ratio: float  # generated / hand-written modelled cycles
    generated_pct_peak: float | None
    hand_written_pct_peak: float | None


class BenchOutput(_Out):
    schema_: Literal["tt-ws.bench/1"] = _schema("tt-ws.bench/1")
    shapes: list[ShapeFigures]
    pairs: list[PairFigures]


@contextlib.contextmanager
def messages_to_stderr(enabled: bool) -> Iterator[None]:
    """With --json, keep stdout for the document: the console writes to stderr meanwhile."""
    if not enabled:
        yield
        return
    console.stderr = True
    try:
        yield
    finally:
        console.stderr = False


def emit(document: _Out) -> None:
    sys.stdout.write(document.model_dump_json(indent=2, by_alias=True) + "\n")
    sys.stdout.flush()
