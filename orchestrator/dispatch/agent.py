"""One supervised child process (an agent, or the dispatcher's own gate run) with its own log.

The child runs in a new session so that stopping it stops everything it started (a coding agent
spawns shells, compilers, test runners). Activity is the growth of its log: output is the only
sign of life a generic agent command gives.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

_TAIL_BYTES = 4096
_LINE_CHARS = 240


@dataclass
class AgentProcess:
    popen: subprocess.Popen[bytes]
    log: Path
    started: float  # time.monotonic()
    _size: int = 0
    _active: float = field(default=0.0)

    @classmethod
    def start(
        cls, argv: Sequence[str], cwd: Path, env: Mapping[str, str], log: Path, header: str
    ) -> AgentProcess:
        """Start `argv` in `cwd` with `env` added to ours, output appended to `log` after `header`.

        Raises OSError when it cannot be started (e.g. `cwd` is gone)."""
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("ab") as out:
            out.write(header.encode())
            out.flush()
            popen = subprocess.Popen(
                list(argv),
                cwd=cwd,
                env={**os.environ, **env},
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        now = time.monotonic()
        return cls(popen, log, now, log.stat().st_size, now)

    def poll(self) -> int | None:
        return self.popen.poll()

    def idle_s(self, now: float) -> float:
        """Seconds since the log last grew."""
        with contextlib.suppress(OSError):
            size = self.log.stat().st_size
            if size != self._size:
                self._size = size
                self._active = now
        return now - self._active

    def touch(self, now: float) -> None:
        """Count a sign of life that is not output (the agent renewed its lease)."""
        self._active = now

    def last_line(self) -> str:
        try:
            with self.log.open("rb") as handle:
                handle.seek(max(0, self.log.stat().st_size - _TAIL_BYTES))
                tail = handle.read().decode(errors="replace")
        except OSError:
            return ""
        lines = [line.strip() for line in tail.splitlines() if line.strip()]
        return lines[-1][:_LINE_CHARS] if lines else ""

    def stop(self, grace_s: float) -> None:
        """SIGTERM to the whole process group, SIGKILL after `grace_s`; waits for the child."""
        if self.popen.poll() is not None:
            self._kill_group(signal.SIGKILL)  # reap helpers it left running
            return
        self._kill_group(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=grace_s)
        self._kill_group(signal.SIGKILL)
        self.popen.wait()

    def _kill_group(self, sig: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, sig)
