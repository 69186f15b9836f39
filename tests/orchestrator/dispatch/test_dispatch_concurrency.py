"""Two dispatchers at once (on one repository, or on clones of one remote): the claim is the
only authority, nothing runs twice."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from dispatch_helpers import (
    agent_command,
    dispatcher,
    done_on,
    git,
    live_claims,
    make_dispatch_repo,
    starts,
)

from orchestrator.dispatch.command import CommandTemplate
from orchestrator.dispatch.retry import RetryPolicy
from orchestrator.dispatch.supervisor import DispatchConfig, Dispatcher

# Two chains that meet, plus independent work: enough for both dispatchers to find something.
ENTRIES: dict[str, tuple[str, ...]] = {
    "a": (),
    "b": ("a",),
    "c": ("a",),
    "d": (),
    "e": ("d",),
    "f": ("b", "e"),
    "g": (),
}


def test_two_dispatchers_started_at_once_run_each_workstream_once(tmp_path: Path) -> None:
    root = make_dispatch_repo(tmp_path / "repo", ENTRIES)
    command = agent_command(tmp_path, ENTRIES)
    common = ("--agents", "2", "--command", command, "--stall", "20", "--poll", "0.1")
    with (
        dispatcher(root, *common, "--prefix", "one") as first,
        dispatcher(root, *common, "--prefix", "two") as second,
    ):
        outputs = [p.communicate(timeout=120)[0] for p in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outputs

    ran = starts(tmp_path)
    assert ran == {(ws, 1): 1 for ws in ENTRIES}, (ran, outputs)
    assert done_on(root, "tt-ws/dispatch", tmp_path / "check") == set(ENTRIES)
    assert live_claims(root) == {}


@pytest.mark.slow  # ~18 s: every look at the claims and the branch is a fetch
def test_two_dispatchers_on_clones_of_one_remote_run_each_workstream_once(tmp_path: Path) -> None:
    seed = make_dispatch_repo(tmp_path / "seed", ENTRIES)
    bare = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(seed), str(bare))
    clones = []
    for name in ("clone-a", "clone-b"):
        git(tmp_path, "clone", "-q", str(bare), name)
        git(tmp_path / name, "config", "tt-ws.claimsRemote", "origin")
        clones.append(tmp_path / name)
    command = agent_command(tmp_path, ENTRIES)
    common = ("--agents", "2", "--command", command, "--stall", "20", "--poll", "0.1")
    with (
        dispatcher(clones[0], *common, "--prefix", "one") as first,
        dispatcher(clones[1], *common, "--prefix", "two") as second,
    ):
        outputs = [p.communicate(timeout=120)[0] for p in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outputs

    assert starts(tmp_path) == {(ws, 1): 1 for ws in ENTRIES}, outputs
    git(clones[0], "fetch", "-q", "origin", "+refs/heads/tt-ws/dispatch:refs/heads/tt-ws/dispatch")
    assert done_on(clones[0], "tt-ws/dispatch", tmp_path / "check") == set(ENTRIES)
    assert live_claims(clones[1]) == {}


def test_a_claim_won_on_an_outdated_view_is_checked_against_the_newest_branch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The window two dispatchers race in: B reads the board, A integrates `a` and releases its
    # claim, B wins the claim on `a`. B must look again before starting an agent.
    root = make_dispatch_repo(tmp_path / "repo", {"a": (), "lazy": ()})
    monkeypatch.chdir(root)
    before = git(root, "rev-parse", "HEAD")
    config = DispatchConfig(
        agents=1,
        command=CommandTemplate(agent_command(tmp_path, {})),
        retry=RetryPolicy(1, 0.0),
        stall_s=20,
        timeout_s=None,
        lease=timedelta(minutes=1),
        target="tt-ws/dispatch",
        poll_s=0.1,
    )
    Dispatcher(config, root).run()  # A: integrates `a`, blocks `lazy`
    late = Dispatcher(config, root)  # B, still looking at the commit it read before
    try:
        assert late._why_not_now("a", before) == "done on tt-ws/dispatch meanwhile"
        assert late._why_not_now("lazy", before) == (
            "blocked: failed after 1 attempt(s): the agent exited 0 but the gates do not pass: "
            "lazy build: exit_code == 0: got 1"
        )
    finally:
        late.view.remove()
