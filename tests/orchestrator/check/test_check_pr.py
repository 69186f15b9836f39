"""`tt-ws check --base REF` on temporary repositories with a base branch and feature branches."""

from __future__ import annotations

from pathlib import Path

import pytest
from check_helpers import branch, change, tt_ws
from repo_helpers import git

from orchestrator.check.pr import CheckReport, Verdict, run_check

MUL_BROKEN = "def mul(a, b):\n    return a + b\n"


def check(root: Path, base: str = "main", use_cache: bool = True) -> CheckReport:
    return run_check(root, base, root / ".tt-ws" / "check", use_cache)


def verdicts(report: CheckReport) -> dict[tuple[str, str], Verdict]:
    return {(g.workstream, g.gate): g.verdict for g in report.gates}


def test_a_branch_that_breaks_a_test_fails_naming_the_test(project: Path) -> None:
    branch(project, "feature")
    change(project, {"lib/mul.py": MUL_BROKEN})
    report = check(project)
    assert verdicts(report) == {
        ("core", "tests"): Verdict.NOT_APPLICABLE,
        ("1.1", "tests"): Verdict.NOT_APPLICABLE,
        ("1.1", "docs"): Verdict.NOT_APPLICABLE,
        ("1.2", "tests"): Verdict.REGRESSED,
    }
    [mul] = [g for g in report.gates if g.workstream == "1.2"]
    assert "gate went from PASS to FAIL: failed == 0: got 1" in mul.problems
    assert mul.base is not None and mul.base.how == "ran"  # the base had no evidence: it ran
    code, output = tt_ws("check", "--base", "main")
    assert code == 1, output
    assert "REGRESSED" in output and "check failed" in output
    assert (
        "1.2 tests: tests.test_mul::test_mul: passed on the base, failed on the merge result"
        in output
    )
    assert "base 1.2 tests: recorded evidence" in output  # the first check's run of the base


def test_a_branch_that_deletes_a_test_fails(project: Path) -> None:
    branch(project, "feature")
    tests = (project / "tests/test_add.py").read_text()
    change(project, {"tests/test_add.py": tests.split("\n\n\ndef test_add_zero")[0] + "\n"})
    report = check(project)
    assert not report.passed
    [add] = [g for g in report.gates if (g.workstream, g.gate) == ("1.1", "tests")]
    assert add.verdict is Verdict.REGRESSED
    assert add.problems == (
        "tests.test_add::test_add_zero: passed on the base, missing from the merge result",
        "passed dropped from 2 to 1",
        "total dropped from 2 to 1",
    )


def test_a_branch_touching_only_a_doc_passes_with_gates_not_applicable(project: Path) -> None:
    branch(project, "docs")
    change(project, {"docs/notes.md": "# Notes\n\nHow to add.\n", "README.md": "# Project\n"})
    code, output = tt_ws("check", "--base", "main")
    assert code == 0, output
    assert "check passed: 0 of 4 gates affected, 0 blocking" in output
    assert set(verdicts(check(project)).values()) == {Verdict.NOT_APPLICABLE}


def test_a_branch_green_alone_but_broken_when_merged_fails(project: Path) -> None:
    fork = git(project, "rev-parse", "main")
    # The base moves on: `helper` is renamed, and its users on the base are updated.
    change(
        project,
        {
            "lib/core.py": "def ident(x):\n    return x\n",
            "lib/add.py": "from lib.core import ident\n\n\ndef add(a, b):\n    return ident(a) + b\n",
            "tests/test_core.py": "from lib.core import ident\n\n\ndef test_ident():\n    assert ident(3) == 3\n",
        },
    )  # fmt: skip
    # Meanwhile a branch from before the rename starts using `helper` in another file.
    branch(project, "feature", start=fork)
    change(project, {"lib/mul.py": "from lib.core import helper\n\n\ndef mul(a, b):\n    return helper(a) * b\n"})  # fmt: skip
    alone = check(project, base=fork)
    assert alone.passed and verdicts(alone)[("1.2", "tests")] is Verdict.PASS
    merged = check(project, base="main")
    assert not merged.passed
    assert verdicts(merged)[("1.2", "tests")] is Verdict.REGRESSED
    [mul] = [g for g in merged.gates if g.workstream == "1.2"]
    assert "tests.test_mul::test_mul: passed on the base, missing from the merge result" in (
        mul.problems
    )


def test_a_new_failing_gate_fails_and_a_removed_passing_gate_fails(project: Path) -> None:
    branch(project, "feature")
    registry = (project / "workstreams/phase-1.yaml").read_text()
    new_gate = "      - {name: lint, kind: build, run: python -c 'raise SystemExit(3)', require: [exit_code == 0]}\n"  # fmt: skip
    registry = registry.replace(
        "      - {name: tests, kind: tests, run: pytest tests/test_core.py, require: [failed == 0]}\n",
        new_gate,
    )
    change(project, {"workstreams/phase-1.yaml": registry})
    found = verdicts(check(project))
    assert found[("core", "lint")] is Verdict.FAIL
    assert found[("core", "tests")] is Verdict.REMOVED


def test_a_gate_failing_on_the_base_too_does_not_block(project: Path) -> None:
    change(project, {"lib/mul.py": MUL_BROKEN}, "base breaks mul")
    branch(project, "feature")
    change(project, {"tests/test_mul.py": "from lib.mul import mul\n\n\ndef test_mul():\n    assert mul(2, 3) == 6\n\n\ndef test_mul_one():\n    assert mul(1, 1) == 1\n"})  # fmt: skip
    report = check(project)
    assert report.passed
    assert verdicts(report)[("1.2", "tests")] is Verdict.FAILS_ON_BASE


def test_a_branch_that_does_not_merge_is_a_clear_error(project: Path) -> None:
    change(project, {"lib/mul.py": "def mul(a, b):\n    return a * b * 1\n"})
    branch(project, "feature", start="main~1")
    change(project, {"lib/mul.py": "def mul(a, b):\n    return b * a\n"})
    code, output = tt_ws("check", "--base", "main")
    assert code == 1
    assert "HEAD does not merge cleanly into main: conflicts in lib/mul.py" in output
    code, output = tt_ws("check", "--base", "nosuchbranch")
    assert code == 1 and "unknown base 'nosuchbranch'" in output


def test_the_summary_goes_to_github_step_summary(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    step = tmp_path / "step-summary.md"
    step.write_text("earlier step output\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(step))
    branch(project, "feature")
    change(project, {"lib/mul.py": MUL_BROKEN})
    assert tt_ws("check", "--base", "main")[0] == 1
    text = step.read_text()
    assert text.startswith("earlier step output\n## tt-ws check FAILED\n")
    assert "| 1.2 | tests | **REGRESSED** | PASS 1/1 (ran, tree " in text
    assert "| core | tests | NOT_APPLICABLE | — | — |  |" in text
    assert "- `1.2` tests: tests.test_mul::test_mul: passed on the base, failed on the merge result" in text  # fmt: skip
    assert (project / ".tt-ws/check/summary.md").read_text() == text.removeprefix(
        "earlier step output\n"
    )


def test_the_check_leaves_no_worktree_behind(project: Path) -> None:
    branch(project, "feature")
    change(project, {"lib/mul.py": MUL_BROKEN})
    check(project)
    assert git(project, "worktree", "list").count("\n") == 0
    assert git(project, "status", "--porcelain") == ""


def test_a_broken_registry_on_the_merge_result_is_a_clear_error(project: Path) -> None:
    branch(project, "feature")
    change(project, {"workstreams/phase-1.yaml": "phase: {id: 1, title: Basics}\nworkstreams: 3\n"})
    code, output = tt_ws("check", "--base", "main")
    assert code == 1
    assert "error: on the merge (checked out in " in output
    assert "phase-1.yaml:2: workstreams: Input should be a valid tuple" in output
