"""Errors of the claim store: one type per way a claim operation can be refused or fail."""

from __future__ import annotations

from orchestrator.errors import TtWsError


class ClaimError(TtWsError):
    """Base of every claim error; the message says what happened and how to go on (printed
    by the CLI's error handler as a clean message, exit status 1)."""


class ClaimStoreError(ClaimError):
    """Git failed or a claim ref holds something that is not a claim record."""


class ClaimRefused(ClaimError):
    """The operation is not allowed in the current claim state (taken, conflicting, not yours)."""


class LeaseExpired(ClaimRefused):
    """The caller's lease ran out: its claim may already belong to someone else."""


class ClaimContention(ClaimError):
    """Compare-and-swap kept losing to concurrent writers until the retry budget ran out."""
