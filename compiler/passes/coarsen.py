"""Pass `coarsen_blocks`: when every core would run several grid blocks, merge fx x fy
neighbouring blocks into one bigger block per core.

Each block of a GEMM reads its own panels of A and B from DRAM; a core running four 128x128
blocks one after another reads 4 A panels and 4 B panels, where one 256x256 block reads 2 of
each: half the DRAM traffic for the same work, which is what a hand-written matmul gets by
giving each core one block (docs/performance.md). The model shows GEMMs on many blocks per core
are DRAM-bound, so this is the waste that matters most.

The rewrite is exact only for programs whose blocks are windows of the global tensors: it fires
when every statement is a copy, fill, gemm or loop; every grid variable appears only as
`extent * var` in a global window of exactly one block's extent, copied whole to or from a local
buffer; and the merged buffers still fit in L1. Anything else is left as written.
"""

from __future__ import annotations

from dataclasses import replace
from math import prod

from compiler.errors import CompileError
from compiler.ir import Affine, Copy, Fill, Gemm, Loop, Program, Region, Stmt, walk
from compiler.passes.cbs import allocate_cbs

# (local buffer, dim) -> the grid variable whose blocks that dim spans
Tags = dict[tuple[str, int], str]


def _block_dims(program: Program, copy: Copy, grid: set[str]) -> tuple[str, dict[int, str]] | None:
    """(local buffer, {dim: grid variable}) of a copy moving one block's window of a global tensor
    to or from a whole local buffer; None when the copy is anything else."""
    glob, local = (copy.src, copy.dst) if program.tensor(copy.src.buffer) else (copy.dst, copy.src)
    buf = program.buffer(local.buffer)
    if buf is None or program.tensor(glob.buffer) is None or len(glob.start) != len(local.start):
        return None
    if any(s != Affine.of(0) for s in local.start) or local.extent != buf.shape:
        return None
    dims: dict[int, str] = {}
    for d, (start, extent) in enumerate(zip(glob.start, glob.extent, strict=True)):
        used = [v for v, _ in start.terms if v in grid]
        if len(used) > 1 or (used and start.coeff(used[0]) != extent):
            return None
        if used:
            dims[d] = used[0]
    return buf.name, dims


def _tags(program: Program) -> Tags | None:
    """Which local dims follow which grid variable, when every copy agrees; None otherwise."""
    grid = {v for v, _ in program.grid}
    per_copy = []
    for s in walk(program.body):
        if isinstance(s, Copy):
            found = _block_dims(program, s, grid)
            if found is None:
                return None
            per_copy.append(found)
        elif not isinstance(s, Fill | Gemm | Loop):
            return None
    tags: Tags = {(buf, d): v for buf, dims in per_copy for d, v in dims.items()}
    # every copy of a buffer must move block windows along exactly the buffer's tagged dims
    for buf, dims in per_copy:
        if dims != {d: v for (b, d), v in tags.items() if b == buf}:
            return None
    return tags


def _scale_start(start: Affine, factor: dict[str, int]) -> Affine:
    var = next((v for v, _ in start.terms if v in factor), None)
    if var is None:
        return start
    return start.without(var) + Affine(((var, start.coeff(var) * factor[var]),))


def _scale_region(r: Region, dims: dict[int, int], factor: dict[str, int]) -> Region:
    start = tuple(_scale_start(s, factor) for s in r.start)
    extent = tuple(e * dims.get(d, 1) for d, e in enumerate(r.extent))
    return Region(r.buffer, start, extent)


def _rewrite(program: Program, tags: Tags, factor: dict[str, int]) -> Program:
    dims: dict[str, dict[int, int]] = {}
    for (buf, d), var in tags.items():
        dims.setdefault(buf, {})[d] = factor[var]

    def copy(c: Copy) -> Copy:
        local = c.dst.buffer if program.buffer(c.dst.buffer) else c.src.buffer
        scale = dims.get(local, {})
        return replace(
            c, src=_scale_region(c.src, scale, factor), dst=_scale_region(c.dst, scale, factor)
        )

    def stmts(body: tuple[Stmt, ...]) -> tuple[Stmt, ...]:
        return tuple(
            copy(s)
            if isinstance(s, Copy)
            else replace(s, body=stmts(s.body))
            if isinstance(s, Loop)
            else s
            for s in body
        )

    buffers = tuple(
        replace(b, shape=tuple(n * dims.get(b.name, {}).get(d, 1) for d, n in enumerate(b.shape)))
        for b in program.buffers
    )
    grid = tuple((v, n // factor[v]) for v, n in program.grid)
    return replace(program, buffers=buffers, grid=grid, body=stmts(program.body))


def _gemms_fit(program: Program) -> bool:
    for s in walk(program.body):
        if isinstance(s, Gemm):
            a, b, c = (program.buffer(n).shape for n in (s.a, s.b, s.c))
            k_b, n_b = (b[1], b[0]) if s.trans_b else b
            if a[0] != c[0] or n_b != c[1] or a[1] != k_b:
                return False
    return True


def _candidates(program: Program) -> list[dict[str, int]]:
    """Merge factors per grid variable that still give every core a block, most merged first
    (square merges before long ones)."""
    assert program.target is not None
    cores = program.target.num_cores
    (vx, gx), (vy, gy) = program.grid
    pairs = [
        (fx, fy)
        for fx in range(1, gx + 1)
        for fy in range(1, gy + 1)
        if gx % fx == 0 and gy % fy == 0 and (fx, fy) != (1, 1)
        if (gx // fx) * (gy // fy) >= cores
    ]
    pairs.sort(key=lambda f: (-f[0] * f[1], abs(f[0] - f[1])))
    return [{vx: fx, vy: fy} for fx, fy in pairs]


def coarsen_blocks(program: Program) -> Program:
    if len(program.grid) != 2 or prod(n for _, n in program.grid) <= program.target.num_cores:
        return program
    tags = _tags(program)
    if not tags:
        return program
    for factor in _candidates(program):
        merged = _rewrite(program, tags, factor)
        if not _gemms_fit(merged):
            continue
        try:
            allocate_cbs(merged)  # the merged buffers must fit the L1 budget
        except CompileError:
            continue
        return merged
    return program
