"""Host programs for the reference kernels (compiler/sim/reference_kernels): element-wise binary,
SFPU unary, matmul, reduce and row softmax over any set of cores, numpy in and numpy out.

They are the emulator's own end-to-end examples (tests and benchmarks run them against torch) and
a template for host code: buffers, CBs, kernels, runtime args, run, read back.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from compiler.sim.device import Buffer, Device, RunReport, tensor_accessor_args
from compiler.sim.errors import ConfigError
from compiler.sim.formats import TILE, DataFormat, float_to_bf16_bits, tile_size, tilize, untilize
from compiler.sim.program import CoreCoord, CoreSpec, Program, expand_cores

KERNELS = Path(__file__).resolve().parent / "reference_kernels"
CB_IN0, CB_IN1, CB_SCALER, CB_OUT = 0, 1, 2, 16


@dataclass(frozen=True)
class Result:
    """The output matrix and the run's report."""

    output: np.ndarray
    report: RunReport


def split_work(n_units: int, cores: list[CoreCoord]) -> list[tuple[CoreCoord, int, int]]:
    """(core, start, count) giving each core a contiguous share of `n_units` (cores with no work
    are left out)."""
    base, extra = divmod(n_units, len(cores))
    shares, start = [], 0
    for i, core in enumerate(cores):
        count = base + (1 if i < extra else 0)
        if count:
            shares.append((core, start, count))
        start += count
    return shares


def upload(dev: Device, matrix: np.ndarray, fmt: DataFormat) -> Buffer:
    data = tilize(matrix, fmt)
    buf = dev.create_buffer(data.size, tile_size(fmt))
    dev.write_buffer(buf, data)
    return buf


def _tiles(shape: tuple[int, ...]) -> tuple[int, int]:
    if len(shape) != 2 or shape[0] % TILE or shape[1] % TILE:
        raise ConfigError(f"reference programs take 2-D shapes in multiples of {TILE}, got {shape}")
    return shape[0] // TILE, shape[1] // TILE


def _finish(
    dev: Device, program: Program, out: Buffer, shape: tuple[int, int], fmt: DataFormat, trace: int
) -> Result:
    report = dev.run(program, trace=trace)
    return Result(untilize(dev.read_buffer(out), shape, fmt), report)


def _add_io_cbs(
    program: Program,
    cores: list[CoreCoord],
    fmt: DataFormat,
    inputs: int,
    depth: int = 2,
    out_fmt: DataFormat | None = None,
) -> None:
    for cb in (CB_IN0, CB_IN1)[:inputs]:
        program.add_circular_buffer(cores, cb, tile_size(fmt), depth, fmt)
    out_fmt = fmt if out_fmt is None else out_fmt
    program.add_circular_buffer(cores, CB_OUT, tile_size(out_fmt), depth, out_fmt)


def eltwise_binary(
    dev: Device,
    a: np.ndarray,
    b: np.ndarray,
    op: str = "add",
    cores: CoreSpec = (0, 0),
    fmt: DataFormat = DataFormat.Float16_b,
    trace: int = 0,
    bcast: str | None = None,
) -> Result:
    """a OP b (op: add / sub / mul) with reader_binary + compute_binary + writer_unary; with
    `bcast` (cols / rows / scalar) b's column 0, row 0 or [0][0] is broadcast."""
    ht, wt = _tiles(a.shape)
    placed = expand_cores(cores)
    buf_a, buf_b = upload(dev, a, fmt), upload(dev, b, fmt)
    out = dev.create_buffer(buf_a.size, tile_size(fmt))
    shares = split_work(ht * wt, placed)
    used = [core for core, _, _ in shares]
    p = Program()
    _add_io_cbs(p, used, fmt, inputs=2)
    reader = p.add_kernel(
        KERNELS / "reader_binary.cpp",
        used,
        "reader",
        compile_args=tensor_accessor_args(buf_a) + tensor_accessor_args(buf_b),
    )
    calls = (
        (f"{op}_bcast_{bcast}_init", f"{op}_tiles_bcast_{bcast}")
        if bcast
        else (f"{op}_init", f"{op}_tiles")
    )
    compute = p.add_kernel(
        KERNELS / "compute_binary.cpp",
        used,
        "compute",
        defines={"BINARY_INIT": calls[0], "BINARY_TILES": calls[1]},
    )
    writer = p.add_kernel(
        KERNELS / "writer_unary.cpp", used, "writer", compile_args=tensor_accessor_args(out)
    )
    for core, start, count in shares:
        p.set_runtime_args(reader, core, [buf_a.address, buf_b.address, count, start])
        p.set_runtime_args(compute, core, [count])
        p.set_runtime_args(writer, core, [out.address, count, start])
    return _finish(dev, p, out, a.shape, fmt, trace)


def sfpu_unary(
    dev: Device,
    x: np.ndarray,
    op: str,
    cores: CoreSpec = (0, 0),
    fmt: DataFormat = DataFormat.Float16_b,
    include: str | tuple[str, ...] | None = None,
    fp32_dest_acc_en: bool = False,
    out_fmt: DataFormat | None = None,
    init: str | None = None,
    call: str | None = None,
) -> Result:
    """op(x) for an SFPU op named as in the API (`exp` -> exp_tile_init(); exp_tile(0)); `init`
    and `call` replace those statements (e.g. "typecast_tile<0, 5>(0)"); DST tile 0 holds the
    input and the result."""
    ht, wt = _tiles(x.shape)
    placed = expand_cores(cores)
    buf_x = upload(dev, x, fmt)
    out_fmt = fmt if out_fmt is None else out_fmt
    out = dev.create_buffer(ht * wt * tile_size(out_fmt), tile_size(out_fmt))
    shares = split_work(ht * wt, placed)
    used = [core for core, _, _ in shares]
    p = Program()
    _add_io_cbs(p, used, fmt, inputs=1, out_fmt=out_fmt)
    defines = {
        "SFPU_OP_INIT": init or f"{op}_tile_init()",
        "SFPU_OP": call or f"{op}_tile(0)",
    }
    headers = (include,) if isinstance(include, str) else include or ()
    for name, header in zip(("SFPU_OP_INCLUDE", "SFPU_OP_INCLUDE_2"), headers, strict=False):
        defines[name] = f'"{header}"'
    reader = p.add_kernel(
        KERNELS / "reader_unary.cpp", used, "reader", compile_args=tensor_accessor_args(buf_x)
    )
    compute = p.add_kernel(
        KERNELS / "compute_sfpu.cpp",
        used,
        "compute",
        defines=defines,
        fp32_dest_acc_en=fp32_dest_acc_en,
        # as tt-metal's unary program factory: fp32 input reaches the SFPU at full precision
        unpack_to_dest_fp32=(CB_IN0,) if fp32_dest_acc_en and fmt == DataFormat.Float32 else (),
    )
    writer = p.add_kernel(
        KERNELS / "writer_unary.cpp", used, "writer", compile_args=tensor_accessor_args(out)
    )
    for core, start, count in shares:
        p.set_runtime_args(reader, core, [buf_x.address, count, start])
        p.set_runtime_args(compute, core, [count])
        p.set_runtime_args(writer, core, [out.address, count, start])
    return _finish(dev, p, out, x.shape, out_fmt, trace=0)


def matmul(
    dev: Device,
    a: np.ndarray,
    b: np.ndarray,
    cores: CoreSpec = (0, 0),
    fmt: DataFormat = DataFormat.Float16_b,
    fp32_dest_acc_en: bool = False,
    cb_depth: int = 2,
    math_fidelity: str = "HiFi4",
) -> Result:
    """a @ b with reader_matmul + compute_matmul + writer_unary, output tiles split over cores."""
    mt, kt = _tiles(a.shape)
    kt_b, nt = _tiles(b.shape)
    if kt != kt_b:
        raise ConfigError(f"matmul: inner dimensions differ: {a.shape} @ {b.shape}")
    placed = expand_cores(cores)
    buf_a, buf_b = upload(dev, a, fmt), upload(dev, b, fmt)
    out = dev.create_buffer(mt * nt * tile_size(fmt), tile_size(fmt))
    shares = split_work(mt * nt, placed)
    used = [core for core, _, _ in shares]
    p = Program()
    _add_io_cbs(p, used, fmt, inputs=2, depth=cb_depth)
    reader = p.add_kernel(
        KERNELS / "reader_matmul.cpp",
        used,
        "reader",
        compile_args=tensor_accessor_args(buf_a) + tensor_accessor_args(buf_b),
    )
    compute = p.add_kernel(
        KERNELS / "compute_matmul.cpp",
        used,
        "compute",
        fp32_dest_acc_en=fp32_dest_acc_en,
        math_fidelity=math_fidelity,
    )
    writer = p.add_kernel(
        KERNELS / "writer_unary.cpp", used, "writer", compile_args=tensor_accessor_args(out)
    )
    for core, start, count in shares:
        p.set_runtime_args(reader, core, [buf_a.address, buf_b.address, mt, kt, nt, start, count])
        p.set_runtime_args(compute, core, [count, kt])
        p.set_runtime_args(writer, core, [out.address, count, start])
    return _finish(dev, p, out, (a.shape[0], b.shape[1]), fmt, trace=0)


_REDUCE_OPS = {"sum": "PoolType::SUM", "max": "PoolType::MAX"}
_REDUCE_DIMS = {
    "row": "ReduceDim::REDUCE_ROW",
    "col": "ReduceDim::REDUCE_COL",
    "scalar": "ReduceDim::REDUCE_SCALAR",
}


def reduce(
    dev: Device,
    x: np.ndarray,
    op: str = "sum",
    dim: str = "row",
    scaler: float = 1.0,
    cores: CoreSpec = (0, 0),
    fmt: DataFormat = DataFormat.Float16_b,
    reader: Path = KERNELS / "reader_reduce.cpp",
    compute: Path = KERNELS / "compute_reduce.cpp",
) -> Result:
    """Reduce `x` over rows (each row -> column 0 of its output tile), columns (-> row 0) or the
    whole matrix (-> element [0][0]), times `scaler`. The output holds one tile per group: Ht
    tiles stacked vertically for row, Wt side by side for col, one tile for scalar. `reader` and
    `compute` may name other kernels taking the same runtime args."""
    ht, wt = _tiles(x.shape)
    placed = expand_cores(cores)
    # (groups, tiles per group, group stride, tile stride) in the row-major tile order of x
    groups, size, outer_stride, inner_stride, out_shape = {
        "row": (ht, wt, wt, 1, (ht * TILE, TILE)),
        "col": (wt, ht, 1, wt, (TILE, wt * TILE)),
        "scalar": (1, ht * wt, 0, 1, (TILE, TILE)),
    }[dim]
    buf_x = upload(dev, x, fmt)
    out = dev.create_buffer(groups * tile_size(fmt), tile_size(fmt))
    shares = split_work(groups, placed)
    used = [core for core, _, _ in shares]
    p = Program()
    _add_io_cbs(p, used, fmt, inputs=1)
    p.add_circular_buffer(used, CB_SCALER, tile_size(DataFormat.Float16_b), 1, DataFormat.Float16_b)
    reader_id = p.add_kernel(reader, used, "reader", compile_args=tensor_accessor_args(buf_x))
    compute_id = p.add_kernel(
        compute,
        used,
        "compute",
        defines={"REDUCE_OP": _REDUCE_OPS[op], "REDUCE_DIM": _REDUCE_DIMS[dim]},
    )
    writer = p.add_kernel(
        KERNELS / "writer_unary.cpp", used, "writer", compile_args=tensor_accessor_args(out)
    )
    scaler_bits = int(float_to_bf16_bits(np.array([scaler], dtype=np.float32))[0])
    for core, start, count in shares:
        p.set_runtime_args(
            reader_id,
            core,
            [buf_x.address, start, count, size, outer_stride, inner_stride, scaler_bits],
        )
        p.set_runtime_args(compute_id, core, [count, size])
        p.set_runtime_args(writer, core, [out.address, count, start])
    return _finish(dev, p, out, out_shape, fmt, trace=0)


def softmax_rows(
    dev: Device, x: np.ndarray, cores: CoreSpec = (0, 0), fmt: DataFormat = DataFormat.Float16_b
) -> Result:
    """Softmax over each row of `x` (32 columns; any multiple of 32 rows) with
    compute_softmax_rows: reduce MAX/SUM, column broadcasts, exp, recip."""
    ht, wt = _tiles(x.shape)
    if wt != 1:
        raise ConfigError(f"softmax_rows takes 32-wide inputs, got {x.shape}")
    placed = expand_cores(cores)
    buf_x = upload(dev, x, fmt)
    out = dev.create_buffer(buf_x.size, tile_size(fmt))
    shares = split_work(ht, placed)
    used = [core for core, _, _ in shares]
    p = Program()
    _add_io_cbs(p, used, fmt, inputs=1)
    bf16 = DataFormat.Float16_b
    p.add_circular_buffer(used, CB_SCALER, tile_size(bf16), 1, bf16)
    for cb in (24, 25, 26):  # row max, exp, 1 / row sum
        p.add_circular_buffer(used, cb, tile_size(fmt), 1, fmt)
    reader = p.add_kernel(
        KERNELS / "reader_reduce.cpp", used, "reader", compile_args=tensor_accessor_args(buf_x)
    )
    compute = p.add_kernel(KERNELS / "compute_softmax_rows.cpp", used, "compute")
    writer = p.add_kernel(
        KERNELS / "writer_unary.cpp", used, "writer", compile_args=tensor_accessor_args(out)
    )
    one = int(float_to_bf16_bits(np.array([1.0], dtype=np.float32))[0])
    for core, start, count in shares:
        p.set_runtime_args(reader, core, [buf_x.address, start, count, 1, 1, 0, one])
        p.set_runtime_args(compute, core, [count])
        p.set_runtime_args(writer, core, [out.address, count, start])
    return _finish(dev, p, out, x.shape, fmt, trace=0)
