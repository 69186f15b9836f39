"""Running a gate's command: parse it, fill `{report}`, expand globs, run it with the repo root as
cwd, capture its output to a log, and turn "not found" and timeouts into clear outcomes.

A gate measures the tree its evidence is keyed to, never an installed copy: `tt-ws` in a command
runs `python -m orchestrator` and the tree comes first on PYTHONPATH, so the tree's own
`orchestrator` and `compiler` are imported (a tree without them falls back to the installed
ones).

The command runs in a process group of its own, which is killed as a whole when the command ends,
times out or is interrupted, so nothing it started outlives the gate. A watchdog process holds a
pipe from the runner and kills the group when that pipe closes without a word: the runner died
(even by SIGKILL, which no handler sees), so the gate must not run on unobserved.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shlex
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from orchestrator.gates.base import GateContext

REPORT_PLACEHOLDER = "{report}"
_GLOB_CHARS = frozenset("*?[")
# Gate commands run under the interpreter tt-ws runs in, whatever PATH says, so that a gate tests
# the environment the user installed rather than some other Python found first on PATH.
_INTERPRETER_ALIASES = {
    "python": [sys.executable],
    "python3": [sys.executable],
    "pytest": [sys.executable, "-m", "pytest"],
    "tt-ws": [sys.executable, "-m", "orchestrator"],
}


# Reads its stdin to the end: `done` means the runner finished normally; anything else (EOF
# alone) means it died, and the gate's process group is killed.
_WATCHDOG = """
import os, signal, sys
if sys.stdin.buffer.read() != b"done":
    try:
        os.killpg(int(sys.argv[1]), signal.SIGKILL)
    except ProcessLookupError:
        pass
"""


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


@contextlib.contextmanager
def watched_group(process: subprocess.Popen) -> Iterator[None]:
    """Kill `process`'s group when the block ends, and when this process dies inside it."""
    watchdog = subprocess.Popen(
        [sys.executable, "-c", _WATCHDOG, str(process.pid)],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        yield
    finally:
        _kill_group(process.pid)
        process.wait()
        assert watchdog.stdin is not None
        with contextlib.suppress(BrokenPipeError):
            watchdog.stdin.write(b"done")
            watchdog.stdin.close()
        watchdog.wait()


@dataclass(frozen=True)
class Completed:
    argv: tuple[str, ...]
    exit_code: int | None
    log: Path
    error: str | None

    def tail(self, lines: int = 8) -> str:
        """The last lines of the command's output, for error messages."""
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.rstrip().splitlines()[-lines:])


def command_words(command: str) -> list[str]:
    """The command split like a POSIX shell would, or ValueError naming what is wrong."""
    try:
        words = shlex.split(command)
    except ValueError as exc:
        raise ValueError(f"cannot parse command {command!r}: {exc}") from None
    if not words:
        raise ValueError("empty command")
    return words


def _expand(word: str, root: Path) -> list[str]:
    if not _GLOB_CHARS & set(word):
        return [word]
    # An unmatched pattern stays as written, like a shell, so the tool reports the missing file.
    return sorted(glob.glob(word, root_dir=root)) or [word]


def _resolve(program: str, root: Path) -> list[str] | None:
    if program in _INTERPRETER_ALIASES:
        return list(_INTERPRETER_ALIASES[program])
    if "/" in program:
        candidate = root / program
        return [str(candidate)] if candidate.is_file() else None
    found = shutil.which(program)
    return [found] if found else None


def _environment(root: Path, base: Mapping[str, str] | None) -> dict[str, str]:
    """The environment of a gate's command: `base` (ours when None), with the tree first on
    PYTHONPATH."""
    env = dict(os.environ if base is None else base)
    inherited = env.get("PYTHONPATH", "")
    return {**env, "PYTHONPATH": os.pathsep.join(p for p in (str(root), inherited) if p)}


def run_command(
    ctx: GateContext, command: str, report: Path | None = None, extra: tuple[str, ...] = ()
) -> Completed:
    """Run `command` for the gate in `ctx`; output goes to `<run_dir>/output.log`."""
    log = ctx.run_dir / "output.log"
    try:
        words = command_words(command)
    except ValueError as exc:
        return Completed((), None, log, str(exc))
    if report is not None:
        words = [w.replace(REPORT_PLACEHOLDER, str(report)) for w in words]
    program = _resolve(words[0], ctx.root)
    if program is None:
        return Completed(tuple(words), None, log, f"command not found: {words[0]!r}")
    argv = (*program, *(w for word in words[1:] for w in _expand(word, ctx.root)), *extra)
    with log.open("wb") as out:
        process = subprocess.Popen(
            argv,
            cwd=ctx.root,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=_environment(ctx.root, ctx.env),
            start_new_session=True,
        )
        # On Ctrl-C (or SIGTERM) the exception propagates after the group is killed.
        with watched_group(process):
            try:
                exit_code = process.wait(timeout=ctx.gate.timeout_s)
            except subprocess.TimeoutExpired:
                return Completed(argv, None, log, f"timed out after {ctx.gate.timeout_s:g} s")
    return Completed(argv, exit_code, log, None)
