"""Readiness and hand-out order: deps done, not done itself; critical path, priority, id."""

from __future__ import annotations

from orchestrator.claims.readiness import Ranked, WorkItem, plan
from orchestrator.registry import id_key


def item(ident: str, *deps: str, done: bool = False, priority: int = 0) -> WorkItem:
    return WorkItem(ident, deps, done, priority)


def test_an_item_is_ready_when_every_dependency_is_done_and_it_is_not() -> None:
    result = plan([item("a", done=True), item("b", "a"), item("c", "b"), item("d", "a", done=True)])
    assert [r.id for r in result.ready] == ["b"]
    assert result.blocked == {"c": ("b",)}
    assert result.done == ("a", "d")


def test_the_item_that_unblocks_most_unfinished_work_comes_first() -> None:
    result = plan([item("a"), item("b"), item("x", "b"), item("y", "x"), item("z", "a")])
    assert result.ready == (Ranked("b", 2, 0), Ranked("a", 1, 0))


def test_finished_dependents_do_not_count_as_unblocked() -> None:
    result = plan([item("a"), item("b"), item("x", "a", done=True), item("y", "b")])
    assert [(r.id, r.unblocks) for r in result.ready] == [("b", 1), ("a", 0)]


def test_higher_priority_then_id_break_ties() -> None:
    result = plan([item("1.10"), item("1.2"), item("1.3", priority=5)], id_key=id_key)
    assert [r.id for r in result.ready] == ["1.3", "1.2", "1.10"]


def test_a_dependency_missing_from_the_registry_blocks() -> None:
    assert plan([item("a", "ghost")]).blocked == {"a": ("ghost",)}
