"""Helpers for claim tests: temporary git repositories and a controllable clock."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from orchestrator.claims.secret import new_secret
from orchestrator.claims.store import Holder

ALICE = Holder("alice", "host-a", 101, new_secret())
BOB = Holder("bob", "host-b", 202, new_secret())
MINUTE = timedelta(minutes=1)


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


def make_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.email", "test@example.com")
    git(path, "config", "user.name", "test")
    (path / "README.md").write_text("temp\n")
    git(path, "add", "README.md")
    git(path, "commit", "-q", "-m", "init")
    return path


@dataclass
class FakeClock:
    now: datetime = field(default_factory=lambda: datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


# base <- left <- leaf; base <- right (overlaps left's paths); base <- other.
BOARD_REGISTRY = """\
phase: {id: 1, title: Board}
workstreams:
  - id: base
    title: Base
    kind: infra
    owns: [src/base/**]
    gates:
      - {name: build, kind: build, run: "python -c pass", require: [exit_code == 0]}
  - id: left
    title: Left
    kind: infra
    depends_on: [base]
    owns: [src/shared/**]
    gates:
      - {name: build, kind: build, run: "python -c pass", require: [exit_code == 0]}
  - id: leaf
    title: Leaf
    kind: infra
    depends_on: [left]
    owns: [src/leaf.py]
    gates:
      - {name: build, kind: build, run: "python -c pass", require: [exit_code == 0]}
  - id: right
    title: Right
    kind: infra
    depends_on: [base]
    owns: [src/shared/right.py]
    gates:
      - {name: build, kind: build, run: "python -c pass", require: [exit_code == 0]}
  - id: other
    title: Other
    kind: infra
    depends_on: [base]
    owns: [src/other/**]
    priority: 1
    gates:
      - {name: build, kind: build, run: "python -c pass", require: [exit_code == 0]}
"""


def make_board_repo(path: Path) -> Path:
    """A repo with BOARD_REGISTRY committed (run scratch under .tt-ws/ ignored)."""
    make_repo(path)
    (path / "workstreams").mkdir()
    (path / "workstreams" / "board.yaml").write_text(BOARD_REGISTRY)
    (path / ".gitignore").write_text(".tt-ws/\n__pycache__/\n")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "registry")
    return path
