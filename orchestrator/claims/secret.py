"""Claim secrets: what proves that a command acts for the agent that won a claim.

Agent names are self-declared (`--agent`, `$TT_WS_AGENT`), so a name alone proves nothing. When a
claim is won, its holder gets a random secret, printed once; the claim record (a git ref every
agent and every clone can read) keeps only a salted SHA-256 of it. Renewing, releasing and
recording evidence under the claim need the secret, read from `$TT_WS_CLAIM_SECRET`: from the
environment rather than an option, because a process's arguments are visible to every user of the
machine (`ps`), its environment only to its own user.

The secret carries 192 random bits, so a fast hash is enough: guessing it from the stored hash is
as hard as guessing it outright.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

SECRET_ENV = "TT_WS_CLAIM_SECRET"
_PREFIX = "ttws_"
_SHAPE = re.compile(rf"^{_PREFIX}[A-Za-z0-9_-]{{32}}$")
_SCHEME = "sha256"


def new_secret() -> str:
    """A fresh secret: `ttws_` and 32 URL-safe characters (192 random bits)."""
    return _PREFIX + secrets.token_urlsafe(24)


def is_secret(text: str) -> bool:
    """Whether `text` has the shape of a secret tt-ws hands out."""
    return _SHAPE.match(text) is not None


def hash_secret(secret: str) -> str:
    """`sha256:<salt>:<digest>`, what a claim record stores instead of the secret."""
    salt = secrets.token_hex(8)
    return f"{_SCHEME}:{salt}:{_digest(salt, secret)}"


def secret_matches(secret: str, stored: str) -> bool:
    """Whether `secret` is the one `stored` (from `hash_secret`) was made of."""
    scheme, _, rest = stored.partition(":")
    salt, _, digest = rest.partition(":")
    if scheme != _SCHEME or not salt or not digest:
        return False
    return hmac.compare_digest(_digest(salt, secret), digest)


def _digest(salt: str, secret: str) -> str:
    return hashlib.sha256(f"{salt}:{secret}".encode()).hexdigest()
