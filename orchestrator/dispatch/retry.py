"""How an attempt ended, and whether and when the dispatcher tries the workstream again."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class ExitReason(str, Enum):
    SUCCEEDED = "succeeded"  # the agent exited 0 and the dispatcher's own gate run passed
    FAILED = "failed"  # non-zero exit, or exit 0 while the gates do not pass
    STALLED = "stalled"  # no output and no lease renewal for the stall time
    TIMED_OUT = "timed out"  # the attempt ran past its time limit
    CANCELLED = "cancelled"  # stopped by Ctrl-C, or the claim was lost to another agent


# A cancelled attempt is not the workstream's fault: it is neither retried nor blocked.
RETRYABLE = frozenset({ExitReason.FAILED, ExitReason.STALLED, ExitReason.TIMED_OUT})


@dataclass(frozen=True)
class RetryPolicy:
    """Up to `max_attempts` attempts, waiting `base_s * 2**(n-1)` (at most `cap_s`) after the n-th."""

    max_attempts: int
    base_s: float
    cap_s: float = 900.0

    def should_retry(self, reason: ExitReason, attempt: int) -> bool:
        return reason in RETRYABLE and attempt < self.max_attempts

    def delay(self, attempt: int) -> float:
        return min(self.cap_s, self.base_s * 2 ** (attempt - 1))
