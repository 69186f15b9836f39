"""The claim commands end to end in a temporary repo: next, claim, release, heartbeat, agents."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from claims_helpers import git
from typer.testing import CliRunner

from orchestrator.claims.board import Board
from orchestrator.claims.errors import ClaimRefused
from orchestrator.claims.secret import new_secret
from orchestrator.claims.store import ClaimStore, Holder
from orchestrator.cli import app
from orchestrator.evidence import EvidenceRecord, EvidenceStore
from orchestrator.layout import Layout
from orchestrator.status import WorkstreamState, current_status
from orchestrator.tree import source_tree

runner = CliRunner()


def tt_ws(*args: str, secret: str | None = None) -> tuple[int, str]:
    """`tt-ws ARGS`, with $TT_WS_CLAIM_SECRET set to `secret` when one is given."""
    env = {"COLUMNS": "200", **({"TT_WS_CLAIM_SECRET": secret} if secret else {})}
    result = runner.invoke(app, list(args), env=env)
    return result.exit_code, result.output


def secret_in(output: str) -> str:
    """The claim secret a claim command printed (once)."""
    found = re.search(r"TT_WS_CLAIM_SECRET=(ttws_\S+)", output)
    assert found, output
    return found[1]


def claim(ws: str, agent: str, *options: str) -> str:
    """Claim `ws` as `agent`; the claim's secret."""
    code, out = tt_ws("claim", ws, "--agent", agent, *options)
    assert code == 0, out
    return secret_in(out)


def finish(ws: str) -> None:
    code, out = tt_ws("run", ws)
    assert code == 0, out


def test_next_dry_run_shows_the_pick_and_claims_nothing(board_repo: Path) -> None:
    code, out = tt_ws("next", "--dry-run", "--agent", "alice")
    assert code == 0, out
    assert "ready, in hand-out order: base (unblocks 4)" in out
    assert "would claim base Base (unblocks 4, priority 0)" in out
    assert ClaimStore.open(board_repo).snapshot().records == {}


def test_next_claims_and_prints_the_gates_and_the_protocol(board_repo: Path) -> None:
    code, out = tt_ws("next", "--agent", "alice")
    assert code == 0, out
    assert "claimed base Base — holder alice, token 1" in out
    assert "python -c pass" in out and "exit_code == 0" in out
    assert "tt-ws run base" in out and "tt-ws release base --agent alice" in out
    assert ClaimStore.open(board_repo).snapshot().records["base"].holder == "alice"


def test_next_fails_when_everything_ready_is_claimed(board_repo: Path) -> None:
    tt_ws("next", "--agent", "alice")
    code, out = tt_ws("next", "--agent", "bob")
    assert code == 1
    assert "base: claimed by alice (token 1)" in out


def test_next_with_nothing_ready_says_what_blocks(board_repo: Path) -> None:
    for ws in ("base", "left", "leaf", "right", "other"):
        finish(ws)
    code, out = tt_ws("next", "--dry-run")
    assert code == 1
    assert "no workstream is ready to claim (5 done, 0 ready" in out


def test_next_hands_out_by_critical_path_and_skips_overlapping_paths(board_repo: Path) -> None:
    finish("base")
    code, out = tt_ws("next", "--dry-run")
    assert (
        "ready, in hand-out order: left (unblocks 1), other (unblocks 0), right (unblocks 0)" in out
    )
    assert "claimed left" in tt_ws("next", "--agent", "alice")[1]  # unblocks leaf
    code, out = tt_ws("next", "--agent", "bob")
    assert "claimed other" in out, out  # priority 1 before right, which overlaps left anyway
    code, out = tt_ws("next", "--agent", "carol")
    assert code == 1
    assert (
        "right: owned paths overlap left (claimed by alice): src/shared/right.py ~ src/shared/**"
        in out
    )


def test_next_worktree_creates_a_worktree_and_branch_for_the_claim(
    board_repo: Path, tmp_path: Path
) -> None:
    code, out = tt_ws(
        "next", "--agent", "alice", "--worktree", "--worktree-dir", str(tmp_path / "wt")
    )
    assert code == 0, out
    record = ClaimStore.open(board_repo).snapshot().records["base"]
    assert record.worktree == str(tmp_path / "wt" / "base-t1") and record.branch == "tt-ws/base-t1"
    assert (tmp_path / "wt" / "base-t1" / "workstreams" / "board.yaml").is_file()
    assert git(board_repo, "branch", "--list", "tt-ws/base-t1").strip().endswith("tt-ws/base-t1")


def test_claim_names_a_workstream_and_warns_when_it_waits_on_others(board_repo: Path) -> None:
    code, out = tt_ws("claim", "leaf", "--agent", "alice")
    assert code == 0, out
    assert "warning: leaf waits on left" in out
    code, out = tt_ws("claim", "leaf", "--agent", "bob")
    assert code == 1 and "leaf: claimed by alice" in out


def test_claim_of_an_unknown_workstream_is_a_clean_error(board_repo: Path) -> None:
    code, out = tt_ws("claim", "nope", "--agent", "alice")
    assert code == 1 and "unknown workstream 'nope'" in out


def test_release_only_by_the_holder(board_repo: Path) -> None:
    secret = claim("base", "alice")
    code, out = tt_ws("release", "base", "--agent", "bob", secret=secret)
    assert code == 1 and "base is claimed by alice (token 1), not by bob" in out
    code, out = tt_ws("release", "base", "--agent", "alice", secret=secret)
    assert code == 0 and "released base (token 1" in out
    assert "claimed base" in tt_ws("next", "--agent", "bob")[1]


def test_a_claim_prints_its_secret_once_and_stores_only_a_salted_hash(board_repo: Path) -> None:
    code, out = tt_ws("claim", "base", "--agent", "alice")
    assert code == 0, out
    secret = secret_in(out)
    assert "export TT_WS_AGENT=alice TT_WS_CLAIM_SECRET=" in out and out.count(secret) == 1
    stored = git(board_repo, "log", "--format=%B", "refs/tt-ws/claims/base", "refs/tt-ws/fence")
    assert secret not in stored and secret.removeprefix("ttws_") not in stored
    record = ClaimStore.open(board_repo).snapshot().records["base"]
    assert record.secret_hash is not None and record.secret_hash.startswith("sha256:")
    code, out = tt_ws("agents", "--all")
    assert code == 0 and secret not in out and record.secret_hash not in out


def test_a_secret_in_the_environment_binds_every_claim_of_the_agent(board_repo: Path) -> None:
    secret = claim("base", "alice")
    code, out = tt_ws("claim", "other", "--agent", "alice", secret=secret)
    assert code == 0 and "bound to your secret $TT_WS_CLAIM_SECRET" in out
    assert "TT_WS_CLAIM_SECRET=" not in out
    code, out = tt_ws("heartbeat", "--agent", "alice", secret=secret)
    assert code == 0 and "renewed base" in out and "renewed other" in out


def test_a_malformed_secret_in_the_environment_is_refused_before_claiming(
    board_repo: Path,
) -> None:
    code, out = tt_ws("claim", "base", "--agent", "alice", secret="hunter2")
    assert code == 1 and "$TT_WS_CLAIM_SECRET does not hold a claim secret" in out
    assert ClaimStore.open(board_repo).snapshot().records == {}


@pytest.mark.parametrize(
    ("command", "secret", "why"),
    [
        pytest.param(("release", "base"), None, "needs its secret", id="release-no-secret"),
        pytest.param(
            ("release", "base"),
            new_secret(),
            "$TT_WS_CLAIM_SECRET is not its secret",
            id="release-guessed",
        ),
        pytest.param(("heartbeat",), None, "needs its secret", id="heartbeat-no-secret"),
        pytest.param(
            ("heartbeat", "base"),
            new_secret(),
            "$TT_WS_CLAIM_SECRET is not",
            id="heartbeat-guessed",
        ),
    ],
)
def test_naming_yourself_as_the_holder_does_not_let_you_act_for_it(
    board_repo: Path, command: tuple[str, ...], secret: str | None, why: str
) -> None:
    claim("base", "victim")
    before = ClaimStore.open(board_repo).snapshot().records["base"]
    code, out = tt_ws(*command, "--agent", "victim", secret=secret)
    assert code == 1 and f"base is claimed by victim (token 1): {why}" in out
    assert ClaimStore.open(board_repo).snapshot().records["base"] == before


def test_a_stolen_agent_name_cannot_record_evidence_under_the_victims_claim(
    board_repo: Path,
) -> None:
    claim("base", "victim")
    thief = claim("other", "thief")  # a real secret, of another claim
    for secret in (None, thief):
        code, out = run_as("victim", "base", secret)
        assert code == 1 and "base is claimed by victim (token 1)" in out, out
    assert records(board_repo) == []


def test_heartbeat_renews_your_claims_and_fails_when_you_hold_none(board_repo: Path) -> None:
    code, out = tt_ws("heartbeat", "--agent", "alice")
    assert code == 1 and "alice holds no live claim to renew" in out
    secret = claim("base", "alice", "--lease", "1")
    before = ClaimStore.open(board_repo).snapshot().records["base"].expiry
    code, out = tt_ws("heartbeat", "--agent", "alice", "--lease", "10", secret=secret)
    assert code == 0 and "renewed base (token 1)" in out
    assert ClaimStore.open(board_repo).snapshot().records["base"].expiry > before + timedelta(
        minutes=8
    )


def test_agents_lists_holder_since_and_lease_left(board_repo: Path) -> None:
    tt_ws("claim", "base", "--agent", "alice")
    assert tt_ws("claim", "other", "--agent", "bob", "--lease", "0.01")[0] == 0
    time.sleep(0.7)
    code, out = tt_ws("agents")
    assert code == 0
    assert "alice" in out and "29m" in out and "bob" not in out
    code, out = tt_ws("agents", "--all")
    assert "bob" in out and "expired" in out


def test_evidence_recorded_after_the_lease_expired_does_not_turn_the_gate_green(
    board_repo: Path,
) -> None:
    assert tt_ws("claim", "base", "--agent", "alice", "--lease", "0.01")[0] == 0
    claim = ClaimStore.open(board_repo).snapshot().records["base"]
    tree = source_tree(board_repo)
    late = claim.expiry + timedelta(seconds=1)
    EvidenceStore(Layout(board_repo).evidence).append(
        EvidenceRecord(
            workstream="base", gate="build", kind="build", command="python -c pass",
            exit_code=0, metrics={"exit_code": 0.0}, tree=tree.hash, dirty=tree.dirty,
            started_at=late - timedelta(seconds=1), finished_at=late,
            claim_holder="alice", fencing_token=claim.token,
        )
    )  # fmt: skip
    board = Board.load()
    unfenced = current_status(board.layout, board.registry)  # the record on its own would pass
    assert unfenced.workstreams["base"].state is WorkstreamState.DONE
    assert board.report.workstreams["base"].state is not WorkstreamState.DONE
    _wait_until(lambda: datetime.now(timezone.utc) > claim.expiry)
    code, out = tt_ws("next", "--agent", "bob")
    assert code == 0 and "claimed base Base — holder bob, token 2" in out


def test_a_sigkilled_agent_leaves_no_claim_past_its_lease(board_repo: Path) -> None:
    lease_min = 0.05  # 3 s
    secret = claim("base", "alice", "--lease", str(lease_min))
    store = ClaimStore.open(board_repo)
    first_expiry = store.snapshot().records["base"].expiry
    beat = subprocess.Popen(
        [sys.executable, "-c", "from orchestrator.cli import main; main()", "heartbeat", "--agent", "alice",
         "--lease", str(lease_min), "--every", "0.3"],
        cwd=board_repo, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        env={**os.environ, "TT_WS_CLAIM_SECRET": secret},
    )  # fmt: skip
    try:
        _wait_until(lambda: datetime.now(timezone.utc) > first_expiry + timedelta(seconds=0.5))
        assert store.snapshot().live(datetime.now(timezone.utc))["base"].holder == "alice", (
            "not renewed"
        )
    finally:
        os.kill(beat.pid, signal.SIGKILL)
        beat.wait()
    bob = Holder("bob", "h", 1, new_secret())
    with pytest.raises(ClaimRefused, match="claimed by alice"):
        store.acquire(["base"], bob)
    _wait_until(lambda: "base" not in store.snapshot().live(datetime.now(timezone.utc)), timeout=5)
    assert store.acquire(["base"], bob).token > 1


def _wait_until(condition: Callable[[], bool], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def run_as(agent: str, ws: str, secret: str | None) -> tuple[int, str]:
    env = {"COLUMNS": "200", "TT_WS_AGENT": agent, "TT_WS_CLAIM_SECRET": secret}
    result = runner.invoke(app, ["run", ws], env=env)
    return result.exit_code, result.output


def records(root: Path) -> list[EvidenceRecord]:
    return EvidenceStore(Layout(root).evidence).all_records()


def test_a_run_under_a_live_claim_is_stamped_and_counts(board_repo: Path) -> None:
    secret = claim("base", "alice")
    code, out = run_as("alice", "base", secret)
    assert code == 0, out
    (record,) = records(board_repo)
    assert (record.claim_holder, record.fencing_token) == ("alice", 1)
    assert Board.load().report.workstreams["base"].state is WorkstreamState.DONE


def test_a_run_under_a_claim_carries_its_lease_end_and_counts_without_the_claim_refs(
    board_repo: Path,
) -> None:
    """A clone that never fetched refs/tt-ws/* (CI) judges the record by its own lease end."""
    secret = claim("base", "alice")
    lease_end = ClaimStore.open(board_repo).snapshot().records["base"].expiry
    assert run_as("alice", "base", secret)[0] == 0
    (record,) = records(board_repo)
    assert record.claim_expiry == lease_end and record.finished_at < lease_end
    for ref in ("refs/tt-ws/claims/base", "refs/tt-ws/fence"):
        subprocess.run(["git", "update-ref", "-d", ref], cwd=board_repo, check=True)
    assert Board.load().report.workstreams["base"].state is WorkstreamState.DONE


def test_a_run_on_a_workstream_held_by_another_agent_is_refused_before_it_starts(
    board_repo: Path,
) -> None:
    secret = claim("base", "alice")
    code, out = run_as("bob", "base", secret)
    assert code == 1 and "base is claimed by alice (token 1)" in out
    assert records(board_repo) == []


def test_a_run_after_the_runners_lease_expired_is_refused(board_repo: Path) -> None:
    secret = claim("base", "alice", "--lease", "0.01")
    expiry = ClaimStore.open(board_repo).snapshot().records["base"].expiry
    _wait_until(lambda: datetime.now(timezone.utc) > expiry)
    code, out = run_as("alice", "base", secret)
    assert code == 1 and "your claim (token 1) expired" in out
    assert records(board_repo) == []


def test_worktrees_go_beside_the_main_tree_even_when_claimed_from_a_worktree(
    board_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert tt_ws("next", "--agent", "alice", "--worktree")[0] == 0
    first = board_repo.parent / "board-worktrees" / "base-t1"
    assert (first / "workstreams" / "board.yaml").is_file()
    monkeypatch.chdir(first)
    code, out = tt_ws("claim", "other", "--agent", "alice", "--worktree")
    assert code == 0, out
    assert (board_repo.parent / "board-worktrees" / "other-t2" / ".git").is_file()


def test_a_claim_whose_worktree_cannot_be_created_is_released_again(board_repo: Path) -> None:
    git(board_repo, "branch", "tt-ws/base-t1")
    code, out = tt_ws("next", "--agent", "alice", "--worktree")
    assert code == 1 and "cannot create worktree" in out and "tt-ws/base-t1" in out
    snap = ClaimStore.open(board_repo).snapshot()
    assert snap.live(datetime.now(timezone.utc)) == {} and snap.records["base"].released is not None


def _leave_a_lock(path: Path, age_s: float) -> None:
    """A ref lock file as a git process killed while holding it leaves behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("")
    then = time.time() - age_s
    os.utime(path, (then, then))


@pytest.mark.parametrize("command", [("next",), ("next", "--dry-run"), ("claim", "base")])
def test_a_stale_lock_is_diagnosed_at_once_with_the_command_that_clears_it(
    board_repo: Path, command: tuple[str, ...]
) -> None:
    lock = board_repo / ".git" / "refs" / "tt-ws" / "fence.lock"
    _leave_a_lock(lock, age_s=60)
    started = time.monotonic()
    code, out = tt_ws(*command, "--agent", "alice")
    assert time.monotonic() - started < 1.0
    assert code == 1 and f"stale git lock {lock} (6" in out and f"rm {lock}" in out
    assert "would claim" not in out and "retry" not in out
    lock.unlink()
    assert tt_ws(*command, "--agent", "alice")[0] == 0


def test_a_stale_lock_on_a_claim_ref_blocks_only_with_that_diagnosis(board_repo: Path) -> None:
    secret = claim("base", "alice")
    lock = board_repo / ".git" / "refs" / "tt-ws" / "claims" / "base.lock"
    _leave_a_lock(lock, age_s=3600)
    code, out = tt_ws("release", "base", "--agent", "alice", secret=secret)
    assert code == 1 and f"stale git lock {lock} (3600 s old)" in out


def test_a_lock_held_by_a_live_writer_is_waited_for_not_reported(board_repo: Path) -> None:
    lock = board_repo / ".git" / "refs" / "tt-ws" / "fence.lock"
    _leave_a_lock(lock, age_s=0)
    remover = threading.Timer(0.5, lock.unlink)
    remover.start()
    try:
        code, out = tt_ws("claim", "base", "--agent", "alice")
    finally:
        remover.join()
    assert code == 0 and "claimed base" in out, out


@pytest.mark.parametrize(
    "args",
    [
        ("next", "--lease", "1e30"),
        ("next", "--lease", "nan"),
        ("claim", "base", "--lease", "inf"),
        ("heartbeat", "--lease", "0"),
        ("heartbeat", "--every", "1e30"),
    ],
)
def test_lease_and_heartbeat_periods_out_of_bounds_are_usage_errors(
    board_repo: Path, args: tuple[str, ...]
) -> None:
    code, out = tt_ws(*args, "--agent", "alice")
    assert code == 2 and "is not between" in out, out
    assert ClaimStore.open(board_repo).snapshot().records == {}
