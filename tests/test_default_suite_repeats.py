"""The default suite passes many times in a row: a flaky test shows up here, not in someone
else's pull request. A soak test (20 full runs: `pytest -m soak`, not in CI's time budget); the count can be lowered with TT_WS_SUITE_REPEATS."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.soak
def test_the_default_suite_passes_twenty_times_in_a_row() -> None:
    repeats = int(os.environ.get("TT_WS_SUITE_REPEATS", "20"))
    for attempt in range(1, repeats + 1):
        # -p no:randomly: the same order every time, so a failure is flakiness, not order.
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:randomly"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        tail = "\n".join(done.stdout.splitlines()[-15:])
        assert done.returncode == 0, f"run {attempt} of {repeats} failed:\n{tail}"
