"""`tt-ws bench [ID...]`: compile time, emulator wall time and modelled performance for every
shape of the registered examples, and generated ÷ hand-written modelled cycles for each pair;
`--report` writes the figures of one example as a `tt-ws.perf/1` report for a perf gate."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from orchestrator.console import console, guarded, print_table
from orchestrator.errors import TtWsError
from orchestrator.json_output import (
    BenchOutput,
    PairFigures,
    ShapeFigures,
    emit,
    messages_to_stderr,
)
from orchestrator.validate import check_writable

if TYPE_CHECKING:  # the benchmark pulls in torch and the compiler: only when it runs
    from compiler.perf.bench import PairBench, ShapeBench


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
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the figures as a tt-ws.bench/1 JSON document.")
    ] = False,
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
    with messages_to_stderr(as_json):
        for n, example_id in enumerate(ids, start=1):
            started = time.perf_counter()
            try:
                s, p = bench_example(example_id, pairs=pairs)
            except BenchError as exc:
                raise TtWsError(str(exc)) from None
            shapes += s
            measured += p
            console.print(
                f"[{n}/{len(ids)}] {example_id}: {len(s)} shapes, {len(p)} pairs "
                f"({time.perf_counter() - started:.1f} s)"
            )
        if as_json:
            emit(_document(shapes, measured))
        else:
            print_table(_shapes_table(shapes))
            if measured:
                print_table(_pairs_table(measured))
        if report is not None:
            body = {"schema": PERF_SCHEMA, "subject": ids[0], "metrics": metrics(shapes, measured)}
            try:
                report.parent.mkdir(parents=True, exist_ok=True)
                report.write_text(
                    json.dumps(body, indent=2, sort_keys=True) + "\n", encoding="utf-8"
                )
            except OSError as exc:
                raise TtWsError(f"{report}: cannot write the report ({exc.strerror})") from None
            console.print(f"wrote {report}")


def _document(shapes: list[ShapeBench], pairs: list[PairBench]) -> BenchOutput:
    def throughput(perf, value: float) -> float | None:
        return round(value, 3) if perf.flops else None

    return BenchOutput(
        shapes=[
            ShapeFigures(
                example=s.example,
                shape=s.shape,
                bottleneck=s.generated.perf.bottleneck,
                compile_s=round(s.generated.compile_s, 4),
                emulator_wall_s=round(s.generated.sim_wall_s, 4),
                cycles=s.generated.perf.cycles,
                device_us=round(s.generated.perf.seconds * 1e6, 3),
                tflops=throughput(s.generated.perf, s.generated.perf.tflops),
                pct_peak=throughput(s.generated.perf, s.generated.perf.pct_peak),
            )
            for s in shapes
        ],
        pairs=[
            PairFigures(
                example=p.example,
                pair=p.name,
                problem=p.problem,
                generated_cycles=p.generated.perf.cycles,
                hand_written_cycles=p.hand_written.perf.cycles,
                ratio=round(p.ratio, 4),
                generated_pct_peak=throughput(p.generated.perf, p.generated.perf.pct_peak),
                hand_written_pct_peak=throughput(p.hand_written.perf, p.hand_written.perf.pct_peak),
            )
            for p in pairs
        ],
    )


def register(app: typer.Typer) -> None:
    app.command("bench")(guarded(bench_command))
