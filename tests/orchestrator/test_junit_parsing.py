"""JUnit XML parsing: outcomes per test id, counts, and clear errors for bad reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestrator.errors import JUnitError
from orchestrator.junit import parse_junit

REPORT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites name="pytest tests"><testsuite name="pytest" errors="1" failures="1" skipped="1" tests="5">
<testcase classname="tests.test_a" name="test_ok" time="0.001" />
<testcase classname="tests.test_a" name="test_bad[2]" time="0.001"><failure message="assert 1 == 2">x</failure></testcase>
<testcase classname="tests.test_a" name="test_skip" time="0.0"><skipped message="later" /></testcase>
<testcase classname="tests.test_a" name="test_teardown" time="0.0" />
<testcase classname="tests.test_a" name="test_teardown" time="0.0"><error message="boom" /></testcase>
</testsuite></testsuites>
"""


def test_counts_and_ids(tmp_path: Path) -> None:
    path = tmp_path / "r.xml"
    path.write_text(REPORT)
    result = parse_junit(path)
    assert result.cases == {
        "tests.test_a::test_bad[2]": "failed",
        "tests.test_a::test_ok": "passed",
        "tests.test_a::test_skip": "skipped",
        "tests.test_a::test_teardown": "error",
    }
    assert result.metrics() == {"passed": 1, "failed": 1, "skipped": 1, "errors": 1, "total": 4}


def test_bare_testsuite_root_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "r.xml"
    path.write_text('<testsuite><testcase name="t" /></testsuite>')
    assert parse_junit(path).cases == {"t": "passed"}


def test_missing_report(tmp_path: Path) -> None:
    with pytest.raises(
        JUnitError, match=r"no JUnit report at .*r\.xml: the test command did not write one"
    ):
        parse_junit(tmp_path / "r.xml")


def test_malformed_xml_names_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "r.xml"
    path.write_text("<testsuites>\n<testcase name='x'>\n</testsuites>")
    with pytest.raises(JUnitError, match=r"malformed JUnit XML in .*r\.xml:3:2"):
        parse_junit(path)


def test_truncated_report(tmp_path: Path) -> None:
    path = tmp_path / "r.xml"
    path.write_text(REPORT[: len(REPORT) // 2])
    with pytest.raises(JUnitError, match="malformed JUnit XML"):
        parse_junit(path)


def test_other_xml_is_not_a_junit_report(tmp_path: Path) -> None:
    path = tmp_path / "r.xml"
    path.write_text("<html><body/></html>")
    with pytest.raises(JUnitError, match=r"root element is <html>"):
        parse_junit(path)
