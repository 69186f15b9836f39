"""Status from evidence: PASS/FAIL only on the current tree, STALE otherwise, deterministic pages."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from orchestrator.check.flaky import GATE_RESULT
from orchestrator.evidence import EvidenceRecord, EvidenceStore
from orchestrator.fingerprint import Compiler, Environment
from orchestrator.layout import Layout
from orchestrator.registry import Registry, load_registry
from orchestrator.status import (
    GateState,
    WorkstreamState,
    compute_status,
    drift,
    render_pages,
    write_pages,
)

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def evidence(
    ws: str, gate: str, kind: str, tree: str, minute: int, **metrics: float
) -> EvidenceRecord:
    return EvidenceRecord(
        workstream=ws, gate=gate, kind=kind, command="cmd", exit_code=0,  # type: ignore[arg-type]
        metrics=metrics, tree=tree, dirty=False, host="h", pid=1,
        started_at=T0 + timedelta(minutes=minute), finished_at=T0 + timedelta(minutes=minute),
    )  # fmt: skip


def machine(cxx: str) -> Environment:
    return Environment(
        python="CPython 3.11.7", platform="Linux x86_64", cpu="x", packages={"torch": "2.13.0"},
        compiler=Compiler(command=cxx, path=cxx, version=f"{cxx} 12.2.0"), runtime="r" * 64,
        variables={},
    )  # fmt: skip


GOOD, BROKEN = machine("g++"), machine("/bin/false")


def build(minute: int, exit_code: float, env: Environment, **extra: object) -> EvidenceRecord:
    record = evidence("1.2", "build", "build", "cur", minute, exit_code=exit_code)
    return record.model_copy(update={"environment": env, **extra})


ALL_PASSING = [
    evidence("1.1", "tests", "tests", "cur", 1, passed=2, failed=0, total=2),
    evidence("1.1", "docs", "docs", "cur", 2, missing_headings=0, empty_sections=0),
    evidence("1.2", "build", "build", "cur", 3, exit_code=0),
]


@pytest.fixture
def registry(repo: Path) -> Registry:
    return load_registry(repo / "workstreams")


def store_with(path: Path, records: list[EvidenceRecord]) -> EvidenceStore:
    store = EvidenceStore(path)
    for record in records:
        store.append(record)
    return store


def test_no_evidence_is_unknown_and_not_run(registry: Registry, tmp_path: Path) -> None:
    report = compute_status(registry, EvidenceStore(tmp_path), "cur")
    add = report.workstreams["1.1"]
    assert {g.state for g in add.gates} == {GateState.UNKNOWN}
    assert add.state is WorkstreamState.NOT_RUN
    assert report.workstreams["1.2"].blocked_by == (("1.1", WorkstreamState.NOT_RUN),)


def test_current_tree_evidence_passes(registry: Registry, tmp_path: Path) -> None:
    report = compute_status(registry, store_with(tmp_path, ALL_PASSING), "cur")
    assert {s.state for s in report.workstreams.values()} == {WorkstreamState.DONE}
    assert report.workstreams["1.1"].counts("tests") == (2, 2)
    assert report.workstreams["1.2"].blocked_by == ()


def test_evidence_from_another_tree_is_stale_never_pass(registry: Registry, tmp_path: Path) -> None:
    report = compute_status(registry, store_with(tmp_path, ALL_PASSING), "newer")
    assert {g.state for s in report.workstreams.values() for g in s.gates} == {GateState.STALE}
    assert report.workstreams["1.1"].counts("tests") is None
    pages = render_pages(report)
    assert "| 1.1 | Add | stale | 0/2 | — | — | `cur` stale |" in pages["PHASES.md"]
    assert "| 1.1 | tests | PASS | `cur` |" in pages["DASHBOARD.md"]


def test_failing_condition_makes_the_gate_fail_with_reason(
    registry: Registry, tmp_path: Path
) -> None:
    records = [
        evidence("1.1", "tests", "tests", "cur", 9, passed=1, failed=1, total=2),
        *ALL_PASSING[1:],
    ]
    report = compute_status(registry, store_with(tmp_path, records), "cur")
    tests = report.workstreams["1.1"].gates[0]
    assert tests.state is GateState.FAIL
    assert tests.reasons == ("failed == 0: got 1", "passed >= 2: got 1")
    assert report.workstreams["1.1"].state is WorkstreamState.FAILING
    pages = render_pages(report)
    assert "| 1.1 | Add | failing | 1/2 | 1/2 | — | `cur` |" in pages["PHASES.md"]
    assert "| 1.1 | tests | failed == 0: got 1; passed >= 2: got 1 |" in pages["DASHBOARD.md"]
    assert "| 1.2 Mul | 1.1 (failing) |" in pages["DASHBOARD.md"]


def test_rendering_is_deterministic(registry: Registry, tmp_path: Path) -> None:
    forward = render_pages(compute_status(registry, store_with(tmp_path / "a", ALL_PASSING), "cur"))
    backward = render_pages(
        compute_status(registry, store_with(tmp_path / "b", ALL_PASSING[::-1]), "cur")
    )
    assert forward == backward
    assert "2026" not in forward["PHASES.md"] + forward["DASHBOARD.md"]  # no timestamps


def test_drift_shows_a_diff(registry: Registry, repo: Path) -> None:
    layout = Layout(repo)
    pages = render_pages(compute_status(registry, EvidenceStore(layout.evidence), "cur"))
    assert len(drift(layout, pages)) == 2  # nothing written yet
    write_pages(layout, pages)
    assert drift(layout, pages) == []
    phases = layout.status / "PHASES.md"
    phases.write_text(phases.read_text().replace("not run", "done", 1))
    [diff] = drift(layout, pages)
    assert diff.startswith("--- status/PHASES.md (on disk)\n+++ status/PHASES.md (from evidence)")
    assert "-| 1.1 | Add | done |" in diff and "+| 1.1 | Add | not run |" in diff


def test_a_pass_and_a_fail_in_one_environment_are_flaky_whatever_their_dates(
    registry: Registry, tmp_path: Path
) -> None:
    # The pass claims to be newer; no record wins by the time written in it.
    records = [*ALL_PASSING[:2], build(5, 1, GOOD), build(6, 0, GOOD)]
    gate = (
        compute_status(registry, store_with(tmp_path, records), "cur").workstreams["1.2"].gates[0]
    )
    assert gate.state is GateState.FLAKY
    assert [f.case for f in gate.flips] == [GATE_RESULT]


def test_a_fail_in_one_environment_and_a_pass_in_another_is_environment_dependent(
    registry: Registry, tmp_path: Path
) -> None:
    records = [*ALL_PASSING[:2], build(5, 0, GOOD), build(6, 1, BROKEN)]
    report = compute_status(registry, store_with(tmp_path, records), "cur")
    mul = report.workstreams["1.2"]
    assert mul.gates[0].state is GateState.ENV_DEPENDENT
    assert mul.state is WorkstreamState.DONE  # one broken machine blocks nothing
    assert mul.gates[0].reasons == (f"fails in environment {BROKEN.id}: exit_code == 0: got 1",)
    assert mul.gates[0].record is not None and mul.gates[0].record.environment == GOOD
    dashboard = render_pages(report)["DASHBOARD.md"]
    assert f"| 1.2 | build | `{GOOD.id}` | `{BROKEN.id}` |" in dashboard
    assert f"| `{GOOD.id}` | python 3.11.7, torch 2.13.0, g++ 12.2.0 |" in dashboard
    assert f"`{GOOD.id}`" in render_pages(report)["PHASES.md"]


def test_a_real_failure_outweighs_a_cache_copy_in_the_same_environment(
    registry: Registry, tmp_path: Path
) -> None:
    records = [*ALL_PASSING[:2], build(5, 0, GOOD, cached_from="x.json"), build(4, 1, GOOD)]
    gate = (
        compute_status(registry, store_with(tmp_path, records), "cur").workstreams["1.2"].gates[0]
    )
    assert gate.state is GateState.FAIL


def test_a_record_dated_in_the_future_is_not_counted(registry: Registry, tmp_path: Path) -> None:
    future = build(0, 0, GOOD).model_copy(
        update={"finished_at": datetime(2099, 1, 1, tzinfo=timezone.utc)}
    )
    store = store_with(tmp_path, [*ALL_PASSING[:2], build(5, 1, GOOD), future])
    gate = compute_status(registry, store, "cur").workstreams["1.2"].gates[0]
    assert gate.state is GateState.FAIL
    [(_, record, why)] = store.misdated("1.2", "build")
    assert record == future and why.startswith("dated in the future (finished 2099-01-01")
