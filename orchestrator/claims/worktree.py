"""A git worktree and branch per claim, so that agents never share a working copy.

Created with gitpython once the claim is won; the path and branch are recorded in the claim.
gitpython is imported only here, inside the functions: it costs ~30 ms of every CLI start-up.
"""

from __future__ import annotations

from pathlib import Path

from orchestrator.claims.errors import ClaimStoreError


def worktree_names(root: Path, workstream: str, token: int, base: Path | None) -> tuple[Path, str]:
    """Where the worktree of this claim goes and its branch; the token keeps both unique.

    By default beside the main working tree (found through the common git dir, so that `next`
    run inside another claim's worktree does not nest worktrees).
    """
    import git

    name = f"{workstream}-t{token}"
    if base is None:
        main = Path(git.Repo(root).common_dir).resolve().parent
        base = main.parent / f"{main.name}-worktrees"
    return base / name, f"tt-ws/{name}"


def create_worktree(root: Path, path: Path, branch: str) -> None:
    """`git worktree add -b BRANCH PATH HEAD` in the repository at `root`."""
    import git

    try:
        git.Repo(root).git.worktree("add", "-b", branch, str(path), "HEAD")
    except git.GitCommandError as exc:
        raise ClaimStoreError(
            f"cannot create worktree {path} on branch {branch}: {exc.stderr.strip()}"
        ) from None
