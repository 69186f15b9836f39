"""The Metalium emulator: runs reader/compute/writer kernels written against tt-metal's kernel
API (pinned to ttnn 0.81.1) on simulated Tensix cores, with real numerics and fault detection.

Kernel C++ is compiled unmodified against emulated headers (`compiler/sim/include`, mirroring the
real include paths) and executed tile by tile; every core's kernels run as cooperative fibers
with blocking CB semantics. Shaped like tt-metal's host API::

    from compiler.sim import Device, Program, DataFormat, tilize, untilize
    dev = Device("wormhole_n150")
    a = dev.create_buffer(size_bytes, page_size)          # DRAM interleaved; a.address
    dev.write_buffer(a, tilize(x, DataFormat.Float16_b))
    p = Program()
    p.add_circular_buffer((0, 0), 0, 2048, 2, DataFormat.Float16_b)
    k = p.add_kernel("reader.cpp", ((0, 0), (7, 7)), role="reader", compile_args=[...])
    p.set_runtime_args(k, (0, 0), [a.address, n_tiles])
    report = dev.run(p, timeout_s=60)                     # raises SimError subclasses
    y = untilize(dev.read_buffer(out), shape, DataFormat.Float16_b)

See docs/simulator.md for the numerics, the faults detected and the report.
"""

from compiler.sim.device import (
    Buffer,
    CBEvent,
    CBStat,
    Device,
    KernelStat,
    KernelTiming,
    RunReport,
    tensor_accessor_args,
)
from compiler.sim.errors import (
    CBError,
    ComputeStateError,
    ConfigError,
    DeadlockError,
    DstError,
    KernelArgError,
    KernelCompileError,
    KernelCompileWarning,
    KernelFault,
    L1BudgetError,
    NocError,
    SimError,
    WatchdogTimeout,
)
from compiler.sim.formats import (
    DataFormat,
    bf16_bits_to_float,
    float_to_bf16_bits,
    round_to_bf16,
    tile_size,
    tilize,
    untilize,
)
from compiler.sim.program import CircularBuffer, CoreSpec, Kernel, Program, expand_cores

__all__ = [
    "Buffer",
    "CBError",
    "CBEvent",
    "CBStat",
    "CircularBuffer",
    "ComputeStateError",
    "ConfigError",
    "CoreSpec",
    "DataFormat",
    "DeadlockError",
    "Device",
    "DstError",
    "Kernel",
    "KernelArgError",
    "KernelCompileError",
    "KernelCompileWarning",
    "KernelFault",
    "KernelStat",
    "KernelTiming",
    "L1BudgetError",
    "NocError",
    "Program",
    "RunReport",
    "SimError",
    "WatchdogTimeout",
    "bf16_bits_to_float",
    "expand_cores",
    "float_to_bf16_bits",
    "round_to_bf16",
    "tensor_accessor_args",
    "tile_size",
    "tilize",
    "untilize",
]
