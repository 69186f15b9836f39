"""Faults tt-ws survives: a full disk, a runner killed with SIGKILL, a damaged or hostile
evidence record. Each ends in a clean message (or keeps working), never a traceback."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from repo_helpers import commit_all, git, write
from typer.testing import CliRunner

import orchestrator
from orchestrator import atomic
from orchestrator.cli import app
from orchestrator.console import console
from orchestrator.evidence import EvidenceStore
from orchestrator.layout import Layout
from orchestrator.registry import load_registry

# The clone under test, for commands run as separate processes (pytest's pythonpath is ours only).
CLONE = Path(orchestrator.__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def wide_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console, "width", 250)


def tt_ws(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    return result.exit_code, result.output


def wait_for(condition: Callable[[], bool], timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def alive(pid: int) -> bool:
    """Running (a zombie no init has reaped yet counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def disk_full(*_args: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("command", [("status",), ("run", "1.2")])
def test_a_full_disk_is_a_clean_error_and_leaves_nothing_half_written(
    repo: Path, monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...]
) -> None:
    monkeypatch.setattr(atomic.os, "fsync", disk_full)
    code, out = tt_ws(*command)
    assert code == 1, out
    assert "error: No space left on device — free some disk space" in out
    assert "internal error" not in out and "Traceback" not in out
    status = repo / "status"
    left = [p for p in status.rglob("*") if p.is_file()] if status.exists() else []
    assert left == []


def test_sigkill_of_run_leaves_no_gate_process_behind(repo: Path) -> None:
    pids = repo / "pids"
    # The gate starts a grandchild, records both pids, and would run for a minute.
    gate = (
        "import os, subprocess, sys, time; "
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); "
        f"open({str(pids)!r}, 'w').write(f'{{os.getpid()}} {{child.pid}}'); "
        "time.sleep(60)"
    )
    registry = repo / "workstreams" / "phase-1.yaml"
    registry.write_text(
        registry.read_text().replace("python -c \"print('built')\"", f'python -c "{gate}"')
    )
    runner = subprocess.Popen(
        [sys.executable, "-m", "orchestrator.cli", "run", "1.2"],
        cwd=repo,
        env={**os.environ, "PYTHONPATH": str(CLONE)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: pids.is_file() and len(pids.read_text().split()) == 2)
        gate_pid, grandchild_pid = map(int, pids.read_text().split())
        assert alive(gate_pid) and alive(grandchild_pid)
        runner.kill()
        runner.wait()
        wait_for(lambda: not alive(gate_pid) and not alive(grandchild_pid), timeout_s=30)
    finally:
        runner.kill()
        runner.wait()


def test_a_record_naming_dotdot_is_never_copied_outside_the_evidence(repo: Path) -> None:
    assert tt_ws("run", "1.2")[0] == 0
    [path] = (repo / "status" / "evidence" / "1.2" / "build").glob("*.json")
    hostile = json.loads(path.read_text())
    hostile.update(workstream="..", gate="..")
    path.write_text(json.dumps(hostile))
    write(repo, "lib/other.py", "x = 1\n")  # another tree: the cache would copy the record
    code, out = tt_ws("run", "1.2")
    assert "internal error" not in out
    evidence = (repo / "status" / "evidence").resolve()
    written = [p for p in repo.rglob("*.json") if ".tt-ws" not in p.parts]
    assert all(evidence in p.resolve().parents for p in written), written
    assert code == 1 and f"{path.name}: evidence record of '..' '..' filed under another" in out


def test_one_corrupt_record_is_reported_and_skipped_by_every_reading_command(repo: Path) -> None:
    assert tt_ws("run", "1.2")[0] == 0
    [path] = (repo / "status" / "evidence" / "1.2" / "build").glob("*.json")
    path.write_bytes(b"\x00\xff not json")
    for command in (("status",), ("list",), ("show", "1.2")):
        code, out = tt_ws(*command)
        assert code == 0 and f"{path.name}: unreadable evidence record" in out, (command, out)
    assert "1.2 Mul — phase 1, example, not run" in tt_ws("show", "1.2")[1]
    code, out = tt_ws("next", "--dry-run")
    assert code == 0 and "would claim 1.1" in out, out


def test_an_evidence_file_that_is_a_device_is_refused_unread(repo: Path) -> None:
    gate_dir = EvidenceStore(Layout(repo).evidence).gate_dir("1.2", "build")
    gate_dir.mkdir(parents=True)
    (gate_dir / "20260101T000000.000000Z-h-1.json").symlink_to("/dev/zero")
    code, out = tt_ws("status")
    assert code == 0, out
    assert "not a regular file" in out


def test_a_registry_file_that_is_a_device_or_a_loop_is_a_located_error(repo: Path) -> None:
    (repo / "workstreams" / "zero.yaml").symlink_to("/dev/zero")
    (repo / "workstreams" / "loop.yaml").symlink_to(repo / "workstreams" / "loop.yaml")
    code, out = tt_ws("lint")
    assert code == 1, out
    assert "zero.yaml: refused: not a regular file" in out
    assert "loop.yaml: cannot read: Too many levels of symbolic links" in out
    with pytest.raises(Exception, match="2 problem"):
        load_registry(repo / "workstreams")


def test_deleted_evidence_leaves_its_gate_unknown_with_the_command_that_restores_it(
    repo: Path,
) -> None:
    assert tt_ws("run", "1.2")[0] == 0
    commit_all(repo, "evidence of 1.2")
    [path] = (repo / "status" / "evidence" / "1.2" / "build").glob("*.json")
    relative = path.relative_to(repo).as_posix()
    path.unlink()
    code, out = tt_ws("show", "1.2")
    assert code == 0 and "UNKNOWN" in out
    assert f"{relative} was deleted from the working copy — restore it with" in out
    commit_all(repo, "drop another workstream's evidence")
    code, out = tt_ws("status")
    assert code == 0 and f"{relative} was deleted by commit" in out
    commit = out.split("was deleted by commit ")[1].split()[0]
    git(repo, "checkout", f"{commit}^", "--", relative)
    code, out = tt_ws("show", "1.2")
    assert code == 0 and "deleted" not in out and "1.2 Mul — phase 1, example, done" in out
