"""The emulator's cycle-approximate model: FPU time scales with math fidelity, shared DRAM
bandwidth caps many cores, CBs carry time from producer to consumer, and the same program
always gets the same cycles."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from compiler.perf.analysis import analyze
from compiler.perf.reference import gemm
from compiler.sim import DataFormat, Device, KernelTiming, Program, tensor_accessor_args, tile_size
from compiler.sim import reference_programs as rp
from compiler.sim.cost import MODELS, cost_model

ALL_64 = ((0, 0), (7, 7))
KERNELS = Path(__file__).parent / "kernels"
SIM_KERNELS = Path(__file__).parents[1] / "kernels"


def _matrices(m: int, k: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return (
        rng.standard_normal((m, k)).astype(np.float32),
        rng.standard_normal((k, n)).astype(np.float32),
    )


def _timing(report, core, role) -> KernelTiming:
    return report.kernel_stats[(core, role)].timing


@pytest.fixture(scope="module")
def one_core_gemm() -> dict[str, object]:
    """A 256^3 GEMM on one core, the whole K in one block (no partial sums to reload): the math
    timeline is nothing but matmul_tiles and two inits."""
    a, b = _matrices(256, 256, 256)
    return {
        f: gemm(Device("wormhole_n150"), a, b, grid=(1, 1), bk=8, math_fidelity=f).report
        for f in ("LoFi", "HiFi2", "HiFi4")
    }


def test_a_matmul_tile_takes_16_cycles_per_fidelity_pass(one_core_gemm) -> None:
    tiles = 8 * 8 * 8
    model = MODELS["wormhole_n150"]
    # hw_startup + matmul_init; acquire + commit for each of the 16 2x2 subblocks
    overhead = 2 * model.init + 16 * 2 * model.dst_op
    for fidelity, passes in (("LoFi", 1), ("HiFi2", 2), ("HiFi4", 4)):
        timing = _timing(one_core_gemm[fidelity], (0, 0), "compute")
        assert timing.matmul_tiles == tiles
        assert timing.busy[1] == tiles * 16 * passes + overhead, fidelity


def test_a_well_blocked_matmul_on_one_core_is_compute_bound() -> None:
    a, b = _matrices(256, 256, 256)
    report = gemm(Device("wormhole_n150"), a, b, grid=(1, 1), math_fidelity="HiFi4").report
    perf = analyze(report, "wormhole_n150", "HiFi4")
    assert perf.bottleneck == "compute"
    assert perf.cores[0].math_utilization > 0.8
    assert perf.tflops == pytest.approx(perf.flops / perf.seconds / 1e12)


def test_many_cores_share_the_dram_bandwidth() -> None:
    # the one-tile-at-a-time matmul re-reads A and B for every output tile: DRAM-bound
    a, b = _matrices(512, 512, 512)
    for arch in ("wormhole_n150", "blackhole_p150"):
        report = rp.matmul(Device(arch), a, b, cores=ALL_64, math_fidelity="HiFi2").report
        perf = analyze(report, arch, "HiFi2")
        limit = MODELS[arch].dram_bytes_per_cycle * MODELS[arch].clock_ghz
        assert 0.85 * limit <= perf.noc_gbps <= 1.01 * limit, (arch, perf.noc_gbps, limit)
        assert perf.bottleneck == "reader"


def test_cbs_carry_time_from_reader_to_compute_to_writer() -> None:
    a, b = _matrices(64, 64, 64)
    report = rp.eltwise_binary(Device("wormhole_n150"), a, b, "add").report
    reader, compute, writer = (_timing(report, (0, 0), r) for r in ("reader", "compute", "writer"))
    # compute cannot finish before the last tile arrives, nor the writer before it is packed
    assert reader.noc_wait > 0 and compute.wait_in > 0 and writer.wait_in > 0
    assert reader.cycles < compute.cycles < writer.cycles


def test_a_slow_writer_holds_compute_back_and_is_named_the_bottleneck() -> None:
    dev = Device("wormhole_n150")
    fmt = DataFormat.Float16_b
    n = 16
    src = dev.create_buffer(n * tile_size(fmt), tile_size(fmt))
    dst = dev.create_buffer(n * tile_size(fmt), tile_size(fmt))
    p = Program()
    for cb in (0, 16):
        p.add_circular_buffer((0, 0), cb, tile_size(fmt), 2, fmt)
    reader = p.add_kernel(
        rp.KERNELS / "reader_unary.cpp", (0, 0), "reader", compile_args=tensor_accessor_args(src)
    )
    compute = p.add_kernel(SIM_KERNELS / "compute_copy.cpp", (0, 0), "compute")
    writer = p.add_kernel(
        KERNELS / "repeating_writer.cpp", (0, 0), "writer", compile_args=tensor_accessor_args(dst)
    )
    p.set_runtime_args(reader, (0, 0), [src.address, n, 0])
    p.set_runtime_args(compute, (0, 0), [n])
    p.set_runtime_args(writer, (0, 0), [dst.address, n, 4])
    report = dev.run(p)
    assert _timing(report, (0, 0), "compute").wait_out > 0
    assert analyze(report, "wormhole_n150", "HiFi4").cores[0].bottleneck == "writer"


def test_the_same_program_gets_the_same_cycles() -> None:
    a, b = _matrices(128, 256, 128)
    runs = [rp.matmul(Device("wormhole_n150"), a, b, cores=ALL_64).report for _ in range(2)]
    assert [{key: s.timing for key, s in r.kernel_stats.items()} for r in runs] == [
        {key: s.timing for key, s in runs[0].kernel_stats.items()}
    ] * 2


def test_peaks_follow_the_published_per_core_rates() -> None:
    # GEMM_FLOPS tech report: 4 TFLOPS per core at LoFi and 1 GHz (WH), 5.4 at 1.35 GHz (BH)
    assert cost_model("wormhole_n150").peak_tflops("LoFi") == pytest.approx(64 * 4.096)
    assert cost_model("wormhole_n150").peak_tflops("HiFi2") == pytest.approx(64 * 2.048)
    assert cost_model("blackhole_p150").peak_tflops("HiFi4") == pytest.approx(130 * 1.3824)
