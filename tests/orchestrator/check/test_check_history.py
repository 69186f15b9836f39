"""`tt-ws history ID`: each gate's runs, newest first, with result, counts and tree."""

from __future__ import annotations

from pathlib import Path

from check_helpers import change, tt_ws

from orchestrator.tree import source_tree


def test_history_lists_runs_newest_first_with_counts_and_tree(project: Path) -> None:
    first_tree = source_tree(project).short
    assert tt_ws("run", "1.1", "--no-cache")[0] == 0
    change(project, {"lib/add.py": "def add(a, b):\n    return a - b\n"})
    second_tree = source_tree(project).short
    assert tt_ws("run", "1.1")[0] == 1
    code, output = tt_ws("history", "1.1", "--gate", "tests")
    assert code == 0, output
    assert "1.1 tests: newest 2 of 2 runs" in output
    rows = [line for line in output.splitlines() if first_tree in line or second_tree in line]
    assert len(rows) == 2
    newest, oldest = rows
    assert second_tree in newest and "FAIL" in newest and "1/2 (1 failed)" in newest
    assert first_tree in oldest and "PASS" in oldest and "2/2" in oldest
    assert "failed == 0: got 1" in newest


def test_history_of_every_gate_and_its_limit(project: Path) -> None:
    for _ in range(3):
        assert tt_ws("run", "1.1", "--no-cache")[0] == 0
    code, output = tt_ws("history", "1.1", "--limit", "2")
    assert code == 0
    assert "1.1 tests: newest 2 of 3 runs" in output and "1.1 docs: newest 2 of 3 runs" in output


def test_history_names_an_unknown_gate(project: Path) -> None:
    code, output = tt_ws("history", "1.1", "--gate", "nope")
    assert code == 1 and "workstream '1.1' has no gate 'nope' (gates: tests, docs)" in output
