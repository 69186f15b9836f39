"""ctypes binding of the runtime's C ABI (compiler/sim/include/ttsim/runtime_api.h)."""

from __future__ import annotations

import ctypes
from functools import cache

from compiler.sim.build import runtime_library

u32 = ctypes.c_uint32
u64 = ctypes.c_uint64


class CoreDesc(ctypes.Structure):
    _fields_ = [("x", ctypes.c_int32), ("y", ctypes.c_int32)]


class CBDesc(ctypes.Structure):
    _fields_ = [
        ("core", u32),
        ("index", u32),
        ("page_size", u32),
        ("num_pages", u32),
        ("format", u32),
        ("l1_offset", u32),
    ]


class KernelDesc(ctypes.Structure):
    _fields_ = [
        ("core", u32),
        ("role", u32),
        ("fp32_dest_acc_en", u32),
        ("math_fidelity", u32),
        ("so_path", ctypes.c_char_p),
        ("name", ctypes.c_char_p),
        ("rt_args", ctypes.POINTER(u32)),
        ("n_rt_args", u32),
        ("common_args", ctypes.POINTER(u32)),
        ("n_common_args", u32),
        ("private_state", u32),
        ("unpack_to_dest_fp32", u32),
    ]


class WordDesc(ctypes.Structure):
    _fields_ = [("core", u32), ("offset", u32), ("value", u32)]


class DramDesc(ctypes.Structure):
    _fields_ = [("addr", u32), ("size", u32), ("data", ctypes.c_void_p)]


class CBStats(ctypes.Structure):
    _fields_ = [
        ("pages_pushed", u64),
        ("pages_popped", u64),
        ("max_occupancy", u32),
        ("configured", u32),
    ]


class KernelStatsDesc(ctypes.Structure):
    _fields_ = [
        ("times_blocked", u64),
        ("blocked_ops", u64),
        ("noc_reads", u64),
        ("noc_writes", u64),
        ("noc_bytes", u64),
        ("tile_ops", u64),
        ("cycles", u64),
        ("busy_cycles", u64 * 3),
        ("wait_in_cycles", u64),
        ("wait_out_cycles", u64),
        ("noc_wait_cycles", u64),
        ("matmul_tiles", u64),
    ]


class CostParamsDesc(ctypes.Structure):
    _fields_ = [
        ("link_bytes_per_cycle", ctypes.c_double),
        ("dram_bytes_per_cycle", ctypes.c_double),
        *(
            (name, u32)
            for name in (
                "dram_latency",
                "hop_cycles",
                "dram_hops",
                "noc_issue",
                "cb_op",
                "compute_cb_op",
                "dst_op",
                "init",
                "matmul_lofi",
                "eltwise",
                "datacopy",
                "reduce",
                "sfpu_simple",
                "sfpu_transcendental",
            )
        ),
        ("unpack_bytes_per_cycle", ctypes.c_double),
        ("pack_bytes_per_cycle", ctypes.c_double),
    ]


class EventDesc(ctypes.Structure):
    _fields_ = [
        ("seq", u64),
        ("core", u32),
        ("kernel", u32),
        ("op", u32),
        ("cb", u32),
        ("pages", u32),
        ("occupancy", u32),
    ]


@cache
def library() -> ctypes.CDLL:
    """The runtime, loaded with RTLD_GLOBAL so that kernel objects resolve its symbols."""
    lib = ctypes.CDLL(str(runtime_library()), mode=ctypes.RTLD_GLOBAL)
    lib.ttsim_run.restype = ctypes.c_int
    lib.ttsim_run.argtypes = [
        ctypes.POINTER(CoreDesc),
        u32,
        ctypes.POINTER(CBDesc),
        u32,
        ctypes.POINTER(KernelDesc),
        u32,
        ctypes.POINTER(DramDesc),
        u32,
        ctypes.POINTER(WordDesc),
        u32,
        u32,
        ctypes.c_double,
        ctypes.POINTER(CBStats),
        ctypes.POINTER(KernelStatsDesc),
        ctypes.POINTER(EventDesc),
        u64,
        ctypes.POINTER(u64),
        ctypes.c_char_p,
        u32,
    ]
    lib.ttsim_set_cost_params.restype = None
    lib.ttsim_set_cost_params.argtypes = [ctypes.POINTER(CostParamsDesc)]
    return lib


def u32_array(values: tuple[int, ...]) -> ctypes.Array:
    return c_array(u32, list(values))


def c_array(ctype: type, items: list | int) -> ctypes.Array:
    """A C array of `items` (or of `items` zeroed elements); never empty, so it always has an
    address to pass."""
    count = items if isinstance(items, int) else len(items)
    array = (ctype * max(count, 1))()
    if not isinstance(items, int):
        array[: len(items)] = items
    return array
