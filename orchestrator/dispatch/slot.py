"""A slot of the dispatcher: the agent it runs now, its claim, and where its attempt stands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from pathlib import Path

from orchestrator.claims.record import ClaimRecord
from orchestrator.claims.secret import SECRET_ENV, new_secret
from orchestrator.claims.store import AGENT_ENV, Holder
from orchestrator.dispatch.agent import AgentProcess
from orchestrator.dispatch.state import SlotState


class Phase(str, Enum):
    IDLE = "idle"
    RUNNING = "running"  # the agent runs
    VERIFYING = "verifying"  # the dispatcher's gate run
    BACKOFF = "backoff"  # waiting to retry


@dataclass
class Slot:
    index: int
    name: str
    # Each hand-out is a new agent, `name.1`, `name.2`, ...: a name never holds two claims in
    # turn, so a gate run under the current agent's name is never mistaken for an old claim's.
    holder: Holder
    handouts: int = 0
    phase: Phase = Phase.IDLE
    claim: ClaimRecord | None = None
    attempt: int = 0
    process: AgentProcess | None = None
    log: Path | None = None
    since: datetime | None = None
    retry_at: float = 0.0
    base: str = ""  # the integration commit merged into the branch under verification
    must_stay_done: tuple[str, ...] = ()
    races: int = 0
    previous: str | None = None  # why the last attempt did not count
    lease_seen: datetime | None = None  # the lease end we last wrote

    def next_agent(self) -> Holder:
        """Who the next hand-out goes to, with a new secret; becomes `holder` once a claim is
        won."""
        name = f"{self.name}.{self.handouts + 1}"
        return Holder(name, self.holder.host, self.holder.pid, new_secret())

    def credentials(self) -> dict[str, str]:
        """The environment that lets the agent's `tt-ws` commands act under its claim."""
        assert self.holder.secret is not None
        return {AGENT_ENV: self.holder.name, SECRET_ENV: self.holder.secret}

    @property
    def workstream(self) -> str:
        assert self.claim is not None
        return self.claim.workstream

    @property
    def worktree(self) -> Path:
        # Every claim of the dispatcher is taken with a worktree (`Board.take(worktree=True)`).
        assert self.claim is not None and self.claim.worktree is not None
        return Path(self.claim.worktree)

    def state(self) -> SlotState:
        # Also read by the live view's refresh thread: take each field once.
        claim, process, log = self.claim, self.process, self.log
        return SlotState(
            slot=self.index,
            agent=self.holder.name if claim else self.name,
            workstream=claim.workstream if claim else None,
            state=self.phase.value,
            attempt=self.attempt,
            since=self.since,
            last_line=process.last_line() if process else "",
            log=str(log) if log else None,
        )
