"""The benchmark behind `tt-ws bench`: for every shape of a registered example, compile time,
emulator wall time and modelled performance; and for the examples that have one, a pair of the
generated program against a hand-written reference (`compiler.perf.reference`) on the same
inputs, whose ratio of modelled cycles says how much the compiler leaves on the table.

Every run is checked against the example's torch reference: a wrong answer is never timed."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import torch

from compiler.api import Artifact
from compiler.examples import get_example
from compiler.examples.harness import PCC_MIN, pcc
from compiler.examples.spec import Example, as_outputs
from compiler.perf.analysis import ProgramPerf, analyze, analyze_sequence
from compiler.perf.reference import eltwise_add, gemm, gemm_mcast
from compiler.sim import Device, RunReport

PERF_SCHEMA = "tt-ws.perf/1"
# Fidelity of the GEMM pairs: the one the gate names ("% of Wormhole peak at HiFi2").
PAIR_FIDELITY = "HiFi2"


class BenchError(Exception):
    """A benchmarked program gave a wrong answer (or could not run)."""


@dataclass(frozen=True)
class Timed:
    """One program's run: compile and emulator wall times, and what the model says."""

    compile_s: float
    sim_wall_s: float
    perf: ProgramPerf


@dataclass(frozen=True)
class ShapeBench:
    example: str
    shape: str
    generated: Timed


@dataclass(frozen=True)
class PairBench:
    """Generated vs hand-written on one problem; `ratio` = generated / hand-written cycles."""

    example: str
    name: str
    problem: str
    generated: Timed
    hand_written: Timed

    @property
    def ratio(self) -> float:
        return self.generated.perf.cycles / self.hand_written.perf.cycles


@dataclass(frozen=True)
class Pair:
    name: str
    problem: str
    arch: str
    params: dict[str, int]  # the example kernel's parameters
    hand_written: Callable[[Device, list[torch.Tensor]], tuple[np.ndarray, RunReport]]


def with_fidelity(artifact: Artifact, math_fidelity: str) -> Artifact:
    """The artifact with every kernel at `math_fidelity` (a device setting, not code)."""
    kernels = [k.model_copy(update={"math_fidelity": math_fidelity}) for k in artifact.plan.kernels]
    return Artifact(artifact.plan.model_copy(update={"kernels": kernels}), artifact.sources)


def _check(
    what: str, got: torch.Tensor, expected: torch.Tensor, tolerance: tuple[float, float]
) -> None:
    """PCC is blind to scale: a result off by a constant factor passes it, so allclose too."""
    value = pcc(got, expected)
    if value < PCC_MIN:
        raise BenchError(f"{what}: wrong result (PCC {value:.6f} < {PCC_MIN}); not timed")
    rtol, atol = tolerance
    got, expected = got.float(), expected.float()
    if not torch.allclose(got, expected, rtol=rtol, atol=atol):
        diff = (got - expected).abs().max().item()
        raise BenchError(
            f"{what}: wrong result (max |diff| {diff:.4g} beyond rtol {rtol:.4g}, "
            f"atol {atol:.4g}); not timed"
        )


def run_generated(
    example: Example,
    params: dict[str, int],
    name: str,
    arch: str,
    fidelity: str | None = None,
    coarsen: bool = True,
) -> Timed:
    """Compile the example's programs with `params` for `arch` (block merging as the shape
    says), run them in order as the harness does and check the result; a sequence of programs
    (3.3's split-K) is timed as the sum of its launches."""
    from compiler.examples.harness import compile_shape, run_artifacts
    from compiler.examples.spec import Shape
    from compiler.sim import SimError

    started = time.perf_counter()
    artifacts = compile_shape(example, Shape(name, "bench", params, coarsen), target=arch)
    compile_s = time.perf_counter() - started
    if fidelity is not None:
        artifacts = [with_fidelity(a, fidelity) for a in artifacts]
    inputs = example.make_inputs(params, torch.Generator().manual_seed(0))
    try:
        shape_run = run_artifacts(artifacts, inputs)
    except SimError as err:
        raise BenchError(f"{name}: the emulator stopped: {str(err).splitlines()[0]}") from None
    expected = as_outputs(example.expected(params, inputs))
    for got, want in zip(shape_run.outputs, expected, strict=True):
        _check(name, got, want, tolerance(example, params, fidelity))
    kernels_fidelity = artifacts[0].plan.kernels[0].math_fidelity
    reports = [run.report for run in shape_run.runs]
    perf = analyze_sequence(reports, arch, kernels_fidelity, useful_flops(example, params))
    return Timed(compile_s, sum(r.wall_s for r in reports), perf)


def tolerance(
    example: Example, params: dict[str, int], fidelity: str | None
) -> tuple[float, float]:
    """The example's (rtol, atol), widened for a GEMM at HiFi2: that fidelity multiplies SrcB
    without the lowest of its 7 bf16 fraction bits (compiler/sim/runtime/compute.cpp, as the
    FPU's fidelity phases do), so each product may lose 2^-7 of itself. Over K products of
    unit-normal inputs the loss is a random walk of std <= 2^-7 sqrt(K); 6 std are allowed."""
    rtol, atol = example.tolerances(params)
    if fidelity is None or fidelity == "HiFi4":
        return rtol, atol
    assert fidelity == "HiFi2", f"no tolerance model for fidelity {fidelity}"
    return rtol, atol + 6 * 2**-7 * int(params["K"]) ** 0.5


def useful_flops(example: Example, params: dict[str, int]) -> int | None:
    return example.flops(params) if example.flops else None


def _numpy(t: torch.Tensor) -> np.ndarray:
    return t.float().numpy()


def _hand_gemm(dev: Device, inputs: list[torch.Tensor]) -> tuple[np.ndarray, RunReport]:
    a, b = inputs
    result = gemm(dev, _numpy(a), _numpy(b), math_fidelity=PAIR_FIDELITY)
    return result.output, result.report


def _hand_gemm_mcast(dev: Device, inputs: list[torch.Tensor]) -> tuple[np.ndarray, RunReport]:
    a, b = inputs
    # one block per core over an 8x8 grid (on Blackhole, 64 of its 130 cores)
    result = gemm_mcast(dev, _numpy(a), _numpy(b), grid=(8, 8), math_fidelity=PAIR_FIDELITY)
    return result.output, result.report


def _hand_add(dev: Device, inputs: list[torch.Tensor]) -> tuple[np.ndarray, RunReport]:
    a, b = inputs
    result = eltwise_add(dev, _numpy(a), _numpy(b))
    return result.output, result.report


def _gemm(n: int, arch: str, mcast: bool = False) -> Pair:
    name = f"gemm_{n}" + ("" if arch == "wormhole_n150" else "_bh") + ("_vs_mcast" if mcast else "")
    problem = f"{n}^3 bf16 GEMM" + (" vs multicast" if mcast else "")
    hand = _hand_gemm_mcast if mcast else _hand_gemm
    return Pair(name, problem, arch, {"M": n, "N": n, "K": n}, hand)


GEMM_PAIRS = (
    _gemm(1024, "wormhole_n150"),
    _gemm(2048, "wormhole_n150"),
    _gemm(2048, "blackhole_p150"),
    # informational: the reference with A/B multicast, what tt-metal's fast matmuls do
    _gemm(2048, "wormhole_n150", mcast=True),
)
# The generated program of each example measured against a hand-written one.
PAIRS: dict[str, tuple[Pair, ...]] = {
    "1.1": (
        Pair("add_1024", "1024^2 bf16 add", "wormhole_n150", {"M": 1024, "N": 1024}, _hand_add),
    ),
    "1.3": GEMM_PAIRS,
    # the same GEMM double-buffered (num_stages=2, as 2.1's shapes give it) against the same
    # reference
    "2.1": tuple(replace(p, params={**p.params, "num_stages": 2}) for p in GEMM_PAIRS),
}


def bench_pair(example: Example, pair: Pair) -> PairBench:
    fidelity = PAIR_FIDELITY if pair.name.startswith("gemm") else None
    generated = run_generated(
        example, pair.params, f"{example.id}-{pair.name}", pair.arch, fidelity
    )
    inputs = example.make_inputs(pair.params, torch.Generator().manual_seed(0))
    output, report = pair.hand_written(Device(pair.arch), inputs)
    expected = example.expected(pair.params, inputs)
    within = tolerance(example, pair.params, fidelity)
    _check(f"hand-written {pair.name}", torch.from_numpy(output), expected, within)
    hand_fidelity = PAIR_FIDELITY if fidelity else "HiFi4"
    flops = useful_flops(example, pair.params)
    hand = Timed(report.compile_s, report.wall_s, analyze(report, pair.arch, hand_fidelity, flops))
    return PairBench(example.id, pair.name, pair.problem, generated, hand)


def bench_example(example_id: str, pairs: bool = True) -> tuple[list[ShapeBench], list[PairBench]]:
    """Every shape of the example (on Wormhole, at the fidelity the compiler chose) and, with
    `pairs`, its generated-vs-hand-written pairs."""
    example = get_example(example_id)
    shapes = [
        ShapeBench(
            example.id,
            s.name,
            run_generated(
                example, s.params, f"{example.id}-{s.name}", "wormhole_n150", coarsen=s.coarsen
            ),
        )
        for s in example.shapes
    ]
    measured = [bench_pair(example, p) for p in PAIRS.get(example_id, ())] if pairs else []
    return shapes, measured


def metrics(shapes: list[ShapeBench], pairs: list[PairBench]) -> dict[str, float]:
    """The numbers a perf gate can hold a threshold on (names: lowercase and underscores)."""
    out: dict[str, float] = {}
    for s in shapes:
        out[f"{s.shape}_cycles"] = float(s.generated.perf.cycles)
        out[f"{s.shape}_compile_s"] = s.generated.compile_s
        out[f"{s.shape}_sim_wall_s"] = s.generated.sim_wall_s
    for p in pairs:
        out[f"{p.name}_ratio"] = p.ratio
        out[f"{p.name}_generated_cycles"] = float(p.generated.perf.cycles)
        out[f"{p.name}_hand_written_cycles"] = float(p.hand_written.perf.cycles)
        out[f"{p.name}_generated_pct_peak"] = p.generated.perf.pct_peak
        out[f"{p.name}_hand_written_pct_peak"] = p.hand_written.perf.pct_peak
        out[f"{p.name}_generated_tflops"] = p.generated.perf.tflops
    return out
