"""Integration: the branch that collects verified work, and the git steps that feed it.

Readiness needs evidence on one shared tree, so finished work is integrated into one branch
(`tt-ws/dispatch` by default, created from HEAD): the agent's branch is merged with the branch's
current commit, the gates are run on that merge result, and the branch is moved to the result
with a compare-and-swap (`git update-ref NEW OLD`; with a claims remote, a push with
`--force-with-lease` to it), so two dispatchers of one repository, or of clones of one remote,
never lose each other's work. The dispatcher never checks that branch out in anyone's working
tree: it reads it through a private detached worktree (the view).

The dispatcher trusts only its own runs: `status/` on the integration branch is written by the
dispatcher alone. An agent's diff that edits or deletes evidence already on the branch is
refused; records and pages the agent adds are claims, dropped before the gates run; and a diff
that loosens any gate's definition (orchestrator.check.loosened) or changes the trusted runners
(orchestrator.attest) is refused.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from orchestrator.check.loosened import gate_change
from orchestrator.errors import GitError, TtWsError
from orchestrator.layout import RUNS_ROOT, STATUS_DIR, Layout
from orchestrator.lint import load_checked_registry
from orchestrator.registry import Registry
from orchestrator.status import (
    claimed_evidence_admission,
    current_status,
    render_pages,
    write_pages,
)

_FETCH_ATTEMPTS = 8


def git(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )


def checked(cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    done = git(cwd, *args, env=env)
    if done.returncode != 0:
        raise GitError(f"`git {' '.join(args)}` failed in {cwd}: {done.stderr.strip()}")
    return done.stdout.strip()


def identity(name: str) -> dict[str, str]:
    """Commits made for an agent carry its name, whatever the user's git config says."""
    email = f"{name}@tt-ws.invalid"
    return {
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
    }


class TargetBranch:
    """The integration branch of the repository at `root`; with `remote` (the claims remote),
    the branch on that remote is the authority and the local branch a mirror of it, so that
    dispatchers on clones of one remote see each other's finished work."""

    def __init__(self, root: Path, name: str, remote: str | None = None) -> None:
        self.root = root
        self.name = name
        self.ref = f"refs/heads/{name}"
        self.remote = remote

    def ensure(self) -> str:
        """Its commit; created from HEAD when missing. Refused when a worktree has it checked
        out: moving it would change files under someone's feet."""
        if git(self.root, "check-ref-format", self.ref).returncode != 0:
            raise TtWsError(f"--into {self.name!r} is not a valid branch name")
        listing = checked(self.root, "worktree", "list", "--porcelain")
        for block in listing.split("\n\n"):
            if f"branch {self.ref}" in block.splitlines():
                where = block.splitlines()[0].removeprefix("worktree ")
                raise TtWsError(
                    f"branch {self.name} is checked out in {where}; the dispatcher integrates "
                    "into a branch nobody has checked out (default tt-ws/dispatch)"
                )
        head = checked(self.root, "rev-parse", "--verify", "HEAD^{commit}")
        # Create only if absent; a concurrent dispatcher may create it first: fine.
        if self.remote is None:
            git(self.root, "update-ref", self.ref, head, "0" * len(head))
        else:
            self._push(head, "")
        return self.commit()

    def commit(self) -> str:
        if self.remote is not None:
            self._fetch()
        return checked(self.root, "rev-parse", "--verify", f"{self.ref}^{{commit}}")

    def advance(self, new: str, old: str) -> bool:
        """Move the branch from `old` to `new`; False when it is no longer at `old`."""
        if self.remote is not None:
            return self._push(new, old)
        done = git(self.root, "update-ref", "-m", "tt-ws dispatch: integrate", self.ref, new, old)
        if done.returncode == 0:
            return True
        if "cannot lock ref" in done.stderr:
            return False
        raise GitError(f"`git update-ref {self.ref}` failed: {done.stderr.strip()}")

    def _push(self, new: str, old: str) -> bool:
        """Compare-and-swap on the remote (`old` empty: only if absent); False when it lost."""
        assert self.remote is not None
        done = git(
            self.root, "push", "--porcelain", "--no-verify",
            f"--force-with-lease={self.ref}:{old}", self.remote, f"{new}:{self.ref}",
        )  # fmt: skip
        if done.returncode == 0:
            checked(self.root, "update-ref", self.ref, new)
            return True
        if any(line.startswith("!") for line in done.stdout.splitlines()):
            return False
        raise GitError(f"cannot push {self.ref} to {self.remote!r}: {done.stderr.strip()}")

    def _fetch(self) -> None:
        assert self.remote is not None
        for _ in range(_FETCH_ATTEMPTS):
            done = git(
                self.root, "fetch", "--quiet", "--no-tags", "--no-write-fetch-head",
                self.remote, f"+{self.ref}:{self.ref}",
            )  # fmt: skip
            # Another process of this clone may be updating the same mirror ref: retry.
            if done.returncode == 0 or "cannot lock ref" not in done.stderr:
                break
            time.sleep(0.02)
        if done.returncode != 0:
            raise GitError(f"cannot fetch {self.ref} from {self.remote!r}: {done.stderr.strip()}")


def commit_all(worktree: Path, message: str, author: str) -> bool:
    """Commit everything in `worktree` but the run scratch; False when there was nothing."""
    checked(worktree, "add", "--all", "--", ".")
    # Run scratch stays out even where .gitignore forgets it (as in orchestrator.tree).
    checked(worktree, "rm", "-r", "-q", "--cached", "--ignore-unmatch", "--", RUNS_ROOT)
    if git(worktree, "diff", "--cached", "--quiet").returncode == 0:
        return False
    checked(worktree, "commit", "-q", "--no-verify", "-m", message, env=identity(author))
    return True


def merge(worktree: Path, commit: str, author: str) -> str | None:
    """Merge `commit` into the worktree's branch; None on success, else what conflicted (the
    merge is aborted, the branch left as it was).

    Conflicts confined to `status/` are resolved with `commit`'s side: the pages are generated,
    and rendered afresh once the gates have run (evidence files have unique names and never
    conflict). Agents that follow CLAUDE.md commit regenerated pages, so this is the usual case.
    """
    # --no-ff: always a merge commit, which drop_status_changes may amend (see there)
    done = git(worktree, "merge", "-q", "--no-ff", "--no-edit", commit, env=identity(author))
    if done.returncode == 0:
        return None
    conflicted = git(worktree, "diff", "--name-only", "--diff-filter=U").stdout.split()
    if conflicted and all(f.startswith(f"{STATUS_DIR}/") for f in conflicted):
        checked(worktree, "checkout", "--theirs", "--", *conflicted)
        checked(worktree, "add", "--", *conflicted)
        checked(worktree, "commit", "-q", "--no-edit", "--no-verify", env=identity(author))
        return None
    git(worktree, "merge", "--abort")
    detail = ", ".join(conflicted) or (done.stderr.strip() or done.stdout.strip())
    return f"merge with {commit[:12]} failed: {detail}"


def status_changes(worktree: Path, target: str) -> tuple[list[str], list[str]]:
    """After merging `target` into the worktree's branch: (evidence files of `target` that the
    branch edits or deletes, every other `status/` file it adds or changes)."""
    listing = checked(
        worktree, "diff", "--name-status", "--no-renames", target, "HEAD", "--", STATUS_DIR
    )
    edited, other = [], []
    evidence = f"{Layout(Path()).evidence.as_posix()}/"
    for line in listing.splitlines():
        change, path = line.split("\t", 1)
        (edited if change in ("M", "D") and path.startswith(evidence) else other).append(path)
    return edited, other


def changes_file(worktree: Path, target: str, path: str) -> bool:
    """Whether the worktree's HEAD differs from `target` in the file `path`."""
    return git(worktree, "diff", "--quiet", target, "HEAD", "--", path).returncode != 0


def drop_status_changes(worktree: Path, target: str, author: str) -> bool:
    """Put `status/` back as it is on `target` in the merge commit itself; False when nothing
    differed. Amending the merge (made by `merge`) rather than committing a deletion keeps the
    integration branch's history free of deleted evidence, which status would otherwise flag
    (orchestrator.vanished): the agent's records were never on the branch, only on its side."""
    checked(worktree, "restore", f"--source={target}", "--staged", "--worktree", "--", STATUS_DIR)
    if git(worktree, "diff", "--cached", "--quiet").returncode == 0:
        return False
    # --allow-empty: a diff of status/ alone leaves the merge with the target's tree
    checked(
        worktree,
        "commit",
        "-q",
        "--amend",
        "--allow-empty",
        "--no-edit",
        "--no-verify",
        env=identity(author),
    )
    return True


def loosened_gates(before: Registry, after: Registry) -> list[str]:
    """How `after` loosens or removes gates that `before` defines."""
    found = []
    for ws in before.workstreams:
        now = after.by_id.get(ws.id)
        for gate in ws.gates:
            new = [g for g in now.gates if g.name == gate.name] if now else []
            if not new:
                found.append(f"{ws.id} {gate.name}: gate removed")
                continue
            change = gate_change(gate, new[0])
            found += [f"{ws.id} {gate.name}: {c}" for c in (change.loosened if change else ())]
    return found


def render_status(worktree: Path) -> None:
    """`tt-ws status` in the worktree, so the integrated commit passes `tt-ws status --check`."""
    layout = Layout(worktree)
    report = current_status(
        layout, load_checked_registry(layout.registry), claimed_evidence_admission(layout)
    )
    write_pages(layout, render_pages(report))


def head(worktree: Path) -> str:
    return checked(worktree, "rev-parse", "HEAD")


class View:
    """A private detached worktree showing one commit of the integration branch."""

    def __init__(self, root: Path, path: Path) -> None:
        self.root = root
        self.path = path
        self.shown: str | None = None

    def show(self, commit: str) -> Path:
        if not self.path.exists():
            checked(self.root, "worktree", "add", "-q", "--detach", str(self.path), commit)
        elif self.shown != commit:
            checked(self.path, "checkout", "-q", "--detach", "--force", commit)
            checked(self.path, "clean", "-q", "-d", "--force")
        self.shown = commit
        return self.path

    def remove(self) -> None:
        remove_worktree(self.root, self.path)


def remove_worktree(root: Path, path: Path, branch: str | None = None) -> None:
    """Remove a worktree (and its branch); missing ones are fine."""
    if path.exists():
        git(root, "worktree", "remove", "--force", str(path))
    git(root, "worktree", "prune")
    if branch:
        git(root, "branch", "-q", "-D", branch)
