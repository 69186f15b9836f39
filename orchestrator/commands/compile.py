"""`tt-ws compile path.py:kernel --out DIR`: TileLang kernel -> reader/compute/writer C++ and
tt.plan.json (the compiler's public API behind a thin command)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from orchestrator.console import console, guarded
from orchestrator.errors import TtWsError

if TYPE_CHECKING:  # the compiler pulls in tilelang and torch: only when a command runs
    from compiler.errors import CompileError

KernelArg = Annotated[
    str, typer.Argument(metavar="PATH.py:NAME", help="A PrimFunc or a builder of one.")
]
ArgsOpt = Annotated[
    list[str], typer.Option("--arg", help="Builder argument KEY=VALUE (repeatable).")
]
DumpIrOpt = Annotated[
    Path | None, typer.Option("--dump-ir", help="Write the IR after every pass here.")
]
TargetOpt = Annotated[str, typer.Option(help="wormhole_n150 (8x8) or blackhole_p150 (13x10).")]


def compile_kernel(kernel: str, args: list[str], target: str, dump_ir: Path | None = None):
    """Shared by `compile` and `sim`: CompileError becomes a clean user error."""
    import compiler
    from compiler.errors import CompileError
    from compiler.loader import load_kernel, parse_args

    try:
        func = load_kernel(kernel, parse_args(args))
        name = kernel.rpartition(":")[2]
        return compiler.compile(func, target=target, dump_ir=dump_ir, name=name)
    except CompileError as exc:
        raise TtWsError(_located(kernel, exc)) from None


def _located(kernel: str, exc: CompileError) -> str:
    """`file:line: op: reason`: the source line the error names, else the kernel's file."""
    location, _, detail = (exc.where or "").partition(", ")
    if not re.fullmatch(r".+\.py(:\d+)?", location):
        location, detail = kernel.rpartition(":")[0] or kernel, exc.where or ""
    return f"{location}: {exc.op}: {exc.reason}" + (f" ({detail})" if detail else "")


def compile_command(
    kernel: KernelArg,
    out: Annotated[Path, typer.Option("--out", help="Directory for the artifacts.")],
    arg: ArgsOpt = [],  # noqa: B006  (typer reads the default; never mutated)
    target: TargetOpt = "wormhole_n150",
    dump_ir: DumpIrOpt = None,
) -> None:
    """Compile a TileLang kernel to Metalium C++ kernels and tt.plan.json."""
    from compiler.api import Launches

    compiled = compile_kernel(kernel, arg, target, dump_ir)
    # several T.Kernel scopes: one artifact per launch, in out/launch<i>/
    launches = compiled.artifacts if isinstance(compiled, Launches) else (compiled,)
    compiled.write(out)
    for i, artifact in enumerate(launches):
        directory = out / f"launch{i}" if len(launches) > 1 else out
        plan = artifact.plan
        console.print(
            f"compiled {escape(kernel)} for {plan.target}: {plan.num_blocks} blocks on {len(plan.cores)} cores, "
            f"{len(plan.cbs)} CBs -> {escape(str(directory))}"
        )
        for name in sorted([*artifact.sources, "tt.plan.json"]):
            console.print(f"  {escape(str(directory / name))}")
    if dump_ir is not None:
        console.print(f"IR after every pass in {escape(str(dump_ir))}")


def register(app: typer.Typer) -> None:
    app.command("compile")(guarded(compile_command))
