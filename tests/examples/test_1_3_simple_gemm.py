"""Example 1.3: the GPU-style TileLang GEMM (128x128x32, threads=128, num_stages=3), unmodified,
on the emulator."""

import pytest
import torch
from example_helpers import assert_matches_torch, compiler_test_kernels, run_shape

import compiler
from compiler.examples import get_example
from compiler.examples.harness import check_shape, compile_shape, pcc

SHAPES = [s.name for s in get_example("1.3").shapes]


@pytest.mark.parametrize("shape", SHAPES)
def test_matches_torch(shape):
    run, expected = run_shape("1.3", shape)
    assert_matches_torch(run.outputs[0], expected)


@pytest.mark.parametrize(("m", "n", "k"), [(256, 256, 256), (512, 1024, 768)])
def test_gpu_gemm_pcc_at_least_0_999(m, n, k):
    ex = get_example("1.3")
    a, b = ex.make_inputs({"M": m, "N": n, "K": k}, torch.Generator().manual_seed(11))
    out = compiler.run(compiler.compile(ex.kernel(M=m, N=n, K=k)), a, b)
    assert pcc(out, ex.reference(a, b)) >= 0.999


def test_gpu_gemm_plan_uses_three_stage_input_cbs_and_fp32_accumulator():
    plan = compiler.compile(get_example("1.3").kernel(M=256, N=256, K=256)).plan
    cbs = {cb.buffer: cb for cb in plan.cbs}
    assert cbs["A_shared"].num_pages == 3 * 4 and cbs["B_shared"].num_pages == 3 * 4
    assert (cbs["C_local"].num_pages, cbs["C_local"].data_format) == (16, "Float32")
    assert [w.num_blocks for w in plan.cores] == [1, 1, 1, 1]


def test_transposed_b_gemm_matches_torch():
    tl_kernels = compiler_test_kernels()

    g = torch.Generator().manual_seed(5)
    a = torch.randn(128, 96, generator=g).to(torch.bfloat16)
    b = torch.randn(64, 96, generator=g).to(torch.bfloat16)
    out = compiler.run(compiler.compile(tl_kernels.gemm(128, 64, 96, trans_b=True)), a, b)
    assert_matches_torch(out, (a.float() @ b.float().T).to(torch.bfloat16))


def test_b_tile_loaded_by_a_parallel_loop_matches_torch():
    builder = compiler_test_kernels().gemm_parallel_b_copy
    g = torch.Generator().manual_seed(6)
    a = torch.randn(192, 96, generator=g).to(torch.bfloat16)
    b = torch.randn(96, 128, generator=g).to(torch.bfloat16)
    out = compiler.run(compiler.compile(builder.get_tir(192, 128, 96)), a, b)
    assert_matches_torch(out, (a.float() @ b.float()).to(torch.bfloat16))


def per_core(shape_name: str) -> list[int]:
    example = get_example("1.3")
    shape = next(s for s in example.shapes if s.name == shape_name)
    (artifact,) = compile_shape(example, shape)
    return [w.num_blocks for w in artifact.plan.cores]


def test_uncoarsened_shapes_run_several_blocks_per_core_and_more_blocks_than_cores():
    many, uneven = per_core("many_blocks_per_core"), per_core("more_blocks_than_cores")
    assert (sum(many), len(many), set(many)) == (256, 64, {4})
    assert (sum(uneven), len(uneven), set(uneven)) == (90, 64, {1, 2})


def test_coarsening_merges_the_same_grid_into_one_block_per_core():
    assert per_core("coarsened") == [1] * 64


def test_check_names_state_the_schedule_that_ran():
    example = get_example("1.3")
    shape = next(s for s in example.shapes if s.name == "more_blocks_than_cores")
    names = [c.name for c in check_shape(example, shape)]
    assert names[0] == (
        "more_blocks_than_cores (64x64 blocks as written (no coarsening): uneven ranges; "
        "90 blocks on 64 cores, 1-2 per core): run completed"
    )
