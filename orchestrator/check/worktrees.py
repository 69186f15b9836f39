"""The trees a pull-request check runs on: the base commit, and the merge result of the branch
into it (made with `git merge-tree`, committed without touching any branch), each checked out in
a temporary git worktree that is removed afterwards."""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from orchestrator.errors import GitError, TtWsError

# The merge commit is a throw-away object: it needs an author, not the user's identity.
_IDENTITY = {
    "GIT_AUTHOR_NAME": "tt-ws check",
    "GIT_AUTHOR_EMAIL": "tt-ws@localhost",
    "GIT_COMMITTER_NAME": "tt-ws check",
    "GIT_COMMITTER_EMAIL": "tt-ws@localhost",
}


def _git(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=False, env=env
    )


def _ok(root: Path, *args: str, env: dict[str, str] | None = None) -> str:
    done = _git(root, *args, env=env)
    if done.returncode != 0:
        raise GitError(f"`git {' '.join(args)}` failed in {root}: {done.stderr.strip()}")
    return done.stdout.strip()


@dataclass(frozen=True)
class MergeResult:
    base: str  # commit ids
    head: str
    merge: str


def resolve(root: Path, ref: str) -> str:
    done = _git(root, "rev-parse", "--verify", "-q", f"{ref}^{{commit}}")
    if done.returncode != 0:
        raise TtWsError(
            f"unknown base {ref!r}: not a commit in {root} (fetch it first, e.g. "
            "`git fetch origin main`)"
        )
    return done.stdout.strip()


def merge_result(root: Path, base_ref: str, head_ref: str = "HEAD") -> MergeResult:
    """The commit that merging `head_ref` into `base_ref` gives; TtWsError naming the
    conflicting files when it does not merge cleanly."""
    base, head = resolve(root, base_ref), resolve(root, head_ref)
    done = _git(root, "merge-tree", "--write-tree", "--name-only", "--no-messages", base, head)
    if done.returncode == 1:
        conflicts = [line for line in done.stdout.splitlines()[1:] if line.strip()]
        raise TtWsError(
            f"{head_ref} does not merge cleanly into {base_ref}: conflicts in "
            f"{', '.join(conflicts) or 'some files'}; merge or rebase first"
        )
    if done.returncode != 0:
        raise GitError(f"`git merge-tree` failed in {root}: {done.stderr.strip()}")
    tree = done.stdout.splitlines()[0].strip()
    message = f"tt-ws check: merge {head[:12]} into {base_ref} ({base[:12]})"
    env = {**os.environ, **_IDENTITY}
    merge = _ok(root, "commit-tree", tree, "-p", base, "-p", head, "-m", message, env=env)
    return MergeResult(base, head, merge)


def changed_paths(root: Path, before: str, after: str, under: str) -> list[str]:
    """The files below `under` that differ between commits `before` and `after`."""
    listing = _ok(root, "diff", "--name-only", "--no-renames", "-z", before, after, "--", under)
    return [path for path in listing.split("\0") if path]


@contextlib.contextmanager
def worktree(root: Path, commit: str, name: str) -> Iterator[Path]:
    """`commit` checked out (detached) in a temporary worktree of the repository at `root`."""
    with tempfile.TemporaryDirectory(prefix=f"tt-ws-check-{name}-") as scratch:
        path = Path(scratch) / name
        _ok(root, "worktree", "add", "--detach", "--quiet", str(path), commit)
        try:
            yield path
        finally:
            _git(root, "worktree", "remove", "--force", str(path))
            _git(root, "worktree", "prune")
