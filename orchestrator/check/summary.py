"""The markdown summary of a check, fit for `$GITHUB_STEP_SUMMARY` (at most 1 MiB per step:
longer text is cut at a line and ends with a pointer to the full summary)."""

from __future__ import annotations

from orchestrator.check import sandbox
from orchestrator.check.pr import CheckReport, GateCheck, Obtained, Verdict
from orchestrator.registry import format_number

STEP_SUMMARY_LIMIT = 1024 * 1024  # bytes GitHub accepts per step summary

_HOW = {"evidence": "recorded", "cached": "cached", "ran": "ran"}


def result_cell(obtained: Obtained | None) -> str:
    """`PASS 12/12 (ran)`: the result, the counts when the gate counts cases, and its source."""
    if obtained is None:
        return "—"
    record = obtained.record
    counts = ""
    if "total" in record.metrics:
        counts = f" {format_number(record.metrics.get('passed', 0))}/"
        counts += format_number(record.metrics["total"])
    verdict = "PASS" if obtained.passed else "FAIL"
    return f"{verdict}{counts} ({_HOW[obtained.how]}, tree {record.tree[:12]})"


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _row(gate: GateCheck) -> str:
    why = "; ".join(gate.problems[:3]) + (" …" if len(gate.problems) > 3 else "")
    cells = [
        gate.workstream,
        gate.gate,
        f"**{gate.verdict.value}**" if gate.blocking else gate.verdict.value,
        result_cell(gate.base),
        result_cell(gate.merge),
        _first_line(why),
    ]
    return "| " + " | ".join(_escape(c) for c in cells) + " |"


def _first_line(text: str, limit: int = 300) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def render_summary(report: CheckReport) -> str:
    commits = report.commits
    verdict = "passed" if report.passed else "FAILED"
    affected = len(report.gates) - report.count(Verdict.NOT_APPLICABLE)
    lines = [
        f"## tt-ws check {verdict}",
        "",
        f"Merge result of `{commits.head[:12]}` into `{report.base_ref}` "
        f"(`{commits.base[:12]}`): source tree `{report.merge_tree[:12]}`, base tree "
        f"`{report.base_tree[:12]}`. {affected} of {len(report.gates)} gates affected; "
        f"{sum(g.blocking for g in report.gates)} blocking.",
        "",
        sandbox.describe(),
        "",
        "| Workstream | Gate | Verdict | Base | Merge result | Why |",
        "| --- | --- | --- | --- | --- | --- |",
        *(_row(g) for g in report.gates),
    ]
    changed = [g for g in report.gates if g.changes]
    if changed:
        lines += ["", "### Gate definitions changed", ""]
        for gate in changed:
            lines += [f"- `{gate.workstream}` {gate.gate}: {_escape(c)}" for c in gate.changes]
    blocking = [g for g in report.gates if g.blocking]
    if blocking:
        lines += ["", "### Why the check fails", ""]
        for gate in blocking:
            lines += [f"- `{gate.workstream}` {gate.gate}: {_escape(p)}" for p in gate.problems]
    lines += [
        "",
        "NOT_APPLICABLE: the branch changes none of the gate's inputs and none of its evidence. "
        "Results come from the base commit's evidence and the check's own runs, never from "
        "evidence the branch brings. Blocking verdicts: REGRESSED (a test that passed on the "
        "base fails or is missing, a count dropped, or the gate went from PASS to FAIL), FAIL "
        "(a new gate fails), REMOVED (a passing gate was deleted), CONTRADICTED (a record the "
        "branch brings says the gate passes on the merge result; the check's run there does "
        "not reproduce it), LOOSENED (the branch loosens the gate's definition; a reviewer may "
        "allow it with `--allow-loosened`).",
    ]
    return "\n".join(lines) + "\n"


def fit(markdown: str, limit: int, pointer: str) -> str:
    """`markdown` if it is at most `limit` bytes, else its first lines and then `pointer`
    (nothing when not even the pointer fits)."""
    data = markdown.encode()
    if len(data) <= limit:
        return markdown
    tail = f"\n\n… truncated: {pointer}\n"
    room = limit - len(tail.encode())
    if room < 0:
        return ""
    kept = data[:room].decode(errors="ignore")
    kept = kept[: kept.rfind("\n") + 1] if "\n" in kept else ""
    return kept + tail
