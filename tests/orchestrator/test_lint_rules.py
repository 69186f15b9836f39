"""Lint rules about gates, on top of the loader's structural rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from repo_helpers import SMALL_REGISTRY, write

from orchestrator.errors import RegistryError
from orchestrator.lint import lint, load_checked_registry


def lint_messages(tmp_path: Path, text: str) -> list[str]:
    write(tmp_path, "w/p.yaml", text)
    _, problems = lint(tmp_path / "w")
    return [f"{p.line}: {p.message}" for p in problems]


def test_the_small_registry_is_clean(tmp_path: Path) -> None:
    assert lint_messages(tmp_path, SMALL_REGISTRY) == []


def test_gate_with_nothing_to_run(tmp_path: Path) -> None:
    text = SMALL_REGISTRY.replace("        run: python -c \"print('built')\"\n", "")
    assert lint_messages(tmp_path, text) == [
        "21: gate 'build' of '1.2' has nothing to run: a build gate needs `run:`"
    ]


def test_docs_gate_without_page(tmp_path: Path) -> None:
    text = SMALL_REGISTRY.replace("        page: docs/add.md\n", "")
    assert lint_messages(tmp_path, text) == [
        "11: gate 'docs' of '1.1' has nothing to check: a docs gate needs `page:`"
    ]


def test_tests_gate_must_run_pytest(tmp_path: Path) -> None:
    text = SMALL_REGISTRY.replace("run: pytest tests/test_add.py", "run: make test")
    assert lint_messages(tmp_path, text) == [
        "7: gate 'tests' of '1.1' runs 'make': a tests gate runs pytest "
        "(the orchestrator adds --junitxml itself)"
    ]


def test_checks_gate_needs_report_placeholder(tmp_path: Path) -> None:
    text = SMALL_REGISTRY.replace(
        "kind: build\n        run: python -c \"print('built')\"\n        require: [exit_code == 0]",
        "kind: checks\n        run: python -m harness check\n        require: [failed == 0]",
    )
    assert lint_messages(tmp_path, text) == [
        "21: gate 'build' of '1.2' never receives its report path: put {report} in the checks command"
    ]


def test_condition_on_a_metric_the_kind_never_reports(tmp_path: Path) -> None:
    text = SMALL_REGISTRY.replace("require: [exit_code == 0]", "require: [passed >= 1]")
    assert lint_messages(tmp_path, text) == [
        "21: gate 'build' of '1.2' condition `passed >= 1` uses 'passed', which build gates do "
        "not report (they report: exit_code)"
    ]


def test_gate_without_conditions_could_never_fail(tmp_path: Path) -> None:
    text = SMALL_REGISTRY.replace("        require: [exit_code == 0]\n", "")
    assert lint_messages(tmp_path, text) == [
        "21: gate 'build' of '1.2' has no conditions (`require:`), so it could never fail"
    ]


def test_unparseable_command(tmp_path: Path) -> None:
    text = SMALL_REGISTRY.replace("python -c \"print('built')\"", 'python -c "oops')
    [message] = lint_messages(tmp_path, text)
    assert message.startswith("21: gate 'build' of '1.2' cannot parse command")


def test_load_checked_registry_refuses_any_problem(tmp_path: Path) -> None:
    write(tmp_path, "w/p.yaml", SMALL_REGISTRY.replace("run: pytest", "run: nose"))
    with pytest.raises(RegistryError, match="runs 'nose'"):
        load_checked_registry(tmp_path / "w")
