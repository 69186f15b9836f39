"""Reading JUnit XML (as pytest writes it) into per-test outcomes and counts."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from orchestrator.errors import JUnitError, display_path

Outcome = Literal["passed", "failed", "skipped", "error"]
# When one test id appears twice (pytest reports a teardown error as a second entry), the worse
# outcome wins.
_SEVERITY: dict[Outcome, int] = {"passed": 0, "skipped": 1, "failed": 2, "error": 3}


@dataclass(frozen=True)
class JUnitResult:
    cases: Mapping[str, Outcome]

    def count(self, outcome: Outcome) -> int:
        return sum(1 for o in self.cases.values() if o == outcome)

    def metrics(self) -> dict[str, float]:
        counts = Counter(self.cases.values())
        return {
            "passed": counts["passed"],
            "failed": counts["failed"],
            "skipped": counts["skipped"],
            "errors": counts["error"],
            "total": len(self.cases),
        }


def _outcome(case: ET.Element) -> Outcome:
    tags = {child.tag for child in case}
    if "error" in tags:
        return "error"
    if "failure" in tags:
        return "failed"
    if "skipped" in tags:
        return "skipped"
    return "passed"


def parse_junit(path: Path) -> JUnitResult:
    """The outcome of every test case in the report; JUnitError naming the file when unreadable."""
    where = display_path(path)
    if not path.is_file():
        raise JUnitError(f"no JUnit report at {where}: the test command did not write one")
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        line, column = exc.position
        raise JUnitError(f"malformed JUnit XML in {where}:{line}:{column}: {exc}") from None
    if root.tag not in ("testsuites", "testsuite"):
        raise JUnitError(
            f"{where} is not a JUnit report: root element is <{root.tag}>, "
            "expected <testsuites> or <testsuite>"
        )
    cases: dict[str, Outcome] = {}
    for case in root.iter("testcase"):
        name = case.get("name")
        if not name:
            raise JUnitError(f"{where}: a <testcase> has no name attribute")
        classname = case.get("classname")
        test_id = f"{classname}::{name}" if classname else name
        outcome = _outcome(case)
        previous = cases.get(test_id)
        if previous is None or _SEVERITY[outcome] > _SEVERITY[previous]:
            cases[test_id] = outcome
    return JUnitResult(dict(sorted(cases.items())))
