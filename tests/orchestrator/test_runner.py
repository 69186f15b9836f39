"""Running gates: what each evidence record holds, and the claim checks around a gate."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from repo_helpers import commit_all, git

from orchestrator import __version__
from orchestrator.errors import TtWsError
from orchestrator.layout import Layout
from orchestrator.lint import load_checked_registry
from orchestrator.registry import GateSpec, Workstream
from orchestrator.runner import Claim, GateRun, StampFn, run_workstreams


class Recorder:
    def __init__(self) -> None:
        self.events: list[str] = []

    def started(self, workstream: Workstream, gate: GateSpec) -> None:
        self.events.append(f"start {workstream.id} {gate.name}")

    def finished(self, run: GateRun) -> None:
        self.events.append(f"done {run.workstream.id} {run.gate.name} {run.passed}")


def run(repo: Path, *ids: str, stamp: StampFn | None = None) -> tuple[list[GateRun], Recorder]:
    layout = Layout(repo)
    registry = load_checked_registry(layout.registry)
    listener = Recorder()
    return run_workstreams(layout, [registry.get(i) for i in ids], listener, stamp), listener


def test_a_record_says_what_ran_on_which_tree(repo: Path) -> None:
    [tests_run, docs_run], listener = run(repo, "1.1")
    assert listener.events == [
        "start 1.1 tests", "done 1.1 tests True", "start 1.1 docs", "done 1.1 docs True"
    ]  # fmt: skip
    record = tests_run.record
    assert record.command == "pytest tests/test_add.py" and record.exit_code == 0
    assert record.metrics == {
        "passed": 2, "failed": 0, "skipped": 0, "errors": 0, "total": 2, "exit_code": 0
    }  # fmt: skip
    assert sorted(record.cases) == ["tests.test_add::test_one", "tests.test_add::test_two"]
    assert record.tree == git(repo, "rev-parse", "HEAD^{tree}") and not record.dirty
    assert record.started_at <= record.finished_at and record.tool_version == __version__
    junit = tests_run.run_dir / "junit.xml"
    assert record.report_sha256 == hashlib.sha256(junit.read_bytes()).hexdigest()
    page = (repo / "docs" / "add.md").read_bytes()
    assert docs_run.record.report_sha256 == hashlib.sha256(page).hexdigest()
    assert tests_run.path.parent == repo / "status" / "evidence" / "1.1" / "tests"


def test_runs_carry_the_claim(repo: Path) -> None:
    [build], _ = run(repo, "1.2", stamp=lambda _: Claim("alice", 3))
    assert (build.record.claim_holder, build.record.fencing_token) == ("alice", 3)


def test_a_claim_that_changes_during_a_gate_is_not_recorded(repo: Path) -> None:
    claims = iter([Claim("alice", 1), Claim("alice", 2)])
    with pytest.raises(TtWsError, match=r"the claim on 1.2 changed while its build gate ran"):
        run(repo, "1.2", stamp=lambda _: next(claims))
    assert not (repo / "status" / "evidence").exists()


def test_a_gate_during_which_the_sources_change_is_recorded_as_failed(repo: Path) -> None:
    registry = repo / "workstreams" / "phase-1.yaml"
    edit = "open('notes.txt', 'w').write('edited meanwhile')"
    registry.write_text(registry.read_text().replace("print('built')", edit))
    commit_all(repo, "a build gate that edits the sources")
    [build], _ = run(repo, "1.2")
    assert build.record.exit_code == 0 and not build.passed
    assert build.record.error is not None
    assert "the sources changed while the gate ran" in build.record.error
