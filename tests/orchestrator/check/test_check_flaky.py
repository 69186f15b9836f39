"""Flaky tests: an id that passed in one run and failed in another run on the same inputs."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from orchestrator.check.flaky import flips, record_label
from orchestrator.evidence import EvidenceRecord

START = datetime(2026, 1, 1, tzinfo=timezone.utc)


def run(minute: int, cases: dict[str, str], cached_from: str | None = None) -> EvidenceRecord:
    when = START + timedelta(minutes=minute)
    return EvidenceRecord(
        workstream="1.1", gate="tests", kind="tests", command="pytest", exit_code=0,
        metrics={}, cases=cases, tree="t" * 40, dirty=False, started_at=when, finished_at=when,
        host="ci", pid=7, cached_from=cached_from,
    )  # fmt: skip


def test_a_test_that_passed_and_failed_is_a_flip_naming_both_runs() -> None:
    failed = run(0, {"t::a": "failed", "t::b": "passed"})
    passed = run(1, {"t::a": "passed", "t::b": "passed"})
    [flip] = flips([passed, failed])
    assert (flip.case, flip.passed, flip.failed) == ("t::a", passed, failed)
    assert flip.describe() == (
        "t::a passed in the run of 2026-01-01 00:01:00.000000Z ci pid 7 and failed in the run "
        "of 2026-01-01 00:00:00.000000Z ci pid 7 on tree tttttttttttt in environment unrecorded"
    )
    assert record_label(failed) == "2026-01-01 00:00:00.000000Z ci pid 7"


def test_errors_flip_skips_do_not_and_cache_copies_are_not_runs() -> None:
    assert [f.case for f in flips([run(0, {"t::a": "error"}), run(1, {"t::a": "passed"})])] == [
        "t::a"
    ]
    assert flips([run(0, {"t::a": "skipped"}), run(1, {"t::a": "passed"})]) == ()
    copy = run(2, {"t::a": "passed"}, cached_from="x.json")
    assert flips([run(0, {"t::a": "failed"}), copy]) == ()
    assert flips([run(0, {"t::a": "failed"}), run(1, {"t::a": "failed"})]) == ()
