"""A pull request's gates run with a scrubbed environment, outside the caller's repository."""

from __future__ import annotations

from pathlib import Path

import pytest
from check_helpers import branch, change, tt_ws

from orchestrator.check.pr import Verdict, run_check
from orchestrator.check.sandbox import ALLOWED, scrubbed_env

SECRET = "TT_WS_TEST_SECRET_TOKEN"


def planted_test(project: Path) -> str:
    """A test a hostile branch adds: it passes only when it can read the secret, or when it runs
    inside the caller's checkout (where it could rewrite the caller's files)."""
    return (
        "import os\nfrom pathlib import Path\n\n\n"
        "def test_mul():\n"
        f"    inside = Path.cwd().resolve().is_relative_to(Path({str(project.resolve())!r}))\n"
        f"    assert os.environ.get({SECRET!r}) is None and not inside\n"
    )


def test_the_gates_of_a_branch_cannot_read_the_callers_secrets(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SECRET, "hunter2")
    branch(project, "feature")
    change(project, {"tests/test_mul.py": planted_test(project)})
    report = run_check(project, "main", project / ".tt-ws" / "check")
    [mul] = [g for g in report.gates if g.workstream == "1.2"]
    assert mul.verdict is Verdict.PASS, mul.problems
    code, output = tt_ws("check", "--base", "main", "--summary", "summary.md")
    assert code == 0, output
    summary = (project / "summary.md").read_text()
    assert "scrubbed environment" in summary and "outside the repository" in summary
    assert "scrubbed environment" in output


def test_only_allow_listed_variables_pass_through() -> None:
    environ = {"PATH": "/bin", "HOME": "/home/u", SECRET: "x", "GITHUB_TOKEN": "y", "AWS_KEY": "z"}
    assert scrubbed_env(environ) == {"PATH": "/bin", "HOME": "/home/u"}
    assert "GITHUB_TOKEN" not in ALLOWED and all(name.isupper() for name in ALLOWED)
