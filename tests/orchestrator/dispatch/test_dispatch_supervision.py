"""Supervision rules that the scenario test does not reach: time limits, agents' own lease
renewals as signs of life, and a failing dispatcher cleaning up after itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from dispatch_helpers import (
    agent_command,
    live_claims,
    make_dispatch_repo,
    running_agents,
    starts,
)
from typer.testing import CliRunner

from orchestrator.claims.secret import new_secret
from orchestrator.claims.store import ClaimStore
from orchestrator.cli import app
from orchestrator.dispatch.blocked import BlockedList
from orchestrator.dispatch.supervisor import Dispatcher


def dispatch(
    tmp: Path, monkeypatch: pytest.MonkeyPatch, entries: dict[str, tuple[str, ...]], *args: str
) -> tuple[int, str]:
    root = make_dispatch_repo(tmp / "repo", entries)
    monkeypatch.chdir(root)
    command = agent_command(tmp, entries)
    result = CliRunner().invoke(
        app, ["dispatch", "--command", command, "--backoff", "0.01", *args], env={"COLUMNS": "250"}
    )
    return result.exit_code, result.output


def test_an_attempt_past_the_time_limit_is_stopped_and_counts_as_timed_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out = dispatch(
        tmp_path,
        monkeypatch,
        {"sleep": ()},
        "--timeout",
        "0.5",
        "--max-attempts",
        "2",
        "--poll",
        "0.1",
    )
    assert code == 1, out
    root = tmp_path / "repo"
    blocked = BlockedList(ClaimStore.open(root).refs).active()["sleep"]
    assert blocked.reason == "timed out after 2 attempt(s): still running after 0.5 s"
    assert starts(tmp_path) == {("sleep", 1): 1, ("sleep", 2): 1}
    assert live_claims(root) == {}


# The agent is silent for ~6 s, renewing every ~0.8 s; a short lease makes the dispatcher renew
# several times between the agent's own renewals.
@pytest.mark.parametrize("lease_min", ["30", "0.02"])
def test_an_agent_that_renews_its_own_lease_is_not_stalled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lease_min: str
) -> None:
    code, out = dispatch(
        tmp_path, monkeypatch, {"beat": ()}, "--stall", "2.5", "--max-attempts", "1",
        "--lease", lease_min,
    )  # fmt: skip
    assert code == 0, out
    assert "succeeded beat: integrated into tt-ws/dispatch" in out
    assert "stalled" not in out


def test_a_dispatcher_that_fails_stops_its_agents_and_releases_their_claims(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Dispatcher, slot: object) -> None:
        raise RuntimeError("bug in verification")

    # The agent of `a` exits 0 at once and reaches the broken step; `sleep` is still running.
    monkeypatch.setattr(Dispatcher, "_verify", broken)
    code, out = dispatch(tmp_path, monkeypatch, {"a": (), "sleep": ()}, "-n", "2")
    assert code == 2, out
    assert "internal error (RuntimeError: bug in verification)" in out
    assert "cancelled sleep: the dispatcher failed (RuntimeError('bug in verification'))" in out
    assert live_claims(tmp_path / "repo") == {}
    assert running_agents(tmp_path) == []


def test_integration_is_refused_while_someone_holds_a_done_workstream_it_must_re_verify(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entries: dict[str, tuple[str, ...]] = {"a": (), "b": ()}
    root = make_dispatch_repo(tmp_path / "repo", entries)
    monkeypatch.chdir(root)
    command = agent_command(tmp_path, entries)

    human = new_secret()  # the person's claim secret, exported in their shell

    def tt_ws(*args: str) -> tuple[int, str]:
        env = {"COLUMNS": "250", "TT_WS_CLAIM_SECRET": human}
        result = CliRunner().invoke(app, list(args), env=env)
        return result.exit_code, result.output

    def dispatch_once() -> tuple[int, str]:
        return tt_ws("dispatch", "--command", command, "--max-attempts", "1")

    # `a` is integrated while a person holds `b`; then they give `b` back and take `a` to rework.
    assert tt_ws("claim", "b", "--agent", "human")[0] == 0
    assert dispatch_once()[0] == 0
    assert tt_ws("release", "b", "--agent", "human")[0] == 0
    assert tt_ws("claim", "a", "--agent", "human")[0] == 0

    # Integrating `b` means re-running `a`'s gates on the merge result: refused under their claim.
    code, out = dispatch_once()
    assert code == 1, out
    reason = BlockedList(ClaimStore.open(root).refs).active()["b"].reason
    assert reason.startswith(
        "failed after 1 attempt(s): the agent exited 0 but the gates do not pass: "
        "b build: UNKNOWN; a build: STALE (the gate run said: error: a is claimed by human "
    ), reason
    assert live_claims(root) == {"a": "human"}
