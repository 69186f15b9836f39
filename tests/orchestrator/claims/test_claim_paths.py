"""Owned-path overlap: workstreams that may touch the same file are never handed out together."""

from __future__ import annotations

import pytest

from orchestrator.claims.paths import first_overlap, patterns_overlap


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("compiler/sim/core.py", "compiler/sim/core.py"),
        ("compiler", "compiler/sim/core.py"),
        ("compiler/**", "compiler/sim/core.py"),
        ("compiler/", "compiler/**"),
        ("compiler/a.py", "compiler/a*"),
        ("docs/*.md", "docs/examples/*.md"),
        ("**", "README.md"),
        ("./tests/x.py", "tests/x.py"),
    ],
)
def test_patterns_that_can_match_a_common_path_overlap(a: str, b: str) -> None:
    assert patterns_overlap(a, b) and patterns_overlap(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("docs/a.md", "docs/b.md"),
        ("a/b", "a/bc"),
        ("docs", "docs2/*"),
        ("compiler/a.py", "compiler/b*.py"),
        ("tests/examples/test_1_1_*.py", "tests/examples/test_1_2_*.py"),
    ],
)
def test_disjoint_patterns_do_not_overlap(a: str, b: str) -> None:
    assert not patterns_overlap(a, b) and not patterns_overlap(b, a)


def test_first_overlap_names_the_pair_of_patterns() -> None:
    assert first_overlap(["docs/a.md", "compiler/**"], ["tests/x", "compiler/sim"]) == (
        "compiler/**",
        "compiler/sim",
    )
    assert first_overlap(["docs/a.md"], ["docs/b.md"]) is None
