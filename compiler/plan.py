"""`tt.plan.json`: everything a host needs to launch the generated kernels — DRAM buffers, CBs,
kernels with their processors, cores, compile-time and per-core runtime args. One pydantic
schema, written by `compiler.api.compile`, read by the backends (and by humans)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from compiler.dtypes import DTYPES

PLAN_SCHEMA = "tt-ws.plan/1"
DATA_FORMATS = {name: d.data_format for name, d in DTYPES.items()}
PAGE_BYTES = {name: d.tile_bytes for name, d in DTYPES.items()}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BufferPlan(_Model):
    """A PrimFunc tensor parameter, DRAM-interleaved in tiles (row-major tile order). `shape` is
    its 2-D view; a 1-D parameter (`host_shape`) is a (1, n) row or an (n, 1) column. A tensor
    of rank >= 3 is `panels` such 2-D views one after the other: the host permutes its dims by
    `dim_order` (panel dims, then the tiled row and column dims) and tiles each panel."""

    name: str
    param_index: int
    host_shape: tuple[int, ...]
    shape: tuple[int, int]
    dtype: str
    tile_rows: int
    tile_cols: int
    page_size: int
    access: Literal["read", "write", "readwrite", "unused"]
    panels: int = 1
    dim_order: tuple[int, ...] = ()

    @property
    def num_pages(self) -> int:
        return self.tile_rows * self.tile_cols * self.panels


class CBPlan(_Model):
    index: int
    name: str
    buffer: str
    data_format: str
    page_size: int
    num_pages: int
    producer: Literal["reader", "compute"]


class KernelPlan(_Model):
    role: Literal["reader", "compute", "writer"]
    source: str  # file name inside the artifact
    processor: Literal["RISCV_0", "RISCV_1", "COMPUTE"]
    noc: int | None
    accessor_tensors: list[str]  # one TensorAccessorArgs group each, in compile-time-arg order
    runtime_args: list[str]  # "<tensor>_addr", then "first_block", "num_blocks"
    fp32_dest_acc_en: bool
    math_fidelity: Literal["LoFi", "HiFi2", "HiFi3", "HiFi4"]
    # CB indices whose fp32 tiles the unpacker writes straight to DST (tt-metal's
    # unpack_to_dest_mode[cb] = UnpackToDestFp32); others pass through SrcA as tf32
    unpack_to_dest_fp32: list[int] = []

    def compile_time_arg_values(self, accessor_args: Mapping[str, Sequence[int]]) -> list[int]:
        """The kernel's compile-time args: the `TensorAccessorArgs` group of each accessor tensor
        in order, as the device (emulated or real) computes it for that tensor's buffer."""
        return [a for t in self.accessor_tensors for a in accessor_args[t]]

    def runtime_arg_values(self, work: CoreWorkPlan, addresses: Mapping[str, int]) -> list[int]:
        """The kernel's runtime args on one core, given each tensor's buffer address."""
        values = {f"{name}_addr": address for name, address in addresses.items()}
        values |= {"first_block": work.first_block, "num_blocks": work.num_blocks}
        return [values[a] for a in self.runtime_args]


class CoreWorkPlan(_Model):
    core: tuple[int, int]
    first_block: int
    num_blocks: int


class Plan(_Model):
    schema_: Literal["tt-ws.plan/1"] = Field(default=PLAN_SCHEMA, alias="schema")
    name: str
    target: str
    grid: list[tuple[str, int]]
    num_blocks: int
    buffers: list[BufferPlan]
    cbs: list[CBPlan]
    kernels: list[KernelPlan]
    cores: list[CoreWorkPlan]

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def to_json(self) -> str:
        return self.model_dump_json(indent=2, by_alias=True) + "\n"

    def outputs(self) -> list[BufferPlan]:
        return [b for b in self.buffers if b.access in ("write", "readwrite")]

    def inputs(self) -> list[BufferPlan]:
        return [b for b in self.buffers if b.access not in ("write", "readwrite")]
