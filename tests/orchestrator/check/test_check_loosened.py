"""Which changes of a gate's definition loosen it (orchestrator.check.loosened)."""

from __future__ import annotations

import pytest

from orchestrator.check.loosened import gate_change, implies
from orchestrator.registry import Condition, GateSpec


def gate(**fields: object) -> GateSpec:
    base = {
        "name": "tests",
        "kind": "tests",
        "run": "pytest tests/test_add.py",
        "require": ["failed == 0", "passed >= 10"],
    }
    return GateSpec.model_validate({**base, **fields})


@pytest.mark.parametrize(
    ("new", "old", "expected"),
    [
        ("passed >= 12", "passed >= 10", True),
        ("passed > 9", "passed >= 10", False),  # 9.5 passes the new one only
        ("passed >= 9", "passed >= 10", False),
        ("passed == 10", "passed >= 10", True),
        ("failed == 0", "failed <= 0", True),
        ("failed < 1", "failed == 0", False),  # metrics are reals: 0.5 < 1
        ("failed <= 0", "failed < 1", True),
        ("failed < 1", "failed < 1", True),
        ("failed <= 1", "failed < 1", False),
        ("failed != 0", "failed != 0", True),
        ("failed >= 1", "failed != 0", True),
        ("failed >= 0", "failed != 0", False),
        ("failed != 0", "failed >= 1", False),
        ("passed >= 12", "failed == 0", False),  # another metric implies nothing
    ],
)
def test_implication_between_conditions(new: str, old: str, expected: bool) -> None:
    as_condition = Condition.model_validate
    assert implies(as_condition(new), as_condition(old)) is expected


def test_an_unchanged_gate_has_no_change() -> None:
    assert gate_change(gate(), gate()) is None


def test_stricter_requirements_are_changes_but_not_loosenings() -> None:
    change = gate_change(gate(), gate(require=["failed == 0", "passed >= 12", "total >= 12"]))
    assert change is not None and change.loosened == ()
    assert change.other == ("`passed >= 12` now required", "`total >= 12` now required")


@pytest.mark.parametrize(
    ("fields", "loosened"),
    [
        ({"require": ["failed == 0", "passed >= 5"]}, "`passed >= 10` relaxed to `passed >= 5`"),
        ({"require": ["passed >= 10"]}, "`failed == 0` dropped"),
        (
            {"run": "python -c pass"},
            "run changed from `pytest tests/test_add.py` to `python -c pass`",
        ),
        ({"kind": "build"}, "kind changed from `tests` to `build`"),
    ],
)
def test_loosenings_are_named(fields: dict[str, object], loosened: str) -> None:
    change = gate_change(gate(), gate(**fields))
    assert change is not None and change.loosened == (loosened,)
    assert change.described[0] == f"gate loosened: {loosened}"


def test_a_dropped_heading_loosens_a_docs_gate() -> None:
    docs = {"name": "docs", "kind": "docs", "run": None, "page": "docs/a.md"}
    before = gate(**docs, headings=["## Kernel", "## Limitations"])
    change = gate_change(before, gate(**docs, headings=["## Kernel"]))
    assert change is not None and change.loosened == (
        "heading '## Limitations' no longer required",
    )
