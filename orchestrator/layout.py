"""Where tt-ws keeps things inside a repository: registry, status pages, evidence, run scratch."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from orchestrator.errors import TtWsError

REGISTRY_DIR = "workstreams"
STATUS_DIR = "status"
RUNS_ROOT = ".tt-ws"


@dataclass(frozen=True)
class Layout:
    """The paths of one repository checkout; `root` holds `workstreams/`."""

    root: Path

    @property
    def registry(self) -> Path:
        return self.root / REGISTRY_DIR

    @property
    def status(self) -> Path:
        return self.root / STATUS_DIR

    @property
    def evidence(self) -> Path:
        # Inside status/ so that it is left out of the source tree hash (see orchestrator.tree).
        return self.status / "evidence"

    @property
    def runs(self) -> Path:
        # Reports and logs of gate runs: git-ignored scratch, only their hashes are evidence.
        return self.root / RUNS_ROOT / "runs"

    @classmethod
    def find(cls, start: Path | None = None) -> Layout:
        """The layout of the nearest directory at or above `start` that holds `workstreams/`."""
        here = (start or Path.cwd()).resolve()
        for candidate in (here, *here.parents):
            if (candidate / REGISTRY_DIR).is_dir():
                return cls(candidate)
        raise TtWsError(
            f"no {REGISTRY_DIR}/ directory at or above {here}: run tt-ws inside the repository"
        )


@dataclass(frozen=True)
class ScratchLayout(Layout):
    """A checkout whose gate output goes to a scratch directory of a command (`tt-ws check`,
    `tt-ws verify`) rather than to its own `.tt-ws/runs`: the checkout may be temporary."""

    scratch_runs: Path = Path()

    @property
    def runs(self) -> Path:
        return self.scratch_runs
