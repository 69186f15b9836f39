"""Status derived from evidence: gate and workstream states on the current source tree, and the
deterministic rendering of `status/PHASES.md` and `status/DASHBOARD.md`.

A gate is PASS or FAIL only by records made on the current source tree; a record from another
tree makes it STALE, no record UNKNOWN. Every admitted record of the current tree counts, whatever
the times written in it say: FLAKY when a test (or the gate) both passed and failed there in one
environment; ENV-DEPENDENT when it passes in one environment and fails in another
(orchestrator.check.flaky); otherwise PASS or FAIL. In a repository that lists trusted runners (orchestrator.attest),
a passing gate none of whose passing records a trusted runner signed is UNVERIFIED, never PASS. The pages depend only on the registry, the
evidence and the tree hash: sorted, no wall-clock time, so `tt-ws status --check` can compare them.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from orchestrator.atomic import write_atomic
from orchestrator.attest import RUNNERS_FILE, TrustedKeys
from orchestrator.check.flaky import EnvironmentResult, Flip, by_environment, flips, record_label
from orchestrator.evidence import AdmitFn, EvidenceRecord, EvidenceStore
from orchestrator.layout import Layout
from orchestrator.registry import GateSpec, Phase, Registry, Workstream
from orchestrator.tree import source_tree
from orchestrator.vanished import vanished_records


class GateState(str, Enum):
    PASS = "PASS"
    FAIL = "FAIL"
    STALE = "STALE"
    UNKNOWN = "UNKNOWN"
    FLAKY = "FLAKY"
    # Passes in some environment, fails in another (each consistently): counts as passing, so
    # one broken machine does not block dependents, and is listed with where it fails.
    ENV_DEPENDENT = "ENV-DEPENDENT"
    UNVERIFIED = "UNVERIFIED"  # says PASS, but no trusted runner signed it


class WorkstreamState(str, Enum):
    DONE = "done"
    FAILING = "failing"
    UNVERIFIED = "unverified"
    STALE = "stale"
    IN_PROGRESS = "in progress"
    NOT_RUN = "not run"


@dataclass(frozen=True)
class GateStatus:
    gate: GateSpec
    state: GateState
    # The current-tree record for PASS/FAIL; the newest record of another tree for STALE.
    record: EvidenceRecord | None
    # For FAIL: why. For STALE: why the old record failed (empty when it had passed).
    reasons: tuple[str, ...] = ()
    flips: tuple[Flip, ...] = ()  # for FLAKY: the tests that passed and failed on this tree
    trend: tuple[EvidenceRecord, ...] = ()  # the newest records of any tree, oldest first
    # For a measured gate: its result in each environment that ran it on this tree.
    environments: tuple[EnvironmentResult, ...] = ()


@dataclass(frozen=True)
class WorkstreamStatus:
    workstream: Workstream
    gates: tuple[GateStatus, ...]
    blocked_by: tuple[tuple[str, WorkstreamState], ...] = ()

    @property
    def state(self) -> WorkstreamState:
        states = {g.state for g in self.gates}
        if states and states <= _PASSING:
            return WorkstreamState.DONE
        if GateState.FAIL in states or GateState.FLAKY in states:
            return WorkstreamState.FAILING
        if GateState.UNVERIFIED in states:
            return WorkstreamState.UNVERIFIED
        if GateState.STALE in states:
            return WorkstreamState.STALE
        if states & _PASSING:
            return WorkstreamState.IN_PROGRESS
        return WorkstreamState.NOT_RUN

    @property
    def gates_passed(self) -> int:
        return sum(g.state in _PASSING for g in self.gates)

    def counts(self, kind: str) -> tuple[int, int] | None:
        """(passed, total) over this workstream's gates of `kind` measured on the current tree."""
        current = [
            g.record
            for g in self.gates
            if g.gate.kind == kind and g.state in _MEASURED and g.record
        ]
        if not current:
            return None
        return (
            int(sum(r.metrics.get("passed", 0) for r in current)),
            int(sum(r.metrics.get("total", 0) for r in current)),
        )


_PASSING = frozenset({GateState.PASS, GateState.ENV_DEPENDENT})
_MEASURED = (GateState.PASS, GateState.FAIL, GateState.FLAKY, GateState.ENV_DEPENDENT)
TREND_LENGTH = 10


@dataclass(frozen=True)
class StatusReport:
    tree: str
    registry: Registry
    workstreams: dict[str, WorkstreamStatus]
    # The repository lists trusted runners: the pages then explain UNVERIFIED (and only then,
    # so that a repository without a runners file renders as before).
    attested: bool = False

    def in_phase(self, phase: Phase) -> list[WorkstreamStatus]:
        return [self.workstreams[ws.id] for ws in self.registry.sorted() if ws.phase == phase.id]

    def phases(self) -> list[Phase]:
        return sorted(self.registry.phases, key=lambda p: (p.id == 0, p.id))


# (workstream directory, gate directory) -> its deleted records (see orchestrator.vanished).
Vanished = Mapping[tuple[str, str], list[str]]

_UNSIGNED = f"no valid signature of a trusted runner ({RUNNERS_FILE}): a claim, not a result"


def gate_status(
    store: EvidenceStore,
    ws: Workstream,
    gate: GateSpec,
    tree: str,
    admit: AdmitFn | None,
    vanished: Vanished | None = None,
    trusted: TrustedKeys | None = None,
) -> GateStatus:
    readable, unreadable = store.readable(ws.id, gate.name)
    gone = (vanished or {}).get(store.gate_dir(ws.id, gate.name).relative_to(store.directory).parts)
    if unreadable or gone:
        # A damaged or deleted record might be the newest run: the gate's state cannot be known
        # until the file is restored (or, if damaged, removed), but every other gate's can.
        reasons = tuple(map(str, unreadable)) + tuple(gone or ())
        return GateStatus(gate, GateState.UNKNOWN, None, reasons)
    records = [r for r in readable if admit is None or admit(r)]
    trend = tuple(reversed(records[:TREND_LENGTH]))
    on_tree = [r for r in records if r.tree == tree]
    if on_tree:
        measured = _measured(gate, on_tree, trend)
        if measured.state in _PASSING and not _signed_pass(gate, on_tree, trusted):
            return GateStatus(
                gate, GateState.UNVERIFIED, measured.record, (_UNSIGNED,), trend=trend
            )
        return measured
    if records:
        return GateStatus(
            gate, GateState.STALE, records[0], tuple(records[0].failures(gate)), trend=trend
        )
    return GateStatus(gate, GateState.UNKNOWN, None)


def _vouched(trusted: TrustedKeys | None, record: EvidenceRecord) -> bool:
    """Whether `record` counts as a result: every record where the repository lists no trusted
    runners, else only one a trusted runner signed."""
    if trusted is None or not trusted.enabled:
        return True
    return trusted.runner(record.signed_fields(), record.attestation) is not None


def _signed_pass(
    gate: GateSpec, on_tree: list[EvidenceRecord], trusted: TrustedKeys | None
) -> bool:
    """Whether one of the passing records is vouched for: an unsigned PASS is a claim, whatever
    else the tree's records say."""
    return any(not r.failures(gate) and _vouched(trusted, r) for r in on_tree)


def _newest(records: Iterable[EvidenceRecord]) -> EvidenceRecord:
    return max(records, key=lambda r: r.finished_at)


def _measured(
    gate: GateSpec, on_tree: list[EvidenceRecord], trend: tuple[EvidenceRecord, ...]
) -> GateStatus:
    """The state of a gate from all its records on the current tree (no record wins by date)."""
    flipped = flips(on_tree, gate)
    if flipped:
        current = on_tree[0]
        reasons = tuple(f"flaky: {f.describe()}" for f in flipped) + tuple(current.failures(gate))
        return GateStatus(gate, GateState.FLAKY, current, reasons, flipped, trend)
    results = tuple(by_environment(on_tree, gate))
    failing = [r.record for r in results if not r.passed]
    if not failing:
        return GateStatus(gate, GateState.PASS, on_tree[0], trend=trend, environments=results)
    if len(failing) == len(results):
        current = _newest(failing)
        reasons = tuple(current.failures(gate))
        return GateStatus(gate, GateState.FAIL, current, reasons, trend=trend, environments=results)
    reasons = tuple(
        f"fails in environment {r.environment}: {_first_line(r.record.failures(gate))}"
        for r in results
        if not r.passed
    )
    current = _newest(r.record for r in results if r.passed)
    return GateStatus(gate, GateState.ENV_DEPENDENT, current, reasons, (), trend, results)


def _first_line(failures: list[str]) -> str:
    return next((f.strip().splitlines()[0] for f in failures if f.strip()), "failed")


def compute_status(
    registry: Registry,
    store: EvidenceStore,
    tree: str,
    admit: AdmitFn | None = None,
    vanished: Vanished | None = None,
    trusted: TrustedKeys | None = None,
) -> StatusReport:
    """The state of every gate and workstream on `tree`; `admit` may refuse records; gates with
    `vanished` (deleted) records are UNKNOWN; `trusted` (when enabled) turns a passing gate no
    trusted runner signed a passing record of into UNVERIFIED."""
    own = {
        ws.id: WorkstreamStatus(
            ws,
            tuple(gate_status(store, ws, g, tree, admit, vanished, trusted) for g in ws.gates),
        )
        for ws in registry.sorted()
    }
    final = {
        ws_id: WorkstreamStatus(
            s.workstream,
            s.gates,
            tuple(
                (dep, own[dep].state)
                for dep in sorted(s.workstream.depends_on)
                if own[dep].state is not WorkstreamState.DONE
            ),
        )
        for ws_id, s in own.items()
    }
    return StatusReport(tree, registry, final, attested=bool(trusted and trusted.enabled))


# --- rendering -----------------------------------------------------------------------------------

HEADER = (
    "_Generated by `tt-ws status` from the records in `status/evidence/`. Do not edit by hand: "
    "run `tt-ws status`._\n\n"
    "Source tree `{tree}` (the sources, `status/` left out). Evidence recorded on another tree "
    "is STALE, never PASS.\n"
)
_DASH = "—"


def _cell(text: str, limit: int = 140) -> str:
    first = text.strip().splitlines()[0] if text.strip() else ""
    if len(first) > limit:
        first = first[: limit - 1] + "…"
    return first.replace("|", "\\|")


def _table(headers: list[str], rows: Iterable[list[str]], align: str = "") -> list[str]:
    aligns = align or "l" * len(headers)
    rule = ["---:" if a == "r" else "---" for a in aligns]
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _fraction(counts: tuple[int, int] | None) -> str:
    return f"{counts[0]}/{counts[1]}" if counts else _DASH


def _trees(status: WorkstreamStatus) -> str:
    trees = sorted(
        {
            f"`{g.record.tree[:12]}`{' (dirty)' if g.record.dirty else ''}"
            + (" stale" if g.state is GateState.STALE else "")
            for g in status.gates
            if g.record is not None
        }
    )
    return ", ".join(trees) or _DASH


def _environments(status: WorkstreamStatus) -> str:
    ids = sorted({f"`{g.record.environment_id}`" for g in status.gates if g.record is not None})
    return ", ".join(ids) or _DASH


def _phase_heading(phase: Phase) -> str:
    if phase.id == 0:
        return f"## Infrastructure (phase 0) — {phase.title}"
    return f"## Phase {phase.id} — {phase.title}"


def _phase_totals(statuses: list[WorkstreamStatus]) -> tuple[int, int, int, int]:
    done = sum(s.state is WorkstreamState.DONE for s in statuses)
    gates_passed = sum(s.gates_passed for s in statuses)
    gates = sum(len(s.gates) for s in statuses)
    return done, len(statuses), gates_passed, gates


def render_phases(report: StatusReport) -> str:
    lines = ["# Phase-completion matrix", "", HEADER.format(tree=report.tree[:12])]
    summary = []
    for phase in report.phases():
        done, total, gates_passed, gates = _phase_totals(report.in_phase(phase))
        complete = "yes" if total and done == total else "no"
        summary.append(
            [str(phase.id), phase.title, complete, f"{done}/{total}", f"{gates_passed}/{gates}"]
        )
    lines += _table(["Phase", "Title", "Complete", "Done", "Gates passing"], summary, "rllrr")
    for phase in report.phases():
        lines += ["", _phase_heading(phase), ""]
        rows = [
            [
                s.workstream.id,
                s.workstream.title,
                s.state.value,
                f"{s.gates_passed}/{len(s.gates)}",
                _fraction(s.counts("tests")),
                _fraction(s.counts("checks")),
                _trees(s),
                _environments(s),
            ]
            for s in report.in_phase(phase)
        ]
        lines += _table(
            ["ID", "Title", "State", "Gates", "Tests", "Checks", "Evidence tree", "Environment"],
            rows,
            "lllrrrll",
        )
    unverified = (
        "**unverified** a gate passes only by a record no trusted runner signed · "
        if report.attested
        else ""
    )
    lines += [
        "",
        "States: **done** every gate passes on the current tree (an ENV-DEPENDENT gate, passing "
        "in one environment and failing in another, counts as passing) · **failing** a gate "
        f"fails or is flaky on the current tree · {unverified}**stale** some evidence is from "
        "another tree · **in progress** some gates pass, the others have no evidence · "
        "**not run** no evidence. Tests and Checks count the current tree only.",
    ]
    return "\n".join(lines) + "\n"


def _bar(fraction: float, width: int = 20) -> str:
    filled = round(fraction * width)
    return f"`{'█' * filled}{'░' * (width - filled)}` {round(fraction * 100)}%"


def _gate_rows(report: StatusReport, state: GateState) -> list[tuple[WorkstreamStatus, GateStatus]]:
    return [(s, g) for s in report.workstreams.values() for g in s.gates if g.state is state]


def _section(title: str, headers: list[str], rows: list[list[str]], empty: str) -> list[str]:
    return ["", f"## {title}", "", *(_table(headers, rows) if rows else [empty])]


def _marks(gate: GateStatus) -> str:
    """✓ or ✗ per run, judged by the gate's conditions as registered now."""
    return "".join("✗" if r.failures(gate.gate) else "✓" for r in gate.trend)


def _count_trend(records: Iterable[EvidenceRecord]) -> str:
    """`passed/total` of the runs that counted something, repeats collapsed: `8/9 → 9/9`."""
    counts: list[str] = []
    for r in records:
        if "total" in r.metrics:
            count = f"{int(r.metrics.get('passed', 0))}/{int(r.metrics['total'])}"
            if not counts or counts[-1] != count:
                counts.append(count)
    return " → ".join(counts) or _DASH


def render_dashboard(report: StatusReport) -> str:
    lines = ["# Dashboard", "", HEADER.format(tree=report.tree[:12]), "## Progress by phase", ""]
    rows = []
    for phase in report.phases():
        done, total, gates_passed, gates = _phase_totals(report.in_phase(phase))
        progress = _bar(gates_passed / gates if gates else 0.0)
        rows.append(
            [str(phase.id), phase.title, f"{done}/{total}", f"{gates_passed}/{gates}", progress]
        )
    lines += _table(["Phase", "Title", "Done", "Gates passing", "Progress"], rows, "rlrrl")

    shown = [s for s in GateState if report.attested or s is not GateState.UNVERIFIED]
    counts = {state: len(_gate_rows(report, state)) for state in shown}
    lines += ["", "## Gates by state", ""]
    lines += _table(["State", "Gates"], [[s.value, str(n)] for s, n in counts.items()], "lr")

    blocked = [
        [
            f"{s.workstream.id} {s.workstream.title}",
            ", ".join(f"{dep} ({state.value})" for dep, state in s.blocked_by),
        ]
        for s in report.workstreams.values()
        if s.blocked_by
    ]
    lines += _section("Blocked", ["Workstream", "Waiting for"], blocked, "Nothing is blocked.")

    failing = [
        [s.workstream.id, g.gate.name, _cell("; ".join(g.reasons))]
        for s, g in _gate_rows(report, GateState.FAIL)
    ]
    lines += _section(
        "Failing gates",
        ["Workstream", "Gate", "Why"],
        failing,
        "No gate fails on the current tree.",
    )

    flaky = [
        [
            s.workstream.id,
            g.gate.name,
            _cell(f.case),
            record_label(f.passed),
            record_label(f.failed),
        ]
        for s, g in _gate_rows(report, GateState.FLAKY)
        for f in g.flips
    ]
    lines += _section(
        "Flaky tests",
        ["Workstream", "Gate", "Test", "Passed in the run of", "Failed in the run of"],
        flaky,
        "No test both passed and failed on the current tree.",
    )

    dependent = [
        [
            s.workstream.id,
            g.gate.name,
            ", ".join(f"`{e.environment}`" for e in g.environments if e.passed),
            ", ".join(f"`{e.environment}`" for e in g.environments if not e.passed),
            _cell("; ".join(g.reasons)),
        ]
        for s, g in _gate_rows(report, GateState.ENV_DEPENDENT)
    ]
    lines += _section(
        "Environment-dependent gates",
        ["Workstream", "Gate", "Passes in", "Fails in", "Why"],
        dependent,
        "No gate passes in one environment and fails in another on the current tree.",
    )
    if report.attested:
        unverified = [
            [s.workstream.id, g.gate.name, f"`{g.record.tree[:12]}`" if g.record else _DASH]
            for s, g in _gate_rows(report, GateState.UNVERIFIED)
        ]
        lines += _section(
            "Unverified evidence (passing records no trusted runner signed)",
            ["Workstream", "Gate", "Recorded on tree"],
            unverified,
            "Every passing record on the current tree is signed by a trusted runner.",
        )

    stale = [
        [
            s.workstream.id,
            g.gate.name,
            "FAIL" if g.reasons else "PASS",
            f"`{g.record.tree[:12]}`" if g.record else _DASH,
        ]
        for s, g in _gate_rows(report, GateState.STALE)
    ]
    lines += _section(
        "Stale evidence",
        ["Workstream", "Gate", "Was", "Recorded on tree"],
        stale,
        "No stale evidence.",
    )

    trend = [
        [
            s.workstream.id,
            g.gate.name,
            _marks(g),
            _count_trend(g.trend),
            f"`{g.record.environment_id}`" if g.record else _DASH,
        ]
        for s in report.workstreams.values()
        for g in s.gates
        if g.trend
    ]
    lines += _section(
        f"Trend (last {TREND_LENGTH} runs of each gate on any tree, oldest first)",
        ["Workstream", "Gate", "Results", "Passed/total", "Evidence from environment"],
        trend,
        "No evidence yet.",
    )

    environments = {
        g.record.environment.id: g.record.environment.describe()
        for s in report.workstreams.values()
        for g in s.gates
        if g.record is not None and g.record.environment is not None
    }
    lines += _section(
        "Environments (where the evidence above was produced: orchestrator/fingerprint.py)",
        ["Environment", "Python, torch, C++ compiler"],
        [[f"`{i}`", _cell(text)] for i, text in sorted(environments.items())],
        "No record says where it was produced.",
    )
    unreadable = unreadable_evidence(report)
    if unreadable:
        lines += _section(
            "Unreadable or deleted evidence (these gates are UNKNOWN until it is restored)",
            ["Workstream", "Gate", "Problem"],
            [[ws, gate, _cell(problem, 400)] for ws, gate, problem in unreadable],
            "",
        )

    unknown = [s for s in report.workstreams.values() if s.state is WorkstreamState.NOT_RUN]
    lines += ["", "## Never run on any tree", ""]
    lines += [", ".join(s.workstream.id for s in unknown) or "Every workstream has evidence."]
    return "\n".join(lines) + "\n"


def unreadable_evidence(report: StatusReport) -> list[tuple[str, str, str]]:
    """(workstream, gate, problem) for every gate left UNKNOWN by a record it cannot read or
    that was deleted."""
    return [
        (s.workstream.id, g.gate.name, reason)
        for s in report.workstreams.values()
        for g in s.gates
        if g.state is GateState.UNKNOWN
        for reason in g.reasons
    ]


PAGES = {"PHASES.md": render_phases, "DASHBOARD.md": render_dashboard}


def render_pages(report: StatusReport) -> dict[str, str]:
    return {name: render(report) for name, render in PAGES.items()}


def write_pages(layout: Layout, pages: dict[str, str]) -> list[Path]:
    paths = []
    for name, text in pages.items():
        path = layout.status / name
        write_atomic(path, text)
        paths.append(path)
    return paths


def drift(layout: Layout, pages: dict[str, str]) -> list[str]:
    """Unified diffs (committed file -> what the evidence gives) for every page that differs."""
    diffs = []
    for name, expected in pages.items():
        path = layout.status / name
        actual = path.read_text(encoding="utf-8") if path.is_file() else ""
        if actual != expected:
            diffs.append(
                "".join(
                    difflib.unified_diff(
                        actual.splitlines(keepends=True),
                        expected.splitlines(keepends=True),
                        f"status/{name} (on disk)",
                        f"status/{name} (from evidence)",
                    )
                )
            )
    return diffs


def current_status(
    layout: Layout, registry: Registry, admit: AdmitFn | None = None
) -> StatusReport:
    """The status of the working copy at `layout` as it is on disk now.

    Commands pass the claims layer's admission (`claimed_evidence_admission`), so that evidence
    recorded under an expired or foreign claim never counts.
    """
    tree = source_tree(layout.root)
    trusted = TrustedKeys.load(layout.root)
    store = EvidenceStore(layout.evidence)
    return compute_status(registry, store, tree.hash, admit, vanished_records(layout.root), trusted)


def reusable_evidence_admission(layout: Layout) -> AdmitFn:
    """What the cache may reuse: admitted records that, where the repository lists trusted
    runners, a trusted runner signed (a copy of an unsigned claim would launder it)."""
    admit = claimed_evidence_admission(layout)
    trusted = TrustedKeys.load(layout.root)
    return lambda r: admit(r) and _vouched(trusted, r)


def claimed_evidence_admission(layout: Layout) -> AdmitFn:
    """Admits a record unless the claims layer refuses it (expired or foreign claim)."""
    # orchestrator.claims builds on this module: importing it here, at call time, avoids a cycle.
    from orchestrator.claims.fencing import admission_for

    return admission_for(layout.root)
