"""The whole TT lowering as one straight list of named passes. `--dump-ir` writes the IR after
every pass as `NN-<pass>.txt`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from compiler.ir import Program, dump
from compiler.kernel_ir import ops as k
from compiler.kernel_ir.dump import dump_kernels
from compiler.kernel_ir.verify import verify
from compiler.passes.cbs import allocate_cbs
from compiler.passes.check import check_program
from compiler.passes.coarsen import coarsen_blocks
from compiler.passes.dst import manage_dst
from compiler.passes.formats import configure_formats
from compiler.passes.forward_outputs import forward_outputs
from compiler.passes.fuse import fuse_matvec
from compiler.passes.layout import plan_layout
from compiler.passes.persistent import make_persistent
from compiler.passes.schedule import infer_schedule
from compiler.passes.split import split_kernels
from compiler.passes.stage_globals import stage_globals
from compiler.passes.target import attach_target
from compiler.passes.tensorize import tensorize
from compiler.targets import Target


def passes(target: Target, coarsen: bool = True) -> list[tuple[str, Callable]]:
    """`coarsen=False` keeps the grid as written (one TileLang block per scheduled block)."""
    return [
        # sizes (grid, DST, L1) of everything below come from the target
        ("attach_target", lambda p: attach_target(p, target)),
        # the tile IR's spec (shapes of copies, regions in bounds, variables in scope)
        ("check_program", check_program),
        # Parallel loops over global tensors -> explicit copies, so only reader/writer touch DRAM
        ("stage_globals", stage_globals),
        # `X = expr; copy X -> G` with X used nowhere else -> `G = expr` (one CB round trip less)
        ("forward_outputs", forward_outputs),
        # several blocks per core -> one merged block per core: panels read once, not per block
        # (needs the target's grid and L1 budget; only for block-window copy/gemm programs)
        ("coarsen_blocks", lambda p: coarsen_blocks(p) if coarsen else p),
        # broadcast multiply + row sum -> one transposed matvec gemm (no product buffer)
        ("fuse_matvec", fuse_matvec),
        # blocks -> cores as contiguous ranges (needs the target's grid)
        ("infer_schedule", infer_schedule),
        # tensors -> padded DRAM tiles; rejects copies that are not tile-aligned
        ("plan_layout", plan_layout),
        # grid -> one persistent loop per core over its blocks (needs the schedule)
        ("make_persistent", make_persistent),
        # local buffers -> CBs sized by num_stages; checks the L1 budget
        ("allocate_cbs", allocate_cbs),
        # tile ops by operation analysis: reads, writes, matmul/eltwise blocks (needs CBs)
        ("tensorize", tensorize),
        # block ops -> DST sections in chunks that fit the DST (needs fp32-accumulation choice)
        ("manage_dst", manage_dst),
        # unpacker/packer data formats reconfigured where a CB's format differs (needs DST ops)
        ("configure_formats", configure_formats),
        # one op stream -> reader / compute / writer kernels
        ("split_kernels", split_kernels),
        # roles, CBs, DST lifecycle and bounds, CB traffic balance: before any C++ is written
        ("verify", verify),
    ]


def _text(ir: Program | k.Lowered) -> str:
    return dump(ir) if isinstance(ir, Program) else dump_kernels(ir)


def lower(
    program: Program,
    target: Target,
    stop_after: str | None = None,
    dump_dir: Path | None = None,
    coarsen: bool = True,
) -> Program | k.Lowered:
    """The IR after pass `stop_after` (default: after the whole pipeline)."""
    steps = passes(target, coarsen)
    if stop_after is not None and stop_after not in {name for name, _ in steps}:
        raise ValueError(f"no pass {stop_after!r}; passes: {', '.join(n for n, _ in steps)}")
    ir: Program | k.Lowered = program
    if dump_dir is not None:
        dump_dir.mkdir(parents=True, exist_ok=True)
        (dump_dir / "00-frontend.txt").write_text(_text(ir))
    for i, (name, run) in enumerate(steps, start=1):
        ir = run(ir)
        if dump_dir is not None:
            (dump_dir / f"{i:02d}-{name}.txt").write_text(_text(ir))
        if name == stop_after:
            break
    return ir


def run_pipeline(
    program: Program, target: Target, dump_dir: Path | None = None, coarsen: bool = True
) -> k.Lowered:
    ir = lower(program, target, dump_dir=dump_dir, coarsen=coarsen)
    assert isinstance(ir, k.Lowered)
    return ir
