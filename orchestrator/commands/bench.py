"""`tt-ws bench [ID...]`: compile time, emulator wall time and modelled performance for every
shape of the registered examples, and generated ÷ hand-written modelled cycles for each pair;
`--report` writes the figures of one example as a `tt-ws.perf/1` report for a perf gate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from orchestrator.console import console, guarded
from orchestrator.errors import TtWsError
from orchestrator.validate import check_writable

if TYPE_CHECKING:  # the benchmark pulls in torch and the compiler: only when it runs
    from compiler.perf.bench import PairBench, ShapeBench

TABLE_WIDTH = 110


def _table(title: str, columns: tuple[str, ...], text_columns: int) -> Table:
    table = Table(title=title)
    for i, column in enumerate(columns):
        # the first column names the row: never cut it
        table.add_column(column, justify="left" if i < text_columns else "right", no_wrap=i == 0)
    return table


def _shapes_table(shapes: list[ShapeBench]) -> Table:
    table = _table(
        "Examples on WH n150 (modelled; % of the matmul peak at the kernel's fidelity)",
        ("Kernel", "Bound", "Compile s", "Emu s", "Cycles", "µs", "TFLOPS", "% peak"),
        2,
    )
    for s in shapes:
        p = s.generated.perf
        table.add_row(
            f"{s.example} {s.shape}",
            p.bottleneck,
            f"{s.generated.compile_s:.2f}",
            f"{s.generated.sim_wall_s:.2f}",
            f"{p.cycles:,}",
            f"{p.seconds * 1e6:.1f}",
            f"{p.tflops:.1f}" if p.flops else "-",
            f"{p.pct_peak:.1f}" if p.flops else "-",
        )
    return table


def _pairs_table(pairs: list[PairBench]) -> Table:
    table = _table(
        "Generated ÷ hand-written, modelled cycles (GEMMs at HiFi2; _bh: Blackhole p150)",
        ("Pair", "Bound", "Generated", "Hand", "Ratio", "Gen %pk", "Hand %pk"),
        2,
    )
    for p in pairs:
        g, h = p.generated.perf, p.hand_written.perf
        table.add_row(
            f"{p.example} {p.name}",
            f"{g.bottleneck[0]}/{h.bottleneck[0]}",
            f"{g.cycles:,}",
            f"{h.cycles:,}",
            f"{p.ratio:.2f}",
            f"{g.pct_peak:.1f}" if g.flops else "-",
            f"{h.pct_peak:.1f}" if h.flops else "-",
        )
    table.caption = "Bound: r reader, c compute, w writer (generated/hand-written)"
    return table


def bench_command(
    examples: Annotated[
        list[str] | None,
        typer.Argument(metavar="[ID]...", help="Examples to benchmark (default: every one)."),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(help="Write the figures of the one example as a tt-ws.perf/1 report."),
    ] = None,
    pairs: Annotated[
        bool, typer.Option(help="Also run the generated-vs-hand-written pairs.")
    ] = True,
) -> None:
    """Benchmark examples on the emulator's cycle-approximate model."""
    from compiler.examples import MODULES
    from compiler.perf.bench import PERF_SCHEMA, BenchError, bench_example, metrics

    ids = examples or sorted(MODULES)
    unknown = [i for i in ids if i not in MODULES]
    if unknown:
        raise TtWsError(
            f"no example {', '.join(unknown)} to benchmark; registered: {', '.join(sorted(MODULES))}"
        )
    if report is not None and len(ids) != 1:
        raise TtWsError("--report writes the figures of one example: name exactly one ID")
    if report is not None:
        check_writable(report, "the --report")
    shapes: list[ShapeBench] = []
    measured: list[PairBench] = []
    for example_id in ids:
        try:
            s, p = bench_example(example_id, pairs=pairs)
        except BenchError as exc:
            raise TtWsError(str(exc)) from None
        shapes += s
        measured += p
    # the tables are wider than an 80-column pipe: widen rather than cut numbers
    narrow = console.width
    console.width = max(narrow, TABLE_WIDTH)
    try:
        console.print(_shapes_table(shapes))
        if measured:
            console.print(_pairs_table(measured))
    finally:
        console.width = narrow
    if report is not None:
        report.parent.mkdir(parents=True, exist_ok=True)
        body = {"schema": PERF_SCHEMA, "subject": ids[0], "metrics": metrics(shapes, measured)}
        report.write_text(json.dumps(body, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        console.print(f"wrote {report}")


def register(app: typer.Typer) -> None:
    app.command("bench")(guarded(bench_command))
