"""coarsen_blocks: GEMMs whose blocks re-read the same panels of A and B get merged blocks (each
panel read once per merged block) when the cost model's estimate drops by 10% or more,
numerically unchanged; programs it cannot prove block-shaped are left as written."""

import pytest
import tilelang.language as T
import tl_kernels as K
import torch

import compiler
from compiler.frontend import from_prim_func
from compiler.ir import dump
from compiler.passes.coarsen import GAIN, estimated_cycles
from compiler.pipeline import lower
from compiler.targets import get_target


def coarsened(func):
    return K.lowered(func, "coarsen_blocks")


def test_four_blocks_per_core_merge_two_by_two():
    program = coarsened(K.gemm(1024, 1024, 64))  # 16 x 16 blocks of 64x64 on 64 cores
    assert program.grid == (("bx", 8), ("by", 8))
    assert {b.name: b.shape for b in program.buffers} == {
        "A_s": (128, 32),
        "B_s": (32, 128),
        "C_l": (128, 128),
    }
    text = dump(program)
    assert "copy A[128*by : +128, 32*k : +32] -> A_s[0 : +128, 0 : +32]" in text
    assert "copy B[32*k : +32, 128*bx : +128] -> B_s[0 : +32, 0 : +128]" in text
    assert "copy C_l[0 : +128, 0 : +128] -> C[128*by : +128, 128*bx : +128]" in text


def test_a_transposed_b_merges_along_its_rows():
    program = coarsened(K.gemm(1024, 1024, 64, trans_b=True))
    assert {b.name: b.shape for b in program.buffers}["B_s"] == (128, 32)
    assert "copy B[128*bx : +128, 32*k : +32]" in dump(program)


def test_a_merge_must_cut_the_estimated_time_by_a_tenth():
    for func in (K.gemm(512, 512, 64), K.gemm(128, 128, 64)):  # 64 blocks, 4 blocks
        program = coarsened(func)
        assert program == K.lowered(func, "forward_outputs")


def test_a_dram_bound_gemm_merges_even_below_one_block_per_core():
    # 2048^3 in 128x128 blocks on Blackhole's 130 cores: 256 blocks, DRAM-bound; 2x2 merged
    # blocks leave cores idle but halve the DRAM traffic
    func = K.gemm(2048, 2048, 2048, block_M=128, block_N=128)
    target = get_target("blackhole_p150")
    before = lower(from_prim_func(func), target, stop_after="forward_outputs")
    after = lower(from_prim_func(func), target, stop_after="coarsen_blocks")
    assert after.grid == (("bx", 8), ("by", 8))
    assert estimated_cycles(after) < GAIN * estimated_cycles(before)


def rows_of_a_by_column_block(M, K_):
    """C[by, bx] = A[bx] @ B[:, bx]: A's rows follow bx, not C's rows (legal, just unusual)."""

    @T.prim_func
    def main(
        A: T.Tensor((M, K_), "bfloat16"),
        B: T.Tensor((K_, M), "bfloat16"),
        C: T.Tensor((M, M), "bfloat16"),
    ):
        with T.Kernel(M // 64, M // 64, threads=128) as (bx, by):
            A_s = T.alloc_shared((64, K_), "bfloat16")
            B_s = T.alloc_shared((K_, 64), "bfloat16")
            C_l = T.alloc_fragment((64, 64), "float32")
            T.clear(C_l)
            T.copy(A[bx * 64, 0], A_s)
            T.copy(B[0, bx * 64], B_s)
            T.gemm(A_s, B_s, C_l)
            T.copy(C_l, C[by * 64, bx * 64])

    return main


def test_a_gemm_whose_operands_follow_other_blocks_than_its_result_is_left_alone():
    func = rows_of_a_by_column_block(1024, 64)
    assert coarsened(func) == K.lowered(func, "forward_outputs")


def test_element_wise_programs_are_left_alone():
    func = K.add_global(1024, 1024)  # 1024 blocks of 32x32, an element-wise Parallel loop
    assert coarsened(func) == K.lowered(func, "forward_outputs")


def test_merges_stop_at_the_l1_budget():
    # 32 x 32 blocks of 128x128: a 4x4 merge would need a 512x512 fp32 accumulator (1 MiB)
    program = K.lowered(K.gemm(4096, 4096, 64, block_M=128, block_N=128), "allocate_cbs")
    used = sum(c.num_pages * (4096 if c.dtype == "float32" else 2048) for c in program.cbs)
    assert used <= program.target.l1_budget_bytes
    assert 1 < program.schedule.num_blocks < 32 * 32 / 4


@pytest.mark.parametrize("trans_b", [False, True])
def test_merged_blocks_compute_the_same_product(trans_b):
    # 16 x 8 blocks of 32x32: two per core
    func = K.gemm(256, 512, 64, block_M=32, block_N=32, trans_b=trans_b)
    (_, gx), (_, gy) = coarsened(func).grid
    assert gx * gy < 16 * 8
    gen = torch.Generator().manual_seed(0)
    a = torch.randn(256, 64, generator=gen).to(torch.bfloat16)
    b = torch.randn(*((512, 64) if trans_b else (64, 512)), generator=gen).to(torch.bfloat16)
    out = compiler.run(compiler.compile(func), a, b)
    expected = a.float() @ (b.float().T if trans_b else b.float())
    torch.testing.assert_close(out.float(), expected, rtol=2e-2, atol=2e-2)
