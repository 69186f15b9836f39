"""Which workstreams are ready to be worked on, in the order `tt-ws next` hands them out.

Ready: every dependency is done (all its gates pass on current evidence) and it is not done
itself. Order: how many unfinished workstreams it transitively unblocks (the critical path
first), then registry priority (higher first), then id. Claims and path conflicts are applied
later, inside the claim store's compare-and-swap, because they change under concurrent agents.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class WorkItem:
    id: str
    depends_on: tuple[str, ...]
    done: bool
    priority: int = 0


@dataclass(frozen=True)
class Ranked:
    id: str
    unblocks: int
    priority: int


@dataclass(frozen=True)
class Plan:
    ready: tuple[Ranked, ...]  # in hand-out order
    blocked: Mapping[str, tuple[str, ...]]  # id -> its dependencies that are not done
    done: tuple[str, ...]


def _dependents(items: Mapping[str, WorkItem]) -> dict[str, list[str]]:
    graph: dict[str, list[str]] = {i: [] for i in items}
    for item in items.values():
        for dep in item.depends_on:
            graph.setdefault(dep, []).append(item.id)
    return graph


def _unblocks(start: str, dependents: Mapping[str, list[str]], done: set[str]) -> int:
    seen: set[str] = set()
    stack = list(dependents.get(start, ()))
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(dependents.get(node, ()))
    return len(seen - done)


def plan(items: Iterable[WorkItem], id_key: Callable[[str], Any] = str) -> Plan:
    """Classify every item; `id_key` orders ids (e.g. so that `1.2` comes before `1.10`)."""
    by_id = {item.id: item for item in items}
    done = {i for i, item in by_id.items() if item.done}
    dependents = _dependents(by_id)
    ready: list[Ranked] = []
    blocked: dict[str, tuple[str, ...]] = {}
    for item in by_id.values():
        if item.done:
            continue
        missing = tuple(sorted(d for d in item.depends_on if d not in done))
        if missing:
            blocked[item.id] = missing
        else:
            ready.append(Ranked(item.id, _unblocks(item.id, dependents, done), item.priority))
    ready.sort(key=lambda r: (-r.unblocks, -r.priority, id_key(r.id)))
    return Plan(tuple(ready), blocked, tuple(sorted(done, key=id_key)))
