"""What tt-ws prints fits where it is read: on a terminal of 60, 80 or 200 columns (a real pty)
and in a log, no metric name or value is broken across lines; `--json` prints one document that
validates against its pydantic model, with every message on stderr."""

from __future__ import annotations

import fcntl
import os
import re
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
from typer.testing import CliRunner

from orchestrator.cli import app
from orchestrator.json_output import BenchOutput, NextOutput, RunOutput, StatusOutput

REPO = Path(__file__).parents[2]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
# the metrics each gate of the small registry requires: the ones its result line shows
SHOWN = {
    "tests": ("failed", "passed"),
    "docs": ("empty_sections", "missing_headings"),
    "build": ("exit_code",),
}


def in_terminal(args: list[str], columns: int, cwd: Path) -> tuple[int, list[str]]:
    """Run `tt-ws ARGS` (this tree's) on a pseudo-terminal `columns` wide; its lines, ANSI-free."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
    env["TERM"] = "xterm-256color"
    proc = subprocess.Popen(
        [sys.executable, "-m", "orchestrator.cli", *args],
        cwd=cwd,
        env=env,
        stdin=slave,
        stdout=slave,
        stderr=slave,
    )
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 120)
        if not ready:
            proc.kill()
            raise AssertionError(f"tt-ws {' '.join(args)} printed nothing for 120 s")
        try:
            data = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    code = proc.wait(timeout=60)
    text = ANSI.sub("", b"".join(chunks).decode("utf-8", "replace")).replace("\r", "")
    return code, text.splitlines()


def json_of(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(app, args)
    return result.exit_code, result.stdout


@pytest.mark.parametrize("columns", [60, 80, 200])
def test_run_results_keep_every_metric_whole_at_any_width(repo: Path, columns: int) -> None:
    code, document = json_of(["run", "--all", "--json"])
    assert code == 0
    gates = RunOutput.model_validate_json(document).gates
    code, lines = in_terminal(["run", "--all"], columns, repo)
    assert code == 0, "\n".join(lines)
    for gate in gates:
        row = [line for line in lines if line.startswith(f"{gate.workstream} {gate.gate} ")]
        if columns >= 200:  # the table's row: "│ 1.1 │ tests │ PASS │ ..."
            row = [
                line for line in lines if re.match(rf"│ {gate.workstream} +│ {gate.gate} ", line)
            ]
        assert row, f"no line names {gate.workstream} {gate.gate}:\n" + "\n".join(lines)
        for metric in SHOWN[gate.gate]:
            token = f"{metric}={gate.metrics[metric]:g}"
            assert any(token in line for line in row), f"{token} broken:\n" + "\n".join(lines)
    if columns >= 200:  # wide enough: the table itself
        assert any("Gate results" in line for line in lines)
        assert all(len(line) <= columns for line in lines if line[:1] in "┃┏┡│└")


def test_bench_figures_stay_whole_on_a_narrow_terminal(repo: Path) -> None:
    code, lines = in_terminal(["bench", "1.1", "--no-pairs"], 60, REPO)
    assert code == 0, "\n".join(lines)
    rows = [line for line in lines if line.startswith("1.1 ")]
    assert len(rows) >= 3
    for row in rows:
        assert re.search(r"\bcycles=[\d,]+\b", row), row
        assert re.search(r"\bcompile_s=\d+\.\d\d\b", row), row
    assert any(re.match(r"\[1/1\] 1\.1: \d+ shapes, 0 pairs", line) for line in lines)


def test_run_json_is_one_document_with_every_gate(repo: Path) -> None:
    code, document = json_of(["run", "--all", "--json"])
    assert code == 0
    out = RunOutput.model_validate_json(document)
    assert (out.passed, out.failed) == (3, 0)
    assert {(g.workstream, g.gate) for g in out.gates} == {
        ("1.1", "tests"),
        ("1.1", "docs"),
        ("1.2", "build"),
    }
    assert next(g for g in out.gates if g.gate == "tests").metrics["passed"] == 2
    assert all((repo / g.evidence).is_file() for g in out.gates)


def test_a_failing_run_still_prints_its_document_and_exits_1(repo: Path) -> None:
    (repo / "tests" / "test_add.py").write_text("def test_one():\n    assert False\n")
    code, document = json_of(["run", "1.1", "--json", "--no-cache"])
    assert code == 1
    tests = next(g for g in RunOutput.model_validate_json(document).gates if g.gate == "tests")
    assert not tests.passed and tests.failures


def test_status_json_lists_every_workstream_and_gate(repo: Path) -> None:
    json_of(["run", "--all"])
    code, document = json_of(["status", "--json"])
    assert code == 0
    out = StatusOutput.model_validate_json(document)
    assert sorted(out.wrote) == ["status/DASHBOARD.md", "status/PHASES.md"]
    states = {w.id: (w.state, [g.state for g in w.gates]) for w in out.workstreams}
    assert states == {"1.1": ("done", ["PASS", "PASS"]), "1.2": ("done", ["PASS"])}
    code, document = json_of(["status", "--check", "--json"])
    assert code == 0 and StatusOutput.model_validate_json(document).up_to_date is True


def test_next_json_says_what_would_be_claimed_and_what_is_claimed(repo: Path) -> None:
    code, document = json_of(["next", "--dry-run", "--json"])
    assert code == 0
    preview = NextOutput.model_validate_json(document)
    assert (preview.would_claim, [r.id for r in preview.ready]) == ("1.1", ["1.1"])
    code, document = json_of(["next", "--agent", "a1", "--json"])
    assert code == 0
    claimed = NextOutput.model_validate_json(document).claimed
    assert claimed is not None and (claimed.workstream, claimed.holder) == ("1.1", "a1")
    assert claimed.secret and claimed.secret.startswith("ttws_")  # printed once: here


def test_bench_json_holds_the_figures_of_every_shape() -> None:
    code, document = json_of(["bench", "1.1", "--no-pairs", "--json"])
    assert code == 0
    out = BenchOutput.model_validate_json(document)
    assert out.shapes and not out.pairs
    assert all(s.example == "1.1" and s.cycles > 0 and s.tflops is None for s in out.shapes)
