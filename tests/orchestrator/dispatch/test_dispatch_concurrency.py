"""Two dispatchers at once (on one repository, or on clones of one remote): the claim is the
only authority, nothing runs twice."""

from __future__ import annotations

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
