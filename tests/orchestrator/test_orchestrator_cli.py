"""The tt-ws commands end to end, in-process with typer's CliRunner, on temporary repos."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from repo_helpers import commit_all, write
from typer.testing import CliRunner

from orchestrator import __version__
from orchestrator.cli import app
from orchestrator.console import console
from orchestrator.evidence import EvidenceRecord
from orchestrator.gates import GATES, GateContext, GateOutcome

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables wide enough that cells are not folded, so their text can be asserted."""
    monkeypatch.setattr(console, "width", 250)


def tt_ws(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def evidence_files(root: Path) -> list[Path]:
    return sorted((root / "status" / "evidence").rglob("*"))


def test_run_status_and_check_cycle(repo: Path) -> None:
    code, out = tt_ws("run", "--all")
    assert code == 0, out
    assert "3/3 gates passed" in out
    assert len([p for p in evidence_files(repo) if p.suffix == ".json"]) == 3

    code, out = tt_ws("status")
    assert code == 0, out
    phases = (repo / "status" / "PHASES.md").read_text()
    assert "| 1.1 | Add | done | 2/2 | 2/2 | — |" in phases
    assert tt_ws("status", "--check")[0] == 0

    (repo / "status" / "PHASES.md").write_text(phases.replace("| done |", "| failing |", 1))
    code, out = tt_ws("status", "--check")
    assert code == 1
    assert "+| 1.1 | Add | done |" in out
    assert "fix it with `tt-ws status` and commit status/" in out


def test_breaking_a_test_fails_its_gate_and_the_matrix_shows_it(repo: Path) -> None:
    write(
        repo,
        "tests/test_add.py",
        "def test_one():\n    assert 1 == 2\n\ndef test_two():\n    pass\n",
    )
    code, out = tt_ws("run", "1.1")
    assert code == 1
    assert "FAIL 1.1 tests" in out and "failed == 0: got 1" in out
    assert "1.1 tests: output in .tt-ws/runs/1.1/tests/" in out
    assert tt_ws("status")[0] == 0
    phases = (repo / "status" / "PHASES.md").read_text()
    assert "| 1.1 | Add | failing | 1/2 | 1/2 | — |" in phases
    assert "| 1.2 | Mul | not run | 0/1 |" in phases


def test_commit_of_sources_makes_evidence_stale(repo: Path) -> None:
    assert tt_ws("run", "--phase", "1")[0] == 0
    write(repo, "src.py", "x = 1\n")
    commit_all(repo)
    tt_ws("status")
    assert "| 1.1 | Add | stale | 0/2 |" in (repo / "status" / "PHASES.md").read_text()


def test_committing_status_keeps_evidence_current(repo: Path) -> None:
    assert tt_ws("run", "1.2")[0] == 0
    tt_ws("status")
    commit_all(repo, "status")
    assert tt_ws("status", "--check")[0] == 0


def test_run_needs_a_selection(repo: Path) -> None:
    assert tt_ws("run") == (1, "error: say what to run: workstream ids, --phase N or --all\n")


def test_run_of_unknown_id_or_phase(repo: Path) -> None:
    code, out = tt_ws("run", "7.7")
    assert (code, out) == (1, "error: unknown workstream '7.7'; `tt-ws list` shows the known ids\n")
    assert tt_ws("run", "--phase", "9") == (1, "error: unknown phase(s): 9\n")


def test_gate_command_not_found_records_a_failure(repo: Path) -> None:
    text = (repo / "workstreams" / "phase-1.yaml").read_text()
    write(repo, "workstreams/phase-1.yaml", text.replace("python -c \"print('built')\"", "nope"))
    code, out = tt_ws("run", "1.2")
    assert code == 1 and "command not found: 'nope'" in out
    assert len([p for p in evidence_files(repo) if p.suffix == ".json"]) == 1


def test_ctrl_c_exits_130_and_records_only_finished_gates(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Interrupted:
        metrics = frozenset({"exit_code"})

        def run(self, ctx: GateContext) -> GateOutcome:
            raise KeyboardInterrupt

    monkeypatch.setitem(GATES, "build", Interrupted())
    code, out = tt_ws("run", "--all")
    assert code == 130 and "interrupted" in out
    recorded = sorted(p.parent.name for p in evidence_files(repo) if p.suffix == ".json")
    assert recorded == ["docs", "tests"]
    assert not [p for p in evidence_files(repo) if p.name.startswith(".")]


def test_lint_reports_file_and_line(repo: Path) -> None:
    assert tt_ws("lint") == (0, "registry OK: 1 phases, 2 workstreams, 3 gates\n")
    write(
        repo,
        "workstreams/extra.yaml",
        "phase: {id: 2, title: More}\nworkstreams:\n  - id: '2.1'\n    title: X\n    kind: example\n    depends_on: ['1.1', '8.8']\n    gates: []\n",
    )
    code, out = tt_ws("lint")
    assert code == 1
    assert "workstreams/extra.yaml:3: workstream '2.1' depends on unknown workstream '8.8'" in out
    assert "workstreams/extra.yaml:3: workstream '2.1' has no gates" in out
    assert "error: 2 problem(s)" in out


def test_malformed_registry_stops_every_command(repo: Path) -> None:
    write(repo, "workstreams/phase-1.yaml", "phase: [\n")
    for command in ("run", "status", "list"):
        code, out = tt_ws(command, "--all") if command == "run" else tt_ws(command)
        assert code == 1 and "workstreams/phase-1.yaml:2: malformed YAML" in out


def test_damaged_evidence_is_reported_by_name_and_its_gate_is_unknown(repo: Path) -> None:
    tt_ws("run", "1.2")
    [record] = [p for p in evidence_files(repo) if p.suffix == ".json"]
    record.write_text("{")
    code, out = tt_ws("status")
    assert code == 0, out
    assert f"{record.name}: unreadable evidence record" in out
    assert "2 not run" in out  # 1.2 was run, but its only record is unreadable
    assert record.name in (repo / "status" / "DASHBOARD.md").read_text()


def test_list_and_show(repo: Path) -> None:
    tt_ws("run", "1.2")
    code, out = tt_ws("list")
    assert code == 0 and "1.1" in out and "not run" in out and "done" in out
    code, out = tt_ws("show", "1.2")
    assert code == 0
    assert "1.2 Mul — phase 1, example, done" in out
    assert "depends on: 1.1 (not run)" in out and "exit_code == 0" in out
    assert tt_ws("show", "nope")[0] == 1


def test_uncommitted_sources_are_pointed_out(repo: Path) -> None:
    assert "note:" not in tt_ws("run", "1.2")[1]
    write(repo, "src.py", "x = 1\n")
    assert "note: the sources differ from HEAD" in tt_ws("run", "1.2")[1]


def test_internal_error_writes_a_versioned_crash_log(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Broken:
        metrics = frozenset({"exit_code"})

        def run(self, ctx: GateContext) -> GateOutcome:
            raise RuntimeError("bug in a gate")

    monkeypatch.setitem(GATES, "build", Broken())
    code, out = tt_ws("run", "1.2")
    assert code == 2 and "internal error (RuntimeError: bug in a gate)" in out
    [log] = (repo / ".tt-ws").glob("crash-*.log")
    assert log.read_text().startswith(f"tt-ws {__version__}\n")
    assert "RuntimeError: bug in a gate" in log.read_text()


def test_sigterm_stops_the_gate_command_and_records_nothing(repo: Path) -> None:
    registry = repo / "workstreams" / "phase-1.yaml"
    # The repo path as an argument marks this test's child among all processes.
    slow = f"python -c \"import time; print('started', flush=True); time.sleep(60)\" {repo}"
    registry.write_text(registry.read_text().replace("python -c \"print('built')\"", slow))
    process = subprocess.Popen(
        [sys.executable, "-c", "from orchestrator.cli import main; main()", "run", "1.2"],
        cwd=repo,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 30
    while not any("started" in p.read_text() for p in repo.glob(".tt-ws/runs/*/*/*/output.log")):
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 130 and "interrupted" in output
    assert evidence_files(repo) == []
    children = subprocess.run(["pgrep", "-f", str(repo)], capture_output=True, text=True)
    assert children.stdout == ""


def test_runs_under_a_claim_are_stamped_and_others_refused(repo: Path) -> None:
    claimed = runner.invoke(app, ["claim", "1.2", "--agent", "alice"])
    assert claimed.exit_code == 0, claimed.output
    secret = claimed.output.split("TT_WS_CLAIM_SECRET=")[1].split()[0]
    alice = {"TT_WS_AGENT": "alice", "TT_WS_CLAIM_SECRET": secret}
    assert runner.invoke(app, ["run", "1.2"], env=alice).exit_code == 0
    [path] = [p for p in evidence_files(repo) if p.suffix == ".json"]
    record = EvidenceRecord.model_validate_json(path.read_text())
    assert (record.claim_holder, record.fencing_token) == ("alice", 1)

    refused = runner.invoke(app, ["run", "1.2"], env={"TT_WS_AGENT": "bob"})
    assert refused.exit_code == 1 and "1.2 is claimed by alice" in refused.output
    assert len([p for p in evidence_files(repo) if p.suffix == ".json"]) == 1


def test_evidence_under_a_claim_nobody_knows_does_not_count(repo: Path) -> None:
    assert tt_ws("run", "1.2")[0] == 0
    [path] = [p for p in evidence_files(repo) if p.suffix == ".json"]
    forged = json.loads(path.read_text()) | {"claim_holder": "mallory", "fencing_token": 41}
    path.write_text(json.dumps(forged))
    tt_ws("status")
    assert "| 1.2 | Mul | not run | 0/1 |" in (repo / "status" / "PHASES.md").read_text()
