"""Strategies of hostile inputs, the invariants every outcome must satisfy, and the tally the
fuzz suite reports (see conftest.py)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

# (property, outcome) -> inputs. Outcomes: "accepted", "clean error"; anything else fails a test.
OUTCOMES: Counter[tuple[str, str]] = Counter()

DEFAULT_SEED = 20261203
# A generous bound per input: a hang (an unbounded read, an alias bomb) shows up as a failure.
SECONDS_PER_INPUT = 20.0

T = TypeVar("T")


def fuzz_settings(max_examples: int, sweep_seed: int | None = None) -> Callable[[T], T]:
    """Fixed seed by default (derandomized); a given seed for the sweep."""
    common: dict[str, Any] = {
        "max_examples": max_examples,
        "deadline": None,
        "database": None,
        "suppress_health_check": list(HealthCheck),
        "print_blob": True,
    }

    def decorate(test: T) -> T:
        if sweep_seed is None:
            return settings(derandomize=True, **common)(test)
        return seed(sweep_seed)(settings(derandomize=False, **common)(test))

    return decorate


def run_property(
    inputs: st.SearchStrategy[T],
    check: Callable[[T], None],
    max_examples: int,
    sweep_seed: int | None = None,
) -> None:
    """Run `check` on `max_examples` inputs drawn from `inputs` (see fuzz_settings)."""

    @fuzz_settings(max_examples, sweep_seed)
    @given(value=inputs)
    def prop(value: T) -> None:
        check(value)

    prop()


def property_tests(
    inputs: st.SearchStrategy[T],
    check: Callable[[Path, T], None],
    examples: int,
    sweep_examples: int,
) -> tuple[Callable[[Path], None], Callable[[Path, int], None]]:
    """(the default test, the slow seed sweep) of `check(repo, input)`; assign them to
    `test_...` names of a module that has a `repo` fixture."""

    def default(repo: Path) -> None:
        run_property(inputs, partial(check, repo), examples)

    @pytest.mark.slow
    @pytest.mark.parametrize("sweep_seed", range(1, 11))
    def sweep(repo: Path, sweep_seed: int) -> None:
        run_property(inputs, partial(check, repo), sweep_examples, sweep_seed)

    return default, sweep


class Timer:
    """Fails the input when it took longer than SECONDS_PER_INPUT."""

    def __enter__(self) -> Timer:
        self.start = time.monotonic()
        return self

    def __exit__(self, *exc: object) -> None:
        took = time.monotonic() - self.start
        assert took < SECONDS_PER_INPUT, f"took {took:.1f} s: a hang"


# --- hostile scalars -----------------------------------------------------------------------------

IDS = [
    "1.1", "1.2", "infra.x", "a..b", "x.lock", "a.", ".a", "-a", "a-", "A", "con", "nul.x",
    "a" * 65, "a" * 300, "..", ".", "", " ", "1.1/../..", "a/b", "a\\b", "a b", "é", "a\x00b",
    "a\x1b[31m", "a\nb", "~", "@{u}", "a:b", "HEAD", "1.10",
]  # fmt: skip
NUMBERS = [
    "0", "-0", "1", "-1", "-32", "8", "1e30", "1e400", "-1e400", "nan", "NaN", "inf", "-inf",
    ".inf", "-.inf", ".nan", "0x10", "1_000", "99999999999999999999999", "abc", "", "1.5",
    "0.001", "1e-400",
]  # fmt: skip
PATHS = [
    "docs/add.md", "../../etc", "/etc/passwd", "/etc/hostname", ".", "./", "", " ", "a/../..",
    "~/x", "C:/x", "docs\\add.md", "/dev/zero", "/dev/null/x", "/dev/null/x.md", "link/x",
    "docs/*.md", "**", "a\x00b", "a\nb", "x" * 5000, "status", "workstreams",
]  # fmt: skip
TEXTS = ["x", "", " ", "\x1b[2J", "a\x00b", "\x7f", "é" * 3, "x" * 5000, "'", '"', "{", "*a", "&a"]

ids = st.one_of(st.sampled_from(IDS), st.text(max_size=12))
numbers = st.one_of(st.sampled_from(NUMBERS), st.integers().map(str), st.floats().map(repr))
paths = st.one_of(st.sampled_from(PATHS), st.text(max_size=12))
texts = st.one_of(st.sampled_from(TEXTS), st.text(max_size=20))
words = st.one_of(ids, numbers, paths, texts)


# --- a small repository every property works in --------------------------------------------------

REGISTRY: dict[str, Any] = {
    "phase": {"id": 1, "title": "Basics"},
    "workstreams": [
        {
            "id": "1.1",
            "title": "Add",
            "kind": "example",
            "owns": ["docs/add.md"],
            "gates": [
                {
                    "name": "build",
                    "kind": "build",
                    "run": "python -c pass",
                    "require": ["exit_code == 0"],
                },
                {
                    "name": "docs",
                    "kind": "docs",
                    "page": "docs/add.md",
                    "headings": ["## Kernel"],
                    "require": ["missing_headings == 0"],
                },
            ],
        },
        {
            "id": "1.2",
            "title": "Mul",
            "kind": "example",
            "depends_on": ["1.1"],
            "priority": 1,
            "gates": [
                {
                    "name": "build",
                    "kind": "build",
                    "run": "python -c pass",
                    "require": ["exit_code == 0"],
                    "timeout_s": 60,
                }
            ],
        },
    ],
}


def invoke(*args: str) -> tuple[int, str]:
    """Run a tt-ws command in-process; fails on a traceback, an internal error or a hang."""
    from typer.testing import CliRunner

    from orchestrator.cli import app

    with Timer():
        result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    exc = result.exception
    assert exc is None or isinstance(exc, SystemExit), f"tt-ws {args!r} raised {exc!r}"
    out = result.output
    assert "internal error" not in out and "Traceback" not in out, (args, out)
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, out)
    if result.exit_code == 2:  # only the argument parser's usage errors exit 2
        assert "Usage:" in out, (args, out)
    return result.exit_code, out
