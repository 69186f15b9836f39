"""`tt-ws verify`: committed PASS records are claims, run again and held to the run.

Fault injection on a clone: a record written by hand (real input key, metrics that meet the gate)
for a gate that really fails makes `verify` fail naming the workstream, gate and record file,
while status (which only reads records) is fooled by it.
"""

from __future__ import annotations

import json
from pathlib import Path

from check_helpers import change
from repo_helpers import commit_all, git
from trust_helpers import clone, forge, tt_ws_process

MUL_BROKEN = "def mul(a, b):\n    return a + b\n"


def honest_history(project: Path) -> None:
    """main: mul is broken; every gate was run and the evidence committed, as an agent would."""
    change(project, {"lib/mul.py": MUL_BROKEN}, "break mul")
    assert tt_ws_process(project, "run", "--all").returncode == 1  # 1.2 tests fails
    assert tt_ws_process(project, "status").returncode == 0
    commit_all(project, "evidence and status")


def test_honest_evidence_is_reproduced(project: Path, tmp_path: Path) -> None:
    honest_history(project)
    ci = clone(project, tmp_path / "ci")
    done = tt_ws_process(ci, "verify")
    assert done.returncode == 0, done.stdout + done.stderr
    # 1.2 tests failed: no record claims it passes, so it is not run again.
    assert "verify 1.1 tests: 1 record says PASS; running pytest tests/test_add.py" in done.stdout
    assert "reproduced 1.1 docs" in done.stdout
    assert "verified: 3 of 3 gates reproduced their committed PASS" in done.stdout
    assert "1.2 tests" not in done.stdout
    assert git(ci, "status", "--porcelain") == ""  # nothing committed was changed


def test_a_fabricated_pass_fools_status_but_fails_verify(project: Path, tmp_path: Path) -> None:
    honest_history(project)
    forged = forge(project, "1.2", "tests", {"exit_code": 0, "failed": 0, "passed": 1, "total": 1})
    assert tt_ws_process(project, "status").returncode == 0
    commit_all(project, "1.2 done")
    ci = clone(project, tmp_path / "ci")
    assert tt_ws_process(ci, "status", "--check").returncode == 0
    assert "| 1.2 | Mul | done |" in (ci / "status/PHASES.md").read_text()  # status is fooled

    done = tt_ws_process(ci, "verify")
    assert done.returncode == 1
    record = f"status/evidence/1.2/tests/{forged.name}"
    assert "NOT REPRODUCED 1.2 tests" in done.stdout
    assert f"{record}: gate went from PASS to FAIL: failed == 0: got 1" in done.stdout
    assert (
        f"{record}: tests.test_mul::test_mul: passed on the record, failed on this run"
        in done.stdout
    )
    assert "not reproduced: 1.2 tests" in done.stdout

    as_json = tt_ws_process(ci, "verify", "--json")
    assert as_json.returncode == 1
    body = json.loads(as_json.stdout)
    assert body["passed"] is False
    [mul] = [g for g in body["gates"] if g["workstream"] == "1.2"]
    assert mul["gate"] == "tests" and not mul["reproduced"]
    assert [r["path"] for r in mul["records"]] == [record]
    assert "verify 1.2 tests: 1 record says PASS" in as_json.stderr  # progress off stdout


def test_a_record_claiming_more_tests_than_run_is_not_reproduced(
    project: Path, tmp_path: Path
) -> None:
    assert tt_ws_process(project, "run", "1.1").returncode == 0
    forge(project, "1.1", "tests", {"exit_code": 0, "failed": 0, "passed": 40, "total": 40})
    commit_all(project, "evidence")
    done = tt_ws_process(clone(project, tmp_path / "ci"), "verify", "1.1")
    assert done.returncode == 1
    assert "passed dropped from 40 to 2" in done.stdout
