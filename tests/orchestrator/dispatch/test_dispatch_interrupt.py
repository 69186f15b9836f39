"""Ctrl-C stops every agent and releases every claim; `--status` shows a running dispatcher."""

from __future__ import annotations

import signal
import socket
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from dispatch_helpers import (
    agent_command,
    dispatcher,
    journal,
    live_claims,
    make_dispatch_repo,
    running_agents,
)
from typer.testing import CliRunner

from orchestrator.cli import app

ENTRIES: dict[str, tuple[str, ...]] = {"sleep1": (), "sleep2": (), "later": ("sleep1",)}


def wait_for(condition: Callable[[], bool], timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def status() -> str:
    result = CliRunner().invoke(app, ["dispatch", "--status"], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("sigint_ignored", [False, True], ids=["default", "sigint-ignored"])
def test_ctrl_c_stops_the_agents_and_releases_their_claims(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sigint_ignored: bool
) -> None:
    """Also when started as a non-interactive shell starts `&` jobs, with SIGINT ignored."""
    root = make_dispatch_repo(tmp_path / "repo", ENTRIES)
    command = agent_command(tmp_path, ENTRIES)
    monkeypatch.chdir(root)
    args = ("-n", "2", "--command", command, "--prefix", "bot")
    with dispatcher(root, *args, sigint_ignored=sigint_ignored) as running:
        wait_for(lambda: len(journal(tmp_path)) == 2)
        assert set(live_claims(root)) == {"sleep1", "sleep2"}
        # The state file is refreshed twice a second: wait until it shows both agents' output.
        wait_for(lambda: status().count("agent on sleep") == 2)
        shown = status()
        assert f"dispatcher {socket.gethostname()}:{running.pid} → tt-ws/dispatch" in shown
        for agent, ws in (("bot-1.1", "sleep1"), ("bot-2.1", "sleep2")):
            rows = [line for line in shown.splitlines() if agent in line and ws in line]
            assert len(rows) == 1 and "running" in rows[0], shown

        running.send_signal(signal.SIGINT)
        # Generous: stopping releases the claims with git, slow on a loaded machine.
        out = running.communicate(timeout=120)[0]

    assert running.returncode == 130, out
    assert "cancelled sleep1: stopped by the user; claim released" in out
    assert "cancelled sleep2: stopped by the user; claim released" in out
    assert live_claims(root) == {}
    # SIGKILLed agents are gone once the kernel has torn them down: a condition, not a moment.
    wait_for(lambda: running_agents(tmp_path) == [])
    assert "no dispatcher is running on this repository" in status()
