"""Attested evidence: in a repository that lists trusted runners, only records a trusted runner
signed count as PASS; the rest (unsigned, signed by an unknown key, edited after signing) is
UNVERIFIED, and status renders the same bytes whatever key the rendering machine holds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from repo_helpers import commit_all, write
from typer.testing import CliRunner

from orchestrator.attest import KEY_ENV, RUNNERS_FILE, create_signer
from orchestrator.cli import app
from orchestrator.layout import Layout
from orchestrator.lint import load_checked_registry
from orchestrator.status import GateState, current_status


def tt_ws(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "250"})
    return result.exit_code, result.output


def states(root: Path) -> dict[tuple[str, str], GateState]:
    layout = Layout(root)
    report = current_status(layout, load_checked_registry(layout.registry))
    return {(ws, g.gate.name): g.state for ws, s in report.workstreams.items() for g in s.gates}


@pytest.fixture
def keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Two runner keys outside the repository: `trusted` (listed) and `stranger` (not)."""
    made = {name: tmp_path / "keys" / f"{name}.pem" for name in ("trusted", "stranger")}
    for path in made.values():
        create_signer(path)
    monkeypatch.setenv(KEY_ENV, str(made["trusted"]))
    return made


@pytest.fixture
def trusting(repo: Path, keys: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    """`repo` listing the `trusted` key as its one trusted runner."""
    code, output = tt_ws("runner-key", "--name", "maintainer")
    assert code == 0, output
    entry = next(line for line in output.splitlines() if "key: " in line)
    assert "lists no trusted runners" in output
    write(repo, RUNNERS_FILE, f"runners:\n{entry}\n")
    commit_all(repo, "trust the maintainer's machine")
    return repo


def test_records_of_a_trusted_runner_pass(trusting: Path) -> None:
    assert tt_ws("run", "--all")[0] == 0
    assert set(states(trusting).values()) == {GateState.PASS}
    code, output = tt_ws("runner-key")
    assert code == 0 and "trusted here as maintainer" in output


def test_unsigned_and_unknown_signatures_are_unverified_and_never_cached(
    trusting: Path, keys: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_ENV, "")  # an agent's machine: no key
    assert tt_ws("run", "1.1")[0] == 0
    assert states(trusting)[("1.1", "tests")] is GateState.UNVERIFIED
    monkeypatch.setenv(KEY_ENV, str(keys["stranger"]))
    code, output = tt_ws("run", "1.1")
    assert code == 0 and "cached" not in output  # an unsigned pass is not reused
    assert states(trusting)[("1.1", "tests")] is GateState.UNVERIFIED
    code, output = tt_ws("status")
    assert "1 unverified" in output
    page = (trusting / "status/DASHBOARD.md").read_text()
    assert "| UNVERIFIED | 2 |" in page and "| 1.1 | tests |" in page
    monkeypatch.setenv(KEY_ENV, str(keys["trusted"]))
    code, output = tt_ws("run", "1.1")
    assert code == 0 and "cached" not in output
    assert states(trusting)[("1.1", "tests")] is GateState.PASS


def test_a_signed_record_edited_afterwards_is_unverified(trusting: Path) -> None:
    assert tt_ws("run", "1.1")[0] == 0
    [record_file] = (trusting / "status/evidence/1.1/tests").glob("*.json")
    record = json.loads(record_file.read_text())
    record["metrics"]["passed"] = 200.0  # a "better" result, same signature
    record_file.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
    assert states(trusting)[("1.1", "tests")] is GateState.UNVERIFIED


def test_status_renders_the_same_on_every_machine(
    trusting: Path, keys: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert tt_ws("run", "1.1")[0] == 0  # signed by the trusted runner
    monkeypatch.setenv(KEY_ENV, "")
    assert tt_ws("run", "1.2", "--no-cache")[0] == 0  # 1.2's only record is unsigned
    assert tt_ws("status")[0] == 0
    commit_all(trusting, "evidence and status")
    for key in ("", str(keys["stranger"]), str(keys["trusted"])):
        monkeypatch.setenv(KEY_ENV, key)
        code, output = tt_ws("status", "--check")
        assert code == 0, output
    phases = (trusting / "status/PHASES.md").read_text()
    assert "| 1.1 | Add | done |" in phases
    assert "| 1.2 | Mul | unverified |" in phases


def test_a_signed_pass_on_the_tree_is_not_undone_by_an_unsigned_one(
    trusting: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A trusted runner reproduced the gate on this tree; a later unsigned record is a claim
    that adds nothing, and takes nothing away."""
    assert tt_ws("run", "--all")[0] == 0
    monkeypatch.setenv(KEY_ENV, "")
    assert tt_ws("run", "1.2", "--no-cache")[0] == 0
    assert tt_ws("status")[0] == 0
    assert "| 1.2 | Mul | done |" in (trusting / "status/PHASES.md").read_text()


def test_a_broken_runners_file_is_a_clear_error(trusting: Path) -> None:
    write(trusting, RUNNERS_FILE, "runners:\n  - {name: x, key: 'rsa:abc'}\n")
    code, output = tt_ws("status")
    assert code == 1
    assert f"error: {RUNNERS_FILE}: " in output
