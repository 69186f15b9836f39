"""The CI workflow and pre-commit hooks: always report, and call the commands that gate."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]


def steps(job: dict) -> list[str]:
    return [step.get("run", "") for step in job["steps"]]


def test_the_workflow_runs_on_every_change_and_gates_pull_requests() -> None:
    workflow = yaml.safe_load((ROOT / ".github/workflows/tt-ws.yml").read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as a boolean
    for trigger in triggers.values():
        # A path filter would let a required check never report.
        assert not {"paths", "paths-ignore"} & set(trigger or {})
    tests, check = workflow["jobs"]["tests"], workflow["jobs"]["pr-check"]
    assert ".ci/run" in steps(tests) and "tt-ws status --check" in steps(tests)
    assert check["if"] == "github.event_name == 'pull_request'"
    assert any(s.startswith("tt-ws check --base ") for s in steps(check))
    [upload] = [s for s in check["steps"] if s.get("uses", "").startswith("actions/upload")]
    assert upload["if"] == "always()" and ".tt-ws/check/summary.md" in upload["with"]["path"]


def test_ci_reproduces_committed_evidence_after_checking_status() -> None:
    script = (ROOT / ".ci/run").read_text().splitlines()
    assert script.index("tt-ws verify") > script.index("tt-ws status --check")


def test_pre_commit_checks_status_drift_on_every_commit() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert hooks["tt-ws-status"]["entry"] == "tt-ws status --check"
    assert hooks["tt-ws-status"]["always_run"] and not hooks["tt-ws-status"]["pass_filenames"]
