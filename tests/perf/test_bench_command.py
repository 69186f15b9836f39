"""`tt-ws bench`: prints the tables, writes a perf report a perf gate can read, and refuses what
it cannot do with a message naming the problem."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from orchestrator.cli import app
from orchestrator.gates.reports import PerfReport, read_report
from orchestrator.registry import Condition

runner = CliRunner()


def test_bench_writes_a_perf_report_with_the_pair_ratio(tmp_path: Path) -> None:
    path = tmp_path / "perf.json"
    result = runner.invoke(app, ["bench", "1.1", "--report", str(path)])
    assert result.exit_code == 0, result.output
    assert "Generated ÷ hand-written" in result.output and "add_1024" in result.output
    report = read_report(path, PerfReport, "1.1")
    metrics = report.metrics
    assert 0.5 < metrics["add_1024_ratio"] < 2.0
    assert metrics["add_1024_ratio"] == (
        metrics["add_1024_generated_cycles"] / metrics["add_1024_hand_written_cycles"]
    )
    assert metrics["one_block_cycles"] > 0 and metrics["many_blocks_per_core_sim_wall_s"] > 0
    # every metric can be named in a gate condition
    for name in metrics:
        assert Condition.model_validate(f"{name} >= 0").metric == name
    assert json.loads(path.read_text())["schema"] == "tt-ws.perf/1"


def test_bench_without_pairs_reports_only_the_shapes(tmp_path: Path) -> None:
    path = tmp_path / "perf.json"
    result = runner.invoke(app, ["bench", "1.2", "--no-pairs", "--report", str(path)])
    assert result.exit_code == 0, result.output
    assert not any("ratio" in m for m in read_report(path, PerfReport, "1.2").metrics)


def test_bench_names_an_unknown_example() -> None:
    result = runner.invoke(app, ["bench", "9.9"])
    assert result.exit_code == 1
    assert "no example 9.9 to benchmark; registered: 1.1, 1.2" in result.output


def test_a_report_is_about_one_example(tmp_path: Path) -> None:
    result = runner.invoke(app, ["bench", "1.1", "1.2", "--report", str(tmp_path / "p.json")])
    assert result.exit_code == 1
    assert "--report writes the figures of one example" in result.output
    assert not (tmp_path / "p.json").exists()
