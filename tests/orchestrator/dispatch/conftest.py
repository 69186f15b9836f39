"""Dispatcher tests run in temporary repositories with scripted agents, never on this repo."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(autouse=True)
def _no_inherited_agent(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TT_WS_AGENT", "TT_WS_CLAIM_SECRET", "TT_WS_CLAIMS_REMOTE"):
        monkeypatch.delenv(name, raising=False)
