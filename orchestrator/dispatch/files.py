"""Where the dispatcher keeps its files: logs, prompts and state files of every dispatcher of a
repository, under `.tt-ws/dispatch/` of the main working tree (shared by all its worktrees,
git-ignored), and the worktrees beside the repository."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from orchestrator.errors import GitError
from orchestrator.layout import RUNS_ROOT


def main_root(start: Path) -> Path:
    """The main working tree of the repository `start` is in (also from inside a worktree)."""
    done = subprocess.run(
        ["git", "rev-parse", "--path-format=absolute", "--git-common-dir"],
        cwd=start,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise GitError(f"{start} is not inside a git repository: {done.stderr.strip()}")
    return Path(done.stdout.strip()).parent


@dataclass(frozen=True)
class DispatchFiles:
    root: Path  # the main working tree

    @property
    def base(self) -> Path:
        return self.root / RUNS_ROOT / "dispatch"

    @property
    def states(self) -> Path:
        return self.base / "state"

    def state(self, host: str, pid: int) -> Path:
        return self.states / f"{host}-{pid}.json"

    def log(self, workstream: str, token: int, attempt: int) -> Path:
        return self.base / "logs" / workstream / f"t{token}-attempt{attempt}.log"

    def prompt(self, workstream: str, token: int, attempt: int) -> Path:
        return self.base / "prompts" / workstream / f"t{token}-attempt{attempt}.md"

    def default_worktrees(self) -> Path:
        # The same place `tt-ws next --worktree` uses.
        return self.root.parent / f"{self.root.name}-worktrees"
