"""The constants of the cycle-approximate Tensix model, per device, each with its source.

The model itself runs inside the emulator (`runtime/cost.cpp`): every API call a kernel makes
advances that kernel's modelled clock. This module owns the numbers it uses and the device
figures (clock, grid, peak) that turn cycles into time and TFLOPS. `docs/performance.md` lists
every constant with its source; "estimate" marks the ones no public document pins down.
"""

from __future__ import annotations

from dataclasses import dataclass

from compiler.sim import native
from compiler.sim.build import FIDELITY_PASSES
from compiler.sim.errors import ConfigError

TILE_FLOPS = 2 * 32**3  # one matmul_tiles: a 32x32x32 multiply-accumulate


@dataclass(frozen=True)
class CostModel:
    """Per-device constants: the first block feeds `TtsimCostParams`; the rest converts cycles."""

    link_bytes_per_cycle: float  # ARCHITECTURE.md: NOC 32 B/cycle/link (WH), 64 (BH)
    dram_bytes_per_cycle: float  # spec sheets: 288 GB/s at 1 GHz (WH), 512 GB/s at 1.35 GHz (BH)
    dram_latency: int  # estimate: DRAM access before the first byte
    hop_cycles: int  # ARCHITECTURE.md: ~9 cycles per router hop
    dram_hops: int  # estimate: average hops from a worker core to a DRAM bank on the grid
    noc_issue: int  # estimate: a RISC-V writing one NOC command
    cb_op: int  # estimate: a CB call on a data-movement RISC-V (a few loads/stores)
    compute_cb_op: int  # estimate: a CB call on a TRISC
    dst_op: int  # estimate: tile_regs_* (a semaphore between TRISCs)
    init: int  # estimate: an *_init reprogramming unpacker and math
    matmul_lofi: int  # GEMM_FLOPS tech report: 16 cycles per tile at LoFi, x fidelity passes
    eltwise: int  # estimate: one FPU binary tile op (LoFi)
    datacopy: int  # estimate: copy_tile math (move a tile into DST)
    reduce: int  # estimate: reduce_tile math
    sfpu_simple: int  # estimate: 32 SFPU rows x ~4 instructions
    sfpu_transcendental: int  # estimate: 32 SFPU rows x ~16 instructions
    unpack_bytes_per_cycle: float  # estimate: unpacker L1 read rate (bf16 tile: 8 cycles)
    pack_bytes_per_cycle: float  # estimate: packer L1 write rate (bf16 tile: 16 cycles)
    clock_ghz: float  # spec sheets: 1.0 GHz (WH n150), 1.35 GHz (BH p150)
    grid: tuple[int, int]  # compute grid used for peak: 8x8 (WH), 13x10 (BH)

    def native(self) -> native.CostParamsDesc:
        names = [name for name, _ in native.CostParamsDesc._fields_]
        return native.CostParamsDesc(*(getattr(self, n) for n in names))

    def peak_tflops(self, math_fidelity: str) -> float:
        """Matmul peak of the whole grid: 4096 flop/cycle/core at LoFi (an 8x16 x 16x16
        multiply-accumulate per cycle), divided by the fidelity's passes."""
        per_core = TILE_FLOPS / (self.matmul_lofi * FIDELITY_PASSES[math_fidelity])
        return per_core * self.grid[0] * self.grid[1] * self.clock_ghz * 1e9 / 1e12

    def seconds(self, cycles: int) -> float:
        return cycles / (self.clock_ghz * 1e9)


_SHARED = {
    "dram_latency": 300,
    "hop_cycles": 9,
    "dram_hops": 4,
    "noc_issue": 12,
    "cb_op": 8,
    "compute_cb_op": 4,
    "dst_op": 4,
    "init": 20,
    "matmul_lofi": 16,
    "eltwise": 16,
    "datacopy": 16,
    "reduce": 32,
    "sfpu_simple": 128,
    "sfpu_transcendental": 512,
    "unpack_bytes_per_cycle": 256.0,
    "pack_bytes_per_cycle": 128.0,
}
MODELS: dict[str, CostModel] = {
    "wormhole_n150": CostModel(
        link_bytes_per_cycle=32.0,
        dram_bytes_per_cycle=288.0,
        clock_ghz=1.0,
        grid=(8, 8),
        **_SHARED,
    ),
    "blackhole_p150": CostModel(
        link_bytes_per_cycle=64.0,
        dram_bytes_per_cycle=512.0 / 1.35,
        clock_ghz=1.35,
        grid=(13, 10),
        **_SHARED,
    ),
}


def cost_model(arch: str) -> CostModel:
    if arch not in MODELS:
        raise ConfigError(f"no cost model for device {arch!r}; known: {', '.join(MODELS)}")
    return MODELS[arch]
