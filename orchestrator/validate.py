"""The one validation layer for what tt-ws reads from disk or argv.

- ids and names: a grammar safe as a file name on every OS and as a git ref component (claims
  live under `refs/tt-ws/claims/<id>`, evidence under `status/evidence/<id>/<gate>/`);
- repository paths: relative, without `..`, and still inside the repository once symlinks are
  resolved;
- numbers: finite and bounded;
- reads: regular files only (never a device, pipe or socket), and at most so many bytes.

The registry's schema, lint, the evidence store and the commands all call these functions, so
what lint accepts is exactly what every later command can handle.
"""

from __future__ import annotations

import errno
import math
import os
import re
import stat
from pathlib import Path, PurePosixPath
from typing import Annotated

from pydantic import AfterValidator

from orchestrator.errors import TtWsError

MAX_ID_LENGTH = 64
MAX_TEXT_LENGTH = 4096
# Bigger than any registry file or evidence record written so far by two orders of magnitude.
MAX_REGISTRY_BYTES = 1 << 20
MAX_RECORD_BYTES = 16 << 20
MAX_THRESHOLD = 1e12
MAX_TIMEOUT_S = 7 * 24 * 3600.0

# Words separated by single `.`, `_` or `-`: no `..`, no leading or trailing dot, nothing a
# shell, git or a file system treats specially.
_ID = re.compile(r"[a-z0-9]+(?:[._-][a-z0-9]+)*")
_GATE_NAME = re.compile(r"[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*")
# Device names Windows reserves in every directory: a checkout there could not hold them.
_RESERVED = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_WILDCARD = re.compile(r"[*?\[]")


class UnsafeInput(TtWsError):
    """An input that is refused before it is used; the message says what and how to fix it."""


def _name_problem(text: str, grammar: re.Pattern[str], what: str, example: str) -> str | None:
    if len(text) > MAX_ID_LENGTH:
        return f"{what} is {len(text)} characters long; at most {MAX_ID_LENGTH} are allowed — shorten it"
    if text.endswith(".lock"):
        return f"{what} {text!r} ends in `.lock`, which git reserves for its lock files — rename it"
    if not grammar.fullmatch(text):
        return (
            f"{what} {text!r} is not lower-case words joined by single `.`, `_` or `-` "
            f"(no `..`, no leading or trailing separator) — write e.g. {example}"
        )
    if text.split(".")[0] in _RESERVED:
        return f"{what} {text!r} is a device name some systems reserve — choose another"
    return None


def id_problem(text: str) -> str | None:
    """Why `text` cannot be a workstream id, or None."""
    return _name_problem(text, _ID, "id", "`2.1` or `infra.compiler`")


def gate_name_problem(text: str) -> str | None:
    """Why `text` cannot be a gate name, or None."""
    return _name_problem(text, _GATE_NAME, "gate name", "`tests` or `perf-gemm`")


def _check(problem: str | None, value: str) -> str:
    if problem:
        raise ValueError(problem)
    return value


def text_problem(text: str) -> str | None:
    """Why `text` cannot be a registry string (control characters, unbounded), or None."""
    if len(text) > MAX_TEXT_LENGTH:
        return f"text of {len(text)} characters; at most {MAX_TEXT_LENGTH} are allowed — shorten it"
    found = _CONTROL.search(text)
    if found:
        return (
            f"contains the control character {found.group()!r} at offset {found.start()} "
            "— write plain text"
        )
    return None


def repo_path_problem(text: str) -> str | None:
    """Why `text` is not a path (or glob) relative to the repository root that stays inside it."""
    if problem := text_problem(text):
        return problem
    if "\n" in text or "\t" in text:
        return f"path {text!r} contains a line break or tab — write it on one line"
    stripped = text.strip()
    if not stripped:
        return "empty path — name a file or directory of the repository"
    if stripped.startswith(("/", "~", "\\")) or re.match(r"[A-Za-z]:", stripped):
        return f"path {text!r} is absolute — write it relative to the repository root"
    parts = PurePosixPath(stripped).parts
    if ".." in parts or "\\" in stripped:
        return f"path {text!r} leaves the repository (`..` or `\\`) — name a path inside it"
    if parts in ((), (".",)):
        return f"path {text!r} is the whole repository — name the files or directories instead"
    return None


def confined(root: Path, relative: str) -> Path:
    """`root / relative` when it is a safe relative path that, symlinks resolved, stays inside
    `root`; UnsafeInput otherwise. For a glob, its literal part is what is resolved."""
    if problem := repo_path_problem(relative):
        raise UnsafeInput(problem)
    literal = _WILDCARD.split(relative.strip(), maxsplit=1)[0]
    try:
        base = root.resolve()
        resolved = (root / literal).resolve()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop (Python < 3.13)
        raise UnsafeInput(
            f"path {relative!r} cannot be resolved ({exc}) — fix the symbolic link"
        ) from None
    if resolved != base and base not in resolved.parents:
        raise UnsafeInput(
            f"path {relative!r} leads outside the repository (to {resolved}) through a "
            "symbolic link — name a path inside it"
        )
    return root / relative.strip()


def finite_problem(value: float, bound: float, what: str) -> str | None:
    """Why `value` is not a finite number of magnitude at most `bound`, or None."""
    if not math.isfinite(value):
        return f"{what} must be a finite number, not {value} — write a number"
    if abs(value) > bound:
        return f"{what} {value:g} is out of range — use at most {bound:g} in magnitude"
    return None


def _bounded(bound: float, what: str):
    def check(value: float) -> float:
        if problem := finite_problem(value, bound, what):
            raise ValueError(problem)
        return value

    return AfterValidator(check)


# Pydantic field types built on the checks above (the registry and evidence schemas use them).
WorkstreamId = Annotated[str, AfterValidator(lambda v: _check(id_problem(v), v))]
GateName = Annotated[str, AfterValidator(lambda v: _check(gate_name_problem(v), v))]
Text = Annotated[str, AfterValidator(lambda v: _check(text_problem(v), v))]
RepoPath = Annotated[str, AfterValidator(lambda v: _check(repo_path_problem(v), v))]
Threshold = Annotated[float, _bounded(MAX_THRESHOLD, "a threshold")]
TimeoutSeconds = Annotated[float, _bounded(MAX_TIMEOUT_S, "timeout_s")]


def read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of the regular file at `path`, refused (UnsafeInput) when it is a device, pipe
    or socket or holds more than `limit` bytes; OSError when it cannot be opened."""
    # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise UnsafeInput(
                "not a regular file (a device, pipe, socket or directory) — replace it with a file"
            )
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise UnsafeInput(
                f"larger than {limit} bytes — this is not a file tt-ws wrote; restore it from git"
            )
        return b"".join(chunks)
    finally:
        os.close(fd)


_HINTS = {
    errno.ENOSPC: "free some disk space and run the command again",
    errno.EDQUOT: "free some of your disk quota and run the command again",
    errno.EROFS: "the file system is read-only; run from a writable checkout",
    errno.EACCES: "check the file's permissions",
    errno.EPERM: "check the file's permissions",
    errno.ENOENT: "check the path",
    errno.ENOTDIR: "a part of the path is a file, not a directory; check the path",
    errno.EISDIR: "the path is a directory; name a file",
    errno.ELOOP: "the path is a loop of symbolic links; fix or remove the link",
    errno.ENAMETOOLONG: "use a shorter path",
    errno.EMFILE: "too many open files; raise `ulimit -n` or close other programs",
}


def os_error_message(exc: OSError) -> str:
    """`<file>: <what> — <how to fix>` for an error of the operating system."""
    from orchestrator.errors import display_path

    what = exc.strerror or str(exc)
    where = f"{display_path(Path(os.fsdecode(exc.filename)))}: " if exc.filename else ""
    hint = _HINTS.get(exc.errno or 0, "check the path and the file system")
    return f"{where}{what} — {hint}"


def check_writable(path: Path, what: str) -> None:
    """Refuse (UnsafeInput) an output path that cannot be written, before any work is done."""
    if path.is_dir():
        raise UnsafeInput(f"{path}: {what} is a directory — name a file")
    parent = path.parent
    while not parent.exists():
        if parent.is_symlink() or parent == parent.parent:
            break
        parent = parent.parent
    if not parent.is_dir():
        raise UnsafeInput(f"{path}: {parent} is not a directory — choose another place for {what}")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UnsafeInput(f"{path}: {parent} is not writable — choose another place for {what}")
