"""Two dispatchers on one repository: the claim is the only authority, nothing runs twice."""

from __future__ import annotations

from pathlib import Path

from dispatch_helpers import (
    agent_command,
    dispatcher,
    done_on,
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
