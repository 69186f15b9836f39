"""The dispatcher's state file, for `tt-ws dispatch --status` from another terminal.

Each running dispatcher replaces `.tt-ws/dispatch/state/<host>-<pid>.json` atomically when its
slots change (and removes it when it stops), so a reader sees one complete snapshot or none.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from orchestrator.atomic import write_atomic
from orchestrator.errors import TtWsError, display_path, validation_summary


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SlotState(_Model):
    slot: int
    agent: str
    workstream: str | None = None
    state: str
    attempt: int = 0
    since: AwareDatetime | None = None  # when the attempt (or the wait) began
    last_line: str = ""
    log: str | None = None


class Outcome(_Model):
    """How a workstream handed out by this dispatcher ended."""

    workstream: str
    result: str  # an ExitReason value, or "blocked"
    attempts: int
    detail: str = ""
    log: str | None = None


class DispatcherState(_Model):
    schema_: Literal["tt-ws.dispatch/1"] = Field(default="tt-ws.dispatch/1", alias="schema")
    host: str
    pid: int
    started_at: AwareDatetime
    updated_at: AwareDatetime
    target: str
    slots: tuple[SlotState, ...]
    outcomes: tuple[Outcome, ...] = ()

    def running(self) -> bool:
        """Whether its process still exists (known only on the same host)."""
        if self.host != socket.gethostname():
            return True
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


def write_state(path: Path, state: DispatcherState) -> None:
    write_atomic(path, state.model_dump_json(by_alias=True, indent=1) + "\n")


def read_states(directory: Path) -> list[DispatcherState]:
    """Every state file under `directory`, oldest dispatcher first."""
    states = []
    for path in sorted(directory.glob("*.json")) if directory.is_dir() else []:
        try:
            states.append(DispatcherState.model_validate_json(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            continue  # its dispatcher stopped while we listed
        except ValidationError as exc:
            raise TtWsError(
                f"{display_path(path)}: not a dispatcher state file ({validation_summary(exc)}); "
                "delete it"
            ) from None
    return sorted(states, key=lambda s: (s.started_at, s.pid))


def elapsed(since: datetime | None, now: datetime) -> str:
    if since is None:
        return "—"
    seconds = max(0, int((now - since).total_seconds()))
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
