"""`tt-ws sim path.py:kernel` (or an artifact directory): compile if needed, run on the Metalium
emulator (or `--backend ttnn`: a Tenstorrent device) with seeded random inputs, print the outputs'
statistics and the emulator's report."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from orchestrator.commands.compile import ArgsOpt, DumpIrOpt, TargetOpt, compile_kernel
from orchestrator.console import console, guarded, print_table
from orchestrator.errors import TtWsError

if TYPE_CHECKING:  # the compiler pulls in tilelang and torch: only when the command runs
    from compiler.api import Artifact


def _load_artifact(directory: Path) -> Artifact:
    from pydantic import ValidationError

    from compiler.api import PLAN_FILE, Artifact

    if not (directory / PLAN_FILE).is_file():
        raise TtWsError(
            f"{directory}: no {PLAN_FILE}, so not a compiled artifact — compile one with "
            "`tt-ws compile PATH.py:NAME --out DIR`, or pass PATH.py:NAME"
        )
    try:
        return Artifact.load(directory)
    except (ValidationError, UnicodeDecodeError) as exc:
        raise TtWsError(
            f"{directory / PLAN_FILE}: not a plan tt-ws wrote ({type(exc).__name__}) — "
            "compile the kernel again"
        ) from None


def sim_command(
    kernel: Annotated[
        str,
        typer.Argument(
            metavar="PATH.py:NAME|ARTIFACT_DIR", help="A kernel or a compiled artifact."
        ),
    ],
    arg: ArgsOpt = [],  # noqa: B006  (typer reads the default; never mutated)
    target: TargetOpt = "wormhole_n150",
    seed: Annotated[int, typer.Option(help="Seed of the random inputs.")] = 0,
    dump_ir: DumpIrOpt = None,
    backend: Annotated[
        str, typer.Option(help="sim: the Metalium emulator; ttnn: a Tenstorrent device.")
    ] = "sim",
) -> None:
    """Run a kernel on the emulator (or a device) with random inputs and show what happened."""
    import torch

    from compiler.api import BACKENDS, Launches
    from compiler.backends.sim import TORCH_DTYPES, execute
    from compiler.errors import BackendError
    from compiler.sim import SimError

    if backend not in BACKENDS:
        raise TtWsError(f"unknown backend {backend!r}; available: {', '.join(BACKENDS)}")

    if Path(kernel).is_dir():
        artifact = _load_artifact(Path(kernel))
    else:
        artifact = compile_kernel(kernel, arg, target, dump_ir)
    if isinstance(artifact, Launches):
        raise TtWsError(
            f"{kernel}: {len(artifact.artifacts)} T.Kernel launches; `tt-ws sim` runs one program: "
            "run them in order with compiler.run(compiler.compile(func), ...) from Python"
        )
    plan = artifact.plan
    gen = torch.Generator().manual_seed(seed)
    inputs = [
        torch.randn(b.host_shape, generator=gen).to(TORCH_DTYPES[b.dtype]) for b in plan.inputs()
    ]
    if backend == "ttnn":
        from compiler.backends import ttnn as hardware

        try:
            started = time.perf_counter()
            run = hardware.execute(artifact, inputs)
        except BackendError as exc:
            raise TtWsError(f"{kernel}: {exc}") from None
        console.print(
            f"ran {escape(plan.name)} on {len(plan.cores)} cores of a {plan.target} device "
            f"in {time.perf_counter() - started:.3f} s (including kernel builds and transfers)"
        )
    else:
        try:
            run = execute(artifact, inputs)
        except SimError as exc:
            raise TtWsError(f"{kernel}: the emulator stopped: {exc}") from None
        report = run.report
        balanced = all(s.pages_pushed == s.pages_popped for s in report.cb_stats.values())
        console.print(
            f"ran {escape(plan.name)} on {len(plan.cores)} emulated {plan.target} cores in {report.wall_s:.3f} s "
            f"(kernel compile {report.compile_s:.2f} s); CB traffic {'balanced' if balanced else 'UNBALANCED'}"
        )
    table = Table(title="Outputs")
    for column in ("Tensor", "Shape", "dtype", "mean", "std", "max |x|"):
        table.add_column(column)
    for b, out in zip(plan.outputs(), run.outputs, strict=True):
        x = out.float()
        table.add_row(
            b.name,
            str(tuple(out.shape)),
            b.dtype,
            f"{x.mean():.4g}",
            f"{x.std():.4g}",
            f"{x.abs().max():.4g}",
        )
    print_table(table)


def register(app: typer.Typer) -> None:
    app.command("sim")(guarded(sim_command))
