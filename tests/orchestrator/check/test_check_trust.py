"""`tt-ws check` reads the base from the base and counts no evidence the branch brings.

Fault injection, each a real command sequence on a clone as CI would run it: a branch that plants
a FAIL record for the base tree (once enough to turn a regression into "FAILS ON BASE"), a branch
that brings nothing but a forged PASS record (once "0 of 4 gates affected"), and a branch that
loosens a gate's definition.
"""

from __future__ import annotations

from pathlib import Path

from check_helpers import branch, change, tt_ws
from repo_helpers import commit_all, git
from trust_helpers import clone, forge, tt_ws_process

MUL_BROKEN = "def mul(a, b):\n    return a + b\n"
FAILED_ONCE = {"exit_code": 1, "failed": 1, "passed": 0, "total": 1}


def check_in_clone(project: Path, where: Path, *args: str) -> tuple[int, str]:
    """`tt-ws check --base origin/main` on a fresh clone with the branch `feature` checked out."""
    ci = clone(project, where)
    git(ci, "checkout", "-q", "feature")
    done = tt_ws_process(ci, "check", "--base", "origin/main", *args)
    return done.returncode, done.stdout + done.stderr


def test_a_planted_fail_record_for_the_base_does_not_bypass_the_ratchet(
    project: Path, tmp_path: Path
) -> None:
    branch(project, "feature")
    # Recorded on the base's tree (the branch has not changed any source yet), then forged to
    # say the base fails, and committed together with the change that breaks mul.
    assert tt_ws_process(project, "run", "1.2").returncode == 0
    planted = forge(project, "1.2", "tests", FAILED_ONCE, outcome="failed")
    change(project, {"lib/mul.py": MUL_BROKEN}, "break mul, plant the base's failure")
    assert f"status/evidence/1.2/tests/{planted.name}" in git(project, "show", "--name-only")

    code, output = check_in_clone(project, tmp_path / "ci")
    assert code == 1, output
    assert "REGRESSED" in output
    assert "FAILS ON BASE" not in output
    assert "base 1.2 tests: ran" in output  # the base's result is the check's own run
    assert (
        "1.2 tests: tests.test_mul::test_mul: passed on the base, failed on the merge result"
        in output
    )


def test_a_forged_pass_record_in_a_branch_is_not_counted(project: Path, tmp_path: Path) -> None:
    change(project, {"lib/mul.py": MUL_BROKEN}, "main breaks mul")
    assert tt_ws_process(project, "run", "--all").returncode == 1
    commit_all(project, "honest evidence: 1.2 tests fails")
    branch(project, "feature")
    forged = forge(project, "1.2", "tests", {"exit_code": 0, "failed": 0, "passed": 1, "total": 1})
    commit_all(project, "1.2 done (forged)")

    code, output = check_in_clone(project, tmp_path / "ci")
    assert code == 1, output
    assert "check failed: 1 of 4 gates affected, 1 blocking" in output
    assert "merge 1.2 tests: ran" in output  # the branch's record is not taken as the result
    record = f"status/evidence/1.2/tests/{forged.name}"
    assert f"1.2 tests: {record}: gate went from PASS to FAIL: failed == 0: got 1" in output
    summary = (tmp_path / "ci/.tt-ws/check/summary.md").read_text()
    assert "| 1.2 | tests | **CONTRADICTED** | FAIL 0/1 (recorded, tree " in summary


def test_a_loosened_gate_is_called_out_and_blocks_unless_allowed(project: Path) -> None:
    branch(project, "feature")
    registry = (project / "workstreams/phase-1.yaml").read_text()
    change(
        project,
        {
            "workstreams/phase-1.yaml": registry.replace(
                "[missing_headings == 0]", "[missing_headings <= 1]"
            )
        },
    )
    code, output = tt_ws("check", "--base", "main")
    assert code == 1, output
    assert (
        "1.1 docs changed: gate loosened: `missing_headings == 0` relaxed to `missing_headings <= 1`"
        in output
    )
    assert "check failed: 1 of 4 gates affected, 1 blocking" in output
    summary = (project / ".tt-ws/check/summary.md").read_text()
    assert "| 1.1 | docs | **LOOSENED** |" in summary
    assert "### Gate definitions changed" in summary

    code, output = tt_ws("check", "--base", "main", "--allow-loosened")
    assert code == 0, output
    assert (
        "1.1 docs changed: gate loosened: `missing_headings == 0` relaxed to `missing_headings <= 1`"
        in output
    )
    assert "check passed: 1 of 4 gates affected, 0 blocking" in output


def test_deleting_a_failing_gate_is_a_loosening(project: Path) -> None:
    change(project, {"lib/mul.py": MUL_BROKEN}, "main breaks mul")
    branch(project, "feature")
    registry = (project / "workstreams/phase-1.yaml").read_text()
    mul_gate = "    gates:\n      - {name: tests, kind: tests, run: pytest tests/test_mul.py, require: [failed == 0]}\n"  # fmt: skip
    assert mul_gate in registry
    change(project, {"workstreams/phase-1.yaml": registry.replace(mul_gate, "")})
    code, output = tt_ws("check", "--base", "main")
    assert code == 1, output
    assert "1.2 tests changed: gate loosened: removed" in output


def test_a_branch_bringing_files_into_the_checks_scratch_is_refused(project: Path) -> None:
    branch(project, "feature")
    scratch = project / ".tt-ws/check/evidence/1.2/tests/20990101T000000.000000Z-x-1.json"
    scratch.parent.mkdir(parents=True)
    scratch.write_text("{}\n")
    git(project, "add", "-f", str(scratch))
    git(project, "commit", "-q", "-m", "smuggle a result into the check's own store")
    code, output = tt_ws("check", "--base", "main")
    assert code == 1
    assert "error: the branch commits files under .tt-ws/ (tt-ws's local run scratch" in output
