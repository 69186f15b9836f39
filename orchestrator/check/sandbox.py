"""The environment `tt-ws check` runs a pull request's gate commands in.

A pull request's gates are code its author wrote; the caller's environment holds tokens and
secrets (CI credentials, API keys) that such code must not read. So the commands get only the
variables named here, with their values from the caller (what an interpreter, a compiler and a
test runner need to find themselves and behave reproducibly), and run in temporary worktrees
outside the caller's repository (orchestrator.check.worktrees).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

# Names, not patterns: anything added here is readable by every pull request's gates.
ALLOWED = (
    "PATH",
    "HOME",
    "USER",
    "LOGNAME",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "TZ",
    "TERM",
    "TMPDIR",
    "VIRTUAL_ENV",
    "CONDA_PREFIX",
    "PYTHONHASHSEED",
    "SOURCE_DATE_EPOCH",
)


def scrubbed_env(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The allow-listed variables of `environ` (default: this process's environment)."""
    source = os.environ if environ is None else environ
    return {name: source[name] for name in ALLOWED if name in source}


def describe() -> str:
    """One sentence for the check's output and summary."""
    return (
        "Gates ran in temporary worktrees outside the repository, with a scrubbed environment "
        f"(only {', '.join(ALLOWED)} passed through)."
    )
