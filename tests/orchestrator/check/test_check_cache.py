"""`tt-ws run` reuses a passing result whose inputs are unchanged, and never a flaky one."""

from __future__ import annotations

from pathlib import Path

import pytest
from check_helpers import change, tt_ws

from orchestrator.evidence import EvidenceStore
from orchestrator.layout import Layout
from orchestrator.lint import load_checked_registry
from orchestrator.status import GateState, current_status

# Fails on its first run, passes afterwards: the counter file lives outside the repository.
FLAKY_TEST = """\
import os
from pathlib import Path

from lib.mul import mul


def test_mul_flaky():
    counter = Path(os.environ["FLAKY_COUNTER"])
    runs = int(counter.read_text()) if counter.exists() else 0
    counter.write_text(str(runs + 1))
    assert runs > 0 and mul(2, 3) == 6
"""


def records(root: Path, workstream: str, gate: str) -> list:
    return list(EvidenceStore(Layout(root).evidence).history(workstream, gate))


def gate_states(root: Path) -> dict[tuple[str, str], GateState]:
    layout = Layout(root)
    report = current_status(layout, load_checked_registry(layout.registry))
    return {
        (ws_id, g.gate.name): g.state for ws_id, s in report.workstreams.items() for g in s.gates
    }


def test_an_unchanged_tree_is_reported_cached_and_not_rerun(project: Path) -> None:
    assert tt_ws("run", "--all")[0] == 0
    before = records(project, "1.2", "tests")
    code, output = tt_ws("run", "--all")
    assert code == 0
    assert output.count("cached: inputs unchanged") == 4 + 4  # progress lines and table rows
    assert records(project, "1.2", "tests") == before  # same tree: nothing new to record


def test_an_unrelated_change_reuses_results_as_evidence_for_the_new_tree(project: Path) -> None:
    assert tt_ws("run", "--all")[0] == 0
    change(project, {"docs/notes.md": "# Notes\n\nUpdated.\n", "lib/mul.py": "def mul(a, b):\n    return b * a\n"})  # fmt: skip
    assert tt_ws("run", "--all")[0] == 0
    newest = {ws: records(project, ws, "tests")[0] for ws in ("core", "1.1", "1.2")}
    assert newest["core"].cached_from is not None and newest["1.1"].cached_from is not None
    assert newest["1.2"].cached_from is None  # its own file changed: it ran
    assert set(gate_states(project).values()) == {GateState.PASS}


def test_no_cache_runs_the_gate_again(project: Path) -> None:
    assert tt_ws("run", "1.2")[0] == 0
    code, output = tt_ws("run", "1.2", "--no-cache")
    assert code == 0 and "cached" not in output
    assert len(records(project, "1.2", "tests")) == 2


def test_a_failing_result_is_never_reused(project: Path) -> None:
    change(project, {"lib/mul.py": "def mul(a, b):\n    return a + b\n"})
    assert tt_ws("run", "1.2")[0] == 1
    code, output = tt_ws("run", "1.2")
    assert code == 1 and "cached" not in output
    assert len(records(project, "1.2", "tests")) == 2


def test_a_flaky_test_shows_as_flaky_and_is_never_cached(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLAKY_COUNTER", str(tmp_path / "counter"))
    change(project, {"tests/test_mul.py": FLAKY_TEST})
    assert tt_ws("run", "1.2")[0] == 1  # fails on this tree...
    assert tt_ws("run", "1.2")[0] == 0  # ...then passes on the same tree
    assert gate_states(project)[("1.2", "tests")] is GateState.FLAKY
    code, output = tt_ws("run", "1.2")
    assert code == 0 and "cached" not in output  # the pass is not reused
    assert len(records(project, "1.2", "tests")) == 3
    assert tt_ws("status")[0] == 0
    dashboard = (project / "status" / "DASHBOARD.md").read_text()
    assert "## Flaky tests" in dashboard
    row = next(line for line in dashboard.splitlines() if "test_mul_flaky" in line)
    newest, _, oldest = records(project, "1.2", "tests")
    passed_in, failed_in = row.split(" | ")[-2:]
    assert passed_in == f"{newest.finished_at:%Y-%m-%d %H:%M:%S.%fZ} {newest.host} pid {newest.pid}"
    assert failed_in.startswith(f"{oldest.finished_at:%Y-%m-%d %H:%M:%S.%fZ}")
    assert "| 1.2 | tests | ✗✓✓ | 0/1 → 1/1 |" in dashboard  # the trend
