"""The registry loader: schema, file:line errors, structural rules, ordering helpers."""

from __future__ import annotations

from pathlib import Path

import pytest
from repo_helpers import SMALL_REGISTRY, write

from orchestrator.errors import RegistryError
from orchestrator.registry import Condition, find_cycle, id_key, load_registry, parse_file


def problems_of(directory: Path) -> list[str]:
    with pytest.raises(RegistryError) as caught:
        load_registry(directory)
    return [str(p) for p in caught.value.problems]


def test_loads_phases_workstreams_and_gates(repo: Path) -> None:
    registry = load_registry(repo / "workstreams")
    assert [p.id for p in registry.phases] == [1]
    assert [ws.id for ws in registry.workstreams] == ["1.1", "1.2"]
    add = registry.get("1.1")
    assert add.phase == 1
    assert add.where.line == 3
    assert [g.name for g in add.gates] == ["tests", "docs"]
    assert add.gate_lines == (7, 11)
    assert [str(c) for c in add.gate("tests").require] == ["failed == 0", "passed >= 2"]


def test_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    write(tmp_path, "w/p.yaml", "phase: {id: 1, title: x}\nworkstreams:\n  - id: [1\n")
    [problem] = problems_of(tmp_path / "w")
    assert problem.startswith(f"{tmp_path / 'w' / 'p.yaml'}:4: malformed YAML")


def test_schema_violation_names_entry_field_and_line(tmp_path: Path) -> None:
    text = SMALL_REGISTRY.replace("kind: build", "kind: compile")
    write(tmp_path, "w/p.yaml", text)
    [problem] = problems_of(tmp_path / "w")
    assert ":22: workstream '1.2' gates[0].kind: Input should be 'build'" in problem


def test_unknown_key_is_rejected_with_its_name(tmp_path: Path) -> None:
    write(
        tmp_path,
        "w/p.yaml",
        SMALL_REGISTRY.replace("    title: Mul\n", "    title: Mul\n    colour: red\n"),
    )
    [problem] = problems_of(tmp_path / "w")
    assert problem.endswith(":18: workstream '1.2': unknown key 'colour'")


def test_duplicate_yaml_key_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "w/p.yaml", "phase: {id: 1, title: a}\nphase: {id: 2, title: b}\n")
    [problem] = problems_of(tmp_path / "w")
    assert problem.endswith("p.yaml:2: duplicate key 'phase'")


def test_non_scalar_key_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "w/p.yaml", "phase: {id: 1, title: a}\n? [x, y]\n: 1\n")
    [problem] = problems_of(tmp_path / "w")
    assert problem.endswith("p.yaml:2: a key must be a plain word or number")


def test_binary_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "w").mkdir()
    (tmp_path / "w" / "p.yaml").write_bytes(b"phase: \xff\xfe\n")
    [problem] = problems_of(tmp_path / "w")
    assert problem.endswith("p.yaml: not UTF-8 text: invalid start byte")


def test_bad_condition_explains_the_form(tmp_path: Path) -> None:
    write(tmp_path, "w/p.yaml", SMALL_REGISTRY.replace("passed >= 2", "passed => 2"))
    [problem] = problems_of(tmp_path / "w")
    assert "workstream '1.1' gates[0].require[1]" in problem
    assert "is not `metric OPERATOR number`" in problem


def test_duplicate_ids_point_at_the_first_definition(tmp_path: Path) -> None:
    write(tmp_path, "w/a.yaml", SMALL_REGISTRY)
    write(tmp_path, "w/b.yaml", SMALL_REGISTRY.replace("id: 1,", "id: 2,"))
    problems = problems_of(tmp_path / "w")
    assert (
        f"{tmp_path / 'w' / 'b.yaml'}:3: duplicate id '1.1' (first defined at a.yaml:3)" in problems
    )
    assert (
        f"{tmp_path / 'w' / 'b.yaml'}:16: duplicate id '1.2' (first defined at a.yaml:16)"
        in problems
    )


def test_unknown_dependency(tmp_path: Path) -> None:
    write(
        tmp_path, "w/p.yaml", SMALL_REGISTRY.replace('depends_on: ["1.1"]', 'depends_on: ["9.9"]')
    )
    assert problems_of(tmp_path / "w") == [
        f"{tmp_path / 'w' / 'p.yaml'}:16: workstream '1.2' depends on unknown workstream '9.9'"
    ]


def test_dependency_cycle_is_printed(tmp_path: Path) -> None:
    text = SMALL_REGISTRY.replace(
        "    kind: example\n    gates:", '    kind: example\n    depends_on: ["1.2"]\n    gates:', 1
    )
    write(tmp_path, "w/p.yaml", text)
    assert problems_of(tmp_path / "w") == [
        f"{tmp_path / 'w' / 'p.yaml'}:3: dependency cycle: 1.1 -> 1.2 -> 1.1"
    ]


def test_find_cycle() -> None:
    assert find_cycle({"a": ["b"], "b": ["c"], "c": ["a"]}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": ["a"]}) == ["a", "a"]
    assert find_cycle({"a": ["b"], "b": [], "c": ["a", "b"]}) is None


def test_condition_parsing_and_evaluation() -> None:
    condition = Condition.model_validate("passed >= 8")
    assert (condition.metric, condition.op, condition.threshold) == ("passed", ">=", 8)
    assert condition.failure({"passed": 8}) is None
    assert condition.failure({"passed": 3}) == "passed >= 8: got 3"
    assert condition.failure({}) == "passed >= 8: metric 'passed' was not reported"


def test_ids_sort_numerically() -> None:
    assert sorted(["1.10", "infra.x", "1.2", "2.1"], key=id_key) == [
        "1.2",
        "1.10",
        "2.1",
        "infra.x",
    ]


def test_dependency_order_puts_dependencies_first(repo: Path) -> None:
    registry = load_registry(repo / "workstreams")
    ordered = registry.in_dependency_order([registry.get("1.2"), registry.get("1.1")])
    assert [ws.id for ws in ordered] == ["1.1", "1.2"]


def test_empty_file_is_reported(tmp_path: Path) -> None:
    write(tmp_path, "w/p.yaml", "")
    with pytest.raises(RegistryError, match="empty registry file"):
        parse_file(tmp_path / "w" / "p.yaml")
