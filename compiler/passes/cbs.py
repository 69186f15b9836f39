"""Pass `allocate_cbs`: every shared/fragment buffer becomes a circular buffer in L1, and every
global tensor written by the kernel gets a staging CB between compute and the writer.

- reader-fed buffers (destination of a global -> local copy): depth = `num_stages` of the
  enclosing `T.Pipelined` loop (1: single-buffered), else 2 (double buffering across blocks);
- compute-owned buffers (gemm accumulators, element-wise results): depth 1, they hold one value;
- output staging CBs: depth 2; temporaries for element-wise sub-expressions: one DST chunk;
- reductions: one bf16 scaler tile (all ones) the reader fills once (`reduce_tile` multiplies by it);
- index masks (`T.if_then_else` on indices): the reader writes one block of 1.0/0.0 tiles per
  evaluation, in DST's float format, double-buffered.
Indices follow tt-metal's habit: inputs from 0, outputs from 16, intermediates from 24 (and,
when those eight run out, the input and output indices left free)."""

from __future__ import annotations

from dataclasses import replace

from compiler.dtypes import DTYPES, dst_dtype
from compiler.errors import CompileError
from compiler.ir import (
    CB,
    BlockLoop,
    Copy,
    Eltwise,
    Gather,
    Loop,
    Program,
    Reduce,
    Stmt,
    expr_masks,
    walk,
)
from compiler.passes.eltwise import temps_needed
from compiler.targets import TILE

TILE_BYTES = {name: d.tile_bytes for name, d in DTYPES.items()}
OUTPUT_BASE, INTERMEDIATE_BASE, MAX_CB = 16, 24, 32
SCALER = "scaler"  # the CB's buffer name: no TileLang buffer, filled by the reader


def _reader_fed(program: Program, s: Copy | Gather) -> bool:
    """A local buffer the reader fills from DRAM: a global -> local copy, or a gather."""
    if isinstance(s, Gather):
        return True
    return bool(program.tensor(s.src.buffer) and program.buffer(s.dst.buffer))


def _reader_depths(
    stmts: tuple[Stmt, ...], stages: int, program: Program, out: dict[str, int]
) -> None:
    for s in stmts:
        if isinstance(s, Loop):
            _reader_depths(s.body, s.num_stages or stages, program, out)
        elif isinstance(s, BlockLoop):
            _reader_depths(s.body, stages, program, out)
        elif isinstance(s, Gather | Copy) and _reader_fed(program, s):
            local, tensor = (
                (program.buffer(s.dst), program.tensor(s.tensor))
                if isinstance(s, Gather)
                else (program.buffer(s.dst.buffer), program.tensor(s.src.buffer))
            )
            if local.dtype != tensor.dtype:
                raise CompileError(
                    "T.copy",
                    f"copy {tensor.name} ({tensor.dtype}) -> {local.name} ({local.dtype}) converts "
                    "dtype; the reader moves raw tiles, so declare the buffer as the tensor's dtype",
                    s.where,
                )
            out[local.name] = max(out.get(local.name, 0), stages)


def tiles(shape: tuple[int, ...]) -> int:
    return (shape[0] // TILE) * (shape[1] // TILE)


def allocate_cbs(program: Program) -> Program:
    assert program.target is not None
    reader_depth: dict[str, int] = {}
    _reader_depths(program.body, 2, program, reader_depth)
    written: dict[str, tuple[int, ...]] = {}
    temps = 0
    masks: list[tuple[str, int]] = []  # (mask, tiles of its block)
    for s in walk(program.body):
        if isinstance(s, Copy | Eltwise) and program.tensor(s.dst.buffer):
            if isinstance(s, Copy) and program.tensor(s.src.buffer):
                raise CompileError("T.copy", "global -> global copies are not supported", s.where)
            if written.setdefault(s.dst.buffer, s.dst.shape) != s.dst.shape:
                raise CompileError(
                    "T.copy", f"{s.dst.buffer} is written with different block shapes", s.where
                )
        computed = isinstance(s, Eltwise) or (
            isinstance(s, Copy) and not program.tensor(s.src.buffer)
        )
        if computed and program.buffer(s.dst.buffer) and s.dst.buffer in reader_depth:
            raise CompileError(
                "T.copy",
                f"{s.dst.buffer} is filled from DRAM and also written by compute; use two buffers",
                s.where,
            )
        if isinstance(s, Reduce) and s.dst in reader_depth:
            raise CompileError(
                "T.reduce", f"{s.dst} is filled from DRAM; reduce into a fragment", s.where
            )
        if isinstance(s, Eltwise):
            capacity = program.target.dst_tiles(program.fp32_dest_acc)
            temps = max(temps, temps_needed(s.expr, capacity))
            masks += [(m.name, tiles(s.dst.extent)) for m in expr_masks(s.expr)]

    cbs: list[CB] = []
    inputs = [b for b in program.buffers if b.name in reader_depth]
    owned = [b for b in program.buffers if b.name not in reader_depth]
    for i, b in enumerate(inputs):
        n = tiles(b.shape)
        cbs.append(CB(i, f"cb_{b.name}", b.name, b.dtype, n, n * reader_depth[b.name], "reader"))
    if any(isinstance(s, Reduce) for s in walk(program.body)):
        cbs.append(CB(len(inputs), f"cb_{SCALER}", SCALER, "bfloat16", 1, 1, "reader"))
    declared = {x.dtype for x in (*program.buffers, *program.tensors)}
    tmp_dtype = dst_dtype(declared, program.fp32_dest_acc)
    for name, n in masks:
        cbs.append(CB(len(cbs), f"cb_{name}", name, tmp_dtype, n, 2 * n, "reader"))
    for i, (name, extent) in enumerate(sorted(written.items())):
        n = tiles(extent)
        cbs.append(
            CB(
                OUTPUT_BASE + i,
                f"cb_{name}_out",
                name,
                program.tensor(name).dtype,
                n,
                2 * n,
                "compute",
            )
        )
    chunk = program.target.dst_tiles(program.fp32_dest_acc)
    intermediates = [(b.name, b.dtype, tiles(b.shape)) for b in owned]
    intermediates += [(f"tmp{i}", tmp_dtype, chunk) for i in range(temps)]
    # tt-metal's 32 CB indices are interchangeable: past 24..31, intermediates take the input
    # and output indices nothing uses (a flash-attention block holds ~10 compute buffers)
    taken = {c.index for c in cbs}
    free = [
        *range(INTERMEDIATE_BASE, MAX_CB),
        *(i for i in range(INTERMEDIATE_BASE) if i not in taken),
    ]
    if (
        sum(c.producer == "reader" for c in cbs) > OUTPUT_BASE
        or len(written) > INTERMEDIATE_BASE - OUTPUT_BASE
        or len(intermediates) > len(free)
    ):
        names = ", ".join(c.buffer for c in cbs) + ", " + ", ".join(n for n, _, _ in intermediates)
        raise CompileError(
            "allocate_cbs",
            f"the kernel needs {len(cbs) + len(intermediates)} circular buffers, more than "
            f"tt-metal's {MAX_CB} ({names}); use fewer local buffers",
        )
    for index, (name, dtype, n) in zip(free, intermediates, strict=False):
        cbs.append(CB(index, f"cb_{name}", name, dtype, n, n, "compute"))
    used = sum(c.num_pages * TILE_BYTES[c.dtype] for c in cbs)
    if used > program.target.l1_budget_bytes:
        detail = ", ".join(f"{c.buffer}: {c.num_pages} x {TILE_BYTES[c.dtype]} B" for c in cbs)
        raise CompileError(
            "allocate_cbs",
            f"circular buffers need {used} B of L1, over the {program.target.l1_budget_bytes} B "
            f"budget of {program.target.name} ({detail}); use smaller blocks or fewer stages",
        )
    return replace(program, cbs=tuple(cbs))
