"""The source tree hash: what evidence is keyed to.

It is the git tree of the working copy *as it is now* (tracked and untracked files, uncommitted
changes included, ignored files excluded) with the top-level `status/` directory left out. Leaving
`status/` out lets the generated status pages and the evidence store be committed without making
every record stale. Computed with a throw-away copy of the index, so the real one is untouched
and git's stat cache keeps it fast.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from orchestrator.errors import GitError
from orchestrator.layout import RUNS_ROOT, STATUS_DIR


@dataclass(frozen=True)
class SourceTree:
    hash: str
    dirty: bool  # the sources differ from HEAD's (status/ aside)

    @property
    def short(self) -> str:
        return self.hash[:12]


def _git(root: Path, *args: str, env: dict[str, str] | None = None, check: bool = True) -> str:
    try:
        done = subprocess.run(
            ["git", *args], cwd=root, env=env, capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        raise GitError("git is not installed (needed to identify the source tree)") from None
    if check and done.returncode != 0:
        raise GitError(f"`git {' '.join(args)}` failed in {root}: {done.stderr.strip()}")
    return done.stdout.strip() if check else str(done.returncode)


def source_tree(root: Path) -> SourceTree:
    """The hash of the sources under `root` (a git work tree) as they are on disk now."""
    real_index = Path(root, _git(root, "rev-parse", "--git-path", "index"))
    with tempfile.TemporaryDirectory(prefix="tt-ws-index-") as scratch:
        index = Path(scratch) / "index"
        if real_index.is_file():
            shutil.copyfile(real_index, index)
        env = {**os.environ, "GIT_INDEX_FILE": str(index)}
        _git(root, "add", "--all", "--", ".", f":(exclude){STATUS_DIR}", env=env)
        # Run scratch goes too, even where .gitignore forgets it: gates write there mid-run.
        _git(
            root, "rm", "-r", "-q", "--cached", "--ignore-unmatch", "--", STATUS_DIR, RUNS_ROOT,
            env=env,
        )  # fmt: skip
        tree = _git(root, "write-tree", env=env)
        has_head = _git(root, "rev-parse", "--verify", "-q", "HEAD", check=False) == "0"
        dirty = not has_head or (
            _git(
                root, "diff-index", "--cached", "--quiet", "HEAD", "--", ".",
                f":(exclude){STATUS_DIR}", f":(exclude){RUNS_ROOT}", env=env, check=False,
            )
            != "0"
        )  # fmt: skip
    return SourceTree(tree, dirty)
