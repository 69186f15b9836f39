"""The dispatcher's parts on their own: command template, retry policy, blocked records, prompt."""

from __future__ import annotations

import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest
from dispatch_helpers import make_dispatch_repo
from typer.testing import CliRunner

from orchestrator.claims.errors import ClaimRefused
from orchestrator.claims.record import ClaimRecord
from orchestrator.claims.secret import is_secret
from orchestrator.claims.store import ClaimStore, Holder
from orchestrator.cli import app
from orchestrator.dispatch.blocked import BlockedList, BlockedRecord
from orchestrator.dispatch.command import FIELDS, CommandTemplate, environment
from orchestrator.dispatch.prompt import render_prompt
from orchestrator.dispatch.retry import ExitReason, RetryPolicy
from orchestrator.dispatch.slot import Slot
from orchestrator.errors import TtWsError
from orchestrator.registry import load_registry

NOON = datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc)


def values(**changes: str) -> dict[str, str]:
    return {name: f"<{name}>" for name in FIELDS} | changes


def test_template_fields_are_substituted_as_single_shell_words() -> None:
    argv = CommandTemplate("printf '%s|' {id} {title}").render(values(title="it's a `title` $x"))
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    assert out == "<id>|it's a `title` $x|"


def test_template_with_an_unknown_field_is_refused_naming_it() -> None:
    with pytest.raises(TtWsError, match=r"unknown field\(s\) branch, name; known: \{id\}"):
        CommandTemplate("agent {name} {branch} {id}")


def test_template_literal_braces_are_doubled() -> None:
    assert CommandTemplate("echo {{x}} {id}").render(values(id="1.1"))[-1] == "echo {x} 1.1"
    with pytest.raises(TtWsError, match="write literal braces as"):
        CommandTemplate("echo {")


def test_the_agent_environment_names_the_claim_holder_for_tt_ws() -> None:
    env = environment(values(agent="bot-1.1"))
    assert env["TT_WS_AGENT"] == "bot-1.1" and env["TT_WS_ID"] == "<id>"


def test_each_hand_out_gets_a_new_secret_passed_to_the_agent_in_its_environment() -> None:
    slot = Slot(1, "bot-1", Holder("bot-1", "h", 1))
    first, second = slot.next_agent(), slot.next_agent()
    assert first.secret and second.secret and first.secret != second.secret
    assert is_secret(first.secret) and first.secret not in repr(first)
    slot.holder = first
    assert slot.credentials() == {"TT_WS_AGENT": "bot-1.1", "TT_WS_CLAIM_SECRET": first.secret}


def test_retries_back_off_exponentially_up_to_the_cap() -> None:
    policy = RetryPolicy(max_attempts=5, base_s=2.0, cap_s=10.0)
    assert [policy.delay(n) for n in (1, 2, 3, 4)] == [2.0, 4.0, 8.0, 10.0]


@pytest.mark.parametrize(
    ("reason", "attempt", "retried"),
    [
        (ExitReason.FAILED, 1, True),
        (ExitReason.STALLED, 2, True),
        (ExitReason.TIMED_OUT, 3, False),  # the last attempt
        (ExitReason.CANCELLED, 1, False),  # not the workstream's fault
        (ExitReason.SUCCEEDED, 1, False),
    ],
)
def test_which_endings_are_retried(reason: ExitReason, attempt: int, retried: bool) -> None:
    assert RetryPolicy(max_attempts=3, base_s=1.0).should_retry(reason, attempt) is retried


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_dispatch_repo(tmp_path / "repo", {"a": (), "b": ("a",)})


def blocked_record(ws: str, reason: str) -> BlockedRecord:
    return BlockedRecord(
        workstream=ws, reason=reason, log="/logs/x.log", attempts=3, holder="bot-1.1", at=NOON
    )


def test_blocked_records_persist_and_clearing_leaves_them_inactive(repo: Path) -> None:
    blocked = BlockedList(ClaimStore.open(repo).refs)
    blocked.mark(blocked_record("a", "failed after 3 attempt(s): boom"))
    assert BlockedList(ClaimStore.open(repo).refs).active()["a"].log == "/logs/x.log"
    cleared = blocked.clear("a", NOON)
    assert cleared.cleared == NOON and blocked.active() == {}
    with pytest.raises(ClaimRefused, match=r"^a is not blocked$"):
        blocked.clear("a", NOON)
    # Blocked again later: a new record on top of the tombstone.
    blocked.mark(blocked_record("a", "stalled after 3 attempt(s)"))
    assert blocked.active()["a"].reason == "stalled after 3 attempt(s)"


def test_blocked_records_are_invisible_to_the_claims(repo: Path) -> None:
    store = ClaimStore.open(repo)
    BlockedList(store.refs).mark(blocked_record("a", "x"))
    assert store.snapshot().records == {}


def test_prompt_names_the_gates_the_claim_the_retry_reason_and_the_instructions(
    repo: Path,
) -> None:
    registry = load_registry(repo / "workstreams")
    claim = ClaimRecord(
        workstream="b",
        holder="bot-2.1",
        host="h",
        pid=1,
        token=7,
        start=NOON,
        expiry=NOON,
        worktree="/wt/b-t7",
        branch="tt-ws/b-t7",
    )
    text = render_prompt(
        registry, registry.get("b"), claim, 2, "failed: exit 3 (log x)", repo / "CLAUDE.md"
    )
    assert text.startswith("# Workstream b: Work b\n")
    assert "You are agent `bot-2.1`, attempt 2." in text and "fencing token 7" in text
    assert "`/wt/b-t7` (branch `tt-ws/b-t7`)" in text and "- `work/b.txt`" in text
    assert "Its dependencies are done: a (Work a)." in text
    assert "| build | build | `python check.py b` | exit_code == 0 |" in text
    assert "`tt-ws run b`" in text
    assert "## Why the previous attempt did not count\n\nfailed: exit 3 (log x)" in text
    assert text.endswith("## Project instructions (CLAUDE.md)\n\n# Rules\n\nWrite the work file.\n")


def test_next_never_hands_out_a_blocked_workstream_until_it_is_unblocked(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo)
    BlockedList(ClaimStore.open(repo).refs).mark(blocked_record("a", "crashed"))
    refused = CliRunner().invoke(app, ["next", "--dry-run"])
    assert refused.exit_code == 1, refused.output
    assert "ready, in hand-out order: none" in refused.output
    unblocked = CliRunner().invoke(app, ["dispatch", "--unblock", "a"])
    assert unblocked.output == "unblocked a (was: crashed)\n"
    again = CliRunner().invoke(app, ["next", "--dry-run"])
    assert "would claim a Work a" in again.output


def test_dispatch_refuses_to_integrate_into_a_checked_out_branch(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(app, ["dispatch", "--command", "true", "--into", "main"])
    assert result.exit_code == 1
    assert f"error: branch main is checked out in {repo}; the dispatcher integrates" in (
        result.output
    )
    assert ClaimStore.open(repo).snapshot().records == {}
