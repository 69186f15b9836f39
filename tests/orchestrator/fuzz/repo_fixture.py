"""One temporary repository per fuzz module (a fresh one per input would dominate the time)."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import yaml
from fuzz_helpers import REGISTRY

REGISTRY_FILE = "workstreams/phase-1.yaml"


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def make_repo(root: Path) -> Path:
    """A committed repository holding REGISTRY, its docs page, and a link out of the repo."""
    (root / "workstreams").mkdir(parents=True)
    (root / "docs").mkdir()
    (root / "docs" / "add.md").write_text("# Add\n\n## Kernel\n\nAdds.\n")
    (root / ".gitignore").write_text(".tt-ws/\n__pycache__/\n")
    (root / "link").symlink_to("/etc")
    (root / REGISTRY_FILE).write_text(yaml.safe_dump(REGISTRY, sort_keys=False))
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "fuzz@example.com")
    git(root, "config", "user.name", "fuzz")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "init")
    return root


@contextlib.contextmanager
def inside(root: Path) -> Iterator[Path]:
    """The working directory set to `root` for the block (the commands find the repo from it)."""
    before = Path.cwd()
    os.chdir(root)
    try:
        yield root
    finally:
        os.chdir(before)
