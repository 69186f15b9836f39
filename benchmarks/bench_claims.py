"""Prints how fast claiming is.

- `tt-ws next --dry-run` on this repository, as a fresh process end to end: target < 0.5 s
  (and the part that is not interpreter start-up and imports: registry, status, claims).
- one claim + release on a local claim store (a temporary repo): what every `next` adds.
- one claim + release through a shared bare remote (two clones): the cross-machine cost.
- throughput of 8 processes racing for 6 workstreams (claim, release, repeat) on one repo.

The dry run claims nothing; the other figures use temporary repositories only.
Run: python benchmarks/bench_claims.py [--repeat N]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

# The benchmark scripts run from benchmarks/, so the sibling script is importable.
from bench_orchestrator import timed

from orchestrator.claims.board import Board
from orchestrator.claims.errors import ClaimRefused
from orchestrator.claims.secret import new_secret
from orchestrator.claims.store import ClaimStore, Holder

ROOT = Path(__file__).resolve().parents[1]
_TT_WS = shutil.which("tt-ws")
TT_WS = [_TT_WS] if _TT_WS else [sys.executable, "-c", "from orchestrator.cli import main; main()"]


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def temp_repo(path: Path) -> Path:
    path.mkdir()
    git(path, "init", "-q")
    git(
        path,
        "-c",
        "user.name=b",
        "-c",
        "user.email=b@b",
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "init",
    )
    return path


def report(name: str, times: list[float], target: float | None = None) -> None:
    median = statistics.median(times)
    verdict = (
        ""
        if target is None
        else f"  target < {target:.2f} s: {'ok' if median < target else 'MISSED'}"
    )
    print(f"{name:<48} median {median * 1000:8.1f} ms  min {min(times) * 1000:8.1f} ms{verdict}")


def next_dry_run() -> None:
    done = subprocess.run([*TT_WS, "next", "--dry-run"], cwd=ROOT, capture_output=True, text=True)
    # Exit 1 is "nothing ready", still a full dry run; anything else means it did not run.
    if done.returncode not in (0, 1):
        raise SystemExit(f"tt-ws next --dry-run failed:\n{done.stdout}{done.stderr}")


def claim_release(store: ClaimStore) -> Callable[[], None]:
    me = Holder("bench", "bench", os.getpid(), new_secret())

    def once() -> None:
        store.acquire(["bench"], me)
        store.release("bench", me)

    return once


def _contender(root: str, attempts: int, won: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    store = ClaimStore.open(Path(root))
    me = Holder(f"p{os.getpid()}", "bench", os.getpid(), new_secret())
    wins = 0
    for _ in range(attempts):
        try:
            rec = store.acquire([f"ws-{i}" for i in range(6)], me)
        except ClaimRefused:
            continue
        store.release(rec.workstream, me)
        wins += 1
    won.put(wins)


def race(root: Path, procs: int, attempts: int) -> tuple[int, float]:
    ctx = multiprocessing.get_context("fork")
    won: multiprocessing.Queue = ctx.Queue()  # type: ignore[type-arg]
    workers = [
        ctx.Process(target=_contender, args=(str(root), attempts, won)) for _ in range(procs)
    ]
    start = time.perf_counter()
    for w in workers:
        w.start()
    wins = sum(won.get() for _ in workers)
    for w in workers:
        w.join()
    return wins, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    report("tt-ws next --dry-run (fresh process)", timed(next_dry_run, args.repeat), target=0.5)
    report(
        "  of which the work, in-process after imports",
        timed(lambda: Board.load(ROOT).preview(), args.repeat),
    )
    with tempfile.TemporaryDirectory(prefix="bench-claims-") as scratch:
        base = Path(scratch)
        local = ClaimStore.open(temp_repo(base / "local"))
        report("claim + release, local refs", timed(claim_release(local), args.repeat * 3))

        seed = temp_repo(base / "seed")
        git(base, "clone", "-q", "--bare", str(seed), "remote.git")
        git(base, "clone", "-q", "remote.git", "clone")
        shared = ClaimStore.open(base / "clone", remote="origin")
        report("claim + release, shared bare remote", timed(claim_release(shared), args.repeat * 3))

        wins, seconds = race(base / "local", procs=8, attempts=50)
        print(
            f"{'8 processes x 50 attempts, 6 workstreams':<48} {wins} claims won+released in "
            f"{seconds:.2f} s ({wins / seconds:.0f} claims/s)"
        )


if __name__ == "__main__":
    main()
