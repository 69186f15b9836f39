"""`tt-ws dispatch` end to end: scripted agents over a registry with dependencies."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from dispatch_helpers import (
    agent_command,
    done_on,
    git,
    live_claims,
    make_dispatch_repo,
    running_agents,
    starts,
    status_check,
)
from typer.testing import CliRunner

from orchestrator.claims.store import ClaimStore
from orchestrator.cli import app
from orchestrator.dispatch.blocked import BlockedList
from orchestrator.evidence import EvidenceStore
from orchestrator.layout import Layout

# a <- b, a <- c, (b, c) <- d; crash <- after-crash; lazy and stall stand alone.
ENTRIES: dict[str, tuple[str, ...]] = {
    "a": (),
    "b": ("a",),
    "c": ("a",),
    "d": ("b", "c"),
    "lazy": (),
    "crash": (),
    "after-crash": ("crash",),
    "stall": (),
}


def dispatch(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["dispatch", *args], env={"COLUMNS": "250"})
    return result.exit_code, result.output


@pytest.fixture
def scenario(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, str]:
    root = make_dispatch_repo(tmp_path / "repo", ENTRIES)
    monkeypatch.chdir(root)
    return tmp_path, root, agent_command(tmp_path, ENTRIES)


def test_three_agents_finish_the_graph_and_block_what_never_passes(
    scenario: tuple[Path, Path, str],
) -> None:
    tmp, root, command = scenario
    code, out = dispatch(
        "--agents", "3", "--command", command, "--max-attempts", "2", "--backoff", "0.01",
        "--stall", "1.5", "--lease", "0.05", "--poll", "0.2", "--prefix", "bot",
    )  # fmt: skip
    assert code == 1, out  # something ended blocked

    # Gates that the agents made pass: the work and its dependents are done on the branch.
    assert done_on(root, "tt-ws/dispatch", tmp / "check") == {"a", "b", "c", "d", "stall"}
    # ... and its status pages were regenerated with the evidence (the agents' conflicting
    # pages resolved on merge).
    checked = status_check(tmp / "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # Dependents started only after their dependencies were integrated (the agent asserts that
    # the dependencies' files are in its tree, and each ran exactly once).
    ran = starts(tmp)
    for ws in ("a", "b", "c", "d"):
        assert ran[(ws, 1)] == 1 and (ws, 2) not in ran, ran
    # Exit 0 without doing the work is not evidence: retried, then blocked.
    blocked = BlockedList(ClaimStore.open(root).refs).active()
    assert ran[("lazy", 1)] == ran[("lazy", 2)] == 1
    assert blocked["lazy"].reason.startswith(
        "failed after 2 attempt(s): the agent exited 0 but the gates do not pass: lazy build: "
    )
    # The stalled agent was stopped, retried, and then succeeded.
    assert ran[("stall", 1)] == ran[("stall", 2)] == 1
    assert "stalled stall attempt 1: printed nothing and renewed nothing for 1.5 s" in out
    # The crashing agent is blocked after K attempts, its log named; its dependent never ran.
    assert blocked["crash"].reason == "failed after 2 attempt(s): the agent exited with status 3"
    log = Path(blocked["crash"].log)
    assert log.is_file() and "attempt 2 of crash" in log.read_text()
    assert log.parent.name == "crash" and log.name.endswith("-attempt2.log")
    assert ("after-crash", 1) not in ran
    assert set(blocked) == {"lazy", "crash"}
    # Nothing stays claimed, no agent outlives the run, no stalled agent still sleeps.
    assert live_claims(root) == {}
    assert running_agents(tmp) == []
    # The dispatcher's gate runs proved its claims with the agents' secrets: stamped evidence.
    stamped = EvidenceStore(Layout(tmp / "check").evidence).all_records()
    assert {r.workstream for r in stamped if (r.claim_holder or "").startswith("bot-")} >= {
        "a",
        "b",
        "c",
        "d",
    }
    # The secrets reached the agents only through the environment: no prompt, log or state
    # file holds one.
    written = [f.read_text() for f in (root / ".tt-ws" / "dispatch").rglob("*") if f.is_file()]
    assert written and not any(re.search(r"ttws_[A-Za-z0-9_-]{32}", text) for text in written)
    # The user's branch and working tree were not touched.
    assert git(root, "branch", "--show-current") == "main"
    assert not (root / "work").exists()
