"""Fault injection for the trust tests: what a dishonest agent writes, and `tt-ws` run as a real
command in a clone (a fresh process, as CI or another terminal would run it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from repo_helpers import git

import orchestrator

# The code under test, also for child processes (the installed tt-ws may be another checkout's).
CODE_ROOT = Path(orchestrator.__file__).resolve().parents[1]


def forge(
    root: Path, workstream: str, gate: str, metrics: dict[str, float], outcome: str = "passed"
) -> Path:
    """The gate's newest real record rewritten by hand (as a dishonest agent would): the same
    source tree and real input key, the metrics `metrics`, every case `outcome`."""
    directory = root / "status" / "evidence" / workstream / gate
    newest = sorted(directory.glob("*.json"))[-1]
    record = json.loads(newest.read_text())
    record.update(
        metrics=metrics,
        cases=dict.fromkeys(record["cases"], outcome),
        exit_code=metrics.get("exit_code", 0),
        error=None,
    )
    newest.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
    return newest


def clone(source: Path, where: Path) -> Path:
    git(source.parent, "clone", "-q", str(source), str(where))
    git(where, "config", "user.email", "test@example.com")
    git(where, "config", "user.name", "test")
    return where


def tt_ws_process(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`tt-ws ARGS` in `cwd` as its own process."""
    return subprocess.run(
        [sys.executable, "-c", "from orchestrator.cli import main; main()", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env=child_environment(COLUMNS="250"),
    )


def child_environment(**extra: str) -> dict[str, str]:
    """This process's environment for a child `tt-ws`: the code under test first on its path,
    no agent name inherited from whoever runs the tests."""
    env = {k: v for k, v in os.environ.items() if k != "TT_WS_AGENT"}
    path = os.pathsep.join(p for p in (str(CODE_ROOT), env.get("PYTHONPATH", "")) if p)
    return {**env, "PYTHONPATH": path, **extra}
