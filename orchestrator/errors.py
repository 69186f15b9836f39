"""The user-facing error types of tt-ws: one per kind of input, each printed as a clean message."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError


class TtWsError(Exception):
    """A problem with the user's input or environment: printed without traceback, exit status 1."""


@dataclass(frozen=True)
class Problem:
    """One finding about an input file, located as precisely as the file allows."""

    file: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        where = display_path(self.file)
        return f"{where}:{self.line}: {self.message}" if self.line else f"{where}: {self.message}"


class RegistryError(TtWsError):
    """The workstream registry is malformed, violates its schema or is inconsistent."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(
            f"the registry has {len(problems)} problem(s):\n{lines}\n"
            "Fix them, then check with `tt-ws lint`."
        )


class JUnitError(TtWsError):
    """A JUnit XML report is missing or cannot be read."""


class ReportError(TtWsError):
    """A JSON report written by a gate command (checks, perf) is missing or malformed."""


class EvidenceError(TtWsError):
    """The evidence store holds a record that cannot be read."""

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


class GitError(TtWsError):
    """A git command needed to identify the source tree failed."""


def validation_summary(error: ValidationError) -> str:
    """A pydantic error on one line: `field.path: message; ...`."""
    return "; ".join(
        f"{'.'.join(map(str, e['loc'])) or 'top level'}: {e['msg']}" for e in error.errors()
    )


def display_path(path: Path) -> str:
    """`path` relative to the working directory when it lies below it, so messages stay short."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
        return str(path)
