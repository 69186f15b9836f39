"""Evidence records git knows of that are no longer on disk.

Evidence is append-only: a record is never rewritten or removed. A deleted record would turn a
gate silently "not run", or, with its newest FAIL gone, PASS on an older record; so status asks
git which records were deleted (from the working copy, or by a commit) and are still missing,
and leaves those gates UNKNOWN with the command that restores the files. Two git calls, about
10 ms each here.
"""

from __future__ import annotations

import subprocess
from collections import defaultdict
from pathlib import Path, PurePosixPath

from orchestrator.layout import STATUS_DIR

EVIDENCE = f"{STATUS_DIR}/evidence"


def _git_lines(root: Path, *args: str) -> list[str]:
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        return []
    # Outside a git repository (or without commits) nothing can have been deleted from it.
    return done.stdout.splitlines() if done.returncode == 0 else []


def vanished_records(root: Path) -> dict[tuple[str, str], list[str]]:
    """(workstream directory, gate directory) -> why its deleted records are missing."""
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    seen: set[str] = set()

    def note(path: str, how: str) -> None:
        parts = PurePosixPath(path).parts
        if path in seen or len(parts) != 5 or not path.endswith(".json") or (root / path).exists():
            return
        seen.add(path)
        found[(parts[2], parts[3])].append(f"{path} {how}")

    for path in _git_lines(root, "ls-files", "--deleted", "--", EVIDENCE):
        note(path, f"was deleted from the working copy — restore it with `git checkout -- {path}`")
    commit = ""
    log = ("log", "--relative", "--diff-filter=D", "--name-only", "--format=%x00%h")
    for line in _git_lines(root, *log, "--", EVIDENCE):
        if line.startswith("\0"):
            commit = line[1:]
        elif line:
            note(
                line,
                f"was deleted by commit {commit} — restore it with "
                f"`git checkout {commit}^ -- {line}`",
            )
    return dict(found)
