"""Whether two workstreams' owned paths can touch the same file (then they are not handed out
together). Patterns are repository paths or globs (`*`, `?`, `[...]`, `**`); the test is
conservative: two globs are assumed to overlap when one's literal prefix extends the other's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_WILDCARD = re.compile(r"[*?\[]")


def _normal(pattern: str) -> str:
    return pattern.strip().removeprefix("./").rstrip("/")


def _literal_prefix(pattern: str) -> str | None:
    """The text before the first wildcard, or None when the pattern has none (a plain path)."""
    match = _WILDCARD.search(pattern)
    return pattern[: match.start()] if match else None


def _contains(directory: str, path: str) -> bool:
    return path == directory or path.startswith(directory + "/") or directory == ""


def _plain_meets_glob(plain: str, prefix: str) -> bool:
    # The glob's matches may start with the plain path, or the glob reaches inside it.
    return plain.startswith(prefix) or _contains(plain, prefix.rstrip("/"))


def patterns_overlap(a: str, b: str) -> bool:
    a, b = _normal(a), _normal(b)
    pa, pb = _literal_prefix(a), _literal_prefix(b)
    if pa is not None and pb is not None:
        return pa.startswith(pb) or pb.startswith(pa)
    if pb is not None:
        return _plain_meets_glob(a, pb)
    if pa is not None:
        return _plain_meets_glob(b, pa)
    # Two plain paths, each a file or a directory: overlap when one contains the other.
    return _contains(a, b) or _contains(b, a)


def first_overlap(mine: Iterable[str], theirs: Iterable[str]) -> tuple[str, str] | None:
    """The first pair of patterns (mine, theirs) that may match a common path."""
    others = list(theirs)
    for a in mine:
        for b in others:
            if patterns_overlap(a, b):
                return a, b
    return None
