"""Fixtures for check tests: the small project of check_helpers, as the working directory."""

from __future__ import annotations

from pathlib import Path

import pytest
from check_helpers import make_project

from orchestrator.console import console


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_project(tmp_path / "project")
    monkeypatch.chdir(root)
    return root


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables wide enough that cells are not folded, so their text can be asserted."""
    monkeypatch.setattr(console, "width", 250)
