"""Each gate kind, run for real in a temporary repo."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from repo_helpers import write

from orchestrator.gates import GATES, GateContext, GateOutcome
from orchestrator.registry import GateSpec


def run(root: Path, tmp_path: Path, **gate: object) -> GateOutcome:
    spec = GateSpec.model_validate({"name": "g", "require": [], **gate})
    run_dir = tmp_path / "run"
    run_dir.mkdir(exist_ok=True)
    return GATES[spec.kind].run(GateContext(root, "1.1", spec, run_dir))


def harness(root: Path, report: dict[str, object] | str, exit_code: int = 0) -> str:
    """A command that writes `report` at {report} and exits with `exit_code`."""
    text = report if isinstance(report, str) else json.dumps(report)
    write(
        root,
        "harness.py",
        f"import sys\nopen(sys.argv[1], 'w').write({text!r})\nsys.exit({exit_code})\n",
    )
    return "python harness.py {report}"


def checks_report(*passed: bool, subject: str = "1.1") -> dict[str, object]:
    checks = [{"name": f"c{i}", "passed": p, "detail": ""} for i, p in enumerate(passed)]
    return {"schema": "tt-ws.checks/1", "subject": subject, "checks": checks}


def test_build_gate_reports_exit_code(repo: Path, tmp_path: Path) -> None:
    ok = run(repo, tmp_path, kind="build", run="python -c 'print(1)'")
    assert (ok.exit_code, dict(ok.metrics), ok.error) == (0, {"exit_code": 0}, None)
    bad = run(repo, tmp_path, kind="build", run="python -c 'import sys; sys.exit(3)'")
    assert dict(bad.metrics) == {"exit_code": 3}


def test_command_not_found_is_an_error_not_a_crash(repo: Path, tmp_path: Path) -> None:
    outcome = run(repo, tmp_path, kind="build", run="no-such-tool --flag")
    assert outcome.error == "command not found: 'no-such-tool'"
    assert outcome.exit_code is None and not outcome.metrics


def test_timeout_kills_the_command(repo: Path, tmp_path: Path) -> None:
    outcome = run(
        repo, tmp_path, kind="build", run="python -c 'import time; time.sleep(30)'", timeout_s=0.5
    )
    assert outcome.error == "timed out after 0.5 s"


def test_tests_gate_counts_outcomes_and_ids(repo: Path, tmp_path: Path) -> None:
    write(
        repo,
        "tests/test_mixed.py",
        "import pytest\ndef test_ok(): pass\ndef test_bad(): assert 0\n@pytest.mark.skip\ndef test_later(): pass\n",
    )
    outcome = run(repo, tmp_path, kind="tests", run="pytest tests/test_mix*.py")
    assert dict(outcome.metrics) == {
        "passed": 1, "failed": 1, "skipped": 1, "errors": 0, "total": 3, "exit_code": 1
    }  # fmt: skip
    assert dict(outcome.cases) == {
        "tests.test_mixed::test_bad": "failed",
        "tests.test_mixed::test_later": "skipped",
        "tests.test_mixed::test_ok": "passed",
    }
    assert outcome.error is None and outcome.report is not None and outcome.report.is_file()


def test_tests_gate_on_a_missing_test_file(repo: Path, tmp_path: Path) -> None:
    outcome = run(repo, tmp_path, kind="tests", run="pytest tests/test_absent.py")
    assert outcome.error is not None
    assert outcome.error.startswith("pytest was called wrongly (usage error")
    assert "file or directory not found: tests/test_absent.py" in outcome.error


def test_checks_gate_counts_the_report(repo: Path, tmp_path: Path) -> None:
    outcome = run(
        repo, tmp_path, kind="checks", run=harness(repo, checks_report(True, True, False), 1)
    )
    assert dict(outcome.metrics) == {"passed": 2, "failed": 1, "total": 3, "exit_code": 1}
    assert dict(outcome.cases) == {"c0": "passed", "c1": "passed", "c2": "failed"}


@pytest.mark.parametrize(
    ("report", "message"),
    [
        ("{not json", "is not valid JSON"),
        (
            {"schema": "tt-ws.checks/2", "subject": "1.1", "checks": []},
            "schema: Input should be 'tt-ws.checks/1'",
        ),
        (
            {"schema": "tt-ws.checks/1", "subject": "1.1", "checks": [{"name": "x"}]},
            "checks.0.passed: Field required",
        ),
        (checks_report(True, subject="9.9"), "reports on '9.9', expected '1.1'"),
    ],
)
def test_malformed_checks_report_fails_with_the_file_named(
    repo: Path, tmp_path: Path, report: dict[str, object] | str, message: str
) -> None:
    outcome = run(repo, tmp_path, kind="checks", run=harness(repo, report))
    assert outcome.error is not None
    assert "checks.json" in outcome.error and message in outcome.error


def test_checks_command_that_writes_no_report(repo: Path, tmp_path: Path) -> None:
    outcome = run(
        repo, tmp_path, kind="checks", run="python -c 'print(\"crashed early\")' {report}"
    )
    assert outcome.error is not None
    assert "no report at" in outcome.error and "crashed early" in outcome.error


def test_perf_gate_reads_its_metrics(repo: Path, tmp_path: Path) -> None:
    report = {"schema": "tt-ws.perf/1", "subject": "1.1", "metrics": {"seconds": 0.25}}
    outcome = run(repo, tmp_path, kind="perf", run=harness(repo, report))
    assert dict(outcome.metrics) == {"seconds": 0.25, "exit_code": 0}


def test_docs_gate_finds_missing_and_empty_sections(repo: Path, tmp_path: Path) -> None:
    write(
        repo,
        "docs/p.md",
        "# P\n\n## Kernel\n\ntext\n\n## Mapping\n\n## Verification\n### Detail\nx\n",
    )
    outcome = run(
        repo,
        tmp_path,
        kind="docs",
        page="docs/p.md",
        headings=["## Kernel", "## Mapping", "## Verification", "## Limitations"],
    )
    assert dict(outcome.metrics) == {
        "headings_found": 3,
        "missing_headings": 1,
        "empty_sections": 1,
    }
    assert dict(outcome.cases) == {
        "## Kernel": "passed", "## Limitations": "missing", "## Mapping": "empty", "## Verification": "passed"
    }  # fmt: skip


def test_docs_gate_ignores_comments_in_code_blocks(repo: Path, tmp_path: Path) -> None:
    write(repo, "docs/p.md", "## Kernel\n\n```python\n## Limitations\n```\n")
    outcome = run(
        repo, tmp_path, kind="docs", page="docs/p.md", headings=["## Kernel", "## Limitations"]
    )
    assert dict(outcome.cases) == {"## Kernel": "passed", "## Limitations": "missing"}


def test_docs_gate_on_a_missing_page(repo: Path, tmp_path: Path) -> None:
    outcome = run(repo, tmp_path, kind="docs", page="docs/none.md", headings=["## Kernel"])
    assert outcome.error == "page docs/none.md does not exist"


def test_gate_commands_run_under_this_interpreter(repo: Path, tmp_path: Path) -> None:
    write(repo, "which.py", "import sys\nprint(sys.executable)\n")
    run(repo, tmp_path, kind="build", run="python which.py")
    assert (tmp_path / "run" / "output.log").read_text().strip() == sys.executable


def test_ctrl_c_kills_the_running_command(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[subprocess.Popen[bytes]] = []
    real_wait = subprocess.Popen.wait

    def interrupted_wait(self: subprocess.Popen[bytes], timeout: float | None = None) -> int:
        if not started:
            started.append(self)
            raise KeyboardInterrupt
        return real_wait(self, timeout)

    monkeypatch.setattr(subprocess.Popen, "wait", interrupted_wait)
    with pytest.raises(KeyboardInterrupt):
        run(repo, tmp_path, kind="build", run="python -c 'import time; time.sleep(30)'")
    assert started[0].poll() is not None  # the child is gone, not left running


def test_a_gate_imports_the_tree_under_test_first(repo: Path, tmp_path: Path) -> None:
    # tools/ is sys.path[0] of the script: only PYTHONPATH makes the tree's own package importable,
    # and it must win over an installed `orchestrator` (the tree's copy says where it lives).
    write(repo, "orchestrator/__init__.py", "WHERE = 'the tree under test'\n")
    write(
        repo,
        "tools/where.py",
        "import sys\nimport orchestrator\nsys.exit(orchestrator.WHERE != 'the tree under test')\n",
    )
    outcome = run(repo, tmp_path, kind="build", run="python tools/where.py")
    assert (outcome.exit_code, outcome.error) == (0, None), (
        tmp_path / "run/output.log"
    ).read_text()
