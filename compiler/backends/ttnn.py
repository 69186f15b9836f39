"""Backend `ttnn`: the same artifact on a Tenstorrent device through ttnn's generic op.

The plan becomes a `ttnn.ProgramDescriptor` — the kernels' C++ with the plan's processor and NOC,
compile-time args holding each accessor tensor's `TensorAccessorArgs` group, per-core runtime args
with the device buffers' addresses, CBs with their data formats and page sizes, on the plan's
cores. Torch tensors go to device DRAM (interleaved, tile layout: the plan's page order),
`ttnn.generic_op` runs the program, and the outputs come back as torch tensors.

Needs ttnn==0.81.1 (wheels for CPython 3.12 only: `pip install -e '.[ttnn]'`). Everything up
to the device — the descriptor — is built from the real bindings without one."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import metadata
from itertools import groupby
from types import ModuleType
from typing import Any

from compiler.api import Artifact
from compiler.backends.binding import bind
from compiler.errors import BackendError
from compiler.plan import DATA_FORMATS, BufferPlan, KernelPlan, Plan

TTNN_VERSION = "0.81.1"
TTNN_PYTHON = (3, 12)  # the only CPython ttnn 0.81.1 publishes wheels for
NO_DEVICE = "No chips detected: use backend='sim'"
# tt::DataFormat (the plan's names) -> the ttnn.DataType that ttnn's CBFormatDescriptor and
# tensors convert to that format; the descriptor tests check each against the wheel's enum
TTNN_DATA_TYPES = {
    "Float16_b": "BFLOAT16",
    "Float32": "FLOAT32",
    "Bfp8_b": "BFLOAT8_B",
    "Bfp4_b": "BFLOAT4_B",
    "Int32": "INT32",
    "UInt32": "UINT32",
    "UInt16": "UINT16",
    "UInt8": "UINT8",
}
# tt-metal's NUM_CIRCULAR_BUFFERS (tt-metalium/circular_buffer_constants.h in the wheel): a
# compute kernel's unpack_to_dest_mode holds one entry per CB id
NUM_CIRCULAR_BUFFERS = 32


@dataclass(frozen=True)
class DeviceBuffer:
    """What the kernels' args need of a plan buffer once it is allocated on the device."""

    address: int
    accessor_args: tuple[int, ...]  # TensorAccessorArgs(tensor).get_compile_time_args()


@dataclass(frozen=True)
class TtnnRun:
    outputs: list[Any]  # torch tensors, one per plan output


def import_ttnn() -> ModuleType:
    """The ttnn module, or a BackendError saying which Python and which install command."""
    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    wanted = ".".join(map(str, TTNN_PYTHON))
    try:
        import ttnn
    except ImportError as exc:
        if sys.version_info[:2] != TTNN_PYTHON:
            raise BackendError(
                f"backend 'ttnn' needs ttnn=={TTNN_VERSION}, which has wheels for CPython {wanted} "
                f"only; this is Python {here} ({sys.executable}). In a Python {wanted} environment "
                "run `pip install -e '.[ttnn]'`, or use backend='sim'"
            ) from None
        raise BackendError(
            f"backend 'ttnn' needs ttnn=={TTNN_VERSION}: `pip install -e '.[ttnn]'` ({exc})"
        ) from None
    found = metadata.version("ttnn")
    if found != TTNN_VERSION:
        raise BackendError(
            f"backend 'ttnn' found ttnn {found}; the emitted kernels use the {TTNN_VERSION} API: "
            f"`pip install ttnn=={TTNN_VERSION}`"
        )
    return ttnn


def data_type(ttnn: ModuleType, data_format: str, what: str) -> Any:
    """The ttnn.DataType for a plan data format (a tt::DataFormat name)."""
    if data_format not in TTNN_DATA_TYPES:
        raise BackendError(
            f"{what} needs data format {data_format}, which ttnn cannot hold (ttnn converts "
            f"{', '.join(TTNN_DATA_TYPES)}); use bfloat16 or float32, or backend='sim'"
        )
    return getattr(ttnn.DataType, TTNN_DATA_TYPES[data_format])


def rectangles(cores: Iterable[tuple[int, int]]) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Inclusive (start, end) rectangles covering exactly `cores` (x, y), none overlapping: runs
    of consecutive x in a row, stacked onto the rectangle above when it spans the same x."""
    rects: list[list[int]] = []  # [x0, y0, x1, y1]
    by_row = groupby(sorted(set(cores), key=lambda c: (c[1], c[0])), key=lambda c: c[1])
    for y, row in by_row:
        runs: list[tuple[int, int]] = []
        for x, _ in row:
            if runs and runs[-1][1] == x - 1:
                runs[-1] = (runs[-1][0], x)
            else:
                runs.append((x, x))
        for x0, x1 in runs:
            above = next((r for r in rects if (r[0], r[2], r[3]) == (x0, x1, y - 1)), None)
            if above:
                above[3] = y
            else:
                rects.append([x0, y, x1, y])
    return [((x0, y0), (x1, y1)) for x0, y0, x1, y1 in rects]


def core_range_set(ttnn: ModuleType, plan: Plan) -> Any:
    return ttnn.CoreRangeSet(
        [
            ttnn.CoreRange(ttnn.CoreCoord(*start), ttnn.CoreCoord(*end))
            for start, end in rectangles(w.core for w in plan.cores)
        ]
    )


def _kernel_config(ttnn: ModuleType, kp: KernelPlan) -> Any:
    if kp.processor == "COMPUTE":
        config = ttnn.ComputeConfigDescriptor(
            math_fidelity=getattr(ttnn.MathFidelity, kp.math_fidelity),
            fp32_dest_acc_en=kp.fp32_dest_acc_en,
        )
        if kp.unpack_to_dest_fp32:
            modes = [ttnn.UnpackToDestMode.Default] * NUM_CIRCULAR_BUFFERS
            for index in kp.unpack_to_dest_fp32:
                modes[index] = ttnn.UnpackToDestMode.UnpackToDestFp32
            config.unpack_to_dest_mode = modes
        return config
    return ttnn.DataMovementConfigDescriptor(
        processor=getattr(ttnn.DataMovementProcessor, kp.processor),
        noc=getattr(ttnn.NOC, f"NOC_{kp.noc}"),
    )


def program_descriptor(artifact: Artifact, buffers: Mapping[str, DeviceBuffer]) -> Any:
    """The `ttnn.ProgramDescriptor` of the artifact, its buffers allocated as `buffers` says."""
    ttnn = import_ttnn()
    plan = artifact.plan
    cores = core_range_set(ttnn, plan)
    cbs = [
        ttnn.CBDescriptor(
            total_size=cb.num_pages * cb.page_size,
            core_ranges=cores,
            format_descriptors=[
                ttnn.CBFormatDescriptor(
                    buffer_index=cb.index,
                    data_format=data_type(ttnn, cb.data_format, f"CB {cb.name}"),
                    page_size=cb.page_size,
                )
            ],
        )
        for cb in plan.cbs
    ]
    accessor_args = {name: b.accessor_args for name, b in buffers.items()}
    addresses = {name: b.address for name, b in buffers.items()}
    kernels = []
    for kp in plan.kernels:
        runtime_args = ttnn.RuntimeArgs()
        for w in plan.cores:
            x, y = w.core
            runtime_args[x][y] = kp.runtime_arg_values(w, addresses)
        kernels.append(
            ttnn.KernelDescriptor(
                kernel_source=artifact.sources[kp.source],
                source_type=ttnn.KernelDescriptor.SourceType.SOURCE_CODE,
                core_ranges=cores,
                compile_time_args=kp.compile_time_arg_values(accessor_args),
                runtime_args=runtime_args,
                config=_kernel_config(ttnn, kp),
            )
        )
    return ttnn.ProgramDescriptor(kernels=kernels, semaphores=[], cbs=cbs)


def devices_available(ttnn: ModuleType) -> int:
    """How many Tenstorrent devices ttnn sees (0 where it finds no chips; it raises then)."""
    try:
        return ttnn.GetNumAvailableDevices()
    except RuntimeError as exc:
        if "No chips detected" in str(exc):
            return 0
        raise


def open_device(ttnn: ModuleType, plan: Plan) -> Any:
    """Device 0, checked to have every core the plan uses; BackendError when there is none."""
    if devices_available(ttnn) == 0:
        raise BackendError(NO_DEVICE)
    device = ttnn.open_device(device_id=0)
    grid = device.compute_with_storage_grid_size()
    need_x = 1 + max(w.core[0] for w in plan.cores)
    need_y = 1 + max(w.core[1] for w in plan.cores)
    if need_x > grid.x or need_y > grid.y:
        ttnn.close_device(device)
        raise BackendError(
            f"{plan.name} was compiled for {plan.target} and uses a {need_x}x{need_y} grid of "
            f"cores; this device has {grid.x}x{grid.y}: compile for its target"
        )
    return device


def _to_device(ttnn: ModuleType, device: Any, b: BufferPlan, given: Any | None) -> Any:
    dtype = data_type(ttnn, DATA_FORMATS[b.dtype], f"tensor {b.name} ({b.dtype})")
    if given is None:
        tensor = ttnn.allocate_tensor_on_device(
            ttnn.Shape(list(b.shape)), dtype, ttnn.TILE_LAYOUT, device, ttnn.DRAM_MEMORY_CONFIG
        )
    else:
        tensor = ttnn.from_torch(
            given.detach().cpu().reshape(b.shape),
            dtype=dtype,
            layout=ttnn.TILE_LAYOUT,
            device=device,
            memory_config=ttnn.DRAM_MEMORY_CONFIG,
        )
    # the kernels address the buffer page by page as the plan laid it out
    laid_out = (tensor.buffer_num_pages(), tensor.buffer_page_size())
    if laid_out != (b.num_pages, b.page_size):
        raise BackendError(
            f"tensor {b.name}: ttnn laid it out as {laid_out[0]} pages of {laid_out[1]} B, "
            f"the plan as {b.num_pages} pages of {b.page_size} B"
        )
    return tensor


def execute(artifact: Artifact, tensors: list[Any]) -> TtnnRun:
    """Run the artifact on device 0. Arguments are checked and the device probed before anything
    is allocated; given output tensors are overwritten only after the program ran."""
    ttnn = import_ttnn()
    plan = artifact.plan
    bound = bind(plan, tensors)
    for b in plan.buffers:
        data_type(ttnn, DATA_FORMATS[b.dtype], f"tensor {b.name} ({b.dtype})")
    for cb in plan.cbs:
        data_type(ttnn, cb.data_format, f"CB {cb.name}")
    device = open_device(ttnn, plan)
    try:
        on_device = {b.name: _to_device(ttnn, device, b, bound[b.name]) for b in plan.buffers}
        allocated = {
            name: DeviceBuffer(
                t.buffer_address(), tuple(ttnn.TensorAccessorArgs(t).get_compile_time_args())
            )
            for name, t in on_device.items()
        }
        # generic_op takes the outputs last
        io = [on_device[b.name] for b in (*plan.inputs(), *plan.outputs())]
        ttnn.generic_op(io, program_descriptor(artifact, allocated))
        outputs = [ttnn.to_torch(on_device[b.name]).reshape(b.host_shape) for b in plan.outputs()]
    finally:
        ttnn.close_device(device)
    for b, result in zip(plan.outputs(), outputs, strict=True):
        if bound[b.name] is not None:
            bound[b.name].copy_(result)
    return TtnnRun(outputs)
