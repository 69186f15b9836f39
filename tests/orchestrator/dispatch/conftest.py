"""Dispatcher tests run in temporary repositories with scripted agents, never on this repo."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(autouse=True)
def _no_inherited_agent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TT_WS_AGENT", raising=False)
    monkeypatch.delenv("TT_WS_CLAIMS_REMOTE", raising=False)
