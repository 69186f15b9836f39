"""Turns the modelled timelines of a run (`RunReport.kernel_stats[...].timing`) into the figures a
user asks for: cycles and utilization per core, the bottleneck (reader-, compute- or
writer-bound), estimated time, TFLOPS and % of the device's matmul peak."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from compiler.sim import RunReport
from compiler.sim.cost import TILE_FLOPS, cost_model
from compiler.sim.program import CoreCoord

MATH = 1  # compute timelines: 0 unpack, 1 math, 2 pack
# A compute kernel waiting more than this share of its time on one side is bound by that side.
WAIT_SHARE = 0.25


@dataclass(frozen=True)
class CorePerf:
    core: CoreCoord
    cycles: int
    reader_cycles: int
    compute_cycles: int
    writer_cycles: int
    math_utilization: float  # share of the core's cycles the FPU/SFPU is busy
    bottleneck: str  # "reader", "compute" or "writer"


@dataclass(frozen=True)
class ProgramPerf:
    arch: str
    math_fidelity: str
    cycles: int
    seconds: float
    flops: int  # the problem's useful work (2·M·N·K for a GEMM); 0 when not given
    executed_flops: int  # what the matmul_tiles calls did, padded tiles included
    tflops: float
    peak_tflops: float
    pct_peak: float
    noc_gbps: float  # bytes moved over the NOC per second (DRAM reads and writes, core to core)
    bottleneck: str  # the most common bottleneck among the slowest cores
    cores: tuple[CorePerf, ...]


def _bottleneck(report: RunReport, core: CoreCoord, cycles: int) -> str:
    stats = report.kernel_stats
    compute = stats.get((core, "compute"))
    if compute is None:
        movers = [r for r in ("reader", "writer") if (core, r) in stats]
        return max(movers, key=lambda r: stats[(core, r)].timing.cycles)
    t = compute.timing
    if max(t.wait_in, t.wait_out) < WAIT_SHARE * cycles:
        return "compute"
    return "reader" if t.wait_in >= t.wait_out else "writer"


def core_perf(report: RunReport, core: CoreCoord) -> CorePerf:
    stats = report.kernel_stats

    def cycles(role: str) -> int:
        k = stats.get((core, role))
        return k.timing.cycles if k else 0

    total = max(cycles(r) for r in ("reader", "compute", "writer"))
    compute = stats.get((core, "compute"))
    math = compute.timing.busy[MATH] if compute else 0
    return CorePerf(
        core,
        total,
        cycles("reader"),
        cycles("compute"),
        cycles("writer"),
        math / total if total else 0.0,
        _bottleneck(report, core, total),
    )


def analyze(
    report: RunReport, arch: str, math_fidelity: str, useful_flops: int | None = None
) -> ProgramPerf:
    """Program figures of a run on `arch` whose matmuls ran at `math_fidelity`. TFLOPS and % of
    peak count `useful_flops` (the problem's own work, e.g. 2·M·N·K), never the padding the
    kernels also multiply; without it no throughput is claimed (both 0)."""
    model = cost_model(arch)
    cores = tuple(core_perf(report, c) for c in sorted({c for c, _ in report.kernel_stats}))
    cycles = max((c.cycles for c in cores), default=0)
    seconds = model.seconds(cycles)
    flops = useful_flops or 0
    executed = TILE_FLOPS * sum(k.timing.matmul_tiles for k in report.kernel_stats.values())
    noc_bytes = sum(k.noc_bytes for k in report.kernel_stats.values())
    tflops = flops / seconds / 1e12 if seconds else 0.0
    peak = model.peak_tflops(math_fidelity)
    slowest = [c.bottleneck for c in cores if c.cycles >= 0.95 * cycles]
    return ProgramPerf(
        arch=arch,
        math_fidelity=math_fidelity,
        cycles=cycles,
        seconds=seconds,
        flops=flops,
        executed_flops=executed,
        tflops=tflops,
        peak_tflops=peak,
        pct_peak=100.0 * tflops / peak,
        noc_gbps=noc_bytes / seconds / 1e9 if seconds else 0.0,
        bottleneck=Counter(slowest).most_common(1)[0][0] if slowest else "none",
        cores=cores,
    )


def analyze_sequence(
    reports: list[RunReport], arch: str, math_fidelity: str, useful_flops: int | None = None
) -> ProgramPerf:
    """Programs launched one after another (split-K's partial GEMM, then its reduction): cycles
    and NOC traffic add up; the bottleneck and per-core figures are the longest launch's."""
    if len(reports) == 1:
        return analyze(reports[0], arch, math_fidelity, useful_flops)
    parts = [analyze(r, arch, math_fidelity) for r in reports]
    longest = max(parts, key=lambda p: p.cycles)
    cycles = sum(p.cycles for p in parts)
    seconds = cost_model(arch).seconds(cycles)
    flops = useful_flops or 0
    tflops = flops / seconds / 1e12 if seconds else 0.0
    noc_bytes = sum(k.noc_bytes for r in reports for k in r.kernel_stats.values())
    return replace(
        longest,
        cycles=cycles,
        seconds=seconds,
        flops=flops,
        executed_flops=sum(p.executed_flops for p in parts),
        tflops=tflops,
        pct_peak=100.0 * tflops / longest.peak_tflops,
        noc_gbps=noc_bytes / seconds / 1e9 if seconds else 0.0,
    )
