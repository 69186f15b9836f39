"""A small project for check tests: a core library that examples depend on, their pytest gates,
a docs page, and helpers to branch, change and merge it."""

from __future__ import annotations

from pathlib import Path

from repo_helpers import commit_all, git, write
from typer.testing import CliRunner

from orchestrator.cli import app

REGISTRY = """\
phase: {id: 1, title: Basics}
workstreams:
  - id: core
    title: Core library
    kind: infra
    owns: [lib/core.py, tests/test_core.py]
    gates:
      - {name: tests, kind: tests, run: pytest tests/test_core.py, require: [failed == 0]}
  - id: "1.1"
    title: Add
    kind: example
    depends_on: [core]
    owns: [lib/add.py, tests/test_add.py, docs/add.md]
    gates:
      - {name: tests, kind: tests, run: pytest tests/test_add.py, require: [failed == 0]}
      - name: docs
        kind: docs
        page: docs/add.md
        headings: ["## Kernel"]
        require: [missing_headings == 0]
  - id: "1.2"
    title: Mul
    kind: example
    owns: [lib/mul.py, tests/test_mul.py]
    gates:
      - {name: tests, kind: tests, run: pytest tests/test_mul.py, require: [failed == 0]}
"""

FILES = {
    ".gitignore": "__pycache__/\n.tt-ws/\n",
    "workstreams/phase-1.yaml": REGISTRY,
    "lib/__init__.py": "",
    "lib/core.py": "def helper(x):\n    return x\n",
    "lib/add.py": "from lib.core import helper\n\n\ndef add(a, b):\n    return helper(a) + b\n",
    "lib/mul.py": "def mul(a, b):\n    return a * b\n",
    "tests/test_core.py": "from lib.core import helper\n\n\ndef test_helper():\n    assert helper(3) == 3\n",
    "tests/test_add.py": (
        "from lib.add import add\n\n\n"
        "def test_add():\n    assert add(1, 2) == 3\n\n\n"
        "def test_add_zero():\n    assert add(0, 0) == 0\n"
    ),
    "tests/test_mul.py": "from lib.mul import mul\n\n\ndef test_mul():\n    assert mul(2, 3) == 6\n",
    "docs/add.md": "# Add\n\n## Kernel\n\nAdds.\n",
    "docs/notes.md": "# Notes\n",
}


def make_project(root: Path) -> Path:
    """A committed repository (branch main) holding FILES."""
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "test@example.com")
    git(root, "config", "user.name", "test")
    for relative, text in FILES.items():
        write(root, relative, text)
    commit_all(root, "init")
    return root


def change(root: Path, files: dict[str, str | None], message: str = "change") -> None:
    """Write (or, for None, delete) files and commit."""
    for relative, text in files.items():
        if text is None:
            (root / relative).unlink()
        else:
            write(root, relative, text)
    commit_all(root, message)


def branch(root: Path, name: str, start: str = "main") -> None:
    git(root, "checkout", "-q", "-b", name, start)


def tt_ws(*args: str) -> tuple[int, str]:
    """Run a tt-ws command in-process: (exit code, output)."""
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output
