"""Fixtures of the claim tests: temporary git repositories (never the real repo's refs), a clock."""

from __future__ import annotations

from pathlib import Path

import pytest
from claims_helpers import FakeClock, git, make_board_repo, make_repo

from orchestrator.claims.refs import LocalRefs
from orchestrator.claims.store import ClaimStore


@pytest.fixture
def claims_repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo")


@pytest.fixture
def shared_clones(tmp_path: Path) -> tuple[Path, Path]:
    """Two clones of one bare remote, as two machines would have."""
    origin = make_repo(tmp_path / "seed")
    bare = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(origin), str(bare))
    clones = []
    for name in ("clone-a", "clone-b"):
        git(tmp_path, "clone", "-q", str(bare), name)
        clones.append(tmp_path / name)
    return clones[0], clones[1]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(claims_repo: Path, clock: FakeClock) -> ClaimStore:
    """A local claim store on `claims_repo`, reading time from `clock`."""
    return ClaimStore(LocalRefs(claims_repo), clock=clock)


@pytest.fixture
def board_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repo holding a small registry, as the working directory."""
    root = make_board_repo(tmp_path / "board")
    monkeypatch.chdir(root)
    monkeypatch.delenv("TT_WS_AGENT", raising=False)
    monkeypatch.delenv("TT_WS_CLAIMS_REMOTE", raising=False)
    return root
