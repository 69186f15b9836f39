"""The fuzz suite: hypothesis over the registry loader, the evidence reader and every command.

By default each property runs a bounded number of examples from a fixed seed (derandomized), so
the default suite stays fast and repeatable; `-m slow` sweeps more seeds and examples. The
terminal summary prints how many inputs each property tried and how they ended.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fuzz_helpers import OUTCOMES


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not OUTCOMES:
        return
    terminalreporter.section("tt-ws fuzz: inputs tried, by outcome")
    for suite in sorted({suite for suite, _ in OUTCOMES}):
        counts = {outcome: n for (s, outcome), n in OUTCOMES.items() if s == suite}
        total = sum(counts.values())
        detail = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items()))
        terminalreporter.write_line(f"{suite}: {total} inputs ({detail})")
