"""Compare-and-swap on git refs under `refs/tt-ws/`: the storage of claims, local or shared.

Each ref points at a commit with the empty tree whose message is the payload (a claim record, or
the last fencing token), its parent the value it replaced. Commits rather than blobs because `for-each-ref
%(contents)` then reads every ref and its payload in one subprocess.

Plain `git` subprocesses, not gitpython: the atomicity comes from git's own ref transactions
(`update-ref --stdin` with expected old values locally; `push --atomic --force-with-lease` on a
shared remote, checked by the remote's receive-pack under its ref locks). gitpython writes refs
by rewriting files, which is not a compare-and-swap.

A ref update that finds the ref's lock file taken normally lost a race; but git holds such a lock
only for the moment of one update, so a lock file older than `STALE_LOCK_S` was left by a git
process killed while holding it, and blocks every update of that ref until it is removed. Such a
lock is reported at once (with the command that removes it) instead of being retried as a race.
git's ref locks do not record their owner's pid: their age is the only sign. A lock on a shared
remote cannot be aged from here; one that refuses every push for `STALE_LOCK_S` is reported.
"""

from __future__ import annotations

import os
import random
import re
import shlex
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from orchestrator.claims.errors import ClaimStoreError

NAMESPACE = "refs/tt-ws/"

# Claim commits are bookkeeping, not authored work: a fixed identity keeps them independent of
# the user's git config (temporary repos and CI runners often have none).
_IDENTITY = {
    "GIT_AUTHOR_NAME": "tt-ws",
    "GIT_AUTHOR_EMAIL": "tt-ws@localhost",
    "GIT_COMMITTER_NAME": "tt-ws",
    "GIT_COMMITTER_EMAIL": "tt-ws@localhost",
}
_FETCH_ATTEMPTS = 8
STALE_LOCK_S = 10.0
_LOCK_FAILURE = re.compile(r"Unable to create '([^']+\.lock)': ([^\n]*)")


@dataclass(frozen=True)
class RefValue:
    oid: str
    message: str


@dataclass(frozen=True)
class RefUpdate:
    """Set `ref` to `new` only if it currently is `old` (`None`: only if it does not exist)."""

    ref: str
    new: str
    old: str | None


class LocalRefs:
    """Claim refs of one repository (shared by all its worktrees); CAS by `git update-ref`."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def git(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["git", *args],
            cwd=self.root,
            input=stdin,
            capture_output=True,
            text=True,
            env={**os.environ, **_IDENTITY},
            check=False,
        )

    def checked(self, *args: str, stdin: str | None = None) -> str:
        done = self.git(*args, stdin=stdin)
        if done.returncode != 0:
            raise ClaimStoreError(
                f"`git {' '.join(args)}` failed in {self.root}: {done.stderr.strip()}"
            )
        return done.stdout

    @cached_property
    def _common_dir(self) -> Path:
        """The git directory shared by all worktrees: where the refs and their locks live."""
        return self.root / self.checked("rev-parse", "--git-common-dir").strip()

    def stale_locks(self) -> list[tuple[Path, float]]:
        """Lock files of the claim refs (and of packed-refs) older than `STALE_LOCK_S`, with
        their age in seconds."""
        common = self._common_dir
        found = [*(common / NAMESPACE).rglob("*.lock"), common / "packed-refs.lock"]
        aged = [(path, _age(path)) for path in found]
        return [(path, age) for path, age in aged if age is not None and age > STALE_LOCK_S]

    def check_locks(self) -> None:
        """Raise ClaimStoreError naming the first stale lock, if any."""
        stale = self.stale_locks()
        if stale:
            raise _stale_lock(*stale[0])

    def _refuse_lock_failure(self, stderr: str) -> None:
        """Raise when git failed on a lock file for a reason other than a concurrent writer
        holding it: the lock is stale, or it cannot be created at all (e.g. name too long)."""
        failure = _LOCK_FAILURE.search(stderr)
        if failure is None:
            return
        path, why = Path(failure[1]), failure[2].strip().rstrip(".")
        if why != "File exists":
            raise ClaimStoreError(f"git cannot create the lock file {path}: {why}")
        age = _age(path)
        if age is not None and age > STALE_LOCK_S:
            raise _stale_lock(path, age)

    @cached_property
    def _empty_tree(self) -> str:
        return self.checked("hash-object", "-t", "tree", "-w", "--stdin", stdin="").strip()

    @property
    def _zero(self) -> str:
        return "0" * len(self._empty_tree)

    def read(self) -> dict[str, RefValue]:
        out = self.checked(
            "for-each-ref", "--format=%(refname)%00%(objectname)%00%(contents)%00", NAMESPACE
        )
        fields = out.split("\0")
        return {
            fields[i].lstrip("\n"): RefValue(fields[i + 1], fields[i + 2])
            for i in range(0, len(fields) - 2, 3)
        }

    def write_object(self, message: str, parent: str | None) -> str:
        """A commit carrying `message`; chained to the value it replaces, so that earlier claims
        of a workstream (their tokens and final lease ends) stay readable."""
        parents = ("-p", parent) if parent else ()
        return self.checked("commit-tree", self._empty_tree, *parents, stdin=message).strip()

    def history(self, oid: str) -> list[str]:
        """The messages of `oid` and its ancestors, newest first."""
        out = self.checked("log", "--first-parent", "--format=%B%x00", oid)
        return [m.strip() for m in out.split("\0") if m.strip()]

    def swap(self, updates: Sequence[RefUpdate]) -> bool:
        """All updates or none; False when some ref no longer has its expected old value."""
        script = "".join(f"update {u.ref} {u.new} {u.old or self._zero}\n" for u in updates)
        done = self.git("update-ref", "--stdin", stdin=script)
        if done.returncode == 0:
            return True
        self._refuse_lock_failure(done.stderr)
        # A moved ref and a ref locked by a concurrent writer both read "cannot lock ref".
        if "cannot lock ref" in done.stderr:
            return False
        raise ClaimStoreError(f"`git update-ref` failed in {self.root}: {done.stderr.strip()}")


class RemoteRefs(LocalRefs):
    """Claim refs kept on a shared remote: local refs are a mirror, the remote decides CAS."""

    def __init__(self, root: Path, remote: str) -> None:
        super().__init__(root)
        self.remote = remote
        # Lock files of the remote refusing our pushes, and since when (time.monotonic()).
        self._refused_by: dict[str, float] = {}

    def read(self) -> dict[str, RefValue]:
        self._fetch()
        return super().read()

    def _fetch(self) -> None:
        refspec = f"+{NAMESPACE}*:{NAMESPACE}*"
        for _ in range(_FETCH_ATTEMPTS):
            # --prune drops local-only claim refs (e.g. left from local mode): the remote is the
            # authority, and a stale local fence would make every lease check fail.
            done = self.git(
                "fetch", "--quiet", "--prune", "--no-tags", "--no-write-fetch-head",
                self.remote, refspec,
            )  # fmt: skip
            if done.returncode == 0:
                return
            # Another process of this clone is updating the same mirror refs: retry shortly.
            if "cannot lock ref" not in done.stderr:
                break
            self._refuse_lock_failure(done.stderr)
            time.sleep(random.uniform(0.005, 0.05))
        raise ClaimStoreError(
            f"cannot fetch claims from remote {self.remote!r}: {done.stderr.strip()}"
        )

    def swap(self, updates: Sequence[RefUpdate]) -> bool:
        leases = [f"--force-with-lease={u.ref}:{u.old or ''}" for u in updates]
        specs = [f"{u.new}:{u.ref}" for u in updates]
        done = self.git(
            "push", "--porcelain", "--atomic", "--no-verify", *leases, self.remote, *specs
        )
        if done.returncode == 0:
            self._refused_by.clear()
            return True
        # Porcelain marks each refused ref with "!"; any other failure is not a lost race.
        if any(line.startswith("!") for line in done.stdout.splitlines()):
            self._refuse_stuck_remote_lock(done.stderr)
            return False
        raise ClaimStoreError(
            f"cannot push claims to remote {self.remote!r}: {done.stderr.strip()}"
        )

    def _refuse_stuck_remote_lock(self, stderr: str) -> None:
        """Raise when the same lock file of the remote has refused every push for longer than
        `STALE_LOCK_S` (a lost race leaves no lock behind; a stale lock refuses forever)."""
        failure = _LOCK_FAILURE.search(stderr)
        if failure is None:
            self._refused_by.clear()
            return
        path = failure[1]
        held = time.monotonic() - self._refused_by.setdefault(path, time.monotonic())
        if held > STALE_LOCK_S:
            raise ClaimStoreError(
                f"the claims remote {self.remote!r} has refused every claim for {held:.0f} s: "
                f"its git lock {path} stays taken, so a git process there was killed while "
                "holding it. If no git process is running in that repository, remove it there: "
                f"rm {shlex.quote(path)}"
            )


def _age(path: Path) -> float | None:
    """Seconds since `path` was last modified; None when it does not exist (any more)."""
    try:
        return time.time() - path.stat().st_mtime
    except FileNotFoundError:
        return None


def _stale_lock(path: Path, age: float) -> ClaimStoreError:
    return ClaimStoreError(
        f"stale git lock {path} ({age:.0f} s old) blocks every claim: git holds a ref lock only "
        "for the moment of one update, so a git process was killed while holding it. If no git "
        f"or tt-ws command is running in this repository, remove it: rm {shlex.quote(str(path))}"
    )
