"""Prints how fast the orchestrator's everyday commands are on this repository.

- `tt-ws status` over the full registry (in-process, after imports): target < 1 s.
- `tt-ws list` start-up, as a fresh process end to end: target < 0.5 s.
- the source tree hash alone (it runs before every gate and in every status): target < 0.3 s.
- `tt-ws status` on a copy of the registry with a long history (every gate with HISTORY stale
  records, the worst case: every record is read): no target, shows how it scales.

Status is rendered to memory only, so running this never changes status/.
Run: python benchmarks/bench_orchestrator.py [--repeat N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from orchestrator.evidence import EvidenceRecord, EvidenceStore
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


def long_history_status(scratch: Path, history: int) -> tuple[int, Callable[[], object]]:
    """A scratch git repo holding the registry and `history` stale records per gate."""
    shutil.copytree(ROOT / "workstreams", scratch / "workstreams")
    subprocess.run(["git", "init", "-q"], cwd=scratch, check=True)
    layout = Layout(scratch)
    registry = load_checked_registry(layout.registry)
    store = EvidenceStore(layout.evidence)
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    count = 0
    for ws in registry.workstreams:
        for gate in ws.gates:
            for i in range(history):
                when = start + timedelta(minutes=i)
                store.append(
                    EvidenceRecord(
                        workstream=ws.id,
                        gate=gate.name,
                        kind=gate.kind,
                        command="x",
                        exit_code=0,
                        metrics={"passed": 1.0},
                        tree=f"old{i}",
                        dirty=False,
                        started_at=when,
                        finished_at=when,
                    )
                )
                count += 1
    return count, lambda: render_pages(current_status(layout, registry))


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
    parser.add_argument("--history", type=int, default=20, help="stale records per gate")
    args = parser.parse_args()
    repeat = args.repeat
    registry = load_checked_registry(Layout(ROOT).registry)
    gates = sum(len(ws.gates) for ws in registry.workstreams)
    records = len(list((ROOT / "status" / "evidence").rglob("*.json")))
    print(f"registry: {len(registry.workstreams)} workstreams, {gates} gates; {records} records")
    report("source tree hash", timed(lambda: source_tree(ROOT), repeat), 0.3)
    report("tt-ws status (in-process)", timed(status_in_memory, repeat), 1.0)
    report("tt-ws list (fresh process)", timed(list_process, repeat), 0.5)
    with tempfile.TemporaryDirectory(prefix="tt-ws-bench-") as scratch:
        records, action = long_history_status(Path(scratch), args.history)
        times = timed(action, repeat)
    print(
        f"{'tt-ws status, ' + str(records) + ' stale records':<28} median "
        f"{statistics.median(times) * 1000:7.1f} ms  min {min(times) * 1000:7.1f} ms"
    )


if __name__ == "__main__":
    main()
