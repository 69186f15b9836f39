"""The append-only evidence store: atomic records, concurrent writers, latest-on-tree lookup."""

from __future__ import annotations

import multiprocessing
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from orchestrator.errors import EvidenceError
from orchestrator.evidence import EvidenceRecord, EvidenceStore
from orchestrator.registry import GateSpec

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def record(tree: str = "t1", minute: int = 0, passed: float = 3, **extra: object) -> EvidenceRecord:
    when = T0 + timedelta(minutes=minute)
    fields: dict[str, object] = {
        "workstream": "1.1",
        "gate": "tests",
        "kind": "tests",
        "command": "pytest",
        "exit_code": 0,
        "metrics": {"passed": passed, "failed": 0},
        "tree": tree,
        "dirty": False,
        "started_at": when,
        "finished_at": when,
        **extra,
    }
    return EvidenceRecord.model_validate(fields)


def test_round_trip(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path)
    written = record(cases={"t::a": "passed"}, claim_holder="agent-1", fencing_token=7)
    path = store.append(written)
    assert path.parent == tmp_path / "1.1" / "tests"
    assert path.name.startswith("20260101T000000.000000Z-")
    assert list(store.history("1.1", "tests")) == [written]
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp file left behind


def test_same_instant_never_overwrites(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path)
    first, second = store.append(record(passed=1)), store.append(record(passed=2))
    assert first != second
    assert sorted(r.metrics["passed"] for r in store.history("1.1", "tests")) == [1, 2]


def test_latest_prefers_the_current_tree(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path)
    store.append(record(tree="old", minute=0, passed=1))
    store.append(record(tree="new", minute=1, passed=2))
    store.append(record(tree="other", minute=2, passed=3))
    current, newest = store.latest("1.1", "tests", "new")
    assert current is not None and current.metrics["passed"] == 2
    assert newest is not None and newest.tree == "other"
    assert store.latest("1.1", "tests", "missing") == (None, newest)


def test_admit_filter_refuses_records(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path)
    store.append(record(minute=0, passed=1))
    store.append(record(minute=1, passed=2, claim_holder="intruder"))
    current, _ = store.latest("1.1", "tests", "t1", admit=lambda r: r.claim_holder is None)
    assert current is not None and current.metrics["passed"] == 1


def test_failures_against_the_gate_as_registered_now(tmp_path: Path) -> None:
    gate = GateSpec.model_validate(
        {"name": "tests", "kind": "tests", "run": "pytest", "require": ["passed >= 5"]}
    )
    assert record(passed=3).failures(gate) == ["passed >= 5: got 3"]
    assert record(passed=5).failures(gate) == []
    assert record(error="command not found: 'x'").failures(gate) == ["command not found: 'x'"]


def test_hand_damaged_record_is_a_clear_error(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path)
    path = store.append(record())
    path.write_text(path.read_text()[:40])
    with pytest.raises(EvidenceError, match=r"unreadable evidence record.*restore it from git"):
        list(store.history("1.1", "tests"))


def test_interrupted_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "link", interrupted)
    with pytest.raises(KeyboardInterrupt):
        EvidenceStore(tmp_path).append(record())
    assert list((tmp_path / "1.1" / "tests").iterdir()) == []


def _write_many(directory: str, worker: int, count: int) -> None:
    store = EvidenceStore(Path(directory))
    for i in range(count):
        store.append(record(passed=worker * 1000 + i))


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    workers, each = 6, 40
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=_write_many, args=(str(tmp_path), w, each)) for w in range(workers)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
        assert process.exitcode == 0
    store = EvidenceStore(tmp_path)
    seen = sorted(r.metrics["passed"] for r in store.all_records())
    assert seen == sorted(w * 1000 + i for w in range(workers) for i in range(each))
    assert not [p for p in (tmp_path / "1.1" / "tests").iterdir() if p.name.startswith(".")]
