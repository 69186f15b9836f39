"""Helpers for orchestrator tests: a small registry and git operations on temporary repos."""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

SMALL_REGISTRY = """\
phase: {id: 1, title: Basics}
workstreams:
  - id: "1.1"
    title: Add
    kind: example
    gates:
      - name: tests
        kind: tests
        run: pytest tests/test_add.py
        require: [failed == 0, passed >= 2]
      - name: docs
        kind: docs
        page: docs/add.md
        headings: ["## Kernel", "## Limitations"]
        require: [missing_headings == 0, empty_sections == 0]
  - id: "1.2"
    title: Mul
    kind: example
    depends_on: ["1.1"]
    gates:
      - name: build
        kind: build
        run: python -c "print('built')"
        require: [exit_code == 0]
"""

PASSING_TESTS = """\
def test_one():
    assert 1 + 1 == 2


def test_two():
    assert "a" * 2 == "aa"
"""

DOCS_PAGE = "# Add\n\n## Kernel\n\nAdds.\n\n## Limitations\n\nNone.\n"


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def commit_all(root: Path, message: str = "change") -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
