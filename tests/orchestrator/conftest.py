"""Temporary git repositories holding a small registry, so tests never touch the real evidence."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from repo_helpers import DOCS_PAGE, PASSING_TESTS, SMALL_REGISTRY, commit_all, git, write


@pytest.fixture(autouse=True)
def _subprocesses_import_this_clone(monkeypatch: pytest.MonkeyPatch) -> None:
    """A `tt-ws` started as a subprocess (a scripted agent's heartbeat, the dispatcher's gate run)
    imports this clone's orchestrator, as the tests themselves do, not an installed copy of
    another tree."""
    clone = str(Path(__file__).resolve().parents[2])
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(p for p in (clone, os.environ.get("PYTHONPATH")) if p)
    )


@pytest.fixture(autouse=True)
def _no_inherited_claim_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run by an agent under `tt-ws dispatch` inherit its claim's secret: not theirs."""
    monkeypatch.delenv("TT_WS_CLAIM_SECRET", raising=False)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A committed git repo with SMALL_REGISTRY, passing tests and a complete docs page; cwd."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "test@example.com")
    git(root, "config", "user.name", "test")
    write(root, ".gitignore", "__pycache__/\n.tt-ws/\n")
    write(root, "workstreams/phase-1.yaml", SMALL_REGISTRY)
    write(root, "tests/test_add.py", PASSING_TESTS)
    write(root, "docs/add.md", DOCS_PAGE)
    commit_all(root, "init")
    monkeypatch.chdir(root)
    return root


@pytest.fixture(autouse=True)
def _no_runner_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """Records are not signed with the key of the machine running the tests (a maintainer's
    `~/.config/tt-ws/runner-key.pem`); tests of attestation bring their own keys."""
    monkeypatch.setenv("TT_WS_RUNNER_KEY", "")
