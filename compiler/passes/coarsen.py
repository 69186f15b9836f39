"""Pass `coarsen_blocks`: merge fx x fy neighbouring grid blocks into one bigger block when the
emulator's cost model says the program gets faster.

Each block of a GEMM reads its own panels of A and B from DRAM; a core running four 128x128
blocks one after another reads 4 A panels and 4 B panels, where one 256x256 block reads 2 of
each: half the DRAM traffic for the same work, which is what a hand-written matmul gets by
giving each core one block (docs/performance.md). Without multicast, GEMMs on many blocks are
DRAM-bound, so this is the waste that matters most. Merging also costs: fewer blocks to spread
over the cores, more output tiles per core. `estimated_cycles` weighs both with the constants of
`compiler/sim/cost.py`; a merge must cut the estimate by a tenth.

The rewrite is exact only for programs whose blocks are windows of the global tensors: it fires
when every statement is a copy, fill, gemm or loop; every grid variable appears only as
`extent * var` in a global window of exactly one block's extent, copied whole to or from a local
buffer; and the merged buffers still fit in L1. Anything else is left as written.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from math import prod

from compiler.errors import CompileError
from compiler.ir import Affine, Copy, Fill, Gemm, Loop, Program, Region, Stmt, walk
from compiler.passes.cbs import TILE_BYTES, allocate_cbs
from compiler.sim.build import FIDELITY_PASSES
from compiler.sim.cost import cost_model
from compiler.targets import TILE

# A merge must cut the estimated time by at least this factor.
GAIN = 0.9
# (local buffer, dim) -> the grid variable whose blocks that dim spans
Tags = dict[tuple[str, int], str]


def _block_dims(program: Program, copy: Copy, grid: set[str]) -> tuple[str, dict[int, str]] | None:
    """(local buffer, {dim: grid variable}) of a copy moving one block's window of a global tensor
    to or from a whole local buffer; None when the copy is anything else."""
    glob, local = (copy.src, copy.dst) if program.tensor(copy.src.buffer) else (copy.dst, copy.src)
    buf = program.buffer(local.buffer)
    if buf is None or program.tensor(glob.buffer) is None or len(glob.start) != len(local.start):
        return None
    if glob.panel != Affine() or glob.panels != 1:
        return None  # panels of an N-D tensor: merged blocks would span several
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


def _gemms_agree(program: Program, tags: Tags) -> bool:
    """Every gemm's M rows follow the same grid variable in A and C, its N columns the same in B
    and C, and its K dim none: then merged blocks multiply what the separate blocks did."""
    for s in walk(program.body):
        if isinstance(s, Gemm):
            a_m, a_k = (1, 0) if s.trans_a else (0, 1)
            b_k, b_n = (1, 0) if s.trans_b else (0, 1)
            if (
                tags.get((s.a, a_m)) != tags.get((s.c, 0))
                or tags.get((s.b, b_n)) != tags.get((s.c, 1))
                or (s.a, a_k) in tags
                or (s.b, b_k) in tags
            ):
                return False
    return True


@dataclass
class _BlockCost:
    """What one block does, as the generated kernels do it."""

    moved: int = 0  # bytes between DRAM and L1
    read_waits: int = 0  # reader barriers (one per copy from DRAM)
    written_tiles: int = 0  # the writer waits for each output tile
    tile_macs: int = 0  # matmul_tiles calls


def _block_cost(program: Program) -> _BlockCost:
    cost = _BlockCost()

    def visit(stmts: tuple[Stmt, ...], times: int) -> None:
        for s in stmts:
            if isinstance(s, Loop):
                visit(s.body, times * s.extent)
            elif isinstance(s, Copy):
                reads = program.tensor(s.src.buffer) is not None
                glob = s.src if reads else s.dst
                elem = TILE_BYTES[program.tensor(glob.buffer).dtype] // (TILE * TILE)
                cost.moved += times * prod(glob.extent) * elem
                if reads:
                    cost.read_waits += times
                else:
                    cost.written_tiles += times * prod(glob.extent) // (TILE * TILE)
            elif isinstance(s, Gemm):
                (m, k), (_, n) = program.buffer(s.a).shape, program.buffer(s.c).shape
                cost.tile_macs += times * (m * n * k) // TILE**3

    visit(program.body, 1)
    return cost


def estimated_cycles(program: Program) -> float:
    """Modelled time of the program on its target, with the emulator's cost model
    (`compiler/sim/cost.py`): the slowest of the shared DRAM bandwidth, a core's data movement
    (its blocks' bytes through its NOC port, plus a DRAM round trip per barrier) and a core's
    math (per tile: a HiFi4 matmul and the partial-sum reload)."""
    model = cost_model(program.target.name)
    blocks = prod(n for _, n in program.grid)
    per_core = -(-blocks // program.target.num_cores)
    c = _block_cost(program)
    round_trip = model.dram_latency + model.dram_hops * model.hop_cycles
    movement = c.moved / model.link_bytes_per_cycle + (c.read_waits + c.written_tiles) * round_trip
    math = c.tile_macs * (model.matmul_lofi * FIDELITY_PASSES["HiFi4"] + model.datacopy)
    return max(blocks * c.moved / model.dram_bytes_per_cycle, per_core * movement, per_core * math)


def _merges(program: Program, tags: Tags) -> list[Program]:
    """Every merge of the grid whose buffers fit the L1 budget."""
    (vx, gx), (vy, gy) = program.grid
    found = []
    for fx in range(1, gx + 1):
        for fy in range(1, gy + 1):
            if gx % fx or gy % fy or (fx, fy) == (1, 1):
                continue
            merged = _rewrite(program, tags, {vx: fx, vy: fy})
            try:
                allocate_cbs(merged)  # the merged buffers must fit the L1 budget
            except CompileError:
                continue
            found.append(merged)
    return found


def coarsen_blocks(program: Program) -> Program:
    assert program.target is not None, "attach_target must run before coarsen_blocks"
    if len(program.grid) != 2 or program.derived:
        return program  # derived indices (by // heads) would not follow merged blocks
    if any(isinstance(s, Loop) and s.stop for s in walk(program.body)):
        return program  # a merged block would run one loop count for blocks that differ
    tags = _tags(program)
    if not tags or not _gemms_agree(program, tags):
        return program
    # merge only for a clear gain: the estimate ignores latencies that favour more cores
    best, best_cycles = program, GAIN * estimated_cycles(program)
    for merged in _merges(program, tags):
        cycles = estimated_cycles(merged)
        if cycles < best_cycles:
            best, best_cycles = merged, cycles
    return best
