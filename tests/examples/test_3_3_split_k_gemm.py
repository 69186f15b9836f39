"""Example 3.3: split-K GEMM as two TileLang kernels (partial products over a third grid
dimension, then their sum), K much larger than M and N, on the emulator."""

import pytest
import torch
from example_helpers import assert_matches_torch, compute_inits, lowered, run_shape

import compiler
from compiler.examples import get_example
from compiler.examples.harness import run_artifacts
from compiler.examples.split_k_gemm import cores_busy, split_k_gemm, tolerance
from compiler.kernel_ir import ops as k

EXAMPLE = get_example("3.3")
SHAPES = {s.name: s for s in EXAMPLE.shapes}


def run(params: dict, seed: int = 0):
    inputs = EXAMPLE.make_inputs(params, torch.Generator().manual_seed(seed))
    artifacts = [compiler.compile(f) for f in split_k_gemm(**params)]
    return run_artifacts(artifacts, inputs), inputs


def modelled_cycles(shape_run) -> int:
    """Both programs back to back: each takes as long as its slowest kernel on any core."""
    return sum(max(s.timing.cycles for s in r.report.kernel_stats.values()) for r in shape_run.runs)


@pytest.mark.parametrize("shape", list(SHAPES))
def test_matches_torch(shape):
    result, expected = run_shape("3.3", shape)
    assert_matches_torch(result.outputs[0], expected, *tolerance(SHAPES[shape].params))


def test_each_k_slice_partial_is_the_exact_partial_product():
    params = {"M": 128, "N": 64, "K": 8192, "split_k": 4}
    result, (a, b) = run(params)
    partial = result.runs[0].outputs[0].double()
    for s in range(4):
        cols = slice(s * 2048, (s + 1) * 2048)
        exact = a[:, cols].double() @ b[cols, :].double()
        torch.testing.assert_close(partial[s * 128 : (s + 1) * 128], exact, rtol=1e-5, atol=1e-3)


def test_k_slices_are_blocks_of_the_third_grid_dimension_on_distinct_cores():
    gemm, combine = (compiler.compile(f).plan for f in split_k_gemm(256, 256, 8192))
    assert [v for v, _ in gemm.grid] == ["bx", "by", "bz"] and gemm.num_blocks == 16 * 4
    assert len(gemm.cores) == 64 and all(w.num_blocks == 1 for w in gemm.cores)
    assert combine.num_blocks == 16


def test_combine_reads_split_k_partials_per_output_block_and_adds_them():
    _, combine = split_k_gemm(128, 128, 16384, split_k=8)
    ir = lowered(combine)
    reads = [op for op in k.walk_ops(ir.kernels.reader.body) if isinstance(op, k.ReadTiles)]
    (loop,) = [op for op in k.walk_ops(ir.kernels.reader.body) if isinstance(op, k.For)]
    assert loop.extent == 8 and [op.tensor for op in reads] == ["Partial"]
    adds = {op.op for op in k.walk_ops(ir.kernels.compute.body) if isinstance(op, k.BinaryInit)}
    assert adds == {"add"} and "MatmulInit" not in compute_inits(combine)


def test_gemm_kernel_sets_up_only_matmul_and_copy():
    gemm, _ = split_k_gemm(128, 128, 4096)
    assert compute_inits(gemm) == {"MatmulInit", "CopyInit"}


def test_splitting_k_cuts_the_modelled_time():
    params = {"M": 128, "N": 128, "K": 8192}
    one, _ = run({**params, "split_k": 1})
    eight, _ = run({**params, "split_k": 8})
    assert modelled_cycles(eight) * 3 < modelled_cycles(one)


def test_reference_is_not_trivially_satisfied():
    result, expected = run_shape("3.3", "k8192_split4")
    with pytest.raises(AssertionError):
        assert_matches_torch(
            result.outputs[0], (expected.float() * 1.05).to(torch.bfloat16), *tolerance({"K": 8192})
        )


def test_cores_busy_expects_one_core_per_block_and_k_slice_from_the_shape():
    shape = SHAPES["k16384_split8"]
    plans = [compiler.compile(f).plan for f in split_k_gemm(**shape.params)]
    ((name, ok, detail),) = cores_busy(shape, plans, [])
    assert (name, ok) == ("K slices spread over cores", True)
    assert detail.startswith("4 output blocks x 8 K-slices = 32 blocks on 32 cores (expected 32")
    # a plan that put the 32 blocks on 16 cores fails, whatever the plan itself says
    halved = [
        w.model_copy(update={"num_blocks": 2 if i < 16 else 0})
        for i, w in enumerate(plans[0].cores)
    ]
    ((_, ok, _),) = cores_busy(shape, [plans[0].model_copy(update={"cores": halved}), plans[1]], [])
    assert not ok
