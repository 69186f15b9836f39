"""A git worktree and branch per claim, so that agents never share a working copy.

Created with gitpython once the claim is won; the path and branch are recorded in the claim.
"""

from __future__ import annotations

from pathlib import Path

import git

from orchestrator.claims.errors import ClaimStoreError


def worktree_names(root: Path, workstream: str, token: int, base: Path | None) -> tuple[Path, str]:
    """Where the worktree of this claim goes and its branch; the token keeps both unique."""
    name = f"{workstream}-t{token}"
    parent = base or root.parent / f"{root.name}-worktrees"
    return parent / name, f"tt-ws/{name}"


def create_worktree(root: Path, path: Path, branch: str) -> None:
    """`git worktree add -b BRANCH PATH HEAD` in the repository at `root`."""
    try:
        git.Repo(root).git.worktree("add", "-b", branch, str(path), "HEAD")
    except git.GitCommandError as exc:
        raise ClaimStoreError(
            f"cannot create worktree {path} on branch {branch}: {exc.stderr.strip()}"
        ) from None
