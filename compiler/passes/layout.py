"""Pass `plan_layout`: every global tensor becomes DRAM-interleaved 32x32 tiles, zero-padded up
to whole tiles (an N-D tensor: its 2-D panels one after the other, each padded). Local buffers must be whole tiles and every global copy must start on a tile
boundary; a block that overhangs the tensor is zero-filled by the reader and clipped by the
writer (tile granularity; the host pads and crops the rest)."""

from __future__ import annotations

from dataclasses import replace

from compiler.errors import CompileError
from compiler.ir import Copy, Eltwise, Program, TensorLayout, walk
from compiler.targets import TILE


def _tiles(n: int) -> int:
    return -(-n // TILE)


def plan_layout(program: Program) -> Program:
    for buf in program.buffers:
        if any(d % TILE for d in buf.shape):
            raise CompileError(
                "alloc",
                f"{buf.scope} buffer {buf.name} has shape {list(buf.shape)}; Tensix tiles are "
                f"{TILE}x{TILE}, so block dimensions must be multiples of {TILE} (a block may "
                "overhang a ragged tensor's edge: round the block size up)",
            )
    for stmt in walk(program.body):
        if not isinstance(stmt, Copy | Eltwise):
            continue
        for region in (stmt.src, stmt.dst) if isinstance(stmt, Copy) else (stmt.dst,):
            if program.tensor(region.buffer) is None:
                continue
            bad = [str(s) for s in region.start if not s.divisible_by(TILE)]
            if bad or any(e % TILE for e in region.extent):
                raise CompileError(
                    "T.copy" if isinstance(stmt, Copy) else "T.Parallel",
                    f"global region {region} is not aligned to {TILE}x{TILE} tiles "
                    f"(start {', '.join(bad) or 'ok'}, extent {list(region.extent)})",
                    stmt.where,
                )
    layouts = tuple(
        TensorLayout(
            t.name,
            t.shape[0],
            t.shape[1],
            _tiles(t.shape[0]),
            _tiles(t.shape[1]),
            t.dtype,
            t.panels,
        )
        for t in program.tensors
    )
    return replace(program, layouts=layouts)
