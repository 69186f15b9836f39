"""Helpers of the example tests: run one shape of an example through the compiler and
the emulator and compare with its torch reference."""

import importlib
import sys
from pathlib import Path

import torch

from compiler.examples import get_example
from compiler.examples.harness import compile_shape, pcc, run_artifacts
from compiler.examples.spec import ATOL, PCC_MIN, RTOL


def run_shape(example_id: str, shape_name: str, seed: int = 0):
    """(the run, torch's result): a `SimRun` for one program, a `ShapeRun` for several."""
    example = get_example(example_id)
    shape = next(s for s in example.shapes if s.name == shape_name)
    inputs = example.make_inputs(shape.params, torch.Generator().manual_seed(seed))
    run = run_artifacts(compile_shape(example, shape), inputs)
    return (run.runs[0] if len(run.runs) == 1 else run), example.expected(shape.params, inputs)


def assert_matches_torch(
    out: torch.Tensor, expected: torch.Tensor, rtol: float = RTOL, atol: float = ATOL
) -> None:
    assert out.shape == expected.shape and out.dtype == expected.dtype
    assert pcc(out, expected) >= PCC_MIN
    torch.testing.assert_close(out.float(), expected.float(), rtol=rtol, atol=atol)


def compiler_test_kernels():
    """tests/compiler/tl_kernels: TileLang variants (transposed B, bounds guards) of the examples."""
    sys.path.insert(0, str(Path(__file__).parents[1] / "compiler"))
    return importlib.import_module("tl_kernels")


def lowered(prim_func):
    """The kernel IR after the whole pipeline (what codegen renders), on Wormhole."""
    from compiler.frontend import from_prim_func
    from compiler.pipeline import run_pipeline
    from compiler.targets import get_target

    return run_pipeline(from_prim_func(prim_func), get_target(None))


def op_types(ops) -> set[str]:
    """Names of the kernel-IR op types in `ops` (loops and conditionals included)."""
    from compiler.kernel_ir import ops as k

    return {type(op).__name__ for op in k.walk_ops(ops)}


def compute_inits(prim_func) -> set[str]:
    """The set-up calls (`*Init` ops) of the compute kernel: what the hardware is configured for."""
    return {name for name in op_types(lowered(prim_func).kernels.compute.body) if "Init" in name}
