"""The emulated device: DRAM buffers, L1 allocation of CBs, and running a `Program`.

`Device.run` validates the program (cores on the grid, CBs within the L1 budget), compiles its
kernels (cached), runs every kernel of every core on the native runtime and returns a `RunReport`
of per-core counters, or raises the `SimError` subclass of the first fault.
"""

from __future__ import annotations

import ctypes
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from compiler.sim import native
from compiler.sim.build import FIDELITY_PASSES, compile_kernels, core_copy, mutable_globals
from compiler.sim.cost import cost_model
from compiler.sim.errors import ConfigError, L1BudgetError, error_for_kind
from compiler.sim.program import ROLES, CoreCoord, Program

L1_SIZE = 1536 * 1024
# Bytes at the bottom of L1 kept for firmware, mailboxes and runtime args, as on device.
L1_RESERVED = 100 * 1024
L1_BUDGET = L1_SIZE - L1_RESERVED
CB_ALIGNMENT = 32
# Semaphore i of a core lives at L1 + SEMAPHORE_OFFSET + 16 * i (runtime/state.h kSemaphoreOffset).
SEMAPHORE_OFFSET = 0x1000
SEMAPHORE_STRIDE = 16
DRAM_ALIGNMENT = 64
# Gap left between DRAM buffers so that a stray NOC address lands in no buffer.
DRAM_GUARD = 1 << 20
DRAM_BASE = 1 << 20
GRIDS = {"wormhole_n150": (8, 8), "blackhole_p150": (13, 10)}
CB_OPS = ("reserve", "push", "wait", "pop")
# The runtime keeps one run's state in process globals: runs are serialised.
_RUN_LOCK = threading.Lock()


@dataclass(frozen=True)
class Buffer:
    """An interleaved DRAM buffer: `size` bytes in pages of `page_size`, at DRAM `address`."""

    address: int
    size: int
    page_size: int

    @property
    def num_pages(self) -> int:
        return self.size // self.page_size


@dataclass(frozen=True)
class CBStat:
    pages_pushed: int
    pages_popped: int
    max_occupancy: int


@dataclass(frozen=True)
class KernelTiming:
    """Modelled time of one kernel in device cycles (compiler/sim/cost.py). `busy` has one
    entry per timeline: a data-movement kernel uses the first; compute has unpack, math, pack."""

    cycles: int
    busy: tuple[int, int, int]
    wait_in: int  # in cb_wait_front (or a semaphore wait): starved by a producer
    wait_out: int  # in cb_reserve_back: held back by a consumer
    noc_wait: int  # in NOC barriers
    matmul_tiles: int


@dataclass(frozen=True)
class KernelStat:
    name: str
    times_blocked: int
    # CB operations (on any core) that happened while this kernel was blocked: logical blocked time
    blocked_ops: int
    noc_reads: int
    noc_writes: int
    noc_bytes: int
    tile_ops: int
    timing: KernelTiming


@dataclass(frozen=True)
class CBEvent:
    """One CB operation; `seq` orders operations across all cores (logical time)."""

    seq: int
    core: CoreCoord
    kernel: str
    op: str
    cb: int
    pages: int
    occupancy: int


@dataclass(frozen=True)
class RunReport:
    """Counters of one run: per (core, CB), per (core, role) kernel, and an optional CB trace."""

    wall_s: float
    compile_s: float
    cb_stats: dict[tuple[CoreCoord, int], CBStat]
    kernel_stats: dict[tuple[CoreCoord, str], KernelStat]
    events: list[CBEvent]


def tensor_accessor_args(buffer: Buffer) -> list[int]:
    """Compile-time args of `TensorAccessorArgs<offset>()` for an interleaved DRAM buffer, as
    tt-metal's host `TensorAccessorArgs(buffer).append_to(args)` writes them."""
    is_dram = 1 << 1
    return [is_dram, buffer.page_size]


class Device:
    """An emulated Tenstorrent device (`wormhole_n150` 8x8 or `blackhole_p150` 13x10 cores)."""

    def __init__(self, arch: str = "wormhole_n150", grid: tuple[int, int] | None = None) -> None:
        if arch not in GRIDS:
            raise ConfigError(f"unknown device {arch!r}; known: {', '.join(GRIDS)}")
        self.arch = arch
        self.grid = grid or GRIDS[arch]
        self._buffers: dict[int, tuple[Buffer, np.ndarray]] = {}
        self._next_address = DRAM_BASE

    def create_buffer(self, size_bytes: int, page_size: int) -> Buffer:
        """A DRAM buffer of `size_bytes` (a multiple of `page_size`), zero-filled."""
        if size_bytes <= 0 or page_size <= 0 or size_bytes % page_size:
            raise ConfigError(
                f"buffer size {size_bytes} must be a positive multiple of its page size {page_size}"
            )
        address = self._next_address
        if address + size_bytes >= 2**32:
            raise ConfigError(f"emulated DRAM is full: cannot place {size_bytes} more bytes")
        self._next_address = (
            (address + size_bytes + DRAM_GUARD + DRAM_ALIGNMENT - 1)
            // DRAM_ALIGNMENT
            * DRAM_ALIGNMENT
        )
        buf = Buffer(address, size_bytes, page_size)
        self._buffers[address] = (buf, np.zeros(size_bytes, dtype=np.uint8))
        return buf

    def deallocate(self, buf: Buffer) -> None:
        """Free the storage of `buf`; kernels that still use its address get a NocError."""
        self._storage(buf)
        del self._buffers[buf.address]

    def _storage(self, buf: Buffer) -> np.ndarray:
        if buf.address not in self._buffers:
            raise ConfigError(
                f"buffer at 0x{buf.address:x} does not belong to this device (or was deallocated)"
            )
        return self._buffers[buf.address][1]

    def write_buffer(self, buf: Buffer, data: np.ndarray | bytes) -> None:
        """Copy `data` (any array, taken as raw bytes) to the start of `buf`."""
        raw = (
            np.frombuffer(bytes(data), dtype=np.uint8)
            if isinstance(data, bytes)
            else (np.ascontiguousarray(data).view(np.uint8).reshape(-1))
        )
        if raw.size > buf.size:
            raise ConfigError(
                f"{raw.size} bytes do not fit in the {buf.size}-byte buffer at 0x{buf.address:x}"
            )
        self._storage(buf)[: raw.size] = raw

    def read_buffer(self, buf: Buffer) -> np.ndarray:
        """A copy of the bytes of `buf`."""
        return self._storage(buf).copy()

    def worker_core(self, core: CoreCoord) -> CoreCoord:
        """NOC coordinates of a logical core, for get_noc_addr(x, y, ...) and multicast
        rectangles (tt-metal's worker_core_from_logical_core); the emulator uses the logical
        coordinates themselves."""
        return core

    def _check_cores(self, program: Program) -> list[CoreCoord]:
        cores = program.cores()
        gx, gy = self.grid
        for x, y in cores:
            if not (0 <= x < gx and 0 <= y < gy):
                raise ConfigError(f"core ({x},{y}) is outside the {gx}x{gy} grid of {self.arch}")
        return cores

    def _allocate_l1(
        self, program: Program, core_index: dict[CoreCoord, int]
    ) -> list[native.CBDesc]:
        descs: list[native.CBDesc] = []
        used: dict[CoreCoord, int] = {}
        for (core, index), cb in sorted(
            program.circular_buffers.items(), key=lambda kv: (kv[0][0][1], kv[0][0][0], kv[0][1])
        ):
            offset = used.get(core, L1_RESERVED)
            end = offset + (cb.size + CB_ALIGNMENT - 1) // CB_ALIGNMENT * CB_ALIGNMENT
            if end > L1_SIZE:
                listing = ", ".join(
                    f"CB {c.index}: {c.num_pages} x {c.page_size} B"
                    for (k, _), c in sorted(
                        program.circular_buffers.items(), key=lambda kv: kv[0][1]
                    )
                    if k == core
                )
                total = sum(c.size for (k, _), c in program.circular_buffers.items() if k == core)
                raise L1BudgetError(
                    f"core {core}: circular buffers need {total} B of L1 but only {L1_BUDGET} B are usable "
                    f"({L1_SIZE} B minus {L1_RESERVED} B reserved): {listing}"
                )
            used[core] = end
            descs.append(
                native.CBDesc(
                    core_index[core], index, cb.page_size, cb.num_pages, int(cb.data_format), offset
                )
            )
        return descs

    def _kernel_descs(
        self, program: Program, objects: list[Path], core_index: dict[CoreCoord, int]
    ) -> tuple[list[native.KernelDesc], list[tuple[CoreCoord, str, str]], list[ctypes.Array]]:
        """One descriptor per (kernel, core), what each is (core, role, name), and the argument
        arrays the descriptors point into (kept alive by the caller during the run)."""
        descs, placements, arrays = [], [], []
        for kernel, so_path in zip(program.kernels, objects, strict=True):
            common = native.u32_array(kernel.common_runtime_args)
            arrays.append(common)
            stateful = bool(mutable_globals(so_path))
            for core in kernel.cores:
                path = core_copy(so_path, core_index[core]) if stateful else so_path
                values = kernel.runtime_args.get(core, ())
                args = native.u32_array(values)
                arrays.append(args)
                descs.append(
                    native.KernelDesc(
                        core_index[core],
                        ROLES.index(kernel.role),
                        int(kernel.fp32_dest_acc_en),
                        FIDELITY_PASSES[kernel.math_fidelity],
                        str(path).encode(),
                        kernel.name.encode(),
                        args,
                        len(values),
                        common,
                        len(kernel.common_runtime_args),
                        int(stateful),
                        sum(1 << cb for cb in kernel.unpack_to_dest_fp32),
                    )
                )
                placements.append((core, kernel.role, kernel.name))
        return descs, placements, arrays

    def run(self, program: Program, timeout_s: float = 60.0, trace: int = 0) -> RunReport:
        """Run `program`; raises a `SimError` subclass on any fault. `trace` > 0 records up to
        that many CB events in `RunReport.events`."""
        cores = self._check_cores(program)
        core_index = {c: i for i, c in enumerate(cores)}
        cb_descs = self._allocate_l1(program, core_index)
        started = time.perf_counter()
        objects = compile_kernels(program.kernels)
        compile_s = time.perf_counter() - started
        kernel_descs, placements, _arrays = self._kernel_descs(program, objects, core_index)
        dram = [
            native.DramDesc(buf.address, buf.size, storage.ctypes.data)
            for buf, storage in self._buffers.values()
        ]
        words = [
            native.WordDesc(core_index[core], SEMAPHORE_OFFSET + SEMAPHORE_STRIDE * sem_id, value)
            for sem_id, (sem_cores, value) in enumerate(program.semaphores)
            for core in sem_cores
        ]
        cb_stats = native.c_array(native.CBStats, len(cores) * 32)
        k_stats = native.c_array(native.KernelStatsDesc, len(kernel_descs))
        events = native.c_array(native.EventDesc, trace)
        events_len = ctypes.c_uint64(0)
        msg = ctypes.create_string_buffer(1 << 20)
        with _RUN_LOCK:
            native.library().ttsim_set_cost_params(ctypes.byref(cost_model(self.arch).native()))
            t0 = time.perf_counter()
            rc = native.library().ttsim_run(
                native.c_array(native.CoreDesc, [native.CoreDesc(x, y) for x, y in cores]), len(cores),
                native.c_array(native.CBDesc, cb_descs), len(cb_descs),
                native.c_array(native.KernelDesc, kernel_descs), len(kernel_descs),
                native.c_array(native.DramDesc, dram), len(dram),
                native.c_array(native.WordDesc, words), len(words),
                L1_SIZE, float(timeout_s), cb_stats, k_stats,
                events if trace else None, trace, ctypes.byref(events_len), msg, len(msg),
            )  # fmt: skip
            wall_s = time.perf_counter() - t0
        if rc != 0:
            raise error_for_kind(rc, msg.value.decode(errors="replace"))
        return RunReport(
            wall_s=wall_s,
            compile_s=compile_s,
            cb_stats={
                (core, i): CBStat(s.pages_pushed, s.pages_popped, s.max_occupancy)
                for core, ci in core_index.items()
                for i in range(32)
                if (s := cb_stats[ci * 32 + i]).configured
            },
            kernel_stats={
                (core, role): KernelStat(
                    name,
                    s.times_blocked,
                    s.blocked_ops,
                    s.noc_reads,
                    s.noc_writes,
                    s.noc_bytes,
                    s.tile_ops,
                    KernelTiming(
                        s.cycles,
                        tuple(s.busy_cycles),
                        s.wait_in_cycles,
                        s.wait_out_cycles,
                        s.noc_wait_cycles,
                        s.matmul_tiles,
                    ),
                )
                for (core, role, name), s in zip(placements, k_stats, strict=False)
            },
            events=[
                CBEvent(
                    e.seq,
                    cores[e.core],
                    placements[e.kernel][2],
                    CB_OPS[e.op],
                    e.cb,
                    e.pages,
                    e.occupancy,
                )
                for e in events[: events_len.value]
            ],
        )
