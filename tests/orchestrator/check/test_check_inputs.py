"""Input keys: a gate's key changes exactly when something it may read changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from check_helpers import change

from orchestrator.check.inputs import GateInputs, tree_files
from orchestrator.layout import Layout
from orchestrator.lint import load_checked_registry
from orchestrator.tree import source_tree


def keys(root: Path) -> dict[tuple[str, str], str]:
    registry = load_checked_registry(Layout(root).registry)
    return GateInputs(registry, tree_files(root, source_tree(root).hash)).keys()


def changed_gates(root: Path, files: dict[str, str | None]) -> set[tuple[str, str]]:
    before = keys(root)
    change(root, files)
    after = keys(root)
    return {gate for gate in before.keys() | after.keys() if before.get(gate) != after.get(gate)}


EVERY_GATE = {("core", "tests"), ("1.1", "tests"), ("1.1", "docs"), ("1.2", "tests")}


@pytest.mark.parametrize(
    ("files", "affected"),
    [
        # An example's own file: its gates only.
        ({"lib/mul.py": "def mul(a, b):\n    return b * a\n"}, {("1.2", "tests")}),
        # A dependency's file: the dependency and every workstream that depends on it.
        (
            {"lib/core.py": "def helper(x):\n    return x + 0\n"},
            {("core", "tests"), ("1.1", "tests"), ("1.1", "docs")},
        ),
        # Code nobody owns is shared: every gate.
        ({"lib/__init__.py": "VERSION = 2\n"}, EVERY_GATE),
        ({"pyproject.toml": "[project]\nname = 'x'\n"}, EVERY_GATE),
        # Documentation nobody owns: no gate.
        ({"docs/notes.md": "# Notes\n\nMore.\n"}, set()),
        ({"README.md": "# Project\n"}, set()),
        # A page the docs gate names is an input even where nobody owns it.
        ({"docs/add.md": "# Add\n"}, {("1.1", "tests"), ("1.1", "docs")}),
        # Deleting a test file is a change too.
        ({"tests/test_mul.py": None}, {("1.2", "tests")}),
    ],
)
def test_changes_affect_the_gates_that_read_them(
    project: Path, files: dict[str, str | None], affected: set[tuple[str, str]]
) -> None:
    assert changed_gates(project, files) == affected


def test_a_gate_named_file_nobody_owns_is_an_input(project: Path) -> None:
    registry = (project / "workstreams/phase-1.yaml").read_text()
    change(project, {"workstreams/phase-1.yaml": registry.replace("lib/mul.py, ", "")})
    assert changed_gates(project, {"lib/mul.py": "def mul(a, b):\n    return 0\n"}) == EVERY_GATE
    # ...and docs/add.md is named by the docs gate only:
    registry = (project / "workstreams/phase-1.yaml").read_text()
    change(project, {"workstreams/phase-1.yaml": registry.replace(", docs/add.md", "")})
    assert changed_gates(project, {"docs/add.md": "# Add\n\n## Kernel\n\nx\n"}) == {("1.1", "docs")}


def test_changing_a_gate_definition_changes_its_key(project: Path) -> None:
    registry = (project / "workstreams/phase-1.yaml").read_text()
    stricter = registry.replace("run: pytest tests/test_mul.py, require: [failed == 0]",
                                "run: pytest tests/test_mul.py, require: [failed == 0, passed >= 1]")  # fmt: skip
    assert changed_gates(project, {"workstreams/phase-1.yaml": stricter}) == {("1.2", "tests")}


def test_what_tools_read_unasked_is_an_input_whoever_owns_it(project: Path) -> None:
    registry = (project / "workstreams/phase-1.yaml").read_text()
    tool = registry.replace(
        "owns: [lib/mul.py, tests/test_mul.py]",
        "owns: [lib/mul.py, tests/test_mul.py, orchestrator/]",
    ) + (
        "  - id: tool\n    title: Tooling\n    kind: infra\n"
        "    owns: [pyproject.toml, tests/conftest.py, tests/helpers.py]\n"
        "    gates:\n"
        "      - {name: lint, kind: build, run: python -m lib.add, require: [exit_code == 0]}\n"
        "      - {name: cli, kind: build, run: tt-ws lint, require: [exit_code == 0]}\n"
    )
    change(
        project,
        {
            "workstreams/phase-1.yaml": tool,
            "pyproject.toml": "[project]\nname = 'x'\n",
            "tests/conftest.py": "",
            "tests/helpers.py": "",
            "orchestrator/cli.py": "",
        },
    )
    tests_gates = {("core", "tests"), ("1.1", "tests"), ("1.2", "tests")}
    tool_gates = {("tool", "lint"), ("tool", "cli")}
    # Tool configuration: every gate, as if nobody owned it.
    assert changed_gates(project, {"pyproject.toml": "[project]\nname = 'y'\n"}) == (
        EVERY_GATE | tool_gates
    )
    # pytest loads the conftest.py and helper modules above the tests it runs.
    assert changed_gates(project, {"tests/conftest.py": "X = 1\n"}) == tests_gates | tool_gates
    assert changed_gates(project, {"tests/helpers.py": "X = 1\n"}) == tests_gates | tool_gates
    # `python -m lib.add` reads that module (owned by 1.1, not a dependency of tool).
    assert changed_gates(project, {"lib/add.py": "X = 1\n"}) == {
        ("1.1", "tests"),
        ("1.1", "docs"),
        ("tool", "lint"),
    }
    # A `tt-ws` gate runs the tree's own orchestrator package, whoever owns it.
    assert changed_gates(project, {"orchestrator/cli.py": "X = 1\n"}) == {
        ("1.2", "tests"),
        ("tool", "cli"),
    }
