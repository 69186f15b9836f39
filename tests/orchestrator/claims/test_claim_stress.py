"""Many processes racing for the same ready set never both win a workstream.

Each winner logs `enter`/`exit` around a short critical section and then releases, so claims
churn and every workstream is won many times; mutual exclusion means each workstream's log is a
strict alternation of enter/exit by one holder and token, and no token is ever handed out twice.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import time
from collections import defaultdict
from pathlib import Path

import pytest

from orchestrator.claims.errors import ClaimRefused
from orchestrator.claims.secret import new_secret
from orchestrator.claims.store import ClaimStore, Holder

READY_SET = [f"ws-{i}" for i in range(6)]


def _contender(root: str, remote: str | None, name: str, attempts: int, log: str) -> None:
    store = ClaimStore.open(Path(root), remote=remote)
    holder = Holder(name, "stress", os.getpid(), new_secret())
    rng = random.Random(name)
    for _ in range(attempts):
        try:
            rec = store.acquire(rng.sample(READY_SET, len(READY_SET)), holder)
        except ClaimRefused:
            continue
        _log(log, f"enter {rec.workstream} {name} {rec.token}")
        time.sleep(0.001)
        _log(log, f"exit {rec.workstream} {name} {rec.token}")
        store.release(rec.workstream, holder)


def _log(path: str, line: str) -> None:
    # One O_APPEND write per line: lines of concurrent processes never interleave.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    os.write(fd, (line + "\n").encode())
    os.close(fd)


def _race(clones: list[Path], remote: str | None, per_clone: int, attempts: int, log: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    procs = [
        ctx.Process(
            target=_contender, args=(str(root), remote, f"agent-{c}-{p}", attempts, str(log))
        )
        for c, root in enumerate(clones)
        for p in range(per_clone)
    ]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=600)
        assert proc.exitcode == 0, f"{proc.name} exited with {proc.exitcode}"


def _assert_mutual_exclusion(log: Path, min_wins: int) -> None:
    held: dict[str, tuple[str, str]] = {}
    tokens: list[int] = []
    per_ws: dict[str, int] = defaultdict(int)
    for line in log.read_text().splitlines():
        event, ws, name, token = line.split()
        if event == "enter":
            assert ws not in held, f"double claim of {ws}: {held[ws]} and {(name, token)}"
            held[ws] = (name, token)
            tokens.append(int(token))
            per_ws[ws] += 1
        else:
            assert held.pop(ws) == (name, token)
    assert held == {}
    assert len(tokens) == len(set(tokens)), "a fencing token was handed out twice"
    assert len(tokens) >= min_wins, f"only {len(tokens)} claims won: the race was not exercised"


def test_eight_processes_times_fifty_attempts_never_double_claim(
    claims_repo: Path, tmp_path: Path
) -> None:
    _race([claims_repo], None, per_clone=8, attempts=50, log=tmp_path / "log")
    _assert_mutual_exclusion(tmp_path / "log", min_wins=100)


@pytest.mark.parametrize(
    ("per_clone", "attempts", "min_wins"),
    [
        pytest.param(2, 10, 10, id="2-clones-x-2-processes-x-10"),
        pytest.param(4, 50, 100, id="2-clones-x-4-processes-x-50", marks=pytest.mark.slow),
    ],
)
def test_clones_sharing_a_bare_remote_never_double_claim(
    shared_clones: tuple[Path, Path], tmp_path: Path, per_clone: int, attempts: int, min_wins: int
) -> None:
    _race(list(shared_clones), "origin", per_clone, attempts, log=tmp_path / "log")
    _assert_mutual_exclusion(tmp_path / "log", min_wins)
