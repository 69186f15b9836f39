"""Prints how fast the orchestrator's everyday commands are on this repository.

- `tt-ws status` over the full registry (in-process, after imports): target < 1 s.
- `tt-ws list` start-up, as a fresh process end to end: target < 0.5 s.
- the source tree hash alone (it runs before every gate and in every status): target < 0.3 s.

Status is rendered to memory only, so running this never changes status/.
Run: python benchmarks/bench_orchestrator.py [--repeat N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from orchestrator.layout import Layout
from orchestrator.lint import load_checked_registry
from orchestrator.status import claimed_evidence_admission, current_status, render_pages
from orchestrator.tree import source_tree

ROOT = Path(__file__).resolve().parents[1]


def timed(action: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def status_in_memory() -> None:
    layout = Layout(ROOT)
    registry = load_checked_registry(layout.registry)
    render_pages(current_status(layout, registry, claimed_evidence_admission(layout)))


# The installed entry point when there is one: that is what a user's start-up costs.
_TT_WS = shutil.which("tt-ws")
LIST_COMMAND = (
    [_TT_WS] if _TT_WS else [sys.executable, "-c", "from orchestrator.cli import main; main()"]
)


def list_process() -> None:
    subprocess.run(
        [*LIST_COMMAND, "list"],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def report(name: str, times: list[float], target: float) -> None:
    median = statistics.median(times)
    verdict = "ok" if median < target else "SLOWER THAN TARGET"
    print(
        f"{name:<28} median {median * 1000:7.1f} ms  min {min(times) * 1000:7.1f} ms  "
        f"(target < {target * 1000:.0f} ms: {verdict})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    repeat = parser.parse_args().repeat
    registry = load_checked_registry(Layout(ROOT).registry)
    gates = sum(len(ws.gates) for ws in registry.workstreams)
    records = len(list((ROOT / "status" / "evidence").rglob("*.json")))
    print(f"registry: {len(registry.workstreams)} workstreams, {gates} gates; {records} records")
    report("source tree hash", timed(lambda: source_tree(ROOT), repeat), 0.3)
    report("tt-ws status (in-process)", timed(status_in_memory, repeat), 1.0)
    report("tt-ws list (fresh process)", timed(list_process, repeat), 0.5)


if __name__ == "__main__":
    main()
