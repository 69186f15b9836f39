"""Hand-written reference programs, in the style of tt-metal's programming examples, run under
the same model as generated code so that "generated / hand-written cycles" means something.

- `gemm`: matmul_multicore_reuse — each core computes bm x bn output tiles of C, streaming
  bm x bk blocks of A and bk x bn blocks of B (every tile read feeds several matmuls), partial
  sums in DST per subblock, spilled to an fp32 CB between K blocks, packed straight to the output
  on the last one (kernels in `compiler/perf/kernels/`).
- `eltwise_add`: tt-metal's eltwise binary example (`compiler/sim/reference_kernels`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from compiler.sim import (
    Buffer,
    DataFormat,
    Device,
    Program,
    tensor_accessor_args,
    tile_size,
    untilize,
)
from compiler.sim.errors import ConfigError
from compiler.sim.program import CoreCoord
from compiler.sim.reference_programs import Result, eltwise_binary, split_work, upload

KERNELS = Path(__file__).resolve().parent / "kernels"
CB_A, CB_B, CB_OUT, CB_PARTIAL = 0, 1, 16, 24
TILE = 32


def _divisor_at_most(n: int, limit: int) -> int:
    return max(d for d in range(1, min(n, limit) + 1) if n % d == 0)


def subblock(bm: int, bn: int, dst_tiles: int) -> tuple[int, int]:
    """The output subblock (h, w): the most tiles that fit DST and divide the block, squarest
    first (tt-metal's hosts pick from a table in the same spirit)."""
    shapes = [
        (h, w)
        for h in range(1, dst_tiles + 1)
        for w in range(1, dst_tiles // h + 1)
        if bm % h == 0 and bn % w == 0
    ]
    return max(shapes, key=lambda s: (s[0] * s[1], -abs(s[0] - s[1])))


def gemm_grid_blocks(mt: int, nt: int, grid: tuple[int, int]) -> tuple[int, int]:
    """Per-core block (bm, bn) in tiles as matmul_multicore_reuse's host chooses it: the output
    split evenly over the grid's rows and columns (the largest even split when it does not
    divide)."""
    gx, gy = grid
    return mt // _divisor_at_most(mt, gy), nt // _divisor_at_most(nt, gx)


@dataclass(frozen=True)
class _Gemm:
    """What both GEMM references share: buffers, blocking, CBs and the compute kernel."""

    program: Program
    a: Buffer
    b: Buffer
    out: Buffer
    kt: int
    nt: int
    bm: int
    bn: int
    bk: int
    sub: tuple[int, int]
    grid: tuple[int, int]
    shares: list[tuple[CoreCoord, int, int]]  # (core, first block, blocks)


def _gemm(
    dev: Device,
    a: np.ndarray,
    b: np.ndarray,
    grid: tuple[int, int] | None,
    bk: int,
    fp32_acc: bool,
    math_fidelity: str,
) -> _Gemm:
    fmt = DataFormat.Float16_b
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[0]:
        raise ConfigError(f"gemm: shapes {a.shape} @ {b.shape} do not multiply")
    if any(s % TILE for s in (*a.shape, b.shape[1])):
        raise ConfigError(f"gemm: sides must be multiples of {TILE}, got {a.shape} @ {b.shape}")
    mt, kt, nt = a.shape[0] // TILE, a.shape[1] // TILE, b.shape[1] // TILE
    gx, gy = grid or dev.grid
    bm, bn = gemm_grid_blocks(mt, nt, (gx, gy))
    bk = _divisor_at_most(kt, bk)
    sub_h, sub_w = subblock(bm, bn, 4 if fp32_acc else 8)
    cores: list[CoreCoord] = [(x, y) for y in range(gy) for x in range(gx)]
    shares = split_work((mt // bm) * (nt // bn), cores)
    used = [core for core, _, _ in shares]
    buf_a, buf_b = upload(dev, a, fmt), upload(dev, b, fmt)
    out = dev.create_buffer(mt * nt * tile_size(fmt), tile_size(fmt))
    p = Program()
    p.add_circular_buffer(used, CB_A, tile_size(fmt), 2 * bm * bk, fmt)
    p.add_circular_buffer(used, CB_B, tile_size(fmt), 2 * bk * bn, fmt)
    p.add_circular_buffer(used, CB_OUT, tile_size(fmt), 2 * sub_h * sub_w, fmt)
    partial = DataFormat.Float32 if fp32_acc else fmt
    p.add_circular_buffer(used, CB_PARTIAL, tile_size(partial), bm * bn, partial)
    compute = p.add_kernel(
        KERNELS / "compute_matmul_blocked.cpp",
        used,
        "compute",
        fp32_dest_acc_en=fp32_acc,
        math_fidelity=math_fidelity,
        # as tt-metal's fp32-accumulating matmul: partials reload into DST without srcA's tf32
        unpack_to_dest_fp32=(CB_PARTIAL,) if fp32_acc else (),
    )
    for core, _, count in shares:
        p.set_runtime_args(compute, core, [bm, bn, bk, kt, sub_h, sub_w, count])
    return _Gemm(p, buf_a, buf_b, out, kt, nt, bm, bn, bk, (sub_h, sub_w), (gx, gy), shares)


def _finish_gemm(dev: Device, g: _Gemm, shape: tuple[int, int]) -> Result:
    report = dev.run(g.program)
    return Result(untilize(dev.read_buffer(g.out), shape, DataFormat.Float16_b), report)


def gemm(
    dev: Device,
    a: np.ndarray,
    b: np.ndarray,
    grid: tuple[int, int] | None = None,
    bk: int = 2,
    fp32_acc: bool = True,
    math_fidelity: str = "HiFi4",
) -> Result:
    """a @ b in bf16 (fp32 accumulation by default, as TileLang's `accum_dtype="float"`), each
    core reading its own blocks of A and B from DRAM (matmul_multicore_reuse)."""
    g = _gemm(dev, a, b, grid, bk, fp32_acc, math_fidelity)
    p, used = g.program, [core for core, _, _ in g.shares]
    reader = p.add_kernel(
        KERNELS / "reader_matmul_blocked.cpp",
        used,
        "reader",
        compile_args=tensor_accessor_args(g.a) + tensor_accessor_args(g.b),
    )
    writer = p.add_kernel(
        KERNELS / "writer_matmul_blocked.cpp",
        used,
        "writer",
        compile_args=tensor_accessor_args(g.out),
    )
    for core, start, count in g.shares:
        blocking = [g.kt, g.nt, g.bm, g.bn, g.bk, start, count]
        p.set_runtime_args(reader, core, [g.a.address, g.b.address, *blocking])
        p.set_runtime_args(writer, core, [g.out.address, g.nt, g.bm, g.bn, *g.sub, start, count])
    return _finish_gemm(dev, g, (a.shape[0], b.shape[1]))


def gemm_mcast(
    dev: Device,
    a: np.ndarray,
    b: np.ndarray,
    grid: tuple[int, int] | None = None,
    bk: int = 2,
    fp32_acc: bool = True,
    math_fidelity: str = "HiFi4",
) -> Result:
    """a @ b with one block per core and A/B blocks multicast along grid rows/columns from the
    cores of column/row 0 (matmul_multicore_reuse_mcast): every tile leaves DRAM once."""
    g = _gemm(dev, a, b, grid, bk, fp32_acc, math_fidelity)
    gx, gy = g.grid
    mt = a.shape[0] // TILE
    if g.bm * gy != mt or g.bn * gx != g.nt:
        raise ConfigError(
            f"gemm_mcast needs one block per core: {mt}x{g.nt} tiles do not split evenly over "
            f"the {gx}x{gy} grid"
        )
    p, cores = g.program, [core for core, _, _ in g.shares]
    kernel = KERNELS / "dataflow_matmul_mcast.cpp"
    in0 = p.add_kernel(kernel, cores, "reader", compile_args=tensor_accessor_args(g.a))
    in1 = p.add_kernel(
        kernel,
        cores,
        "writer",
        compile_args=tensor_accessor_args(g.b) + tensor_accessor_args(g.out),
        defines={"WRITE_OUTPUT": ""},
    )
    sems = [p.add_semaphore(cores, 0) for _ in range(4)]  # in0 ready/valid, in1 ready/valid
    k_blocks = g.kt // g.bk
    for x, y in cores:
        m0, n0 = y * g.bm, x * g.bn
        sender0, sender1 = dev.worker_core((0, y)), dev.worker_core((x, 0))
        row = (*dev.worker_core((1, y)), *dev.worker_core((gx - 1, y)))
        column = (*dev.worker_core((x, 1)), *dev.worker_core((x, gy - 1)))
        a_block = [m0 * g.kt, g.kt, g.bm, g.bk, g.bk, k_blocks]
        b_block = [n0, g.nt, g.bk, g.bn, g.bk * g.nt, k_blocks]
        p.set_runtime_args(
            in0, (x, y), [g.a.address, *a_block, x == 0, *sender0, *row, gx - 1, *sems[:2]]
        )
        output = [g.out.address, g.nt, m0, n0, g.bm, g.bn, *g.sub]
        p.set_runtime_args(
            in1,
            (x, y),
            [g.b.address, *b_block, y == 0, *sender1, *column, gy - 1, *sems[2:], *output],
        )
    return _finish_gemm(dev, g, (a.shape[0], b.shape[1]))


def eltwise_add(dev: Device, a: np.ndarray, b: np.ndarray) -> Result:
    """a + b over the whole grid with tt-metal's eltwise binary example kernels."""
    gx, gy = dev.grid
    return eltwise_binary(dev, a, b, "add", cores=((0, 0), (gx - 1, gy - 1)))
