"""Any evidence file: the store names it and skips it, status judges every other gate, and the
commands that read evidence end cleanly; nothing is ever written outside `status/evidence/`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fuzz_helpers import OUTCOMES, Timer, ids, invoke, numbers, property_tests, texts
from hypothesis import strategies as st
from repo_fixture import inside, make_repo

from orchestrator.evidence import EvidenceStore
from orchestrator.layout import Layout
from orchestrator.lint import load_checked_registry
from orchestrator.status import compute_status, render_pages

NAME = "20260101T000000.000000Z-fuzz-1.json"
VALID: dict[str, Any] = {
    "format": "tt-ws.evidence/1",
    "workstream": "1.1",
    "gate": "build",
    "kind": "build",
    "command": "python -c pass",
    "exit_code": 0,
    "metrics": {"exit_code": 0.0},
    "tree": "0" * 40,
    "dirty": False,
    "started_at": "2026-01-01T00:00:00Z",
    "finished_at": "2026-01-01T00:00:01Z",
    "host": "fuzz",
    "pid": 1,
}

json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        ids,
        texts,
        numbers,
        st.sampled_from(["..", "../..", "/etc", "1.2", "docs"]),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def mutated_record(draw: st.DrawFn) -> bytes:
    record = dict(VALID)
    for _ in range(draw(st.integers(1, 3))):
        key = draw(st.one_of(st.sampled_from(sorted(VALID)), st.text(max_size=8)))
        if draw(st.integers(0, 4)) == 0:
            record.pop(key, None)
        else:
            record[key] = draw(json_values)
    return json.dumps(record, allow_nan=True, default=str).encode()


@st.composite
def damaged_record(draw: st.DrawFn) -> bytes:
    text = json.dumps(VALID)
    at = draw(st.integers(0, len(text)))
    junk = draw(st.sampled_from(["1e400", "NaN", "-Infinity", "\x00", "[" * 5000, '"', "}", ""]))
    return (text[:at] + junk + text[at + draw(st.integers(0, 20)) :]).encode()


evidence_inputs = st.one_of(mutated_record(), damaged_record(), st.binary(max_size=200))


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_repo(tmp_path_factory.mktemp("fuzz-evidence") / "repo")


def check_record(repo: Path, content: bytes) -> None:
    layout = Layout(repo)
    store = EvidenceStore(layout.evidence)
    path = store.gate_dir("1.1", "build") / NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    with inside(repo), Timer():
        _, errors = store.readable("1.1", "build")
        for error in errors:
            assert NAME in str(error), error
        registry = load_checked_registry(layout.registry)
        render_pages(compute_status(registry, store, "0" * 40))
    OUTCOMES["evidence reader", "clean error" if errors else "accepted"] += 1
    with inside(repo):
        before = {p for p in repo.rglob("*") if ".tt-ws" not in p.parts}
        for command in (["status"], ["history", "1.1"], ["run", "1.1"]):
            code, out = invoke(*command)
            assert code in (0, 1), (command, out)
        written = {p for p in repo.rglob("*") if ".tt-ws" not in p.parts} - before
        evidence = layout.evidence.resolve()
        assert all(
            p.resolve() == evidence or evidence in p.resolve().parents
            for p in written
            if p.parent != layout.status
        ), written
    for leftover in layout.evidence.rglob("*.json"):
        leftover.unlink()


test_any_evidence_record_is_named_and_skipped, test_evidence_seed_sweep = property_tests(
    evidence_inputs, check_record, examples=20, sweep_examples=200
)
