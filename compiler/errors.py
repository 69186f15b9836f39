"""The compiler's single user-facing error type: every rejection names the op, the reason and,
where the TIR carries it, the TileLang source location."""

from __future__ import annotations

from contextlib import contextmanager


class CompileError(Exception):
    """A TileLang construct the TT backend cannot compile correctly."""

    def __init__(self, op: str, reason: str, where: str | None = None) -> None:
        self.op = op
        self.reason = reason
        self.where = where
        location = f" (at {where})" if where else ""
        super().__init__(f"{op}: {reason}{location}")


@contextmanager
def located(where: str):
    """Errors raised while lowering one statement, without a location of their own, name the
    statement's (source line and TIR): passes far from the frontend still point at the kernel."""
    try:
        yield
    except CompileError as e:
        if e.where or not where:
            raise
        raise CompileError(e.op, e.reason, where) from e


class KernelArgumentError(ValueError):
    """A compiled kernel called with tensors that do not match its parameters (count, shape,
    dtype): the message names the tensor and what was expected."""


class BackendError(RuntimeError):
    """A backend that cannot run here — its package missing, the wrong Python, no device — or a
    program it cannot hold; the message says what to install or use instead."""
