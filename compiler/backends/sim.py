"""Backend `sim`: turn a `tt.plan.json` artifact into emulator calls (`compiler.sim`) — DRAM
buffers for the tensors (padded to whole tiles, tilized), CBs and kernels on the planned cores,
per-core runtime args — run it, and read the outputs back as torch tensors."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from compiler.api import Artifact
from compiler.backends.binding import bind
from compiler.errors import CompileError
from compiler.plan import DATA_FORMATS, BufferPlan
from compiler.sim import (
    DataFormat,
    Device,
    Program,
    RunReport,
    tensor_accessor_args,
    tilize,
    untilize,
)
from compiler.targets import TILE

TORCH_DTYPES = {"bfloat16": torch.bfloat16, "float16": torch.float16, "float32": torch.float32}


@dataclass(frozen=True)
class SimRun:
    outputs: list[torch.Tensor]
    report: RunReport


def _padded(b: BufferPlan) -> tuple[int, int]:
    """The tiled host matrix: the tensor's panels, each padded to whole tiles, stacked."""
    return b.panels * b.tile_rows * TILE, b.tile_cols * TILE


def _panels(b: BufferPlan, matrix: np.ndarray) -> np.ndarray:
    """The (panels, padded rows, padded cols) view of a `_padded` matrix."""
    return matrix.reshape(b.panels, b.tile_rows * TILE, b.tile_cols * TILE)


def _permuted_shape(b: BufferPlan) -> tuple[int, ...]:
    return tuple(b.host_shape[d] for d in b.dim_order) if b.dim_order else b.shape


def _sim_format(data_format: str, what: str) -> DataFormat:
    if data_format not in DataFormat.__members__:
        raise CompileError(
            "run",
            f"{what} needs data format {data_format}, which the emulator does not model "
            f"(it has {', '.join(DataFormat.__members__)}); the artifact is still valid for hardware",
        )
    return DataFormat[data_format]


def _format(b: BufferPlan) -> DataFormat:
    return _sim_format(DATA_FORMATS[b.dtype], f"tensor {b.name} ({b.dtype})")


def allocate(b: BufferPlan) -> torch.Tensor:
    """A zero tensor for output parameter `b`, in its host shape and dtype."""
    return torch.zeros(tuple(b.host_shape), dtype=TORCH_DTYPES[b.dtype])


def execute(
    artifact: Artifact, tensors: list[torch.Tensor], timeout_s: float = 120.0, trace: int = 0
) -> SimRun:
    """Run the artifact; `trace` > 0 records the first `trace` CB operations in the report."""
    plan = artifact.plan
    bound = bind(plan, tensors)
    device = Device(plan.target)
    dram = {}
    for b in plan.buffers:
        rows, cols = _padded(b)
        host = np.zeros((rows, cols), dtype=np.float32)
        given = bound[b.name]
        if given is not None:
            data = given.detach().float().cpu()
            data = data.permute(b.dim_order) if b.dim_order else data
            panels = data.reshape(b.panels, *b.shape).numpy()
            _panels(b, host)[:, : b.shape[0], : b.shape[1]] = panels
        dram[b.name] = device.create_buffer(b.num_pages * b.page_size, b.page_size)
        device.write_buffer(dram[b.name], tilize(host, _format(b)))
    accessor_args = {name: tensor_accessor_args(buf) for name, buf in dram.items()}
    addresses = {name: buf.address for name, buf in dram.items()}
    program = Program()
    cores = [w.core for w in plan.cores]
    for cb in plan.cbs:
        fmt = _sim_format(cb.data_format, f"CB {cb.name}")
        program.add_circular_buffer(cores, cb.index, cb.page_size, cb.num_pages, fmt)
    for kp in plan.kernels:
        kernel = program.add_kernel(
            artifact.sources[kp.source],
            cores,
            role=kp.role,
            compile_args=kp.compile_time_arg_values(accessor_args),
            fp32_dest_acc_en=kp.fp32_dest_acc_en,
            math_fidelity=kp.math_fidelity,
            name=f"{plan.name}/{kp.source}",
            unpack_to_dest_fp32=kp.unpack_to_dest_fp32,
        )
        for w in plan.cores:
            program.set_runtime_args(kernel, w.core, kp.runtime_arg_values(w, addresses))
    report = device.run(program, timeout_s=timeout_s, trace=trace)
    outputs = []
    for b in plan.outputs():
        full = untilize(device.read_buffer(dram[b.name]), _padded(b), _format(b))
        window = np.ascontiguousarray(_panels(b, full)[:, : b.shape[0], : b.shape[1]])
        result = torch.from_numpy(window).reshape(_permuted_shape(b))
        if b.dim_order:
            result = result.permute(tuple(b.dim_order.index(d) for d in range(len(b.dim_order))))
        result = result.contiguous().to(TORCH_DTYPES[b.dtype]).reshape(b.host_shape)
        if bound[b.name] is not None:
            bound[b.name].copy_(result)
        outputs.append(result)
    return SimRun(outputs, report)
